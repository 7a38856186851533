/*
 * legacy.h - what the files of VMware's vifs options share: the state of
 * one command (struct legacy), the host and session helpers of
 * legacy_host.c and the operations, each returning vifs's exit status
 * (0, or LEGACY_FAIL after printing why).
 */
#ifndef VIFS_TOOL_LEGACY_H
#define VIFS_TOOL_LEGACY_H

#include <vifs/common.h>
#include <vifs/http.h>
#include <vifs/remotepath.h>
#include <vifs/vim.h>

#include "conn.h"
#include "opts.h"
#include "progress.h"
#include "tool.h"

#define LEGACY_FAIL 1
#define DEFAULT_DC "ha-datacenter"

struct legacy {
	struct legacy_opts o;
	struct conn conn;
	vifs_http *http;
	vifs_vim *vim; /* once a SOAP session is up */
	int logged_in; /* by our Login (else resumed, or none) */
	char *service_url; /* for vifs's connection messages */
	struct progress progress;
	enum tool_output output;
	char *password; /* copy of a --password given on the command line */
	char *recoded[3]; /* remote paths turned into UTF-8 (--encoding) */
};

/* VIExt::fail: the message and a newline on stderr; returns LEGACY_FAIL. */
int legacy_fail(const char *fmt, ...) VIFS_PRINTF(1, 2);

/* Parses TEXT as a remote path; prints the reason on failure (-1). */
int legacy_parse_remote(struct vifs_remotepath **out, const char *text);

/* The full URL of RP into *url and the part after the base into *path
 * (borrowed from *url); -1 after printing why not. */
int legacy_make_url(struct legacy *l, const struct vifs_remotepath *rp,
    char **url, const char **path);

/* Opens the host, or relabels the progress of the one already open;
 * -1 after printing why not. */
int legacy_open_host(struct legacy *l, const char *label);

/* "GET URL unsuccessful : STATUS LINE" after a failed request. */
void legacy_get_unsuccessful(struct legacy *l, const char *url);

/* After a failed request: 1 after printing vifs's line for a refused
 * connection, else 0. */
int legacy_refused(const struct legacy *l);

/* Non-zero once a stop signal arrived (a cancel callback). */
int legacy_stop_requested(void *payload);

/* 1 when the user asked for a VIM API session of their own. */
int legacy_wants_session(const struct legacy *l);

/* What vifs prints after "Unable to ...:": the fault's words, else the
 * reason of ERROR. */
const char *legacy_fault_text(const struct legacy *l, int error);

/* Brings up the SOAP session: 0; -1 after printing why not; -2 without a
 * word when FALLBACK and the host has no VIM API at all. */
int legacy_soap_open(struct legacy *l, const char *label, int fallback);

/* Ends the SOAP session (saved with --savesessionfile, else logged out
 * when ours); 1 when the session file could not be written. */
int legacy_soap_close(struct legacy *l);

/* 1 when TEXT (blanks skipped) is PREFIX alone or PREFIX/... */
int legacy_starts_tree(const char *text, const char *prefix);

/* The operations (legacy_transfer.c, legacy_list.c, legacy_vimfile.c). */
int legacy_get(struct legacy *l, const char *remote, const char *local);
int legacy_put(struct legacy *l, const char *local, const char *remote);
int legacy_dir(struct legacy *l, const char *text);
int legacy_listds(struct legacy *l, const char *dc);
int legacy_listdc(struct legacy *l);
int legacy_rm(struct legacy *l, const char *text);
int legacy_mkdir(struct legacy *l, const char *text);
int legacy_rmdir(struct legacy *l, const char *text);
int legacy_copy_move(struct legacy *l, int move, const char *src,
    const char *dst);

#endif
