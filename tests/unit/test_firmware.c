/*
 * test_firmware.c - the bundles of HostFirmwareSystem on this side: the
 * path of the URL a host returns (good ones, and hostile ones that must
 * give one line and no path), and the check of a bundle before a
 * restore.  The exchanges with a host are tested against the project's
 * simulator by tests/integration/firmware.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>

#include "firmware_int.h"
#include "testutil.h"

static void
test_url_path(void **state)
{
	static const struct {
		const char *url, *path;
	} good[] = {
		{ "http://*/downloads/52c1f0e3/configBundle-esx01.tgz",
		    "/downloads/52c1f0e3/configBundle-esx01.tgz" },
		{ "http://*/tmp/configBundle.tgz", "/tmp/configBundle.tgz" },
		/* The host named is not followed: the path goes to the host
		 * vifs is connected to, as vicfg-cfgbackup does. */
		{ "https://elsewhere:8443/downloads/x.tgz",
		    "/downloads/x.tgz" },
		{ "http://*/a/.../b", "/a/.../b" },
		{ "http://*/a/..b/.c", "/a/..b/.c" },
	};
	char *p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = NULL;
		assert_int_equal(firmware_url_path(&p, good[i].url, "backup"),
		    0);
		assert_string_equal(p, good[i].path);
		free(p);
	}
}

static void
test_url_path_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"not a url",
		"http://*",
		"http://*/",
		"http://*/../../etc/passwd",
		"http://*/downloads/..",
		"http://*/downloads/.",
		"http://*/./x",
		"http://*/downloads/%2e%2E/x",
		"http://*/downloads/%2e/x",
		"http://*/downloads//x",
		"http://*/downloads/x/",
		"http://*/downloads/a?x=1",
		"http://*/downloads/a#f",
		"http://*/down loads",
		"http://*/a\\b",
		"http://*/a\tb",
		"http://*/a\nb",
		"http://*/a\x7f",
		"http://*/a\x1b[31m",
	};
	char *p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = (char *)1;
		assert_int_equal(firmware_url_path(&p, bad[i], "upload"),
		    VIFS_EPARSE);
		assert_null(p);
		assert_non_null(
		    strstr(vifs_error_last(), "the host's upload URL '"));
		assert_non_null(strstr(vifs_error_last(), "no usable path"));
		for (const char *m = vifs_error_last(); *m; m++)
			assert_true((unsigned char)*m >= ' ' && *m != 0x7f);
	}
	/* A long URL is cut in the message. */
	{
		char url[4096];

		memset(url, 'a', sizeof(url) - 1);
		url[sizeof(url) - 1] = '\0';
		memcpy(url, "http://*/?", 10);
		assert_int_equal(firmware_url_path(&p, url, "backup"),
		    VIFS_EPARSE);
		assert_true(strlen(vifs_error_last()) < 400);
		assert_non_null(strstr(vifs_error_last(), "...'"));
	}
}

static void
test_bundle_check(void **state)
{
	(void)state;
	assert_int_equal(firmware_bundle_check("", 0), VIFS_EPARSE);
	assert_int_equal(firmware_bundle_check("not a bundle", 12),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "the bundle"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_path),
		cmocka_unit_test(test_url_path_hostile),
		cmocka_unit_test(test_bundle_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
