/*
 * opts.c - vifs's command line, parsed like the vSphere SDK for Perl's
 * Getopt::Long setup (PROTOCOL.md §1.1-1.2): exact, case-sensitive names,
 * GNU-style permutation, one left-over argument as destination path.  The
 * connection options and the rules of the syntax are the library's
 * (<vifs/connect.h>); vifs's own options are here.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/connect.h>
#include <vifs/error.h>

#include "msg.h"
#include "opts.h"

/*
 * vifs's own options, sorted by name within each group as --help prints
 * them: help strings as VMware's vifs has them.  The last two are shown
 * among the connection options, as VILib does.
 */
static const struct vifs_connect_optdef defs[] = {
	{ "copy", 'c', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Copy a file or a directory to another location." },
	{ "dc", 'Z', VIFS_CONNECT_VALUE, NULL, NULL,
	    "The datacenter context. Not required in single-host operations" },
	{ "dir", 'D', VIFS_CONNECT_VALUE, NULL, NULL,
	    "List the contents of a datastore or host directory" },
	{ "force", 'f', VIFS_CONNECT_FLAG, NULL, NULL,
	    "Allows overwriting of destination file for a copy or move." },
	{ "get", 'g', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Downloads a file on the host to a local path" },
	{ "listdc", 'C', VIFS_CONNECT_FLAG, NULL, NULL,
	    "List the paths to all datacenters available in the server" },
	{ "listds", 'S', VIFS_CONNECT_FLAG, NULL, NULL,
	    "List datastores available" },
	{ "long", 'l', VIFS_CONNECT_FLAG, NULL, NULL,
	    "--dir: type and size before each name" },
	{ "mkdir", 'M', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Creates a directory." },
	{ "move", 'm', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Move a file or a directory to another location." },
	{ "output", 0, VIFS_CONNECT_VALUE, NULL, "text",
	    "Output format of listings (text, xml or json) and of runs "
	    "across hosts (text or json)" },
	{ "parents", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "--mkdir: create missing parent directories too" },
	{ "put", 'p', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Uploads a local file to the directory on the host" },
	{ "recursive", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "--dir: list subdirectories too, as paths" },
	{ "rm", 'r', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Deletes a file or a directory." },
	{ "rmdir", 'R', VIFS_CONNECT_VALUE, NULL, NULL,
	    "Deletes a directory. Fails if directory is not empty" },
	{ "help", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "Display usage information for the script" },
	{ "version", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "Display version information for the script" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))
#define NCOMMON 2 /* help and version, at the end of DEFS */

#define L(m) offsetof(struct legacy_opts, m)

/* Where each option of DEFS is kept in struct legacy_opts. */
static const size_t where[] = {
	L(copy),
	L(dc),
	L(dir),
	L(force),
	L(get),
	L(listdc),
	L(listds),
	L(longlist),
	L(mkdir),
	L(move),
	L(output),
	L(parents),
	L(put),
	L(recursive),
	L(rm),
	L(rmdir),
	L(help),
	L(version),
};

_Static_assert(sizeof(where) / sizeof(where[0]) == NDEFS,
    "every option of vifs has a place");

/*
 * Tries ARGV[0] as an option.  Returns the number of arguments used, 0
 * when it is not an option, -1 after printing an error.
 */
static int
parse_one(struct legacy_opts *o, int argc, char **argv)
{
	const char *a = argv[0], *value;
	size_t i;
	int n;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	if ((n = parse_conn_option(&o->conn, argc, argv)) != 0)
		return n;
	n = vifs_connect_match(&i, &value, defs, NDEFS, argc, argv);
	if (n < 0) {
		fprintf(stderr, "%s\n", vifs_error_last());
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "Unknown option: %s\n",
		    a + (a[1] == '-' ? 2 : 1));
		return -1;
	}
	if (defs[i].kind == VIFS_CONNECT_FLAG)
		*(int *)(void *)((char *)o + where[i]) = 1;
	else
		*(const char **)(void *)((char *)o + where[i]) = value;
	return n;
}

int
legacy_parse(struct legacy_opts *o, int argc, char **argv)
{
	int i, n, npos = 0, dashdash = 0;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i += n) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			n = 1;
			continue;
		}
		n = dashdash ? 0 : parse_one(o, argc - i, argv + i);
		if (n < 0)
			return -1;
		if (n == 0) {
			if (npos++ == 0)
				o->positional = argv[i];
			n = 1;
		}
	}
	/* With two or more left-over arguments none is used. */
	if (npos != 1)
		o->positional = NULL;
	return 0;
}

int
parse_conn_option(struct conn_opts *c, int argc, char **argv)
{
	int n = vifs_connect_parse_option(c, argc, argv);

	if (n < 0) {
		fprintf(stderr, "%s\n", vifs_error_last());
		return -1;
	}
	return n;
}

void
conn_fill(struct conn_opts *c, conn_get_fn get, void *arg)
{
	vifs_connect_fill(c, get, arg);
}

void
conn_from_env(struct conn_opts *c)
{
	vifs_connect_from_env(c);
}

/* Prints one option the way VILib's usage does. */
static void
print_def(FILE *f, const struct vifs_connect_optdef *d)
{
	fprintf(f, "   --%s", d->name);
	if (d->env != NULL && d->dflt != NULL)
		fprintf(f, " (variable %s, default '%s')", d->env, d->dflt);
	else if (d->env != NULL)
		fprintf(f, " (variable %s)", d->env);
	else if (d->dflt != NULL)
		fprintf(f, " (default '%s')", d->dflt);
	fputc('\n', f);
	if (d->letter)
		fprintf(f, "    -%c\n", d->letter);
	fprintf(f, "      %s\n", d->help);
}

void
legacy_usage(FILE *f)
{
	const struct vifs_connect_optdef *conn,
	    *common = defs + NDEFS - NCOMMON;
	size_t nconn, i = 0, j = 0;

	fprintf(f, "\nSynopsis: %s OPTIONS [<destination_path>]\n\n",
	    tool_progname);
	fprintf(f, "\nCommand-specific options:\n");
	for (size_t k = 0; k < NDEFS - NCOMMON; k++)
		print_def(f, &defs[k]);
	fprintf(f, "\nCommon VI options: \n");
	/* The library's connection options and --help, --version, merged
	 * by name. */
	conn = vifs_connect_optdefs(&nconn);
	while (i < nconn || j < NCOMMON) {
		if (j == NCOMMON ||
		    (i < nconn && strcmp(conn[i].name, common[j].name) < 0))
			print_def(f, &conn[i++]);
		else
			print_def(f, &common[j++]);
	}
	fprintf(f,
	    "\nSubcommands ('%s FAMILY --help' for each): conf, passthru, "
	    "trust, credstore\n",
	    tool_progname);
}
