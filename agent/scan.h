/*
 * scan.h - where vifs-agent reads devices from (libpci: sysfs or an
 * `lspci -xxx` dump) and how the result is analysed (esx.conf,
 * passthru.map); shared by the commands that read devices.
 */
#ifndef AGENT_SCAN_H
#define AGENT_SCAN_H

#include <getopt.h>

#include <vifs/inventory.h>

/* How many devices --boot-device and --coredump-device take each. */
#define AGENT_MAX_ROLE_DEVICES 8

/* The options that choose the source and the files the analysis uses. */
struct agent_source {
	const char *dump; /* --dump FILE */
	const char *sysfs; /* --sysfs DIR */
	const char *esxconf; /* --esxconf FILE */
	const char *map; /* --passthru-map FILE */
	const char *ids; /* --ids-file FILE */
	int no_esxconf; /* --no-esxconf */
	int no_map; /* --no-passthru-map */
	int no_hwdb; /* --no-hwdb */
	const char *proc; /* --proc DIR, with --sysfs */
	int no_roles; /* --no-roles */
	/* --boot-device and --coredump-device, in the order given. */
	const char *boot[AGENT_MAX_ROLE_DEVICES];
	size_t nboot;
	const char *coredump[AGENT_MAX_ROLE_DEVICES];
	size_t ncoredump;
};

enum {
	OPT_DUMP = 256,
	OPT_SYSFS,
	OPT_ESXCONF,
	OPT_NO_ESXCONF,
	OPT_MAP,
	OPT_NO_MAP,
	OPT_IDS,
	OPT_NO_HWDB,
	OPT_PROC,
	OPT_NO_ROLES,
	OPT_BOOT_DEVICE,
	OPT_COREDUMP_DEVICE,
	OPT_FIRST_OWN /* first value free for a command's options */
};

/* Room for a command's option table: its own options and these. */
#define AGENT_MAX_OPTIONS 32

/*
 * Fills OUT (AGENT_MAX_OPTIONS entries) with the command's options OWN,
 * which end with a zeroed entry, then the source options, then the
 * zeroed entry getopt_long() needs; returns OUT.
 */
const struct option *agent_options(struct option *out,
    const struct option *own);

/* Help text of those options, for the commands' usage. */
extern const char agent_source_help[];

/*
 * Takes option OPT with argument ARG into SRC.  Returns 1 when OPT is one
 * of the source options, 0 when it is not.
 */
int agent_source_option(struct agent_source *src, int opt, const char *arg);

/*
 * Checks that the options of SRC go together; prints a usage error for
 * COMMAND and returns AGENT_EXIT_USAGE when not, else 0.
 */
int agent_source_check(const struct agent_source *src, const char *command);

/*
 * Reads every device of the source with libpci into a new inventory
 * *out and analyses it with the esx.conf and passthru.map that apply
 * (given by options, or /etc/vmware's files when reading the live system
 * and they exist) and the roles of its devices: found in /sys and /proc
 * for the live system, in --sysfs and --proc trees, named by
 * --boot-device and --coredump-device, and the management NICs of the
 * esx.conf.  On failure prints why and returns -1.
 */
int agent_load(vifs_inventory **out, const struct agent_source *src);

#endif
