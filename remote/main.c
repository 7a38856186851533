/*
 * main.c - the vifs command: dispatch to a subcommand family.
 */
#include <stdio.h>
#include <string.h>

#include <vifs/common.h>

#include "msg.h"
#include "tool.h"

static const char main_usage[] =
    "usage: vifs conf     get|set|unset|list|lint --file FILE ...\n"
    "       vifs passthru list|enable|disable --file FILE ...\n"
    "       vifs --help | --version\n"
    "\n"
    "vifs edits ESXi host configuration (esx.conf) safely: lossless\n"
    "structural edits, passthrough changes with safety checks, diffs.\n"
    "'vifs FAMILY --help' describes each family; man vifs has the rest.\n";

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return TOOL_USAGE;
	}
	if (strcmp(argv[1], "conf") == 0)
		return tool_conf_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "passthru") == 0)
		return tool_passthru_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(main_usage, stdout);
		return TOOL_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vifs %s (libvifs %s)\n", VIFS_VERSION, vifs_version());
		return TOOL_OK;
	}
	tool_errorf("unknown command or option '%s'", argv[1]);
	fputs(main_usage, stderr);
	return TOOL_USAGE;
}
