/*
 * editcheck.c - the lint of an edit: which findings of the original
 * document the edit touches (changes, removes, or spells the key of),
 * from the changes the esx.conf model recorded (vifs_esxconf_compare()).
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/remoteedit.h>

#include "internal.h"

/* --- lint of an edit --------------------------------------------------- */

struct vifs_editcheck {
	vifs_lint *lint;
	struct vifs_editcheck_item *v;
	size_t n, refusals, removed, added;
};

/* A key the edit sets, adds or removes; borrowed from a document. */
struct span {
	const char *p;
	size_t len;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static int
spans_add(struct spans *s, const char *p, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct span *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].p = p;
	s->v[s->n++].len = len;
	return VIFS_OK;
}

/*
 * Marks in TOUCHED the lines of the original that the changes CH remove
 * or change, and collects the keys of the lines they remove, change or
 * add.
 */
static int
mark_changes(struct vifs_editcheck *c, unsigned char *touched, size_t nlines,
    struct spans *keys, const vifs_esxconf_changes *ch)
{
	int error = 0;

	for (size_t i = 0; i < vifs_esxconf_changes_count(ch) && error == 0;
	     i++) {
		const struct vifs_esxconf_change
		    *x = vifs_esxconf_changes_get(ch, i);

		if (x->kind != VIFS_ESXCONF_ADDED) {
			if (x->was.lineno >= 1 && x->was.lineno <= nlines)
				touched[x->was.lineno - 1] = 1;
			if (x->was.kind == VIFS_ESXCONF_ENTRY)
				error = spans_add(keys, x->was.key,
				    x->was.key_len);
		}
		if (error == 0 && x->kind != VIFS_ESXCONF_REMOVED &&
		    x->now.kind == VIFS_ESXCONF_ENTRY)
			error = spans_add(keys, x->now.key, x->now.key_len);
	}
	c->removed = vifs_esxconf_changes_removed(ch);
	c->added = vifs_esxconf_changes_added(ch);
	return error;
}

/* A byte that may continue a key component (so "KEY" + it is another
 * key, not KEY followed by junk). */
static int
key_continues(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' ||
	    ch == '/' || ch == '[' || ch == ']' || ch == ':' || ch >= 0x80;
}

/* 1 when malformed line TEXT begins (after blanks) with one of KEYS. */
static int
malformed_names_key(const char *text, size_t len, const struct spans *keys)
{
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	for (size_t i = 0; i < keys->n; i++) {
		const struct span *k = &keys->v[i];

		if (k->len == 0 || k->len > len ||
		    memcmp(text, k->p, k->len) != 0)
			continue;
		if (k->len == len ||
		    !key_continues((unsigned char)text[k->len]))
			return 1;
	}
	return 0;
}

int
vifs_remoteedit_check(vifs_editcheck **out, const vifs_esxconf *before,
    const vifs_esxconf *after)
{
	struct vifs_editcheck *c;
	struct spans keys = { NULL, 0, 0 };
	vifs_esxconf_changes *ch = NULL;
	unsigned char *touched = NULL;
	size_t nlines, i;
	int error = 0;

	*out = NULL;
	if (before == NULL || after == NULL)
		return vifs_error_set(VIFS_EINVAL, "edit check: no document");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((error = vifs_esxconf_lint(&c->lint, before)) < 0)
		goto done;
	nlines = vifs_esxconf_line_count(before);
	if ((touched = calloc(nlines ? nlines : 1, 1)) == NULL ||
	    (c->v = calloc(vifs_lint_count(c->lint) + 1, sizeof(*c->v))) ==
	        NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = vifs_esxconf_compare(&ch, before, after)) < 0 ||
	    (error = mark_changes(c, touched, nlines, &keys, ch)) < 0)
		goto done;
	for (i = 0; i < vifs_lint_count(c->lint); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(c->lint, i);
		struct vifs_editcheck_item *it = &c->v[c->n++];
		struct vifs_esxconf_line l;

		it->rule = f->rule;
		it->severity = f->severity;
		it->line = f->line;
		it->message = f->message;
		if (f->line >= 1 && f->line <= nlines) {
			if (touched[f->line - 1])
				it->touched = VIFS_EDIT_CHANGED;
			else if (vifs_esxconf_line(&l, before, f->line - 1) ==
			        0 &&
			    l.kind == VIFS_ESXCONF_MALFORMED &&
			    malformed_names_key(l.text, l.text_len, &keys))
				it->touched = VIFS_EDIT_SAME_KEY;
		}
		if (it->touched && it->severity == VIFS_LINT_ERROR)
			c->refusals++;
	}
	*out = c;
	c = NULL;
done:
	free(keys.v);
	free(touched);
	vifs_esxconf_changes_free(ch);
	vifs_editcheck_free(c);
	return error;
}

size_t
vifs_editcheck_count(const vifs_editcheck *c)
{
	return c ? c->n : 0;
}

const struct vifs_editcheck_item *
vifs_editcheck_get(const vifs_editcheck *c, size_t i)
{
	if (c == NULL || i >= c->n)
		return NULL;
	return &c->v[i];
}

size_t
vifs_editcheck_refusals(const vifs_editcheck *c)
{
	return c ? c->refusals : 0;
}

size_t
vifs_editcheck_lines_removed(const vifs_editcheck *c)
{
	return c ? c->removed : 0;
}

size_t
vifs_editcheck_lines_added(const vifs_editcheck *c)
{
	return c ? c->added : 0;
}

void
vifs_editcheck_free(vifs_editcheck *c)
{
	if (c == NULL)
		return;
	vifs_lint_free(c->lint);
	free(c->v);
	free(c);
}
