/*
 * upload.h - `vifs-agent inventory --upload REMOTE`: the document put on
 * an ESXi host or one of its datastores with vifs's connection options
 * (<vifs/connect.h>).  Nothing here touches the network before
 * agent_upload_put().
 */
#ifndef AGENT_UPLOAD_H
#define AGENT_UPLOAD_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include <vifs/connect.h>
#include <vifs/remotepath.h>

struct agent_upload {
	struct vifs_connect_opts opts; /* as given on the command line */
	const char *first_opt; /* the first connection option given, or
				* NULL; borrowed from argv */
	char *password; /* copy of a --password taken off argv */
	struct vifs_remotepath *rp; /* the target */
	struct vifs_connect conn; /* resolved */
	const char *option; /* named in messages; NULL: "--upload" */
};

/*
 * Takes vifs's connection options out of ARGV (ARGC elements) into U,
 * which the caller zeroes first, and moves the other arguments down in
 * their order, for getopt_long() with the command's options LONGOPTS and
 * SHORTOPTS (as getopt_long takes them): the value of one of those is
 * never read as a connection option.  Everything after "--" stays.  A
 * --password value is copied and wiped in ARGV, so that the process list
 * does not show it.  Returns the new argument count, or -1 after a usage
 * message for COMMAND.
 */
int agent_upload_args(struct agent_upload *u, int argc, char **argv,
    const struct option *longopts, const char *shortopts, const char *command);

/* Help text of the connection options, for the commands' usage. */
void agent_upload_usage(FILE *f);

/*
 * Checks REMOTE (a file: "[ds] dir/file", "/tmp/file", ...) and resolves
 * the connection settings, asking for a missing user or password on the
 * terminal when standard input is one.  Returns 0; or prints why and
 * returns the exit status: 2 for a REMOTE that is no file path (usage
 * error of COMMAND), 1 for the rest.
 */
int agent_upload_prepare(struct agent_upload *u, const char *remote,
    const char *command);

/*
 * PUTs LEN bytes of DATA to the target.  Returns 0, or prints
 * "--upload REMOTE: reason" (or the OPTION of U) and returns 1.
 */
int agent_upload_put(struct agent_upload *u, const char *remote,
    const void *data, size_t len);

/* Frees what U holds. */
void agent_upload_free(struct agent_upload *u);

#endif
