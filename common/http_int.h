/*
 * http_int.h - the request machinery of http.c, shared with fleet.c; not
 * installed.
 *
 * A request is set up on a host's easy handle by http_req_setup(), run by
 * whoever drives the handle (curl_easy_perform() in http.c, a multi handle
 * in fleet.c), and judged by http_req_end(), which turns libcurl's result,
 * the status and the sink's state into an error code and message.  Both
 * callers therefore send the same requests, trust the same certificates
 * and report failures in the same words.
 */
#ifndef VIFS_HTTP_INT_H
#define VIFS_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include <vifs/http.h>
#include <vifs/trust.h>

#include "internal.h"

enum method { M_GET, M_PUT, M_DELETE, M_HEAD, M_POST };

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
	int rewindable; /* PUT: the body can be sent again (retries) */
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

#endif
