/*
 * test_error.c - messages that add context to a failure: vifs_error_wrap()
 * itself, and every message built from an earlier one (a baseline key, a
 * known-hosts entry, an audit report) reads once, whole, not garbled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/http.h>
#include <vifs/trust.h>

#include "testutil.h"

/* Number of times NEEDLE occurs in HAY. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_wrap(void **state)
{
	char expect[1200], big[2000];

	(void)state;
	vifs_error_set(VIFS_EPARSE, "does not start with '/'");
	assert_int_equal(vifs_error_wrap(VIFS_EPARSE, "%s:%d", "bl.conf", 2),
	    VIFS_EPARSE);
	assert_string_equal(vifs_error_last(),
	    "bl.conf:2: does not start with '/'");
	assert_int_equal(vifs_error_last_code(), VIFS_EPARSE);
	/* An argument may be the last message itself. */
	vifs_error_set(VIFS_EIO, "disk full");
	vifs_error_wrap(VIFS_EIO, "saving (%s)", vifs_error_last());
	assert_string_equal(vifs_error_last(), "saving (disk full): disk full");
	/* No message yet: the code's description. */
	vifs_error_clear();
	vifs_error_wrap(VIFS_ENOTFOUND, "x");
	snprintf(expect, sizeof(expect), "x: %s",
	    vifs_strerror(VIFS_ENOTFOUND));
	assert_string_equal(vifs_error_last(), expect);
	/* Long messages are cut, never overrun. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vifs_error_set(VIFS_ERROR, "%s", big);
	vifs_error_wrap(VIFS_ERROR, "%s", big);
	assert_true(strlen(vifs_error_last()) < 1024);
	assert_int_equal(strncmp(vifs_error_last(), "aaaa", 4), 0);
}

static void
test_baseline_key(void **state)
{
	static const char text[] = "/adv/a = \"1\"\n!noslash\n";
	vifs_baseline *b = NULL;
	char expect[1200], why[1024];

	(void)state;
	/* The message of the key check alone, to compare with. */
	assert_false(vifs_esxconf_key_valid("noslash"));
	snprintf(why, sizeof(why), "%s", vifs_error_last());
	assert_int_equal(vifs_baseline_parse(&b, "bl.conf", text, strlen(text)),
	    VIFS_EPARSE);
	snprintf(expect, sizeof(expect), "bl.conf:2: %s", why);
	assert_string_equal(vifs_error_last(), expect);
	assert_int_equal(count(vifs_error_last(), "bl.conf"), 1);
}

static void
test_known_hosts_entry(void **state)
{
	struct vifs_http_opts o;
	struct vifs_thumbprint tp;
	vifs_http *h = NULL;
	char *dir = tmpdir_make();
	char kh[512], expect[2048], why[1024];
	static const char bad[] = "127.0.0.1:4433 t:nothex\n";

	(void)state;
	assert_true(vifs_thumbprint_parse(&tp, "t:nothex") < 0);
	snprintf(why, sizeof(why), "%s", vifs_error_last());
	snprintf(kh, sizeof(kh), "%s/known_hosts", dir);
	write_file(kh, bad, strlen(bad));
	memset(&o, 0, sizeof(o));
	o.base_url = "https://127.0.0.1:4433";
	o.known_hosts = kh;
	assert_int_equal(vifs_http_new(&h, &o), VIFS_EPARSE);
	snprintf(expect, sizeof(expect), "%s: the entry for 127.0.0.1:4433: %s",
	    kh, why);
	assert_string_equal(vifs_error_last(), expect);
	assert_int_equal(count(vifs_error_last(), "127.0.0.1:4433"), 1);
	tmpdir_remove(dir);
}

static void
test_audit_report_file(void **state)
{
	char *dir = tmpdir_make();
	char path[512], rest[1024], expect[2048];
	char **hosts = NULL;
	size_t n = 0;
	static const char bad[] = "<audit version=\"2\"/>";

	(void)state;
	assert_int_equal(vifs_audit_report_failed_parse(&hosts, &n, bad,
	                     strlen(bad)),
	    VIFS_EPARSE);
	assert_int_equal(strncmp(vifs_error_last(), "audit report", 12), 0);
	snprintf(rest, sizeof(rest), "%s", vifs_error_last() + 12);
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	write_file(path, bad, strlen(bad));
	assert_int_equal(vifs_audit_report_failed(&hosts, &n, path),
	    VIFS_EPARSE);
	snprintf(expect, sizeof(expect), "%s%s", path, rest);
	assert_string_equal(vifs_error_last(), expect);
	assert_int_equal(count(vifs_error_last(), path), 1);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_baseline_key),
		cmocka_unit_test(test_known_hosts_entry),
		cmocka_unit_test(test_audit_report_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
