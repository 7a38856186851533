/*
 * main.c - vifs-agent: the PCI inventory of a host for passthrough
 * decisions.  Dispatches to the subcommands; see vifs-agent(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <vifs/common.h>
#include <vifs/connect.h>

#include "cmd.h"
#include "msg.h"

static void
usage(FILE *f)
{
	fputs("Usage: vifs-agent COMMAND [options]\n"
	      "       vifs-agent --help | --version\n"
	      "\n"
	      "Commands:\n"
	      "  inventory   write the PCI inventory of this host (or of a "
	      "dump) as XML\n"
	      "  lspci       list the PCI devices as ESXi's lspci does\n"
	      "  schema      print the XML schema of the inventory\n"
	      "\n"
	      "'vifs-agent COMMAND --help' describes the options of a "
	      "command.\n"
	      "Exit status: 0 success, 1 failure (or error findings with "
	      "--strict),\n"
	      "2 usage error.\n",
	    f);
}

static void
schema_usage(FILE *f)
{
	fputs("Usage: vifs-agent schema\n"
	      "Print the XML schema (XSD) of the inventory document.\n"
	      "\n"
	      "  -h, --help   show this help\n",
	    f);
}

int
cmd_schema(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			schema_usage(stdout);
			return AGENT_EXIT_OK;
		}
		return msg_usage("schema", "unknown option '%s'",
		    argv[optind - 1]);
	}
	if (optind < argc)
		return msg_usage("schema", "unexpected argument '%s'",
		    argv[optind]);
	if (fwrite(agent_inventory_xsd, 1, agent_inventory_xsd_len, stdout) !=
	        agent_inventory_xsd_len ||
	    fflush(stdout) != 0) {
		msg_err("standard output: write error");
		return AGENT_EXIT_FAIL;
	}
	return AGENT_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} commands[] = {
		{ "inventory", cmd_inventory },
		{ "lspci", cmd_lspci },
		{ "schema", cmd_schema },
	};
	const char *cmd;

	msg_init("vifs-agent");
	/* --upload may hold a password: no core dump, no attaching. */
	if (vifs_connect_protect_process() < 0) {
		msg_lib();
		return AGENT_EXIT_FAIL;
	}
	if (argc < 2)
		return msg_usage(NULL, "no command given");
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		return AGENT_EXIT_OK;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("vifs-agent %s (libvifs %s)\n", VIFS_VERSION,
		    vifs_version());
		return AGENT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return msg_usage(NULL, "unknown command '%s'", cmd);
}
