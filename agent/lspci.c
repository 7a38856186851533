/*
 * lspci.c - `vifs-agent lspci`: the devices as ESXi 4's lspci lists them:
 * "BB:SS.FF Base class name: Vendor Device [vmkname]", addresses in
 * decimal with a two-digit function, the vmkname from esx.conf.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "cmd.h"
#include "msg.h"
#include "scan.h"

static void
usage(FILE *f)
{
	fputs("Usage: vifs-agent lspci [options]\n"
	      "List the PCI devices as ESXi's lspci does: decimal BB:SS.FF "
	      "addresses, class,\n"
	      "vendor and device, and the [vmkname] esx.conf gives the "
	      "device.\n"
	      "\n"
	      "  -h, --help               show this help\n",
	    f);
	fputs(agent_source_help, f);
}

static void
print_device(const struct vifs_inv_device *d)
{
	if (d->addr.segment != 0)
		printf("%u:", (unsigned)d->addr.segment);
	printf("%02u:%02u.%02u ", (unsigned)d->addr.bus, (unsigned)d->addr.dev,
	    (unsigned)d->addr.func);
	if (d->base_class_name != NULL)
		printf("%s: ", d->base_class_name);
	else
		printf("Class %02x: ", (unsigned)d->class_base);
	if (d->vendor_name != NULL)
		printf("%s ", d->vendor_name);
	else
		printf("Vendor %04x ", (unsigned)d->vendor);
	if (d->device_name != NULL)
		printf("%s", d->device_name);
	else
		printf("Device %04x", (unsigned)d->device);
	if (d->vmkname != NULL)
		printf(" [%s]", d->vmkname);
	putchar('\n');
}

int
cmd_lspci(int argc, char **argv)
{
	static const struct option own[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option opts[AGENT_MAX_OPTIONS];
	struct agent_source src;
	vifs_inventory *inv = NULL;
	int c, status = AGENT_EXIT_FAIL;

	memset(&src, 0, sizeof(src));
	opterr = 0;
	agent_options(opts, own);
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (agent_source_option(&src, c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			return AGENT_EXIT_OK;
		case ':':
			return msg_usage("lspci",
			    "option '%s' needs an argument", argv[optind - 1]);
		default:
			return msg_usage("lspci", "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return msg_usage("lspci", "unexpected argument '%s'",
		    argv[optind]);
	if (agent_source_check(&src, "lspci") != 0)
		return AGENT_EXIT_USAGE;
	if (agent_load(&inv, &src) < 0)
		goto done;
	for (size_t i = 0; i < vifs_inventory_count(inv); i++)
		print_device(vifs_inventory_get(inv, i));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_err("standard output: write error");
		goto done;
	}
	status = AGENT_EXIT_OK;
done:
	vifs_inventory_free(inv);
	return status;
}
