/*
 * main.c - the vifs command: dispatch to a subcommand family.
 */
#include <stdio.h>
#include <string.h>

#include <vifs/common.h>
#include <vifs/connect.h>

#include "fleet_cli.h"
#include "msg.h"
#include "tool.h"

static const char main_usage[] =
    "usage: vifs [conn] --get REMOTE LOCAL | --put LOCAL REMOTE | --dir DIR |\n"
    "            --listds [--dc DC] | --listdc | --rm PATH | --mkdir DIR |\n"
    "            --rmdir DIR | --copy SRC DST | --move SRC DST [--force]\n"
    "       vifs conf     get|set|unset|list|lint|restore [conn | --file FILE]"
    " ...\n"
    "       vifs passthru list|enable|disable [conn | --file FILE] ...\n"
    "       vifs audit    --servers FILE [--baseline FILE] [--report FILE]"
    " ...\n"
    "       vifs cfgbackup --servers FILE --dir DIR [--keep N]\n"
    "       vifs cfgbackup [conn] --restore BUNDLE --force\n"
    "       vifs trust    [conn] HOST[:PORT]\n"
    "       vifs credstore [-f FILE] add|remove|list|clear ...\n"
    "       vifs --help | --version\n"
    "\n"
    "conn: the vSphere CLI's connection options (--server, --username, ...);\n"
    "--servers FILE, VI_SERVERS or --fleet with --server repeated runs the\n"
    "same across many hosts; otherwise the last --server wins.\n"
    "\n"
    "vifs edits ESXi host configuration (esx.conf) safely: lossless\n"
    "structural edits, passthrough changes with safety checks, backup,\n"
    "verify and rollback; and moves files to and from ESXi hosts with the\n"
    "options of VMware's vifs. 'vifs --help' lists those options, 'vifs\n"
    "FAMILY --help' describes each family; man vifs has the rest.\n";

int
main(int argc, char **argv)
{
	int i;

	/* Passwords and session cookies: no core dump, no attaching. */
	if (vifs_connect_protect_process() < 0) {
		tool_liberror();
		return TOOL_FAILED;
	}
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
		return tool_conf_main(argc - 1, argv + 1, NULL);
	if (strcmp(argv[1], "passthru") == 0)
		return tool_passthru_main(argc - 1, argv + 1, NULL);
	if (strcmp(argv[1], "trust") == 0)
		return tool_trust_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "credstore") == 0)
		return tool_credstore_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return tool_audit_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "cfgbackup") == 0)
		return tool_cfgbackup_main(argc - 1, argv + 1);
	/* VMware vifs's options, --help and --version included, and its
	 * destination path anywhere among them (Getopt::Long permutes:
	 * "vifs /tmp/out -g /host/esx.conf"); across several hosts with
	 * --servers, VI_SERVERS or --fleet. */
	if (fleet_cli_wanted(argc, argv))
		return tool_fleet_main(argc, argv);
	return tool_legacy_main(argc, argv);
}
