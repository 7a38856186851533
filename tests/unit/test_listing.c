/*
 * test_listing.c - directory listing pages: every known shape, the text
 * and XML renderings, hostile pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <vifs/error.h>
#include <vifs/listing.h>

#include "testutil.h"

struct want {
	const char *name;
	enum vifs_listing_type type;
	long long size; /* -1 = unknown */
};

static vifs_listing *
parse_fixture(const char *name)
{
	vifs_listing *l = NULL;
	size_t len;
	char *buf = fixture_read(name, &len);

	assert_int_equal(vifs_listing_parse(&l, buf, len), 0);
	assert_non_null(l);
	free(buf);
	return l;
}

static vifs_listing *
parse_str(const char *html)
{
	vifs_listing *l = NULL;

	assert_int_equal(vifs_listing_parse(&l, html, strlen(html)), 0);
	assert_non_null(l);
	return l;
}

static void
check(const vifs_listing *l, const struct want *want, size_t n)
{
	if (vifs_listing_count(l) != n)
		fail_msg("%zu entries, want %zu", vifs_listing_count(l), n);
	for (size_t i = 0; i < n; i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(l, i);

		assert_non_null(e);
		assert_string_equal(e->name, want[i].name);
		assert_int_equal(e->type, want[i].type);
		assert_int_equal(e->is_dir, want[i].type != VIFS_LISTING_FILE);
		if (want[i].size < 0) {
			assert_false(e->has_size);
		} else {
			assert_true(e->has_size);
			assert_int_equal(e->size,
			    (unsigned long long)want[i].size);
		}
	}
	assert_null(vifs_listing_get(l, n));
}

#define F VIFS_LISTING_FILE
#define D VIFS_LISTING_DIR

static void
test_nginx(void **state)
{
	static const struct want want[] = {
		{ "dir", D, -1 },
		{ "sub dir", D, -1 },
		{ "100%.txt", F, 1 },
		{ "a b&c.txt", F, 7 },
		{ "big.iso", F, 1048576 },
		{ "caf\xc3\xa9.vmdk", F, 4096 },
		{ "file.txt", F, 123 },
		{ "hash#1?.log", F, 0 },
		/* nginx cuts the anchor text; the href has the name. */
		{ "this-is-a-very-long-file-name-that-nginx-will-truncate-in-"
		  "the-text.vmx",
		    F, 0 },
		{ "x<y>&amp;.txt", F, 0 },
	};
	vifs_listing *l = parse_fixture("listing/nginx-autoindex.html");
	const struct vifs_listing_entry *e;

	(void)state;
	check(l, want, sizeof(want) / sizeof(want[0]));
	assert_true(vifs_listing_has_parent(l));
	e = vifs_listing_get(l, 3);
	assert_string_equal(e->href, "a%20b%26c.txt");
	assert_string_equal(e->text, "a b&c.txt");
	vifs_listing_free(l);
}

static void
test_nginx_approximate_sizes(void **state)
{
	static const struct want want[] = {
		{ "dir", D, -1 },
		{ "sub dir", D, -1 },
		{ "100%.txt", F, 1 },
		{ "a b&c.txt", F, 7 },
		{ "big.iso", F, -1 }, /* "1M" is not a byte count */
		{ "caf\xc3\xa9.vmdk", F, 4096 },
		{ "file.txt", F, 123 },
		{ "hash#1?.log", F, 0 },
		{ "this-is-a-very-long-file-name-that-nginx-will-truncate-in-"
		  "the-text.vmx",
		    F, 0 },
		{ "x<y>&amp;.txt", F, 0 },
	};
	vifs_listing *l = parse_fixture("listing/nginx-autoindex-approx.html");

	(void)state;
	check(l, want, sizeof(want) / sizeof(want[0]));
	vifs_listing_free(l);

	l = parse_fixture("listing/nginx-autoindex-empty.html");
	assert_int_equal(vifs_listing_count(l), 0);
	assert_true(vifs_listing_has_parent(l));
	vifs_listing_free(l);
}

static void
test_vcsim(void **state)
{
	static const struct want want[] = {
		{ "100%.txt", F, -1 },
		{ "a b&c.txt", F, -1 },
		{ "a:b.txt", F, -1 },
		{ "caf\xc3\xa9.vmdk", F, -1 },
		{ "dir", D, -1 },
		{ "empty", D, -1 },
		{ "file.txt", F, -1 },
		{ "hash#1?.log", F, -1 },
		{ "it's.vmx", F, -1 },
		{ "sub dir", D, -1 },
	};
	vifs_listing *l = parse_fixture("listing/vcsim-folder.html");

	(void)state;
	check(l, want, sizeof(want) / sizeof(want[0]));
	assert_false(vifs_listing_has_parent(l));
	assert_string_equal(vifs_listing_get(l, 2)->href, "./a:b.txt");
	vifs_listing_free(l);

	l = parse_fixture("listing/vcsim-empty.html");
	assert_int_equal(vifs_listing_count(l), 0);
	assert_false(vifs_listing_has_parent(l));
	vifs_listing_free(l);
}

static void
test_esxi_directory(void **state)
{
	static const struct want want[] = {
		{ "vm 1.vmx", F, -1 },
		{ "vm 1-flat.vmdk", F, -1 },
		{ "logs", D, -1 },
		{ "a&b-c#d.txt", F, -1 },
	};
	static const struct want oneline[] = {
		{ "one.iso", F, -1 },
		{ "two.iso", F, -1 },
	};
	vifs_listing *l = parse_fixture("listing/esxi-directory.html");

	(void)state;
	check(l, want, sizeof(want) / sizeof(want[0]));
	assert_true(vifs_listing_has_parent(l));
	/* &amp; is resolved in the href too. */
	assert_string_equal(vifs_listing_get(l, 0)->href,
	    "/folder/vm%201/vm%201.vmx?dcPath=ha%2ddatacenter&"
	    "dsName=datastore1");
	vifs_listing_free(l);

	/* Several anchors on one line are several entries. */
	l = parse_fixture("listing/esxi-directory-oneline.html");
	check(l, oneline, 2);
	assert_true(vifs_listing_has_parent(l));
	vifs_listing_free(l);

	l = parse_fixture("listing/esxi-directory-empty.html");
	assert_int_equal(vifs_listing_count(l), 0);
	assert_true(vifs_listing_has_parent(l));
	vifs_listing_free(l);
}

static void
test_esxi_datastores(void **state)
{
	static const struct {
		const char *name;
		unsigned long long capacity, free;
	} want[] = {
		{ "datastore1", 499826819072ULL, 285414359040ULL },
		{ "nfs backup & iso", 1099511627776ULL, 0 },
		{ "\xc3\xa9t\xc3\xa9", 10737418240ULL, 10737418240ULL },
	};
	vifs_listing *l = parse_fixture("listing/esxi-datastores.html");

	(void)state;
	assert_true(vifs_listing_has_parent(l));
	assert_int_equal(vifs_listing_count(l), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(l, i);

		assert_string_equal(e->name, want[i].name);
		assert_int_equal(e->type, VIFS_LISTING_DATASTORE);
		assert_true(e->is_dir);
		assert_true(e->has_space);
		assert_false(e->has_size);
		assert_int_equal(e->capacity, want[i].capacity);
		assert_int_equal(e->free, want[i].free);
	}
	vifs_listing_free(l);

	l = parse_fixture("listing/esxi-datacenters.html");
	assert_int_equal(vifs_listing_count(l), 1);
	assert_string_equal(vifs_listing_get(l, 0)->name, "ha-datacenter");
	assert_int_equal(vifs_listing_get(l, 0)->type, VIFS_LISTING_DATACENTER);
	assert_false(vifs_listing_has_parent(l));
	vifs_listing_free(l);

	l = parse_fixture("listing/esxi-host.html");
	assert_int_equal(vifs_listing_count(l), 1);
	assert_string_equal(vifs_listing_get(l, 0)->name, "esx.conf");
	assert_int_equal(vifs_listing_get(l, 0)->type, VIFS_LISTING_FILE);
	vifs_listing_free(l);
}

static void
test_table_sizes(void **state)
{
	vifs_listing *l = parse_str(
	    "<table>"
	    "<tr><td><a href='/folder/a.vmdk?dsName=d'>a.vmdk</a></td>"
	    "<td>11-Jan-2024 10:00</td><td> 2048 </td></tr>"
	    "<tr><td><b><a href='/folder/b?dsName=d'>b</a></b></td>"
	    "<td>3.2 KB</td></tr>"
	    "<tr><td><a href='/folder/c?dsName=d'>c</a></td>"
	    "<td>99999999999999999999999</td></tr>"
	    "<tr><td><a href='/folder?dsName=x'>x</a></td><td>5</td></tr>"
	    "<tr><td><a href='/folder?dsName=y'>y</a></td><td>5</td>"
	    "<td>-</td></tr>"
	    "<tr><td><a href='/folder?dsName=z'>z</a></td>"
	    "<td>18446744073709551615</td><td>0</td></tr>"
	    "</table>");
	const struct vifs_listing_entry *e;

	(void)state;
	assert_int_equal(vifs_listing_count(l), 6);
	e = vifs_listing_get(l, 0);
	assert_true(e->has_size);
	assert_int_equal(e->size, 2048);
	assert_false(vifs_listing_get(l, 1)->has_size);
	/* Beyond 64 bits: unknown, not wrapped. */
	assert_false(vifs_listing_get(l, 2)->has_size);
	assert_false(vifs_listing_get(l, 3)->has_space);
	assert_false(vifs_listing_get(l, 4)->has_space);
	e = vifs_listing_get(l, 5);
	assert_true(e->has_space);
	assert_int_equal(e->capacity, 18446744073709551615ULL);
	assert_int_equal(e->free, 0);
	vifs_listing_free(l);
}

static void
test_link_rules(void **state)
{
	static const struct want want[] = {
		{ "Parent Directory", F, -1 },
		{ "y.txt", F, -1 },
		{ "sub", D, -1 },
		{ "%zz", F, -1 },
		{ "50%", F, -1 },
		{ "folder", D, -1 },
	};
	vifs_listing *l = parse_str(
	    "<html><body>"
	    "<a href='first'>first entry, not a parent link</a>"
	    "<a href='Parent%20Directory'>Parent Directory</a>"
	    "<a name='anchor-without-href'>no</a>"
	    "<a href='?C=N;O=D'>Name</a>"
	    "<a href='#top'>top</a>"
	    "<a href=''>empty</a>"
	    "<a href='/'>root</a>"
	    "<a href='.'>dot</a>"
	    "<a href='https://esx01:443/folder/x/y.txt?dsName=d#frag'>y</a>"
	    "<a href='HTTPS://esx01/folder/x/sub/?dsName=d'>sub/</a>"
	    "<a href='%zz'>bad escape</a>"
	    "<a href='50%'>cut escape</a>"
	    "<a href='/folder'>datacenters</a>"
	    "<a href='/folder/folder/?dsName=d'>folder</a>"
	    "<a href='javascript:void(0)'>js</a>"
	    "<a href='mailto:root@esx01'>mail</a>"
	    "<a href='ftp://esx01/x'>ftp</a>"
	    "<a href='./a:b.txt'>a:b.txt</a>"
	    "</body></html>");

	(void)state;
	/* The first anchor is no parent link, so it is an entry. */
	assert_int_equal(vifs_listing_count(l), 8);
	assert_string_equal(vifs_listing_get(l, 0)->name, "first");
	assert_string_equal(vifs_listing_get(l, 7)->name, "a:b.txt");
	for (size_t i = 1; i < 7; i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(l, i);

		assert_string_equal(e->name, want[i - 1].name);
		assert_int_equal(e->type, want[i - 1].type);
	}
	assert_false(vifs_listing_has_parent(l));
	vifs_listing_free(l);
}

static void
test_format_text(void **state)
{
	vifs_listing *l = parse_fixture("listing/esxi-directory.html");
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(vifs_listing_format_text(&out, &len, l), 0);
	assert_string_equal(out,
	    "\nContent Listing\n---------------\n\n"
	    "vm 1.vmx\nvm 1-flat.vmdk\nlogs/\na&amp;b-c#d.txt\n");
	assert_int_equal(len, strlen(out));
	free(out);
	vifs_listing_free(l);

	l = parse_fixture("listing/esxi-datastores.html");
	assert_int_equal(vifs_listing_format_text(&out, NULL, l), 0);
	assert_string_equal(out,
	    "\nContent Listing\n---------------\n\n"
	    "datastore1\nnfs backup &amp; iso\n\xc3\xa9t\xc3\xa9\n");
	free(out);
	vifs_listing_free(l);

	/* The link's text, not its target, as VMware's vifs prints; no
	 * text can break the one-name-per-line format. */
	l = parse_str("<a href='a%0Ab%0Dc%09d%7F'>x&#10;y&#13;z&#9;&lt;&gt;"
	              "\x7f</a><a href='notext'></a><a href='d/'>d/</a>");
	assert_int_equal(vifs_listing_format_text(&out, NULL, l), 0);
	assert_string_equal(out,
	    "\nContent Listing\n---------------\n\n"
	    "x?y?z?&lt;&gt;?\nd/\n");
	free(out);
	vifs_listing_free(l);

	/* Nor drive the terminal: C1 controls (U+009B is the 8-bit CSI,
	 * U+0085 NEL) become '?'; valid text passes.  (Invalid UTF-8 never
	 * reaches a link's text: the HTML parser decodes the page.) */
	l = parse_str("<a href='a'>x&#x9b;2Jy</a><a href='b'>n&#x85;l</a>"
	              "<a href='c'>\xc3\xa9t\xc3\xa9</a>");
	assert_int_equal(vifs_listing_format_text(&out, NULL, l), 0);
	assert_string_equal(out,
	    "\nContent Listing\n---------------\n\n"
	    "x?2Jy\nn?l\n\xc3\xa9t\xc3\xa9\n");
	free(out);
	vifs_listing_free(l);

	l = parse_str("");
	assert_int_equal(vifs_listing_format_text(&out, &len, l), 0);
	assert_string_equal(out, "\nContent Listing\n---------------\n\n");
	free(out);
	vifs_listing_free(l);
}

/* Validates DOC against docs/schemas/listing.xsd. */
static void
assert_valid_xml(const char *doc, size_t len)
{
	xmlFreeDoc(xml_validate(doc, len, "listing.xsd"));
}

static void
test_format_xml(void **state)
{
	static const char *shapes[] = {
		"listing/nginx-autoindex.html",
		"listing/vcsim-folder.html",
		"listing/esxi-directory.html",
		"listing/esxi-datastores.html",
		"listing/esxi-datacenters.html",
		"listing/vcsim-empty.html",
	};
	vifs_listing *l;
	char *out;
	size_t len;

	(void)state;
	l = parse_str(
	    "<table><tr><td><a href='/folder/d/f.vmx?dsName=d'>f"
	    "</a></td><td>42</td></tr><tr><td><a href='/folder/d/s/?dsName=d'>"
	    "s/</a></td></tr><tr><td><a href='/folder?dsName=a%26b'>a&amp;b"
	    "</a></td><td>10</td><td>4</td></tr></table>");
	assert_int_equal(vifs_listing_format_xml(&out, &len, l, "[ds <1>] d"),
	    0);
	assert_string_equal(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<listing version=\"1\">\n"
	    "  <path>[ds &lt;1&gt;] d</path>\n"
	    "  <entry type=\"file\" size=\"42\">\n"
	    "    <name>f.vmx</name>\n"
	    "  </entry>\n"
	    "  <entry type=\"directory\">\n"
	    "    <name>s</name>\n"
	    "  </entry>\n"
	    "  <entry type=\"datastore\" capacity=\"10\" free=\"4\">\n"
	    "    <name>a&amp;b</name>\n"
	    "  </entry>\n"
	    "</listing>\n");
	assert_int_equal(len, strlen(out));
	assert_valid_xml(out, len);
	free(out);
	vifs_listing_free(l);

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		l = parse_fixture(shapes[i]);
		assert_int_equal(vifs_listing_format_xml(&out, &len, l, NULL),
		    0);
		assert_valid_xml(out, len);
		assert_null(strstr(out, "<path>"));
		free(out);
		vifs_listing_free(l);
	}
}

static void
test_format_xml_unsafe_names(void **state)
{
	vifs_listing *l;
	char *out;
	size_t len;

	(void)state;
	/* A control character and invalid UTF-8 cannot go into XML. */
	l = parse_str("<a href='bad%01name'>x</a><a href='%FF%FE'>y</a>"
	              "<a href='ok%C3%A9'>z</a>");
	assert_int_equal(vifs_listing_format_xml(&out, &len, l, "/folder/\x02"),
	    0);
	assert_non_null(
	    strstr(out, "<path encoding=\"uri\">%2Ffolder%2F%02</path>"));
	assert_non_null(
	    strstr(out, "<name encoding=\"uri\">bad%01name</name>"));
	assert_non_null(strstr(out, "<name encoding=\"uri\">%FF%FE</name>"));
	assert_non_null(strstr(out, "<name>ok\xc3\xa9</name>"));
	assert_valid_xml(out, len);
	free(out);
	vifs_listing_free(l);
}

static void
test_hostile(void **state)
{
	static const char *pages[] = {
		"",
		"<",
		"<a",
		"<a href",
		"<a href=",
		"<a href='",
		"<a href='x",
		"<a href=\"x\">unterminated",
		"</a></a></table></tr>",
		"<table><tr><td><a href='/folder?dsName=d'>d</a></td><td>",
		"<pre><a href='f'>f</a>",
		"<pre><a href='f'>f</a>   1 2 3 99999999999999999999999\n",
		"<!DOCTYPE html [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
		"<a href='&e;'>&e;</a>",
		"<a href='&#0;&#xD800;&#x110000;&amp'>&#0;</a>",
		"<?xml version='1.0'?><a href='x'>x</a>",
		"<a href='/folder?dsName=%00&dcPath=%'>broken query</a>",
		"<a href='/folder?dsName&dcPath'>no values</a>",
		"<a href='https://'>scheme only</a><a href='://x'>x</a>",
	};
	vifs_listing *l;
	static const char utf16[] = "\xff\xfe<\x00a\x00 \x00h\x00r\x00e\x00"
	                            "f\x00=\x00'\x00x\x00'\x00>\x00";
	struct page {
		char *p;
		size_t len;
	} big;

	(void)state;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		l = NULL;
		assert_int_equal(vifs_listing_parse(&l, pages[i],
		                     strlen(pages[i])),
		    0);
		assert_non_null(l);
		for (size_t j = 0; j < vifs_listing_count(l); j++)
			assert_non_null(vifs_listing_get(l, j)->name);
		vifs_listing_free(l);
	}

	assert_int_equal(vifs_listing_parse(&l, utf16, sizeof(utf16) - 1), 0);
	vifs_listing_free(l);

	/* Deep nesting must not exhaust the stack. */
	big.len = 200000 * 5 + 64;
	big.p = malloc(big.len);
	assert_non_null(big.p);
	big.len = 0;
	for (int i = 0; i < 200000; i++) {
		memcpy(big.p + big.len, "<div>", 5);
		big.len += 5;
	}
	memcpy(big.p + big.len, "<a href='deep'>deep</a>", 23);
	big.len += 23;
	assert_int_equal(vifs_listing_parse(&l, big.p, big.len), 0);
	vifs_listing_free(l);
	free(big.p);

	/* Many entries. */
	big.p = malloc(20000 * 32);
	assert_non_null(big.p);
	big.len = 0;
	for (int i = 0; i < 20000; i++)
		big.len += (size_t)sprintf(big.p + big.len,
		    "<a href='f%d'>f</a>\n", i);
	assert_int_equal(vifs_listing_parse(&l, big.p, big.len), 0);
	assert_int_equal(vifs_listing_count(l), 20000);
	assert_string_equal(vifs_listing_get(l, 19999)->name, "f19999");
	vifs_listing_free(l);
	free(big.p);

	/* NUL bytes inside the page. */
	assert_int_equal(vifs_listing_parse(&l,
	                     "<a href='a'>a</a>\0<a href='b'>b</a>", 34),
	    0);
	assert_true(vifs_listing_count(l) >= 1);
	assert_string_equal(vifs_listing_get(l, 0)->name, "a");
	vifs_listing_free(l);
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(vifs_listing_type_name(VIFS_LISTING_FILE), "file");
	assert_string_equal(vifs_listing_type_name(VIFS_LISTING_DIR),
	    "directory");
	assert_string_equal(vifs_listing_type_name(VIFS_LISTING_DATASTORE),
	    "datastore");
	assert_string_equal(vifs_listing_type_name(VIFS_LISTING_DATACENTER),
	    "datacenter");
	vifs_listing_free(NULL);
}

/* Names and paths a host sends reach a terminal without its controls:
 * C0, DEL, C1 (U+009B, the 8-bit CSI) and invalid UTF-8 all become '?',
 * while valid UTF-8 passes. */
static void
test_terminal_text(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain.vmx", "plain.vmx" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "a\x1b[2Jb", "a?[2Jb" },
		{ "a\xc2\x9b"
		  "31mb",
		    "a?31mb" },
		{ "x\x7fy", "x?y" },
		{ "bad\xff\xfe", "bad??" },
		{ "cut\xe2\x82", "cut??" },
		{ "/ha-datacenter\n", "/ha-datacenter?" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;

		assert_int_equal(vifs_listing_terminal_text(&out, cases[i].in),
		    VIFS_OK);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nginx),
		cmocka_unit_test(test_nginx_approximate_sizes),
		cmocka_unit_test(test_vcsim),
		cmocka_unit_test(test_esxi_directory),
		cmocka_unit_test(test_esxi_datastores),
		cmocka_unit_test(test_table_sizes),
		cmocka_unit_test(test_link_rules),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_format_xml),
		cmocka_unit_test(test_format_xml_unsafe_names),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_terminal_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
