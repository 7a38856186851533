/*
 * vifs/remoteedit.h - an edit of a file on a host (esx.conf) that cannot
 * lose data: fetch, backup, conflict check, upload, verify, and a report
 * of the state the host's file is in whatever happened.
 *
 * The steps, in order (docs/internals/remoteedit.md):
 *   vifs_remoteedit_fetch()   GET the file; keep its bytes and SHA-256
 *   (the caller lints and edits a copy, e.g. with vifs_remoteedit_check()
 *   and the esxconf and passthru functions)
 *   vifs_remoteedit_commit()  save the original to a backup file (0600,
 *                             directories 0700), GET again and compare
 *                             SHA-256 (conflict), PUT the new bytes, GET
 *                             them back and compare byte for byte
 * Nothing is printed.  The result of a commit says how far it went, what
 * state the host's file is in (see enum vifs_remote_state), where the
 * backup is and the SHA-256 of every version seen, so that a caller
 * running many hosts can report each one.  One handle is one host and one
 * file; it is not shared between threads.
 */
#ifndef VIFS_REMOTEEDIT_H
#define VIFS_REMOTEEDIT_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/esxconf.h>
#include <vifs/http.h>

/* Hex SHA-256 (64 lower-case digits) plus NUL. */
#define VIFS_SHA256_HEX 65

/* What the host's file holds after a commit, as far as it can be known. */
enum vifs_remote_state {
	/* The file is as this run found it: nothing was uploaded, or the
	 * upload did not take (read back and compared). */
	VIFS_REMOTE_UNCHANGED = 0,
	/* The file holds exactly the bytes sent (read back and compared). */
	VIFS_REMOTE_UPDATED,
	/* The file holds something else: neither what was found nor what
	 * was sent (read back and compared). */
	VIFS_REMOTE_CHANGED,
	/* The file could not be read back after an upload was attempted. */
	VIFS_REMOTE_UNKNOWN,
};

/* The step of a commit that failed. */
enum vifs_remoteedit_step {
	VIFS_STEP_NONE = 0, /* none: the commit succeeded */
	VIFS_STEP_FETCH,
	VIFS_STEP_BACKUP,
	VIFS_STEP_CONFLICT, /* the second read failed or found a change */
	VIFS_STEP_PUT,
	VIFS_STEP_VERIFY,
};

enum vifs_remoteedit_flags {
	/*
	 * Upload even when the file changed on the host since it was
	 * fetched.  The copy found at the second read is then saved to a
	 * backup of its own first, so it is not lost either.
	 */
	VIFS_REMOTEEDIT_FORCE = 1 << 0,
};

struct vifs_remoteedit_result;

/*
 * Called by a commit after each step that succeeded (BACKUP, once more
 * for the backup of a conflicting copy, CONFLICT, PUT, VERIFY) with the
 * result so far, e.g. to show the backup's path before the upload starts.
 */
typedef void (*vifs_remoteedit_step_fn)(void *payload,
    enum vifs_remoteedit_step done, const struct vifs_remoteedit_result *res);

struct vifs_remoteedit_opts {
	const char *url_path; /* NULL: "/host/esx.conf" */
	/*
	 * Name of the host in messages and in the default backup
	 * directory; NULL: vifs_http_hostport() without ":443".  It must
	 * not contain '/' or be "." or "..".
	 */
	const char *host;
	/* Directory of the backups; NULL: the default of
	 * vifs_remoteedit_backup_dir(). */
	const char *backup_dir;
	unsigned flags; /* enum vifs_remoteedit_flags */
	size_t max_size; /* largest file accepted; 0: 64 MiB */
	/* Time used in backup names, seconds since the epoch; 0: now. */
	long long now;
	vifs_remoteedit_step_fn step; /* NULL: none */
	void *step_payload;
};

/*
 * The outcome of a commit.  Strings borrow from the handle and live until
 * it is freed.  SHA-256 strings are "" for a version that was not read.
 */
struct vifs_remoteedit_result {
	enum vifs_remote_state state;
	enum vifs_remoteedit_step failed; /* VIFS_STEP_NONE on success */
	int error; /* 0, or the negative vifs_error of the failure */
	const char *message; /* the failure's message, or NULL */
	/* The upload failed but reading back found the file as sent. */
	int put_error_but_updated;
	int nochange; /* the new bytes equal the original: nothing done */
	/* The file had changed on the host between the two reads. */
	int conflict;
	const char *backup; /* backup of the original, or NULL */
	/* With VIFS_REMOTEEDIT_FORCE over a conflict: backup of the copy
	 * found at the second read, or NULL. */
	const char *conflict_backup;
	char sha256_original[VIFS_SHA256_HEX]; /* as fetched */
	char sha256_current[VIFS_SHA256_HEX]; /* at the conflict check */
	char sha256_sent[VIFS_SHA256_HEX];
	char sha256_final[VIFS_SHA256_HEX]; /* read back after the PUT */
};

typedef struct vifs_remoteedit vifs_remoteedit;

/*
 * GETs the file of OPTS (copied) from H into a new handle *out (free with
 * vifs_remoteedit_free()).  H is borrowed and must outlive the handle.
 * Fails with the error of the transfer (VIFS_ENET, VIFS_ETIMEOUT,
 * VIFS_EAUTH, ...), VIFS_ETOOBIG, or VIFS_EINVAL for a bad host name; the
 * message then names the host.  *out is NULL on failure.
 */
VIFS_EXTERN int vifs_remoteedit_fetch(vifs_remoteedit **out, vifs_http *h,
    const struct vifs_remoteedit_opts *opts);

/* The bytes fetched (NUL-terminated, *len without it); borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_data(const vifs_remoteedit *re,
    size_t *len);

/* The host name used in messages and backups; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_host(const vifs_remoteedit *re);

/* "HOST:/host/esx.conf", a name for diagnostics; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_name(const vifs_remoteedit *re);

/* Hex SHA-256 of the bytes fetched; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_sha256(const vifs_remoteedit *re);

/*
 * Replaces the host's file with LEN bytes of DATA: backup, conflict check,
 * PUT, verify (see the top of this file).  On failure after the PUT was
 * attempted, the file is read once more to tell the state.  Returns 0 when
 * the host holds DATA, verified (or DATA equals the original: nochange),
 * else the negative error of the step that failed; in both cases the
 * result (vifs_remoteedit_result()) tells the state and what was saved.
 * A handle is committed at most once (VIFS_EINVAL after that).
 */
VIFS_EXTERN int vifs_remoteedit_commit(vifs_remoteedit *re, const void *data,
    size_t len);

/* The outcome of the commit (state UNCHANGED and nothing done before
 * one); borrowed from RE. */
VIFS_EXTERN const struct vifs_remoteedit_result *vifs_remoteedit_result(
    const vifs_remoteedit *re);

/* Frees RE; NULL is allowed.  Never touches the backups. */
VIFS_EXTERN void vifs_remoteedit_free(vifs_remoteedit *re);

/*
 * The default backup directory of HOST into a new string *out (caller
 * frees): $XDG_STATE_HOME/vifs/backups/HOST when XDG_STATE_HOME is an
 * absolute path, else $HOME/.local/state/vifs/backups/HOST.  VIFS_EINVAL
 * for a HOST that cannot be a directory name, VIFS_ENOTFOUND when neither
 * variable is set.
 */
VIFS_EXTERN int vifs_remoteedit_backup_dir(char **out, const char *host);

/*
 * Saves LEN bytes of DATA to a new file in DIR named after NOW (seconds
 * since the epoch, UTC) and BASENAME: "YYYYmmddTHHMMSSZ-BASENAME", or
 * "YYYYmmddTHHMMSSZ.N-BASENAME" (N = 1, 2, ...) when that name is taken;
 * an existing file is never replaced.  Missing directories are created
 * with mode 0700, the file with mode 0600; it is synced and read back
 * before the call returns.  The path goes to a new string *out (caller
 * frees).  On failure nothing is left behind and VIFS_EIO names the path
 * and the reason.
 */
VIFS_EXTERN int vifs_remoteedit_backup(char **out, const char *dir,
    const char *basename, long long now, const void *data, size_t len);

/* Hex SHA-256 of LEN bytes of DATA into HEX (OpenSSL EVP). */
VIFS_EXTERN int vifs_sha256_hex(char hex[VIFS_SHA256_HEX], const void *data,
    size_t len);

/* --- lint of an edit --------------------------------------------------- */

/* How an edit touches the line of a finding. */
enum vifs_edit_touch {
	VIFS_EDIT_UNTOUCHED = 0,
	VIFS_EDIT_CHANGED, /* the edit changes or removes the line */
	/* The line is malformed and begins with a key the edit sets, adds
	 * or removes: the edit would leave a broken line for the same
	 * setting beside its own. */
	VIFS_EDIT_SAME_KEY,
};

/*
 * A lint finding of the original document, and whether the edit touches
 * it.  Strings borrow from the check.
 */
struct vifs_editcheck_item {
	const char *rule;
	enum vifs_lint_severity severity;
	size_t line; /* 1-based, in the original */
	const char *message;
	enum vifs_edit_touch touched;
};

typedef struct vifs_editcheck vifs_editcheck;

/*
 * Lints BEFORE (the document as fetched, unedited) and classifies every
 * finding against the edit that turned it into AFTER.  Findings come in
 * the order of vifs_esxconf_lint().  Free with vifs_editcheck_free().
 */
VIFS_EXTERN int vifs_remoteedit_check(vifs_editcheck **out,
    const vifs_esxconf *before, const vifs_esxconf *after);

VIFS_EXTERN size_t vifs_editcheck_count(const vifs_editcheck *c);
/* Finding I, or NULL when out of range; borrowed. */
VIFS_EXTERN const struct vifs_editcheck_item *
vifs_editcheck_get(const vifs_editcheck *c, size_t i);
/* Number of findings of severity error that the edit touches: an edit
 * that should be refused. */
VIFS_EXTERN size_t vifs_editcheck_refusals(const vifs_editcheck *c);
/* Number of original lines the edit changes or removes, and of lines it
 * adds. */
VIFS_EXTERN size_t vifs_editcheck_lines_removed(const vifs_editcheck *c);
VIFS_EXTERN size_t vifs_editcheck_lines_added(const vifs_editcheck *c);
VIFS_EXTERN void vifs_editcheck_free(vifs_editcheck *c);

/* Names of the states and steps for messages ("unchanged", "put"). */
VIFS_EXTERN const char *vifs_remote_state_name(enum vifs_remote_state s);
VIFS_EXTERN const char *vifs_remoteedit_step_name(enum vifs_remoteedit_step s);

#endif
