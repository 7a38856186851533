/*
 * esxconf_query.c - reading an esx.conf model: line views, key lookups,
 * values and the walk over the entries under a prefix.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "esxconf_int.h"
#include "internal.h"
/* --- queries ---------------------------------------------------------- */

void
esxconf_view(struct vifs_esxconf_line *out, const struct core *c,
    const struct rec *r, size_t lineno, size_t origin)
{
	const char *text = rec_text(c, r);
	struct esxconf_scan sc;

	if (r->word & F_SHAPED) {
		/* key = "value": what scan() would find, known. */
		sc.kind = VIFS_ESXCONF_ENTRY;
		sc.key_off = 0;
		sc.key_len = r->klen;
		sc.val_off = (size_t)r->klen + 4;
		sc.val_len = r->len - sc.val_off - 1;
		sc.quoted = 1;
	} else {
		esxconf_scan_line(&sc, text, r->len);
	}
	memset(out, 0, sizeof(*out));
	out->kind = sc.kind;
	out->lineno = lineno;
	out->origin = origin;
	out->text = text;
	out->text_len = r->len;
	if (sc.kind == VIFS_ESXCONF_ENTRY) {
		out->key = text + sc.key_off;
		out->key_len = sc.key_len;
		out->raw_value = text + sc.val_off;
		out->raw_value_len = sc.val_len;
		out->quoted = sc.quoted;
	}
}

/* The view of line ID of a compacted document. */
static void
fill_view(struct vifs_esxconf_line *out, const struct core *c, uint32_t id,
    size_t lineno)
{
	uint32_t o = esxconf_origin(c, id);

	esxconf_view(out, c, rec_of(c, id), lineno,
	    o == NONE ? 0 : (size_t)o + 1);
}

int
vifs_esxconf_line(struct vifs_esxconf_line *out, const vifs_esxconf *doc,
    size_t index)
{
	int error;

	if (out == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	if ((error = esxconf_compact(doc->c)) < 0)
		return error;
	if (index >= doc->c->nbase)
		return vifs_error_set(VIFS_ENOTFOUND,
		    "%s: no line %zu (it "
		    "has %zu)",
		    doc->name, index + 1, doc->c->lines);
	fill_view(out, doc->c, (uint32_t)index, index + 1);
	return VIFS_OK;
}

/* Copies KEY into BUF for a message, escaping what is not printable. */
const char *
esxconf_shown(char *buf, size_t size, const char *key, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];

		if (o + 8 > size) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (ch >= 0x20 && ch < 0x7f) {
			buf[o++] = (char)ch;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

int
vifs_esxconf_find(size_t *out, const vifs_esxconf *doc, const char *key)
{
	char kb[128];
	uint32_t id;
	int error;

	if (out == NULL || doc == NULL || key == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no key");
	if ((error = esxconf_compact(doc->c)) < 0 ||
	    (error = esxconf_lookup(&id, doc->c, key, strlen(key), NULL)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, esxconf_shown(kb, sizeof(kb), key, strlen(key)));
	*out = id;
	return VIFS_OK;
}

int
vifs_esxconf_get(char **out, const vifs_esxconf *doc, const char *key)
{
	struct esxconf_scan sc;
	const struct rec *r;
	const char *text;
	char kb[128];
	size_t len;
	uint32_t id;
	int error;

	if (out == NULL || doc == NULL || key == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no key");
	*out = NULL;
	if ((error = esxconf_lookup(&id, doc->c, key, strlen(key), NULL)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, esxconf_shown(kb, sizeof(kb), key, strlen(key)));
	r = rec_of(doc->c, id);
	text = rec_text(doc->c, r);
	esxconf_scan_line(&sc, text, r->len);
	return vifs_esxconf_unescape(out, &len, text + sc.val_off, sc.val_len);
}

int
vifs_esxconf_foreach(const vifs_esxconf *doc, const char *prefix,
    vifs_esxconf_cb cb, void *payload)
{
	struct vifs_esxconf_line view;
	const struct core *c;
	size_t plen = prefix ? strlen(prefix) : 0;
	uint32_t id;
	int error;

	if (doc == NULL || cb == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no callback");
	if ((error = esxconf_compact(doc->c)) < 0)
		return error;
	c = doc->c;
	for (id = 0; id < c->nbase; id++) {
		const struct rec *r = &c->recs[id];

		if (rec_kind(r) != VIFS_ESXCONF_ENTRY || r->klen < plen ||
		    (plen > 0 && memcmp(rec_key(c, r), prefix, plen) != 0))
			continue;
		fill_view(&view, c, id, (size_t)id + 1);
		if ((error = cb(&view, payload)) != 0)
			return error;
	}
	return 0;
}
