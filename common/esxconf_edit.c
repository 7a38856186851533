/*
 * esxconf_edit.c - editing an esx.conf model: key checks, setting and
 * removing keys by replacing, inserting or killing whole lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "esxconf_int.h"
#include "internal.h"
/* --- editing ---------------------------------------------------------- */

int
vifs_esxconf_key_valid(const char *key)
{
	char kb[128];
	const unsigned char *s;

	if (key == NULL) {
		vifs_error_set(VIFS_EINVAL, "no key given");
		return 0;
	}
	esxconf_shown(kb, sizeof(kb), key, strlen(key));
	if (key[0] != '/') {
		vifs_error_set(VIFS_EINVAL,
		    "key '%s' does not start with "
		    "'/'",
		    kb);
		return 0;
	}
	if (key[1] == '\0') {
		vifs_error_set(VIFS_EINVAL, "key '/' names no setting");
		return 0;
	}
	for (s = (const unsigned char *)key; *s != '\0'; s++) {
		const char *what = NULL;

		if (*s == ' ' || *s == '\t')
			what = "a blank";
		else if (*s < 0x20 || *s == 0x7f)
			what = "a control byte";
		else if (*s == '=' || *s == '"' || *s == '#')
			what = *s == '=' ? "'='" : *s == '"' ? "'\"'" : "'#'";
		if (what != NULL) {
			vifs_error_set(VIFS_EINVAL,
			    "key '%s' holds %s at "
			    "byte %zu",
			    kb, what,
			    (size_t)(s - (const unsigned char *)key) + 1);
			return 0;
		}
	}
	return 1;
}

/* Stores TEXT (malloc'ed, taken) in a new owned slot for the line whose
 * record was ORIG and returns the slot.  Never fails: the caller reserved
 * room with owned_reserve(). */
static size_t
owned_put(struct core *c, char *text, const struct rec *orig)
{
	c->owned[c->nowned] = text;
	c->owned_orig[c->nowned] = *orig;
	return c->nowned++;
}

static int
owned_reserve(struct core *c, size_t more)
{
	char **p;
	struct rec *o;
	size_t cap;

	if (c->nowned + more <= c->owned_cap)
		return VIFS_OK;
	cap = c->owned_cap ? c->owned_cap * 2 : 16;
	while (cap < c->nowned + more)
		cap *= 2;
	if ((p = realloc(c->owned, cap * sizeof(*p))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	c->owned = p;
	if ((o = realloc(c->owned_orig, cap * sizeof(*o))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	c->owned_orig = o;
	c->owned_cap = cap;
	return VIFS_OK;
}

/* Points record R at owned TEXT of LEN bytes, freeing its old text. */
static void
rec_own(struct core *c, struct rec *r, char *text, size_t len)
{
	size_t slot;

	if (r->word & F_OWNED) {
		slot = (size_t)(r->word & OFF_MASK);
		free(c->owned[slot]);
		c->owned[slot] = text;
	} else {
		slot = owned_put(c, text, r);
	}
	r->word = (r->word & ~(OFF_MASK | F_SHAPED)) | F_OWNED | (uint64_t)slot;
	r->len = (uint32_t)len;
}

static void
rec_kill(struct core *c, struct rec *r)
{
	if (r->word & F_OWNED) {
		size_t slot = (size_t)(r->word & OFF_MASK);

		free(c->owned[slot]);
		c->owned[slot] = NULL;
	}
	r->word |= F_DEAD;
	c->ndead++;
	c->lines--;
	c->entries--;
	c->dirty = 1;
}

/* 1 when the entries are in byte order of key. */
static int
check_sorted(const struct core *c)
{
	const char *pk = NULL;
	size_t pl = 0;
	struct walk w;
	uint32_t id;

	walk_init(&w, 0);
	while ((id = walk_next(c, &w)) != NONE) {
		const struct rec *r = rec_of(c, id);
		const char *k;

		if (rec_kind(r) != VIFS_ESXCONF_ENTRY)
			continue;
		k = rec_key(c, r);
		if (pk != NULL && key_cmp(pk, pl, k, r->klen) > 0)
			return 0;
		pk = k;
		pl = r->klen;
	}
	return 1;
}

static int
live_entry(const struct rec *r)
{
	return rec_kind(r) == VIFS_ESXCONF_ENTRY && !(r->word & F_DEAD);
}

/* First live base ENTRY id in [from, to), or TO. */
static uint32_t
next_entry(const struct core *c, uint32_t from, uint32_t to)
{
	while (from < to && !live_entry(&c->recs[from]))
		from++;
	return from;
}

static int
rec_cmp(const struct core *c, const struct rec *r, const char *key, size_t klen)
{
	return key_cmp(rec_key(c, r), r->klen, key, klen);
}

static uint32_t
anchor_pos(const struct core *c, uint32_t gap)
{
	uint32_t lo = 0, hi = c->nanch;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->anch[mid].gap < gap)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where a new line goes: right after line AFTER (an id, or HEAD for the
 * start of the document), which puts it in gap GAP. */
#define HEAD (UINT32_MAX - 1)

struct place {
	uint32_t after;
	uint32_t gap;
};

/* The record just before gap GAP's position at its end: the tail of its
 * chain, else base line GAP - 1, else HEAD. */
static uint32_t
gap_tail(const struct core *c, uint32_t gap, size_t *steps)
{
	uint32_t a = anchor_pos(c, gap), id, tail = NONE;

	if (a < c->nanch && c->anch[a].gap == gap)
		for (id = c->anch[a].first; id != NONE;
		     id = c->ins[id - c->nbase].next) {
			tail = id;
			(*steps)++;
		}
	if (tail != NONE)
		return tail;
	return gap == 0 ? HEAD : gap - 1;
}

/* Longest chain walk before a sorted insertion compacts instead. */
#define CHAIN_LIMIT 256

/*
 * Placement in a document whose live entries are in key order: binary
 * search over the base lines for P, the last live entry before KEY, and
 * Q, the next one; then the inserted lines between them.  Sets *again
 * when chains grew long and the document was compacted instead.
 */
static int
place_sorted(struct core *c, const char *key, size_t klen, struct place *pl,
    int *again)
{
	uint32_t lo = 0, hi = c->nbase, p = NONE, q, e, a, g, id, prev;
	uint32_t l = NONE, lgap = 0, f = NONE, fpred = NONE, fgap = 0;
	size_t steps = 0;

	*again = 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		e = next_entry(c, mid, hi);
		if (e == hi) {
			hi = mid;
		} else if (rec_cmp(c, &c->recs[e], key, klen) < 0) {
			p = e;
			lo = e + 1;
		} else {
			hi = mid;
		}
	}
	q = next_entry(c, p == NONE ? 0 : p + 1, c->nbase);
	g = p == NONE ? 0 : p + 1;
	for (a = anchor_pos(c, g); a < c->nanch && c->anch[a].gap <= q; a++) {
		g = c->anch[a].gap;
		prev = g == 0 ? HEAD : g - 1;
		for (id = c->anch[a].first; id != NONE;
		     prev = id, id = c->ins[id - c->nbase].next) {
			const struct rec *r = &c->ins[id - c->nbase].r;

			if (++steps > CHAIN_LIMIT) {
				*again = 1;
				return esxconf_compact(c);
			}
			if (r->word & F_DEAD)
				continue;
			if (rec_cmp(c, r, key, klen) < 0) {
				l = id;
				lgap = g;
				continue;
			}
			if (l == NONE && p == NONE) {
				f = id;
				fpred = prev;
				fgap = g;
			}
			goto found;
		}
	}
found:
	if (l != NONE) {
		pl->after = l;
		pl->gap = lgap;
	} else if (p != NONE) {
		pl->after = p;
		pl->gap = p + 1;
	} else if (f != NONE) {
		pl->after = fpred;
		pl->gap = fgap;
	} else {
		/* Before Q, or at the end when there is no entry at all. */
		pl->after = gap_tail(c, q, &steps);
		pl->gap = q;
	}
	if (steps > CHAIN_LIMIT) {
		*again = 1;
		return esxconf_compact(c);
	}
	return VIFS_OK;
}

/* Placement in any document: one walk over every line. */
static void
place_scan(const struct core *c, const char *key, size_t klen, struct place *pl)
{
	uint32_t id, prev = HEAD, prevgap = 0, l = NONE, lgap = 0;
	uint32_t f = NONE, fpred = NONE, fgap = 0;
	struct walk w;

	walk_init(&w, 1);
	while ((id = walk_next(c, &w)) != NONE) {
		const struct rec *r = rec_of(c, id);
		/* The gap this line is in, and the one a line after it is. */
		uint32_t in = id < c->nbase ? id : (uint32_t)(w.pos / 2);
		uint32_t next = id < c->nbase ? id + 1 : in;

		if (live_entry(r)) {
			if (rec_cmp(c, r, key, klen) < 0) {
				l = id;
				lgap = next;
			}
			if (f == NONE) {
				f = id;
				fpred = prev;
				fgap = in;
			}
		}
		prev = id;
		prevgap = next;
	}
	if (l != NONE) {
		pl->after = l;
		pl->gap = lgap;
	} else if (f != NONE) {
		pl->after = fpred;
		pl->gap = fgap;
	} else {
		pl->after = prev;
		pl->gap = prevgap;
	}
}

static int
insert_line(struct core *c, char *text, size_t len, size_t klen,
    const char *key)
{
	struct place pl;
	struct rec *last = NULL;
	char *lastcopy = NULL;
	uint32_t id, a, x;
	int again = 0, error;

	if ((c->nanch > 4096 + c->nbase / 64 ||
	        c->ndead > 4096 + c->nbase / 16) &&
	    (error = esxconf_compact(c)) < 0)
		return error;
	if (c->sorted < 0)
		c->sorted = check_sorted(c);
	if (c->sorted) {
		do {
			if ((error = place_sorted(c, key, klen, &pl, &again)) <
			    0)
				return error;
		} while (again);
	} else {
		place_scan(c, key, klen, &pl);
	}
	if ((size_t)c->nbase + c->nins >= MAX_LINES)
		return vifs_error_set(VIFS_ETOOBIG, "esx.conf: too many lines");
	/* Reserve everything first, so that a failure changes nothing. */
	if (c->nins == c->ins_cap) {
		uint32_t cap = c->ins_cap ? c->ins_cap * 2 : 16;
		struct ins *p = realloc(c->ins, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		c->ins = p;
		c->ins_cap = cap;
	}
	if (c->nanch == c->anch_cap) {
		uint32_t cap = c->anch_cap ? c->anch_cap * 2 : 16;
		struct anchor *p = realloc(c->anch, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		c->anch = p;
		c->anch_cap = cap;
	}
	if ((error = owned_reserve(c, 2)) < 0 ||
	    (error = esxconf_index_reserve(c)) < 0)
		return error;
	/* The old last line gains a line ending when a line follows it. */
	if (pl.gap == c->nbase && c->nbase > 0) {
		last = &c->recs[c->nbase - 1];
		if ((last->word & F_DEAD) || rec_eol(last) != EOL_NONE)
			last = NULL;
		else if (!(last->word & F_OWNED) &&
		    (lastcopy = vifs_strndup(rec_text(c, last), last->len)) ==
		        NULL)
			return VIFS_ENOMEM;
	}
	if (last != NULL) {
		if (lastcopy != NULL)
			rec_own(c, last, lastcopy, last->len);
		rec_set_eol(last, dominant_eol(c));
	}
	id = c->nbase + c->nins;
	c->ins[c->nins].r.word = ((uint64_t)VIFS_ESXCONF_ENTRY << KIND_SHIFT) |
	    ((uint64_t)dominant_eol(c) << EOL_SHIFT);
	c->ins[c->nins].r.len = 0;
	c->ins[c->nins].r.klen = (uint32_t)klen;
	rec_own(c, &c->ins[c->nins].r, text, len);
	x = pl.after;
	if (x != HEAD && x >= c->nbase) {
		c->ins[c->nins].next = c->ins[x - c->nbase].next;
		c->ins[x - c->nbase].next = id;
	} else {
		a = anchor_pos(c, pl.gap);
		if (a < c->nanch && c->anch[a].gap == pl.gap) {
			c->ins[c->nins].next = c->anch[a].first;
		} else {
			memmove(&c->anch[a + 1], &c->anch[a],
			    (c->nanch - a) * sizeof(*c->anch));
			c->anch[a].gap = pl.gap;
			c->nanch++;
			c->ins[c->nins].next = NONE;
		}
		c->anch[a].first = id;
	}
	c->nins++;
	{
		int found;
		size_t i = esxconf_slot_find(c, key, klen,
		    esxconf_hash_key(key, klen), &found);

		c->slots[i] = id + 1;
		c->used++;
	}
	c->lines++;
	c->entries++;
	c->dirty = 1;
	return VIFS_OK;
}

int
vifs_esxconf_set(vifs_esxconf *doc, const char *key, const char *value)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct core *c;
	struct rec *r;
	size_t klen, len;
	uint32_t id;
	char *text = NULL;
	int error = 0;

	if (doc == NULL || key == NULL || value == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no key or value");
	if (!vifs_esxconf_key_valid(key))
		return VIFS_EINVAL;
	c = doc->c;
	klen = strlen(key);
	if (klen > UINT32_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "esx.conf: key too long");
	if ((error = vifs_buf_add(&b, key, klen)) < 0 ||
	    (error = vifs_buf_add(&b, " = \"", 4)) < 0 ||
	    (error = esxconf_escape_into(&b, value)) < 0 ||
	    (error = vifs_buf_putc(&b, '"')) < 0)
		goto done;
	if (b.len > UINT32_MAX) {
		error = vifs_error_set(VIFS_ETOOBIG,
		    "esx.conf: value too "
		    "long");
		goto done;
	}
	if ((error = esxconf_lookup(&id, c, key, klen, NULL)) < 0)
		goto done;
	text = vifs_buf_detach(&b, &len);
	if (id == NONE) {
		if ((error = insert_line(c, text, len, klen, key)) < 0)
			goto done;
		text = NULL;
		c->modified = 1;
		goto done;
	}
	r = rec_of(c, id);
	if (r->len == len && memcmp(rec_text(c, r), text, len) == 0)
		goto done;
	if (!(r->word & F_OWNED) && (error = owned_reserve(c, 1)) < 0)
		goto done;
	rec_own(c, r, text, len);
	text = NULL;
	c->modified = 1;
done:
	free(text);
	vifs_buf_free(&b);
	return error;
}

int
vifs_esxconf_unset(vifs_esxconf *doc, const char *key)
{
	struct walk w;
	struct core *c;
	struct rec *r;
	char kb[128];
	size_t klen, slot;
	uint32_t id, other;
	int error;

	if (doc == NULL || key == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no key");
	c = doc->c;
	klen = strlen(key);
	if ((error = esxconf_lookup(&id, c, key, klen, &slot)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, esxconf_shown(kb, sizeof(kb), key, klen));
	r = rec_of(c, id);
	if (r->word & F_DUP) {
		/* Earlier occurrences are not in the index: look for them. */
		walk_init(&w, 0);
		while ((other = walk_next(c, &w)) != NONE) {
			struct rec *o = rec_of(c, other);

			if (other != id && rec_kind(o) == VIFS_ESXCONF_ENTRY &&
			    o->klen == klen &&
			    memcmp(rec_key(c, o), key, klen) == 0)
				rec_kill(c, o);
		}
	}
	rec_kill(c, r);
	esxconf_slot_delete(c, slot);
	c->modified = 1;
	return VIFS_OK;
}
