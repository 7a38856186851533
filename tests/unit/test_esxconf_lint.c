/*
 * test_esxconf_lint.c - every lint rule, on the fixtures and on small
 * hand-made files, each with cases that must and must not fire; order of
 * findings; the XML form checked against docs/schemas/lint.xsd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "testutil.h"

static vifs_lint *
lint_of(const char *buf, size_t len)
{
	vifs_esxconf *doc = NULL;
	vifs_lint *l = NULL;
	size_t i;

	assert_int_equal(vifs_esxconf_parse(&doc, "t.conf", buf, len), 0);
	assert_int_equal(vifs_esxconf_lint(&l, doc), 0);
	assert_non_null(l);
	vifs_esxconf_free(doc);
	/* Messages are one line of printable ASCII, without a prefix. */
	for (i = 0; i < vifs_lint_count(l); i++) {
		const char *m = vifs_lint_get(l, i)->message, *p;

		assert_true(strlen(m) > 0);
		for (p = m; *p != '\0'; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		assert_null(strstr(m, "t.conf"));
	}
	return l;
}

static vifs_lint *
lint_s(const char *s)
{
	return lint_of(s, strlen(s));
}

/* The findings of rule RULE, as "line:severity" joined by spaces. */
static char *
rule_lines(const vifs_lint *l, const char *rule)
{
	static char buf[1024];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < vifs_lint_count(l); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(l, i);

		if (strcmp(f->rule, rule) != 0)
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%zu:%s",
		    o ? " " : "", f->line,
		    f->severity == VIFS_LINT_ERROR ? "E" : "W");
	}
	return buf;
}

static const char *
message_of(const vifs_lint *l, const char *rule, size_t line)
{
	size_t i;

	for (i = 0; i < vifs_lint_count(l); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(l, i);

		if (strcmp(f->rule, rule) == 0 && f->line == line)
			return f->message;
	}
	fail_msg("no %s finding on line %zu", rule, line);
	return NULL;
}

/* Lints S and checks that RULE fires exactly on WANT ("" = never). */
static void
expect(const char *s, const char *rule, const char *want)
{
	vifs_lint *l = lint_s(s);

	assert_string_equal(rule_lines(l, rule), want);
	vifs_lint_free(l);
}

static void
test_fixture_sample2_exact(void **state)
{
	size_t len;
	char *buf = fixture_read("pci/seed-sample2.esx.conf", &len);
	vifs_lint *l = lint_of(buf, len);
	const struct vifs_lint_finding *f;

	(void)state;
	assert_int_equal(vifs_lint_count(l), 2);
	assert_int_equal(vifs_lint_errors(l), 2);
	f = vifs_lint_get(l, 0);
	assert_int_equal(f->line, 1);
	assert_string_equal(f->rule, "key-no-slash");
	assert_int_equal(f->severity, VIFS_LINT_ERROR);
	assert_non_null(
	    strstr(f->message, "advUserOptions/options[0003]/name"));
	f = vifs_lint_get(l, 1);
	assert_int_equal(f->line, 3);
	assert_string_equal(f->rule, "unknown-component");
	assert_int_equal(f->severity, VIFS_LINT_ERROR);
	assert_non_null(strstr(f->message, "did you mean /device"));
	assert_non_null(strstr(f->message, "/devcie"));
	assert_null(vifs_lint_get(l, 2));
	vifs_lint_free(l);
	free(buf);
}

static void
test_fixture_sample1_clean(void **state)
{
	size_t len;
	char *buf = fixture_read("pci/seed-sample1.esx.conf", &len);
	vifs_lint *l = lint_of(buf, len);

	(void)state;
	assert_int_equal(vifs_lint_count(l), 0);
	assert_int_equal(vifs_lint_errors(l), 0);
	assert_null(vifs_lint_get(l, 0));
	vifs_lint_free(l);
	free(buf);
}

static void
test_malformed_line(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("# ok\n\njunk\n= \"x\"\n/a = \"open\n/a = \"x\" y\n"
	           "/b = \"1\" # fine\n");
	assert_string_equal(rule_lines(l, "malformed-line"), "3:E 4:E 5:E 6:E");
	assert_non_null(
	    strstr(message_of(l, "malformed-line", 3), "no '=' after the key"));
	assert_non_null(strstr(message_of(l, "malformed-line", 4), "no key"));
	assert_non_null(strstr(message_of(l, "malformed-line", 5), "closing"));
	assert_non_null(
	    strstr(message_of(l, "malformed-line", 6), "after the value"));
	assert_int_equal(vifs_lint_count(l), 4);
	vifs_lint_free(l);
	expect("# c\n   \n\t# d\n/a = \"1\"\n", "malformed-line", "");
}

static void
test_key_no_slash(void **state)
{
	(void)state;
	expect("a/b = \"1\"\n/c = \"2\"\nd = \"3\"\n", "key-no-slash",
	    "1:E 3:E");
	expect("/a/b = \"1\"\n", "key-no-slash", "");
}

static void
test_duplicate_key(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/a = \"1\"\n/b = \"2\"\n/a = \"3\"\n /a = \"4\"\n");
	assert_string_equal(rule_lines(l, "duplicate-key"), "3:E 4:E");
	assert_non_null(
	    strstr(message_of(l, "duplicate-key", 3), "first set on line 1"));
	assert_non_null(
	    strstr(message_of(l, "duplicate-key", 4), "first set on line 1"));
	assert_non_null(strstr(message_of(l, "duplicate-key", 4), "/a"));
	vifs_lint_free(l);
	expect("/a = \"1\"\n/ab = \"2\"\n/a/b = \"3\"\n", "duplicate-key", "");
}

static void
test_unknown_component(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/devcie/000:01.0/owner = \"vmkernel\"\n"
	           "/nett/pnic/child[0000]/name = \"vmnic0\"\n"
	           "/Device/000:02.0/owner = \"vmkernel\"\n"
	           "/sytem/uuid = \"x\"\n"
	           "/advUserOption/x = \"1\"\n"
	           "/vmkdevmg/pci/m00008501/alias = \"vmnic0\"\n");
	assert_string_equal(rule_lines(l, "unknown-component"),
	    "1:E 2:E 3:E 4:E 5:E 6:E");
	assert_non_null(strstr(message_of(l, "unknown-component", 1),
	    "did you mean /device"));
	assert_non_null(strstr(message_of(l, "unknown-component", 2),
	    "did you mean /net?"));
	assert_non_null(strstr(message_of(l, "unknown-component", 3),
	    "did you mean /device"));
	assert_non_null(strstr(message_of(l, "unknown-component", 4),
	    "did you mean /system"));
	assert_non_null(strstr(message_of(l, "unknown-component", 5),
	    "did you mean /advUserOptions"));
	assert_non_null(strstr(message_of(l, "unknown-component", 6),
	    "did you mean /vmkdevmgr"));
	vifs_lint_free(l);
	/* Short names take one edit: /usr is a typo of /user, /a is not
	 * one of /adv. */
	expect("/usr/x = \"1\"\n/a/x = \"1\"\n/abc/x = \"1\"\n/nt/x = \"1\"\n",
	    "unknown-component", "1:E 4:E");
	/* Known components, and unknown ones far from any known. */
	expect("/adv/Misc/HostName = \"h\"\n/advUserOptions/x = \"1\"\n"
	       "/device/000:01.0/owner = \"vmkernel\"\n/net/x = \"1\"\n"
	       "/resourceGroups/version = \"7\"\n/system/uuid = \"u\"\n"
	       "/vmkdevmgr/pci/m1/alias = \"a\"\n/completelyother/x = \"1\"\n"
	       "/x = \"1\"\n/ = \"1\"\n//a = \"1\"\n",
	    "unknown-component", "");
}

static void
test_bad_pci_address(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/device/000:31.2/owner = \"vmkernel\"\n"
	           "/device/00000:000:31.2/owner = \"vmkernel\"\n"
	           "/device/0000:00:1f.2/owner = \"vmkernel\"\n"
	           "/device/000:32.0/owner = \"vmkernel\"\n"
	           "/device/256:00.0/owner = \"vmkernel\"\n"
	           "/device/xyz/owner = \"vmkernel\"\n"
	           "/device/000:1f.2/owner = \"vmkernel\"\n"
	           "/device//owner = \"vmkernel\"\n"
	           "/device/000:01.0 = \"vmkernel\"\n"
	           "/device/000:01.8/vmkname = \"x\"\n");
	assert_string_equal(rule_lines(l, "bad-pci-address"),
	    "4:E 5:E 6:E 7:E 8:E 10:E");
	assert_non_null(strstr(message_of(l, "bad-pci-address", 6), "xyz"));
	vifs_lint_free(l);
	/* Not under /device/: no address to check. */
	expect("/devicex/zz/owner = \"1\"\n/net/zz/x = \"1\"\n",
	    "bad-pci-address", "");
}

static void
test_bad_owner(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/device/000:01.0/owner = \"VMkernel\"\n"
	           "/device/000:02.0/owner = \"\"\n"
	           "/device/000:03.0/owner = \"vmkernel\"\n"
	           "/device/000:04.0/owner = \"passthru\"\n"
	           "/device/000:05.0/owner = \"pass|00thru\"\n"
	           "/device/000:06.0/owner/x = \"junk\"\n"
	           "/device/000:07.0/vmkname = \"junk\"\n");
	assert_string_equal(rule_lines(l, "bad-owner"), "1:E 2:E 5:E");
	assert_non_null(strstr(message_of(l, "bad-owner", 1), "VMkernel"));
	assert_non_null(strstr(message_of(l, "bad-owner", 5), "\\x00"));
	vifs_lint_free(l);
}

static void
test_passthru_vmkname(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/device/000:31.2/owner = \"passthru\"\n"
	           "/device/000:31.2/vmkname = \"vmhba0\"\n"
	           "/device/000:31.5/owner = \"vmkernel\"\n"
	           "/device/000:31.5/vmkname = \"vmhba1\"\n"
	           "/device/000:27.0/owner = \"passthru\"\n"
	           "/device/000:25.0/owner = \"passthru\"\n"
	           "/device/000:25.0/owner = \"vmkernel\"\n"
	           "/device/000:25.0/vmkname = \"vmnic0\"\n"
	           "/device/000:26.0/owner = \"vmkernel\"\n"
	           "/device/000:26.0/owner = \"passthru\"\n"
	           "/device/000:26.0/vmkname = \"vmnic1\"\n"
	           "/device/000:29.0/owner = \"passthru\"\n"
	           "/device/000:29.0/vmkname = \"\"\n");
	assert_string_equal(rule_lines(l, "passthru-vmkname"), "1:E 10:E");
	assert_non_null(strstr(message_of(l, "passthru-vmkname", 1), "vmhba0"));
	assert_non_null(strstr(message_of(l, "passthru-vmkname", 1), "line 2"));
	assert_non_null(
	    strstr(message_of(l, "passthru-vmkname", 10), "vmnic1"));
	vifs_lint_free(l);
}

static void
test_unquoted_value(void **state)
{
	(void)state;
	expect("/a = bare\n/b = \"q\"\n/c =\n/d = # c\n/e = \"\"\n",
	    "unquoted-value", "1:W 3:W 4:W");
}

static void
test_bad_escape(void **state)
{
	vifs_lint *l;

	(void)state;
	l = lint_s("/a = \"x|zz\"\n/b = \"|7C|7c|22\"\n/c = \"|\"\n"
	           "/d = \"ab|4\"\n/e = \"no pipes\"\n/f = a|0a\n");
	assert_string_equal(rule_lines(l, "bad-escape"), "1:W 3:W 4:W");
	assert_non_null(strstr(message_of(l, "bad-escape", 1), "byte 2"));
	assert_int_equal(vifs_lint_errors(l), 0);
	vifs_lint_free(l);
}

static void
test_order_and_counts(void **state)
{
	vifs_lint *l;
	const struct vifs_lint_finding *f;

	(void)state;
	l = lint_s("/z = \"1\"\n/devcie/x = bare|\n/z = \"2\"\njunk\n");
	assert_int_equal(vifs_lint_count(l), 5);
	assert_int_equal(vifs_lint_errors(l), 3);
	f = vifs_lint_get(l, 0);
	assert_int_equal(f->line, 2);
	assert_string_equal(f->rule, "bad-escape");
	f = vifs_lint_get(l, 1);
	assert_int_equal(f->line, 2);
	assert_string_equal(f->rule, "unknown-component");
	f = vifs_lint_get(l, 2);
	assert_int_equal(f->line, 2);
	assert_string_equal(f->rule, "unquoted-value");
	f = vifs_lint_get(l, 3);
	assert_int_equal(f->line, 3);
	assert_string_equal(f->rule, "duplicate-key");
	f = vifs_lint_get(l, 4);
	assert_int_equal(f->line, 4);
	assert_string_equal(f->rule, "malformed-line");
	vifs_lint_free(l);
	assert_int_equal(vifs_lint_count(NULL), 0);
	assert_null(vifs_lint_get(NULL, 0));
	vifs_lint_free(NULL);
}

/* Line numbers after edits are those of the edited text. */
static void
test_after_edits(void **state)
{
	vifs_esxconf *doc = NULL;
	vifs_lint *l = NULL;
	const char *s = "/b = \"1\"\n/d = bare\n";

	(void)state;
	assert_int_equal(vifs_esxconf_parse(&doc, NULL, s, strlen(s)), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/a", "0"), 0);
	assert_int_equal(vifs_esxconf_set(doc, "/c", "2"), 0);
	assert_int_equal(vifs_esxconf_lint(&l, doc), 0);
	assert_string_equal(rule_lines(l, "unquoted-value"), "4:W");
	vifs_lint_free(l);
	assert_int_equal(vifs_esxconf_set(doc, "/d", "3"), 0);
	assert_int_equal(vifs_esxconf_lint(&l, doc), 0);
	assert_int_equal(vifs_lint_count(l), 0);
	vifs_lint_free(l);
	vifs_esxconf_free(doc);
}

static void
test_hostile(void **state)
{
	static const char nasty[] = "/\x01\x02 = \"\xff\"\n\0\0junk\x7f\n"
	                            "/device/\x80\x81/owner = \"\x1b[31m\"\n"
	                            "/dev\xc3\xa9"
	                            "ce/x = \"1\"\n"
	                            "/device/000:01.0/owner = \"passthru\"\n"
	                            "/device/000:01.0/vmkname = \"a|0Ab\"\n";
	char *big = malloc(200000);
	vifs_lint *l;
	size_t n;

	(void)state;
	l = lint_of(nasty, sizeof(nasty) - 1);
	assert_string_equal(rule_lines(l, "malformed-line"), "2:E");
	assert_string_equal(rule_lines(l, "bad-pci-address"), "3:E");
	assert_non_null(
	    strstr(message_of(l, "bad-pci-address", 3), "\\x80\\x81"));
	assert_string_equal(rule_lines(l, "passthru-vmkname"), "5:E");
	assert_non_null(
	    strstr(message_of(l, "passthru-vmkname", 5), "a\\x0Ab"));
	vifs_lint_free(l);
	/* A long key is cut in messages. */
	assert_non_null(big);
	memcpy(big, "noslash", 7);
	memset(big + 7, 'k', 150000);
	n = 7 + 150000;
	memcpy(big + n, " = bare", 7);
	n += 7;
	l = lint_of(big, n);
	assert_true(strlen(message_of(l, "key-no-slash", 1)) < 200);
	vifs_lint_free(l);
	free(big);
}

/* --- XML ----------------------------------------------------------------- */

static xmlDocPtr
xml_valid(const char *xml, size_t len)
{
	return xml_validate(xml, len, "lint.xsd");
}

static void
test_xml(void **state)
{
	size_t len, xlen;
	char *buf = fixture_read("pci/seed-sample2.esx.conf", &len), *xml;
	vifs_lint *l = lint_of(buf, len);
	xmlDocPtr d;
	xmlNodePtr root, f;
	xmlChar *text;

	(void)state;
	assert_int_equal(vifs_lint_to_xml(&xml, &xlen, l, "host1:esx.conf"), 0);
	assert_int_equal(strlen(xml), xlen);
	d = xml_valid(xml, xlen);
	root = xmlDocGetRootElement(d);
	assert_string_equal((const char *)root->name, "lint");
	xml_assert_prop(root, "file", "host1:esx.conf");
	xml_assert_prop(root, "errors", "2");
	xml_assert_prop(root, "warnings", "0");
	f = xml_nth_elem(root, 1);
	assert_non_null(f);
	xml_assert_prop(f, "line", "3");
	xml_assert_prop(f, "rule", "unknown-component");
	xml_assert_prop(f, "severity", "error");
	text = xmlNodeGetContent(f);
	assert_non_null(strstr((const char *)text, "did you mean /device"));
	xmlFree(text);
	assert_null(xml_nth_elem(root, 2));
	xmlFreeDoc(d);
	free(xml);
	vifs_lint_free(l);
	free(buf);

	/* Warnings, quotes in messages, and an awkward file name. */
	l = lint_s("/a = bare\n/b = \"<&>|q\"\n");
	assert_int_equal(vifs_lint_to_xml(&xml, &xlen, l, "\xff<x>"), 0);
	d = xml_valid(xml, xlen);
	root = xmlDocGetRootElement(d);
	xml_assert_prop(root, "errors", "0");
	xml_assert_prop(root, "warnings", "2");
	xml_assert_prop(root, "file", "FF3C783E");
	xml_assert_prop(root, "file-encoding", "hex");
	f = xml_nth_elem(root, 1);
	xml_assert_prop(f, "severity", "warning");
	xml_assert_prop(f, "rule", "bad-escape");
	xmlFreeDoc(d);
	free(xml);
	vifs_lint_free(l);

	/* No findings: an empty, valid document. */
	l = lint_s("");
	assert_int_equal(vifs_lint_to_xml(&xml, &xlen, l, NULL), 0);
	d = xml_valid(xml, xlen);
	root = xmlDocGetRootElement(d);
	xml_assert_prop(root, "file", "esx.conf");
	assert_null(xml_nth_elem(root, 0));
	xmlFreeDoc(d);
	free(xml);
	vifs_lint_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_sample2_exact),
		cmocka_unit_test(test_fixture_sample1_clean),
		cmocka_unit_test(test_malformed_line),
		cmocka_unit_test(test_key_no_slash),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_unknown_component),
		cmocka_unit_test(test_bad_pci_address),
		cmocka_unit_test(test_bad_owner),
		cmocka_unit_test(test_passthru_vmkname),
		cmocka_unit_test(test_unquoted_value),
		cmocka_unit_test(test_bad_escape),
		cmocka_unit_test(test_order_and_counts),
		cmocka_unit_test(test_after_edits),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
