/*
 * connect_opts.c - the vSphere CLI's connection options as words: their
 * table (names, letters, variables, defaults, help), the parser of one
 * option, the filling of what is unset from the environment or another
 * source, and keeping passwords out of the process list.  What the
 * options come to is connect.c's job.  See docs/internals/connect.md.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/error.h>

#include "internal.h"

#define O(m) offsetof(struct vifs_connect_opts, m)

/* Sorted by name, as --help prints them; WHERE parallels it. */
static const struct vifs_connect_optdef defs[] = {
	{ "cacertsfile", 't', VIFS_CONNECT_VALUE, "VI_CACERTFILE", NULL,
	    "CA certificates file (PEM) to verify the server with" },
	{ "config", 0, VIFS_CONNECT_VALUE, "VI_CONFIG", NULL,
	    "Location of the VI Perl configuration file" },
	{ "credstore", 0, VIFS_CONNECT_VALUE, "VI_CREDSTORE", NULL,
	    "Name of the credential store file defaults to "
	    "<HOME>/.vmware/credstore/vicredentials.xml" },
	{ "deadline", 0, VIFS_CONNECT_VALUE, "VIFS_DEADLINE", "3600",
	    "Seconds the whole command may take on a host, retries and all; "
	    "0: no limit" },
	{ "encoding", 0, VIFS_CONNECT_VALUE, "VI_ENCODING", "utf8",
	    "Encoding: utf8, cp936 (Simplified Chinese), iso-8859-1 (German), "
	    "shiftjis (Japanese)" },
	{ "insecure", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "Do not verify the server's certificate (unsafe)" },
	{ "known-hosts", 0, VIFS_CONNECT_VALUE, "VIFS_KNOWN_HOSTS", NULL,
	    "Known-hosts file of trusted thumbprints; defaults to "
	    "<HOME>/.config/vifs/known_hosts" },
	{ "passthroughauth", 0, VIFS_CONNECT_FLAG, "VI_PASSTHROUGHAUTH", NULL,
	    "Attempt to use pass-through authentication" },
	{ "passthroughauthpackage", 0, VIFS_CONNECT_VALUE,
	    "VI_PASSTHROUGHAUTHPACKAGE", "Negotiate",
	    "Pass-through authentication negotiation package" },
	{ "password", 0, VIFS_CONNECT_VALUE, "VI_PASSWORD", NULL, "Password" },
	{ "portnumber", 0, VIFS_CONNECT_VALUE, "VI_PORTNUMBER", NULL,
	    "Port used to connect to server" },
	{ "protocol", 0, VIFS_CONNECT_VALUE, "VI_PROTOCOL", "https",
	    "Protocol used to connect to server" },
	{ "savesessionfile", 0, VIFS_CONNECT_VALUE, "VI_SAVESESSIONFILE", NULL,
	    "File to save session ID/cookie to utilize" },
	{ "server", 0, VIFS_CONNECT_VALUE, "VI_SERVER", "localhost",
	    "VI server to connect to. Required if url is not present" },
	{ "servicepath", 0, VIFS_CONNECT_VALUE, "VI_SERVICEPATH",
	    "/sdk/webService", "Service path used to connect to server" },
	{ "sessionfile", 0, VIFS_CONNECT_VALUE, "VI_SESSIONFILE", NULL,
	    "File containing session ID/cookie to utilize" },
	{ "thumbprint", 'd', VIFS_CONNECT_VALUE, "VI_THUMBPRINT", NULL,
	    "SHA-1, SHA-256 or SHA-512 thumbprint of the server's "
	    "certificate" },
	{ "timeout", 0, VIFS_CONNECT_VALUE, "VIFS_TIMEOUT", "60",
	    "Seconds a connection or a stalled transfer may take before it "
	    "is abandoned" },
	{ "url", 0, VIFS_CONNECT_VALUE, "VI_URL", NULL,
	    "VI SDK URL to connect to. Required if server is not present" },
	{ "username", 0, VIFS_CONNECT_VALUE, "VI_USERNAME", NULL, "Username" },
	{ "verbose", 0, VIFS_CONNECT_OPTVALUE, "VI_VERBOSE", NULL,
	    "Display additional debugging information" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/* Where each option of DEFS is kept in struct vifs_connect_opts. */
static const size_t where[] = {
	O(cacertsfile),
	O(config),
	O(credstore),
	O(deadline),
	O(encoding),
	O(insecure),
	O(known_hosts),
	O(passthroughauth),
	O(passthroughauthpackage),
	O(password),
	O(portnumber),
	O(protocol),
	O(savesessionfile),
	O(server),
	O(servicepath),
	O(sessionfile),
	O(thumbprint),
	O(timeout),
	O(url),
	O(username),
	O(verbose),
};

_Static_assert(sizeof(where) / sizeof(where[0]) == NDEFS,
    "every connection option has a place");

const struct vifs_connect_optdef *
vifs_connect_optdefs(size_t *count)
{
	*count = NDEFS;
	return defs;
}

/* --- parsing ---------------------------------------------------------- */

int
vifs_connect_match(size_t *which, const char **value,
    const struct vifs_connect_optdef *table, size_t ndefs, int argc,
    char *const *argv)
{
	const char *a = argv[0], *name, *eq = NULL;
	size_t len, i;

	*which = 0;
	*value = NULL;
	if (argc < 1 || a == NULL || a[0] != '-' || a[1] == '\0')
		return 0;
	if (a[1] != '-' && a[2] == '\0') {
		for (i = 0; i < ndefs; i++)
			if (table[i].letter == a[1])
				break;
	} else {
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		for (i = 0; i < ndefs; i++)
			if (strlen(table[i].name) == len &&
			    strncmp(table[i].name, name, len) == 0)
				break;
	}
	if (i == ndefs)
		return 0;
	*which = i;
	if (table[i].kind == VIFS_CONNECT_FLAG) {
		if (eq != NULL)
			return vifs_error_set(VIFS_EINVAL,
			    "Option %s does not take an argument",
			    table[i].name);
		return 1;
	}
	if (eq != NULL) {
		*value = eq + 1;
		return 1;
	}
	if (table[i].kind == VIFS_CONNECT_OPTVALUE) {
		/* Getopt::Long's optional value: the next argument unless
		 * it looks like an option. */
		if (argc > 1 && argv[1] != NULL && argv[1][0] != '-') {
			*value = argv[1];
			return 2;
		}
		*value = "";
		return 1;
	}
	if (argc < 2 || argv[1] == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "Option %s requires an argument", table[i].name);
	*value = argv[1];
	return 2;
}

/* 1 when TEXT is the trace level 0 ("0", "00"). */
static int
level_zero(const char *text)
{
	if (*text == '\0')
		return 0;
	while (*text == '0')
		text++;
	return *text == '\0';
}

/* Sets option I of DEFS in *o to VALUE (a flag: to V != 0). */
static void
store(struct vifs_connect_opts *o, size_t i, const char *value, int v)
{
	char *p = (char *)o + where[i];

	if (defs[i].kind == VIFS_CONNECT_FLAG)
		*(int *)(void *)p = v;
	else
		*(const char **)(void *)p = value;
	/* Level 0 is no trace at all (VI_VERBOSE=0). */
	if (where[i] == O(verbose))
		o->verbose_given = value == NULL || !level_zero(value);
}

int
vifs_connect_parse_option(struct vifs_connect_opts *o, int argc,
    char *const *argv)
{
	const char *value;
	size_t i;
	int n;

	n = vifs_connect_match(&i, &value, defs, NDEFS, argc, argv);
	if (n > 0)
		store(o, i, value, 1);
	return n;
}

int
vifs_connect_protect_process(void)
{
	struct rlimit no_core = { 0, 0 };

#ifdef PR_SET_DUMPABLE
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return vifs_error_set(VIFS_EIO, "prctl(PR_SET_DUMPABLE): %s",
		    strerror(errno));
#endif
	if (setrlimit(RLIMIT_CORE, &no_core) != 0)
		return vifs_error_set(VIFS_EIO, "setrlimit(RLIMIT_CORE): %s",
		    strerror(errno));
	return VIFS_OK;
}

void
vifs_connect_wipe_passwords(int argc, char **argv)
{
	for (int i = 0; i < argc;) {
		const char *value;
		size_t which;
		int n = vifs_connect_match(&which, &value, defs, NDEFS,
		    argc - i, argv + i);

		if (n <= 0) {
			i++;
			continue;
		}
		/* The value is borrowed from ARGV: wipe it where it lies
		 * ("--password=V" points into the option's element). */
		for (int k = 0; value != NULL && k < n; k++) {
			uintptr_t a = (uintptr_t)argv[i + k];
			uintptr_t v = (uintptr_t)value;

			if (strcmp(defs[which].name, "password") == 0 &&
			    v >= a && v <= a + strlen(argv[i + k])) {
				memset(argv[i + k] + (v - a), 0, strlen(value));
				break;
			}
		}
		i += n;
	}
}

void
vifs_connect_fill(struct vifs_connect_opts *o, vifs_connect_get_fn get,
    void *payload)
{
	for (size_t i = 0; i < NDEFS; i++) {
		const char *v;
		char *p = (char *)o + where[i];

		if (defs[i].env == NULL ||
		    (v = get(defs[i].env, payload)) == NULL)
			continue;
		/* A defined but empty variable counts as set. */
		if (defs[i].kind == VIFS_CONNECT_FLAG) {
			if (*(int *)(void *)p == 0)
				store(o, i, NULL,
				    *v != '\0' && strcmp(v, "0") != 0);
		} else if (*(const char **)(void *)p == NULL) {
			store(o, i, v, 0);
		}
	}
}

static const char *
get_env(const char *name, void *payload)
{
	(void)payload;
	return getenv(name);
}

void
vifs_connect_from_env(struct vifs_connect_opts *o)
{
	vifs_connect_fill(o, get_env, NULL);
}
