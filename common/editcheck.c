/*
 * editcheck.c - the lint of an edit: which findings of the original
 * document the edit touches (changes, removes, or spells the key of).
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
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

/* Parses a decimal number at *P (up to END); 0 when there is none. */
static size_t
number(const char **p, const char *end)
{
	size_t v = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (v > ((size_t)-1 - 9) / 10)
			return 0;
		v = v * 10 + (size_t)(**p - '0');
		(*p)++;
	}
	return v;
}

/* "S[,C]" of a hunk header: the first line and the count (1 when left
 * out). */
static void
hunk_range(const char **p, const char *end, size_t *start, size_t *count)
{
	*start = number(p, end);
	*count = 1;
	if (*p < end && **p == ',') {
		(*p)++;
		*count = number(p, end);
	}
}

/* Adds the key of line INDEX (0-based) of DOC, when it is an entry. */
static int
add_key(struct spans *keys, const vifs_esxconf *doc, size_t index)
{
	struct vifs_esxconf_line l;

	if (vifs_esxconf_line(&l, doc, index) < 0 ||
	    l.kind != VIFS_ESXCONF_ENTRY)
		return VIFS_OK;
	return spans_add(keys, l.key, l.key_len);
}

/*
 * Marks in TOUCHED the lines of BEFORE that the diff (context 0) removes
 * or replaces, and collects the keys of removed and added lines.
 */
static int
mark_hunks(struct vifs_editcheck *c, unsigned char *touched, size_t nlines,
    struct spans *keys, const vifs_esxconf *before, const vifs_esxconf *after,
    const char *diff, size_t diff_len)
{
	const char *p = diff, *end = diff + diff_len;
	int error = 0;

	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p > 4 && memcmp(p, "@@ -", 4) == 0) {
			const char *q = p + 4;
			size_t a, ac, b, bc, i;

			hunk_range(&q, eol, &a, &ac);
			if (q + 2 <= eol && q[0] == ' ' && q[1] == '+') {
				q += 2;
				hunk_range(&q, eol, &b, &bc);
			} else {
				b = bc = 0;
			}
			for (i = 0; i < ac && error == 0; i++) {
				if (a + i >= 1 && a + i <= nlines)
					touched[a + i - 1] = 1;
				c->removed++;
				if (a + i >= 1)
					error = add_key(keys, before,
					    a + i - 1);
			}
			for (i = 0; i < bc && error == 0; i++) {
				c->added++;
				if (b + i >= 1)
					error = add_key(keys, after, b + i - 1);
			}
		}
		p = nl ? nl + 1 : end;
	}
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
	unsigned char *touched = NULL;
	char *a = NULL, *b = NULL, *diff = NULL;
	size_t a_len, b_len, diff_len = 0, nlines, i;
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
	if ((error = vifs_esxconf_serialize(&a, &a_len, before)) < 0 ||
	    (error = vifs_esxconf_serialize(&b, &b_len, after)) < 0 ||
	    (error = vifs_diff_unified(&diff, &diff_len, a, a_len, b, b_len,
	         "a", "b", 0)) < 0)
		goto done;
	if ((error = mark_hunks(c, touched, nlines, &keys, before, after, diff,
	         diff_len)) < 0)
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
	free(a);
	free(b);
	free(diff);
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
