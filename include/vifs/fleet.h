/*
 * vifs/fleet.h - one job run across many hosts at once, in one process and
 * one thread, on libcurl's multi interface.
 *
 * A fleet is a list of hosts and a job.  vifs_fleet_run() gives a slot to
 * up to PARALLEL hosts at a time.  A host in a slot runs its job as a
 * sequence of requests on its own libcurl handle, so that its requests
 * share one connection and one TLS session, then gives the slot to the
 * next host.  The job is written as callbacks:
 *
 *   START(host)        the host has a slot: issue its first request with
 *                      vifs_fleet_get_buf(), _get_file(), _get_fd(),
 *                      _put_buf(), _put_file(), _put_fd() or
 *                      _post_buf(), or do nothing to end at once;
 *   STEP(host, error)  its request ended (ERROR 0, or a negative code with
 *                      the reason in vifs_error_last()): issue the next
 *                      request, or end the job;
 *   DONE(host)         the host's result is known (vifs_fleet_host_state,
 *                      _error, _reason); called once for every host, in
 *                      the order they finish;
 *   TICK(stats)        called about ten times a second while the run goes
 *                      on; returning non-zero stops the run.
 *
 * START and STEP end the job by returning without a request pending: 0
 * for success, a negative code for failure.  The host's reason is then
 * vifs_error_last(), except when STEP returns the ERROR it was given: the
 * reason is that request's message, whatever STEP called since.  A
 * request that fails does not end the job by itself: STEP decides
 * (usually by returning ERROR).
 *
 * Trust, credentials, messages and retries are those of vifs/http.h: each
 * host is verified against the CA bundle, or against its pinned
 * thumbprint (its own, the fleet's, or its line in the known-hosts file,
 * which is read once for the whole fleet).  GET is retried on connection
 * errors and 502/503/504 after a back-off that waits on a timer, never in
 * a sleep, and so is a PUT of a file.  A host added with its own vifs_http
 * keeps that handle's progress callback, trace and deadline.  Every host has a deadline (HOST_TIMEOUT_MS for its whole job,
 * on top of the connect and stall limits), so no host holds up the run.
 *
 * Memory: a host that waits or is done holds its name, URL, its own
 * credentials if any and, once failed, one line of reason.  Handles,
 * connections, TLS state and bodies exist only for hosts in a slot: a body
 * of vifs_fleet_get_buf() lives until STEP returns unless taken, and a
 * download of vifs_fleet_get_file() streams to disk.
 *
 * Files of vifs_fleet_get_file() are written to a temporary file beside
 * the target and renamed over it only when complete, but not fsynced one
 * by one (that would serialise the run on the disk) unless SYNC_FILES
 * asks for it: callers that need many on stable storage sync the
 * directory once at the end.
 */
#ifndef VIFS_FLEET_H
#define VIFS_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>
#include <vifs/http.h>

typedef struct vifs_fleet vifs_fleet;
typedef struct vifs_fleet_host vifs_fleet_host;

enum vifs_fleet_state {
	VIFS_FLEET_PENDING = 0, /* not started yet */
	VIFS_FLEET_RUNNING, /* in a slot */
	VIFS_FLEET_OK,
	VIFS_FLEET_FAILED,
	VIFS_FLEET_SKIPPED, /* never started: the run was stopped */
};

/* Counts of a run, as TICK sees them and vifs_fleet_stats() gives them. */
struct vifs_fleet_stats {
	size_t total;
	size_t running;
	size_t ok;
	size_t failed;
	size_t skipped;
	int64_t elapsed_ms; /* since vifs_fleet_run() started */
};

typedef int (*vifs_fleet_start_fn)(vifs_fleet_host *host, void *payload);
typedef int (
    *vifs_fleet_step_fn)(vifs_fleet_host *host, int error, void *payload);
typedef void (*vifs_fleet_done_fn)(vifs_fleet_host *host, void *payload);
typedef int (
    *vifs_fleet_tick_fn)(const struct vifs_fleet_stats *stats, void *payload);

#define VIFS_FLEET_PARALLEL_DEFAULT 32u

struct vifs_fleet_opts {
	unsigned parallel; /* hosts at once; 0: 32 */
	const char *username; /* credentials of hosts without their own */
	const char *password;
	const char *cacert_file; /* PEM CA bundle instead of the system's */
	const char *thumbprint; /* pinned for hosts without their own */
	const char *known_hosts; /* file of "host[:port] thumbprint" lines */
	int insecure; /* no certificate verification at all */
	long connect_timeout_ms; /* 0: 15000 */
	long low_speed_secs; /* a request under 1 byte/s this long fails;
			      * 0: 60 */
	long host_timeout_ms; /* a host's whole job, retries included;
			       * 0: no limit but the two above */
	unsigned get_retries; /* as in vifs_http_opts; also PUTs of a file */
	long retry_base_ms; /* 0: 500 */
	int sync_files; /* fsync each file of vifs_fleet_get_file() before
			 * its rename (a fleet of one, where it costs one
			 * fsync) */
	vifs_http_trace_fn trace; /* --verbose lines, "HOST: " in front */
	void *trace_payload;
	vifs_fleet_start_fn start; /* required */
	vifs_fleet_step_fn step; /* required */
	vifs_fleet_done_fn done; /* may be NULL */
	vifs_fleet_tick_fn tick; /* may be NULL */
	void *payload; /* given to START, STEP and DONE */
	void *tick_payload; /* given to TICK; NULL: PAYLOAD */
};

/* A host to add; strings are copied. */
struct vifs_fleet_target {
	const char *name; /* how results name it: "esx01", "esx01:8443" */
	const char *base_url; /* "https://host[:port]" */
	const char *username; /* NULL: the fleet's */
	const char *password; /* NULL: the fleet's */
	const char *thumbprint; /* NULL: the fleet's, else known-hosts */
};

/*
 * Makes an empty fleet with OPTS (strings copied; the known-hosts file is
 * read here).  Fails with VIFS_EINVAL without START or STEP.  Free with
 * vifs_fleet_free().
 */
VIFS_EXTERN int vifs_fleet_new(vifs_fleet **out,
    const struct vifs_fleet_opts *opts);

/* Frees F and its hosts; NULL is allowed.  Not from a callback. */
VIFS_EXTERN void vifs_fleet_free(vifs_fleet *f);

/*
 * Adds a host.  The base URL is checked when the host starts, so that a
 * bad one fails that host only.  Not during vifs_fleet_run().
 */
VIFS_EXTERN int vifs_fleet_add(vifs_fleet *f,
    const struct vifs_fleet_target *t);

/*
 * Adds a host that runs its job on HTTP, the caller's handle (borrowed: it
 * must outlive the run and is not freed), with its URL, credentials,
 * trust, session, retries and trace, as libcurl's easy interface runs on
 * a multi handle of its own.  A fleet of one made so is how a command for
 * one host runs the same job as a fleet.  Not during vifs_fleet_run().
 */
VIFS_EXTERN int vifs_fleet_add_http(vifs_fleet *f, const char *name,
    vifs_http *http);

/*
 * Replaces the credentials of the hosts added without their own (copied;
 * NULL for none).  Not during vifs_fleet_run().
 */
VIFS_EXTERN int vifs_fleet_set_credentials(vifs_fleet *f, const char *username,
    const char *password);

/* Number of hosts; host I (0-based, in the order added) or NULL.  Host
 * pointers live as long as F. */
VIFS_EXTERN size_t vifs_fleet_count(const vifs_fleet *f);
VIFS_EXTERN vifs_fleet_host *vifs_fleet_get(vifs_fleet *f, size_t i);

/*
 * Runs the job on every pending host and returns once each is done:
 * VIFS_OK whatever the hosts' results (see the stats), or VIFS_ENOMEM or
 * VIFS_ERROR when the run itself broke down (hosts not done then are
 * failed).  When TICK asks to stop, or vifs_fleet_stop() was called,
 * requests in progress are abandoned (their hosts fail with "stopped")
 * and hosts not started are skipped; each still gets DONE.
 */
VIFS_EXTERN int vifs_fleet_run(vifs_fleet *f);

/* Asks a running fleet to stop at the next occasion (from a callback). */
VIFS_EXTERN void vifs_fleet_stop(vifs_fleet *f);

VIFS_EXTERN void vifs_fleet_stats(const vifs_fleet *f,
    struct vifs_fleet_stats *out);

/* --- requests: from START or STEP, one at a time per host ------------ */

/*
 * GET URL_PATH into memory, at most MAX bytes (0: 64 MiB; more fails with
 * VIFS_ETOOBIG).  STEP gets the body from vifs_fleet_host_take_body().
 */
VIFS_EXTERN int vifs_fleet_get_buf(vifs_fleet_host *h, const char *url_path,
    size_t max);

/*
 * GET URL_PATH into the file LOCAL_PATH (copied), through a temporary file
 * renamed over it once complete; on failure LOCAL_PATH is untouched.
 */
VIFS_EXTERN int vifs_fleet_get_file(vifs_fleet_host *h, const char *url_path,
    const char *local_path);

/*
 * GET URL_PATH into the descriptor FD (borrowed, not closed; standard
 * output), as it arrives.  Retried only while nothing was written to FD;
 * no Content-Length check and no rename, so no guarantee of a whole file.
 */
VIFS_EXTERN int vifs_fleet_get_fd(vifs_fleet_host *h, const char *url_path,
    int fd);

/* PUT LEN bytes of DATA (copied) to URL_PATH; never retried. */
VIFS_EXTERN int vifs_fleet_put_buf(vifs_fleet_host *h, const char *url_path,
    const void *data, size_t len);

/*
 * POST LEN bytes of DATA (copied, and wiped once sent) to URL_PATH with
 * the header lines HEADERS (NULL-terminated, copied; e.g. Content-Type
 * and SOAPAction).  As vifs_http_post(): never retried, not redirected,
 * without Basic credentials (a SOAP request carries its own), and
 * answered whatever the status: STEP gets ERROR 0 with the status in
 * vifs_fleet_host_http_status() and the body (at most 64 MiB) from
 * vifs_fleet_host_take_body(); only a failed transfer is an error.  When
 * SESSION_COOKIE is not NULL and the answer sets a cookie of that name
 * (a VIM login's vmware_soap_session), the host sends it on its later
 * requests instead of its Basic credentials.
 */
VIFS_EXTERN int vifs_fleet_post_buf(vifs_fleet_host *h, const char *url_path,
    const char *const *headers, const void *data, size_t len,
    const char *session_cookie);

/*
 * PUT the file LOCAL_PATH to URL_PATH, streamed from its start.  Retried
 * like a GET: the file is sent again from its start, and a PUT replaces
 * the whole remote file.
 */
VIFS_EXTERN int vifs_fleet_put_file(vifs_fleet_host *h, const char *url_path,
    const char *local_path);

/*
 * The same for the regular file open on FD (borrowed, not closed; read
 * from offset 0, which it is left past; one host at a time, since they
 * would share its offset); NAME (may be NULL) names it in messages.
 * VIFS_EIO when FD is no regular file.
 */
VIFS_EXTERN int vifs_fleet_put_fd(vifs_fleet_host *h, const char *url_path,
    int fd, const char *name);

/*
 * Hands the body of the host's last successful vifs_fleet_get_buf() or
 * vifs_fleet_post_buf() to the
 * caller: *out (NUL-terminated, free with free()) of *out_len bytes.
 * VIFS_ENOTFOUND when there is none (already taken, or no such request).
 */
VIFS_EXTERN int vifs_fleet_host_take_body(vifs_fleet_host *h, char **out,
    size_t *out_len);

/* --- a host ------------------------------------------------------------ */

/* The name it was added with; borrowed, lives as long as the fleet. */
VIFS_EXTERN const char *vifs_fleet_host_name(const vifs_fleet_host *h);
/* Its index in the order added. */
VIFS_EXTERN size_t vifs_fleet_host_index(const vifs_fleet_host *h);
VIFS_EXTERN enum vifs_fleet_state vifs_fleet_host_state(
    const vifs_fleet_host *h);
/* The code it failed with, VIFS_OK otherwise. */
VIFS_EXTERN int vifs_fleet_host_error(const vifs_fleet_host *h);
/*
 * Why it failed or was skipped, one line without the host's name or
 * host:port in front (callers show the host anyway); "" otherwise.
 * Borrowed.
 */
VIFS_EXTERN const char *vifs_fleet_host_reason(const vifs_fleet_host *h);
/* Status code of its last HTTP response, 0 when none. */
VIFS_EXTERN long vifs_fleet_host_http_status(const vifs_fleet_host *h);
/* Last-Modified of the host's last response (seconds since the epoch),
 * -1 when it had none. */
VIFS_EXTERN long long vifs_fleet_host_last_modified(const vifs_fleet_host *h);
/* A pointer of the caller's, NULL until set. */
VIFS_EXTERN void vifs_fleet_host_set_data(vifs_fleet_host *h, void *data);
VIFS_EXTERN void *vifs_fleet_host_data(const vifs_fleet_host *h);

/* "host:port" of the host's URL, for messages; borrowed, while the host
 * runs (NULL otherwise). */
VIFS_EXTERN const char *vifs_fleet_host_hostport(const vifs_fleet_host *h);

/*
 * The value of the cookie NAME that the host's last response set, or
 * NULL; from START or STEP while no request of the host is pending.
 * Borrowed until the host's next request.
 */
VIFS_EXTERN const char *vifs_fleet_host_response_cookie(vifs_fleet_host *h,
    const char *name);

/*
 * Sends COOKIE ("name=value", copied) on the host's later requests
 * instead of its Basic credentials (a VIM session resumed from a session
 * file), or no cookie with NULL (after a logout; the credentials stay
 * dropped).  From START or STEP while no request is pending.
 */
VIFS_EXTERN int vifs_fleet_host_set_cookie(vifs_fleet_host *h,
    const char *cookie);

/* The user and password the host is reached with (its own, else the
 * fleet's; NULL when none); borrowed from the fleet. */
VIFS_EXTERN void vifs_fleet_host_credentials(const vifs_fleet_host *h,
    const char **username, const char **password);

#endif
