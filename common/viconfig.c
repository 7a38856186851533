/*
 * viconfig.c - the vSphere CLI configuration file (PROTOCOL.md §1.4) and
 * the libwww-perl session file (§8).
 */
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/viconfig.h>

#include "internal.h"

struct vifs_viconfig {
	struct vifs_viconfig_entry *entries;
	size_t count;
	size_t cap;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

void
vifs_viconfig_free(vifs_viconfig *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->count; i++) {
		free((char *)(uintptr_t)cfg->entries[i].name);
		free((char *)(uintptr_t)cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg);
}

static int
add_entry(vifs_viconfig *cfg, const char *name, size_t nlen, const char *value,
    size_t vlen, size_t line)
{
	struct vifs_viconfig_entry *e;
	char *n, *v;

	if (cfg->count == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;

		e = realloc(cfg->entries, cap * sizeof(*e));
		if (e == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		cfg->entries = e;
		cfg->cap = cap;
	}
	if ((n = vifs_strndup(name, nlen)) == NULL)
		return VIFS_ENOMEM;
	if ((v = vifs_strndup(value, vlen)) == NULL) {
		free(n);
		return VIFS_ENOMEM;
	}
	e = &cfg->entries[cfg->count++];
	e->name = n;
	e->value = v;
	e->line = line;
	return VIFS_OK;
}

/* Interprets one line (without its '\n') of LEN bytes. */
static int
parse_line(vifs_viconfig *cfg, const char *s, size_t len, size_t lineno)
{
	const char *eq, *name, *value;
	size_t nlen, vlen;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (memchr(s, '\0', len) != NULL)
		return VIFS_OK;
	for (name = s; name < s + len && is_blank(*name); name++)
		;
	if (name == s + len || *name == '#' ||
	    (eq = memchr(name, '=', len - (size_t)(name - s))) == NULL)
		return VIFS_OK;
	nlen = (size_t)(eq - name);
	while (nlen > 0 && is_blank(name[nlen - 1]))
		nlen--;
	if (nlen == 0)
		return VIFS_OK;
	for (value = eq + 1; value < s + len && is_blank(*value); value++)
		;
	vlen = (size_t)(s + len - value);
	return add_entry(cfg, name, nlen, value, vlen, lineno);
}

int
vifs_viconfig_parse(vifs_viconfig **out, const char *buf, size_t len)
{
	vifs_viconfig *cfg;
	size_t start = 0, lineno = 1;
	int error;

	*out = NULL;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if ((error = parse_line(cfg, buf + start, end - start,
		         lineno++)) < 0) {
			vifs_viconfig_free(cfg);
			return error;
		}
		start = end + 1;
	}
	*out = cfg;
	return VIFS_OK;
}

int
vifs_viconfig_load(vifs_viconfig **out, const char *path, int *empty)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if (empty)
		*empty = 0;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	if (empty)
		*empty = len == 0;
	error = vifs_viconfig_parse(out, buf, len);
	free(buf);
	return error;
}

const char *
vifs_viconfig_get(const vifs_viconfig *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->count; i++)
		if (strcmp(cfg->entries[i].name, name) == 0)
			return cfg->entries[i].value;
	return NULL;
}

size_t
vifs_viconfig_count(const vifs_viconfig *cfg)
{
	return cfg->count;
}

const struct vifs_viconfig_entry *
vifs_viconfig_entry(const vifs_viconfig *cfg, size_t i)
{
	return i < cfg->count ? &cfg->entries[i] : NULL;
}

int
vifs_viconfig_default_path(char **out)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *home = getenv("HOME");
	struct passwd *pw;
	int error;

	*out = NULL;
	/* As the Perl tools: HOME, then LOGDIR, then the password file. */
	if (home == NULL || *home == '\0')
		home = getenv("LOGDIR");
	if ((home == NULL || *home == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || *home == '\0')
		return vifs_error_set(VIFS_ENOTFOUND,
		    "no home directory: no "
		    "default configuration file");
	if ((error = vifs_buf_printf(&b, "%s/.visdkrc", home)) < 0)
		return error;
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

/* --- session file ----------------------------------------------------- */

#define LWP_MAGIC "#LWP-Cookies-"
#define SESSION_COOKIE "vmware_soap_session"

void
vifs_session_free(struct vifs_session *s)
{
	if (s == NULL)
		return;
	free(s->cookie);
	free(s->domain);
	free(s->host);
	free(s);
}

/*
 * Reads one "name[=value]" of libwww-perl's header-word syntax at *pp
 * (blanks skipped; value a token or a quoted string with backslash
 * escapes).  *name and *value are new strings (value NULL when absent).
 * Returns 1 when a word was read, 0 at the end of the group (end of text
 * or ','), or a negative error.
 */
static int
header_word(const char **pp, char **name, char **value)
{
	const char *p = *pp, *start;
	struct vifs_buf v = VIFS_BUF_INIT;
	int error;

	*name = *value = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ';')
			break;
		p++;
	}
	if (*p == '\0' || *p == ',')
		return 0;
	for (start = p; *p && *p != '=' && *p != ';' && *p != ',' &&
	     *p != ' ' && *p != '\t';
	     p++)
		;
	if ((*name = vifs_strndup(start, (size_t)(p - start))) == NULL)
		return VIFS_ENOMEM;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=') {
		*pp = p;
		return 1;
	}
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if ((error = vifs_buf_putc(&v, *p)) < 0)
				goto fail;
		}
		if (*p == '"')
			p++;
	} else {
		for (start = p;
		     *p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t';
		     p++)
			;
		if ((error = vifs_buf_add(&v, start, (size_t)(p - start))) < 0)
			goto fail;
	}
	if ((error = vifs_buf_add(&v, "", 0)) < 0)
		goto fail;
	*value = vifs_buf_detach(&v, NULL);
	*pp = p;
	return 1;
fail:
	vifs_buf_free(&v);
	free(*name);
	*name = NULL;
	return error;
}

/*
 * Parses the words of one "Set-Cookie3:" line; when its cookie is the
 * session cookie, sets *cookie and *domain (new strings).
 */
static int
parse_cookie_line(const char *line, char **cookie, char **domain)
{
	const char *p = line;
	char *name = NULL, *value = NULL;
	int first = 1, is_session = 0, rc;

	while ((rc = header_word(&p, &name, &value)) > 0) {
		if (first) {
			is_session = strcmp(name, SESSION_COOKIE) == 0 &&
			    value != NULL;
			if (is_session) {
				*cookie = value;
				value = NULL;
			}
			first = 0;
		} else if (is_session && strcmp(name, "domain") == 0 &&
		    value != NULL) {
			free(*domain);
			*domain = value;
			value = NULL;
		}
		free(name);
		free(value);
		if (!is_session)
			break;
	}
	return rc < 0 ? rc : VIFS_OK;
}

/* The server of a cookie DOMAIN: less a leading '.', and less ".local"
 * when that is what made a dot-less host name a domain. */
static char *
domain_host(const char *domain)
{
	size_t len = strlen(domain);

	if (*domain == '.') {
		domain++;
		len--;
	}
	if (len > 6 && memcmp(domain + len - 6, ".local", 6) == 0 &&
	    memchr(domain, '.', len - 6) == NULL)
		len -= 6;
	return vifs_strndup(domain, len);
}

int
vifs_session_parse(struct vifs_session **out, const char *name, const char *buf,
    size_t len)
{
	struct vifs_session *s = NULL;
	char *cookie = NULL, *domain = NULL, *line = NULL;
	size_t start = 0, lineno = 0;
	int error = 0;

	*out = NULL;
	while (start < len && cookie == NULL) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - start;

		while (n > 0 && buf[start + n - 1] == '\r')
			n--;
		if ((line = vifs_strndup(buf + start, n)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		lineno++;
		if (lineno == 1 &&
		    strncmp(line, LWP_MAGIC, strlen(LWP_MAGIC)) != 0) {
			error = vifs_error_set(VIFS_EPARSE,
			    "'%s' is not an "
			    "LWP cookie file (no #LWP-Cookies header)",
			    name);
			goto done;
		}
		if (lineno > 1 && strncmp(line, "Set-Cookie3:", 12) == 0 &&
		    (error = parse_cookie_line(line + 12, &cookie, &domain)) <
		        0)
			goto done;
		free(line);
		line = NULL;
		start = end + 1;
	}
	if (lineno < 2) {
		error = vifs_error_set(VIFS_EPARSE,
		    "Session file ended "
		    "unexpectedly");
		goto done;
	}
	if (cookie == NULL) {
		error = vifs_error_set(VIFS_EPARSE, "'%s' holds no %s cookie",
		    name, SESSION_COOKIE);
		goto done;
	}
	if (domain == NULL || *domain == '\0') {
		error = vifs_error_set(VIFS_EPARSE,
		    "'%s': the %s cookie has "
		    "no domain",
		    name, SESSION_COOKIE);
		goto done;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->host = domain_host(domain)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	s->cookie = cookie;
	s->domain = domain;
	cookie = domain = NULL;
	*out = s;
	s = NULL;
done:
	vifs_session_free(s);
	free(line);
	free(cookie);
	free(domain);
	return error;
}

int
vifs_session_load(struct vifs_session **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return vifs_error_set(error, "Can't open session file '%s'",
		    path);
	error = vifs_session_parse(out, path, buf, len);
	free(buf);
	return error;
}

/* Appends V as libwww-perl's join_header_words writes a value. */
static int
put_value(struct vifs_buf *b, const char *v)
{
	static const char special[] = "()<>@,;:\\\"/[]?={}";
	int quote = *v == '\0';
	int error;

	for (const char *p = v; *p && !quote; p++) {
		unsigned char c = (unsigned char)*p;

		quote = c <= 0x20 || c >= 0x7f || strchr(special, c) != NULL;
	}
	if (!quote)
		return vifs_buf_puts(b, v);
	if ((error = vifs_buf_putc(b, '"')) < 0)
		return error;
	for (const char *p = v; *p; p++) {
		if ((*p == '"' || *p == '\\') &&
		    (error = vifs_buf_putc(b, '\\')) < 0)
			return error;
		if ((error = vifs_buf_putc(b, *p)) < 0)
			return error;
	}
	return vifs_buf_putc(b, '"');
}

static int
check_text(const char *what, const char *s)
{
	if (s == NULL || *s == '\0')
		return vifs_error_set(VIFS_EINVAL, "session file: empty %s",
		    what);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return vifs_error_set(VIFS_EINVAL,
			    "session file: the "
			    "%s holds a control character",
			    what);
	return VIFS_OK;
}

int
vifs_session_format(char **out, size_t *out_len, const char *host,
    const char *cookie)
{
	struct vifs_buf b = VIFS_BUF_INIT, dom = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((error = check_text("host", host)) < 0 ||
	    (error = check_text("cookie", cookie)) < 0)
		return error;
	/* libwww-perl: a request host without a dot is HOST.local. */
	if ((error = vifs_buf_puts(&dom, host)) < 0 ||
	    (strchr(host, '.') == NULL &&
	        (error = vifs_buf_puts(&dom, ".local")) < 0))
		goto done;
	if ((error = vifs_buf_puts(&b,
	         "#LWP-Cookies-1.0\n"
	         "Set-Cookie3: " SESSION_COOKIE "=")) < 0 ||
	    (error = put_value(&b, cookie)) < 0 ||
	    (error = vifs_buf_puts(&b, "; path=\"/\"; domain=")) < 0 ||
	    (error = put_value(&b, dom.data)) < 0 ||
	    (error = vifs_buf_puts(&b,
	         "; path_spec; secure; discard; "
	         "HttpOnly; version=0\n")) < 0)
		goto done;
	*out = vifs_buf_detach(&b, out_len);
done:
	vifs_buf_free(&b);
	vifs_buf_free(&dom);
	return error;
}

int
vifs_session_save(const char *path, const char *host, const char *cookie)
{
	char *text = NULL;
	size_t len;
	int error;

	if ((error = vifs_session_format(&text, &len, host, cookie)) < 0)
		return error;
	/* Never a symbolic link, never a file another user owns, never
	 * readable by others. */
	error = vifs_file_write_secret(path, text, len);
	free(text);
	return error;
}
