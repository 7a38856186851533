/*
 * http_int.h - the HTTP client's internals, shared by the http_*.c files
 * and with the fleet engine (fleet_run.c); not installed.
 *
 * A request is set up on a host's easy handle by http_req_setup(), run by
 * whoever drives the handle (curl_easy_perform() in http_retry.c, a multi
 * handle in fleet_run.c), and judged by http_req_end(), which turns
 * libcurl's result, the status and the sink's state into an error code
 * and message.  Both callers therefore send the same requests, trust the
 * same certificates and report failures in the same words.
 */
#ifndef VIFS_HTTP_INT_H
#define VIFS_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include <vifs/http.h>
#include <vifs/trust.h>

#include "internal.h"

/* The start of an error body kept for messages. */
#define ERRBODY_MAX 512

enum method { M_GET, M_PUT, M_DELETE, M_HEAD, M_POST };

/* A host's handle (http_handle.c). */
struct vifs_http {
	CURL *curl;
	char *base_url;
	char *host; /* as in the URL, without port */
	char *hostport; /* "host:port" */
	char *username;
	char *password;
	char *cookie;
	char *cacert_file;
	int insecure;
	int pinned; /* pin holds a thumbprint to match */
	struct vifs_thumbprint pin;
	char pin_source[64]; /* "--thumbprint" or "known_hosts" */
	long connect_timeout_ms;
	long low_speed_secs;
	long deadline_ms; /* the handle's overall budget; 0: none */
	long long deadline_at; /* CLOCK_MONOTONIC ms it runs out at */
	unsigned get_retries;
	long retry_base_ms;
	vifs_http_trace_fn trace;
	void *trace_payload;
	vifs_http_progress_fn progress;
	void *progress_payload;

	/* Per request. */
	long status;
	long long last_modified; /* Last-Modified, seconds; -1: none */
	char status_line[256];
	char errbody[ERRBODY_MAX + 1];
	size_t errbody_read; /* bytes of the error body seen */
	int errbody_cut; /* the transfer was cut at ERRBODY_READ_MAX */
	size_t errbody_len;
	char curl_error[CURL_ERROR_SIZE];
	int tls_refused; /* the verify callback said no */
	int pin_mismatch;
	char tls_why[128]; /* why the chain did not verify */
	char peer_sha1[VIFS_THUMBPRINT_MAX];
	char peer_sha256[VIFS_THUMBPRINT_MAX];
	char peer_sha512[VIFS_THUMBPRINT_MAX];
	struct vifs_buf set_cookies; /* Set-Cookie values, one a line */
	char *cookie_value; /* last vifs_http_response_cookie() */
};

/* Where a response body goes. */
struct sink {
	vifs_http *h;
	int fd; /* file sink, or -1 */
	struct vifs_buf *buf; /* buffer sink, or NULL */
	size_t max;
	int too_big;
	int write_failed;
	int write_errno;
	uint64_t received;
	int any_status; /* keep the body whatever the status (POST) */
};

/* Where a request body comes from. */
struct source {
	int fd;
	const char *data;
	size_t len, off;
	const char *const *headers; /* POST: extra header lines */
};

/*
 * vifs_http_new() with the known-hosts file already read: KH (borrowed,
 * may be NULL) is looked up instead of reading O->known_hosts, which then
 * only names the file in messages.
 */
int http_new(vifs_http **out, const struct vifs_http_opts *o,
    const vifs_known_hosts *kh);

/* The easy handle of H. */
CURL *http_curl(vifs_http *h);

/* The GET retries and first back-off H was made with. */
void http_retries(const vifs_http *h, unsigned *retries, long *base_ms);

/*
 * Resets H's handle and sets it up for M on URL_PATH with SINK and SRC
 * (SRC for PUT and POST only).  *headers gets the header list the request
 * uses; the caller frees it with curl_slist_free_all() once the request
 * has ended, also when this fails.
 */
int http_req_setup(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, struct source *src, struct curl_slist **headers);

/*
 * Judges the request that ended with RC: VIFS_OK, or an error code with
 * its message (a sink that overflowed or failed to write, a transfer
 * error, a refused certificate, a status that is no success).
 */
int http_req_end(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, CURLcode rc);

/* Returns 1 when the request that ended with RC may be tried again. */
int http_req_retryable(vifs_http *h, CURLcode rc);

/* Empties SINK before a retry. */
int http_sink_rewind(struct sink *sink);

/* Sends the body of SRC from its start again, before a retry. */
int http_source_rewind(struct source *src);

/* "* retrying in BACKOFF_MS ms (attempt ATTEMPT of ATTEMPTS)" on H's
 * trace, if it has one. */
void http_trace_retry(vifs_http *h, long backoff_ms, unsigned attempt,
    unsigned attempts);

/*
 * Creates the temporary file a download to LOCAL_PATH goes to, beside it
 * (its name in TMP, mode 0600 whatever the umask), open on *fd.
 */
int http_tmp_open(struct vifs_buf *tmp, int *fd, const char *local_path);

/*
 * After a successful download into SINK (whose fd is TMP's): checks the
 * length against Content-Length, fsyncs when SYNC, closes the file and
 * renames it over LOCAL_PATH.  The fd is closed whatever happens; on
 * failure TMP is removed.
 */
int http_tmp_commit(vifs_http *h, const char *url_path, struct sink *sink,
    const char *tmp, const char *local_path, int sync);

/* --- between the http_*.c files ------------------------------------ */

static inline int
http_is_success(long status)
{
	return status >= 200 && status < 300;
}

/* Milliseconds left before H's deadline (--deadline); -1 without one. */
long long http_deadline_left(const vifs_http *h);

/* 1 when H's deadline has come (within libcurl's timer slack): a
 * timeout is then the deadline's, and nothing is retried. */
int http_deadline_reached(const vifs_http *h);

/* Sets and returns the error of a request on URL_PATH whose command's
 * deadline has passed. */
int http_deadline_passed(const vifs_http *h, const char *url_path);

/* CURLOPT_SSL_CTX_FUNCTION: installs the certificate check of H (ARG),
 * which records the peer's thumbprints and decides by pin or chain. */
CURLcode http_ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *arg);

/* The libcurl callbacks a request is set up with: ARG is the handle
 * (header, progress, debug), the struct sink (write) or the struct source
 * (read, seek). */
size_t http_header_cb(char *data, size_t size, size_t n, void *arg);
size_t http_write_cb(char *data, size_t size, size_t n, void *arg);
size_t http_read_cb(char *data, size_t size, size_t n, void *arg);
int http_seek_cb(void *arg, curl_off_t offset, int origin);
int http_xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow);
int http_debug_cb(CURL *curl, curl_infotype type, char *data, size_t size,
    void *arg);

/*
 * Runs one request on H with curl_easy_perform(), retried as H allows
 * (GET and HEAD); REWIND, when not NULL,
 * empties SINK before a retry.  Returns VIFS_OK or the request's error.
 */
int http_perform(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, struct source *src, int (*rewind)(struct sink *));

/* Empty a buffer sink, or truncate a file sink, before a retry. */
int http_rewind_buf(struct sink *s);
int http_rewind_fd(struct sink *s);

#endif
