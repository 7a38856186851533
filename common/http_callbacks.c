/*
 * http_callbacks.c - the libcurl callbacks of a request: the status line
 * and Set-Cookie headers, the response body into its sink (and the start
 * of an error body for messages), the request body from its source,
 * progress, and the trace with credentials masked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http_int.h"
#include "internal.h"

/* An error body is read this far at most, then the transfer is cut: a
 * host cannot keep vifs reading (or retrying) gigabytes of it. */
#define ERRBODY_READ_MAX ((size_t)64 << 10)

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

size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
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

size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	vifs_http *h = s->h;
	size_t len = size * n;
	long status = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (!http_is_success(status) && !s->any_status) {
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

size_t
http_read_cb(char *data, size_t size, size_t n, void *arg)
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
int
http_seek_cb(void *arg, curl_off_t offset, int origin)
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

int
http_xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
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

int
http_debug_cb(CURL *curl, curl_infotype type, char *data, size_t size,
    void *arg)
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
