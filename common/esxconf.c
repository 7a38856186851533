/*
 * esxconf.c - lossless model of esx.conf: the original bytes plus a compact
 * record per line and a hash index of the keys.  An edit replaces, removes
 * or inserts whole lines; serializing re-emits the untouched bytes as they
 * were.  docs/internals/esxconf.md describes the data structure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>

#include "esxconf_int.h"
#include "internal.h"
#include "utf8.h"

/*
 * One line.  WORD holds the byte offset of the text in the original
 * buffer (or, for an OWNED line, its slot in core.owned) in the low 48
 * bits and the flags below in the top 16.
 */
struct rec {
	uint64_t word;
	uint32_t len; /* text length, line ending excluded */
	uint32_t klen; /* key length of an ENTRY, else 0 */
};

#define OFF_BITS 48
#define OFF_MASK ((UINT64_C(1) << OFF_BITS) - 1)
#define KIND_SHIFT 48 /* 2 bits: enum vifs_esxconf_line_kind */
#define EOL_SHIFT 50 /* 2 bits: EOL_* */
#define F_OWNED (UINT64_C(1) << 52) /* text in core.owned */
#define F_DEAD (UINT64_C(1) << 53) /* removed by unset */
#define F_DUP (UINT64_C(1) << 54) /* an earlier line, same key */
/* The text is `key = "value"` as the fast path found it, the key KLEN
 * bytes: a view needs no scan.  Cleared when the text is replaced. */
#define F_SHAPED (UINT64_C(1) << 55)

enum { EOL_NONE = 0, EOL_LF = 1, EOL_CRLF = 2 };

#define NONE UINT32_MAX
#define MAX_LINES (UINT32_MAX - 1)

/* A line inserted by set(), linked to the next one of the same gap. */
struct ins {
	struct rec r;
	uint32_t next;
};

/* The inserted lines that come right before base line GAP (or at the end
 * when GAP == nbase). */
struct anchor {
	uint32_t gap;
	uint32_t first;
};

/*
 * Everything a lookup may rebuild lazily lives here, so that functions
 * taking a const document can still build the index or renumber lines.
 *
 * Line ids: base lines are 0..nbase-1 in file order; inserted lines are
 * nbase.. in order of insertion.  While DIRTY is 0 there are neither
 * inserted nor removed lines and an id is the 0-based line index;
 * compact() restores that state.
 */
struct core {
	char *base;
	size_t base_len;
	struct rec *recs;
	uint32_t nbase;
	struct ins *ins;
	uint32_t nins, ins_cap;
	struct anchor *anch;
	uint32_t nanch, anch_cap;
	char **owned;
	size_t nowned, owned_cap;
	uint32_t *slots; /* id + 1 of the last line of a key; 0 empty */
	size_t nslots; /* power of two, 0 until built */
	size_t used;
	size_t lines, entries;
	size_t ndead; /* removed lines not yet compacted away */
	size_t n_lf, n_crlf;
	int sorted; /* entry keys in order: -1 unknown, 0, 1 */
	int dirty;
	int modified;
};

struct vifs_esxconf {
	char *name;
	struct core *c;
};

/* --- line scanner ----------------------------------------------------- */

#define C_WS 1 /* space, tab */
#define C_KEYSTOP 2 /* ends a key: space, tab, '=', '#' */
#define C_BARESTOP 4 /* ends a bare value: space, tab, '#' */

static const unsigned char ctab[256] = {
	['\t'] = C_WS | C_KEYSTOP | C_BARESTOP,
	[' '] = C_WS | C_KEYSTOP | C_BARESTOP,
	['#'] = C_KEYSTOP | C_BARESTOP,
	['='] = C_KEYSTOP,
};

static inline void
scan(struct esxconf_scan *out, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *q;
	size_t i = 0, k0, k1;

	out->why = ESXCONF_WELL_FORMED;
	out->key_off = out->key_len = out->val_off = out->val_len = 0;
	out->quoted = 0;
	while (i < n && (ctab[s[i]] & C_WS))
		i++;
	if (i == n) {
		out->kind = VIFS_ESXCONF_BLANK;
		return;
	}
	if (s[i] == '#') {
		out->kind = VIFS_ESXCONF_COMMENT;
		return;
	}
	out->kind = VIFS_ESXCONF_MALFORMED;
	k0 = i;
	while (i < n && !(ctab[s[i]] & C_KEYSTOP))
		i++;
	k1 = i;
	while (i < n && (ctab[s[i]] & C_WS))
		i++;
	if (k1 == k0) {
		out->why = ESXCONF_NO_KEY;
		return;
	}
	if (i == n || s[i] != '=') {
		out->why = ESXCONF_NO_EQUALS;
		return;
	}
	i++;
	while (i < n && (ctab[s[i]] & C_WS))
		i++;
	if (i < n && s[i] == '"') {
		q = memchr(s + i + 1, '"', n - i - 1);
		if (q == NULL) {
			out->why = ESXCONF_OPEN_QUOTE;
			return;
		}
		out->val_off = i + 1;
		out->val_len = (size_t)(q - s) - i - 1;
		out->quoted = 1;
		i = (size_t)(q - s) + 1;
	} else {
		out->val_off = i;
		while (i < n && !(ctab[s[i]] & C_BARESTOP))
			i++;
		out->val_len = i - out->val_off;
	}
	while (i < n && (ctab[s[i]] & C_WS))
		i++;
	if (i < n && s[i] != '#') {
		out->why = ESXCONF_TRAILING;
		out->val_off = out->val_len = 0;
		out->quoted = 0;
		return;
	}
	out->kind = VIFS_ESXCONF_ENTRY;
	out->key_off = k0;
	out->key_len = k1 - k0;
}

void
esxconf_scan_line(struct esxconf_scan *out, const char *text, size_t n)
{
	scan(out, text, n);
}

/*
 * Fast path of the indexer for the line shape ESXi writes,
 * `key = "value"` at column 0 followed by LF or CRLF: finds the line end
 * while classifying, so such a line costs a single pass.  P has AVAIL
 * bytes up to the end of the buffer; vector loads never go past them.
 * Returns 0 when the line has another shape, which the caller then
 * classifies with scan(); the result is the same either way.
 */

/*
 * First byte in P[0..avail) that may end a key: any byte up to '#'
 * (space, tab, '#', LF, and also '!', '"' and control bytes, which make
 * fast_line() hand the line to scan()) or '='.  Two compares a vector,
 * 32 bytes a branch.
 */
static inline size_t
find_keystop(const unsigned char *p, size_t avail)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i lim = _mm_set1_epi8('#'), eq = _mm_set1_epi8('=');

#define KEYSTOPS(v) \
	_mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8((v), lim), lim), \
	    _mm_cmpeq_epi8((v), eq))
	for (; i + 32 <= avail; i += 32) {
		__m128i a = _mm_loadu_si128(
		    (const __m128i *)(const void *)(p + i));
		__m128i b = _mm_loadu_si128(
		    (const __m128i *)(const void *)(p + i + 16));
		unsigned bits = (unsigned)_mm_movemask_epi8(KEYSTOPS(a)) |
		    (unsigned)_mm_movemask_epi8(KEYSTOPS(b)) << 16;

		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
	for (; i + 16 <= avail; i += 16) {
		__m128i v = _mm_loadu_si128(
		    (const __m128i *)(const void *)(p + i));
		unsigned bits = (unsigned)_mm_movemask_epi8(KEYSTOPS(v));

		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
#undef KEYSTOPS
#endif
	for (; i < avail; i++)
		if (p[i] <= '#' || p[i] == '=')
			return i;
	return avail;
}

/* " = \"" as a 32-bit word in memory order. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SEP_WORD UINT32_C(0x22203d20)
#else
#define SEP_WORD UINT32_C(0x203d2022)
#endif

/* First '"' or '\n' in P[0..avail). */
static inline size_t
find_quote(const unsigned char *p, size_t avail)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), nl = _mm_set1_epi8('\n');

	for (; i + 16 <= avail; i += 16) {
		__m128i v = _mm_loadu_si128(
		    (const __m128i *)(const void *)(p + i));
		unsigned bits = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, nl)));

		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	for (; i < avail; i++)
		if (p[i] == '"' || p[i] == '\n')
			return i;
	return avail;
}

/* Text length in *tl, key length in *kl, line ending in *eol; returns
 * the bytes to the next line, or 0 when the line is not of that shape. */
static inline size_t
fast_line(const unsigned char *p, size_t avail, size_t *tl, size_t *kl,
    unsigned *eol)
{
	size_t k, q, e;
	uint32_t sep;

	k = find_keystop(p, avail);
	if (k == 0 || k + 4 > avail)
		return 0;
	memcpy(&sep, p + k, 4);
	if (sep != SEP_WORD)
		return 0;
	q = k + 4 + find_quote(p + k + 4, avail - k - 4);
	if (q >= avail || p[q] != '"')
		return 0;
	e = q + 1;
	*kl = k;
	*tl = e;
	if (e < avail && p[e] == '\n') {
		*eol = EOL_LF;
		return e + 1;
	}
	if (e + 1 < avail && p[e] == '\r' && p[e + 1] == '\n') {
		*eol = EOL_CRLF;
		return e + 2;
	}
	return 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * fast_line() without a loop, for processors with AVX2 and BMI
 * (index_lines() asks once a parse): the line's first 128 bytes are
 * classified at once into a bit mask of the bytes that may end a key and
 * one of '"' and LF, and the key's end and the closing quote are the
 * first set bits, so a line costs no branch that depends on its length.
 * Lines longer than that, and the last 128 bytes of the buffer, go to
 * fast_line(); the result is the same.
 */
#define ESXCONF_AVX2 __attribute__((target("avx2,bmi")))
#define WINDOW 128

/* Index of the first set bit of the 128-bit mask LO, HI; 128 when none. */
static inline ESXCONF_AVX2 size_t
first_bit(uint64_t lo, uint64_t hi)
{
	size_t t = (size_t)_tzcnt_u64(lo);

	return t + (t == 64 ? (size_t)_tzcnt_u64(hi) : 0);
}

static inline ESXCONF_AVX2 size_t
fast_line_avx2(const unsigned char *p, size_t avail, size_t *tl, size_t *kl,
    unsigned *eol)
{
	const __m256i lim = _mm256_set1_epi8('#'), eq = _mm256_set1_epi8('=');
	const __m256i qu = _mm256_set1_epi8('"'), nl = _mm256_set1_epi8('\n');
	uint64_t s[2], q[2];
	size_t k, j, e, i;
	uint32_t sep;

	if (avail < WINDOW)
		return fast_line(p, avail, tl, kl, eol);
	for (i = 0; i < 2; i++) {
		__m256i a = _mm256_loadu_si256(
		    (const __m256i *)(const void *)(p + 64 * i));
		__m256i b = _mm256_loadu_si256(
		    (const __m256i *)(const void *)(p + 64 * i + 32));
#define STOPS(v) \
	(uint64_t)(uint32_t) _mm256_movemask_epi8( \
	    _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_max_epu8((v), lim), lim), \
	        _mm256_cmpeq_epi8((v), eq)))
#define QUOTES(v) \
	(uint64_t)(uint32_t) \
	    _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8((v), qu), \
	        _mm256_cmpeq_epi8((v), nl)))
		s[i] = STOPS(a) | STOPS(b) << 32;
		q[i] = QUOTES(a) | QUOTES(b) << 32;
#undef STOPS
#undef QUOTES
	}
	k = first_bit(s[0], s[1]);
	if (k == 0 || k + 5 > WINDOW)
		return k == 0 ? 0 : fast_line(p, avail, tl, kl, eol);
	memcpy(&sep, p + k, 4);
	if (sep != SEP_WORD)
		return 0;
	/* The quotes and line ends from K + 4 on. */
	j = k + 4;
	if (j < 64) {
		q[0] &= ~UINT64_C(0) << j;
	} else {
		q[0] = 0;
		q[1] &= ~UINT64_C(0) << (j - 64);
	}
	e = first_bit(q[0], q[1]);
	if (e == WINDOW)
		return fast_line(p, avail, tl, kl, eol);
	if (p[e] != '"')
		return 0;
	e++;
	*kl = k;
	*tl = e;
	if (e < avail && p[e] == '\n') {
		*eol = EOL_LF;
		return e + 1;
	}
	if (e + 1 < avail && p[e] == '\r' && p[e + 1] == '\n') {
		*eol = EOL_CRLF;
		return e + 2;
	}
	return 0;
}
#endif

/* --- records ---------------------------------------------------------- */

static struct rec *
rec_of(const struct core *c, uint32_t id)
{
	return id < c->nbase ? &c->recs[id] : &c->ins[id - c->nbase].r;
}

static unsigned
rec_kind(const struct rec *r)
{
	return (unsigned)(r->word >> KIND_SHIFT) & 3;
}

static unsigned
rec_eol(const struct rec *r)
{
	return (unsigned)(r->word >> EOL_SHIFT) & 3;
}

static void
rec_set_eol(struct rec *r, unsigned eol)
{
	r->word = (r->word & ~(UINT64_C(3) << EOL_SHIFT)) |
	    ((uint64_t)eol << EOL_SHIFT);
}

static const char *
rec_text(const struct core *c, const struct rec *r)
{
	if (r->word & F_OWNED)
		return c->owned[r->word & OFF_MASK];
	return c->base + (r->word & OFF_MASK);
}

static const char *
rec_key(const struct core *c, const struct rec *r)
{
	const char *p = rec_text(c, r);

	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t
eol_len(unsigned eol)
{
	return eol == EOL_CRLF ? 2 : eol == EOL_LF ? 1 : 0;
}

static const char *
eol_str(unsigned eol)
{
	return eol == EOL_CRLF ? "\r\n" : eol == EOL_LF ? "\n" : "";
}

static unsigned
dominant_eol(const struct core *c)
{
	return c->n_crlf > c->n_lf ? EOL_CRLF : EOL_LF;
}

static int
key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r != 0)
		return r;
	return an < bn ? -1 : an > bn;
}

/*
 * Walks the lines in document order: the inserted lines of gap 0, base
 * line 0, the inserted lines of gap 1, base line 1, ...  Removed lines
 * are skipped unless WITH_DEAD.
 */
struct walk {
	size_t pos; /* 2 * gap: its chain; 2 * id + 1: base */
	uint32_t ai; /* next anchor */
	uint32_t chain; /* next inserted line, or NONE */
	int with_dead;
};

static void
walk_init(struct walk *w, int with_dead)
{
	w->pos = 0;
	w->ai = 0;
	w->chain = NONE;
	w->with_dead = with_dead;
}

static uint32_t
walk_next(const struct core *c, struct walk *w)
{
	for (;;) {
		uint32_t id;

		if (w->chain != NONE) {
			id = w->chain;
			w->chain = c->ins[id - c->nbase].next;
			if (w->with_dead ||
			    !(c->ins[id - c->nbase].r.word & F_DEAD))
				return id;
			continue;
		}
		if (w->pos > 2 * (size_t)c->nbase)
			return NONE;
		if (w->pos % 2 == 0) {
			size_t gap = w->pos / 2;

			w->pos++;
			if (w->ai < c->nanch && c->anch[w->ai].gap == gap)
				w->chain = c->anch[w->ai++].first;
			continue;
		}
		id = (uint32_t)(w->pos / 2);
		w->pos++;
		if (w->with_dead || !(c->recs[id].word & F_DEAD))
			return id;
	}
}

/* --- hash index ------------------------------------------------------- */

/* A word-at-a-time multiply-xorshift hash; good enough for a table with
 * linear probing, and fast on the long shared prefixes of esx.conf keys. */
static uint64_t
hash_key(const char *p, size_t n)
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
static size_t
slot_find(const struct core *c, const char *key, size_t klen, uint64_t h,
    int *found)
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

	return hash_key(rec_key(c, r), r->klen);
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
			hs[nb] = hash_key(rec_key(c, r), r->klen);
			__builtin_prefetch(&c->slots[(size_t)hs[nb] &
			                       (size - 1)],
			    1);
			nb++;
		}
		for (b = 0; b < nb; b++) {
			struct rec *r = rec_of(c, ids[b]);
			size_t i;
			int found;

			i = slot_find(c, rec_key(c, r), r->klen, hs[b], &found);
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
static int
index_reserve(struct core *c)
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
static void
slot_delete(struct core *c, size_t i)
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
static int
lookup(uint32_t *out, struct core *c, const char *key, size_t klen,
    size_t *slot)
{
	size_t i;
	int found, error;

	*out = NONE;
	if ((error = index_build(c)) < 0)
		return error;
	i = slot_find(c, key, klen, hash_key(key, klen), &found);
	if (slot)
		*slot = i;
	if (found)
		*out = c->slots[i] - 1;
	return VIFS_OK;
}

/* --- renumbering ------------------------------------------------------ */

/* Folds inserted lines into the base array and drops removed ones, so
 * that ids are line indexes again; the index is renumbered in place. */
static int
compact(struct core *c)
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

/* --- parse ------------------------------------------------------------ */

static void
core_free(struct core *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->base);
	free(c->recs);
	free(c->ins);
	free(c->anch);
	free(c->slots);
	free(c);
}

/* Records the lines of C's text; AVX2 non-zero for fast_line()'s AVX2
 * searches.  Inlined into the two callers below, one compiled for AVX2. */
#ifdef ESXCONF_AVX2
#define FAST_LINE(...) \
	(avx2 ? fast_line_avx2(__VA_ARGS__) : fast_line(__VA_ARGS__))
#else
#define FAST_LINE(...) ((void)avx2, fast_line(__VA_ARGS__))
#endif

static inline __attribute__((always_inline)) int
index_lines_with(struct core *c, int avx2)
{
	const char *base = c->base, *p, *nl;
	size_t len = c->base_len, pos = 0, cap, n = 0, tl, next;
	struct esxconf_scan sc;
	struct rec *recs, *nr;
	unsigned eol;
	/* Counted in locals: stores to RECS may alias fields of C. */
	size_t n_lf = 0, n_crlf = 0, entries = 0;

	if (len > OFF_MASK)
		return vifs_error_set(VIFS_ETOOBIG,
		    "esx.conf: %zu bytes is "
		    "too large",
		    len);
	cap = len / 48 + 16;
	if ((recs = malloc(cap * sizeof(*recs))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	while (pos < len) {
		size_t adv, kl;

		p = base + pos;
		if (n < cap && n < MAX_LINES &&
		    (adv = FAST_LINE((const unsigned char *)p, len - pos, &tl,
		         &kl, &eol)) != 0 &&
		    tl <= UINT32_MAX) {
			n_lf += eol == EOL_LF;
			n_crlf += eol != EOL_LF;
			recs[n].word = (uint64_t)pos | F_SHAPED |
			    ((uint64_t)VIFS_ESXCONF_ENTRY << KIND_SHIFT) |
			    ((uint64_t)eol << EOL_SHIFT);
			recs[n].len = (uint32_t)tl;
			recs[n].klen = (uint32_t)kl;
			entries++;
			n++;
			pos += adv;
			continue;
		}
		nl = memchr(p, '\n', len - pos);
		if (nl != NULL) {
			tl = (size_t)(nl - p);
			next = pos + tl + 1;
			if (tl > 0 && p[tl - 1] == '\r') {
				tl--;
				eol = EOL_CRLF;
				n_crlf++;
			} else {
				eol = EOL_LF;
				n_lf++;
			}
		} else {
			tl = len - pos;
			next = len;
			eol = EOL_NONE;
		}
		if (tl > UINT32_MAX || n == MAX_LINES) {
			free(recs);
			return vifs_error_set(VIFS_ETOOBIG,
			    "esx.conf: too "
			    "many lines or a line too long at line %zu",
			    n + 1);
		}
		if (n == cap) {
			cap = cap + cap / 2;
			if ((nr = realloc(recs, cap * sizeof(*recs))) == NULL) {
				free(recs);
				return vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
			}
			recs = nr;
		}
		scan(&sc, p, tl);
		recs[n].word = (uint64_t)pos |
		    ((uint64_t)sc.kind << KIND_SHIFT) |
		    ((uint64_t)eol << EOL_SHIFT);
		recs[n].len = (uint32_t)tl;
		recs[n].klen = 0;
		if (sc.kind == VIFS_ESXCONF_ENTRY) {
			if (sc.key_len > UINT32_MAX) {
				free(recs);
				return vifs_error_set(VIFS_ETOOBIG,
				    "esx.conf: key too long at line %zu",
				    n + 1);
			}
			recs[n].klen = (uint32_t)sc.key_len;
			entries++;
		}
		n++;
		pos = next;
	}
	/* Give back the slack; shrinking does not move large blocks. */
	if ((nr = realloc(recs, (n ? n : 1) * sizeof(*recs))) != NULL)
		recs = nr;
	c->recs = recs;
	c->nbase = (uint32_t)n;
	c->lines = n;
	c->n_lf += n_lf;
	c->n_crlf += n_crlf;
	c->entries += entries;
	return VIFS_OK;
}

#ifdef ESXCONF_AVX2
static ESXCONF_AVX2 int
index_lines_avx2(struct core *c)
{
	return index_lines_with(c, 1);
}
#endif

static int
index_lines(struct core *c)
{
#ifdef ESXCONF_AVX2
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi"))
		return index_lines_avx2(c);
#endif
	return index_lines_with(c, 0);
}

/* Parses BUF of LEN bytes, taking ownership of BUF (LEN + 1 bytes). */
static int
parse_take(vifs_esxconf **out, const char *name, char *buf, size_t len)
{
	vifs_esxconf *doc = NULL;
	struct core *c = NULL;
	int error = 0;

	*out = NULL;
	if ((doc = calloc(1, sizeof(*doc))) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	doc->c = c;
	c->base = buf;
	c->base_len = len;
	buf = NULL;
	c->sorted = -1;
	if ((doc->name = vifs_strdup(name ? name : "esx.conf")) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((error = index_lines(c)) < 0)
		goto done;
	*out = doc;
	doc = NULL;
	c = NULL;
done:
	free(buf);
	if (doc != NULL) {
		core_free(doc->c);
		free(doc->name);
		free(doc);
	} else {
		core_free(c);
	}
	return error;
}

int
vifs_esxconf_parse(vifs_esxconf **out, const char *name, const char *buf,
    size_t len)
{
	char *copy;

	if (out == NULL || (buf == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no input");
	*out = NULL;
	if (len == (size_t)-1 || (copy = malloc(len + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (len > 0)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	return parse_take(out, name, copy, len);
}

int
vifs_esxconf_parse_take(vifs_esxconf **out, const char *name, char *buf,
    size_t len)
{
	if (out == NULL || (buf == NULL && len > 0)) {
		free(buf);
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no input");
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return parse_take(out, name, buf, len);
}

int
vifs_esxconf_open(vifs_esxconf **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	if (out == NULL || path == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no path");
	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	return parse_take(out, path, buf, len);
}

void
vifs_esxconf_free(vifs_esxconf *doc)
{
	if (doc == NULL)
		return;
	core_free(doc->c);
	free(doc->name);
	free(doc);
}

const char *
vifs_esxconf_name(const vifs_esxconf *doc)
{
	return doc ? doc->name : "esx.conf";
}

size_t
vifs_esxconf_line_count(const vifs_esxconf *doc)
{
	return doc ? doc->c->lines : 0;
}

size_t
vifs_esxconf_count(const vifs_esxconf *doc)
{
	return doc ? doc->c->entries : 0;
}

int
vifs_esxconf_modified(const vifs_esxconf *doc)
{
	return doc ? doc->c->modified : 0;
}

/* --- queries ---------------------------------------------------------- */

static void
fill_view(struct vifs_esxconf_line *out, const struct core *c, uint32_t id,
    size_t lineno)
{
	const struct rec *r = rec_of(c, id);
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

int
vifs_esxconf_line(struct vifs_esxconf_line *out, const vifs_esxconf *doc,
    size_t index)
{
	int error;

	if (out == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	if ((error = compact(doc->c)) < 0)
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
static const char *
shown(char *buf, size_t size, const char *key, size_t len)
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
	if ((error = compact(doc->c)) < 0 ||
	    (error = lookup(&id, doc->c, key, strlen(key), NULL)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, shown(kb, sizeof(kb), key, strlen(key)));
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
	if ((error = lookup(&id, doc->c, key, strlen(key), NULL)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, shown(kb, sizeof(kb), key, strlen(key)));
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
	if ((error = compact(doc->c)) < 0)
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

/* --- escaping --------------------------------------------------------- */

/* Bytes written as |XX: control bytes but TAB, '"', '|', DEL
 * (open-vm-tools lib/dict/dictll.c, DictLL_MarshalLine). */
static int
needs_escape(unsigned char ch)
{
	return (ch < 0x20 && ch != '\t') || ch == '"' || ch == '|' ||
	    ch == 0x7f;
}

static int
escape_into(struct vifs_buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)value;
	const unsigned char *run = s;
	char e[3];
	int error;

	for (; *s != '\0'; s++) {
		if (!needs_escape(*s))
			continue;
		if ((error = vifs_buf_add(b, run, (size_t)(s - run))) < 0)
			return error;
		e[0] = '|';
		e[1] = hex[*s >> 4];
		e[2] = hex[*s & 15];
		if ((error = vifs_buf_add(b, e, 3)) < 0)
			return error;
		run = s + 1;
	}
	return vifs_buf_add(b, run, (size_t)(s - run));
}

int
vifs_esxconf_escape(char **out, const char *value)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (out == NULL || value == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no value");
	*out = NULL;
	if ((error = vifs_buf_grow(&b, strlen(value))) < 0 ||
	    (error = escape_into(&b, value)) < 0) {
		vifs_buf_free(&b);
		return error;
	}
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
vifs_esxconf_unescape(char **out, size_t *out_len, const char *raw, size_t len)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i, o = 0;
	char *p;

	if (out == NULL || out_len == NULL || (raw == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no value");
	*out = NULL;
	*out_len = 0;
	if (len == (size_t)-1 || (p = malloc(len + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '|' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			p[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			p[o++] = (char)s[i];
		}
	}
	p[o] = '\0';
	*out = p;
	*out_len = o;
	return VIFS_OK;
}

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
	shown(kb, sizeof(kb), key, strlen(key));
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

/* Stores TEXT (malloc'ed, taken) in a new owned slot and returns the
 * slot.  Never fails: the caller reserved room with owned_reserve(). */
static size_t
owned_put(struct core *c, char *text)
{
	c->owned[c->nowned] = text;
	return c->nowned++;
}

static int
owned_reserve(struct core *c, size_t more)
{
	char **p;
	size_t cap;

	if (c->nowned + more <= c->owned_cap)
		return VIFS_OK;
	cap = c->owned_cap ? c->owned_cap * 2 : 16;
	while (cap < c->nowned + more)
		cap *= 2;
	if ((p = realloc(c->owned, cap * sizeof(*p))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	c->owned = p;
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
		slot = owned_put(c, text);
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
				return compact(c);
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
		return compact(c);
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
	    (error = compact(c)) < 0)
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
	if ((error = owned_reserve(c, 2)) < 0 || (error = index_reserve(c)) < 0)
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
		size_t i = slot_find(c, key, klen, hash_key(key, klen), &found);

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
	    (error = escape_into(&b, value)) < 0 ||
	    (error = vifs_buf_putc(&b, '"')) < 0)
		goto done;
	if (b.len > UINT32_MAX) {
		error = vifs_error_set(VIFS_ETOOBIG,
		    "esx.conf: value too "
		    "long");
		goto done;
	}
	if ((error = lookup(&id, c, key, klen, NULL)) < 0)
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
	if ((error = lookup(&id, c, key, klen, &slot)) < 0)
		return error;
	if (id == NONE)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no key '%s'",
		    doc->name, shown(kb, sizeof(kb), key, klen));
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
	slot_delete(c, slot);
	c->modified = 1;
	return VIFS_OK;
}

/* --- output ----------------------------------------------------------- */

/* Appends pieces to a buffer, joining those that follow each other in
 * memory into one copy. */
struct emitter {
	struct vifs_buf *b;
	const char *run;
	size_t len;
};

static int
emit(struct emitter *e, const char *p, size_t n)
{
	int error;

	if (e->run != NULL && e->run + e->len == p) {
		e->len += n;
		return VIFS_OK;
	}
	if (e->run != NULL && (error = vifs_buf_add(e->b, e->run, e->len)) < 0)
		return error;
	e->run = p;
	e->len = n;
	return VIFS_OK;
}

int
vifs_esxconf_serialize(char **out, size_t *out_len, const vifs_esxconf *doc)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct emitter e = { &b, NULL, 0 };
	const struct core *c;
	struct walk w;
	uint32_t id;
	int error;

	if (out == NULL || out_len == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	*out_len = 0;
	c = doc->c;
	if ((error = vifs_buf_grow(&b, c->base_len + 64)) < 0)
		goto done;
	walk_init(&w, 0);
	while ((id = walk_next(c, &w)) != NONE) {
		const struct rec *r = rec_of(c, id);
		unsigned eol = rec_eol(r);

		if (r->word & F_OWNED) {
			if ((error = emit(&e, rec_text(c, r), r->len)) < 0 ||
			    (error = emit(&e, eol_str(eol), eol_len(eol))) < 0)
				goto done;
		} else if ((error = emit(&e, rec_text(c, r),
		                r->len + eol_len(eol))) < 0) {
			goto done;
		}
	}
	if (e.run != NULL && (error = vifs_buf_add(&b, e.run, e.len)) < 0)
		goto done;
	b.data[b.len] = '\0';
	*out = vifs_buf_detach(&b, out_len);
done:
	vifs_buf_free(&b);
	return error;
}

int
vifs_esxconf_save(const vifs_esxconf *doc, const char *path)
{
	char *data = NULL;
	size_t len;
	int error;

	if (doc == NULL || path == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no path");
	if ((error = vifs_esxconf_serialize(&data, &len, doc)) < 0)
		return error;
	error = vifs_file_write_atomic(path, data, len, 0644);
	free(data);
	return error;
}

/* --- XML -------------------------------------------------------------- */

#define XC(s) ((const xmlChar *)(s))

static char *
hex_of(const char *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out;
	size_t i;

	if (len > ((size_t)-1 - 1) / 2 || (out = malloc(2 * len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[(unsigned char)p[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)p[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}

/* Writes LEN bytes of P, known to be XML-safe (hence NUL-free), as a
 * NUL-terminated string. */
static int
write_plain(xmlTextWriterPtr w, const char *attr, const char *p, size_t len)
{
	char *copy = vifs_strndup(p, len);
	int rc;

	if (copy == NULL)
		return VIFS_ENOMEM;
	if (attr != NULL)
		rc = xmlTextWriterWriteAttribute(w, XC(attr), XC(copy));
	else
		rc = xmlTextWriterWriteString(w, XC(copy));
	free(copy);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_attr(xmlTextWriterPtr w, const char *name, const char *value,
    size_t len)
{
	char attr[64];
	char *hex;
	int rc;

	if (vifs_xml_text_ok(value, len))
		return write_plain(w, name, value, len);
	if ((hex = hex_of(value, len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	snprintf(attr, sizeof(attr), "%s-encoding", name);
	rc = xmlTextWriterWriteAttribute(w, XC(name), XC(hex));
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, XC(attr), XC("hex"));
	free(hex);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_text(xmlTextWriterPtr w, const char *p, size_t len)
{
	char *hex;
	int rc;

	if (len == 0)
		return VIFS_OK;
	if (vifs_xml_text_ok(p, len))
		return write_plain(w, NULL, p, len);
	if ((hex = hex_of(p, len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	rc = xmlTextWriterWriteString(w, XC(hex));
	free(hex);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_take(char **out, size_t *out_len, xmlBufferPtr buf)
{
	const xmlChar *content = xmlBufferContent(buf);
	int n = xmlBufferLength(buf);

	if (content == NULL || n < 0)
		return vifs_error_set(VIFS_ENOMEM, "XML writer failed");
	if ((*out = vifs_strndup((const char *)content, (size_t)n)) == NULL)
		return VIFS_ENOMEM;
	*out_len = (size_t)n;
	return VIFS_OK;
}

struct xml_ctx {
	xmlTextWriterPtr w;
};

static int
xml_entry(const struct vifs_esxconf_line *line, void *payload)
{
	struct xml_ctx *x = payload;
	char *value = NULL;
	size_t len;
	int error, ok;

	if ((error = vifs_esxconf_unescape(&value, &len, line->raw_value,
	         line->raw_value_len)) < 0)
		return error;
	ok = vifs_xml_text_ok(value, len);
	if (xmlTextWriterStartElement(x->w, XC("entry")) < 0 ||
	    xmlTextWriterWriteFormatAttribute(x->w, XC("line"), "%zu",
	        line->lineno) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_attr(x->w, "key", line->key, line->key_len)) <
	    0)
		goto done;
	if (xmlTextWriterWriteAttribute(x->w, XC("quoted"),
	        XC(line->quoted ? "true" : "false")) < 0 ||
	    (!ok &&
	        xmlTextWriterWriteAttribute(x->w, XC("encoding"), XC("hex")) <
	            0)) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_text(x->w, value, len)) < 0)
		goto done;
	if (xmlTextWriterEndElement(x->w) < 0)
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
done:
	free(value);
	return error;
}

int
vifs_esxconf_to_xml(char **out, size_t *out_len, const vifs_esxconf *doc,
    const char *prefix)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	struct xml_ctx x;
	int error = 0;

	if (out == NULL || out_len == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	*out_len = 0;
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, XC("  ")) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XC("esxconf")) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_attr(w, "file", doc->name,
	         strlen(doc->name))) < 0)
		goto done;
	if (prefix != NULL && *prefix != '\0' &&
	    (error = esxconf_xml_attr(w, "prefix", prefix, strlen(prefix))) < 0)
		goto done;
	x.w = w;
	if ((error = vifs_esxconf_foreach(doc, prefix, xml_entry, &x)) < 0)
		goto done;
	if (xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndDocument(w) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	xmlFreeTextWriter(w);
	w = NULL;
	error = esxconf_xml_take(out, out_len, buf);
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return error;
}
