/*
 * scan_int.h - what the pieces of the agent's scan share: the libpci
 * read of a source and the check of a dump before it.
 */
#ifndef AGENT_SCAN_INT_H
#define AGENT_SCAN_INT_H

#include <vifs/inventory.h>

#include "scan.h"

/*
 * Checks the `lspci -xxx` dump at PATH line by line; returns how many
 * devices it holds, or -1 after printing why it is not a good dump.
 */
long scan_dump_check(const char *path);

/*
 * Reads the devices of SRC into the new inventory INV with libpci;
 * 0, or -1 after printing why not.
 */
int agent_scan(vifs_inventory *inv, const struct agent_source *src);

#endif
