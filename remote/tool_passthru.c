/*
 * tool_passthru.c - `vifs passthru list|enable|disable`: which PCI devices
 * are given to VMs, and safe changes of that.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "msg.h"
#include "tool.h"

#define usage_error(...) tool_usagef("passthru", __VA_ARGS__)

static const char passthru_usage[] =
    "usage: vifs passthru list    --file FILE [--output text|xml]\n"
    "       vifs passthru enable  --file FILE [--dry-run] [--force]\n"
    "                             [--notation N] [--key-notation N] ADDR...\n"
    "       vifs passthru disable --file FILE [--dry-run] [--notation N]"
    " ADDR...\n"
    "\n"
    "Lists and changes the owner (vmkernel or passthru) of PCI devices in\n"
    "esx.conf. ADDR may be written in any notation: esx.conf 000:27.0,\n"
    "Linux 0000:00:1b.0 or 00:1b.0, ESXi lspci 00:27.00, vmx\n"
    "00000:000:27.0; text that reads as two different addresses is refused\n"
    "unless --notation names one. Enabling passthru on a device that holds\n"
    "a vmkname (a vmhba or vmnic the host uses), or on one function of a\n"
    "multi-function device while the others stay with the VMkernel, is\n"
    "refused unless --force. Changes take effect at the next reboot.\n"
    "\n"
    "  -f, --file FILE         the esx.conf to read (and write back)\n"
    "  -n, --dry-run           print the unified diff, change nothing\n"
    "      --force             override the safety refusals\n"
    "      --notation N        ADDR notation: esxconf, esxi-lspci, linux,\n"
    "                          linux-short, vmx, vmx-short\n"
    "      --key-notation N    notation of new /device/ keys (default\n"
    "                          esxconf); existing keys keep their spelling\n"
    "  -o, --output FMT        text (default) or xml (list)\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 ok, 1 failed or refused, 2 usage error.\n";

struct passthru_args {
	struct tool_doc_opts doc;
	struct vifs_passthru_opts popts;
	int enable;
	int argc;
	char **argv;
};

static const char *
owner_text(const struct vifs_passthru_dev *d)
{
	if (d->owner == VIFS_OWNER_OTHER && d->owner_text != NULL)
		return d->owner_text;
	if (d->owner == VIFS_OWNER_NONE)
		return "-";
	return vifs_owner_name(d->owner);
}

static int
passthru_list(struct passthru_args *a)
{
	vifs_esxconf *doc = NULL;
	vifs_passthru_list *list = NULL;
	size_t i, n;
	int rc;

	if (a->argc > 0)
		return usage_error("list takes no argument, not '%s'",
		    a->argv[0]);
	if ((rc = tool_load(&doc, &a->doc)) != TOOL_OK)
		return rc;
	if (vifs_passthru_list_new(&list, doc, a->popts.topo) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (a->doc.output == TOOL_OUTPUT_XML) {
		char *xml = NULL;
		size_t len;

		if (vifs_passthru_list_to_xml(&xml, &len, list,
		        vifs_esxconf_name(doc)) < 0)
			rc = tool_liberror();
		else
			rc = tool_write_stdout(xml, len);
		free(xml);
		goto done;
	}
	n = vifs_passthru_list_count(list);
	printf("%-14s %-12s %-9s %-9s %-8s %s\n", "ADDRESS", "LINUX", "OWNER",
	    "EFFECTIVE", "VMKNAME", "NOTE");
	for (i = 0; i < n; i++) {
		const struct vifs_passthru_dev *d = vifs_passthru_list_get(list,
		    i);
		char linux_addr[VIFS_PCIADDR_MAX];
		char bridge[VIFS_PCIADDR_MAX] = "";

		vifs_pciaddr_format(linux_addr, sizeof(linux_addr), &d->addr,
		    VIFS_PCI_LINUX);
		if (d->via_bridge)
			vifs_pciaddr_format(bridge, sizeof(bridge), &d->bridge,
			    VIFS_PCI_ESXCONF);
		printf("%-14s %-12s %-9s %-9s %s",
		    d->key_addr ? d->key_addr : "-", linux_addr, owner_text(d),
		    vifs_owner_name(d->effective),
		    d->vmkname ? d->vmkname : "-");
		if (d->via_bridge) {
			int used = d->vmkname ? (int)strlen(d->vmkname) : 1;

			printf("%*svia bridge %s", used < 8 ? 9 - used : 1, "",
			    bridge);
		}
		putchar('\n');
	}
	if (a->popts.topo == NULL)
		tool_notef("bridge coverage not shown: no inventory given");
	rc = tool_write_stdout(NULL, 0);
done:
	vifs_passthru_list_free(list);
	vifs_esxconf_free(doc);
	return rc;
}

static void
print_report(const vifs_passthru_report *r)
{
	size_t i;

	for (i = 0; i < vifs_passthru_report_warnings(r); i++)
		tool_warnf("%s", vifs_passthru_report_warning(r, i));
	for (i = 0; i < vifs_passthru_report_refusals(r); i++)
		tool_errorf("refused: %s", vifs_passthru_report_refusal(r, i));
}

static int
change_edit(vifs_esxconf *doc, void *arg)
{
	struct passthru_args *a = arg;
	vifs_passthru_report *r = NULL;
	const char *const *addrs = (const char *const *)a->argv;
	size_t n = (size_t)a->argc;
	int err, rc = TOOL_OK;

	/* One change for all addresses: the functions of a slot may be
	 * given to passthru together, and a refusal stops them all. */
	if (a->enable)
		err = vifs_passthru_enable_many(&r, doc, addrs, n, &a->popts);
	else
		err = vifs_passthru_disable_many(&r, doc, addrs, n, &a->popts);
	if (r != NULL)
		print_report(r);
	if (err == VIFS_EREFUSED)
		rc = TOOL_FAILED;
	else if (err == VIFS_EAMBIGUOUS) {
		rc = tool_liberror();
		tool_notef("name the notation of the address with --notation "
		           "(linux-short, vmx-short, ...)");
	} else if (err < 0)
		rc = tool_liberror();
	else if (vifs_passthru_report_changes(r) > 0 && !a->doc.dry_run)
		tool_notef("passthrough changes take effect at the next "
		           "reboot of the host");
	vifs_passthru_report_free(r);
	return rc;
}

int
tool_passthru_main(int argc, char **argv)
{
	enum { OPT_FORCE = 256, OPT_NOTATION, OPT_KEY_NOTATION };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ "key-notation", required_argument, NULL, OPT_KEY_NOTATION },
		{ "notation", required_argument, NULL, OPT_NOTATION },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct passthru_args a;
	const char *verb;
	int c;

	memset(&a, 0, sizeof(a));
	a.popts.notation = VIFS_PCI_AUTO;
	a.popts.new_key_notation = VIFS_PCI_ESXCONF;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:hno:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a.doc.file = optarg;
			break;
		case 'h':
			fputs(passthru_usage, stdout);
			return TOOL_OK;
		case 'n':
			a.doc.dry_run = 1;
			break;
		case 'o':
			if (tool_parse_output(&a.doc.output, optarg) != 0)
				return usage_error("unknown output format "
				                   "'%s' (text or xml)",
				    optarg);
			break;
		case OPT_FORCE:
			a.popts.flags |= VIFS_PASSTHRU_FORCE;
			break;
		case OPT_NOTATION:
			if (vifs_pci_notation_parse(&a.popts.notation, optarg) <
			        0 ||
			    a.popts.notation == VIFS_PCI_AUTO)
				return usage_error("unknown notation '%s'",
				    optarg);
			break;
		case OPT_KEY_NOTATION:
			if (vifs_pci_notation_parse(&a.popts.new_key_notation,
			        optarg) < 0 ||
			    a.popts.new_key_notation == VIFS_PCI_AUTO)
				return usage_error("unknown notation '%s'",
				    optarg);
			break;
		default:
			fprintf(stderr, "Try 'vifs passthru --help'.\n");
			return TOOL_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("missing subcommand (list, enable or "
		                   "disable)");
	verb = argv[optind];
	a.argc = argc - optind - 1;
	a.argv = argv + optind + 1;
	if (strcmp(verb, "list") == 0)
		return passthru_list(&a);
	if (strcmp(verb, "enable") == 0 || strcmp(verb, "disable") == 0) {
		a.enable = strcmp(verb, "enable") == 0;
		if (a.argc < 1)
			return usage_error("%s needs a device address", verb);
		return tool_edit(&a.doc, change_edit, &a);
	}
	return usage_error("unknown subcommand '%s'", verb);
}
