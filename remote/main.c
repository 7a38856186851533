/*
 * main.c - the vifs command: dispatch to a subcommand family.
 */
#include <stdio.h>
#include <string.h>

#include <vifs/common.h>

#include "fleet_cli.h"
#include "msg.h"
#include "tool.h"

static const char main_usage[] =
    "usage: vifs [connection options] --get REMOTE LOCAL | --put LOCAL "
    "REMOTE |\n"
    "            --dir REMOTE_DIR | --listds [--dc DC] | --rm REMOTE\n"
    "       vifs conf      get|set|unset|list|lint --file FILE ...\n"
    "       vifs passthru  list|enable|disable --file FILE ...\n"
    "       vifs trust     [options] HOST[:PORT]\n"
    "       vifs credstore [-f FILE] add|remove|list|clear ...\n"
    "       vifs audit     --servers FILE [--baseline FILE] [--report "
    "FILE] ...\n"
    "       vifs --help | --version\n"
    "\n"
    "vifs edits ESXi host configuration (esx.conf) safely: lossless\n"
    "structural edits, passthrough changes with safety checks, diffs; and\n"
    "moves files to and from ESXi hosts with the options of VMware's vifs.\n"
    "'vifs --help' lists those options, 'vifs FAMILY --help' describes\n"
    "each family; man vifs has the rest.\n";

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fputs(main_usage, stderr);
		return TOOL_USAGE;
	}
	/* "vifs --servers FILE audit ...": the family's word goes first. */
	if (argv[1][0] == '-' && (i = fleet_cli_subcommand(argc, argv)) > 0) {
		char *word = argv[i];

		memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof(*argv));
		argv[1] = word;
	}
	/* conf and passthru edits across several hosts: fleet_edit.c. */
	if (strcmp(argv[1], "conf") == 0 && fleet_cli_wanted(argc, argv))
		return fleet_edit_main(tool_conf_main, "conf", argc - 1,
		    argv + 1);
	if (strcmp(argv[1], "passthru") == 0 && fleet_cli_wanted(argc, argv))
		return fleet_edit_main(tool_passthru_main, "passthru", argc - 1,
		    argv + 1);
	if (strcmp(argv[1], "conf") == 0)
		return tool_conf_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "passthru") == 0)
		return tool_passthru_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "trust") == 0)
		return tool_trust_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "credstore") == 0)
		return tool_credstore_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return tool_audit_main(argc - 1, argv + 1);
	/* VMware vifs's options, --help and --version included; across
	 * several hosts with --servers, --server repeated or VI_SERVERS. */
	if (argv[1][0] == '-' && fleet_cli_wanted(argc, argv))
		return tool_fleet_main(argc, argv);
	if (argv[1][0] == '-')
		return tool_legacy_main(argc, argv);
	tool_errorf("unknown command or option '%s'", argv[1]);
	fputs(main_usage, stderr);
	return TOOL_USAGE;
}
