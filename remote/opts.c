/*
 * opts.c - vifs's command line, parsed like the vSphere SDK for Perl's
 * Getopt::Long setup (PROTOCOL.md §1.1-1.2): exact, case-sensitive names,
 * GNU-style permutation, one left-over argument as destination path.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "opts.h"

enum kind { FLAG, STRING, OPTSTRING };

struct optdef {
	const char *name;
	char letter; /* short form, or 0 */
	enum kind kind;
	int conn; /* a connection option */
	size_t off; /* offset in struct legacy_opts */
	const char *env; /* VI_* variable, or NULL */
	const char *dflt; /* default shown by --help, or NULL */
	const char *help;
};

#define L(m) offsetof(struct legacy_opts, m)
#define C(m) offsetof(struct legacy_opts, conn.m)

/* Sorted by name within each group, as --help prints them. */
static const struct optdef defs[] = {
	/* vifs's own options: help strings as VMware's vifs has them. */
	{ "copy", 'c', STRING, 0, L(copy), NULL, NULL,
	    "Copy a file or a directory to another location." },
	{ "dc", 'Z', STRING, 0, L(dc), NULL, NULL,
	    "The datacenter context. Not required in single-host operations" },
	{ "dir", 'D', STRING, 0, L(dir), NULL, NULL,
	    "List the contents of a datastore or host directory" },
	{ "force", 'f', FLAG, 0, L(force), NULL, NULL,
	    "Allows overwriting of destination file for a copy or move." },
	{ "get", 'g', STRING, 0, L(get), NULL, NULL,
	    "Downloads a file on the host to a local path" },
	{ "listdc", 'C', FLAG, 0, L(listdc), NULL, NULL,
	    "List the paths to all datacenters available in the server" },
	{ "listds", 'S', FLAG, 0, L(listds), NULL, NULL,
	    "List datastores available" },
	{ "mkdir", 'M', STRING, 0, L(mkdir), NULL, NULL,
	    "Creates a directory." },
	{ "move", 'm', STRING, 0, L(move), NULL, NULL,
	    "Move a file or a directory to another location." },
	{ "output", 0, STRING, 0, L(output), NULL, "text",
	    "Output format of listings: text or xml" },
	{ "put", 'p', STRING, 0, L(put), NULL, NULL,
	    "Uploads a local file to the directory on the host" },
	{ "rm", 'r', STRING, 0, L(rm), NULL, NULL,
	    "Deletes a file or a directory." },
	{ "rmdir", 'R', STRING, 0, L(rmdir), NULL, NULL,
	    "Deletes a directory. Fails if directory is not empty" },
	/* Connection options of the vSphere CLI, plus TLS trust. */
	{ "cacertsfile", 't', STRING, 1, C(cacertsfile), "VI_CACERTFILE", NULL,
	    "CA certificates file (PEM) to verify the server with" },
	{ "config", 0, STRING, 1, C(config), "VI_CONFIG", NULL,
	    "Location of the VI Perl configuration file" },
	{ "credstore", 0, STRING, 1, C(credstore), "VI_CREDSTORE", NULL,
	    "Name of the credential store file defaults to "
	    "<HOME>/.vmware/credstore/vicredentials.xml" },
	{ "encoding", 0, STRING, 1, C(encoding), "VI_ENCODING", "utf8",
	    "Encoding: utf8, cp936 (Simplified Chinese), iso-8859-1 (German), "
	    "shiftjis (Japanese)" },
	{ "help", 0, FLAG, 1, L(help), NULL, NULL,
	    "Display usage information for the script" },
	{ "insecure", 0, FLAG, 1, C(insecure), NULL, NULL,
	    "Do not verify the server's certificate (unsafe)" },
	{ "known-hosts", 0, STRING, 1, C(known_hosts), "VIFS_KNOWN_HOSTS", NULL,
	    "Known-hosts file of trusted thumbprints; defaults to "
	    "<HOME>/.config/vifs/known_hosts" },
	{ "passthroughauth", 0, FLAG, 1, C(passthroughauth),
	    "VI_PASSTHROUGHAUTH", NULL,
	    "Attempt to use pass-through authentication" },
	{ "passthroughauthpackage", 0, STRING, 1, C(passthroughauthpackage),
	    "VI_PASSTHROUGHAUTHPACKAGE", "Negotiate",
	    "Pass-through authentication negotiation package" },
	{ "password", 0, STRING, 1, C(password), "VI_PASSWORD", NULL,
	    "Password" },
	{ "portnumber", 0, STRING, 1, C(portnumber), "VI_PORTNUMBER", NULL,
	    "Port used to connect to server" },
	{ "protocol", 0, STRING, 1, C(protocol), "VI_PROTOCOL", "https",
	    "Protocol used to connect to server" },
	{ "savesessionfile", 0, STRING, 1, C(savesessionfile),
	    "VI_SAVESESSIONFILE", NULL,
	    "File to save session ID/cookie to "
	    "utilize" },
	{ "server", 0, STRING, 1, C(server), "VI_SERVER", "localhost",
	    "VI server to connect to. Required if url is not present" },
	{ "servicepath", 0, STRING, 1, C(servicepath), "VI_SERVICEPATH",
	    "/sdk/webService", "Service path used to connect to server" },
	{ "sessionfile", 0, STRING, 1, C(sessionfile), "VI_SESSIONFILE", NULL,
	    "File containing session ID/cookie to utilize" },
	{ "thumbprint", 'd', STRING, 1, C(thumbprint), "VI_THUMBPRINT", NULL,
	    "SHA-1, SHA-256 or SHA-512 thumbprint of the server's "
	    "certificate" },
	{ "timeout", 0, STRING, 1, C(timeout), "VIFS_TIMEOUT", "60",
	    "Seconds a connection or a stalled transfer may take before it "
	    "is abandoned" },
	{ "url", 0, STRING, 1, C(url), "VI_URL", NULL,
	    "VI SDK URL to connect to. Required if server is not present" },
	{ "username", 0, STRING, 1, C(username), "VI_USERNAME", NULL,
	    "Username" },
	{ "verbose", 0, OPTSTRING, 1, C(verbose), "VI_VERBOSE", NULL,
	    "Display additional debugging information" },
	{ "version", 0, FLAG, 1, L(version), NULL, NULL,
	    "Display version information for the script" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static const struct optdef *
find_long(const char *name, size_t len, int conn_only)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (strlen(defs[i].name) == len &&
		    strncmp(defs[i].name, name, len) == 0 &&
		    (!conn_only || defs[i].conn))
			return &defs[i];
	return NULL;
}

static const struct optdef *
find_short(char letter)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].letter == letter)
			return &defs[i];
	return NULL;
}

static void
store(void *base, const struct optdef *d, const char *value)
{
	char *p = (char *)base + d->off;

	if (d->kind == FLAG)
		*(int *)(void *)p = 1;
	else
		*(const char **)(void *)p = value;
	if (strcmp(d->name, "verbose") == 0)
		((struct legacy_opts *)base)->conn.verbose_given = 1;
}

/*
 * Tries ARGV[0] as an option.  Returns the number of arguments used, 0 when
 * it is no option of ours (or not an option), -1 after printing an error.
 */
static int
parse_one(struct legacy_opts *o, int argc, char **argv, int conn_only)
{
	const char *a = argv[0], *name, *eq, *value = NULL;
	const struct optdef *d;
	size_t len;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	if (a[1] != '-' && a[2] == '\0') {
		d = find_short(a[1]);
		if (d != NULL && conn_only && !d->conn)
			d = NULL;
		name = a + 1;
		eq = NULL;
	} else {
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		d = find_long(name, len, conn_only);
	}
	if (d == NULL) {
		if (conn_only)
			return 0;
		fprintf(stderr, "Unknown option: %s\n", name);
		return -1;
	}
	if (d->kind == FLAG) {
		if (eq != NULL) {
			fprintf(stderr,
			    "Option %s does not take an "
			    "argument\n",
			    d->name);
			return -1;
		}
		store(o, d, NULL);
		return 1;
	}
	if (eq != NULL) {
		store(o, d, eq + 1);
		return 1;
	}
	if (d->kind == OPTSTRING) {
		/* Getopt::Long's optional value: the next argument unless
		 * it looks like an option. */
		if (argc > 1 && argv[1][0] != '-') {
			store(o, d, argv[1]);
			return 2;
		}
		store(o, d, "");
		return 1;
	}
	if (argc < 2) {
		fprintf(stderr, "Option %s requires an argument\n", d->name);
		return -1;
	}
	value = argv[1];
	store(o, d, value);
	return 2;
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
		n = dashdash ? 0 : parse_one(o, argc - i, argv + i, 0);
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
	struct legacy_opts tmp;
	int n;

	memset(&tmp, 0, sizeof(tmp));
	tmp.conn = *c;
	n = parse_one(&tmp, argc, argv, 1);
	if (n > 0)
		*c = tmp.conn;
	return n;
}

void
conn_fill(struct conn_opts *c, conn_get_fn get, void *arg)
{
	struct legacy_opts tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.conn = *c;
	for (size_t i = 0; i < NDEFS; i++) {
		const struct optdef *d = &defs[i];
		const char *v;
		char *p;

		if (!d->conn || d->env == NULL ||
		    (v = get(d->env, arg)) == NULL)
			continue;
		p = (char *)&tmp + d->off;
		/* A defined but empty variable counts as set. */
		if (d->kind == FLAG) {
			if (*(int *)(void *)p == 0)
				*(int *)(void *)p = *v != '\0' &&
				    strcmp(v, "0") != 0;
		} else if (*(const char **)(void *)p == NULL) {
			*(const char **)(void *)p = v;
			if (strcmp(d->name, "verbose") == 0)
				tmp.conn.verbose_given = 1;
		}
	}
	*c = tmp.conn;
}

static const char *
get_env(const char *name, void *arg)
{
	(void)arg;
	return getenv(name);
}

void
conn_from_env(struct conn_opts *c)
{
	conn_fill(c, get_env, NULL);
}

/* Prints one option the way VILib's usage does. */
static void
print_def(FILE *f, const struct optdef *d)
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
	fprintf(f, "\nSynopsis: %s OPTIONS [<destination_path>]\n\n",
	    tool_progname);
	fprintf(f, "\nCommand-specific options:\n");
	for (size_t i = 0; i < NDEFS; i++)
		if (!defs[i].conn)
			print_def(f, &defs[i]);
	fprintf(f, "\nCommon VI options: \n");
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].conn)
			print_def(f, &defs[i]);
	fprintf(f,
	    "\nSubcommands ('%s FAMILY --help' for each): conf, passthru, "
	    "trust, credstore\n",
	    tool_progname);
}
