/*
 * test_xmltext.c - the one XML-safe text check and escape of libvifs
 * (common/utf8.c): which characters XML 1.0 carries, how everything else
 * is escaped, and the writer on a libxml2 text writer.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>

#include "internal.h"
#include "testutil.h"
#include "utf8.h"

static void
test_text_ok(void **state)
{
	(void)state;
	assert_true(vifs_xml_text_ok("a\tb\nc\r", 6));
	assert_true(
	    vifs_xml_text_ok("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	assert_true(vifs_xml_text_ok("", 0));
	assert_false(vifs_xml_text_ok("a\0b", 3));
	assert_false(vifs_xml_text_ok("\x01", 1));
	assert_false(vifs_xml_text_ok("\xef\xbf\xbe", 3)); /* U+FFFE */
	assert_false(vifs_xml_text_ok("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(vifs_xml_text_ok("\xc0\xaf", 2)); /* overlong */
	assert_false(vifs_xml_text_ok("\xc3", 1)); /* truncated */
	assert_true(vifs_utf8_xml_safe("plain"));
	assert_false(vifs_utf8_xml_safe("bell\a"));
}

static void
test_escape(void **state)
{
	struct vifs_buf b = VIFS_BUF_INIT;

	(void)state;
	assert_int_equal(vifs_xml_escape(&b, "a|b\x01\xff\xc3\xa9", 7), 0);
	assert_string_equal(b.data, "a|7Cb|01|FF\xc3\xa9");
	assert_int_equal(vifs_xml_escape(&b, "", 0), 0);
	assert_string_equal(b.data, "");
	vifs_buf_free(&b);
}

static void
test_write(void **state)
{
	struct vifs_buf tmp = VIFS_BUF_INIT;
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);

	(void)state;
	assert_non_null(w);
	assert_true(xmlTextWriterStartElement(w, BAD_CAST "e") >= 0);
	assert_int_equal(vifs_xml_write(w, &tmp, "k", "x\x02<", 3), 0);
	assert_int_equal(vifs_xml_write(w, &tmp, NULL, "a&|", 3), 0);
	assert_true(xmlTextWriterEndElement(w) >= 0);
	xmlFreeTextWriter(w);
	assert_string_equal((const char *)xmlBufferContent(buf),
	    "<e k=\"x|02&lt;\">a&amp;|7C</e>");
	xmlBufferFree(buf);
	vifs_buf_free(&tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_ok),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
