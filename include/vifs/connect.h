/*
 * vifs/connect.h - the connection options of the vSphere CLI, resolved
 * into a host of the file service.
 *
 * The options (PROTOCOL.md §1) are the vSphere SDK for Perl's --server,
 * --portnumber, --protocol, --url, --servicepath, --username, --password,
 * --config, --credstore, --sessionfile, --savesessionfile, --encoding,
 * --passthroughauth, --passthroughauthpackage and --verbose, plus vifs's
 * TLS and time options --cacertsfile (-t), --thumbprint (-d),
 * --known-hosts, --insecure and --timeout.  They are read as Getopt::Long
 * reads them there: exact, case-sensitive names, "--name value",
 * "--name=value" and "-name value".
 *
 * Each setting is taken from the first place that gives it: the command
 * line, the VI_* environment, the --config file (VI_NAME = value lines,
 * default ~/.visdkrc); then a missing user or password from the
 * credential store; then from the caller's prompt.  The base URL is
 * --url's scheme and authority, or protocol://server[:portnumber] (server
 * "localhost" when none is given); a --sessionfile's host replaces the
 * server.  TLS trust: --insecure (no checks), else --cacertsfile (CA
 * verification with that bundle), else --thumbprint, else the host's line
 * in the known-hosts file (--known-hosts, VIFS_KNOWN_HOSTS, default
 * ~/.config/vifs/known_hosts), else the system CAs.
 *
 * The library never prints: what the vSphere CLI shows while connecting
 * (a configuration file that is missing or empty, a credential store that
 * cannot be read, --verbose notes, the --insecure warning) goes to the
 * caller's note callback, and prompts to its prompt callback.  Passwords
 * are wiped before their memory is freed.
 */
#ifndef VIFS_CONNECT_H
#define VIFS_CONNECT_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/http.h>
#include <vifs/viconfig.h>

/*
 * The connection options as given.  Strings are borrowed (from argv, the
 * environment or a configuration file) and NULL when not given; VERBOSE
 * is "" when --verbose came without a level.
 */
struct vifs_connect_opts {
	const char *config;
	const char *protocol;
	const char *server;
	const char *portnumber;
	const char *servicepath;
	const char *url;
	const char *username;
	const char *password;
	const char *credstore;
	const char *sessionfile;
	const char *savesessionfile;
	const char *cacertsfile;
	const char *thumbprint;
	const char *known_hosts;
	const char *verbose; /* level text, "" when given bare */
	const char *encoding;
	const char *passthroughauthpackage;
	const char *timeout; /* seconds a connection or transfer may stall */
	int passthroughauth;
	int insecure;
	int verbose_given; /* --verbose at a level other than 0 */
	const char *deadline; /* seconds the whole command may take */
};

/* --- the options ------------------------------------------------------ */

/* How an option takes its value. */
enum vifs_connect_optkind {
	VIFS_CONNECT_FLAG = 0, /* no value: "--name" */
	VIFS_CONNECT_VALUE, /* "--name VALUE" or "--name=VALUE" */
	VIFS_CONNECT_OPTVALUE, /* value optional: "--name=VALUE", or the
				* next argument unless it starts with '-' */
};

/* One option, as --help shows it. */
struct vifs_connect_optdef {
	const char *name; /* "server" */
	char letter; /* short form ('t' for -t), or 0 */
	enum vifs_connect_optkind kind;
	const char *env; /* "VI_SERVER", or NULL */
	const char *dflt; /* default shown by --help, or NULL */
	const char *help; /* one sentence, no final period */
};

/*
 * The connection options, sorted by name (static storage); *count gets
 * their number.
 */
VIFS_EXTERN const struct vifs_connect_optdef *vifs_connect_optdefs(
    size_t *count);

/*
 * Matches ARGV[0] (of ARGC elements) against the NDEFS options DEFS with
 * the rules above: a single letter after '-' is a short form, anything
 * else after "--" or '-' a whole name, "=VALUE" attached or the value in
 * ARGV[1].  On a match *which is the index in DEFS and *value the value
 * (borrowed from ARGV; NULL for a flag, "" for a bare optional value).
 * Returns the number of elements used (1 or 2), 0 when ARGV[0] is no
 * option of DEFS (or no option at all: "-", "--", a word), or VIFS_EINVAL
 * "Option NAME requires an argument" / "Option NAME does not take an
 * argument".  For programs that read their own options the same way.
 */
VIFS_EXTERN int vifs_connect_match(size_t *which, const char **value,
    const struct vifs_connect_optdef *defs, size_t ndefs, int argc,
    char *const *argv);

/*
 * Takes ARGV[0] (and ARGV[1] for its value) into *o when it is a
 * connection option; a program calls it at each position of its own
 * option loop.  Values are borrowed from ARGV.  Returns the number of
 * elements used (1 or 2), 0 when ARGV[0] is not a connection option, or
 * VIFS_EINVAL as vifs_connect_match().
 */
VIFS_EXTERN int vifs_connect_parse_option(struct vifs_connect_opts *o, int argc,
    char *const *argv);

/*
 * Returns the value of the setting NAME ("VI_SERVER") or NULL; the value
 * must outlive the options filled with it.
 */
typedef const char *(*vifs_connect_get_fn)(const char *name, void *payload);

/*
 * Fills the options of *o still unset from GET, by the names of their
 * environment variables.  A defined but empty value counts as given; a
 * flag is set by a value other than "" and "0".
 */
VIFS_EXTERN void vifs_connect_fill(struct vifs_connect_opts *o,
    vifs_connect_get_fn get, void *payload);

/* vifs_connect_fill() from the process environment (getenv). */
VIFS_EXTERN void vifs_connect_from_env(struct vifs_connect_opts *o);

/* --- notes and prompts ------------------------------------------------ */

/* What a note is about; callers that mimic the vSphere CLI's words
 * word for word pick them by code. */
enum vifs_connect_note_code {
	VIFS_CONNECT_NOTE_CONFIG_UNREADABLE = 1, /* a configuration file
						  * given but missing or
						  * unreadable */
	VIFS_CONNECT_NOTE_CONFIG_EMPTY, /* it exists but is empty */
	VIFS_CONNECT_NOTE_CREDSTORE_MISSING, /* --credstore FILE is absent */
	VIFS_CONNECT_NOTE_CREDSTORE_UNREADABLE, /* --credstore FILE */
	VIFS_CONNECT_NOTE_CREDSTORE_DEFAULT_UNREADABLE, /* the default */
	VIFS_CONNECT_NOTE_CREDSTORE_ERROR, /* the store failed; TEXT is
					    * its error */
	VIFS_CONNECT_NOTE_CREDSTORE_USER, /* user read from the store */
	VIFS_CONNECT_NOTE_CREDSTORE_PASSWORD, /* password read from it */
	VIFS_CONNECT_NOTE_INSECURE, /* --insecure: no certificate checks */
	VIFS_CONNECT_NOTE_CLEARTEXT, /* plain http with a password or a
				      * session: readable on the wire */
};

enum vifs_connect_note_level {
	VIFS_CONNECT_WARNING = 1, /* something the user should fix */
	VIFS_CONNECT_INFO, /* only under --verbose */
};

/*
 * A note.  TEXT is one line without line end, naming what it is about
 * ("credential store file '/x' does not exist"); SUBJECT is that file or
 * host alone, or NULL.  Both are borrowed for the callback's duration.
 */
struct vifs_connect_note {
	enum vifs_connect_note_code code;
	enum vifs_connect_note_level level;
	const char *text;
	const char *subject;
};

typedef void (
    *vifs_connect_note_fn)(void *payload, const struct vifs_connect_note *note);

/*
 * Asks PROMPT ("Enter username: ") and stores the answer in *out, a new
 * string the library frees (wiping it when it is a password).  ECHO is 0
 * for a secret.  Returns 0 with *out set; VIFS_ENOTFOUND when there is no
 * answer (no terminal, end of input), after which the resolution goes on
 * without it; any other negative code stops the resolution with that
 * code (e.g. the user interrupted).
 */
typedef int (*vifs_connect_prompt_fn)(void *payload, char **out,
    const char *prompt, int echo);

/* What the caller lends the library; every member may be NULL. */
struct vifs_connect_hooks {
	vifs_connect_prompt_fn prompt; /* NULL: never ask */
	vifs_connect_note_fn note; /* NULL: notes are dropped */
	vifs_http_trace_fn trace; /* --verbose trace lines; NULL: none */
	void *payload; /* passed to the three */
};

/*
 * A vifs_connect_prompt_fn on the controlling terminal (/dev/tty, never
 * standard input or output): writes PROMPT there and reads one line, with
 * echo off when ECHO is 0 (restored before returning, also when a signal
 * interrupts the read, which gives no answer).  Lines of 1024 bytes or
 * more are refused.  PAYLOAD is unused.  VIFS_ENOTFOUND when there is no
 * terminal or nothing was read.  The one function of the library that
 * talks to the user, and only when a program passes it as its prompt.
 */
VIFS_EXTERN int vifs_connect_prompt_tty(void *payload, char **out,
    const char *prompt, int echo);

/*
 * Wipes the value of every --password in ARGV (ARGC elements, options
 * matched as vifs_connect_parse_option() does), so that none shows in the
 * process list, not only the one that won.  Call it once the password in
 * use has been copied.
 */
VIFS_EXTERN void vifs_connect_wipe_passwords(int argc, char **argv);

/*
 * Hardens the calling process for holding passwords and session cookies:
 * no core dump (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0 where
 * the system has it, which also keeps other processes of the same user
 * from attaching to it or reading its memory).  Returns VIFS_EIO when the
 * limit cannot be set.
 */
VIFS_EXTERN int vifs_connect_protect_process(void);

/* Wipes and frees a secret (a password); NULL is allowed. */
VIFS_EXTERN void vifs_connect_secret_free(char *s);

/* --- resolution ------------------------------------------------------- */

/*
 * The settings resolved.  Strings are owned by the structure (OPTS's are
 * borrowed, from the caller's options or CFG); treat it as read-only and
 * free it with vifs_connect_free().
 */
struct vifs_connect {
	struct vifs_connect_opts opts; /* merged command line, environment
					* and configuration file */
	char *base_url; /* "https://host[:port]" */
	char *lookup_server; /* server name in the credential store:
			      * --url's authority or the server */
	char *username; /* NULL unless credentials were resolved */
	char *password; /* wiped when freed */
	char *cookie; /* "vmware_soap_session=..." of --sessionfile */
	char *known_hosts; /* path, or NULL when there is no home */
	long timeout_secs; /* 0: the library's defaults */
	vifs_viconfig *cfg; /* the --config file read, or NULL */
	long deadline_secs; /* the whole command; 0: none */
};

/* The overall deadline of a command on one host when --deadline is not
 * given: one hour. */
#define VIFS_CONNECT_DEADLINE_DEFAULT 3600L

/* Flags of vifs_connect_resolve(). */
enum vifs_connect_flags {
	VIFS_CONNECT_CREDENTIALS = 1 << 0, /* resolve a user and a password
					    * (unless a session file is
					    * given) */
	VIFS_CONNECT_SAVE_SESSION = 1 << 1, /* the caller saves a SOAP
					     * session (vifs_vim): accept
					     * --savesessionfile */
};

/*
 * Resolves the options CMDLINE (copied) into *c, which it zeroes first:
 * environment, configuration file, session file, base URL, known-hosts
 * file, timeout, and with VIFS_CONNECT_CREDENTIALS the user and password
 * (credential store, then HOOKS's prompt).  HOOKS may be NULL.  Free *c
 * with vifs_connect_free() whatever the result.  Fails with VIFS_EAUTH
 * when credentials were asked for and nothing gave both a user and a
 * password (that code means nothing else here), VIFS_EINVAL for a bad
 * protocol, server, port, URL or timeout, VIFS_EUNSUPPORTED for
 * --passthroughauth and, without VIFS_CONNECT_SAVE_SESSION,
 * --savesessionfile (they need a SOAP login),
 * the session file's errors, or what the prompt returned.
 */
VIFS_EXTERN int vifs_connect_resolve(struct vifs_connect *c,
    const struct vifs_connect_opts *cmdline, unsigned flags,
    const struct vifs_connect_hooks *hooks);

/*
 * Makes the host of C into *out (free with vifs_http_free()), with the
 * progress callback PROGRESS (may be NULL) and, under --verbose, HOOKS's
 * trace.  Sends the --insecure warning to HOOKS's note callback.  Does no
 * network I/O.  Fails with VIFS_EIO when --cacertsfile cannot be read,
 * or as vifs_http_new().
 */
VIFS_EXTERN int vifs_connect_open(vifs_http **out, const struct vifs_connect *c,
    const struct vifs_connect_hooks *hooks, vifs_http_progress_fn progress,
    void *progress_payload);

/* Frees what *c holds and zeroes it; NULL is allowed. */
VIFS_EXTERN void vifs_connect_free(struct vifs_connect *c);

/*
 * Makes the base URL "scheme://host[:port]" for PROTOCOL (NULL: https;
 * "http" or "https" in any case), SERVER ("host:port" with one colon is a
 * host and its port, as the vSphere CLI has it; an IPv6 address, with two
 * colons or more, gets brackets) and PORT (NULL: the scheme's, or
 * SERVER's; else 1..65535, equal to SERVER's if it has one) into a new
 * string *out
 * (caller frees).  VIFS_EINVAL with the option named otherwise.
 */
VIFS_EXTERN int vifs_connect_base_url(char **out, const char *protocol,
    const char *server, const char *port);

#endif
