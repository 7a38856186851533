/*
 * test_esxconf.c - the lossless esx.conf model: exact round trips on the
 * fixtures, generated and hostile inputs; line forms; get, set, unset,
 * foreach; sorted insertion; escaping of every byte; key validation;
 * duplicates; atomic save; a 20 MB file; XML output checked against its
 * schema.  Random edits are compared with a small reference model written
 * from the header's contract.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "testutil.h"

/* --- utilities ----------------------------------------------------------- */

static vifs_esxconf *
parse(const char *buf, size_t len)
{
	vifs_esxconf *doc = NULL;

	assert_int_equal(vifs_esxconf_parse(&doc, "test.conf", buf, len), 0);
	assert_non_null(doc);
	return doc;
}

static vifs_esxconf *
parse_s(const char *s)
{
	return parse(s, strlen(s));
}

static char *
ser(const vifs_esxconf *doc, size_t *len)
{
	char *out = NULL;
	size_t n = 0;

	assert_int_equal(vifs_esxconf_serialize(&out, &n, doc), 0);
	assert_non_null(out);
	assert_int_equal(out[n], '\0');
	if (len)
		*len = n;
	return out;
}

static void
assert_ser(const vifs_esxconf *doc, const char *want)
{
	size_t n;
	char *out = ser(doc, &n);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	free(out);
}

static void
assert_get(const vifs_esxconf *doc, const char *key, const char *want)
{
	char *v = NULL;

	assert_int_equal(vifs_esxconf_get(&v, doc, key), 0);
	assert_string_equal(v, want);
	free(v);
}

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* --- reference model --------------------------------------------------- */

/* An independent reading of the grammar in <vifs/esxconf.h>. */
struct ref {
	int kind;
	size_t ko, kl, vo, vl;
	int quoted;
};

#define WS(c) ((c) == ' ' || (c) == '\t')

static void
ref_scan(struct ref *r, const char *t, size_t n)
{
	size_t i = 0, k0, j;

	memset(r, 0, sizeof(*r));
	while (i < n && WS(t[i]))
		i++;
	if (i == n) {
		r->kind = VIFS_ESXCONF_BLANK;
		return;
	}
	if (t[i] == '#') {
		r->kind = VIFS_ESXCONF_COMMENT;
		return;
	}
	r->kind = VIFS_ESXCONF_MALFORMED;
	k0 = i;
	while (i < n && !WS(t[i]) && t[i] != '=' && t[i] != '#')
		i++;
	if (i == k0)
		return;
	r->ko = k0;
	r->kl = i - k0;
	while (i < n && WS(t[i]))
		i++;
	if (i == n || t[i] != '=')
		return;
	i++;
	while (i < n && WS(t[i]))
		i++;
	if (i < n && t[i] == '"') {
		for (j = i + 1; j < n && t[j] != '"'; j++)
			;
		if (j == n)
			return;
		r->vo = i + 1;
		r->vl = j - i - 1;
		r->quoted = 1;
		i = j + 1;
	} else {
		r->vo = i;
		while (i < n && !WS(t[i]) && t[i] != '#')
			i++;
		r->vl = i - r->vo;
	}
	while (i < n && WS(t[i]))
		i++;
	if (i < n && t[i] != '#')
		return;
	r->kind = VIFS_ESXCONF_ENTRY;
}

static char *
ref_escape(const char *v)
{
	size_t n = strlen(v), o = 0, i;
	char *out = malloc(3 * n + 1);

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == '"' || c == '|' ||
		    c == 0x7f)
			o += (size_t)sprintf(out + o, "|%02X", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

static int
ref_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *
ref_unescape(const char *p, size_t n, size_t *outlen)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		if (p[i] == '|' && i + 2 < n && ref_hex(p[i + 1]) >= 0 &&
		    ref_hex(p[i + 2]) >= 0) {
			out[o++] = (char)(ref_hex(p[i + 1]) * 16 +
			    ref_hex(p[i + 2]));
			i += 2;
		} else {
			out[o++] = p[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

enum { E_NONE, E_LF, E_CRLF };

struct mline {
	char *text;
	size_t len;
	int eol;
};

struct model {
	struct mline *v;
	size_t n, cap;
	int dom;
};

static void
model_insert(struct model *m, size_t at, const char *text, size_t len, int eol)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		assert_non_null(m->v);
	}
	memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof(*m->v));
	m->v[at].text = malloc(len + 1);
	assert_non_null(m->v[at].text);
	if (len)
		memcpy(m->v[at].text, text, len);
	m->v[at].text[len] = '\0';
	m->v[at].len = len;
	m->v[at].eol = eol;
	m->n++;
}

static void
model_remove(struct model *m, size_t at)
{
	free(m->v[at].text);
	memmove(&m->v[at], &m->v[at + 1], (m->n - at - 1) * sizeof(*m->v));
	m->n--;
}

static void
model_free(struct model *m)
{
	while (m->n > 0)
		model_remove(m, m->n - 1);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* Lines end at LF; a CR right before the LF belongs to the ending. */
static void
model_parse(struct model *m, const char *buf, size_t len)
{
	size_t pos = 0, lf = 0, crlf = 0;

	memset(m, 0, sizeof(*m));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t tl;
		int eol;

		if (nl == NULL) {
			model_insert(m, m->n, buf + pos, len - pos, E_NONE);
			break;
		}
		tl = (size_t)(nl - buf) - pos;
		eol = E_LF;
		if (tl > 0 && buf[pos + tl - 1] == '\r') {
			tl--;
			eol = E_CRLF;
			crlf++;
		} else {
			lf++;
		}
		model_insert(m, m->n, buf + pos, tl, eol);
		pos = (size_t)(nl - buf) + 1;
	}
	m->dom = crlf > lf ? E_CRLF : E_LF;
}

static char *
model_ser(const struct model *m, size_t *len)
{
	size_t i, n = 0, o = 0;
	char *out;

	for (i = 0; i < m->n; i++)
		n += m->v[i].len + (size_t)m->v[i].eol;
	out = malloc(n + 1);
	assert_non_null(out);
	for (i = 0; i < m->n; i++) {
		memcpy(out + o, m->v[i].text, m->v[i].len);
		o += m->v[i].len;
		if (m->v[i].eol == E_CRLF)
			out[o++] = '\r';
		if (m->v[i].eol != E_NONE)
			out[o++] = '\n';
	}
	out[o] = '\0';
	*len = o;
	return out;
}

static int
model_key_is(const struct mline *l, const char *key, size_t kl)
{
	struct ref r;

	ref_scan(&r, l->text, l->len);
	return r.kind == VIFS_ESXCONF_ENTRY && r.kl == kl &&
	    memcmp(l->text + r.ko, key, kl) == 0;
}

/* Index of the last line of KEY, or -1. */
static long
model_find(const struct model *m, const char *key)
{
	size_t kl = strlen(key);
	long i;

	for (i = (long)m->n - 1; i >= 0; i--)
		if (model_key_is(&m->v[i], key, kl))
			return i;
	return -1;
}

static size_t
model_entries(const struct model *m, const char *prefix)
{
	size_t i, n = 0, pl = prefix ? strlen(prefix) : 0;
	struct ref r;

	for (i = 0; i < m->n; i++) {
		ref_scan(&r, m->v[i].text, m->v[i].len);
		if (r.kind == VIFS_ESXCONF_ENTRY && r.kl >= pl &&
		    memcmp(m->v[i].text + r.ko, prefix ? prefix : "", pl) == 0)
			n++;
	}
	return n;
}

static int
keycmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

/* The header's set(): replace the last line of KEY, else insert after
 * the last entry whose key sorts before it, else before the first
 * entry, else at the end. */
static void
model_set(struct model *m, const char *key, const char *value)
{
	size_t kl = strlen(key), tl, i, at;
	char *esc = ref_escape(value), *text;
	long last = model_find(m, key), after = -1, first = -1;
	struct ref r;

	tl = kl + 4 + strlen(esc) + 1;
	text = malloc(tl + 1);
	assert_non_null(text);
	snprintf(text, tl + 1, "%s = \"%s\"", key, esc);
	free(esc);
	if (last >= 0) {
		free(m->v[last].text);
		m->v[last].text = text;
		m->v[last].len = tl;
		return;
	}
	for (i = 0; i < m->n; i++) {
		ref_scan(&r, m->v[i].text, m->v[i].len);
		if (r.kind != VIFS_ESXCONF_ENTRY)
			continue;
		if (first < 0)
			first = (long)i;
		if (keycmp(m->v[i].text + r.ko, r.kl, key, kl) < 0)
			after = (long)i;
	}
	at = after >= 0 ? (size_t)after + 1 : first >= 0 ? (size_t)first : m->n;
	if (at > 0 && m->v[at - 1].eol == E_NONE)
		m->v[at - 1].eol = m->dom;
	model_insert(m, at, text, tl, m->dom);
	free(text);
}

static int
model_unset(struct model *m, const char *key)
{
	size_t kl = strlen(key), i = m->n;
	int found = 0;

	while (i-- > 0) {
		if (model_key_is(&m->v[i], key, kl)) {
			model_remove(m, i);
			found = 1;
		}
	}
	return found;
}

static void
assert_same(const vifs_esxconf *doc, const struct model *m)
{
	size_t n, mn;
	char *a = ser(doc, &n), *b = model_ser(m, &mn);

	assert_int_equal(n, mn);
	assert_memory_equal(a, b, n);
	assert_int_equal(vifs_esxconf_line_count(doc), m->n);
	assert_int_equal(vifs_esxconf_count(doc), model_entries(m, NULL));
	free(a);
	free(b);
}

/* Checks the view of every line against the reference scanner. */
static void
assert_views(const vifs_esxconf *doc, const struct model *m)
{
	struct vifs_esxconf_line v;
	struct ref r;
	size_t i;

	for (i = 0; i < m->n; i++) {
		assert_int_equal(vifs_esxconf_line(&v, doc, i), 0);
		assert_int_equal(v.lineno, i + 1);
		assert_int_equal(v.text_len, m->v[i].len);
		assert_memory_equal(v.text, m->v[i].text, v.text_len);
		ref_scan(&r, m->v[i].text, m->v[i].len);
		assert_int_equal(v.kind, r.kind);
		if (r.kind != VIFS_ESXCONF_ENTRY) {
			assert_null(v.key);
			assert_null(v.raw_value);
			continue;
		}
		assert_ptr_equal(v.key, v.text + r.ko);
		assert_int_equal(v.key_len, r.kl);
		assert_ptr_equal(v.raw_value, v.text + r.vo);
		assert_int_equal(v.raw_value_len, r.vl);
		assert_int_equal(v.quoted, r.quoted);
	}
	assert_int_equal(vifs_esxconf_line(&v, doc, m->n), VIFS_ENOTFOUND);
}

/* Parses BUF and checks the round trip and every line view. */
static void
check_input(const char *buf, size_t len)
{
	vifs_esxconf *doc = parse(buf, len);
	struct model m;
	size_t n;
	char *out;

	model_parse(&m, buf, len);
	out = ser(doc, &n);
	assert_int_equal(n, len);
	if (len)
		assert_memory_equal(out, buf, len);
	free(out);
	assert_same(doc, &m);
	assert_views(doc, &m);
	assert_int_equal(vifs_esxconf_modified(doc), 0);
	model_free(&m);
	vifs_esxconf_free(doc);
}

/* --- fixtures and inputs ------------------------------------------------ */

static void
test_fixture_roundtrip(void **state)
{
	static const char *const names[] = { "pci/seed-sample1.esx.conf",
		"pci/seed-sample2.esx.conf" };
	size_t i, len;

	(void)state;
	for (i = 0; i < 2; i++) {
		char *buf = fixture_read(names[i], &len);
		vifs_esxconf *doc;

		check_input(buf, len);
		assert_int_equal(vifs_esxconf_open(&doc,
		                     fixture_path(names[i])),
		    0);
		assert_string_equal(vifs_esxconf_name(doc),
		    fixture_path(names[i]));
		assert_int_equal(vifs_esxconf_line_count(doc), i ? 23 : 20);
		assert_int_equal(vifs_esxconf_count(doc), i ? 23 : 20);
		if (i == 0) {
			assert_get(doc, "/device/000:31.2/vmkname", "vmhba0");
			assert_get(doc, "/device/000:27.0/owner", "passthru");
		} else {
			assert_get(doc, "advUserOptions/options[0003]/name",
			    "CIMWatchdogInterval");
			assert_get(doc, "/devcie/008:01.0/owner", "vmkernel");
			assert_get(doc, "/net/pnic/child[0000]/mac",
			    "00:30:48:db:68:88");
		}
		vifs_esxconf_free(doc);
		free(buf);
	}
}

static void
test_open_errors_and_take(void **state)
{
	vifs_esxconf *doc = NULL;
	char *buf;

	(void)state;
	assert_int_equal(vifs_esxconf_open(&doc,
	                     fixture_path("pci/no-such-file")),
	    VIFS_ENOTFOUND);
	assert_null(doc);
	assert_non_null(strstr(vifs_error_last(), "no-such-file"));
	buf = strdup("/a = \"1\"\n");
	assert_int_equal(vifs_esxconf_parse_take(&doc, NULL, buf, 9), 0);
	assert_string_equal(vifs_esxconf_name(doc), "esx.conf");
	assert_get(doc, "/a", "1");
	vifs_esxconf_free(doc);
	assert_int_equal(vifs_esxconf_parse_take(&doc, "x", NULL, 0), 0);
	assert_int_equal(vifs_esxconf_line_count(doc), 0);
	assert_ser(doc, "");
	vifs_esxconf_free(doc);
	vifs_esxconf_free(NULL);
}

struct form {
	const char *line;
	int kind;
	const char *key, *value;
	int quoted;
};

static void
test_line_forms(void **state)
{
	static const struct form forms[] = {
		{ "/a/b = \"x y\"", VIFS_ESXCONF_ENTRY, "/a/b", "x y", 1 },
		{ " \t/a\t=\t\"v\"  # note", VIFS_ESXCONF_ENTRY, "/a", "v", 1 },
		{ "/a = bare", VIFS_ESXCONF_ENTRY, "/a", "bare", 0 },
		{ "/a=bare#c", VIFS_ESXCONF_ENTRY, "/a", "bare", 0 },
		{ "/a = b\"c", VIFS_ESXCONF_ENTRY, "/a", "b\"c", 0 },
		{ "/a =", VIFS_ESXCONF_ENTRY, "/a", "", 0 },
		{ "/a = # c", VIFS_ESXCONF_ENTRY, "/a", "", 0 },
		{ "/a = \"\"", VIFS_ESXCONF_ENTRY, "/a", "", 1 },
		{ "/a = \"x#y\" #z", VIFS_ESXCONF_ENTRY, "/a", "x#y", 1 },
		{ "/a = \"|22|7C\"", VIFS_ESXCONF_ENTRY, "/a", "|22|7C", 1 },
		{ "noslash = \"1\"", VIFS_ESXCONF_ENTRY, "noslash", "1", 1 },
		{ "/k\"q = \"1\"", VIFS_ESXCONF_ENTRY, "/k\"q", "1", 1 },
		{ "# comment", VIFS_ESXCONF_COMMENT, NULL, NULL, 0 },
		{ "   #", VIFS_ESXCONF_COMMENT, NULL, NULL, 0 },
		{ "", VIFS_ESXCONF_BLANK, NULL, NULL, 0 },
		{ " \t ", VIFS_ESXCONF_BLANK, NULL, NULL, 0 },
		{ "=", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "= \"x\"", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a \"x\"", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a = \"open", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a = \"x\" y", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a = x y", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a = \"x\"\"", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
		{ "/a b = 1", VIFS_ESXCONF_MALFORMED, NULL, NULL, 0 },
	};
	struct vifs_esxconf_line v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char withnl[64];
		vifs_esxconf *doc;

		check_input(forms[i].line, strlen(forms[i].line));
		snprintf(withnl, sizeof(withnl), "%s\n", forms[i].line);
		check_input(withnl, strlen(withnl));
		doc = parse_s(withnl);
		assert_int_equal(vifs_esxconf_line_count(doc), 1);
		assert_int_equal(vifs_esxconf_line(&v, doc, 0), 0);
		assert_int_equal(v.kind, forms[i].kind);
		if (forms[i].key != NULL) {
			assert_int_equal(v.key_len, strlen(forms[i].key));
			assert_memory_equal(v.key, forms[i].key, v.key_len);
			assert_int_equal(v.raw_value_len,
			    strlen(forms[i].value));
			assert_memory_equal(v.raw_value, forms[i].value,
			    v.raw_value_len);
			assert_int_equal(v.quoted, forms[i].quoted);
			assert_int_equal(vifs_esxconf_count(doc), 1);
		} else {
			assert_null(v.key);
			assert_int_equal(vifs_esxconf_count(doc), 0);
		}
		vifs_esxconf_free(doc);
	}
}

static void
test_hostile_inputs(void **state)
{
	static const char nul[] = "/a = \"x\0y\"\n\0\0\n/b\0 = \"1\"\n"
	                          "/c = \"2\"";
	static const char *const cases[] = {
		"",
		"\n",
		"\n\n\n",
		"\r\n",
		"\r",
		"\r\r\n\r",
		"=",
		"==\n",
		"\"",
		"/a = \"",
		"/a = \"\"\"\n",
		"/a = \"#\" # \"\n",
		"# only\n# comments",
		"/a = \"1\"\r\n/b = \"2\"\n/c = \"3\"\r",
		"/a = \"1\"\r\r\n",
		"a\rb = \"c\"\n",
		"/a = \"x\ry\"\r\n",
		"/a = \"\xff\xfe\xc3\x28\"\n/\xe2\x82 = \"\xed\xa0\x80\"\n",
		"\xef\xbb\xbf/a = \"bom\"\n",
		"\t\t\n  \t\n",
		"/a = 1\n/a = 2\n/a = 3",
		"|||\n/a = \"|\"\n/b = \"|z|\"\n",
	};
	char all[256], lines[256 * 12];
	size_t i, o = 0;
	char *big;

	(void)state;
	check_input(nul, sizeof(nul) - 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_input(cases[i], strlen(cases[i]));
	/* Every byte value, alone and inside a value. */
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	check_input(all, sizeof(all));
	for (i = 0; i < 256; i++) {
		o += (size_t)sprintf(lines + o, "/k%02zx = \"", i);
		lines[o++] = (char)i;
		lines[o++] = '"';
		lines[o++] = '\n';
	}
	check_input(lines, o);
	for (i = 0; i < 256; i++) {
		char one[3] = { (char)i, '\n', (char)i };

		check_input(one, 3);
	}
	/* A 1 MB line: an entry, then junk without a newline. */
	big = malloc(3 * 1024 * 1024);
	assert_non_null(big);
	memcpy(big, "/big = \"", 8);
	memset(big + 8, 'x', 1024 * 1024);
	o = 8 + 1024 * 1024;
	memcpy(big + o, "\"\n", 2);
	o += 2;
	memset(big + o, '#', 1024 * 1024);
	big[o] = 'j';
	o += 1024 * 1024;
	check_input(big, o);
	{
		vifs_esxconf *doc = parse(big, o);
		struct vifs_esxconf_line v;
		char *val;

		assert_int_equal(vifs_esxconf_get(&val, doc, "/big"), 0);
		assert_int_equal(strlen(val), 1024 * 1024);
		free(val);
		assert_int_equal(vifs_esxconf_line(&v, doc, 1), 0);
		assert_int_equal(v.kind, VIFS_ESXCONF_MALFORMED);
		assert_int_equal(v.text_len, 1024 * 1024);
		vifs_esxconf_free(doc);
	}
	free(big);
}

/*
 * The indexer's fast paths (a loop for lines of any length, a 128-byte
 * window on processors with AVX2) classify every line as scan() does:
 * each line of many shapes and lengths, parsed in the middle of a
 * document, at its very end and alone without a line ending (which only
 * scan() reads), gives the same view.
 */
static void
check_same_view(const char *line, size_t len, const char *pre, const char *post)
{
	struct vifs_esxconf_line a, b;
	vifs_esxconf *doc, *ref;
	char *buf;
	size_t plen = strlen(pre), qlen = strlen(post), at = 0;

	buf = malloc(plen + len + qlen + 1);
	assert_non_null(buf);
	memcpy(buf, pre, plen);
	memcpy(buf + plen, line, len);
	memcpy(buf + plen + len, post, qlen);
	assert_int_equal(vifs_esxconf_parse(&doc, "t", buf, plen + len + qlen),
	    0);
	assert_int_equal(vifs_esxconf_parse(&ref, "t", line, len), 0);
	for (const char *p = pre; *p; p++)
		at += *p == '\n';
	assert_int_equal(vifs_esxconf_line(&a, doc, at), 0);
	assert_int_equal(vifs_esxconf_line(&b, ref, 0), 0);
	if (a.kind != b.kind || a.text_len != b.text_len ||
	    a.key_len != b.key_len || a.raw_value_len != b.raw_value_len ||
	    a.quoted != b.quoted ||
	    (a.key_len && memcmp(a.key, b.key, a.key_len) != 0) ||
	    (a.raw_value_len &&
	        memcmp(a.raw_value, b.raw_value, a.raw_value_len) != 0))
		fail_msg("line '%.*s' after %zu bytes: kind %d/%d key %zu/%zu "
		         "value %zu/%zu",
		    (int)len, line, plen, a.kind, b.kind, a.key_len, b.key_len,
		    a.raw_value_len, b.raw_value_len);
	vifs_esxconf_free(doc);
	vifs_esxconf_free(ref);
	free(buf);
}

static void
test_fast_paths_agree(void **state)
{
	static const char *const seps[] = { " = \"", " =\"", "= \"", "\t= \"",
		" = ", "  = \"", "=\"" };
	/* (No tail ends in CR: alone, without its LF, that CR is text.) */
	static const char *const tails[] = { "\"", "\" # c", "\"x", "", "\" \"",
		"\"\t" };
	static const char *const filler = "/adv/Misc/HostName = \"esx01\"\n"
	                                  "/adv/Misc/Other = \"0123456789\"\n"
	                                  "/adv/Misc/Third = \"abcdefghij\"\n"
	                                  "/adv/Misc/Fourth = \"klmnopqrst\"\n"
	                                  "/adv/Misc/Fifth = \"uvwxyz0123\"\n";
	static const size_t lens[] = { 1, 2, 15, 16, 31, 32, 33, 59, 60, 63, 64,
		65, 95, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128,
		129, 150, 200 };
	static const char kchars[] = "/k!\"#=\t";
	char line[1024];

	(void)state;
	for (size_t s = 0; s < sizeof(seps) / sizeof(seps[0]); s++)
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++)
			for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]);
			     i++)
				for (size_t j = 0;
				     j < sizeof(lens) / sizeof(lens[0]);
				     j += 3) {
					size_t kl = lens[i], vl = lens[j] - 1;
					size_t n = 0;

					memset(line, 'k', kl);
					/* Now and then a byte that stops or
					 * spoils the key. */
					if ((i + j + s) % 5 == 0)
						line[kl / 2] =
						    kchars[(i + t) % 7];
					n = kl;
					n += (size_t)sprintf(line + n, "%s",
					    seps[s]);
					memset(line + n,
					    (i + j) % 4 ? 'v' : ' ', vl);
					if ((i + j + t) % 7 == 0 && vl > 2)
						line[n + vl / 2] = '"';
					n += vl;
					n += (size_t)sprintf(line + n, "%s",
					    tails[t]);
					check_same_view(line, n, filler, "\n");
					check_same_view(line, n, filler,
					    "\r\n");
					check_same_view(line, n, "",
					    "\n"
					    "/a = \"b\"\n");
					check_same_view(line, n, filler,
					    "\n/z = \"0123456789012345678901234"
					    "567890123456789012345678901234567"
					    "890123456789012345678901234567890"
					    "123456789012345678901234567890123"
					    "4567890\"\n");
				}
}

static void
test_line_endings(void **state)
{
	vifs_esxconf *doc;
	struct vifs_esxconf_line v;

	(void)state;
	doc = parse_s("a\r\nb\rc\r\n\r\nx\r");
	assert_int_equal(vifs_esxconf_line_count(doc), 4);
	assert_int_equal(vifs_esxconf_line(&v, doc, 0), 0);
	assert_int_equal(v.text_len, 1);
	assert_int_equal(vifs_esxconf_line(&v, doc, 1), 0);
	assert_int_equal(v.text_len, 3);
	assert_memory_equal(v.text, "b\rc", 3);
	assert_int_equal(vifs_esxconf_line(&v, doc, 2), 0);
	assert_int_equal(v.kind, VIFS_ESXCONF_BLANK);
	/* A CR at the very end without LF is text: no line ending. */
	assert_int_equal(vifs_esxconf_line(&v, doc, 3), 0);
	assert_int_equal(v.text_len, 2);
	vifs_esxconf_free(doc);

	/* New lines take the dominant ending; the old last line gains one. */
	doc = parse_s("/a = \"1\"\r\n/c = \"3\"");
	assert_int_equal(vifs_esxconf_set(doc, "/b", "2"), 0);
	assert_ser(doc, "/a = \"1\"\r\n/b = \"2\"\r\n/c = \"3\"");
	assert_int_equal(vifs_esxconf_set(doc, "/d", "4"), 0);
	assert_ser(doc,
	    "/a = \"1\"\r\n/b = \"2\"\r\n/c = \"3\"\r\n"
	    "/d = \"4\"\r\n");
	assert_int_equal(vifs_esxconf_set(doc, "/c", "x"), 0);
	assert_ser(doc,
	    "/a = \"1\"\r\n/b = \"2\"\r\n/c = \"x\"\r\n"
	    "/d = \"4\"\r\n");
	vifs_esxconf_free(doc);

	doc = parse_s("/a = \"1\"");
	assert_int_equal(vifs_esxconf_set(doc, "/a", "2"), 0);
	assert_ser(doc, "/a = \"2\"");
	assert_int_equal(vifs_esxconf_set(doc, "/b", "3"), 0);
	assert_ser(doc, "/a = \"2\"\n/b = \"3\"\n");
	vifs_esxconf_free(doc);

	doc = parse_s("/b = \"1\"\r\n/c = \"1\"\n/d = \"1\"\n");
	assert_int_equal(vifs_esxconf_set(doc, "/a", "0"), 0);
	assert_ser(doc, "/a = \"0\"\n/b = \"1\"\r\n/c = \"1\"\n/d = \"1\"\n");
	vifs_esxconf_free(doc);
}

/* --- queries and edits ------------------------------------------------- */

static int
count_cb(const struct vifs_esxconf_line *l, void *payload)
{
	size_t *n = payload;

	assert_int_equal(l->kind, VIFS_ESXCONF_ENTRY);
	(*n)++;
	return 0;
}

static int
stop_cb(const struct vifs_esxconf_line *l, void *payload)
{
	size_t *n = payload;

	(void)l;
	return ++(*n) == 3 ? 42 : 0;
}

static void
test_get_set_unset_foreach(void **state)
{
	size_t len, n, idx;
	char *buf = fixture_read("pci/seed-sample1.esx.conf", &len);
	vifs_esxconf *doc = parse(buf, len);
	char *v = NULL;

	(void)state;
	assert_int_equal(vifs_esxconf_count(doc), 20);
	assert_int_equal(vifs_esxconf_find(&idx, doc,
	                     "/device/000:25.0/vmkname"),
	    0);
	assert_int_equal(idx, 1);
	assert_int_equal(vifs_esxconf_get(&v, doc, "/device/000:99.0/owner"),
	    VIFS_ENOTFOUND);
	assert_null(v);
	assert_non_null(strstr(vifs_error_last(), "/device/000:99.0/owner"));
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/nope"), VIFS_ENOTFOUND);
	assert_int_equal(vifs_esxconf_unset(doc, "/nope"), VIFS_ENOTFOUND);
	assert_int_equal(vifs_esxconf_modified(doc), 0);

	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, "/device/000:31", count_cb,
	                     &n),
	    0);
	assert_int_equal(n, 4);
	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, NULL, count_cb, &n), 0);
	assert_int_equal(n, 20);
	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, "", count_cb, &n), 0);
	assert_int_equal(n, 20);
	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, "/x", count_cb, &n), 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, NULL, stop_cb, &n), 42);
	assert_int_equal(n, 3);

	assert_int_equal(vifs_esxconf_set(doc, "/device/000:27.0/owner",
	                     "vmkernel"),
	    0);
	assert_get(doc, "/device/000:27.0/owner", "vmkernel");
	assert_int_equal(vifs_esxconf_modified(doc), 1);
	assert_int_equal(vifs_esxconf_unset(doc, "/device/000:31.2/vmkname"),
	    0);
	assert_int_equal(vifs_esxconf_get(&v, doc, "/device/000:31.2/vmkname"),
	    VIFS_ENOTFOUND);
	assert_int_equal(vifs_esxconf_count(doc), 19);
	assert_int_equal(vifs_esxconf_line_count(doc), 19);
	n = 0;
	assert_int_equal(vifs_esxconf_foreach(doc, "/device/000:31", count_cb,
	                     &n),
	    0);
	assert_int_equal(n, 3);
	/* Line numbers follow the removal. */
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/device/000:31.5/owner"),
	    0);
	assert_int_equal(idx, 13);
	vifs_esxconf_free(doc);
	free(buf);
}

static void
test_set_sorted_position(void **state)
{
	size_t len, idx;
	char *buf = fixture_read("pci/seed-sample1.esx.conf", &len);
	vifs_esxconf *doc = parse(buf, len);
	struct vifs_esxconf_line v;

	(void)state;
	assert_int_equal(vifs_esxconf_set(doc, "/device/000:28.0/owner",
	                     "passthru"),
	    0);
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/device/000:28.0/owner"),
	    0);
	assert_int_equal(idx, 7);
	assert_int_equal(vifs_esxconf_line(&v, doc, 6), 0);
	assert_memory_equal(v.key, "/device/000:27.0/owner", v.key_len);
	assert_int_equal(vifs_esxconf_line(&v, doc, 7), 0);
	assert_int_equal(v.text_len,
	    strlen("/device/000:28.0/owner = "
	           "\"passthru\""));
	assert_memory_equal(v.text, "/device/000:28.0/owner = \"passthru\"",
	    v.text_len);
	assert_int_equal(vifs_esxconf_set(doc, "/adv/Misc/HostName", "h"), 0);
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/adv/Misc/HostName"), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(vifs_esxconf_set(doc, "/system/uuid", "u"), 0);
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/system/uuid"), 0);
	assert_int_equal(idx, 22);
	assert_int_equal(vifs_esxconf_line_count(doc), 23);
	vifs_esxconf_free(doc);
	free(buf);

	/* Right after the smaller key, before the comment that follows. */
	doc = parse_s("# head\n/a = \"1\"\n# mid\n/c = \"3\"\n");
	assert_int_equal(vifs_esxconf_set(doc, "/b", "2"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/0", "0"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/d", "4"), 0);
	assert_ser(doc,
	    "# head\n/0 = \"0\"\n/a = \"1\"\n/b = \"2\"\n# mid\n"
	    "/c = \"3\"\n/d = \"4\"\n");
	vifs_esxconf_free(doc);

	/* Unsorted: after the last entry in file order that sorts before. */
	doc = parse_s("/m = \"1\"\n/b = \"2\"\n/z = \"3\"\n/c = \"4\"\n");
	assert_int_equal(vifs_esxconf_set(doc, "/d", "5"), 0);
	assert_ser(doc,
	    "/m = \"1\"\n/b = \"2\"\n/z = \"3\"\n/c = \"4\"\n"
	    "/d = \"5\"\n");
	assert_int_equal(vifs_esxconf_set(doc, "/bb", "6"), 0);
	assert_ser(doc,
	    "/m = \"1\"\n/b = \"2\"\n/bb = \"6\"\n/z = \"3\"\n"
	    "/c = \"4\"\n/d = \"5\"\n");
	vifs_esxconf_free(doc);

	/* No entry at all: at the end. */
	doc = parse_s("# just a comment\n\n");
	assert_int_equal(vifs_esxconf_set(doc, "/a", "1"), 0);
	assert_ser(doc, "# just a comment\n\n/a = \"1\"\n");
	vifs_esxconf_free(doc);
	doc = parse_s("");
	assert_int_equal(vifs_esxconf_set(doc, "/a", "1"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/b", "2"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/0", "0"), 0);
	assert_ser(doc, "/0 = \"0\"\n/a = \"1\"\n/b = \"2\"\n");
	vifs_esxconf_free(doc);
	/* Removed lines do not count as "before". */
	doc = parse_s("/a = \"1\"\n# x\n/b = \"2\"\n/d = \"4\"\n");
	assert_int_equal(vifs_esxconf_unset(doc, "/b"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/c", "3"), 0);
	assert_ser(doc, "/a = \"1\"\n/c = \"3\"\n# x\n/d = \"4\"\n");
	vifs_esxconf_free(doc);
}

/* Splits BUF into lines (with their endings) for line-by-line diffs. */
static size_t
split(char ***out, char *buf, size_t len)
{
	size_t n = 0, i, start = 0;
	char **v = malloc((len + 1) * sizeof(*v));

	assert_non_null(v);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			v[n++] = strndup(buf + start, i + 1 - start);
			start = i + 1;
		}
	}
	if (start < len)
		v[n++] = strndup(buf + start, len - start);
	*out = v;
	return n;
}

static void
free_lines(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

static void
test_only_touched_lines_change(void **state)
{
	size_t len, na, nb, i, j, diff;
	char *buf = fixture_read("pci/seed-sample2.esx.conf", &len);
	vifs_esxconf *doc = parse(buf, len);
	char **a, **b, *after;

	(void)state;
	na = split(&a, buf, len);
	/* Replacing a value changes exactly that line. */
	assert_int_equal(vifs_esxconf_set(doc, "/device/000:30.0/owner",
	                     "vmkernel"),
	    0);
	after = ser(doc, &len);
	nb = split(&b, after, len);
	assert_int_equal(na, nb);
	for (i = diff = 0; i < na; i++) {
		if (strcmp(a[i], b[i]) != 0) {
			diff++;
			assert_int_equal(i, 12);
			assert_string_equal(b[i],
			    "/device/000:30.0/owner = "
			    "\"vmkernel\"\n");
		}
	}
	assert_int_equal(diff, 1);
	free_lines(b, nb);
	free(after);
	/* Inserting adds one line; every old line stays, in order. */
	assert_int_equal(vifs_esxconf_set(doc, "/device/007:00.0/owner",
	                     "passthru"),
	    0);
	assert_int_equal(vifs_esxconf_unset(doc, "/net/pnic/child[0000]/mac"),
	    0);
	after = ser(doc, &len);
	nb = split(&b, after, len);
	assert_int_equal(nb, na);
	for (i = j = diff = 0; i < nb; i++) {
		if (strcmp(b[i], "/device/007:00.0/owner = \"passthru\"\n") ==
		    0) {
			assert_int_equal(i, 18);
			continue;
		}
		if (strcmp(a[j],
		        "/net/pnic/child[0000]/mac = "
		        "\"00:30:48:db:68:88\"\n") == 0)
			j++;
		if (j != 12)
			assert_string_equal(a[j], b[i]);
		j++;
	}
	assert_int_equal(j, na);
	free_lines(b, nb);
	free(after);
	free_lines(a, na);
	vifs_esxconf_free(doc);
	free(buf);
}

static void
test_set_unchanged_value(void **state)
{
	vifs_esxconf *doc = parse_s("/a = \"x|7Cy\"\n/b = bare\n");

	(void)state;
	assert_int_equal(vifs_esxconf_set(doc, "/a", "x|y"), 0);
	assert_int_equal(vifs_esxconf_modified(doc), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/b", "bare"), 0);
	assert_int_equal(vifs_esxconf_modified(doc), 1);
	assert_ser(doc, "/a = \"x|7Cy\"\n/b = \"bare\"\n");
	vifs_esxconf_free(doc);
}

static void
test_duplicates(void **state)
{
	vifs_esxconf *doc;
	size_t idx;

	(void)state;
	doc = parse_s("/a = \"1\"\n/b = \"x\"\n/a = \"2\"\n  /a = \"3\" #c\n"
	              "/c = \"y\"\n");
	assert_get(doc, "/a", "3");
	assert_int_equal(vifs_esxconf_find(&idx, doc, "/a"), 0);
	assert_int_equal(idx, 3);
	assert_int_equal(vifs_esxconf_count(doc), 5);
	assert_int_equal(vifs_esxconf_set(doc, "/a", "4"), 0);
	assert_ser(doc,
	    "/a = \"1\"\n/b = \"x\"\n/a = \"2\"\n/a = \"4\"\n"
	    "/c = \"y\"\n");
	assert_int_equal(vifs_esxconf_unset(doc, "/a"), 0);
	assert_ser(doc, "/b = \"x\"\n/c = \"y\"\n");
	assert_int_equal(vifs_esxconf_count(doc), 2);
	assert_int_equal(vifs_esxconf_unset(doc, "/a"), VIFS_ENOTFOUND);
	vifs_esxconf_free(doc);
}

static void
test_invalid_keys(void **state)
{
	static const char *const bad[] = { "", "a", "a/b", "/", "/a b", "/a\tb",
		"/a=b", "/a\"b", "/a#b", "/a\x01", "/a\x7f", "/\n", "/a\r" };
	vifs_esxconf *doc = parse_s("/a = \"1\"\n");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vifs_esxconf_key_valid(bad[i]), 0);
		assert_true(strlen(vifs_error_last()) > 0);
		assert_int_equal(vifs_esxconf_set(doc, bad[i], "v"),
		    VIFS_EINVAL);
	}
	assert_int_equal(vifs_esxconf_key_valid(NULL), 0);
	assert_int_equal(vifs_esxconf_key_valid("/a"), 1);
	assert_int_equal(vifs_esxconf_key_valid("/a/b[0000]/c.d:e|f"), 1);
	assert_int_equal(vifs_esxconf_key_valid("/\xc3\xa9"), 1);
	assert_int_equal(vifs_esxconf_modified(doc), 0);
	assert_ser(doc, "/a = \"1\"\n");
	vifs_esxconf_free(doc);
}

/* --- escaping ------------------------------------------------------------ */

static void
check_value_roundtrip(const char *value)
{
	vifs_esxconf *doc = parse_s("/k = \"old\"\n"), *again;
	char *esc, *raw, *out;
	size_t len, i, rl;

	assert_int_equal(vifs_esxconf_escape(&esc, value), 0);
	for (i = 0; esc[i] != '\0'; i++) {
		unsigned char c = (unsigned char)esc[i];

		assert_true(c >= 0x20 || c == '\t');
		assert_true(c != '"' && c != 0x7f);
		if (c == '|') {
			assert_true(ref_hex(esc[i + 1]) >= 0 &&
			    ref_hex(esc[i + 2]) >= 0);
			assert_true(esc[i + 1] == (char)toupper(esc[i + 1]));
		}
	}
	raw = ref_escape(value);
	assert_string_equal(esc, raw);
	free(raw);
	assert_int_equal(vifs_esxconf_unescape(&raw, &rl, esc, strlen(esc)), 0);
	assert_int_equal(rl, strlen(value));
	assert_string_equal(raw, value);
	free(raw);
	free(esc);
	assert_int_equal(vifs_esxconf_set(doc, "/k", value), 0);
	assert_get(doc, "/k", value);
	out = ser(doc, &len);
	assert_ptr_equal(memchr(out, '\n', len), out + len - 1);
	again = parse(out, len);
	assert_int_equal(vifs_esxconf_line_count(again), 1);
	assert_get(again, "/k", value);
	vifs_esxconf_free(again);
	free(out);
	vifs_esxconf_free(doc);
}

static void
test_escape_every_byte(void **state)
{
	char v[4], all[256];
	int b;

	(void)state;
	for (b = 1; b < 256; b++) {
		v[0] = 'a';
		v[1] = (char)b;
		v[2] = 'z';
		v[3] = '\0';
		check_value_roundtrip(v);
		all[b - 1] = (char)b;
	}
	all[255] = '\0';
	check_value_roundtrip(all);
	check_value_roundtrip("");
	check_value_roundtrip("|7C literal |zz and |");
}

static void
test_unescape_forms(void **state)
{
	static const struct {
		const char *raw;
		const char *want;
		size_t wlen;
	} cases[] = {
		{ "|7c|7C|22|0a|0A", "||\"\n\n", 5 },
		{ "|zz|4|", "|zz|4|", 6 },
		{ "||7C", "||", 2 },
		{ "a|00b", "a\0b", 3 },
		{ "|ff|FE", "\xff\xfe", 2 },
		{ "x|7", "x|7", 3 },
		{ "\\n\\\"", "\\n\\\"", 4 },
	};
	size_t i, len;
	char *out, *esc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vifs_esxconf_unescape(&out, &len, cases[i].raw,
		                     strlen(cases[i].raw)),
		    0);
		assert_int_equal(len, cases[i].wlen);
		assert_memory_equal(out, cases[i].want, len);
		assert_int_equal(out[len], '\0');
		free(out);
	}
	/* No backslash escaping on the way out either. */
	assert_int_equal(vifs_esxconf_escape(&esc, "a\\b\"\n|\t\x7f"), 0);
	assert_string_equal(esc, "a\\b|22|0A|7C\t|7F");
	free(esc);
	assert_int_equal(vifs_esxconf_unescape(&out, &len, NULL, 0), 0);
	assert_int_equal(len, 0);
	free(out);
}

/* --- random edits against the model ------------------------------------ */

static const char *const pool[] = { "/0", "/a", "/a/b", "/a/b/c", "/aa", "/b",
	"/b/x", "/c", "/device/000:01.0/owner", "/m", "/z", "/zz" };
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

static void
random_value(char *v, size_t max)
{
	size_t n = rnd() % max, i;

	for (i = 0; i < n; i++) {
		uint32_t r = rnd() % 10;

		v[i] = (char)(r < 6 ? 'a' + (int)(rnd() % 26) :
		                      1 + (int)(rnd() % 255));
	}
	v[n] = '\0';
}

/* A random document: entries of every form, comments, blanks,
 * malformed lines, LF and CRLF, sometimes no final newline. */
static size_t
random_doc(char *buf, int sorted)
{
	static const char *const odd[] = { "# comment", "", "  \t", "junk",
		"= x", "/a = \"open", "/a = \"x\" y", "noslash = \"1\"",
		"/k\x01 = \"c\"", "/\xff\xfe = \"u\"" };
	size_t n = rnd() % 24, i, o = 0, k = 0;
	char v[8], *esc;

	for (i = 0; i < n; i++) {
		uint32_t form = rnd() % 10;

		if (sorted)
			k += rnd() % 2;
		else
			k = rnd() % NPOOL;
		if (k >= NPOOL)
			k = NPOOL - 1;
		random_value(v, sizeof(v));
		esc = ref_escape(v);
		if (form < 5)
			o += (size_t)sprintf(buf + o, "%s = \"%s\"", pool[k],
			    esc);
		else if (form == 5)
			o += (size_t)sprintf(buf + o, " \t%s\t= \"%s\"  # c",
			    pool[k], esc);
		else if (form == 6)
			o += (size_t)sprintf(buf + o, "%s = bare%u", pool[k],
			    rnd() % 9);
		else if (form == 7)
			o += (size_t)sprintf(buf + o, "%s =", pool[k]);
		else
			o += (size_t)sprintf(buf + o, "%s",
			    odd[rnd() % (sizeof(odd) / sizeof(odd[0]))]);
		free(esc);
		if (i + 1 < n || rnd() % 3 != 0)
			o += (size_t)sprintf(buf + o, "%s",
			    rnd() % 4 == 0 ? "\r\n" : "\n");
	}
	return o;
}

static void
check_lookup(const vifs_esxconf *doc, const struct model *m, const char *key)
{
	long want = model_find(m, key);
	size_t idx, rl;
	char *v = NULL, *exp;
	struct ref r;
	int rc = vifs_esxconf_get(&v, doc, key);

	if (want < 0) {
		assert_int_equal(rc, VIFS_ENOTFOUND);
		assert_int_equal(vifs_esxconf_find(&idx, doc, key),
		    VIFS_ENOTFOUND);
		return;
	}
	assert_int_equal(rc, 0);
	ref_scan(&r, m->v[want].text, m->v[want].len);
	exp = ref_unescape(m->v[want].text + r.vo, r.vl, &rl);
	assert_memory_equal(v, exp, rl + 1);
	free(exp);
	free(v);
	assert_int_equal(vifs_esxconf_find(&idx, doc, key), 0);
	assert_int_equal(idx, (size_t)want);
}

static void
test_random_edits(void **state)
{
	static const char *const prefixes[] = { NULL, "/a", "/b/", "/z", "/" };
	char buf[4096], v[8], key[32];
	int round, op;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (round = 0; round < 400; round++) {
		size_t len = random_doc(buf, round % 2);
		vifs_esxconf *doc = parse(buf, len);
		struct model m;

		model_parse(&m, buf, len);
		assert_same(doc, &m);
		for (op = 0; op < 40; op++) {
			uint32_t what = rnd() % 20;
			const char *k = pool[rnd() % NPOOL];

			if (what < 8) {
				if (rnd() % 3 == 0) {
					snprintf(key, sizeof(key), "%s/n%u", k,
					    rnd() % 5);
					k = key;
				}
				random_value(v, sizeof(v));
				assert_int_equal(vifs_esxconf_set(doc, k, v),
				    0);
				model_set(&m, k, v);
			} else if (what < 13) {
				int found = model_unset(&m, k);

				assert_int_equal(vifs_esxconf_unset(doc, k),
				    found ? 0 : VIFS_ENOTFOUND);
			} else if (what < 16) {
				check_lookup(doc, &m, k);
			} else if (what < 18) {
				assert_views(doc, &m);
			} else {
				const char *p = prefixes[rnd() % 5];
				size_t n = 0;

				assert_int_equal(vifs_esxconf_foreach(doc, p,
				                     count_cb, &n),
				    0);
				assert_int_equal(n, model_entries(&m, p));
			}
			assert_same(doc, &m);
		}
		assert_views(doc, &m);
		model_free(&m);
		vifs_esxconf_free(doc);
	}
}

/* Many insertions into one spot and many removals, beyond the limits
 * at which the document renumbers itself. */
static void
test_many_edits(void **state)
{
	vifs_esxconf *doc = parse_s("/a = \"1\"\n/z = \"2\"\n");
	struct model m;
	char key[32];
	int i;

	(void)state;
	model_parse(&m, "/a = \"1\"\n/z = \"2\"\n", 18);
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "/m/%05d", (i * 7919) % 3000);
		assert_int_equal(vifs_esxconf_set(doc, key, "v"), 0);
		model_set(&m, key, "v");
		if (i % 3 == 0) {
			snprintf(key, sizeof(key), "/m/%05d",
			    (i * 104729) % 3000);
			assert_int_equal(vifs_esxconf_unset(doc, key) == 0,
			    model_unset(&m, key));
		}
	}
	assert_same(doc, &m);
	assert_views(doc, &m);
	check_lookup(doc, &m, "/m/00007");
	check_lookup(doc, &m, "/z");
	model_free(&m);
	vifs_esxconf_free(doc);
}

/* --- save ---------------------------------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static size_t
dir_entries(const char *dir)
{
	char cmd[512];
	FILE *p;
	size_t n = 0;
	int ch;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((ch = fgetc(p)) != EOF)
		n += ch == '\n';
	pclose(p);
	return n;
}

static void
test_save_keeps_mode(void **state)
{
	char *dir = tmpdir_make(), path[512], *got;
	vifs_esxconf *doc;
	struct stat st;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/esx.conf", dir);
	write_file(path, "/a = \"1\"\r\n", 10);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(vifs_esxconf_open(&doc, path), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/b", "2"), 0);
	assert_int_equal(vifs_esxconf_save(doc, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	got = slurp(path, &len);
	assert_string_equal(got, "/a = \"1\"\r\n/b = \"2\"\r\n");
	free(got);
	assert_int_equal(dir_entries(dir), 1);
	vifs_esxconf_free(doc);
	tmpdir_remove(dir);
}

static void
test_save_unwritable_dir(void **state)
{
	char *dir = tmpdir_make(), path[512], *got;
	const char *orig = "/a = \"1\"\n";
	vifs_esxconf *doc;
	size_t len;
	pid_t pid;
	int status;

	(void)state;
	snprintf(path, sizeof(path), "%s/esx.conf", dir);
	write_file(path, orig, strlen(orig));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(vifs_esxconf_open(&doc, path), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/a", "2"), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	/* Root ignores directory permissions: save as an unprivileged
	 * user in a child process then. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		_exit(vifs_esxconf_save(doc, path) == VIFS_EIO ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	got = slurp(path, &len);
	assert_string_equal(got, orig);
	free(got);
	assert_int_equal(dir_entries(dir), 1);
	assert_int_equal(chmod(dir, 0700), 0);
	/* A directory where the file should be: refused, nothing left. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(vifs_esxconf_save(doc, path), VIFS_EIO);
	assert_int_equal(dir_entries(dir), 2);
	vifs_esxconf_free(doc);
	tmpdir_remove(dir);
}

/* --- a large file ------------------------------------------------------- */

static void
test_large_file(void **state)
{
	size_t cap = 21 * 1024 * 1024, o = 0, lines = 0, len, idx;
	char *buf = malloc(cap), *out, key[96];
	vifs_esxconf *doc;
	unsigned v = 0, p;

	(void)state;
	assert_non_null(buf);
	while (o < 20 * 1024 * 1024) {
		for (p = 0; p < 100; p++) {
			o += (size_t)sprintf(buf + o,
			    "/net/vswitch/child[%04u]"
			    "/portgroup/child[%04u]/name = \"pg %u-%u\"\n",
			    v, p, v, p);
			lines++;
		}
		v++;
	}
	doc = parse(buf, o);
	assert_int_equal(vifs_esxconf_line_count(doc), lines);
	assert_int_equal(vifs_esxconf_count(doc), lines);
	assert_get(doc, "/net/vswitch/child[0042]/portgroup/child[0017]/name",
	    "pg 42-17");
	snprintf(key, sizeof(key),
	    "/net/vswitch/child[%04u]/portgroup/"
	    "child[0099]/name",
	    v - 1);
	assert_int_equal(vifs_esxconf_find(&idx, doc, key), 0);
	assert_int_equal(idx, lines - 1);
	out = ser(doc, &len);
	assert_int_equal(len, o);
	assert_memory_equal(out, buf, o);
	free(out);
	assert_int_equal(vifs_esxconf_set(doc,
	                     "/net/vswitch/child[0000]/"
	                     "portgroup/child[0000]/name",
	                     "first"),
	    0);
	assert_int_equal(vifs_esxconf_set(doc,
	                     "/net/vswitch/child[0001]/"
	                     "portgroup/child[0000]/vlanId",
	                     "7"),
	    0);
	assert_int_equal(vifs_esxconf_unset(doc,
	                     "/net/vswitch/child[0002]/"
	                     "portgroup/child[0050]/name"),
	    0);
	assert_int_equal(vifs_esxconf_find(&idx, doc,
	                     "/net/vswitch/"
	                     "child[0001]/portgroup/child[0000]/vlanId"),
	    0);
	assert_int_equal(idx, 101);
	out = ser(doc, &len);
	assert_int_equal(len,
	    o + strlen("\"first\"") - strlen("\"pg 0-0\"") +
	        strlen(
	            "/net/vswitch/child[0001]/portgroup/child[0000]/vlanId = "
	            "\"7\"\n") -
	        strlen("/net/vswitch/child[0002]/portgroup/"
	               "child[0050]/name = \"pg 2-50\"\n"));
	assert_memory_equal(out,
	    "/net/vswitch/child[0000]/portgroup/"
	    "child[0000]/name = \"first\"\n",
	    60);
	/* Past the edits the bytes are the original ones. */
	assert_memory_equal(out + len - 1000, buf + o - 1000, 1000);
	free(out);
	vifs_esxconf_free(doc);
	free(buf);
}

/* --- XML ----------------------------------------------------------------- */

static xmlDocPtr
xml_valid(const char *xml, size_t len, const char *schema)
{
	return xml_validate(xml, len, schema);
}

static void
test_xml_list(void **state)
{
	static const char conf[] =
	    "# c\n/a = \"x|22y\"\n/b = bare\n"
	    "/c = \"ctl|01|7F\"\n/\xff = \"\xc3\xa9t\xc3\xa9\"\n"
	    "/d = \"\xff\"\nbad line\n/e = \"\0\"\n";
	vifs_esxconf *doc = parse(conf, sizeof(conf) - 1);
	char *xml;
	size_t len;
	xmlDocPtr d;
	xmlNodePtr root, e;
	xmlChar *text;

	(void)state;
	assert_int_equal(vifs_esxconf_to_xml(&xml, &len, doc, NULL), 0);
	assert_int_equal(strlen(xml), len);
	d = xml_valid(xml, len, "esxconf.xsd");
	root = xmlDocGetRootElement(d);
	assert_string_equal((const char *)root->name, "esxconf");
	xml_assert_prop(root, "file", "test.conf");
	xml_assert_prop(root, "prefix", NULL);
	e = xml_nth_elem(root, 0);
	xml_assert_prop(e, "line", "2");
	xml_assert_prop(e, "key", "/a");
	xml_assert_prop(e, "quoted", "true");
	xml_assert_prop(e, "encoding", NULL);
	text = xmlNodeGetContent(e);
	assert_string_equal((const char *)text, "x\"y");
	xmlFree(text);
	e = xml_nth_elem(root, 1);
	xml_assert_prop(e, "quoted", "false");
	e = xml_nth_elem(root, 2);
	xml_assert_prop(e, "encoding", "hex");
	text = xmlNodeGetContent(e);
	assert_string_equal((const char *)text, "63746C017F");
	xmlFree(text);
	e = xml_nth_elem(root, 3);
	xml_assert_prop(e, "key", "2FFF");
	xml_assert_prop(e, "key-encoding", "hex");
	xml_assert_prop(e, "encoding", NULL);
	text = xmlNodeGetContent(e);
	assert_string_equal((const char *)text, "\xc3\xa9t\xc3\xa9");
	xmlFree(text);
	e = xml_nth_elem(root, 4);
	xml_assert_prop(e, "encoding", "hex");
	e = xml_nth_elem(root, 5);
	xml_assert_prop(e, "line", "8");
	xml_assert_prop(e, "key", "/e");
	assert_null(xml_nth_elem(root, 6));
	xmlFreeDoc(d);
	free(xml);

	assert_int_equal(vifs_esxconf_to_xml(&xml, &len, doc, "/c"), 0);
	d = xml_valid(xml, len, "esxconf.xsd");
	root = xmlDocGetRootElement(d);
	xml_assert_prop(root, "prefix", "/c");
	assert_non_null(xml_nth_elem(root, 0));
	assert_null(xml_nth_elem(root, 1));
	xmlFreeDoc(d);
	free(xml);
	vifs_esxconf_free(doc);

	/* A file name XML cannot hold. */
	assert_int_equal(vifs_esxconf_parse(&doc, "a\001b", "", 0), 0);
	assert_int_equal(vifs_esxconf_to_xml(&xml, &len, doc, NULL), 0);
	d = xml_valid(xml, len, "esxconf.xsd");
	root = xmlDocGetRootElement(d);
	xml_assert_prop(root, "file", "610162");
	xml_assert_prop(root, "file-encoding", "hex");
	assert_null(xml_nth_elem(root, 0));
	xmlFreeDoc(d);
	free(xml);
	vifs_esxconf_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_roundtrip),
		cmocka_unit_test(test_open_errors_and_take),
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_hostile_inputs),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_fast_paths_agree),
		cmocka_unit_test(test_get_set_unset_foreach),
		cmocka_unit_test(test_set_sorted_position),
		cmocka_unit_test(test_only_touched_lines_change),
		cmocka_unit_test(test_set_unchanged_value),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_invalid_keys),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_unescape_forms),
		cmocka_unit_test(test_random_edits),
		cmocka_unit_test(test_many_edits),
		cmocka_unit_test(test_save_keeps_mode),
		cmocka_unit_test(test_save_unwritable_dir),
		cmocka_unit_test(test_large_file),
		cmocka_unit_test(test_xml_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
