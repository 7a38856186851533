/*
 * cmd.h - the subcommands of vifs-agent.  Each takes the arguments after
 * the program name (argv[0] is the command) and returns the exit status.
 */
#ifndef AGENT_CMD_H
#define AGENT_CMD_H

#include <stddef.h>

int cmd_inventory(int argc, char **argv);
int cmd_lspci(int argc, char **argv);
int cmd_schema(int argc, char **argv);

/* The inventory XSD, built in from docs/schemas/inventory.xsd. */
extern const unsigned char agent_inventory_xsd[];
extern const size_t agent_inventory_xsd_len;

#endif
