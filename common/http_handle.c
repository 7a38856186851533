/*
 * http_handle.c - a host's handle: the base URL, credentials, trust
 * settings (a pinned thumbprint from --thumbprint or the known-hosts
 * file), limits and deadline it was made with, and what the last request
 * left on it (status, Last-Modified, cookies, the peer's thumbprints).
 *
 * One easy handle per host, reset and set up again for each request
 * (http_request.c), so the connection and the TLS session are reused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/trust.h>

#include "http_int.h"
#include "internal.h"

#define DEFAULT_CONNECT_MS 15000L
#define DEFAULT_LOW_SPEED_S 60L
#define DEFAULT_RETRY_MS 500L

int
vifs_http_global_init(void)
{
	static int done;
	const curl_version_info_data *v;

	if (done)
		return VIFS_OK;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vifs_error_set(VIFS_ERROR, "libcurl failed to start");
	v = curl_version_info(CURLVERSION_NOW);
	if (v->ssl_version == NULL || strncmp(v->ssl_version, "OpenSSL", 7))
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "libcurl is built "
		    "with %s; vifs needs its OpenSSL flavour for certificate "
		    "pinning",
		    v->ssl_version ? v->ssl_version : "no TLS");
	done = 1;
	return VIFS_OK;
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return VIFS_OK;
	if ((*dst = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

/* Splits "scheme://host[:port]" into host and "host:port". */
static int
split_base(vifs_http *h, const char *url)
{
	const char *p, *end, *colon;
	long port = 443;
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
		port = 80;
	} else
		return vifs_error_set(VIFS_EINVAL, "%s: not an http(s) URL",
		    url);
	end = p + strcspn(p, "/?#");
	if (*end != '\0' && strcmp(end, "/") != 0)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: a base URL has no "
		    "path",
		    url);
	if (*p == '[') { /* IPv6 literal */
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (rb == NULL)
			return vifs_error_set(VIFS_EINVAL, "%s: bad host", url);
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else
		colon = memchr(p, ':', (size_t)(end - p));
	if (colon != NULL) {
		char *e;

		errno = 0;
		port = strtol(colon + 1, &e, 10);
		if (e != end || port < 1 || port > 65535 || errno)
			return vifs_error_set(VIFS_EINVAL, "%s: bad port", url);
	} else
		colon = end;
	if (colon == p)
		return vifs_error_set(VIFS_EINVAL, "%s: no host", url);
	if ((h->host = vifs_strndup(p, (size_t)(colon - p))) == NULL)
		return VIFS_ENOMEM;
	if ((error = vifs_buf_printf(&b, "%s:%ld", h->host, port)) < 0)
		return error;
	h->hostport = vifs_buf_detach(&b, NULL);
	return (h->base_url = vifs_strndup(url, (size_t)(end - url))) ?
	    VIFS_OK :
	    VIFS_ENOMEM;
}

/* Pins the thumbprint the known-hosts file PATH (or KH when it was read
 * already) has for this host, if any; "host:port" is looked up first,
 * then the bare host for port 443. */
static int
pin_from_known_hosts(vifs_http *h, const char *path, const vifs_known_hosts *kh)
{
	vifs_known_hosts *own = NULL;
	const char *tp = NULL;
	int error;

	if (kh == NULL) {
		if ((error = vifs_known_hosts_new(&own)) < 0)
			return error;
		if ((error = vifs_known_hosts_load(own, path)) < 0)
			goto done;
		kh = own;
	}
	if ((error = vifs_known_hosts_lookup(&tp, kh, h->hostport)) < 0)
		goto done;
	if (tp == NULL)
		goto done;
	if ((error = vifs_thumbprint_parse(&h->pin, tp)) < 0) {
		error = vifs_error_wrap(error, "%s: the entry for %s", path,
		    h->hostport);
		goto done;
	}
	h->pinned = 1;
	snprintf(h->pin_source, sizeof(h->pin_source), "known_hosts");
done:
	vifs_known_hosts_free(own);
	return error;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before the handle's deadline; -1 without one. */
long long
http_deadline_left(const vifs_http *h)
{
	long long left;

	if (h->deadline_at == 0)
		return -1;
	left = h->deadline_at - mono_ms();
	return left > 0 ? left : 0;
}

/* libcurl's timers count whole milliseconds and may fire a little early
 * (a multi handle's poll rounds its timeout): a request that timed out
 * this close to the deadline ran into it. */
#define DEADLINE_SLACK_MS 10

int
http_deadline_reached(const vifs_http *h)
{
	return h->deadline_at != 0 &&
	    http_deadline_left(h) <= DEADLINE_SLACK_MS;
}

int
http_deadline_passed(const vifs_http *h, const char *url_path)
{
	return vifs_error_set(VIFS_ETIMEOUT,
	    "%s: %s: the command's deadline of %ld s has passed (--deadline)",
	    h->hostport, url_path, h->deadline_ms / 1000);
}

int
vifs_http_new(vifs_http **out, const struct vifs_http_opts *o)
{
	return http_new(out, o, NULL);
}

int
http_new(vifs_http **out, const struct vifs_http_opts *o,
    const vifs_known_hosts *kh)
{
	vifs_http *h = NULL;
	int error;

	*out = NULL;
	if ((error = vifs_http_global_init()) < 0)
		return error;
	if (o == NULL || o->base_url == NULL)
		return vifs_error_set(VIFS_EINVAL, "no base URL");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	h->last_modified = -1;
	if ((error = split_base(h, o->base_url)) < 0 ||
	    (error = dup_opt(&h->username, o->username)) < 0 ||
	    (error = dup_opt(&h->password, o->password)) < 0 ||
	    (error = dup_opt(&h->cookie, o->cookie)) < 0 ||
	    (error = dup_opt(&h->cacert_file, o->cacert_file)) < 0)
		goto fail;
	h->insecure = o->insecure;
	if (o->thumbprint != NULL && *o->thumbprint != '\0') {
		if ((error = vifs_thumbprint_parse(&h->pin, o->thumbprint)) < 0)
			goto fail;
		h->pinned = 1;
		snprintf(h->pin_source, sizeof(h->pin_source), "--thumbprint");
	} else if ((o->known_hosts != NULL || kh != NULL) &&
	    (error = pin_from_known_hosts(h,
	         o->known_hosts ? o->known_hosts : "known_hosts", kh)) < 0)
		goto fail;
	h->connect_timeout_ms = o->connect_timeout_ms > 0 ?
	    o->connect_timeout_ms :
	    DEFAULT_CONNECT_MS;
	h->low_speed_secs = o->low_speed_secs > 0 ? o->low_speed_secs :
	                                            DEFAULT_LOW_SPEED_S;
	if (o->deadline_ms > 0) {
		h->deadline_ms = o->deadline_ms;
		h->deadline_at = mono_ms() + o->deadline_ms;
	}
	h->get_retries = o->get_retries;
	h->retry_base_ms = o->retry_base_ms > 0 ? o->retry_base_ms :
	                                          DEFAULT_RETRY_MS;
	h->trace = o->trace;
	h->trace_payload = o->trace_payload;
	h->progress = o->progress;
	h->progress_payload = o->progress_payload;
	if ((h->curl = curl_easy_init()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "libcurl: no handle");
		goto fail;
	}
	*out = h;
	return VIFS_OK;
fail:
	vifs_http_free(h);
	return error;
}

void
vifs_http_free(vifs_http *h)
{
	if (h == NULL)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->base_url);
	free(h->host);
	free(h->hostport);
	free(h->username);
	if (h->password) {
		OPENSSL_cleanse(h->password, strlen(h->password));
		free(h->password);
	}
	free(h->cookie);
	free(h->cacert_file);
	vifs_buf_free(&h->set_cookies);
	free(h->cookie_value);
	free(h);
}

void
http_retries(const vifs_http *h, unsigned *retries, long *base_ms)
{
	*retries = h->get_retries;
	*base_ms = h->retry_base_ms;
}

CURL *
http_curl(vifs_http *h)
{
	return h->curl;
}

const char *
vifs_http_hostport(const vifs_http *h)
{
	return h->hostport;
}

long
vifs_http_last_status(const vifs_http *h)
{
	return h->status;
}

long long
vifs_http_last_modified(const vifs_http *h)
{
	return h->last_modified;
}

const char *
vifs_http_last_status_line(const vifs_http *h)
{
	return h->status_line;
}

const char *
vifs_http_peer_thumbprint(const vifs_http *h, const char *alg)
{
	const char *t = NULL;

	if (strcmp(alg, "sha1") == 0)
		t = h->peer_sha1;
	else if (strcmp(alg, "sha256") == 0)
		t = h->peer_sha256;
	else if (strcmp(alg, "sha512") == 0)
		t = h->peer_sha512;
	return t != NULL && *t ? t : NULL;
}

const char *
vifs_http_response_cookie(vifs_http *h, const char *name)
{
	size_t nl = strlen(name);
	const char *p = h->set_cookies.data, *found = NULL;
	size_t found_len = 0;

	/* The last Set-Cookie of that name wins, as in a browser. */
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			found = p + nl + 1;
			found_len = strcspn(found, ";\n");
			while (found_len > 0 &&
			    (found[found_len - 1] == ' ' ||
			        found[found_len - 1] == '\t'))
				found_len--;
		}
		p = end ? end + 1 : p + l;
	}
	free(h->cookie_value);
	h->cookie_value = NULL;
	if (found == NULL)
		return NULL;
	h->cookie_value = vifs_strndup(found, found_len);
	return h->cookie_value;
}

int
vifs_http_set_cookie(vifs_http *h, const char *cookie)
{
	char *c = NULL;

	if (cookie != NULL && (c = vifs_strdup(cookie)) == NULL)
		return VIFS_ENOMEM;
	if (h->cookie != NULL)
		OPENSSL_cleanse(h->cookie, strlen(h->cookie));
	free(h->cookie);
	h->cookie = c;
	return VIFS_OK;
}

int
vifs_http_set_credentials(vifs_http *h, const char *username,
    const char *password)
{
	char *u = NULL, *p = NULL;

	if ((username != NULL && (u = vifs_strdup(username)) == NULL) ||
	    (password != NULL && (p = vifs_strdup(password)) == NULL)) {
		free(u);
		return VIFS_ENOMEM;
	}
	free(h->username);
	if (h->password) {
		OPENSSL_cleanse(h->password, strlen(h->password));
		free(h->password);
	}
	h->username = u;
	h->password = p;
	return VIFS_OK;
}
