/*
 * report.c - `vifs-agent inventory`: the PCI inventory as XML.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/inventory.h>

#include "cmd.h"
#include "msg.h"
#include "scan.h"

enum {
	OPT_STRICT = OPT_FIRST_OWN,
};

static void
usage(FILE *f)
{
	fputs("Usage: vifs-agent inventory [options]\n"
	      "Write the PCI inventory of this host, or of a dump, as XML "
	      "(schema: vifs-agent\nschema).\n"
	      "\n"
	      "  -o, --output FILE        write to FILE (replaced atomically) "
	      "instead of\n"
	      "                           standard output\n"
	      "  -q, --quiet              do not print the findings on "
	      "standard error\n"
	      "      --strict             exit 1 when a finding has severity "
	      "error\n"
	      "  -h, --help               show this help\n",
	    f);
	fputs(agent_source_help, f);
}

/* Findings on standard error, one a line. */
static void
print_findings(const vifs_inventory *inv)
{
	const struct vifs_inv_info *info = vifs_inventory_info(inv);

	for (size_t i = 0; i < vifs_inventory_finding_count(inv); i++) {
		const struct vifs_inv_finding *f = vifs_inventory_finding(inv,
		    i);
		const char *sev = f->severity == VIFS_LINT_ERROR ? "error" :
		                                                   "warning";

		if (f->line && info->esxconf != NULL)
			msg_err("%s:%zu: %s: %s: %s", info->esxconf, f->line,
			    sev, f->rule, f->message);
		else
			msg_err("%s: %s: %s", sev, f->rule, f->message);
	}
}

int
cmd_inventory(int argc, char **argv)
{
	static const struct option own[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ NULL, 0, NULL, 0 },
	};
	struct option opts[AGENT_MAX_OPTIONS];
	struct agent_source src;
	const char *output = "-";
	vifs_inventory *inv = NULL;
	char *xml = NULL;
	size_t len = 0;
	int c, quiet = 0, strict = 0, status = AGENT_EXIT_FAIL;

	memset(&src, 0, sizeof(src));
	opterr = 0;
	agent_options(opts, own);
	while ((c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1) {
		if (agent_source_option(&src, c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			return AGENT_EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case ':':
			return msg_usage("inventory",
			    "option '%s' needs an argument", argv[optind - 1]);
		default:
			return msg_usage("inventory", "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return msg_usage("inventory", "unexpected argument '%s'",
		    argv[optind]);
	if (agent_source_check(&src, "inventory") != 0)
		return AGENT_EXIT_USAGE;
	if (agent_load(&inv, &src) < 0)
		goto done;
	if (vifs_inventory_write(&xml, &len, inv) < 0 ||
	    vifs_file_write_atomic(output, xml, len, 0644) < 0) {
		msg_lib();
		goto done;
	}
	if (!quiet)
		print_findings(inv);
	status = strict && vifs_inventory_errors(inv) > 0 ? AGENT_EXIT_FAIL :
	                                                    AGENT_EXIT_OK;
done:
	free(xml);
	vifs_inventory_free(inv);
	return status;
}
