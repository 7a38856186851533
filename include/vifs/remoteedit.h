/*
 * vifs/remoteedit.h - an edit of a file on a host (esx.conf) that cannot
 * lose data, as one step machine that a fleet runs for each host: fetch,
 * edit a copy and lint the edit, backup, conflict check, upload, verify,
 * and a report of the state the host's file is in whatever happened.
 *
 * The steps, in order (docs/internals/remoteedit.md):
 *   FETCH     GET the file; keep its bytes and SHA-256
 *   INVENTORY when asked, GET the inventory the host publishes and judge
 *             it against the file's Last-Modified (vifs/publish.h); its
 *             topology is then the EDIT hook's to use
 *   EDIT      the new bytes: the caller's edit of a parsed copy (EDIT
 *             hook) and the lint of the edit (refused when it touches a
 *             line with an error, unless VIFS_REMOTEEDIT_FORCE), or bytes
 *             given (a backup to restore, or the newest backup of the
 *             host's backup directory); no change or a dry run ends here
 *   BACKUP    save the original to a backup file (0600, directories 0700)
 *   CONFLICT  GET again and compare SHA-256
 *   PUT       upload; after a failure, GET once more to tell the state
 *   VERIFY    GET and compare byte for byte
 * Each step either issues one request on the host's handle and judges
 * its end, or works locally; nothing blocks and nothing is printed.  A
 * fleet (vifs/fleet.h) advances each host's edit from its START and STEP
 * callbacks with vifs_remoteedit_start() and vifs_remoteedit_step(); one
 * host is a fleet of one (vifs_remoteedit_run()).  The result says how
 * far it went, what state the host's file is in (enum vifs_remote_state),
 * where the backup is and the SHA-256 of every version seen.  One handle
 * is one host and one file; it is not shared between threads.
 */
#ifndef VIFS_REMOTEEDIT_H
#define VIFS_REMOTEEDIT_H

#include <stddef.h>

#include <vifs/backup.h>
#include <vifs/common.h>
#include <vifs/esxconf.h>
#include <vifs/firmware.h>
#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>

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

/* The steps of an edit; a failure names the one that failed. */
enum vifs_remoteedit_step {
	VIFS_STEP_NONE = 0, /* none: the edit succeeded */
	VIFS_STEP_FETCH,
	VIFS_STEP_BACKUP,
	VIFS_STEP_CONFLICT, /* the second read failed or found a change */
	VIFS_STEP_PUT,
	VIFS_STEP_VERIFY,
	VIFS_STEP_EDIT, /* the new bytes: the edit, its lint, a restore */
	VIFS_STEP_INVENTORY, /* the inventory the host publishes */
	/* After VERIFY: the host writes its configuration to the boot
	 * device (<vifs/firmware.h>); never fails the edit. */
	VIFS_STEP_PERSIST,
};

enum vifs_remoteedit_flags {
	/*
	 * Upload even when the file changed on the host since it was
	 * fetched.  The copy found at the second read is then saved to a
	 * backup of its own first, so it is not lost either.  Also
	 * overrides the refusals of the EDIT step (lint, empty restore).
	 */
	VIFS_REMOTEEDIT_FORCE = 1 << 0,
	/* Stop after the EDIT step: nothing is saved or sent. */
	VIFS_REMOTEEDIT_DRY_RUN = 1 << 1,
	/*
	 * The given bytes are a backup put back (a restore; "restore" set
	 * implies it): the backup of the file it replaces is named
	 * TIME-NAME.pre-restore (VIFS_REMOTEEDIT_PRE_RESTORE), which "latest"
	 * never picks, so a restore run twice puts the same backup back
	 * instead of the edit the first one undid.
	 */
	VIFS_REMOTEEDIT_RESTORE = 1 << 2,
};

/* The suffix of the backups a restore makes of the file it replaces. */
#define VIFS_REMOTEEDIT_PRE_RESTORE ".pre-restore"

struct vifs_remoteedit_result;
typedef struct vifs_remoteedit vifs_remoteedit;
typedef struct vifs_editcheck vifs_editcheck;

/*
 * Called after each step that succeeded (BACKUP, once more for the backup
 * of a conflicting copy, CONFLICT, PUT, VERIFY), e.g. to show the
 * backup's path before the upload starts; vifs_remoteedit_result() has
 * the result so far.
 */
typedef void (*vifs_remoteedit_step_fn)(void *payload, vifs_remoteedit *re,
    enum vifs_remoteedit_step done);

/*
 * The caller's edit of DOC, a parsed copy of the file fetched (named
 * "HOST:URL_PATH").  Returns 0, or a negative code when the edit cannot
 * be made (the caller has said why): the edit then fails at the EDIT
 * step and nothing is sent.
 */
typedef int (*vifs_remoteedit_edit_fn)(void *payload, vifs_remoteedit *re,
    vifs_esxconf *doc);

/* Called with the lint of the edit before it is judged (to show it). */
typedef void (*vifs_remoteedit_check_fn)(void *payload, vifs_remoteedit *re,
    const vifs_editcheck *check);

/*
 * Called with what the INVENTORY step found (used, missing, stale, bad:
 * PUB->state and PUB->message), to say so; a topology it can use is then
 * vifs_remoteedit_topology()'s.
 */
typedef void (*vifs_remoteedit_inventory_fn)(void *payload, vifs_remoteedit *re,
    const struct vifs_published *pub);

struct vifs_remoteedit_opts {
	const char *url_path; /* NULL: VIFS_ESXCONF_PATH */
	/*
	 * Name of the host in messages and in the default backup
	 * directory; NULL: the name of the fleet host.  It must not
	 * contain '/' or be "." or "..".
	 */
	const char *host;
	/* Directory of the backups; NULL: the default of
	 * vifs_remoteedit_backup_dir(). */
	const char *backup_dir;
	unsigned flags; /* enum vifs_remoteedit_flags */
	size_t max_size; /* largest file accepted; 0: VIFS_ESXCONF_MAX */
	/* Time used in backup names, seconds since the epoch; 0: now. */
	long long now;
	/*
	 * Where the new bytes come from (the EDIT step), one of:
	 *   EDIT       an edit of the parsed file, linted;
	 *   DATA/LEN   these bytes (copied; a backup to restore);
	 *   RESTORE    "latest", or the start of a backup's time
	 *              (YYYYmmddTHHMMSSZ...): the newest such backup in
	 *              the backup directory.
	 * None: the edit stops after FETCH; vifs_remoteedit_commit() gives
	 * the bytes later.
	 */
	vifs_remoteedit_edit_fn edit;
	const void *data;
	size_t len;
	const char *restore;
	/*
	 * URL path of the inventory the host publishes
	 * (vifs_publish_url_path()); NULL: no INVENTORY step.
	 */
	const char *inventory_path;
	vifs_remoteedit_inventory_fn inventory; /* NULL: none */
	vifs_remoteedit_check_fn check; /* NULL: none */
	/*
	 * The VIM login of the PERSIST step, which asks the host after a
	 * verified change to write its configuration to the boot device
	 * (SyncFirmwareConfiguration); NULL: no PERSIST step.  Borrowed: it
	 * and its strings must outlive the edit.  Its SOAP exchanges are
	 * requests of the host like the others (vifs_firmware_job_*()).
	 */
	const struct vifs_firmware_login *persist;
	vifs_remoteedit_step_fn step; /* NULL: none */
	void *payload; /* given to EDIT, CHECK and STEP */
};

/*
 * The outcome of an edit.  Strings borrow from the handle and live until
 * it is freed.  SHA-256 strings are "" for a version that was not read.
 */
struct vifs_remoteedit_result {
	enum vifs_remote_state state;
	enum vifs_remoteedit_step failed; /* VIFS_STEP_NONE on success */
	int error; /* 0, or the negative vifs_error of the failure */
	/* The failure's message, naming "HOST:URL_PATH" (NULL when the
	 * EDIT hook or CHECK have said why already). */
	const char *message;
	/* The failure in one line with the state of the host's file and
	 * where the original is, without the host's name: what a fleet
	 * shows for the host.  NULL on success. */
	const char *summary;
	/* The upload failed but reading back found the file as sent. */
	int put_error_but_updated;
	int nochange; /* the new bytes equal the original: nothing done */
	int dry_run; /* stopped after EDIT (VIFS_REMOTEEDIT_DRY_RUN) */
	/* The file had changed on the host between the two reads. */
	int conflict;
	const char *backup; /* backup of the original, or NULL */
	/* With VIFS_REMOTEEDIT_FORCE over a conflict: backup of the copy
	 * found at the second read, or NULL. */
	const char *conflict_backup;
	const char *restored; /* RESTORE: the backup picked, or NULL */
	/* PERSIST: 1 when the host saved its configuration to the boot
	 * device; else 0 and PERSIST_ERROR says why (NULL when the step did
	 * not run: no change, a dry run, a failure, no login given). */
	int persisted;
	const char *persist_error;
	size_t len_sent, len_final;
	char sha256_original[VIFS_SHA256_HEX]; /* as fetched */
	char sha256_current[VIFS_SHA256_HEX]; /* at the conflict check */
	char sha256_sent[VIFS_SHA256_HEX];
	char sha256_final[VIFS_SHA256_HEX]; /* read back after the PUT */
};

/*
 * Makes the edit of OPTS (copied) in *out, at its first step; free with
 * vifs_remoteedit_free().  VIFS_EINVAL for a bad host name.
 */
VIFS_EXTERN int vifs_remoteedit_new(vifs_remoteedit **out,
    const struct vifs_remoteedit_opts *opts);

/*
 * Drive RE on the fleet host H: call vifs_remoteedit_start() from the
 * fleet's START and vifs_remoteedit_step() from its STEP, and return what
 * they return.  The edit issues its requests on H; when it returns
 * without a request pending it is over (vifs_remoteedit_result()).
 */
VIFS_EXTERN int vifs_remoteedit_start(vifs_remoteedit *re, vifs_fleet_host *h);
VIFS_EXTERN int vifs_remoteedit_step(vifs_remoteedit *re, vifs_fleet_host *h,
    int error);

/*
 * Runs RE on HTTP (borrowed), a fleet of one, until it is over or pauses
 * after FETCH.  Returns 0 or the negative error of the step that failed.
 */
VIFS_EXTERN int vifs_remoteedit_run(vifs_remoteedit *re, vifs_http *http);

/*
 * GETs the file of OPTS (copied; its EDIT, DATA and RESTORE are ignored)
 * from H into a new handle *out: vifs_remoteedit_new() and
 * vifs_remoteedit_run() up to the end of FETCH.  H is borrowed and must
 * outlive the handle.  Fails with the error of the transfer (VIFS_ENET,
 * VIFS_ETIMEOUT, VIFS_EAUTH, ...), VIFS_ETOOBIG, or VIFS_EINVAL for a bad
 * host name.  *out is NULL on failure.
 */
VIFS_EXTERN int vifs_remoteedit_fetch(vifs_remoteedit **out, vifs_http *h,
    const struct vifs_remoteedit_opts *opts);

/* The bytes fetched (NUL-terminated, *len without it); borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_data(const vifs_remoteedit *re,
    size_t *len);

/* The new bytes once the EDIT step made them, else NULL; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_sent(const vifs_remoteedit *re,
    size_t *len);

/* The lint of the edit once the EDIT step made it, else NULL. */
VIFS_EXTERN const vifs_editcheck *vifs_remoteedit_editcheck(
    const vifs_remoteedit *re);

/*
 * The topology of the inventory the host publishes, when the INVENTORY
 * step found one it can use, else NULL: borrowed, or taken (the caller
 * frees it, and the handle no longer has it).
 */
VIFS_EXTERN const vifs_pci_topology *vifs_remoteedit_topology(
    const vifs_remoteedit *re);
VIFS_EXTERN vifs_pci_topology *vifs_remoteedit_take_topology(
    vifs_remoteedit *re);

/* The host name used in messages and backups; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_host(const vifs_remoteedit *re);

/* "HOST:/host/esx.conf", a name for diagnostics; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_name(const vifs_remoteedit *re);

/* Hex SHA-256 of the bytes fetched; borrowed. */
VIFS_EXTERN const char *vifs_remoteedit_sha256(const vifs_remoteedit *re);

/*
 * Replaces the host's file of an edit fetched with vifs_remoteedit_fetch()
 * with LEN bytes of DATA: the rest of the steps, on the same handle.
 * Returns 0 when the host holds DATA, verified (or DATA equals the
 * original: nochange), else the negative error of the step that failed;
 * in both cases the result tells the state and what was saved.  A handle
 * is committed at most once (VIFS_EINVAL after that).
 */
VIFS_EXTERN int vifs_remoteedit_commit(vifs_remoteedit *re, const void *data,
    size_t len);

/* The outcome so far; borrowed from RE. */
VIFS_EXTERN const struct vifs_remoteedit_result *vifs_remoteedit_result(
    const vifs_remoteedit *re);

/* Frees RE; NULL is allowed.  Never touches the backups. */
VIFS_EXTERN void vifs_remoteedit_free(vifs_remoteedit *re);

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

/*
 * Takes the per-host edit lock in the host's backup directory DIR (made
 * 0700 when missing): an flock on DIR/.vifs-edit.lock, held from the
 * CONFLICT step to the end of the edit, so that two edits of HOST from
 * this machine cannot both read the same original and then overwrite each
 * other.  Waits up to WAIT_MS (0: not at all) for another holder, then
 * fails with VIFS_ECONFLICT naming HOST.  *FD_OUT is the lock;
 * vifs_remoteedit_unlock() releases it.
 */
VIFS_EXTERN int vifs_remoteedit_lock(int *fd_out, const char *dir,
    const char *host, long wait_ms);

/* Releases a lock of vifs_remoteedit_lock(); -1 is allowed. */
VIFS_EXTERN void vifs_remoteedit_unlock(int fd);

#endif
