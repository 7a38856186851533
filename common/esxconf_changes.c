/*
 * esxconf_changes.c - what an edit changed: the lines of the original
 * document an edit removed or changed and the lines it added, read from
 * the model's own record of where every line came from; and the same
 * for two whole documents, compared by key.
 *
 * An edit's changes come by stretches between two lines the edit left
 * alone: the original lines of the stretch that are gone or read
 * otherwise, and the lines there now.  A line of the stretch that reads
 * exactly as one gone line of it (a key removed, then set again to the
 * same line) cancels with it, as a line diff of the two texts would find.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "esxconf_int.h"
#include "internal.h"

struct vifs_esxconf_changes {
	struct vifs_esxconf_change *v;
	size_t n, cap;
	size_t removed, added;
};

static int
push(struct vifs_esxconf_changes *ch, enum vifs_esxconf_change_kind kind,
    const struct vifs_esxconf_line *was, const struct vifs_esxconf_line *now)
{
	struct vifs_esxconf_change *c;

	int error;

	if ((error = vifs_array_grow(&ch->v, &ch->cap, ch->n + 1,
	         sizeof(*ch->v))) < 0)
		return error;
	c = &ch->v[ch->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	if (was != NULL)
		c->was = *was;
	if (now != NULL)
		c->now = *now;
	ch->removed += kind != VIFS_ESXCONF_ADDED;
	ch->added += kind != VIFS_ESXCONF_REMOVED;
	return VIFS_OK;
}

/* --- the changes of an edit -------------------------------------------- */

/* One line of a stretch: an original line (ORIG side) or a line now (CUR
 * side).  PAIR is the index of the same line on the other side for a
 * changed line, else -1. */
struct item {
	const struct rec *r;
	uint32_t line; /* 0-based: original line (ORIG), current line (CUR) */
	uint64_t hash;
	long pair;
	int cancelled;
};

struct side {
	struct item *v;
	size_t n, cap;
};

/* Lines of a stretch beyond which no cancelling is tried (the line diff
 * gives up on such stretches too). */
#define CANCEL_MAX ((size_t)1 << 24)

static uint64_t
rec_hash(const struct core *c, const struct rec *r)
{
	return esxconf_hash_key(rec_text(c, r), r->len) ^ rec_eol(r);
}

static int
rec_same(const struct core *c, const struct rec *a, const struct rec *b)
{
	return a->len == b->len && rec_eol(a) == rec_eol(b) &&
	    memcmp(rec_text(c, a), rec_text(c, b), a->len) == 0;
}

static int
side_add(struct side *s, const struct core *c, const struct rec *r,
    uint32_t line, long pair)
{
	struct item *it;
	int error;

	if ((error = vifs_array_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v))) <
	    0)
		return error;
	it = &s->v[s->n++];
	it->r = r;
	it->line = line;
	it->hash = rec_hash(c, r);
	it->pair = pair;
	it->cancelled = 0;
	return VIFS_OK;
}

/* The record as parsed of base line ID whose text an edit replaced, or
 * NULL when the line reads as it was parsed. */
static const struct rec *
changed_from(const struct core *c, uint32_t id)
{
	const struct rec *r = &c->recs[id], *o;

	if (!(r->word & F_OWNED))
		return NULL;
	o = &c->owned_orig[r->word & OFF_MASK];
	return rec_same(c, o, r) ? NULL : o;
}

/* Cancels lines of CUR with equal lines of ORIG, in order, then records
 * what is left of the stretch in CH and empties both sides. */
static int
flush(struct vifs_esxconf_changes *ch, const struct core *c, struct side *orig,
    struct side *cur)
{
	struct vifs_esxconf_line was, now;
	size_t i, k, from = 0;
	int error = 0;

	if (orig->n > 0 && cur->n > 0 && orig->n * cur->n <= CANCEL_MAX)
		for (i = 0; i < cur->n; i++)
			for (k = from; k < orig->n; k++) {
				if (orig->v[k].hash != cur->v[i].hash ||
				    !rec_same(c, orig->v[k].r, cur->v[i].r))
					continue;
				orig->v[k].cancelled = 1;
				cur->v[i].cancelled = 1;
				from = k + 1;
				break;
			}
	for (k = 0; k < orig->n && error == 0; k++) {
		const struct item *it = &orig->v[k];

		if (it->cancelled ||
		    (it->pair >= 0 && !cur->v[it->pair].cancelled))
			continue;
		esxconf_view(&was, c, it->r, (size_t)it->line + 1,
		    (size_t)it->line + 1);
		error = push(ch, VIFS_ESXCONF_REMOVED, &was, NULL);
	}
	for (i = 0; i < cur->n && error == 0; i++) {
		const struct item *it = &cur->v[i];
		uint32_t o = esxconf_origin(c, it->line);

		if (it->cancelled)
			continue;
		esxconf_view(&now, c, it->r, (size_t)it->line + 1,
		    o == NONE ? 0 : (size_t)o + 1);
		if (it->pair >= 0 && !orig->v[it->pair].cancelled) {
			const struct item *w = &orig->v[it->pair];

			esxconf_view(&was, c, w->r, (size_t)w->line + 1,
			    (size_t)w->line + 1);
			error = push(ch, VIFS_ESXCONF_CHANGED, &was, &now);
		} else {
			error = push(ch, VIFS_ESXCONF_ADDED, NULL, &now);
		}
	}
	orig->n = cur->n = 0;
	return error;
}

static int
gone_cmp(const void *a, const void *b)
{
	const struct gone *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* Moves the gone original lines before original line UPTO to ORIG. */
static int
take_gone(struct side *orig, const struct core *c, size_t *gi, uint32_t upto)
{
	int error = 0;

	while (error == 0 && *gi < c->ngone && c->gone[*gi].line < upto) {
		error = side_add(orig, c, &c->gone[*gi].r, c->gone[*gi].line,
		    -1);
		(*gi)++;
	}
	return error;
}

static int
edit_changes(struct vifs_esxconf_changes *ch, struct core *c)
{
	struct side orig = { NULL, 0, 0 }, cur = { NULL, 0, 0 };
	size_t gi = 0;
	uint32_t j, run = 0;
	int error;

	if ((error = esxconf_compact(c)) < 0)
		return error;
	/* Gone lines come by compaction; each one's are in order. */
	if (c->ngone > 1)
		qsort(c->gone, c->ngone, sizeof(*c->gone), gone_cmp);
	for (j = 0; j < c->nbase && error == 0; j++) {
		uint32_t o = esxconf_origin_walk(c, j, &run);
		const struct rec *was;

		if (o == NONE) {
			error = side_add(&cur, c, &c->recs[j], j, -1);
			continue;
		}
		if ((error = take_gone(&orig, c, &gi, o)) < 0)
			break;
		if ((was = changed_from(c, j)) == NULL) {
			/* A line the edit left alone ends the stretch. */
			if (orig.n > 0 || cur.n > 0)
				error = flush(ch, c, &orig, &cur);
			continue;
		}
		if ((error = side_add(&orig, c, was, o, (long)cur.n)) < 0 ||
		    (error = side_add(&cur, c, &c->recs[j], j,
		         (long)orig.n - 1)) < 0)
			break;
	}
	if (error == 0 && (error = take_gone(&orig, c, &gi, NONE)) == 0)
		error = flush(ch, c, &orig, &cur);
	free(orig.v);
	free(cur.v);
	return error;
}

int
vifs_esxconf_edits(vifs_esxconf_changes **out, const vifs_esxconf *doc)
{
	struct vifs_esxconf_changes *ch;
	int error = 0;

	if (out == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (doc->c->modified && (error = edit_changes(ch, doc->c)) < 0) {
		vifs_esxconf_changes_free(ch);
		return error;
	}
	*out = ch;
	return VIFS_OK;
}

/* --- two documents, by key ---------------------------------------------- */

/*
 * A line of one document for the comparison: entries are known by key
 * and the rank of the occurrence, other lines by their text.
 */
struct keyed {
	const char *key; /* the key of an entry, else the text */
	uint32_t klen;
	uint32_t line; /* 0-based */
	int entry;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int r;

	if (x->entry != y->entry)
		return x->entry ? -1 : 1;
	if ((r = key_cmp(x->key, x->klen, y->key, y->klen)) != 0)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Compares the kind and key (or text) of two lines, not their places. */
static int
keyed_key_cmp(const struct keyed *x, const struct keyed *y)
{
	if (x->entry != y->entry)
		return x->entry ? -1 : 1;
	return key_cmp(x->key, x->klen, y->key, y->klen);
}

/* The lines of C, sorted by kind, key (or text) and line. */
static int
keyed_lines(struct keyed **out, const struct core *c)
{
	struct keyed *v;
	uint32_t j;

	*out = NULL;
	if ((v = malloc((c->nbase ? c->nbase : 1) * sizeof(*v))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (j = 0; j < c->nbase; j++) {
		const struct rec *r = &c->recs[j];

		v[j].line = j;
		v[j].entry = rec_kind(r) == VIFS_ESXCONF_ENTRY;
		v[j].key = v[j].entry ? rec_key(c, r) : rec_text(c, r);
		v[j].klen = v[j].entry ? r->klen : r->len;
	}
	if (c->nbase > 1)
		qsort(v, c->nbase, sizeof(*v), keyed_cmp);
	*out = v;
	return VIFS_OK;
}

static void
line_view(struct vifs_esxconf_line *out, const struct core *c, uint32_t j)
{
	uint32_t o = esxconf_origin(c, j);

	esxconf_view(out, c, &c->recs[j], (size_t)j + 1,
	    o == NONE ? 0 : (size_t)o + 1);
}

/* Order of the comparison's changes: removed lines by their line in the
 * first document, then the others by their line in the second. */
static int
change_cmp(const void *a, const void *b)
{
	const struct vifs_esxconf_change *x = a, *y = b;
	int xr = x->kind == VIFS_ESXCONF_REMOVED;
	int yr = y->kind == VIFS_ESXCONF_REMOVED;
	size_t xl = xr ? x->was.lineno : x->now.lineno;
	size_t yl = yr ? y->was.lineno : y->now.lineno;

	if (xr != yr)
		return xr ? -1 : 1;
	return xl < yl ? -1 : xl > yl;
}

static int
keyed_changes(struct vifs_esxconf_changes *ch, struct core *a, struct core *b)
{
	struct keyed *ka = NULL, *kb = NULL;
	struct vifs_esxconf_line was, now;
	size_t i = 0, k = 0;
	int error;

	if ((error = esxconf_compact(a)) < 0 ||
	    (error = esxconf_compact(b)) < 0 ||
	    (error = keyed_lines(&ka, a)) < 0 ||
	    (error = keyed_lines(&kb, b)) < 0)
		goto done;
	while (error == 0 && (i < a->nbase || k < b->nbase)) {
		int r = i == a->nbase ? 1 :
		    k == b->nbase     ? -1 :
		                        keyed_key_cmp(&ka[i], &kb[k]);

		if (r == 0) {
			/* The same key or text, its next occurrence on
			 * each side: the same line if it reads the same. */
			const struct rec *ra = &a->recs[ka[i].line];
			const struct rec *rb = &b->recs[kb[k].line];

			if (ra->len != rb->len || rec_eol(ra) != rec_eol(rb) ||
			    memcmp(rec_text(a, ra), rec_text(b, rb), ra->len) !=
			        0) {
				line_view(&was, a, ka[i].line);
				line_view(&now, b, kb[k].line);
				error = push(ch, VIFS_ESXCONF_CHANGED, &was,
				    &now);
			}
			i++;
			k++;
		} else if (r < 0) {
			line_view(&was, a, ka[i++].line);
			error = push(ch, VIFS_ESXCONF_REMOVED, &was, NULL);
		} else {
			line_view(&now, b, kb[k++].line);
			error = push(ch, VIFS_ESXCONF_ADDED, NULL, &now);
		}
	}
	if (error == 0 && ch->n > 1)
		qsort(ch->v, ch->n, sizeof(*ch->v), change_cmp);
done:
	free(ka);
	free(kb);
	return error;
}

int
vifs_esxconf_compare(vifs_esxconf_changes **out, const vifs_esxconf *before,
    const vifs_esxconf *after)
{
	struct vifs_esxconf_changes *ch;
	const struct core *a, *b;
	int error = 0;

	if (out == NULL || before == NULL || after == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	a = before->c;
	b = after->c;
	/* AFTER an edit of the very text BEFORE holds: its own changes. */
	if (before != after && !a->modified && a->base_len == b->base_len &&
	    memcmp(a->base, b->base, a->base_len) == 0)
		return vifs_esxconf_edits(out, after);
	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (before != after &&
	    (error = keyed_changes(ch, before->c, after->c)) < 0) {
		vifs_esxconf_changes_free(ch);
		return error;
	}
	*out = ch;
	return VIFS_OK;
}

size_t
vifs_esxconf_changes_count(const vifs_esxconf_changes *ch)
{
	return ch ? ch->n : 0;
}

const struct vifs_esxconf_change *
vifs_esxconf_changes_get(const vifs_esxconf_changes *ch, size_t i)
{
	return ch != NULL && i < ch->n ? &ch->v[i] : NULL;
}

size_t
vifs_esxconf_changes_removed(const vifs_esxconf_changes *ch)
{
	return ch ? ch->removed : 0;
}

size_t
vifs_esxconf_changes_added(const vifs_esxconf_changes *ch)
{
	return ch ? ch->added : 0;
}

void
vifs_esxconf_changes_free(vifs_esxconf_changes *ch)
{
	if (ch == NULL)
		return;
	free(ch->v);
	free(ch);
}
