/*
 * trust.c - certificate thumbprints (PROTOCOL.md §6: esxcli's rules) and
 * govc's known-hosts file format.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/trust.h>

#include "dirs.h"
#include "internal.h"

/* --- thumbprints ------------------------------------------------------ */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
vifs_thumbprint_parse(struct vifs_thumbprint *out, const char *text)
{
	unsigned char md[64];
	size_t digits = 0;
	int hi = -1;

	memset(out, 0, sizeof(*out));
	for (const char *p = text; *p; p++) {
		int v;

		if (*p == ':')
			continue;
		if ((v = hexval(*p)) < 0 || digits >= 128)
			goto bad;
		if (hi < 0) {
			hi = v;
		} else {
			md[digits / 2] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
		digits++;
	}
	switch (digits) {
	case 40:
		out->alg = VIFS_THUMBPRINT_SHA1;
		break;
	case 64:
		out->alg = VIFS_THUMBPRINT_SHA256;
		break;
	case 128:
		out->alg = VIFS_THUMBPRINT_SHA512;
		break;
	default:
		goto bad;
	}
	out->len = digits / 2;
	memcpy(out->md, md, out->len);
	return VIFS_OK;
bad:
	memset(out, 0, sizeof(*out));
	return vifs_error_set(VIFS_EPARSE,
	    "Invalid SHA-1/SHA-256/SHA-512 "
	    "thumbprint: %s",
	    text);
}

int
vifs_thumbprint_format(char *buf, size_t size, const struct vifs_thumbprint *tp)
{
	static const char hex[] = "0123456789ABCDEF";
	char *p = buf;

	if (tp->len == 0 || tp->len > sizeof(tp->md) || size < tp->len * 3) {
		if (size > 0)
			buf[0] = '\0';
		return vifs_error_set(VIFS_EINVAL,
		    "thumbprint buffer of %zu "
		    "bytes is too small",
		    size);
	}
	for (size_t i = 0; i < tp->len; i++) {
		if (i > 0)
			*p++ = ':';
		*p++ = hex[tp->md[i] >> 4];
		*p++ = hex[tp->md[i] & 15];
	}
	*p = '\0';
	return VIFS_OK;
}

int
vifs_thumbprint_equal(const struct vifs_thumbprint *a,
    const struct vifs_thumbprint *b)
{
	return a->alg == b->alg && a->len == b->len && a->len > 0 &&
	    a->len <= sizeof(a->md) && memcmp(a->md, b->md, a->len) == 0;
}

const char *
vifs_thumbprint_alg_name(enum vifs_thumbprint_alg alg)
{
	switch (alg) {
	case VIFS_THUMBPRINT_SHA1:
		return "SHA-1";
	case VIFS_THUMBPRINT_SHA256:
		return "SHA-256";
	case VIFS_THUMBPRINT_SHA512:
		return "SHA-512";
	}
	return "unknown";
}

int
vifs_thumbprint_from_der(struct vifs_thumbprint *out,
    enum vifs_thumbprint_alg alg, const void *der, size_t len)
{
	const EVP_MD *md;
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	switch (alg) {
	case VIFS_THUMBPRINT_SHA1:
		md = EVP_sha1();
		break;
	case VIFS_THUMBPRINT_SHA256:
		md = EVP_sha256();
		break;
	case VIFS_THUMBPRINT_SHA512:
		md = EVP_sha512();
		break;
	default:
		return vifs_error_set(VIFS_EINVAL,
		    "unknown thumbprint "
		    "algorithm %d",
		    (int)alg);
	}
	if (EVP_Digest(der, len, out->md, &n, md, NULL) != 1) {
		ERR_clear_error();
		return vifs_error_set(VIFS_ERROR, "%s digest failed",
		    vifs_thumbprint_alg_name(alg));
	}
	out->alg = alg;
	out->len = n;
	return VIFS_OK;
}

int
vifs_thumbprint_from_pem(struct vifs_thumbprint *out,
    enum vifs_thumbprint_alg alg, const char *pem, size_t len)
{
	BIO *bio = NULL;
	X509 *cert = NULL;
	unsigned char *der = NULL;
	int n, error = 0;

	memset(out, 0, sizeof(*out));
	if (len > INT_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "certificate too large");
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		error = vifs_error_set(VIFS_EPARSE,
		    "no PEM certificate "
		    "found");
		goto done;
	}
	if ((n = i2d_X509(cert, &der)) <= 0) {
		error = vifs_error_set(VIFS_EPARSE,
		    "cannot encode the "
		    "certificate as DER");
		goto done;
	}
	error = vifs_thumbprint_from_der(out, alg, der, (size_t)n);
done:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_free(cert);
	BIO_free(bio);
	return error;
}

/* --- known hosts ------------------------------------------------------ */

struct kh_line {
	char *raw; /* the line as read, without '\n' */
	char *key; /* "host:port" (lower case) or NULL */
	char *tp; /* thumbprint text, "" = forget the host */
};

struct vifs_known_hosts {
	struct kh_line *lines;
	size_t count;
	size_t cap;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The key of HOST as govc's hostAddr makes it: ":443" appended when there
 * is no port.  Also: a bare IPv6 literal (several ':' and no '[') has no
 * port and is bracketed; ASCII letters are lowered, as DNS names compare.
 */
static char *
host_key(const char *host, size_t len)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *colon = NULL, *bracket = NULL;
	size_t colons = 0;

	for (size_t i = 0; i < len; i++) {
		if (host[i] == ':') {
			colon = host + i;
			colons++;
		} else if (host[i] == ']') {
			bracket = host + i;
		}
	}
	if (colons > 1 && memchr(host, '[', len) == NULL) {
		if (vifs_buf_putc(&b, '[') < 0 ||
		    vifs_buf_add(&b, host, len) < 0 ||
		    vifs_buf_puts(&b, "]:443") < 0)
			goto fail;
	} else if (colon == NULL || (bracket != NULL && colon < bracket)) {
		if (vifs_buf_add(&b, host, len) < 0 ||
		    vifs_buf_puts(&b, ":443") < 0)
			goto fail;
	} else if (vifs_buf_add(&b, host, len) < 0) {
		goto fail;
	}
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] >= 'A' && b.data[i] <= 'Z')
			b.data[i] = (char)(b.data[i] + 'a' - 'A');
	return vifs_buf_detach(&b, NULL);
fail:
	vifs_buf_free(&b);
	return NULL;
}

static void
line_clear(struct kh_line *l)
{
	free(l->raw);
	free(l->key);
	free(l->tp);
}

void
vifs_known_hosts_free(vifs_known_hosts *kh)
{
	if (kh == NULL)
		return;
	for (size_t i = 0; i < kh->count; i++)
		line_clear(&kh->lines[i]);
	free(kh->lines);
	free(kh);
}

int
vifs_known_hosts_new(vifs_known_hosts **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

/* Splits RAW into key and thumbprint; comments and lines without a
 * space keep both NULL. */
static int
interpret(struct kh_line *l)
{
	const char *s = l->raw, *sp, *t, *end;

	while (is_blank(*s))
		s++;
	if (*s == '\0' || *s == '#' || (sp = strchr(s, ' ')) == NULL || sp == s)
		return VIFS_OK;
	for (t = sp + 1; is_blank(*t); t++)
		;
	for (end = t + strlen(t); end > t && is_blank(end[-1]); end--)
		;
	if ((l->key = host_key(s, (size_t)(sp - s))) == NULL ||
	    (l->tp = vifs_strndup(t, (size_t)(end - t))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

static int
append_line(vifs_known_hosts *kh, const char *raw, size_t len)
{
	struct kh_line l = { NULL, NULL, NULL };
	int error;

	if (kh->count == kh->cap) {
		size_t cap = kh->cap ? kh->cap * 2 : 16;
		struct kh_line *p = realloc(kh->lines, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		kh->lines = p;
		kh->cap = cap;
	}
	if ((l.raw = vifs_strndup(raw, len)) == NULL)
		return VIFS_ENOMEM;
	if ((error = interpret(&l)) < 0) {
		line_clear(&l);
		return error;
	}
	kh->lines[kh->count++] = l;
	return VIFS_OK;
}

int
vifs_known_hosts_parse(vifs_known_hosts *kh, const char *buf, size_t len)
{
	size_t start = 0;
	int error;

	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if ((error = append_line(kh, buf + start, end - start)) < 0)
			return error;
		start = end + 1;
	}
	return VIFS_OK;
}

int
vifs_known_hosts_load(vifs_known_hosts *kh, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	if ((error = vifs_file_read(&buf, &len, path)) == VIFS_ENOTFOUND) {
		vifs_error_clear();
		return VIFS_OK;
	}
	if (error < 0)
		return error;
	error = vifs_known_hosts_parse(kh, buf, len);
	free(buf);
	return error;
}

int
vifs_known_hosts_lookup(const char **out, const vifs_known_hosts *kh,
    const char *host)
{
	char *key;

	*out = NULL;
	if ((key = host_key(host, strlen(host))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = kh->count; i > 0; i--) {
		const struct kh_line *l = &kh->lines[i - 1];

		if (l->key != NULL && strcmp(l->key, key) == 0) {
			if (l->tp[0] != '\0')
				*out = l->tp;
			break;
		}
	}
	free(key);
	return VIFS_OK;
}

static int
check_host(const char *host)
{
	if (*host == '\0')
		return vifs_error_set(VIFS_EINVAL, "empty host name");
	if (*host == '#')
		return vifs_error_set(VIFS_EINVAL,
		    "invalid host name '%s': "
		    "a line starting with '#' is a comment",
		    host);
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return vifs_error_set(VIFS_EINVAL,
			    "invalid host name "
			    "'%s': blanks and control characters are not "
			    "allowed",
			    host);
	return VIFS_OK;
}

/* Drops line I, keeping the order of the others. */
static void
drop_line(vifs_known_hosts *kh, size_t i)
{
	line_clear(&kh->lines[i]);
	memmove(&kh->lines[i], &kh->lines[i + 1],
	    (kh->count - i - 1) * sizeof(kh->lines[0]));
	kh->count--;
}

int
vifs_known_hosts_remove(vifs_known_hosts *kh, const char *host, int *found)
{
	char *key;

	if (found)
		*found = 0;
	if ((key = host_key(host, strlen(host))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = kh->count; i > 0; i--) {
		if (kh->lines[i - 1].key != NULL &&
		    strcmp(kh->lines[i - 1].key, key) == 0) {
			drop_line(kh, i - 1);
			if (found)
				*found = 1;
		}
	}
	free(key);
	return VIFS_OK;
}

int
vifs_known_hosts_set(vifs_known_hosts *kh, const char *host,
    const char *thumbprint)
{
	struct vifs_thumbprint tp;
	struct vifs_buf b = VIFS_BUF_INIT;
	char text[VIFS_THUMBPRINT_MAX];
	char *key = NULL;
	size_t keep = (size_t)-1;
	int error;

	if ((error = check_host(host)) < 0 ||
	    (error = vifs_thumbprint_parse(&tp, thumbprint)) < 0 ||
	    (error = vifs_thumbprint_format(text, sizeof(text), &tp)) < 0)
		return error;
	if ((key = host_key(host, strlen(host))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	/* The last line for the key is the one that counts: keep its place,
	 * drop the others. */
	for (size_t i = kh->count; i > 0; i--) {
		struct kh_line *l = &kh->lines[i - 1];

		if (l->key == NULL || strcmp(l->key, key) != 0)
			continue;
		if (keep == (size_t)-1)
			keep = i - 1;
		else {
			drop_line(kh, i - 1);
			keep--;
		}
	}
	if ((error = vifs_buf_printf(&b, "%s %s", host, text)) < 0)
		goto done;
	if (keep == (size_t)-1) {
		error = append_line(kh, b.data, b.len);
	} else {
		struct kh_line *l = &kh->lines[keep];
		char *tpc = vifs_strdup(text);

		if (tpc == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		free(l->raw);
		free(l->tp);
		l->raw = vifs_buf_detach(&b, NULL);
		l->tp = tpc;
	}
done:
	vifs_buf_free(&b);
	free(key);
	return error;
}

int
vifs_known_hosts_save(const vifs_known_hosts *kh, const char *path)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < kh->count; i++)
		if ((error = vifs_buf_puts(&b, kh->lines[i].raw)) < 0 ||
		    (error = vifs_buf_putc(&b, '\n')) < 0)
			goto done;
	if (strcmp(path, "-") != 0 && (error = vifs_mkdir_parents(path)) < 0)
		goto done;
	error = vifs_file_write_atomic(path, b.data ? b.data : "", b.len, 0644);
done:
	vifs_buf_free(&b);
	return error;
}

int
vifs_known_hosts_default_path(char **out)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int error;

	*out = NULL;
	if (xdg != NULL && xdg[0] == '/')
		error = vifs_buf_printf(&b, "%s/vifs/known_hosts", xdg);
	else if (home != NULL && *home != '\0')
		error = vifs_buf_printf(&b, "%s/.config/vifs/known_hosts",
		    home);
	else
		return vifs_error_set(VIFS_ENOTFOUND,
		    "neither "
		    "XDG_CONFIG_HOME nor HOME is set: no default known-hosts "
		    "file");
	if (error < 0)
		return error;
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}
