/*
 * esxconf_index.c - the esx.conf model's hash index of keys and the
 * renumbering that folds inserted and removed lines back into file order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "esxconf_int.h"
#include "internal.h"
/* --- hash index ------------------------------------------------------- */

/* A word-at-a-time multiply-xorshift hash; good enough for a table with
 * linear probing, and fast on the long shared prefixes of esx.conf keys. */
uint64_t
esxconf_hash_key(const char *p, size_t n)
{
	const uint64_t k = UINT64_C(0x9fb21c651e98df25);
	uint64_t h = UINT64_C(0x2545f4914f6cdd1d) ^ ((uint64_t)n * k);
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	w = 0;
	if (n > 0)
		memcpy(&w, p, n);
	h = (h ^ w) * k;
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return h;
}

/*
 * Finds KEY in the index: returns its slot with *found = 1, or the empty
 * slot where it would go with *found = 0.
 */
size_t
esxconf_slot_find(const struct core *c, const char *key, size_t klen,
    uint64_t h, int *found)
{
	size_t mask = c->nslots - 1, i = (size_t)h & mask;

	for (;;) {
		uint32_t s = c->slots[i];
		const struct rec *r;

		if (s == 0) {
			*found = 0;
			return i;
		}
		r = rec_of(c, s - 1);
		if (r->klen == klen && memcmp(rec_key(c, r), key, klen) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static uint64_t
slot_hash(const struct core *c, uint32_t s)
{
	const struct rec *r = rec_of(c, s - 1);

	return esxconf_hash_key(rec_key(c, r), r->klen);
}

/* Table size for N keys: a power of two, at most half full. */
static int
table_size(size_t *out, size_t n)
{
	size_t size = 16;

	while (size / 2 < n) {
		if (size > (size_t)-1 / 2 / sizeof(uint32_t))
			return vifs_error_set(VIFS_ETOOBIG,
			    "esx.conf index too large");
		size *= 2;
	}
	*out = size;
	return VIFS_OK;
}

static int
index_build(struct core *c)
{
	struct walk w;
	size_t size = 0;
	uint32_t id;
	int error;

	if (c->slots != NULL)
		return VIFS_OK;
	if ((error = table_size(&size, c->entries)) < 0)
		return error;
	if ((c->slots = calloc(size, sizeof(uint32_t))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	c->nslots = size;
	c->used = 0;
	walk_init(&w, 0);
	do {
		/* In batches: hash a few keys and prefetch their slots
		 * before touching any, to overlap the cache misses. */
		uint32_t ids[16];
		uint64_t hs[16];
		size_t nb = 0, b;

		while (nb < 16 && (id = walk_next(c, &w)) != NONE) {
			const struct rec *r = rec_of(c, id);

			if (rec_kind(r) != VIFS_ESXCONF_ENTRY)
				continue;
			ids[nb] = id;
			hs[nb] = esxconf_hash_key(rec_key(c, r), r->klen);
			__builtin_prefetch(&c->slots[(size_t)hs[nb] &
			                       (size - 1)],
			    1);
			nb++;
		}
		for (b = 0; b < nb; b++) {
			struct rec *r = rec_of(c, ids[b]);
			size_t i;
			int found;

			i = esxconf_slot_find(c, rec_key(c, r), r->klen, hs[b],
			    &found);
			if (found)
				r->word |= F_DUP;
			else
				c->used++;
			c->slots[i] = ids[b] + 1;
		}
	} while (id != NONE);
	return VIFS_OK;
}

/* Makes room for one more key. */
int
esxconf_index_reserve(struct core *c)
{
	uint32_t *old = c->slots, *slots;
	size_t oldn = c->nslots, size = 0, i, j;
	int error;

	if ((c->used + 1) <= c->nslots / 2)
		return VIFS_OK;
	if ((error = table_size(&size, c->used + 1)) < 0)
		return error;
	if ((slots = calloc(size, sizeof(uint32_t))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (i = 0; i < oldn; i++) {
		if (old[i] == 0)
			continue;
		j = (size_t)slot_hash(c, old[i]) & (size - 1);
		while (slots[j] != 0)
			j = (j + 1) & (size - 1);
		slots[j] = old[i];
	}
	free(old);
	c->slots = slots;
	c->nslots = size;
	return VIFS_OK;
}

/* Empties slot I and moves later slots of its cluster back (no
 * tombstones with linear probing). */
void
esxconf_slot_delete(struct core *c, size_t i)
{
	size_t mask = c->nslots - 1, j = i, home;

	c->slots[i] = 0;
	c->used--;
	for (;;) {
		j = (j + 1) & mask;
		if (c->slots[j] == 0)
			break;
		home = (size_t)slot_hash(c, c->slots[j]) & mask;
		if (i <= j ? (home <= i || home > j) :
		             (home <= i && home > j)) {
			c->slots[i] = c->slots[j];
			c->slots[j] = 0;
			i = j;
		}
	}
}

/* Id of the last line of KEY, or NONE; builds the index when needed. */
int
esxconf_lookup(uint32_t *out, struct core *c, const char *key, size_t klen,
    size_t *slot)
{
	size_t i;
	int found, error;

	*out = NONE;
	if ((error = index_build(c)) < 0)
		return error;
	i = esxconf_slot_find(c, key, klen, esxconf_hash_key(key, klen),
	    &found);
	if (slot)
		*slot = i;
	if (found)
		*out = c->slots[i] - 1;
	return VIFS_OK;
}

/* --- renumbering ------------------------------------------------------ */

uint32_t
esxconf_origin(const struct core *c, uint32_t id)
{
	uint32_t lo = 0, hi = c->nruns;
	const struct run *r;

	if (c->nruns == 0)
		return id;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->runs[mid].line <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	r = &c->runs[lo - 1]; /* runs[0].line is 0 */
	return r->orig == NONE ? NONE : r->orig + (id - r->line);
}

uint32_t
esxconf_origin_walk(const struct core *c, uint32_t id, uint32_t *cur)
{
	const struct run *r;

	if (c->nruns == 0)
		return id;
	while (*cur + 1 < c->nruns && c->runs[*cur + 1].line <= id)
		(*cur)++;
	r = &c->runs[*cur];
	return r->orig == NONE ? NONE : r->orig + (id - r->line);
}

/* Appends the run of line J of origin O to RUNS, unless O continues the
 * last run. */
static int
runs_add(struct run **runs, uint32_t *n, size_t *cap, uint32_t j, uint32_t o)
{
	int error;

	if (*n > 0) {
		const struct run *last = &(*runs)[*n - 1];

		if (o == NONE ? last->orig == NONE :
		                last->orig != NONE &&
		            o == last->orig + (j - last->line))
			return VIFS_OK;
	}
	if ((error = vifs_array_grow(runs, cap, (size_t)*n + 1,
	         sizeof(**runs))) < 0)
		return error;
	(*runs)[*n].line = j;
	(*runs)[(*n)++].orig = o;
	return VIFS_OK;
}

/* Records the removed line of record R, original line O, in GONE with
 * its record as parsed.  Room was reserved. */
static void
keep_gone(struct core *c, const struct rec *r, uint32_t o)
{
	struct gone *g = &c->gone[c->ngone++];

	g->line = o;
	if (r->word & F_OWNED) {
		g->r = c->owned_orig[r->word & OFF_MASK];
	} else {
		g->r = *r;
		g->r.word &= ~F_DEAD;
	}
}

/* Makes room in GONE for the removed lines. */
static int
gone_reserve(struct core *c)
{
	return vifs_array_grow(&c->gone, &c->gone_cap, c->ngone + c->ndead,
	    sizeof(*c->gone));
}

/* Folds inserted lines into the base array and drops removed ones, so
 * that ids are line indexes again; the index is renumbered in place.
 * Where each line came from moves into RUNS, the removed original lines
 * into GONE. */
int
esxconf_compact(struct core *c)
{
	struct rec *nr = NULL;
	struct run *runs = NULL;
	uint32_t *map = NULL, id, j = 0, nruns = 0, cur = 0;
	size_t runs_cap = 0;
	struct walk w;
	size_t i, ngone, total = (size_t)c->nbase + c->nins;
	int error;

	if (!c->dirty)
		return VIFS_OK;
	if ((error = gone_reserve(c)) < 0)
		return error;
	nr = malloc((c->lines ? c->lines : 1) * sizeof(*nr));
	if (c->slots != NULL)
		map = malloc((total ? total : 1) * sizeof(*map));
	if (nr == NULL || (c->slots != NULL && map == NULL)) {
		free(nr);
		free(map);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	ngone = c->ngone;
	walk_init(&w, 1);
	while ((id = walk_next(c, &w)) != NONE) {
		uint32_t o = id < c->nbase ? esxconf_origin_walk(c, id, &cur) :
		                             NONE;

		if (rec_of(c, id)->word & F_DEAD) {
			if (o != NONE)
				keep_gone(c, rec_of(c, id), o);
			continue;
		}
		if ((error = runs_add(&runs, &nruns, &runs_cap, j, o)) < 0) {
			free(nr);
			free(map);
			free(runs);
			c->ngone = ngone;
			return error;
		}
		nr[j] = *rec_of(c, id);
		if (map != NULL)
			map[id] = j;
		j++;
	}
	if (map != NULL) {
		for (i = 0; i < c->nslots; i++)
			if (c->slots[i] != 0)
				c->slots[i] = map[c->slots[i] - 1] + 1;
	}
	free(map);
	free(c->recs);
	free(c->ins);
	free(c->anch);
	free(c->runs);
	c->recs = nr;
	c->nbase = j;
	c->runs = runs;
	c->nruns = nruns;
	c->ins = NULL;
	c->nins = c->ins_cap = 0;
	c->anch = NULL;
	c->nanch = c->anch_cap = 0;
	c->dirty = 0;
	c->ndead = 0;
	if (c->sorted == 0)
		c->sorted = -1; /* removed lines may have been why */
	return VIFS_OK;
}
