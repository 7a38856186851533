/*
 * audit_baseline.c - baselines: the esx.conf entries a host must have
 * (or must not have), parsed with the esx.conf line scanner and checked
 * for duplicate keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>

#include "audit_int.h"
#include "internal.h"

void
vifs_baseline_free(vifs_baseline *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].key);
		free(b->v[i].value);
	}
	free(b->v);
	free(b->name);
	free(b);
}

size_t
vifs_baseline_count(const vifs_baseline *b)
{
	return b->n;
}

const char *
vifs_baseline_name(const vifs_baseline *b)
{
	return b->name;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Appends a rule; keys given twice are found later by dup_check(). */
static int
add_rule(vifs_baseline *b, enum vifs_baseline_rule kind, const char *key,
    size_t key_len, size_t line)
{
	struct audit_rule *r;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		void *p = realloc(b->v, cap * sizeof(*b->v));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		b->v = p;
		b->cap = cap;
	}
	r = &b->v[b->n];
	memset(r, 0, sizeof(*r));
	if ((r->key = vifs_strndup(key, key_len)) == NULL)
		return VIFS_ENOMEM;
	r->kind = kind;
	r->line = line;
	b->n++;
	return VIFS_OK;
}

static int
check_key(const vifs_baseline *b, size_t line, const char *key)
{
	if (!vifs_esxconf_key_valid(key))
		return vifs_error_wrap(VIFS_EPARSE, "%s:%zu", b->name, line);
	return VIFS_OK;
}

static int
cmp_rule_key(const void *a, const void *b)
{
	const struct audit_rule *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* Refuses a key given twice: sorted pointers, so that big baselines are
 * not quadratic. */
static int
dup_check(vifs_baseline *b)
{
	const struct audit_rule **idx;
	int error = 0;

	if (b->n < 2)
		return VIFS_OK;
	if ((idx = malloc(b->n * sizeof(*idx))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->n; i++)
		idx[i] = &b->v[i];
	qsort(idx, b->n, sizeof(*idx), cmp_rule_key);
	for (size_t i = 1; i < b->n; i++) {
		if (strcmp(idx[i - 1]->key, idx[i]->key) != 0)
			continue;
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: %s is already at line %zu", b->name,
		    idx[i - 1]->line > idx[i]->line ? idx[i - 1]->line :
		                                      idx[i]->line,
		    idx[i]->key,
		    idx[i - 1]->line < idx[i]->line ? idx[i - 1]->line :
		                                      idx[i]->line);
		break;
	}
	free(idx);
	return error;
}

/* A "!key" line (text TEXT of LEN bytes, blanks and comment allowed). */
static int
absent_rule(vifs_baseline *b, const char *text, size_t len, size_t line)
{
	size_t i = 0, k;
	char *key = NULL;
	int error;

	while (i < len && is_blank(text[i]))
		i++;
	i++; /* the '!' */
	k = i;
	while (i < len && !is_blank(text[i]) && text[i] != '#')
		i++;
	if ((key = vifs_strndup(text + k, i - k)) == NULL)
		return VIFS_ENOMEM;
	while (i < len && is_blank(text[i]))
		i++;
	if (i < len && text[i] != '#') {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: a '!key' line names one key and no value", b->name,
		    line);
		goto done;
	}
	if ((error = check_key(b, line, key)) < 0)
		goto done;
	error = add_rule(b, VIFS_BASELINE_ABSENT, key, strlen(key), line);
done:
	free(key);
	return error;
}

static int
entry_rule(vifs_baseline *b, const struct vifs_esxconf_line *l)
{
	struct audit_rule *r;
	char *key = NULL;
	int error;

	if ((key = vifs_strndup(l->key, l->key_len)) == NULL)
		return VIFS_ENOMEM;
	if (key[0] == '!') {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: a '!key' line names one key and no value", b->name,
		    l->lineno);
		goto done;
	}
	if (memchr(l->key, '\0', l->key_len) != NULL) {
		error = vifs_error_set(VIFS_EPARSE, "%s:%zu: a NUL byte",
		    b->name, l->lineno);
		goto done;
	}
	if ((error = check_key(b, l->lineno, key)) < 0)
		goto done;
	if (l->raw_value_len == 1 && l->raw_value[0] == '*') {
		error = add_rule(b, VIFS_BASELINE_EXISTS, key, strlen(key),
		    l->lineno);
		goto done;
	}
	if ((error = add_rule(b, VIFS_BASELINE_EQUALS, key, strlen(key),
	         l->lineno)) < 0)
		goto done;
	r = &b->v[b->n - 1];
	error = vifs_esxconf_unescape(&r->value, &r->value_len, l->raw_value,
	    l->raw_value_len);
done:
	free(key);
	return error;
}

int
vifs_baseline_parse(vifs_baseline **out, const char *name, const char *buf,
    size_t len)
{
	vifs_baseline *b = NULL;
	vifs_esxconf *doc = NULL;
	size_t n;
	int error;

	*out = NULL;
	if (buf == NULL && len > 0)
		return vifs_error_set(VIFS_EINVAL, "no baseline");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((b->name = vifs_strdup(name ? name : "baseline")) == NULL) {
		error = VIFS_ENOMEM;
		goto fail;
	}
	if ((error = vifs_esxconf_parse(&doc, b->name, buf ? buf : "", len)) <
	    0)
		goto fail;
	n = vifs_esxconf_line_count(doc);
	for (size_t i = 0; i < n; i++) {
		struct vifs_esxconf_line l;
		size_t k = 0;

		if ((error = vifs_esxconf_line(&l, doc, i)) < 0)
			goto fail;
		switch (l.kind) {
		case VIFS_ESXCONF_BLANK:
		case VIFS_ESXCONF_COMMENT:
			continue;
		case VIFS_ESXCONF_ENTRY:
			error = entry_rule(b, &l);
			break;
		case VIFS_ESXCONF_MALFORMED:
			while (k < l.text_len && is_blank(l.text[k]))
				k++;
			if (k < l.text_len && l.text[k] == '!')
				error = absent_rule(b, l.text, l.text_len,
				    l.lineno);
			else
				error = vifs_error_set(VIFS_EPARSE,
				    "%s:%zu: not a rule (KEY = \"VALUE\", "
				    "KEY = \"*\" or !KEY)",
				    b->name, l.lineno);
			break;
		}
		if (error < 0)
			goto fail;
	}
	if ((error = dup_check(b)) < 0)
		goto fail;
	vifs_esxconf_free(doc);
	*out = b;
	return VIFS_OK;
fail:
	vifs_esxconf_free(doc);
	vifs_baseline_free(b);
	return error;
}

int
vifs_baseline_open(vifs_baseline **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_baseline_parse(out, path, buf, len);
	free(buf);
	return error;
}
