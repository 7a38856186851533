/*
 * conn.h - from connection options to a host of the file service, for
 * the vifs command: <vifs/connect.h> with vifs's terminal and messages.
 *
 * Options are taken, each from the first place that gives it: the command
 * line, the VI_* environment, the --config file (VI_X = value lines,
 * default ~/.visdkrc); then a missing user or password from the credential
 * store; then from a prompt on the terminal (/dev/tty, the password with
 * echo off).  The base URL is --url's scheme and authority, or
 * protocol://server[:portnumber].  TLS trust: --cacertsfile (CA
 * verification with that bundle), else --thumbprint, else the host's line
 * in the known-hosts file, else the system CAs; --insecure turns checks off
 * with a warning.  Messages of the vSphere CLI's connection code are
 * printed here, in its words; passwords never are.  A stop signal at a
 * prompt ends the resolution without a message.
 */
#ifndef VIFS_TOOL_CONN_H
#define VIFS_TOOL_CONN_H

#include <vifs/connect.h>
#include <vifs/http.h>
#include <vifs/viconfig.h>

#include "opts.h"

/* The fields of struct vifs_connect, owned the same way. */
struct conn {
	struct conn_opts opts; /* merged; strings borrowed from argv, the
				* environment or CFG */
	char *base_url; /* "https://host[:port]" */
	char *lookup_server; /* server name for the credential store */
	char *username;
	char *password; /* wiped when freed */
	char *cookie; /* "vmware_soap_session=..." of --sessionfile */
	char *known_hosts; /* path, or NULL */
	long timeout_secs;
	vifs_viconfig *cfg;
	long deadline_secs;
};

/* Flags of conn_resolve(). */
enum {
	CONN_CREDENTIALS = 1 << 0, /* resolve a user and a password */
	CONN_SAVE_SESSION = 1 << 1, /* --savesessionfile is handled */
};

/* Results of conn_resolve(). */
enum {
	CONN_OK = 0,
	CONN_FAILED = 1, /* message printed */
	CONN_NO_CREDENTIALS = 2, /* nothing gave a user and a password;
				  * nothing printed */
};

/*
 * Resolves CMDLINE (copied) into C, which the caller zeroes first and
 * frees with conn_free() whatever the result.
 */
int conn_resolve(struct conn *c, const struct conn_opts *cmdline,
    unsigned flags);

/*
 * Makes the host of C into *out (free with vifs_http_free()), with the
 * progress callback FN (may be NULL) and --verbose tracing to standard
 * error.  Prints the --insecure warning.  Returns CONN_OK, or CONN_FAILED
 * after printing why.
 */
int conn_open(vifs_http **out, const struct conn *c, vifs_http_progress_fn fn,
    void *payload);

void conn_free(struct conn *c);

/*
 * Asks PROMPT on the terminal and reads one line into *out (caller frees;
 * wipe it when it is a secret).  ECHO 0 turns terminal echo off while
 * reading.  Returns 0, or -1 when there is no terminal or nothing was
 * read.
 */
int conn_prompt(char **out, const char *prompt, int echo);

/* Wipes and frees a secret; NULL is allowed. */
void conn_secret_free(char *s);

/*
 * Makes the base URL "scheme://host[:port]" for PROTOCOL (NULL: https),
 * SERVER and PORT (NULL: the scheme's) into *out.  Returns 0, or -1 after
 * printing why.
 */
int conn_base_url(char **out, const char *protocol, const char *server,
    const char *port);

#endif
