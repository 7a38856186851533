/*
 * vifs/http.h - HTTPS transfers to one host's file service (/host, /tmp,
 * /folder), on libcurl.
 *
 * A vifs_http is one host: its base URL, credentials and TLS trust, and a
 * libcurl handle that is reused, so consecutive requests share the
 * connection and the TLS session.  The requests here are blocking ones
 * with bodies in memory; files (a GET to a file or standard output, a PUT
 * of a file or standard input, streamed in constant memory) are the
 * fleet engine's transfer job (vifs/transfer.h), which runs one host on
 * its vifs_http as a fleet of one.
 *
 * TLS is verified by default against the system CAs (or CACERT_FILE).
 * A pinned thumbprint (THUMBPRINT, or the host's line in KNOWN_HOSTS)
 * replaces CA verification: the leaf certificate's digest must match it.
 * INSECURE turns verification off.  On a refused certificate the call
 * fails with VIFS_ETLS, the message shows the host's SHA-256 and SHA-1
 * thumbprints, and vifs_http_peer_thumbprint() returns them.
 *
 * Status codes become errors: 401 VIFS_EAUTH ("authentication failed for
 * USER@HOST"), 403 VIFS_EPERM, 404 VIFS_ENOTFOUND, other non-2xx
 * VIFS_EHTTP with the status line and the first line of the body;
 * connection failures VIFS_ENET, timeouts VIFS_ETIMEOUT.
 */
#ifndef VIFS_HTTP_H
#define VIFS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>

typedef struct vifs_http vifs_http;

/*
 * Called with each line of a --verbose trace (request and status lines,
 * headers, TLS notes).  Authorization and Cookie values are masked before
 * a line gets here.
 */
typedef void (*vifs_http_trace_fn)(void *payload, const char *line);

/*
 * Called during a transfer with the bytes done and the total (0 when
 * unknown); return non-zero to abort the transfer (VIFS_ERROR).
 */
typedef int (
    *vifs_http_progress_fn)(void *payload, uint64_t done, uint64_t total);

struct vifs_http_opts {
	const char *base_url; /* "https://host[:port]"; required */
	const char *username; /* HTTP Basic credentials, or NULL */
	const char *password;
	const char *cookie; /* "name=value" sent with every request */
	const char *cacert_file; /* PEM CA bundle instead of the system's */
	const char *thumbprint; /* pinned SHA-1/256/512, colons optional */
	const char *known_hosts; /* file of "host[:port] thumbprint" lines */
	int insecure; /* no certificate verification at all */
	long connect_timeout_ms; /* 0: 15000 */
	long low_speed_secs; /* abort when under 1 byte/s this long;
				  * 0: 60 */
	unsigned get_retries; /* GET retries on connection errors and
				  * 502/503/504, with back-off; a PUT of a
				  * file too (vifs/transfer.h), a PUT of a
				  * buffer never.  Use
				  * VIFS_HTTP_RETRIES_DEFAULT (2) or a count */
	long retry_base_ms; /* first back-off; 0: 500 */
	vifs_http_trace_fn trace;
	void *trace_payload;
	vifs_http_progress_fn progress;
	void *progress_payload;
	long deadline_ms; /* every request of the handle must end within
			   * this long of its creation, retries and all;
			   * 0: no overall deadline */
};

#define VIFS_HTTP_RETRIES_DEFAULT 2u

/*
 * Makes a host from OPTS (strings are copied).  Fails with VIFS_EINVAL for
 * a base URL that is not http(s)://host[:port] or a malformed thumbprint.
 * Free with vifs_http_free().
 */
VIFS_EXTERN int vifs_http_new(vifs_http **out,
    const struct vifs_http_opts *opts);
VIFS_EXTERN void vifs_http_free(vifs_http *h);

/* "host:port" of H (port 443 or 80 filled in); borrowed. */
VIFS_EXTERN const char *vifs_http_hostport(const vifs_http *h);

/*
 * GET URL_PATH into a new buffer *out of *out_len bytes (NUL-terminated;
 * free with free()).  Fails with VIFS_ETOOBIG past MAX bytes (0: 1 GiB).
 */
VIFS_EXTERN int vifs_http_get_buf(vifs_http *h, const char *url_path,
    char **out, size_t *out_len, size_t max);

/* PUT LEN bytes of DATA to URL_PATH, never retried. */
VIFS_EXTERN int vifs_http_put_buf(vifs_http *h, const char *url_path,
    const void *data, size_t len);

/* DELETE URL_PATH. */
VIFS_EXTERN int vifs_http_delete(vifs_http *h, const char *url_path);

/* HEAD URL_PATH; *size gets Content-Length or -1 when unknown. */
VIFS_EXTERN int vifs_http_head(vifs_http *h, const char *url_path,
    int64_t *size);

/*
 * POSTs LEN bytes of BODY to URL_PATH, with the extra header lines
 * HEADERS ("Name: value" strings up to a NULL; HEADERS may be NULL), and
 * reads the answer's body, whatever its status, into a new buffer *out of
 * *out_len bytes (NUL-terminated; free with free()).  The status is then
 * vifs_http_last_status(): a 4xx or 5xx answer is not an error here, as
 * SOAP faults come with status 500.  Fails only when no answer came
 * (connection, TLS, timeout; the messages of the other requests) or the
 * body is larger than MAX bytes (0: 64 MiB; VIFS_ETOOBIG).  The request
 * carries the cookie but never the Basic credentials, is not redirected
 * and is never retried.
 */
VIFS_EXTERN int vifs_http_post(vifs_http *h, const char *url_path,
    const char *const *headers, const void *body, size_t len, char **out,
    size_t *out_len, size_t max);

/*
 * Value of the cookie NAME that the last response set (its last
 * "Set-Cookie: NAME=value; ..." header), without attributes and as sent
 * (quotes kept), or NULL when it set none.  Borrowed until the next call
 * on H.
 */
VIFS_EXTERN const char *vifs_http_response_cookie(vifs_http *h,
    const char *name);

/* Replaces the "name=value" cookie sent with every request (copied;
 * NULL: none). */
VIFS_EXTERN int vifs_http_set_cookie(vifs_http *h, const char *cookie);

/* Replaces the HTTP Basic credentials (copied; NULL user: send none). */
VIFS_EXTERN int vifs_http_set_credentials(vifs_http *h, const char *username,
    const char *password);

/* Status code of the last response, 0 when there was none. */
VIFS_EXTERN long vifs_http_last_status(const vifs_http *h);

/*
 * Last-Modified of the last response in seconds since the epoch, -1 when
 * it had none (requests ask libcurl for it: CURLOPT_FILETIME).
 */
VIFS_EXTERN long long vifs_http_last_modified(const vifs_http *h);

/* Status line of the last response without its protocol, as LWP's
 * status_line ("404 Not Found"), or "". */
VIFS_EXTERN const char *vifs_http_last_status_line(const vifs_http *h);

/*
 * Thumbprint of the certificate the host presented on the last TLS
 * handshake, upper-case hex with colons; ALG is "sha1", "sha256" or
 * "sha512".  NULL when no certificate was seen.  Borrowed until the next
 * request.
 */
VIFS_EXTERN const char *vifs_http_peer_thumbprint(const vifs_http *h,
    const char *alg);

/* Initialises libcurl once for the process; call before threads exist.
 * vifs_http_new() calls it too. */
VIFS_EXTERN int vifs_http_global_init(void);

#endif
