/*
 * opts.h - the command line of VMware's vifs and of the vSphere CLI's
 * connection options, parsed as that tool does (PROTOCOL.md §1):
 * case-sensitive, no abbreviations, "--name value", "--name=value" and
 * "-name value" for long names, single letters for vifs's short forms,
 * and one left-over argument taken as the positional destination path.
 */
#ifndef VIFS_TOOL_OPTS_H
#define VIFS_TOOL_OPTS_H

#include <stdio.h>

#include <vifs/connect.h>

/*
 * Connection options, shared by the legacy mode and the subcommands: the
 * library's struct vifs_connect_opts (<vifs/connect.h>), under the name
 * the commands use.
 */
#define conn_opts vifs_connect_opts

/* vifs's own options. */
struct legacy_opts {
	struct conn_opts conn;
	const char *copy, *move, *rm, *mkdir, *rmdir, *dir, *put, *get, *dc;
	const char *positional; /* the one left-over argument */
	const char *output; /* --output text|xml (an extension) */
	int force, listdc, listds, help, version;
	/* extensions: --dir --long, --dir --recursive, --mkdir --parents */
	int longlist, recursive, parents;
};

/*
 * Parses ARGV (ARGV[0] is the program) into *o.  On a bad option prints
 * vifs-style messages and returns -1; 0 otherwise.  Connection options
 * alone are accepted by parse_conn_option() for the subcommands: it
 * returns the number of ARGV elements used (1 or 2), 0 when ARGV[0] is
 * not a connection option, -1 on error (message printed).
 */
int legacy_parse(struct legacy_opts *o, int argc, char **argv);
int parse_conn_option(struct conn_opts *c, int argc, char **argv);

/* Prints the --help text of the legacy options, VILib's layout. */
void legacy_usage(FILE *f);

/* Fills unset connection options from VI_* environment variables. */
void conn_from_env(struct conn_opts *c);

/*
 * Fills unset connection options from a source of VI_* settings: GET
 * returns the value of a variable name or NULL.  Values are borrowed: they
 * must outlive C.  conn_from_env() is conn_fill() over getenv().
 */
typedef vifs_connect_get_fn conn_get_fn;
void conn_fill(struct conn_opts *c, conn_get_fn get, void *arg);

#endif
