/*
 * esxconf_int.h - the esx.conf model's records, line scanner and index as
 * the esxconf*.c files share them; not installed.
 */
#ifndef VIFS_ESXCONF_INT_H
#define VIFS_ESXCONF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/esxconf.h>

/* Why a line is MALFORMED (ESXCONF_WELL_FORMED for the other kinds). */
enum esxconf_why {
	ESXCONF_WELL_FORMED = 0,
	ESXCONF_NO_KEY, /* '=' with nothing before it */
	ESXCONF_NO_EQUALS, /* a key not followed by '=' */
	ESXCONF_OPEN_QUOTE, /* '"' without a closing '"' */
	ESXCONF_TRAILING, /* text after the value that is no comment */
};

/* One line taken apart; offsets are relative to the start of the text. */
struct esxconf_scan {
	enum vifs_esxconf_line_kind kind;
	enum esxconf_why why;
	size_t key_off, key_len;
	size_t val_off, val_len; /* raw value, without the quotes */
	int quoted;
};

/* Classifies LEN bytes of TEXT (one line without its ending). */
void esxconf_scan_line(struct esxconf_scan *out, const char *text, size_t len);

/*
 * Writes attribute NAME with LEN bytes of VALUE on W.  Text that
 * vifs_xml_text_ok() refuses is written as upper-case hex instead, followed
 * by a second attribute NAME-encoding="hex".  Returns 0 or VIFS_ENOMEM.
 */
int esxconf_xml_attr(xmlTextWriterPtr w, const char *name, const char *value,
    size_t len);

/*
 * Writes LEN bytes of P as the text of the element open on W; text that
 * vifs_xml_text_ok() refuses becomes upper-case hex.  The caller writes the
 * encoding="hex" attribute first when vifs_xml_text_ok(P, LEN) is 0.
 */
int esxconf_xml_text(xmlTextWriterPtr w, const char *p, size_t len);

/*
 * Turns the memory buffer BUF of a finished writer into a new malloc'ed,
 * NUL-terminated string *out of *out_len bytes.
 */
int esxconf_xml_take(char **out, size_t *out_len, xmlBufferPtr buf);

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
 * Where the base lines came from, once a compaction has moved them: lines
 * LINE.. up to the next run's LINE are original lines ORIG.. in a row,
 * or lines an edit added when ORIG is NONE.  One run per stretch of
 * untouched lines, so a handful of edits cost a handful of runs.
 */
struct run {
	uint32_t line;
	uint32_t orig;
};

/* An original line an edit removed: its 0-based number in the document as
 * parsed, and its record as parsed (text in base). */
struct gone {
	struct rec r;
	uint32_t line;
};

/*
 * Everything a lookup may rebuild lazily lives here, so that functions
 * taking a const document can still build the index or renumber lines.
 *
 * Line ids: base lines are 0..nbase-1 in file order; inserted lines are
 * nbase.. in order of insertion.  While DIRTY is 0 there are neither
 * inserted nor removed lines and an id is the 0-based line index;
 * esxconf_compact() restores that state.
 *
 * Origins: until the first compaction (NRUNS 0), base line I is line I
 * of the document as parsed, and inserted lines are new.  A compaction
 * records the origins in RUNS and the removed original lines in GONE.
 * An owned line keeps its record as parsed in OWNED_ORIG (the slot's
 * first owner; unused for inserted lines), so the change of a line is
 * known without the diff of two texts.
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
	struct rec *owned_orig; /* the record as parsed, per owned slot */
	size_t nowned, owned_cap;
	struct run *runs;
	uint32_t nruns;
	struct gone *gone;
	size_t ngone, gone_cap;
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
/* --- records ---------------------------------------------------------- */

static inline struct rec *
rec_of(const struct core *c, uint32_t id)
{
	return id < c->nbase ? &c->recs[id] : &c->ins[id - c->nbase].r;
}

static inline unsigned
rec_kind(const struct rec *r)
{
	return (unsigned)(r->word >> KIND_SHIFT) & 3;
}

static inline unsigned
rec_eol(const struct rec *r)
{
	return (unsigned)(r->word >> EOL_SHIFT) & 3;
}

static inline void
rec_set_eol(struct rec *r, unsigned eol)
{
	r->word = (r->word & ~(UINT64_C(3) << EOL_SHIFT)) |
	    ((uint64_t)eol << EOL_SHIFT);
}

static inline const char *
rec_text(const struct core *c, const struct rec *r)
{
	if (r->word & F_OWNED)
		return c->owned[r->word & OFF_MASK];
	return c->base + (r->word & OFF_MASK);
}

static inline const char *
rec_key(const struct core *c, const struct rec *r)
{
	const char *p = rec_text(c, r);

	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static inline size_t
eol_len(unsigned eol)
{
	return eol == EOL_CRLF ? 2 : eol == EOL_LF ? 1 : 0;
}

static inline const char *
eol_str(unsigned eol)
{
	return eol == EOL_CRLF ? "\r\n" : eol == EOL_LF ? "\n" : "";
}

static inline unsigned
dominant_eol(const struct core *c)
{
	return c->n_crlf > c->n_lf ? EOL_CRLF : EOL_LF;
}

static inline int
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

static inline void
walk_init(struct walk *w, int with_dead)
{
	w->pos = 0;
	w->ai = 0;
	w->chain = NONE;
	w->with_dead = with_dead;
}

static inline uint32_t
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

/* --- shared between the esxconf*.c files --------------------------------- */

struct vifs_buf;

/* Hash of LEN bytes of a key, as the index stores it (esxconf_index.c). */
uint64_t esxconf_hash_key(const char *p, size_t n);

/* Slot of KEY in the built index with *found = 1, or the empty slot where
 * it would go with *found = 0. */
size_t esxconf_slot_find(const struct core *c, const char *key, size_t klen,
    uint64_t h, int *found);

/* Builds the index if needed and makes room for one more key. */
int esxconf_index_reserve(struct core *c);

/* Empties slot I of the index, moving later keys of its probe run back. */
void esxconf_slot_delete(struct core *c, size_t i);

/* Id of the last line of KEY, or NONE; builds the index when needed. */
int esxconf_lookup(uint32_t *out, struct core *c, const char *key, size_t klen,
    size_t *slot);

/* Folds inserted lines into the base array and drops removed ones,
 * keeping where every line came from (RUNS, GONE). */
int esxconf_compact(struct core *c);

/* The 0-based original line base line ID (< nbase) came from, or NONE
 * for a line an edit added (esxconf_index.c).  O(log runs). */
uint32_t esxconf_origin(const struct core *c, uint32_t id);

/* The same for a walk in id order: *CUR is the run of the previous call,
 * 0 at first.  O(1) a line. */
uint32_t esxconf_origin_walk(const struct core *c, uint32_t id, uint32_t *cur);

/* Fills *OUT with the view of the line of record R: LINENO and ORIGIN
 * (1-based; ORIGIN 0 for a line an edit added) as given (esxconf_query.c). */
void esxconf_view(struct vifs_esxconf_line *out, const struct core *c,
    const struct rec *r, size_t lineno, size_t origin);

/* Copies LEN bytes of KEY into BUF of SIZE for a message, escaping what is
 * not printable (esxconf_query.c). */
const char *esxconf_shown(char *buf, size_t size, const char *key, size_t len);

/* Appends VALUE to B in esx.conf's escaped form (esxconf_escape.c). */
int esxconf_escape_into(struct vifs_buf *b, const char *value);

#endif
