/*
 * http.c - HTTPS transfers to one host's file service, on libcurl.
 *
 * One easy handle per host, reset and set up again for each request, so
 * the connection and the TLS session are reused.  Certificate trust runs
 * in an OpenSSL verify callback installed through CURLOPT_SSL_CTX_FUNCTION:
 * it records the leaf certificate's thumbprints for messages, then either
 * compares the leaf with a pinned thumbprint or runs the normal chain
 * verification.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/trust.h>

#include "http_int.h"
#include "internal.h"

#define DEFAULT_CONNECT_MS 15000L
#define DEFAULT_LOW_SPEED_S 60L
#define DEFAULT_RETRY_MS 500L
#define ERRBODY_MAX 512
/* An error body is read this far at most, then the transfer is cut: a
 * host cannot keep vifs reading (or retrying) gigabytes of it. */
#define ERRBODY_READ_MAX ((size_t)64 << 10)
#define POST_MAX ((size_t)64 << 20)

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
static long long
deadline_left(const vifs_http *h)
{
	long long left;

	if (h->deadline_at == 0)
		return -1;
	left = h->deadline_at - mono_ms();
	return left > 0 ? left : 0;
}

static int
deadline_passed(const vifs_http *h, const char *url_path)
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

/* --- TLS ---------------------------------------------------------- */

/* Formats the ALG thumbprint of a DER certificate into BUF, or "". */
static void
record(char *buf, size_t size, enum vifs_thumbprint_alg alg,
    const unsigned char *der, size_t len)
{
	struct vifs_thumbprint tp;

	buf[0] = '\0';
	if (vifs_thumbprint_from_der(&tp, alg, der, len) == 0)
		vifs_thumbprint_format(buf, size, &tp);
}

static int
verify_cb(X509_STORE_CTX *ctx, void *arg)
{
	vifs_http *h = arg;
	X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
	unsigned char *der = NULL;
	int der_len, ok;

	if (leaf == NULL) {
		h->tls_refused = 1;
		return 0;
	}
	der_len = i2d_X509(leaf, &der);
	if (der_len > 0) {
		record(h->peer_sha1, sizeof(h->peer_sha1), VIFS_THUMBPRINT_SHA1,
		    der, (size_t)der_len);
		record(h->peer_sha256, sizeof(h->peer_sha256),
		    VIFS_THUMBPRINT_SHA256, der, (size_t)der_len);
		record(h->peer_sha512, sizeof(h->peer_sha512),
		    VIFS_THUMBPRINT_SHA512, der, (size_t)der_len);
	}
	if (h->insecure) {
		ok = 1; /* --insecure: thumbprints recorded only */
	} else if (h->pinned) {
		struct vifs_thumbprint got;

		ok = der_len > 0 &&
		    vifs_thumbprint_from_der(&got, h->pin.alg, der,
		        (size_t)der_len) == 0 &&
		    vifs_thumbprint_equal(&got, &h->pin);
		if (!ok) {
			h->pin_mismatch = 1;
			X509_STORE_CTX_set_error(ctx,
			    X509_V_ERR_CERT_SIGNATURE_FAILURE);
		} else if (h->cacert_file != NULL &&
		    !(ok = X509_verify_cert(ctx) == 1)) {
			/* A CA file given too: the chain must verify as
			 * well; the pin does not replace it. */
			snprintf(h->tls_why, sizeof(h->tls_why), "%s",
			    X509_verify_cert_error_string(
			        X509_STORE_CTX_get_error(ctx)));
		}
	} else {
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(h->tls_why, sizeof(h->tls_why), "%s",
			    X509_verify_cert_error_string(
			        X509_STORE_CTX_get_error(ctx)));
	}
	OPENSSL_free(der);
	if (!ok)
		h->tls_refused = 1;
	return ok;
}

static CURLcode
ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *arg)
{
	vifs_http *h = arg;

	(void)curl;
	SSL_CTX_set_cert_verify_callback((SSL_CTX *)ssl_ctx, verify_cb, arg);
	/* A pin is checked here alone: libcurl was told not to verify, so
	 * it loads no CA store, and a refusal must still end the
	 * handshake. */
	if (h->pinned && !h->insecure)
		SSL_CTX_set_verify((SSL_CTX *)ssl_ctx, SSL_VERIFY_PEER, NULL);
	return CURLE_OK;
}

/* --- callbacks ---------------------------------------------------- */

/*
 * Appends the standard reason phrase to a status line of a code alone
 * ("404", as HTTP/2 has it), as LWP's status_line does.
 */
static void
add_reason(char *line, size_t size)
{
	static const struct {
		const char *code, *reason;
	} reasons[] = {
		{ "200", "OK" },
		{ "201", "Created" },
		{ "204", "No Content" },
		{ "301", "Moved Permanently" },
		{ "302", "Found" },
		{ "400", "Bad Request" },
		{ "401", "Unauthorized" },
		{ "403", "Forbidden" },
		{ "404", "Not Found" },
		{ "405", "Method Not Allowed" },
		{ "409", "Conflict" },
		{ "500", "Internal Server Error" },
		{ "502", "Bad Gateway" },
		{ "503", "Service Unavailable" },
		{ "504", "Gateway Timeout" },
	};

	if (strlen(line) != 3)
		return;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(line, reasons[i].code) == 0) {
			snprintf(line + 3, size - 3, " %s", reasons[i].reason);
			return;
		}
}

static size_t
header_cb(char *data, size_t size, size_t n, void *arg)
{
	vifs_http *h = arg;
	size_t len = size * n;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		size_t l = len;

		while (l > 0 && (data[l - 1] == '\r' || data[l - 1] == '\n'))
			l--;
		if (l >= sizeof(h->status_line))
			l = sizeof(h->status_line) - 1;
		/* "404 Not Found", as LWP's status_line: no protocol. */
		while (l > 0 && *data != ' ') {
			data++;
			l--;
		}
		while (l > 0 && *data == ' ') {
			data++;
			l--;
		}
		memcpy(h->status_line, data, l);
		h->status_line[l] = '\0';
		add_reason(h->status_line, sizeof(h->status_line));
		/* It goes into messages: no escape sequences, no 8-bit
		 * (C1) controls; a status line is ASCII. */
		for (char *q = h->status_line; *q; q++)
			if ((unsigned char)*q < 0x20 ||
			    (unsigned char)*q >= 0x7f)
				*q = '?';
		h->errbody_len = 0;
		h->errbody_read = 0;
	} else if (len > 11 && strncasecmp(data, "set-cookie:", 11) == 0) {
		const char *v = data + 11;
		size_t l = len - 11;

		while (l > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			l--;
		}
		while (l > 0 && (v[l - 1] == '\r' || v[l - 1] == '\n'))
			l--;
		/* One a line: a value with a line break is dropped. */
		if (memchr(v, '\n', l) == NULL && memchr(v, '\r', l) == NULL &&
		    (vifs_buf_add(&h->set_cookies, v, l) < 0 ||
		        vifs_buf_putc(&h->set_cookies, '\n') < 0))
			return 0;
	}
	return len;
}

static int
is_success(long status)
{
	return status >= 200 && status < 300;
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	vifs_http *h = s->h;
	size_t len = size * n;
	long status = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (!is_success(status) && !s->any_status) {
		/* Keep the start of an error body for the message. */
		size_t room = ERRBODY_MAX - h->errbody_len;

		if (len < room)
			room = len;
		memcpy(h->errbody + h->errbody_len, data, room);
		h->errbody_len += room;
		h->errbody[h->errbody_len] = '\0';
		h->errbody_read += len;
		if (h->errbody_read > ERRBODY_READ_MAX) {
			h->errbody_cut = 1;
			return 0;
		}
		return len;
	}
	s->received += len;
	if (s->buf != NULL) {
		if (s->buf->len + len > s->max) {
			s->too_big = 1;
			return 0;
		}
		if (vifs_buf_add(s->buf, data, len) < 0) {
			s->write_failed = 1;
			s->write_errno = ENOMEM;
			return 0;
		}
		return len;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(s->fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			s->write_failed = 1;
			s->write_errno = errno;
			return 0;
		}
		off += (size_t)w;
	}
	return len;
}

static size_t
read_cb(char *data, size_t size, size_t n, void *arg)
{
	struct source *src = arg;
	size_t len = size * n;

	if (src->fd < 0) {
		if (len > src->len - src->off)
			len = src->len - src->off;
		memcpy(data, src->data + src->off, len);
		src->off += len;
		return len;
	}
	for (;;) {
		ssize_t r = read(src->fd, data, len);

		if (r >= 0)
			return (size_t)r;
		if (errno != EINTR)
			return CURL_READFUNC_ABORT;
	}
}

/* Rewinds the request body when a redirect or an authentication
 * round sends it again. */
static int
seek_cb(void *arg, curl_off_t offset, int origin)
{
	struct source *src = arg;

	if (origin != SEEK_SET || offset < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	if (src->fd < 0) {
		if ((uint64_t)offset > src->len)
			return CURL_SEEKFUNC_FAIL;
		src->off = (size_t)offset;
		return CURL_SEEKFUNC_OK;
	}
	if (lseek(src->fd, (off_t)offset, SEEK_SET) < 0)
		return CURL_SEEKFUNC_FAIL;
	return CURL_SEEKFUNC_OK;
}

static int
xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	vifs_http *h = arg;

	if (h->progress == NULL)
		return 0;
	if (ultotal > 0 || ulnow > 0)
		return h->progress(h->progress_payload, (uint64_t)ulnow,
		    (uint64_t)ultotal);
	return h->progress(h->progress_payload, (uint64_t)dlnow,
	    (uint64_t)dltotal);
}

/* Emits one trace line, with credentials masked. */
static void
trace_line(vifs_http *h, char dir, const char *p, size_t len)
{
	static const char *const secret[] = { "authorization:", "cookie:",
		"set-cookie:", "proxy-authorization:" };
	struct vifs_buf b = VIFS_BUF_INIT;

	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	if (vifs_buf_printf(&b, "%c ", dir) < 0)
		return;
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		size_t sl = strlen(secret[i]);

		if (len >= sl && strncasecmp(p, secret[i], sl) == 0) {
			vifs_buf_add(&b, p, sl);
			vifs_buf_puts(&b, " (hidden)");
			goto emit;
		}
	}
	vifs_buf_add(&b, p, len);
emit:
	if (b.data != NULL)
		h->trace(h->trace_payload, b.data);
	vifs_buf_free(&b);
}

static int
debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	vifs_http *h = arg;
	char dir;

	(void)curl;
	switch (type) {
	case CURLINFO_TEXT:
		dir = '*';
		break;
	case CURLINFO_HEADER_IN:
		dir = '<';
		break;
	case CURLINFO_HEADER_OUT:
		dir = '>';
		break;
	default:
		return 0; /* bodies are never traced */
	}
	while (size > 0) {
		const char *nl = memchr(data, '\n', size);
		size_t l = nl ? (size_t)(nl - data) + 1 : size;

		if (l > 1 || (l == 1 && *data != '\n'))
			trace_line(h, dir, data, l);
		data += l;
		size -= l;
	}
	return 0;
}

/* --- requests ----------------------------------------------------- */

static const char *
method_name(enum method m)
{
	switch (m) {
	case M_GET:
		return "GET";
	case M_PUT:
		return "PUT";
	case M_DELETE:
		return "DELETE";
	case M_HEAD:
		return "HEAD";
	case M_POST:
		return "POST";
	}
	return "?";
}

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
		long long left = deadline_left(h);

		if (left == 0)
			return deadline_passed(h, url_path);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
	}
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
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
		 * needed: ssl_ctx_cb() makes the pin decide, with the chain
		 * to a CA file when one is given as well. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER,
		    h->pinned && h->cacert_file == NULL ? 0L : 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST,
		    h->pinned && h->cacert_file == NULL ? 0L : 2L);
		if (h->cacert_file != NULL)
			curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert_file);
	}
	/* Our callback also records the thumbprints when insecure. */
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, h);
	if (h->progress != NULL) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	}
	if (h->trace != NULL) {
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
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
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, src);
		curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, seek_cb);
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

/*
 * A short text from the error body for messages: the first line of a plain
 * body, or the <title> of an HTML page when the status line does not say
 * the same already; "" when there is nothing useful.  Control characters
 * become '?', so a server cannot send escape sequences to a terminal.
 */
static const char *
errbody_line(vifs_http *h)
{
	char *p = h->errbody, *end;
	size_t n;

	while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	if (*p == '<') {
		char *t = strstr(p, "<title>");

		if (t == NULL)
			t = strstr(p, "<TITLE>");
		if (t == NULL)
			return "";
		p = t + 7;
		if ((end = strchr(p, '<')) != NULL)
			*end = '\0';
	}
	n = strcspn(p, "\r\n");
	p[n] = '\0';
	for (char *q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	if (*p == '\0' || strstr(h->status_line, p) != NULL)
		return "";
	return p;
}

static const char *
privilege_for(const char *url_path)
{
	if (strncmp(url_path, "/host", 5) == 0)
		return "Host.Config.AdvancedConfig";
	if (strncmp(url_path, "/tmp", 4) == 0)
		return "Host.Config.SystemManagement";
	return "Datastore.Browse and Datastore.FileManagement";
}

/* Turns the outcome of a request into an error code and message. */
static int
outcome(vifs_http *h, enum method m, const char *url_path, CURLcode rc)
{
	const char *meth = method_name(m);

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->status);
	/* An error body cut short: the status is the news. */
	if (rc == CURLE_WRITE_ERROR && h->errbody_cut)
		rc = CURLE_OK;
	if (rc != CURLE_OK) {
		const char *why = *h->curl_error ? h->curl_error :
		                                   curl_easy_strerror(rc);

		if (h->tls_refused || rc == CURLE_PEER_FAILED_VERIFICATION) {
			if (h->pin_mismatch)
				return vifs_error_set(VIFS_ETLS,
				    "%s: "
				    "certificate does not match the pinned "
				    "thumbprint (%s); host SHA-256 "
				    "thumbprint %s, SHA-1 %s; if the host's "
				    "certificate was replaced on purpose: "
				    "vifs trust %s",
				    h->hostport, h->pin_source, h->peer_sha256,
				    h->peer_sha1, h->hostport);
			return vifs_error_set(VIFS_ETLS,
			    "%s: certificate "
			    "not trusted (%s); host SHA-256 thumbprint %s, "
			    "SHA-1 %s; to trust it: vifs trust %s (or "
			    "--thumbprint %s)",
			    h->hostport, *h->tls_why ? h->tls_why : why,
			    *h->peer_sha256 ? h->peer_sha256 : "unknown",
			    *h->peer_sha1 ? h->peer_sha1 : "unknown",
			    h->hostport,
			    *h->peer_sha256 ? h->peer_sha256 : "...");
		}
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			if (deadline_left(h) == 0)
				return deadline_passed(h, url_path);
			return vifs_error_set(VIFS_ETIMEOUT,
			    "%s: %s %s: "
			    "timed out (%s)",
			    h->hostport, meth, url_path, why);
		case CURLE_ABORTED_BY_CALLBACK:
			return vifs_error_set(VIFS_ERROR,
			    "%s: %s %s: "
			    "aborted",
			    h->hostport, meth, url_path);
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			return vifs_error_set(VIFS_ETLS, "%s: TLS: %s",
			    h->hostport, why);
		case CURLE_COULDNT_CONNECT: {
			long oserr = 0;

			curl_easy_getinfo(h->curl, CURLINFO_OS_ERRNO, &oserr);
			if (oserr != 0)
				return vifs_error_set(VIFS_ENET,
				    "%s: cannot "
				    "connect: %s",
				    h->hostport, strerror((int)oserr));
			return vifs_error_set(VIFS_ENET,
			    "%s: cannot connect: %s", h->hostport, why);
		}
		case CURLE_COULDNT_RESOLVE_HOST:
			return vifs_error_set(VIFS_ENET,
			    "%s: unknown host "
			    "(%s)",
			    h->hostport, why);
		default:
			return vifs_error_set(VIFS_ENET, "%s: %s %s: %s",
			    h->hostport, meth, url_path, why);
		}
	}
	/* A POST's answer is the caller's to judge, whatever its status. */
	if (is_success(h->status) || m == M_POST)
		return VIFS_OK;
	switch (h->status) {
	case 401:
		return vifs_error_set(VIFS_EAUTH,
		    "authentication failed for "
		    "%s@%s",
		    h->username ? h->username : "(no user)", h->hostport);
	case 403:
		return vifs_error_set(VIFS_EPERM,
		    "%s: permission denied for "
		    "%s %s: the user needs the privilege %s",
		    h->hostport, meth, url_path, privilege_for(url_path));
	case 404:
		if (m == M_PUT && strncmp(url_path, "/host", 5) == 0)
			return vifs_error_set(VIFS_ENOTFOUND,
			    "%s: PUT %s: no such file; files in /host can be "
			    "replaced but not created",
			    h->hostport, url_path);
		if (m == M_PUT)
			return vifs_error_set(VIFS_ENOTFOUND,
			    "%s: PUT %s: not found (no such datastore, "
			    "datacenter or directory)",
			    h->hostport, url_path);
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no such file: %s",
		    h->hostport, url_path);
	case 405:
		if (m == M_DELETE)
			return vifs_error_set(VIFS_EUNSUPPORTED,
			    "%s: DELETE %s: "
			    "%s (the file service deletes files only; a "
			    "directory is deleted through the VIM API)",
			    h->hostport, url_path,
			    *h->status_line ? h->status_line : "405");
		/* FALLTHROUGH */
	default: {
		const char *body = errbody_line(h);

		return vifs_error_set(VIFS_EHTTP, "%s: %s %s: %s%s%s",
		    h->hostport, meth, url_path,
		    *h->status_line ? h->status_line : "no status line",
		    *body ? ": " : "", body);
	}
	}
}

int
http_req_retryable(vifs_http *h, CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return !h->tls_refused;
	case CURLE_OK:
		return h->status == 502 || h->status == 503 || h->status == 504;
	default:
		return 0;
	}
}

int
http_req_end(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, CURLcode rc)
{
	curl_off_t filetime = -1;

	if (curl_easy_getinfo(h->curl, CURLINFO_FILETIME_T, &filetime) ==
	        CURLE_OK &&
	    filetime >= 0)
		h->last_modified = (long long)filetime;
	if (sink->too_big)
		return vifs_error_set(VIFS_ETOOBIG,
		    "%s: %s is larger "
		    "than %zu bytes",
		    h->hostport, url_path, sink->max);
	if (sink->write_failed)
		return vifs_error_set(VIFS_EIO,
		    "writing the body of "
		    "%s: %s",
		    url_path, strerror(sink->write_errno));
	return outcome(h, m, url_path, rc);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Sends the body of SRC from its start again, before a retry. */
static int
rewind_source(struct source *src)
{
	if (src->fd < 0) {
		src->off = 0;
		return VIFS_OK;
	}
	if (lseek(src->fd, 0, SEEK_SET) != 0)
		return vifs_error_set(VIFS_EIO, "rewinding an upload: %s",
		    strerror(errno));
	return VIFS_OK;
}

/*
 * Runs one request; GET and HEAD are retried, and so is a PUT whose body
 * can be sent again from its start (SRC->rewindable): a PUT replaces the
 * whole file, so sending it twice leaves what sending it once does.
 * REWIND is called before a retry to empty the sink.
 */
static int
perform(vifs_http *h, enum method m, const char *url_path, struct sink *sink,
    struct source *src, int (*rewind)(struct sink *))
{
	unsigned attempts = m == M_GET || m == M_HEAD ||
	        (m == M_PUT && src != NULL && src->rewindable) ?
	    h->get_retries + 1 :
	    1;
	long backoff = h->retry_base_ms;
	char first[256] = "";
	unsigned i;
	int error = 0;

	for (i = 0; i < attempts; i++) {
		struct curl_slist *headers = NULL;
		CURLcode rc;

		if (i > 0) {
			if (h->trace != NULL) {
				char line[128];

				snprintf(line, sizeof(line),
				    "* retrying in "
				    "%ld ms (attempt %u of %u)",
				    backoff, i + 1, attempts);
				h->trace(h->trace_payload, line);
			}
			sleep_ms(backoff);
			backoff *= 2;
			if (rewind != NULL && (error = rewind(sink)) < 0)
				return error;
			if (m == M_PUT && (error = rewind_source(src)) < 0)
				return error;
		}
		if ((error = http_req_setup(h, m, url_path, sink, src,
		         &headers)) < 0) {
			curl_slist_free_all(headers);
			return error;
		}
		sink->received = 0;
		rc = curl_easy_perform(h->curl);
		curl_slist_free_all(headers);
		if (sink->too_big || sink->write_failed)
			return http_req_end(h, m, url_path, sink, rc);
		error = http_req_end(h, m, url_path, sink, rc);
		if (error == 0 || !http_req_retryable(h, rc) ||
		    deadline_left(h) == 0)
			break;
		/* Bytes already written where they cannot be taken back
		 * (standard output) rule out a retry. */
		if (rewind == NULL && sink->received > 0)
			break;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", vifs_error_last());
	}
	/* When retries failed differently, the first failure is the news
	 * ("transfer closed" before "connection refused"). */
	if (error < 0 && i > 0 && *first != '\0' &&
	    strcmp(first, vifs_error_last()) != 0) {
		char last[512];

		snprintf(last, sizeof(last), "%s", vifs_error_last());
		error = vifs_error_set(error,
		    "%s (after %u attempts; the "
		    "first: %s)",
		    last, i < attempts ? i + 1 : attempts, first);
	}
	return error;
}

static int
rewind_buf(struct sink *s)
{
	s->buf->len = 0;
	return VIFS_OK;
}

int
vifs_http_get_buf(vifs_http *h, const char *url_path, char **out,
    size_t *out_len, size_t max)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct sink s = { h, -1, &b, max ? max : (size_t)1 << 30, 0, 0, 0, 0,
		0 };
	int error;

	*out = NULL;
	*out_len = 0;
	error = perform(h, M_GET, url_path, &s, NULL, rewind_buf);
	if (error == 0) {
		*out = vifs_buf_detach(&b, out_len);
		if (*out == NULL)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	vifs_buf_free(&b);
	return error;
}

static int
rewind_fd(struct sink *s)
{
	if (lseek(s->fd, 0, SEEK_SET) != 0 || ftruncate(s->fd, 0) != 0)
		return vifs_error_set(VIFS_EIO, "rewinding a download: %s",
		    strerror(errno));
	return VIFS_OK;
}

int
http_sink_rewind(struct sink *s)
{
	if (s->buf != NULL)
		return rewind_buf(s);
	if (s->fd >= 0)
		return rewind_fd(s);
	return VIFS_OK;
}

int
http_tmp_open(struct vifs_buf *tmp, int *fd, const char *local_path)
{
	int error;

	*fd = -1;
	tmp->len = 0;
	if ((error = vifs_buf_printf(tmp, "%s.vifs-part-XXXXXX", local_path)) <
	    0)
		return error;
	if ((*fd = mkstemp(tmp->data)) < 0)
		return vifs_error_set(VIFS_EIO,
		    "%s: cannot create a "
		    "temporary file beside it: %s",
		    local_path, strerror(errno));
	/* 0600 whatever the umask: a host's files (esx.conf, a
	 * configuration bundle) can hold secrets; share them on purpose. */
	if (fchmod(*fd, 0600) != 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp->data,
		    strerror(errno));
		close(*fd);
		*fd = -1;
		unlink(tmp->data);
		return error;
	}
	return VIFS_OK;
}

int
http_tmp_commit(vifs_http *h, const char *url_path, struct sink *sink,
    const char *tmp, const char *local_path, int sync)
{
	curl_off_t expected = -1;
	int error = 0;

	curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
	    &expected);
	if (expected >= 0 && (uint64_t)expected != sink->received) {
		error = vifs_error_set(VIFS_ENET,
		    "%s: %s: received %llu of "
		    "%lld bytes",
		    h->hostport, url_path, (unsigned long long)sink->received,
		    (long long)expected);
		goto done;
	}
	if ((sync && fsync(sink->fd) != 0) || close(sink->fd) != 0) {
		sink->fd = -1;
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp,
		    strerror(errno));
		goto done;
	}
	sink->fd = -1;
	if (rename(tmp, local_path) != 0)
		error = vifs_error_set(VIFS_EIO, "%s: %s", local_path,
		    strerror(errno));
done:
	if (sink->fd >= 0)
		close(sink->fd);
	sink->fd = -1;
	if (error < 0)
		unlink(tmp);
	return error;
}

int
vifs_http_get_file(vifs_http *h, const char *url_path, const char *local_path)
{
	struct sink s = { h, -1, NULL, 0, 0, 0, 0, 0, 0 };
	struct vifs_buf tmp = VIFS_BUF_INIT;
	int error;

	if (strcmp(local_path, "-") == 0) {
		s.fd = STDOUT_FILENO;
		return perform(h, M_GET, url_path, &s, NULL, NULL);
	}
	if ((error = http_tmp_open(&tmp, &s.fd, local_path)) < 0)
		goto done;
	if ((error = perform(h, M_GET, url_path, &s, NULL, rewind_fd)) < 0)
		goto done;
	error = http_tmp_commit(h, url_path, &s, tmp.data, local_path, 1);
done:
	if (s.fd >= 0) {
		close(s.fd);
		unlink(tmp.data);
	}
	vifs_buf_free(&tmp);
	return error;
}

int
vifs_http_put_buf(vifs_http *h, const char *url_path, const void *data,
    size_t len)
{
	struct sink s = { h, -1, NULL, 0, 0, 0, 0, 0, 0 };
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct source src = { -1, data, len, 0, NULL, 0 };
	int error;

	s.buf = &discard;
	s.max = (size_t)1 << 20;
	error = perform(h, M_PUT, url_path, &s, &src, NULL);
	vifs_buf_free(&discard);
	return error;
}

/* PUT of the regular file open on FD (NAME in messages), retried. */
static int
put_fd(vifs_http *h, const char *url_path, int fd, const char *name)
{
	struct sink s = { h, -1, NULL, 0, 0, 0, 0, 0, 0 };
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct source src = { fd, NULL, 0, 0, NULL, 1 };
	struct stat st;
	int error;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return vifs_error_set(VIFS_EIO, "%s: not a regular file", name);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return vifs_error_set(VIFS_EIO, "%s: %s", name,
		    strerror(errno));
	src.len = (size_t)st.st_size;
	s.buf = &discard;
	s.max = (size_t)1 << 20;
	error = perform(h, M_PUT, url_path, &s, &src, rewind_buf);
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_put_file(vifs_http *h, const char *url_path, const char *local_path)
{
	int fd, error;

	if ((fd = open(local_path, O_RDONLY | O_CLOEXEC)) < 0)
		return vifs_error_set(errno == ENOENT ? VIFS_ENOTFOUND :
		                                        VIFS_EIO,
		    "%s: %s", local_path, strerror(errno));
	error = put_fd(h, url_path, fd, local_path);
	close(fd);
	return error;
}

int
vifs_http_put_fd(vifs_http *h, const char *url_path, int fd, const char *name)
{
	return put_fd(h, url_path, fd, name ? name : "upload");
}

int
vifs_http_delete(vifs_http *h, const char *url_path)
{
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct sink s = { h, -1, &discard, (size_t)1 << 20, 0, 0, 0, 0, 0 };
	int error;

	error = perform(h, M_DELETE, url_path, &s, NULL, NULL);
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_head(vifs_http *h, const char *url_path, int64_t *size)
{
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct sink s = { h, -1, &discard, (size_t)1 << 20, 0, 0, 0, 0, 0 };
	curl_off_t len = -1;
	int error;

	*size = -1;
	error = perform(h, M_HEAD, url_path, &s, NULL, rewind_buf);
	if (error == 0) {
		curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
		    &len);
		*size = len;
	}
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_post(vifs_http *h, const char *url_path, const char *const *headers,
    const void *body, size_t len, char **out, size_t *out_len, size_t max)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct sink s = { h, -1, &b, max ? max : POST_MAX, 0, 0, 0, 0, 1 };
	struct source src = { -1, body, len, 0, headers, 0 };
	int error;

	*out = NULL;
	*out_len = 0;
	error = perform(h, M_POST, url_path, &s, &src, NULL);
	if (error == 0) {
		*out = vifs_buf_detach(&b, out_len);
		if (*out == NULL)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	vifs_buf_free(&b);
	return error;
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
