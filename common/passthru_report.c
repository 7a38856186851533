/*
 * passthru_report.c - the report of a passthrough change: its refusals,
 * warnings and the count of keys changed.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "internal.h"
#include "passthru_int.h"
#include "utf8.h"
/* --- reports ---------------------------------------------------------- */

int
passthru_strlist_add(struct strlist *sl, char *s)
{
	char **p;

	if ((p = realloc(sl->v, (sl->n + 1) * sizeof(*p))) == NULL) {
		free(s);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	sl->v = p;
	sl->v[sl->n++] = s;
	return VIFS_OK;
}

void
passthru_strlist_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

/* Adds the text of B (taken over) to SL. */
int
passthru_strlist_take(struct strlist *sl, struct vifs_buf *b)
{
	char *s;

	if (b->data == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	s = vifs_buf_detach(b, NULL);
	return passthru_strlist_add(sl, s);
}

size_t
vifs_passthru_report_refusals(const vifs_passthru_report *r)
{
	return r ? r->refusals.n : 0;
}

const char *
vifs_passthru_report_refusal(const vifs_passthru_report *r, size_t i)
{
	if (r == NULL || i >= r->refusals.n)
		return NULL;
	return r->refusals.v[i];
}

size_t
vifs_passthru_report_warnings(const vifs_passthru_report *r)
{
	return r ? r->warnings.n : 0;
}

const char *
vifs_passthru_report_warning(const vifs_passthru_report *r, size_t i)
{
	if (r == NULL || i >= r->warnings.n)
		return NULL;
	return r->warnings.v[i];
}

size_t
vifs_passthru_report_changes(const vifs_passthru_report *r)
{
	return r ? r->changes : 0;
}

void
vifs_passthru_report_free(vifs_passthru_report *r)
{
	if (r == NULL)
		return;
	passthru_strlist_free(&r->refusals);
	passthru_strlist_free(&r->warnings);
	free(r);
}
