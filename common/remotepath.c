/*
 * remotepath.c - remote paths of the ESXi file service and their URLs
 * (PROTOCOL.md §2; the corrected behaviour of §2.3).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vifs/remotepath.h>
#include <vifs/error.h>

#include "internal.h"

static const char hexdig[] = "0123456789ABCDEF";

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends LEN bytes of S percent-encoded to B. */
static int
encode_into(struct vifs_buf *b, const char *s, size_t len, unsigned flags,
    int amp_twice)
{
	int error;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3];

		if (is_unreserved(c) ||
		    (c == '/' && (flags & VIFS_REMOTEPATH_KEEP_SLASH))) {
			error = vifs_buf_putc(b, (char)c);
		} else if (c == '&' && amp_twice) {
			error = vifs_buf_puts(b, "%2526");
		} else {
			esc[0] = '%';
			esc[1] = hexdig[c >> 4];
			esc[2] = hexdig[c & 15];
			error = vifs_buf_add(b, esc, 3);
		}
		if (error < 0)
			return error;
	}
	return VIFS_OK;
}

int
vifs_remotepath_encode(char **out, const char *s, size_t len, unsigned flags)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = vifs_buf_add(&b, "", 0)) < 0 ||
	    (error = encode_into(&b, s, len, flags, 0)) < 0) {
		vifs_buf_free(&b);
		return error;
	}
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

int
vifs_remotepath_decode(char **out, size_t *out_len, const char *s, size_t len)
{
	char *p;
	size_t n = 0;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((p = malloc(len + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '%') {
			p[n++] = s[i];
			continue;
		}
		if (len - i < 3 || (hi = hexval((unsigned char)s[i + 1])) < 0 ||
		    (lo = hexval((unsigned char)s[i + 2])) < 0) {
			free(p);
			return vifs_error_set(VIFS_EINVAL,
			    "invalid percent-"
			    "escape at offset %zu: '%%' must be followed by "
			    "two hex digits (write %%25 for '%%')",
			    i);
		}
		if (hi == 0 && lo == 0) {
			free(p);
			return vifs_error_set(VIFS_EINVAL,
			    "percent-escape "
			    "%%00 at offset %zu: NUL bytes are not allowed",
			    i);
		}
		p[n++] = (char)(hi << 4 | lo);
		i += 2;
	}
	p[n] = '\0';
	*out = p;
	if (out_len)
		*out_len = n;
	return VIFS_OK;
}

/*
 * Records ERR with "invalid remote path 'TEXT': " before the message of
 * the failure just recorded, and returns ERR.
 */
static int
path_error(int err, const char *text)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", vifs_error_last());
	return vifs_error_set(err, "invalid remote path '%s': %s", text, why);
}

/* Refuses "." and ".." segments, which clients and servers collapse. */
static int
check_segments(const char *path, const char *what)
{
	const char *seg = path;

	for (;;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return vifs_error_set(VIFS_EINVAL,
			    "invalid remote "
			    "path '%s': '%.*s' segments are not allowed",
			    what, (int)n, seg);
		if (end == NULL)
			return VIFS_OK;
		seg = end + 1;
	}
}

static const char *
skip_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return s;
}

/* Copies a decoded query value; an empty value counts as absent. */
static int
query_value(char **dst, const char *v, size_t len, const char *text)
{
	char *dec = NULL;
	size_t n;
	int error;

	if ((error = vifs_remotepath_decode(&dec, &n, v, len)) < 0)
		return path_error(error, text);
	free(*dst);
	*dst = NULL;
	if (n == 0)
		free(dec);
	else
		*dst = dec;
	return VIFS_OK;
}

/* Parses the "/folder[/path][?query]" form; REST follows "/folder". */
static int
parse_folder_url(struct vifs_remotepath *rp, const char *rest, const char *text)
{
	const char *q = strchr(rest, '?');
	size_t plen = q ? (size_t)(q - rest) : strlen(rest);
	const char *p;
	int error;

	rp->url_form = 1;
	if ((error = vifs_remotepath_decode(&rp->path, NULL, rest, plen)) < 0)
		return path_error(error, text);
	/* Leading slashes go after decoding, so "%2F" cannot bring one. */
	if (rp->path[0] == '/')
		memmove(rp->path, skip_slashes(rp->path),
		    strlen(skip_slashes(rp->path)) + 1);
	if (q == NULL)
		return VIFS_OK;
	for (p = q + 1; *p != '\0';) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);

		if (n > 0 && eq == NULL)
			return vifs_error_set(VIFS_EINVAL,
			    "invalid remote "
			    "path '%s': query parameter '%.*s' has no '='",
			    text, (int)n, p);
		if (n > 0) {
			size_t klen = (size_t)(eq - p);
			size_t vlen = n - klen - 1;

			error = 0;
			if (klen == 6 && memcmp(p, "dsName", 6) == 0)
				error = query_value(&rp->datastore, eq + 1,
				    vlen, text);
			else if (klen == 6 && memcmp(p, "dcPath", 6) == 0)
				error = query_value(&rp->dcpath, eq + 1, vlen,
				    text);
			if (error < 0)
				return error;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return VIFS_OK;
}

static int
prefix_is(const char *s, const char *prefix, const char *after)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0)
		return 0;
	return s[n] == '\0' || strchr(after, s[n]) != NULL;
}

int
vifs_remotepath_parse(struct vifs_remotepath **out, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	const char *s = text;
	int error = 0;

	*out = NULL;
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return vifs_error_set(VIFS_EINVAL, "empty remote path");
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");

	if (prefix_is(s, "/host", "/")) {
		rp->mode = VIFS_REMOTEPATH_HOST;
		rp->path = vifs_strdup(skip_slashes(s + 5));
	} else if (prefix_is(s, "/tmp", "/")) {
		rp->mode = VIFS_REMOTEPATH_TMP;
		rp->path = vifs_strdup(skip_slashes(s + 4));
	} else if (prefix_is(s, "/folder", "/?")) {
		if ((error = parse_folder_url(rp, s + 7, text)) < 0)
			goto done;
	} else if (*s == '[') {
		const char *close = strchr(s, ']');
		const char *p;

		if (close == NULL) {
			error = vifs_error_set(VIFS_EINVAL,
			    "invalid remote "
			    "path '%s': '[' without ']'",
			    text);
			goto done;
		}
		if (close == s + 1) {
			error = vifs_error_set(VIFS_EINVAL,
			    "invalid remote "
			    "path '%s': empty datastore name",
			    text);
			goto done;
		}
		rp->datastore = vifs_strndup(s + 1, (size_t)(close - s - 1));
		if (rp->datastore == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		for (p = close + 1; *p != '\0' && isspace((unsigned char)*p);)
			p++;
		rp->path = vifs_strdup(skip_slashes(p));
	} else {
		rp->path = vifs_strdup(skip_slashes(s));
	}
	if (rp->path == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((error = check_segments(rp->path, text)) < 0)
		goto done;
	*out = rp;
	rp = NULL;
done:
	vifs_remotepath_free(rp);
	return error;
}

int
vifs_remotepath_new(struct vifs_remotepath **out,
    enum vifs_remotepath_mode mode, const char *datastore, const char *path,
    const char *dcpath)
{
	struct vifs_remotepath *rp = NULL;
	int error = 0;

	*out = NULL;
	if (mode != VIFS_REMOTEPATH_FOLDER && mode != VIFS_REMOTEPATH_HOST &&
	    mode != VIFS_REMOTEPATH_TMP)
		return vifs_error_set(VIFS_EINVAL, "invalid remote path mode");
	if (mode != VIFS_REMOTEPATH_FOLDER && (datastore || dcpath))
		return vifs_error_set(VIFS_EINVAL,
		    "a datastore or dcPath "
		    "applies only to /folder paths");
	if (datastore != NULL && *datastore == '\0')
		return vifs_error_set(VIFS_EINVAL, "empty datastore name");
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	rp->mode = mode;
	if ((rp->path = vifs_strdup(skip_slashes(path ? path : ""))) == NULL ||
	    (datastore && (rp->datastore = vifs_strdup(datastore)) == NULL) ||
	    (dcpath && *dcpath && (rp->dcpath = vifs_strdup(dcpath)) == NULL)) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((error = check_segments(rp->path, rp->path)) < 0)
		goto done;
	*out = rp;
	rp = NULL;
done:
	vifs_remotepath_free(rp);
	return error;
}

void
vifs_remotepath_free(struct vifs_remotepath *rp)
{
	if (rp == NULL)
		return;
	free(rp->datastore);
	free(rp->path);
	free(rp->dcpath);
	free(rp);
}

int
vifs_remotepath_set_dcpath(struct vifs_remotepath *rp, const char *dcpath)
{
	char *copy = NULL;

	if (rp->mode != VIFS_REMOTEPATH_FOLDER)
		return vifs_error_set(VIFS_EINVAL,
		    "a dcPath applies only to "
		    "/folder paths");
	if (dcpath != NULL && *dcpath != '\0' &&
	    (copy = vifs_strdup(dcpath)) == NULL)
		return VIFS_ENOMEM;
	free(rp->dcpath);
	rp->dcpath = copy;
	return VIFS_OK;
}

/*
 * Finds the scheme and authority of URL: returns the length of
 * "scheme://authority" and sets *scheme_len, or 0 when URL does not start
 * with http(s)://authority.
 */
static size_t
split_base(const char *url, size_t *scheme_len)
{
	size_t n, i;

	if (strncasecmp(url, "https://", 8) == 0)
		n = 5;
	else if (strncasecmp(url, "http://", 7) == 0)
		n = 4;
	else
		return 0;
	*scheme_len = n;
	for (i = n + 3;
	     url[i] != '\0' && url[i] != '/' && url[i] != '?' && url[i] != '#';
	     i++) {
		unsigned char c = (unsigned char)url[i];

		if (c == '@' || c <= ' ' || c >= 0x7f)
			return 0;
	}
	return i == n + 3 ? 0 : i;
}

int
vifs_remotepath_base(char **out, const char *service_url)
{
	size_t slen, n;
	char *p;

	*out = NULL;
	if ((n = split_base(service_url, &slen)) == 0) {
		/* user:password@host: the message must not repeat the
		 * password (which may itself hold '/', '?' or '#'), so such
		 * a URL is not shown at all. */
		if (strchr(service_url, '@') != NULL)
			return vifs_error_set(VIFS_EINVAL,
			    "invalid server URL (not shown: it holds a user "
			    "or password before '@', which is not accepted); "
			    "give --username and --password");
		return vifs_error_set(VIFS_EINVAL,
		    "invalid server URL '%s': "
		    "expected http(s)://host[:port]/...",
		    service_url);
	}
	if ((p = vifs_strndup(service_url, n)) == NULL)
		return VIFS_ENOMEM;
	for (size_t i = 0; i < slen; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	*out = p;
	return VIFS_OK;
}

int
vifs_remotepath_url(char **out, const struct vifs_remotepath *rp,
    const char *base, unsigned flags)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *prefix;
	size_t slen, n;
	int amp = (flags & VIFS_REMOTEPATH_AMP_TWICE) != 0;
	int error = 0;
	char sep = '?';

	*out = NULL;
	n = split_base(base, &slen);
	if (n == 0 || !(base[n] == '\0' || (base[n] == '/' && !base[n + 1])))
		return vifs_error_set(VIFS_EINVAL,
		    "invalid base URL '%s': "
		    "expected http(s)://host[:port]",
		    base);
	switch (rp->mode) {
	case VIFS_REMOTEPATH_HOST:
		prefix = "/host";
		break;
	case VIFS_REMOTEPATH_TMP:
		prefix = "/tmp";
		break;
	default:
		prefix = "/folder";
		break;
	}
	if ((error = vifs_buf_add(&b, base, n)) < 0 ||
	    (error = vifs_buf_puts(&b, prefix)) < 0)
		goto done;
	if (rp->path[0] != '\0' &&
	    ((error = vifs_buf_putc(&b, '/')) < 0 ||
	        (error = encode_into(&b, rp->path, strlen(rp->path),
	             VIFS_REMOTEPATH_KEEP_SLASH, 0)) < 0))
		goto done;
	if (rp->mode == VIFS_REMOTEPATH_FOLDER && rp->datastore) {
		if ((error = vifs_buf_puts(&b, "?dsName=")) < 0 ||
		    (error = encode_into(&b, rp->datastore,
		         strlen(rp->datastore), 0, amp)) < 0)
			goto done;
		sep = '&';
	}
	if (rp->mode == VIFS_REMOTEPATH_FOLDER && rp->dcpath) {
		if ((error = vifs_buf_putc(&b, sep)) < 0 ||
		    (error = vifs_buf_puts(&b, "dcPath=")) < 0 ||
		    (error = encode_into(&b, rp->dcpath, strlen(rp->dcpath), 0,
		         amp)) < 0)
			goto done;
	}
	*out = vifs_buf_detach(&b, NULL);
done:
	vifs_buf_free(&b);
	return error;
}

const char *
vifs_remotepath_display(const struct vifs_remotepath *rp)
{
	return rp->path;
}

int
vifs_remotepath_basename(char **out, const struct vifs_remotepath *rp)
{
	size_t end = strlen(rp->path), start;

	*out = NULL;
	while (end > 0 && rp->path[end - 1] == '/')
		end--;
	for (start = end; start > 0 && rp->path[start - 1] != '/'; start--)
		;
	if ((*out = vifs_strndup(rp->path + start, end - start)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

int
vifs_remotepath_dspath(char **out, const struct vifs_remotepath *rp)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if (rp->mode != VIFS_REMOTEPATH_FOLDER || rp->datastore == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "remote path '%s' names no "
		    "datastore",
		    rp->path);
	if (strchr(rp->datastore, ']') != NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "datastore name '%s' holds "
		    "']' and cannot be written as '[datastore] path'",
		    rp->datastore);
	if (rp->path[0] != '\0')
		error = vifs_buf_printf(&b, "[%s] %s", rp->datastore, rp->path);
	else
		error = vifs_buf_printf(&b, "[%s]", rp->datastore);
	if (error < 0) {
		vifs_buf_free(&b);
		return error;
	}
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}
