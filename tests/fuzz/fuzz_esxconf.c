/*
 * fuzz_esxconf.c - esx.conf parser, editor, linter and XML writers on
 * arbitrary bytes.  Aborts when a serialization differs from its input,
 * when a line view points outside the document, when an edit touches
 * lines it should not, or when an XML rendering is not well-formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_xml(char *xml, size_t len)
{
	xmlDocPtr d;

	check(xml != NULL && strlen(xml) == len && len < 0x7fffffff);
	d = xmlReadMemory(xml, (int)len, "fuzz.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	check(d != NULL);
	xmlFreeDoc(d);
	free(xml);
}

/* Parses BUF and checks that serializing gives it back. */
static vifs_esxconf *
roundtrip(const char *buf, size_t len)
{
	vifs_esxconf *doc = NULL;
	char *out = NULL;
	size_t n = 0;

	check(vifs_esxconf_parse(&doc, "fuzz", buf, len) == 0);
	check(vifs_esxconf_serialize(&out, &n, doc) == 0);
	check(n == len && (len == 0 || memcmp(out, buf, len) == 0));
	free(out);
	return doc;
}

static size_t
count_lines(const char *buf, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len > 0 && buf[len - 1] != '\n');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	vifs_esxconf *doc, *again;
	struct vifs_esxconf_line v;
	vifs_lint *lint = NULL;
	char *out = NULL, *xml = NULL, *val = NULL, *keys[4];
	size_t i, n, lines, entries = 0, nkeys = 0, xlen, idx, off = 0;

	doc = roundtrip(buf, size);
	lines = vifs_esxconf_line_count(doc);
	check(lines == count_lines(buf, size));
	for (i = 0; i < lines; i++) {
		check(vifs_esxconf_line(&v, doc, i) == 0);
		check(v.lineno == i + 1);
		/* The views, with their line endings, tile the input. */
		check(off + v.text_len <= size &&
		    memcmp(buf + off, v.text, v.text_len) == 0);
		off += v.text_len;
		if (off < size && buf[off] == '\n')
			off++;
		else if (off < size)
			check(buf[off] == '\r' && off + 1 < size &&
			    buf[(off += 2) - 1] == '\n');
		if (v.kind != VIFS_ESXCONF_ENTRY) {
			check(v.key == NULL && v.raw_value == NULL);
			continue;
		}
		entries++;
		check(v.key >= v.text &&
		    v.key + v.key_len <= v.text + v.text_len && v.key_len > 0);
		check(v.raw_value >= v.text &&
		    v.raw_value + v.raw_value_len <= v.text + v.text_len);
		if (nkeys < 4 && memchr(v.key, '\0', v.key_len) == NULL) {
			keys[nkeys] = malloc(v.key_len + 1);
			check(keys[nkeys] != NULL);
			memcpy(keys[nkeys], v.key, v.key_len);
			keys[nkeys++][v.key_len] = '\0';
		}
	}
	check(off == size);
	check(vifs_esxconf_line(&v, doc, lines) == VIFS_ENOTFOUND);
	check(entries == vifs_esxconf_count(doc));

	check(vifs_esxconf_lint(&lint, doc) == 0);
	check(vifs_lint_errors(lint) <= vifs_lint_count(lint));
	for (i = 0; i < vifs_lint_count(lint); i++)
		check(vifs_lint_get(lint, i)->line <= lines &&
		    vifs_lint_get(lint, i)->line > 0);
	check(vifs_lint_to_xml(&xml, &xlen, lint, "fuzz") == 0);
	check_xml(xml, xlen);
	vifs_lint_free(lint);
	check(vifs_esxconf_to_xml(&xml, &xlen, doc, NULL) == 0);
	check_xml(xml, xlen);

	/* Lookups of the keys seen, then edits. */
	for (i = 0; i < nkeys; i++) {
		check(vifs_esxconf_get(&val, doc, keys[i]) == 0);
		free(val);
		check(
		    vifs_esxconf_find(&idx, doc, keys[i]) == 0 && idx < lines);
	}
	for (i = 0; i < nkeys; i++) {
		if (!vifs_esxconf_key_valid(keys[i])) {
			check(
			    vifs_esxconf_set(doc, keys[i], "x") == VIFS_EINVAL);
			continue;
		}
		check(vifs_esxconf_set(doc, keys[i], "fuzz|\"\n") == 0);
		check(vifs_esxconf_get(&val, doc, keys[i]) == 0);
		check(strcmp(val, "fuzz|\"\n") == 0);
		free(val);
		check(vifs_esxconf_line_count(doc) == lines);
	}
	check(vifs_esxconf_set(doc, "/fuzz/new", "v") == 0);
	if (nkeys > 0 && vifs_esxconf_key_valid(keys[0]) &&
	    strcmp(keys[0], "/fuzz/new") != 0)
		check(vifs_esxconf_unset(doc, keys[0]) == 0);
	check(vifs_esxconf_serialize(&out, &n, doc) == 0);
	again = roundtrip(out, n);
	check(vifs_esxconf_get(&val, again, "/fuzz/new") == 0);
	check(strcmp(val, "v") == 0);
	free(val);
	check(vifs_esxconf_line_count(again) == vifs_esxconf_line_count(doc));
	vifs_esxconf_free(again);
	free(out);
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	vifs_esxconf_free(doc);
	return 0;
}
