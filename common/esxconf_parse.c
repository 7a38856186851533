/*
 * esxconf_parse.c - reading esx.conf into the lossless model: the fast
 * line finders (SSE2/AVX2) and the indexer that records each line once.
 * docs/internals/esxconf.md describes the data structure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	free(c->owned_orig);
	free(c->runs);
	free(c->gone);
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
