/*
 * passthrumap.c - /etc/vmware/passthru.map: per vendor/device reset method
 * and sharing of the functions of a slot.
 *
 * Format, as in the file ESXi 6.7 ships (docs/internals/passthru.md):
 * one device a line, `vendor device reset shareable`, fields separated by
 * blanks, ids 4 hex digits with device ffff as wildcard, '#' to the end of
 * the line a comment (also after the fields), blank lines allowed.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/passthru.h>

struct vifs_passthru_map {
	struct vifs_passthru_map_entry *e;
	size_t n;
	size_t cap;
};

static const char *const reset_names[] = {
	[VIFS_RESET_DEFAULT] = "default",
	[VIFS_RESET_FLR] = "flr",
	[VIFS_RESET_D3D0] = "d3d0",
	[VIFS_RESET_LINK] = "link",
	[VIFS_RESET_BRIDGE] = "bridge",
};

static const char *const share_names[] = {
	[VIFS_SHARE_DEFAULT] = "default",
	[VIFS_SHARE_TRUE] = "true",
	[VIFS_SHARE_FALSE] = "false",
};

#define NRESET (sizeof(reset_names) / sizeof(reset_names[0]))
#define NSHARE (sizeof(share_names) / sizeof(share_names[0]))

const char *
vifs_reset_method_name(enum vifs_reset_method m)
{
	if ((size_t)m >= NRESET)
		return "unknown";
	return reset_names[m];
}

const char *
vifs_shareable_name(enum vifs_shareable s)
{
	if ((size_t)s >= NSHARE)
		return "unknown";
	return share_names[s];
}

/* One field of a line. */
struct field {
	const char *p;
	size_t len;
};

/* Writes at most 24 bytes of F, printable, into OUT for messages. */
static void
show(char *out, size_t size, const struct field *f)
{
	size_t o = 0;

	for (size_t i = 0; i < f->len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)f->p[i];

		if (i == 24) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";

			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses 4 hex digits; -1 when F is not that. */
static int
hex4(uint16_t *out, const struct field *f)
{
	unsigned v = 0;

	if (f->len != 4)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		char c = f->p[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

/* Finds F among NAMES; -1 when absent. */
static int
keyword(const char *const *names, size_t n, const struct field *f)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == f->len &&
		    memcmp(names[i], f->p, f->len) == 0)
			return (int)i;
	return -1;
}

static int
map_push(vifs_passthru_map *map, const struct vifs_passthru_map_entry *e)
{
	if (map->n == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 32;
		struct vifs_passthru_map_entry *p;

		if (cap > (size_t)-1 / sizeof(*p))
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		if ((p = realloc(map->e, cap * sizeof(*p))) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		map->e = p;
		map->cap = cap;
	}
	map->e[map->n++] = *e;
	return VIFS_OK;
}

/*
 * Parses one line (without its line ending) into *e.  Returns 1 for a data
 * line, 0 for a blank or comment line, or VIFS_EPARSE with the message.
 */
static int
parse_line(struct vifs_passthru_map_entry *e, const char *name, size_t lineno,
    const char *p, size_t len)
{
	struct field f[5];
	size_t nf = 0, i = 0;
	char a[128];
	int k;

	while (i < len) {
		size_t start;

		while (i < len && is_blank(p[i]))
			i++;
		if (i == len || p[i] == '#')
			break;
		start = i;
		while (i < len && !is_blank(p[i]) && p[i] != '#')
			i++;
		if (nf == 4) {
			f[4].p = p + start;
			f[4].len = i - start;
			show(a, sizeof(a), &f[4]);
			return vifs_error_set(VIFS_EPARSE,
			    "%s:%zu: unexpected "
			    "'%s' after the four fields (vendor device reset "
			    "shareable)",
			    name, lineno, a);
		}
		f[nf].p = p + start;
		f[nf].len = i - start;
		nf++;
	}
	if (nf == 0)
		return 0;
	if (nf < 4)
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: %zu field%s, "
		    "expected four: vendor device reset shareable",
		    name, lineno, nf, nf == 1 ? "" : "s");
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	if (hex4(&e->vendor, &f[0]) != 0) {
		show(a, sizeof(a), &f[0]);
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: vendor id '%s' is "
		    "not 4 hex digits",
		    name, lineno, a);
	}
	if (e->vendor == 0xffff)
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: vendor id ffff "
		    "names no vendor (ffff is a wildcard for the device id "
		    "only)",
		    name, lineno);
	if (hex4(&e->device, &f[1]) != 0) {
		show(a, sizeof(a), &f[1]);
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: device id '%s' is "
		    "not 4 hex digits",
		    name, lineno, a);
	}
	e->device_any = e->device == 0xffff;
	if ((k = keyword(reset_names, NRESET, &f[2])) < 0) {
		show(a, sizeof(a), &f[2]);
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: unknown reset "
		    "method '%s' (flr, d3d0, link, bridge, default)",
		    name, lineno, a);
	}
	e->reset = (enum vifs_reset_method)k;
	if ((k = keyword(share_names, NSHARE, &f[3])) < 0) {
		show(a, sizeof(a), &f[3]);
		return vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: unknown shareable "
		    "value '%s' (true, default, false)",
		    name, lineno, a);
	}
	e->shareable = (enum vifs_shareable)k;
	return 1;
}

int
vifs_passthru_map_parse(vifs_passthru_map **out, const char *name,
    const char *buf, size_t len)
{
	vifs_passthru_map *map = NULL;
	size_t pos = 0, lineno = 0;
	int error = 0;

	if (out == NULL || (buf == NULL && len != 0))
		return vifs_error_set(VIFS_EINVAL, "passthru.map: no input");
	*out = NULL;
	if (name == NULL)
		name = "passthru.map";
	if ((map = calloc(1, sizeof(*map))) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		struct vifs_passthru_map_entry e;
		const char *nul;
		int r;

		pos += n + (nl != NULL);
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if ((nul = memchr(line, '\0', n)) != NULL) {
			error = vifs_error_set(VIFS_EPARSE,
			    "%s:%zu: NUL byte "
			    "at column %zu",
			    name, lineno, (size_t)(nul - line) + 1);
			goto done;
		}
		if ((r = parse_line(&e, name, lineno, line, n)) < 0) {
			error = r;
			goto done;
		}
		if (r == 1 && (error = map_push(map, &e)) < 0)
			goto done;
	}
	*out = map;
	map = NULL;
done:
	vifs_passthru_map_free(map);
	return error;
}

int
vifs_passthru_map_open(vifs_passthru_map **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	if (out == NULL || path == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru.map: no path");
	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_passthru_map_parse(out, path, buf, len);
	free(buf);
	return error;
}

size_t
vifs_passthru_map_count(const vifs_passthru_map *map)
{
	return map ? map->n : 0;
}

const struct vifs_passthru_map_entry *
vifs_passthru_map_get(const vifs_passthru_map *map, size_t i)
{
	if (map == NULL || i >= map->n)
		return NULL;
	return &map->e[i];
}

const struct vifs_passthru_map_entry *
vifs_passthru_map_lookup(const vifs_passthru_map *map, uint16_t vendor,
    uint16_t device)
{
	const struct vifs_passthru_map_entry *any = NULL;

	if (map == NULL)
		return NULL;
	/* From the end: a later line overrides an earlier one. */
	for (size_t i = map->n; i-- > 0;) {
		const struct vifs_passthru_map_entry *e = &map->e[i];

		if (e->vendor != vendor)
			continue;
		if (!e->device_any && e->device == device)
			return e;
		if (e->device_any && any == NULL)
			any = e;
	}
	return any;
}

void
vifs_passthru_map_free(vifs_passthru_map *map)
{
	if (map == NULL)
		return;
	free(map->e);
	free(map);
}
