/*
 * hostlist.c - the hosts of a fleet: validation of "host[:port]" entries,
 * list files, duplicates found through a hash set of normalised keys.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/hostlist.h>

#include "internal.h"

#define HOST_MAX 253 /* longest DNS name */
#define LINE_MAX_LEN 1024

/* An entry and the one allocation its strings live in. */
struct item {
	struct vifs_hostlist_entry pub;
	char *mem;
};

struct vifs_hostlist {
	struct item *v;
	size_t n, cap;
	size_t *slots; /* hash set: index + 1 of an entry, 0 = empty */
	size_t nslots; /* a power of two, or 0 */
	unsigned default_port;
};

/* An entry taken apart, before it is stored. */
struct parsed {
	const char *host; /* into the text */
	size_t host_len;
	int v6;
	unsigned port;
};

int
vifs_hostlist_new(vifs_hostlist **out, unsigned default_port)
{
	*out = NULL;
	if (default_port < 1 || default_port > 65535)
		return vifs_error_set(VIFS_EINVAL, "bad default port %u",
		    default_port);
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	(*out)->default_port = default_port;
	return VIFS_OK;
}

void
vifs_hostlist_free(vifs_hostlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].mem);
	free(l->v);
	free(l->slots);
	free(l);
}

size_t
vifs_hostlist_count(const vifs_hostlist *l)
{
	return l->n;
}

const struct vifs_hostlist_entry *
vifs_hostlist_get(const vifs_hostlist *l, size_t i)
{
	return i < l->n ? &l->v[i].pub : NULL;
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Reads the port of LEN bytes of P into *port; -1 when it is none. */
static int
parse_port(unsigned *port, const char *p, size_t len)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int
valid_v6(const char *p, size_t len)
{
	size_t colons = 0;

	if (len < 2 || len > 45)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == ':')
			colons++;
		else if (!is_hex(p[i]) && p[i] != '.')
			return 0;
	}
	return colons >= 2;
}

static int
valid_name(const char *p, size_t len)
{
	if (len == 0 || len > HOST_MAX || !is_alnum(p[0]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(p[i]) && p[i] != '.' && p[i] != '-' &&
		    p[i] != '_')
			return 0;
	return 1;
}

/* Copies up to 80 bytes of TEXT into BUF for a message, control bytes as
 * '?', so that a hostile file cannot send escapes to a terminal. */
static const char *
shown(char buf[84], const char *text, size_t len)
{
	size_t n = len > 80 ? 80 : len;

	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ?
		    '?' :
		    text[i];
	buf[n] = '\0';
	if (len > n)
		memcpy(buf + n, "...", 4);
	return buf;
}

/* Takes the LEN bytes of TEXT apart; 0, or -1 with *why set. */
static int
parse_entry(struct parsed *e, const char *text, size_t len, const char **why)
{
	const char *colon;
	size_t colons = 0;

	memset(e, 0, sizeof(*e));
	if (len == 0) {
		*why = "no host name";
		return -1;
	}
	if (text[0] == '[') {
		const char *rb = memchr(text, ']', len);
		size_t rest;

		if (rb == NULL) {
			*why = "'[' without ']'";
			return -1;
		}
		e->host = text + 1;
		e->host_len = (size_t)(rb - text) - 1;
		e->v6 = 1;
		if (!valid_v6(e->host, e->host_len)) {
			*why = "not an IPv6 address in brackets";
			return -1;
		}
		rest = len - (size_t)(rb + 1 - text);
		if (rest == 0)
			return 0;
		if (rb[1] != ':' || parse_port(&e->port, rb + 2, rest - 1)) {
			*why = "bad port after the IPv6 address";
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		colons += text[i] == ':';
	if (colons >= 2) {
		e->host = text;
		e->host_len = len;
		e->v6 = 1;
		if (!valid_v6(text, len)) {
			*why = "not a host name, nor an IPv6 address";
			return -1;
		}
		return 0;
	}
	colon = memchr(text, ':', len);
	e->host = text;
	e->host_len = colon ? (size_t)(colon - text) : len;
	if (!valid_name(e->host, e->host_len)) {
		*why = "not a host name or address (letters, digits, '.', "
		       "'-' and '_', starting with a letter or digit)";
		return -1;
	}
	if (colon != NULL &&
	    parse_port(&e->port, colon + 1, len - e->host_len - 1)) {
		*why = "bad port (1-65535)";
		return -1;
	}
	return 0;
}

/* FNV-1a of the duplicate key of E: lower-case host, then the port. */
static uint64_t
key_hash(const char *host, size_t len, unsigned port)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)lower(host[i]);
		h *= 1099511628211ULL;
	}
	h ^= port;
	h *= 1099511628211ULL;
	return h;
}

static int
same_host(const struct vifs_hostlist_entry *a, unsigned aport,
    const struct parsed *b, unsigned bport)
{
	if (aport != bport || strlen(a->host) != b->host_len)
		return 0;
	for (size_t i = 0; i < b->host_len; i++)
		if (lower(a->host[i]) != lower(b->host[i]))
			return 0;
	return 1;
}

static unsigned
eff_port(const vifs_hostlist *l, unsigned port)
{
	return port ? port : l->default_port;
}

/* Slot of the entry equal to E, or of the empty slot where it goes. */
static size_t
find_slot(const vifs_hostlist *l, const struct parsed *e)
{
	unsigned port = eff_port(l, e->port);
	size_t mask = l->nslots - 1;
	size_t i = (size_t)key_hash(e->host, e->host_len, port) & mask;

	while (l->slots[i] != 0) {
		const struct vifs_hostlist_entry *x = &l->v[l->slots[i] - 1]
		                                           .pub;

		if (same_host(x, eff_port(l, x->port), e, port))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static int
rehash(vifs_hostlist *l)
{
	size_t n = l->nslots ? l->nslots * 2 : 64;
	size_t *old = l->slots, oldn = l->nslots;

	if ((l->slots = calloc(n, sizeof(*l->slots))) == NULL) {
		l->slots = old;
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	l->nslots = n;
	for (size_t i = 0; i < oldn; i++) {
		const struct vifs_hostlist_entry *x;
		struct parsed e;

		if (old[i] == 0)
			continue;
		x = &l->v[old[i] - 1].pub;
		e.host = x->host;
		e.host_len = strlen(x->host);
		e.port = x->port;
		l->slots[find_slot(l, &e)] = old[i];
	}
	free(old);
	return VIFS_OK;
}

/* Stores the parsed entry E unless it is there already. */
static int
store(vifs_hostlist *l, const struct parsed *e, int *added)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct item *x;
	size_t slot, name_len;
	int error;

	if (added != NULL)
		*added = 0;
	if ((l->n + 1) * 2 > l->nslots && (error = rehash(l)) < 0)
		return error;
	slot = find_slot(l, e);
	if (l->slots[slot] != 0)
		return VIFS_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->v, cap * sizeof(*l->v));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		l->v = p;
		l->cap = cap;
	}
	/* One allocation: the name, a NUL, the host, a NUL. */
	if ((error = vifs_buf_printf(&b, "%s%.*s%s", e->v6 ? "[" : "",
	         (int)e->host_len, e->host, e->v6 ? "]" : "")) < 0 ||
	    (e->port && (error = vifs_buf_printf(&b, ":%u", e->port)) < 0))
		goto fail;
	name_len = b.len;
	if ((error = vifs_buf_putc(&b, '\0')) < 0 ||
	    (error = vifs_buf_add(&b, e->host, e->host_len)) < 0)
		goto fail;
	x = &l->v[l->n];
	x->mem = b.data;
	x->pub.name = b.data;
	x->pub.host = b.data + name_len + 1;
	x->pub.port = e->port;
	l->slots[slot] = ++l->n;
	if (added != NULL)
		*added = 1;
	return VIFS_OK;
fail:
	vifs_buf_free(&b);
	return error;
}

int
vifs_hostlist_add(vifs_hostlist *l, const char *text, int *added)
{
	struct parsed e;
	const char *why;
	char buf[84];

	if (added != NULL)
		*added = 0;
	if (text == NULL)
		return vifs_error_set(VIFS_EINVAL, "no host");
	if (parse_entry(&e, text, strlen(text), &why) < 0)
		return vifs_error_set(VIFS_EPARSE, "host '%s': %s",
		    shown(buf, text, strlen(text)), why);
	return store(l, &e, added);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Walks the lines of BUF; with L NULL only checks them.  Every entry is
 * checked before the first is added, so that a bad file adds nothing.
 */
static int
walk_lines(vifs_hostlist *l, const char *name, const char *buf, size_t len)
{
	size_t off = 0, lineno = 0;
	int error;

	while (off < len) {
		const char *line = buf + off, *nl, *hash, *start, *end, *why;
		size_t n;
		struct parsed e;
		char text[84];

		nl = memchr(line, '\n', len - off);
		n = nl ? (size_t)(nl - line) : len - off;
		off += n + (nl != NULL);
		lineno++;
		if (memchr(line, '\0', n) != NULL)
			return vifs_error_set(VIFS_EPARSE, "%s:%zu: a NUL byte",
			    name, lineno);
		if (n > LINE_MAX_LEN)
			return vifs_error_set(VIFS_EPARSE,
			    "%s:%zu: line longer than %d bytes", name, lineno,
			    LINE_MAX_LEN);
		hash = memchr(line, '#', n);
		end = hash ? hash : line + n;
		start = line;
		while (start < end && is_blank(*start))
			start++;
		while (end > start && is_blank(end[-1]))
			end--;
		if (start == end)
			continue;
		for (const char *p = start; p < end; p++)
			if (is_blank(*p))
				return vifs_error_set(VIFS_EPARSE,
				    "%s:%zu: one host a line, not '%s'", name,
				    lineno,
				    shown(text, start, (size_t)(end - start)));
		if (parse_entry(&e, start, (size_t)(end - start), &why) < 0)
			return vifs_error_set(VIFS_EPARSE, "%s:%zu: '%s': %s",
			    name, lineno,
			    shown(text, start, (size_t)(end - start)), why);
		if (l != NULL && (error = store(l, &e, NULL)) < 0)
			return error;
	}
	return VIFS_OK;
}

int
vifs_hostlist_parse(vifs_hostlist *l, const char *name, const char *buf,
    size_t len)
{
	int error;

	if (l == NULL || (buf == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "no host list");
	if (name == NULL)
		name = "servers";
	if ((error = walk_lines(NULL, name, buf, len)) < 0)
		return error;
	return walk_lines(l, name, buf, len);
}

int
vifs_hostlist_load(vifs_hostlist *l, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_hostlist_parse(l, path, buf, len);
	free(buf);
	return error;
}

int
vifs_hostlist_add_words(vifs_hostlist *l, const char *text)
{
	struct vifs_buf word = VIFS_BUF_INIT;
	const char *p = text;
	int error = 0;

	if (text == NULL)
		return vifs_error_set(VIFS_EINVAL, "no host list");
	while (*p != '\0') {
		size_t n;

		while (*p == ',' || is_blank(*p) || *p == '\n')
			p++;
		n = strcspn(p, ", \t\r\n\f\v");
		if (n == 0)
			continue;
		word.len = 0;
		if ((error = vifs_buf_add(&word, p, n)) < 0 ||
		    (error = vifs_hostlist_add(l, word.data, NULL)) < 0)
			break;
		p += n;
	}
	vifs_buf_free(&word);
	return error;
}

int
vifs_hostlist_safe_name(char **out, const char *name)
{
	char *s;

	*out = NULL;
	if (name == NULL || *name == '\0')
		return vifs_error_set(VIFS_EINVAL, "no host name");
	if ((s = vifs_strdup(name)) == NULL)
		return VIFS_ENOMEM;
	for (char *p = s; *p != '\0'; p++)
		if (!is_alnum(*p) && *p != '.' && *p != '-' && *p != '_' &&
		    *p != ':')
			*p = '_';
	if (s[0] == '.')
		s[0] = '_';
	*out = s;
	return VIFS_OK;
}
