/*
 * vifs/transfer.h - a file transfer as a job of the fleet engine: GET a
 * host's file into a local file, a directory per host or a descriptor
 * (standard output), or PUT a local file or a descriptor's bytes
 * (standard input) to a host.
 *
 * The same job serves one host and many.  A command for one host runs it
 * as a fleet of one on its own vifs_http (vifs_transfer_run()), which
 * keeps that handle's URL, credentials, trust, session cookie, retries,
 * trace, deadline and progress callback; a command for many hands
 * vifs_transfer_start() and vifs_transfer_step() to vifs_fleet_new() as
 * START and STEP, with the transfer as payload, and calls
 * vifs_transfer_done() from its DONE.
 *
 * A download is written to a temporary file beside its target and renamed
 * over it only when whole (its length checked against Content-Length);
 * on failure the target is untouched.  GET and a PUT of a file are
 * retried on connection errors and 502/503/504, a PUT sending the file
 * again from its start; a download to a descriptor is retried only while
 * nothing was written to it.  Nothing is printed.
 */
#ifndef VIFS_TRANSFER_H
#define VIFS_TRANSFER_H

#include <vifs/common.h>
#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/remotepath.h>

typedef struct vifs_transfer vifs_transfer;

enum vifs_transfer_kind {
	/* URL_PATH into the file LOCAL, fsynced before its rename when SYNC
	 * (vifs_transfer_run() syncs: one host, one fsync). */
	VIFS_TRANSFER_GET_FILE = 0,
	/* URL_PATH into LOCAL/HOST/NAME: the directory LOCAL (which must
	 * exist), a directory per host named by vifs_hostlist_safe_name()
	 * (made; refused when it is a symbolic link), the file NAME in it.
	 * A host that fails leaves no empty directory behind. */
	VIFS_TRANSFER_GET_DIR,
	/* URL_PATH to FD as it arrives (standard output); one host. */
	VIFS_TRANSFER_GET_FD,
	/* The regular file LOCAL to URL_PATH. */
	VIFS_TRANSFER_PUT_FILE,
	/* What FD holds to URL_PATH: a regular file from its start; anything
	 * else (a pipe) is copied first into an unlinked temporary file of
	 * $TMPDIR (else /tmp), so that its length is known and a retry can
	 * send it again.  One host at a time. */
	VIFS_TRANSFER_PUT_FD,
};

struct vifs_transfer_opts {
	enum vifs_transfer_kind kind;
	const char *url_path; /* the remote file, percent-encoded; the
			       * same on every host */
	const char *local; /* GET_FILE, PUT_FILE: the file; GET_DIR: the
			    * directory */
	const char *name; /* GET_DIR: the file's name in each host's
			   * directory (one path component) */
	int fd; /* GET_FD, PUT_FD: the descriptor (borrowed) */
	const char *fd_name; /* FD in messages ("standard input") */
	int sync; /* GET_FILE: fsync each file before its rename */
	/* Asked while a pipe is copied and, in vifs_transfer_run(), while
	 * the transfer runs: non-zero stops it (a signal arrived).  May be
	 * NULL. */
	int (*cancel)(void *payload);
	void *cancel_payload;
};

/*
 * Makes the transfer of OPTS (strings copied).  A PUT_FD of a descriptor
 * that is no regular file copies it here; that copy fails with VIFS_EIO
 * (VIFS_ERROR when CANCEL stopped it), naming the temporary file.  Free
 * with vifs_transfer_free().
 */
VIFS_EXTERN int vifs_transfer_new(vifs_transfer **out,
    const struct vifs_transfer_opts *opts);

/* Frees T and closes its copy of a pipe; NULL is allowed. */
VIFS_EXTERN void vifs_transfer_free(vifs_transfer *t);

/*
 * The fleet's START, STEP (PAYLOAD is the transfer) and the part of DONE
 * that cleans up after a host that failed (call it from the fleet's
 * DONE).
 */
VIFS_EXTERN int vifs_transfer_start(vifs_fleet_host *h, void *payload);
VIFS_EXTERN int vifs_transfer_step(vifs_fleet_host *h, int error,
    void *payload);
VIFS_EXTERN void vifs_transfer_done(vifs_fleet_host *h, void *payload);

/*
 * Runs T on the one host HTTP (borrowed) as a fleet of one.  Returns 0,
 * or the request's error with its message as a command for one host
 * shows it ("esx01:443: no such file: /host/x", with the host); the
 * handle's last status line is then that of the transfer's last
 * response.
 */
VIFS_EXTERN int vifs_transfer_run(vifs_transfer *t, vifs_http *http);

/*
 * The remote path an upload of LOCAL to RP goes to: when RP names a
 * directory ("[ds]", "[ds] dir/", "/tmp/"), *out gets LOCAL's file name
 * in it (free it with vifs_remotepath_free()); otherwise *out is NULL and
 * RP itself is the target.
 */
VIFS_EXTERN int vifs_transfer_put_path(struct vifs_remotepath **out,
    const struct vifs_remotepath *rp, const char *local);

#endif
