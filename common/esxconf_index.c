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

/* Folds inserted lines into the base array and drops removed ones, so
 * that ids are line indexes again; the index is renumbered in place. */
int
esxconf_compact(struct core *c)
{
	struct rec *nr = NULL;
	uint32_t *map = NULL, id, j = 0;
	struct walk w;
	size_t i, total = (size_t)c->nbase + c->nins;

	if (!c->dirty)
		return VIFS_OK;
	nr = malloc((c->lines ? c->lines : 1) * sizeof(*nr));
	if (c->slots != NULL)
		map = malloc((total ? total : 1) * sizeof(*map));
	if (nr == NULL || (c->slots != NULL && map == NULL)) {
		free(nr);
		free(map);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	walk_init(&w, 0);
	while ((id = walk_next(c, &w)) != NONE) {
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
	c->recs = nr;
	c->nbase = j;
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
