/*
 * http_request.c - sets one request up on a host's easy handle: the URL,
 * limits and deadline, credentials and session cookie, TLS trust, the
 * callbacks and what the method needs.
 */
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <vifs/error.h>
#include <vifs/http.h>

#include "http_int.h"
#include "internal.h"

/* Appends LINE to *HEADERS, which stays the caller's to free. */
static int
add_header(struct curl_slist **headers, const char *line)
{
	struct curl_slist *l = curl_slist_append(*headers, line);

	if (l == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*headers = l;
	return VIFS_OK;
}

int
http_req_setup(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, struct source *src, struct curl_slist **headers)
{
	CURL *c = h->curl;
	struct vifs_buf url = VIFS_BUF_INIT;
	int error;

	curl_easy_reset(c);
	h->status = 0;
	h->last_modified = -1;
	h->status_line[0] = '\0';
	h->errbody_len = 0;
	h->errbody[0] = '\0';
	h->errbody_read = 0;
	h->errbody_cut = 0;
	h->curl_error[0] = '\0';
	h->tls_refused = h->pin_mismatch = 0;
	h->tls_why[0] = '\0';
	h->set_cookies.len = 0;
	if (h->set_cookies.data != NULL)
		h->set_cookies.data[0] = '\0';
	if ((error = vifs_buf_printf(&url, "%s%s%s", h->base_url,
	         *url_path == '/' ? "" : "/", url_path)) < 0)
		return error;
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_FILETIME, 1L);
	vifs_buf_free(&url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->curl_error);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vifs/" VIFS_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Some servers (govmomi's simulator) redirect "/folder?..." to
	 * "/folder/?...".  Credentials go only to the first host, scheme
	 * and port (libcurl's default), and never from https to http.
	 * A POST is not redirected: its answer is the service's or none. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, m == M_POST ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
	    strncmp(h->base_url, "https:", 6) == 0 ? "https" : "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, h->low_speed_secs);
	/* The whole command, not only a stall, is bounded. */
	if (h->deadline_at != 0) {
		long long left = http_deadline_left(h);

		if (left == 0)
			return http_deadline_passed(h, url_path);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
	}
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
	/* A POST (SOAP) carries its own credentials in its body. */
	if (h->username != NULL && m != M_POST) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, h->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    h->password ? h->password : "");
	}
	/* The session goes as a header of our own, not CURLOPT_COOKIE:
	 * libcurl resends CURLOPT_COOKIE to wherever a redirect points,
	 * but keeps a custom Cookie header for the first host and port. */
	if (h->cookie != NULL) {
		struct vifs_buf line = VIFS_BUF_INIT;

		error = vifs_buf_printf(&line, "Cookie: %s", h->cookie);
		if (error == 0)
			error = add_header(headers, line.data);
		if (line.data != NULL)
			OPENSSL_cleanse(line.data, line.len);
		vifs_buf_free(&line);
		if (error < 0)
			return error;
	}
	if (h->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		/* A pinned certificate is the identity; its names are not
		 * checked against the host (ESXi's default certificates
		 * rarely carry the name the admin uses), and no CA store is
		 * needed: http_ssl_ctx_cb() makes the pin decide, with the chain
		 * to a CA file when one is given as well. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER,
		    h->pinned && h->cacert_file == NULL ? 0L : 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST,
		    h->pinned && h->cacert_file == NULL ? 0L : 2L);
		if (h->cacert_file != NULL)
			curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert_file);
	}
	/* Our callback also records the thumbprints when insecure. */
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, http_ssl_ctx_cb);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, h);
	if (h->progress != NULL) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, http_xferinfo_cb);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	}
	if (h->trace != NULL) {
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, http_debug_cb);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
	}
	switch (m) {
	case M_GET:
		break;
	case M_HEAD:
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		break;
	case M_DELETE:
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
		break;
	case M_PUT:
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, http_read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, src);
		curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, http_seek_cb);
		curl_easy_setopt(c, CURLOPT_SEEKDATA, src);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)src->len);
		if ((error = add_header(headers,
		         "Content-Type: application/octet-stream")) < 0)
			return error;
		break;
	case M_POST:
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, src->data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)src->len);
		/* No "Expect: 100-continue" round trip before the body. */
		if ((error = add_header(headers, "Expect:")) < 0)
			return error;
		for (const char *const *l = src->headers; l && *l; l++)
			if ((error = add_header(headers, *l)) < 0)
				return error;
		break;
	}
	if (*headers != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers);
	return VIFS_OK;
}
