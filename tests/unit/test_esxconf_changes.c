/*
 * test_esxconf_changes.c - the esx.conf model's record of where each line
 * came from and what an edit changed: compaction between edits, setting
 * an existing key, unset, add, one line edited again and again, edits
 * undone, the fixture with its real typo (/devcie/), whole documents
 * compared by key, and hostile input (CRLF, NUL bytes, no final line
 * ending, malformed lines, duplicates).  For random single edits of
 * random documents, the lines removed and added, and the original lines
 * touched, are those of a line diff of the two texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "testutil.h"

static vifs_esxconf *
parse_n(const char *buf, size_t len)
{
	vifs_esxconf *doc = NULL;

	assert_int_equal(vifs_esxconf_parse(&doc, "t", buf, len), 0);
	return doc;
}

static vifs_esxconf *
parse_s(const char *s)
{
	return parse_n(s, strlen(s));
}

static vifs_esxconf_changes *
edits(const vifs_esxconf *doc)
{
	vifs_esxconf_changes *ch = NULL;

	assert_int_equal(vifs_esxconf_edits(&ch, doc), 0);
	assert_non_null(ch);
	return ch;
}

/* Forces a compaction: any line view folds inserted and removed lines. */
static void
compact(const vifs_esxconf *doc)
{
	struct vifs_esxconf_line l;

	if (vifs_esxconf_line_count(doc) > 0)
		assert_int_equal(vifs_esxconf_line(&l, doc, 0), 0);
}

/* Change I is KIND, with the original line WAS (0: none) and the line now
 * NOW (0: none) whose text is TEXT (NULL: not checked). */
static void
assert_change(const vifs_esxconf_changes *ch, size_t i,
    enum vifs_esxconf_change_kind kind, size_t was, size_t now,
    const char *text)
{
	const struct vifs_esxconf_change *c = vifs_esxconf_changes_get(ch, i);

	assert_non_null(c);
	assert_int_equal(c->kind, kind);
	assert_int_equal(c->was.lineno, was);
	assert_int_equal(c->now.lineno, now);
	if (was != 0)
		assert_int_equal(c->was.origin, was);
	if (text != NULL) {
		assert_int_equal(c->now.text_len, strlen(text));
		assert_memory_equal(c->now.text, text, strlen(text));
	}
}

/* The origins of the lines of DOC, in order, are WANT (N of them). */
static void
assert_origins(const vifs_esxconf *doc, const size_t *want, size_t n)
{
	struct vifs_esxconf_line l;

	assert_int_equal(vifs_esxconf_line_count(doc), n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(vifs_esxconf_line(&l, doc, i), 0);
		assert_int_equal(l.lineno, i + 1);
		assert_int_equal(l.origin, want[i]);
	}
}

static const char text[] = "/a = \"1\"\n"
                           "/c = \"3\"\n"
                           "# note\n"
                           "/e = \"5\"\n";

static void
test_unedited(void **state)
{
	vifs_esxconf *doc = parse_s(text);
	vifs_esxconf_changes *ch;
	static const size_t o[] = { 1, 2, 3, 4 };

	(void)state;
	assert_origins(doc, o, 4);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 0);
	assert_int_equal(vifs_esxconf_changes_added(ch), 0);
	assert_null(vifs_esxconf_changes_get(ch, 0));
	vifs_esxconf_changes_free(ch);
	/* Set to what it is already: no edit. */
	assert_int_equal(vifs_esxconf_set(doc, "/c", "3"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(doc);
}

static void
test_set_existing(void **state)
{
	vifs_esxconf *doc = parse_s(text);
	vifs_esxconf_changes *ch;
	const struct vifs_esxconf_change *c;
	static const size_t o[] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(vifs_esxconf_set(doc, "/c", "x"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_CHANGED, 2, 2, "/c = \"x\"");
	c = vifs_esxconf_changes_get(ch, 0);
	/* The line as it was, key and value, and as it is. */
	assert_int_equal(c->was.text_len, 8);
	assert_memory_equal(c->was.text, "/c = \"3\"", 8);
	assert_memory_equal(c->was.key, "/c", 2);
	assert_memory_equal(c->was.raw_value, "3", 1);
	assert_memory_equal(c->now.key, "/c", 2);
	assert_memory_equal(c->now.raw_value, "x", 1);
	assert_int_equal(c->now.origin, 2);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 1);
	assert_int_equal(vifs_esxconf_changes_added(ch), 1);
	vifs_esxconf_changes_free(ch);
	/* A set in place moves nothing. */
	assert_origins(doc, o, 4);
	vifs_esxconf_free(doc);
}

static void
test_unset_and_add(void **state)
{
	vifs_esxconf *doc = parse_s(text);
	vifs_esxconf_changes *ch;
	static const size_t o1[] = { 1, 0, 2, 3, 4 };
	static const size_t o2[] = { 1, 0, 3, 4 };

	(void)state;
	assert_int_equal(vifs_esxconf_set(doc, "/b", "2"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_ADDED, 0, 2, "/b = \"2\"");
	assert_int_equal(vifs_esxconf_changes_get(ch, 0)->now.origin, 0);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 0);
	assert_int_equal(vifs_esxconf_changes_added(ch), 1);
	vifs_esxconf_changes_free(ch);
	assert_origins(doc, o1, 5);
	/* After the compaction: remove an original line. */
	assert_int_equal(vifs_esxconf_unset(doc, "/c"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 2);
	/* A stretch: its removed line first, then the added one. */
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 2, 0, NULL);
	assert_memory_equal(vifs_esxconf_changes_get(ch, 0)->was.key, "/c", 2);
	assert_change(ch, 1, VIFS_ESXCONF_ADDED, 0, 2, "/b = \"2\"");
	assert_int_equal(vifs_esxconf_changes_removed(ch), 1);
	assert_int_equal(vifs_esxconf_changes_added(ch), 1);
	vifs_esxconf_changes_free(ch);
	assert_origins(doc, o2, 4);
	vifs_esxconf_free(doc);
}

static void
test_repeated_edits(void **state)
{
	vifs_esxconf *doc = parse_s(text);
	vifs_esxconf_changes *ch;
	char v[16];

	(void)state;
	/* One line edited many times, with compactions in between. */
	for (int i = 0; i < 50; i++) {
		snprintf(v, sizeof(v), "v%d", i);
		assert_int_equal(vifs_esxconf_set(doc, "/e", v), 0);
		if (i % 7 == 0) {
			assert_int_equal(vifs_esxconf_set(doc, "/z", v), 0);
			assert_int_equal(vifs_esxconf_unset(doc, "/z"), 0);
			compact(doc);
		}
	}
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_CHANGED, 4, 4, "/e = \"v49\"");
	vifs_esxconf_changes_free(ch);
	/* Edited back to what it was: no change at all. */
	assert_int_equal(vifs_esxconf_set(doc, "/e", "5"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	/* Removed and set again as it was, between the same lines. */
	assert_int_equal(vifs_esxconf_unset(doc, "/c"), 0);
	compact(doc);
	assert_int_equal(vifs_esxconf_set(doc, "/c", "3"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	/* Removed and set to something else: that line changed. */
	assert_int_equal(vifs_esxconf_unset(doc, "/c"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/c", "4"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 2);
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 2, 0, NULL);
	assert_change(ch, 1, VIFS_ESXCONF_ADDED, 0, 2, "/c = \"4\"");
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(doc);
}

static void
test_many_compactions(void **state)
{
	char *buf, key[32];
	size_t len = 0, n = 2000;
	vifs_esxconf *doc;
	vifs_esxconf_changes *ch;
	struct vifs_esxconf_line l;

	(void)state;
	buf = malloc(n * 32);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "/k/%05zu = \"v\"\n", i * 2);
	doc = parse_n(buf, len);
	/* Every tenth line removed, a new one after every tenth, with a
	 * compaction after each edit. */
	for (size_t i = 0; i < n; i += 10) {
		snprintf(key, sizeof(key), "/k/%05zu", i * 2);
		assert_int_equal(vifs_esxconf_unset(doc, key), 0);
		compact(doc);
		snprintf(key, sizeof(key), "/k/%05zu", i * 2 + 3);
		assert_int_equal(vifs_esxconf_set(doc, key, "new"), 0);
		compact(doc);
	}
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_removed(ch), n / 10);
	assert_int_equal(vifs_esxconf_changes_added(ch), n / 10);
	for (size_t i = 0; i < vifs_esxconf_changes_count(ch); i++) {
		const struct vifs_esxconf_change
		    *c = vifs_esxconf_changes_get(ch, i);

		if (c->kind == VIFS_ESXCONF_REMOVED)
			assert_int_equal((c->was.lineno - 1) % 10, 0);
		else
			assert_int_equal(c->now.origin, 0);
	}
	vifs_esxconf_changes_free(ch);
	/* Every untouched line still knows its original number. */
	for (size_t i = 0; i < vifs_esxconf_line_count(doc); i++) {
		unsigned long k;

		assert_int_equal(vifs_esxconf_line(&l, doc, i), 0);
		assert_int_equal(sscanf(l.text, "/k/%lu", &k), 1);
		if (k % 2 == 0)
			assert_int_equal(l.origin, k / 2 + 1);
		else
			assert_int_equal(l.origin, 0);
	}
	vifs_esxconf_free(doc);
	free(buf);
}

/* The fixture of sample 2, with the real typo /devcie/ on line 3. */
static void
test_fixture_typo(void **state)
{
	size_t len;
	char *buf = fixture_read("pci/seed-sample2.esx.conf", &len);
	vifs_esxconf *doc = parse_n(buf, len);
	vifs_esxconf_changes *ch;

	(void)state;
	/* Fixing the typo: the misspelt line goes, the right one comes. */
	assert_int_equal(vifs_esxconf_unset(doc, "/devcie/008:01.0/owner"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/device/008:01.0/owner",
	                     "vmkernel"),
	    0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 1);
	assert_int_equal(vifs_esxconf_changes_added(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 3, 0, NULL);
	assert_memory_equal(vifs_esxconf_changes_get(ch, 0)->was.key,
	    "/devcie/008:01.0/owner", 22);
	assert_int_equal(vifs_esxconf_changes_get(ch, 1)->kind,
	    VIFS_ESXCONF_ADDED);
	assert_memory_equal(vifs_esxconf_changes_get(ch, 1)->now.key,
	    "/device/008:01.0/owner", 22);
	vifs_esxconf_changes_free(ch);
	/* The line without a leading '/' is left alone by a set of
	 * another key. */
	assert_int_equal(vifs_esxconf_set(doc,
	                     "/advUserOptions/options[0003]/type", "string"),
	    0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 3);
	/* Lines 2 and 3 are one stretch: its removed line first. */
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 3, 0, NULL);
	assert_change(ch, 1, VIFS_ESXCONF_CHANGED, 2, 2,
	    "/advUserOptions/options[0003]/type = \"string\"");
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(doc);
	free(buf);
}

static void
test_compare_whole(void **state)
{
	vifs_esxconf *a = parse_s(text), *b, *c;
	vifs_esxconf_changes *ch;

	(void)state;
	/* The same lines in another order, one changed, one added, one
	 * comment gone: by key, order does not count. */
	b = parse_s("/e = \"5\"\n"
	            "/a = \"1\"\n"
	            "/c = \"x\"\n"
	            "/d = \"4\"\n");
	assert_int_equal(vifs_esxconf_compare(&ch, a, b), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 3);
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 3, 0, NULL);
	assert_change(ch, 1, VIFS_ESXCONF_CHANGED, 2, 3, "/c = \"x\"");
	assert_change(ch, 2, VIFS_ESXCONF_ADDED, 0, 4, "/d = \"4\"");
	assert_int_equal(vifs_esxconf_changes_removed(ch), 2);
	assert_int_equal(vifs_esxconf_changes_added(ch), 2);
	vifs_esxconf_changes_free(ch);
	/* A document against itself and against a parse of its bytes. */
	assert_int_equal(vifs_esxconf_compare(&ch, b, b), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	c = parse_s(text);
	assert_int_equal(vifs_esxconf_compare(&ch, a, c), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	/* An edit of the same bytes: the edit's own changes. */
	assert_int_equal(vifs_esxconf_set(c, "/c", "x"), 0);
	assert_int_equal(vifs_esxconf_compare(&ch, a, c), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_CHANGED, 2, 2, "/c = \"x\"");
	vifs_esxconf_changes_free(ch);
	/* An edited BEFORE is compared by key. */
	assert_int_equal(vifs_esxconf_compare(&ch, c, a), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 1);
	assert_change(ch, 0, VIFS_ESXCONF_CHANGED, 2, 2, "/c = \"3\"");
	vifs_esxconf_changes_free(ch);
	assert_int_equal(vifs_esxconf_compare(&ch, NULL, a), VIFS_EINVAL);
	assert_int_equal(vifs_esxconf_edits(&ch, NULL), VIFS_EINVAL);
	vifs_esxconf_free(a);
	vifs_esxconf_free(b);
	vifs_esxconf_free(c);
}

static void
test_compare_duplicates(void **state)
{
	vifs_esxconf *a, *b;
	vifs_esxconf_changes *ch;

	(void)state;
	/* The Nth line of a key is the Nth line of it on the other side. */
	a = parse_s("/a = \"1\"\n#\n/a = \"2\"\n#\n");
	b = parse_s("#\n/a = \"1\"\n/a = \"3\"\n/a = \"4\"\n");
	assert_int_equal(vifs_esxconf_compare(&ch, a, b), 0);
	assert_int_equal(vifs_esxconf_changes_count(ch), 3);
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 4, 0, NULL);
	assert_change(ch, 1, VIFS_ESXCONF_CHANGED, 3, 3, "/a = \"3\"");
	assert_change(ch, 2, VIFS_ESXCONF_ADDED, 0, 4, "/a = \"4\"");
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(a);
	vifs_esxconf_free(b);
}

static void
test_hostile(void **state)
{
	/* CRLF, a NUL byte, a malformed line, no final line ending. */
	static const char in[] =
	    "/a = \"1\"\r\n\0junk\r\n  /m \"x\r\n/b = \"x|ZZ\"";
	vifs_esxconf *doc = parse_n(in, sizeof(in) - 1), *b;
	vifs_esxconf_changes *ch;
	const struct vifs_esxconf_change *c;
	char *out;
	size_t len;

	(void)state;
	/* A key after the last line: that line gains a line ending. */
	assert_int_equal(vifs_esxconf_set(doc, "/c", "3"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 2);
	c = vifs_esxconf_changes_get(ch, 0);
	assert_int_equal(c->kind, VIFS_ESXCONF_CHANGED);
	assert_int_equal(c->was.lineno, 4);
	assert_int_equal(c->was.text_len, c->now.text_len);
	assert_change(ch, 1, VIFS_ESXCONF_ADDED, 0, 5, "/c = \"3\"");
	vifs_esxconf_changes_free(ch);
	/* The NUL line and the malformed line stay untouched. */
	assert_int_equal(vifs_esxconf_unset(doc, "/a"), 0);
	ch = edits(doc);
	assert_change(ch, 0, VIFS_ESXCONF_REMOVED, 1, 0, NULL);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 2);
	assert_int_equal(vifs_esxconf_changes_added(ch), 2);
	vifs_esxconf_changes_free(ch);
	/* The same as a whole file: by key, the same counts. */
	assert_int_equal(vifs_esxconf_serialize(&out, &len, doc), 0);
	b = parse_n(out, len);
	{
		vifs_esxconf *orig = parse_n(in, sizeof(in) - 1);

		assert_int_equal(vifs_esxconf_compare(&ch, orig, b), 0);
		assert_int_equal(vifs_esxconf_changes_removed(ch), 2);
		assert_int_equal(vifs_esxconf_changes_added(ch), 2);
		vifs_esxconf_changes_free(ch);
		vifs_esxconf_free(orig);
	}
	/* Everything removed, then an empty document. */
	vifs_esxconf_free(b);
	free(out);
	assert_int_equal(vifs_esxconf_unset(doc, "/b"), 0);
	assert_int_equal(vifs_esxconf_unset(doc, "/c"), 0);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 2);
	assert_int_equal(vifs_esxconf_changes_added(ch), 0);
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(doc);
	doc = parse_n("", 0);
	b = parse_n("\n\n", 2);
	ch = edits(doc);
	assert_int_equal(vifs_esxconf_changes_count(ch), 0);
	vifs_esxconf_changes_free(ch);
	assert_int_equal(vifs_esxconf_compare(&ch, doc, b), 0);
	assert_int_equal(vifs_esxconf_changes_added(ch), 2);
	assert_int_equal(vifs_esxconf_changes_removed(ch), 0);
	vifs_esxconf_changes_free(ch);
	vifs_esxconf_free(doc);
	vifs_esxconf_free(b);
}

/* The '-' and '+' lines of a diff (context 0) of A and B, and the
 * original lines it removes in TOUCHED (1-based, at most MAX). */
static void
diff_counts(const char *a, size_t alen, const char *b, size_t blen,
    size_t *removed, size_t *added, unsigned char *touched, size_t max)
{
	char *d = NULL;
	size_t dlen = 0, line = 0;
	const char *p, *end;

	assert_int_equal(vifs_diff_unified(&d, &dlen, a, alen, b, blen, "a",
	                     "b", 0),
	    0);
	*removed = *added = 0;
	for (p = d, end = d + dlen; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n >= 4 && memcmp(p, "@@ -", 4) == 0)
			line = strtoul(p + 4, NULL, 10);
		else if (n >= 3 &&
		    (memcmp(p, "---", 3) == 0 || memcmp(p, "+++", 3) == 0))
			;
		else if (n > 0 && *p == '-') {
			(*removed)++;
			assert_true(line >= 1 && line <= max);
			touched[line - 1] = 1;
			line++;
		} else if (n > 0 && *p == '+')
			(*added)++;
		p = nl ? nl + 1 : end;
	}
	free(d);
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64: the same documents and edits on every run. */
static unsigned
rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned)*s;
}

static void
test_same_as_diff(void **state)
{
	static const char *const keys[] = { "/a", "/b", "/c", "/adv/x",
		"/devcie/008:01.0/owner", "/device/000:26.0/owner", "/z" };
	static const char *const vals[] = { "1", "2", "passthru", "" };
	unsigned long long s = 88172645463325252ULL;

	(void)state;
	for (int it = 0; it < 3000; it++) {
		char buf[2048], *out;
		size_t len = 0, olen, dr, da;
		unsigned char dt[16] = { 0 }, mt[16] = { 0 };
		int lines, crlf;
		vifs_esxconf *doc;
		vifs_esxconf_changes *ch;

		lines = (int)(rnd(&s) % 12);
		crlf = rnd(&s) % 4 == 0;
		for (int i = 0; i < lines; i++) {
			unsigned k = rnd(&s) % 8;
			const char *key = keys[rnd(&s) % NELEMS(keys)];
			const char *v = vals[rnd(&s) % NELEMS(vals)];

			if (k < 5)
				len += (size_t)sprintf(buf + len, "%s = \"%s\"",
				    key, v);
			else if (k == 5)
				len += (size_t)sprintf(buf + len, "# c");
			else if (k == 6)
				len += (size_t)sprintf(buf + len, "  %s \"%s",
				    key, v);
			if (i < lines - 1 || rnd(&s) % 3 != 0)
				len += (size_t)sprintf(buf + len, "%s",
				    crlf ? "\r\n" : "\n");
		}
		doc = parse_n(buf, len);
		if (rnd(&s) % 3 == 0)
			(void)vifs_esxconf_unset(doc,
			    keys[rnd(&s) % NELEMS(keys)]);
		else
			assert_int_equal(vifs_esxconf_set(doc,
			                     keys[rnd(&s) % NELEMS(keys)],
			                     vals[rnd(&s) % NELEMS(vals)]),
			    0);
		assert_int_equal(vifs_esxconf_serialize(&out, &olen, doc), 0);
		diff_counts(buf, len, out, olen, &dr, &da, dt, sizeof(dt));
		ch = edits(doc);
		assert_int_equal(vifs_esxconf_changes_removed(ch), dr);
		assert_int_equal(vifs_esxconf_changes_added(ch), da);
		for (size_t i = 0; i < vifs_esxconf_changes_count(ch); i++) {
			const struct vifs_esxconf_change
			    *c = vifs_esxconf_changes_get(ch, i);

			if (c->kind != VIFS_ESXCONF_ADDED)
				mt[c->was.lineno - 1] = 1;
		}
		assert_memory_equal(mt, dt, sizeof(dt));
		vifs_esxconf_changes_free(ch);
		vifs_esxconf_free(doc);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unedited),
		cmocka_unit_test(test_set_existing),
		cmocka_unit_test(test_unset_and_add),
		cmocka_unit_test(test_repeated_edits),
		cmocka_unit_test(test_many_compactions),
		cmocka_unit_test(test_fixture_typo),
		cmocka_unit_test(test_compare_whole),
		cmocka_unit_test(test_compare_duplicates),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_same_as_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
