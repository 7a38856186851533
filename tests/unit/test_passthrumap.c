/*
 * test_passthrumap.c - /etc/vmware/passthru.map: the sample fixture, the
 * lookup rules (exact over wildcard, later over earlier), and errors that
 * name the file and the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>

#include "testutil.h"

static vifs_passthru_map *
parse_ok(const char *text)
{
	vifs_passthru_map *map = NULL;

	if (vifs_passthru_map_parse(&map, "t.map", text, strlen(text)) != 0)
		fail_msg("parse: %s", vifs_error_last());
	assert_non_null(map);
	return map;
}

static const char *
parse_fails(const char *text, size_t len)
{
	vifs_passthru_map *map = (vifs_passthru_map *)&map;

	assert_int_equal(vifs_passthru_map_parse(&map, "t.map", text, len),
	    VIFS_EPARSE);
	assert_null(map);
	return vifs_error_last();
}

/* The data lines of tests/fixtures/passthru.map, in file order. */
static const struct {
	unsigned vendor, device;
	enum vifs_reset_method reset;
	enum vifs_shareable share;
	size_t line;
} fixture_rows[] = {
	{ 0x8086, 0x1502, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 7 },
	{ 0x8086, 0x10b6, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 8 },
	{ 0x8086, 0x10c6, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 9 },
	{ 0x8086, 0x10c7, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 10 },
	{ 0x8086, 0x10c8, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 11 },
	{ 0x8086, 0x10dd, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 12 },
	{ 0x14e4, 0x164e, VIFS_RESET_DEFAULT, VIFS_SHARE_FALSE, 13 },
	{ 0x14e4, 0x164f, VIFS_RESET_DEFAULT, VIFS_SHARE_FALSE, 14 },
	{ 0x14e4, 0x1650, VIFS_RESET_DEFAULT, VIFS_SHARE_FALSE, 15 },
	{ 0x14e4, 0x1662, VIFS_RESET_LINK, VIFS_SHARE_FALSE, 16 },
	{ 0x1077, 0x2532, VIFS_RESET_DEFAULT, VIFS_SHARE_FALSE, 17 },
	{ 0x1000, 0x0056, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 18 },
	{ 0x1000, 0x0058, VIFS_RESET_D3D0, VIFS_SHARE_DEFAULT, 19 },
	{ 0x10de, 0xffff, VIFS_RESET_BRIDGE, VIFS_SHARE_FALSE, 20 },
	{ 0x8086, 0x2920, VIFS_RESET_D3D0, VIFS_SHARE_FALSE, 22 },
};

#define NFIXTURE (sizeof(fixture_rows) / sizeof(fixture_rows[0]))

static void
test_passthrumap_fixture(void **state)
{
	vifs_passthru_map *map = NULL;
	const struct vifs_passthru_map_entry *e;

	(void)state;
	assert_int_equal(vifs_passthru_map_open(&map,
	                     fixture_path("passthru.map")),
	    0);
	assert_int_equal(vifs_passthru_map_count(map), NFIXTURE);
	for (size_t i = 0; i < NFIXTURE; i++) {
		e = vifs_passthru_map_get(map, i);
		assert_non_null(e);
		assert_int_equal(e->vendor, fixture_rows[i].vendor);
		assert_int_equal(e->device, fixture_rows[i].device);
		assert_int_equal(e->device_any,
		    fixture_rows[i].device == 0xffff);
		assert_int_equal(e->reset, fixture_rows[i].reset);
		assert_int_equal(e->shareable, fixture_rows[i].share);
		assert_int_equal(e->line, fixture_rows[i].line);
	}
	assert_null(vifs_passthru_map_get(map, NFIXTURE));

	/* The NVIDIA wildcard matches any device id of 10de. */
	e = vifs_passthru_map_lookup(map, 0x10de, 0x0322);
	assert_non_null(e);
	assert_int_equal(e->reset, VIFS_RESET_BRIDGE);
	assert_int_equal(e->line, 20);
	/* The line added with a trailing comment. */
	e = vifs_passthru_map_lookup(map, 0x8086, 0x2920);
	assert_non_null(e);
	assert_int_equal(e->shareable, VIFS_SHARE_FALSE);
	assert_null(vifs_passthru_map_lookup(map, 0x8086, 0x293e));
	assert_null(vifs_passthru_map_lookup(map, 0x9004, 0x6178));
	vifs_passthru_map_free(map);
}

static void
test_passthrumap_lookup_rules(void **state)
{
	vifs_passthru_map *map;
	const struct vifs_passthru_map_entry *e;

	(void)state;
	map = parse_ok("10de  0322  flr      true\n" /* 1: exact */
	               "10de  ffff  bridge   false\n" /* 2: wildcard after it */
	               "8086  10bd  d3d0     default\n" /* 3 */
	               "8086  10bd  link     false\n" /* 4: overrides 3 */
	               "1033  ffff  default  default\n" /* 5 */
	               "1033  ffff  flr      true\n"); /* 6: overrides 5 */
	assert_int_equal(vifs_passthru_map_count(map), 6);
	/* Exact wins over a wildcard, even a later one. */
	e = vifs_passthru_map_lookup(map, 0x10de, 0x0322);
	assert_int_equal(e->line, 1);
	assert_int_equal(e->reset, VIFS_RESET_FLR);
	assert_int_equal(e->shareable, VIFS_SHARE_TRUE);
	e = vifs_passthru_map_lookup(map, 0x10de, 0x0323);
	assert_int_equal(e->line, 2);
	/* Later line over earlier. */
	e = vifs_passthru_map_lookup(map, 0x8086, 0x10bd);
	assert_int_equal(e->line, 4);
	assert_int_equal(e->reset, VIFS_RESET_LINK);
	e = vifs_passthru_map_lookup(map, 0x1033, 0x0035);
	assert_int_equal(e->line, 6);
	assert_null(vifs_passthru_map_lookup(map, 0x1034, 0x0035));
	assert_null(vifs_passthru_map_lookup(NULL, 0x1033, 0x0035));
	vifs_passthru_map_free(map);
}

static void
test_passthrumap_layout(void **state)
{
	vifs_passthru_map *map;
	const struct vifs_passthru_map_entry *e;

	(void)state;
	/* Single blanks, tabs, trailing comment without a blank, CRLF, no
	 * final newline, upper-case hex, blank and comment-only lines. */
	map = parse_ok("\n# comment\n   \n\t# indented comment\r\n"
	               "8086 8d02 d3d0 false  #vmhba1\r\n"
	               "8086\t8D03\td3d0\tfalse#x\n"
	               "  1000  0056  d3d0  default   \n"
	               "ABCD FFFF default true");
	assert_int_equal(vifs_passthru_map_count(map), 4);
	e = vifs_passthru_map_get(map, 0);
	assert_int_equal(e->line, 5);
	assert_int_equal(e->device, 0x8d02);
	e = vifs_passthru_map_get(map, 1);
	assert_int_equal(e->device, 0x8d03);
	assert_int_equal(e->line, 6);
	e = vifs_passthru_map_get(map, 3);
	assert_int_equal(e->vendor, 0xabcd);
	assert_true(e->device_any);
	assert_int_equal(e->line, 8);
	vifs_passthru_map_free(map);

	map = parse_ok("");
	assert_int_equal(vifs_passthru_map_count(map), 0);
	vifs_passthru_map_free(map);
}

static void
test_passthrumap_errors(void **state)
{
	vifs_passthru_map *map = NULL;
	const char *msg;
	char big[5000];

	(void)state;
	msg = parse_fails("# x\n8086 1502 d3d0\n", 18);
	assert_string_equal(msg,
	    "t.map:2: 3 fields, expected four: vendor "
	    "device reset shareable");
	msg = parse_fails("8086 1502 d3d0 false extra\n", 27);
	assert_string_equal(msg,
	    "t.map:1: unexpected 'extra' after the "
	    "four fields (vendor device reset shareable)");
	msg = parse_fails("\n\n808 1502 d3d0 false\n", 22);
	assert_string_equal(msg,
	    "t.map:3: vendor id '808' is not 4 hex "
	    "digits");
	msg = parse_fails("8086 150g d3d0 false\n", 21);
	assert_string_equal(msg,
	    "t.map:1: device id '150g' is not 4 hex "
	    "digits");
	msg = parse_fails("8086 01502 d3d0 false", 21);
	assert_non_null(strstr(msg, "device id '01502'"));
	msg = parse_fails("8086 1502 D3D0 false", 20);
	assert_string_equal(msg,
	    "t.map:1: unknown reset method 'D3D0' "
	    "(flr, d3d0, link, bridge, default)");
	msg = parse_fails("8086 1502 d3d0 no", 17);
	assert_string_equal(msg,
	    "t.map:1: unknown shareable value 'no' "
	    "(true, default, false)");
	msg = parse_fails("ffff 1502 d3d0 false", 20);
	assert_non_null(strstr(msg, "t.map:1: vendor id ffff"));
	msg = parse_fails("8086 1502 d3d0 false\n8086 15\0002 d3d0 false", 41);
	assert_string_equal(msg, "t.map:2: NUL byte at column 8");
	msg = parse_fails("+8086 1502 d3d0 false", 21);
	assert_non_null(strstr(msg, "'+8086'"));
	msg = parse_fails("8086 1502 d3d0 \xff\xfe", 17);
	assert_non_null(strstr(msg, "'\\xff\\xfe'"));
	msg = parse_fails("0x86 1502 d3d0 false", 20);
	assert_non_null(strstr(msg, "vendor id '0x86'"));

	/* A long bad token is cut short in the message. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "8086 1502 d3d0 ", 15);
	msg = parse_fails(big, sizeof(big));
	assert_true(strlen(msg) < 200);

	/* Without a name the messages say passthru.map. */
	assert_int_equal(vifs_passthru_map_parse(&map, NULL, "x", 1),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "passthru.map:1: "));
	assert_true(vifs_passthru_map_open(&map, "/nonexistent/map") < 0);
	assert_non_null(strstr(vifs_error_last(), "/nonexistent/map"));
	assert_null(map);
}

static void
test_passthrumap_names(void **state)
{
	(void)state;
	assert_string_equal(vifs_reset_method_name(VIFS_RESET_FLR), "flr");
	assert_string_equal(vifs_reset_method_name(VIFS_RESET_D3D0), "d3d0");
	assert_string_equal(vifs_reset_method_name(VIFS_RESET_LINK), "link");
	assert_string_equal(vifs_reset_method_name(VIFS_RESET_BRIDGE),
	    "bridge");
	assert_string_equal(vifs_reset_method_name(VIFS_RESET_DEFAULT),
	    "default");
	assert_string_equal(vifs_shareable_name(VIFS_SHARE_TRUE), "true");
	assert_string_equal(vifs_shareable_name(VIFS_SHARE_FALSE), "false");
	assert_string_equal(vifs_shareable_name(VIFS_SHARE_DEFAULT), "default");
	assert_string_equal(vifs_reset_method_name((enum vifs_reset_method)77),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passthrumap_fixture),
		cmocka_unit_test(test_passthrumap_lookup_rules),
		cmocka_unit_test(test_passthrumap_layout),
		cmocka_unit_test(test_passthrumap_errors),
		cmocka_unit_test(test_passthrumap_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
