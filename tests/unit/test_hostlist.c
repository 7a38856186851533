/*
 * test_hostlist.c - the hosts of a fleet: entries, list files, duplicates,
 * hostile lines, and names made safe for local paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/hostlist.h>

#include "testutil.h"

static vifs_hostlist *
new_list(void)
{
	vifs_hostlist *l = NULL;

	assert_int_equal(vifs_hostlist_new(&l, 443), 0);
	return l;
}

static void
test_entries(void **state)
{
	static const struct {
		const char *text, *name, *host;
		unsigned port;
	} good[] = {
		{ "esx01", "esx01", "esx01", 0 },
		{ "esx01.example.com:8443", "esx01.example.com:8443",
		    "esx01.example.com", 8443 },
		{ "10.0.0.5", "10.0.0.5", "10.0.0.5", 0 },
		{ "10.0.0.6:00443", "10.0.0.6:443", "10.0.0.6", 443 },
		{ "[fe80::1]:443", "[fe80::1]:443", "fe80::1", 443 },
		{ "[::1]", "[::1]", "::1", 0 },
		{ "2001:db8::7", "[2001:db8::7]", "2001:db8::7", 0 },
		{ "host_with_underscore", "host_with_underscore",
		    "host_with_underscore", 0 },
	};
	static const char *const bad[] = {
		"",
		":443",
		"esx01:",
		"esx01:0",
		"esx01:65536",
		"esx01:44x",
		"esx01:+443",
		"-esx01",
		".hidden",
		"esx/01",
		"esx01/../x",
		"esx 01",
		"user@esx01",
		"https://esx01",
		"[fe80::1",
		"[fe80::1]x",
		"[fe80::1]:",
		"[esx01]",
		"[]",
		"1:2:zz",
		"esx01?x",
	};
	vifs_hostlist *l = new_list();
	int added = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct vifs_hostlist_entry *e;

		assert_int_equal(vifs_hostlist_add(l, good[i].text, &added), 0);
		assert_int_equal(added, 1);
		e = vifs_hostlist_get(l, vifs_hostlist_count(l) - 1);
		assert_non_null(e);
		assert_string_equal(e->name, good[i].name);
		assert_string_equal(e->host, good[i].host);
		assert_int_equal(e->port, good[i].port);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		added = -1;
		assert_int_equal(vifs_hostlist_add(l, bad[i], &added),
		    VIFS_EPARSE);
		assert_int_equal(added, 0);
		assert_non_null(strstr(vifs_error_last(), "host '"));
	}
	assert_int_equal(vifs_hostlist_count(l),
	    sizeof(good) / sizeof(good[0]));
	assert_null(vifs_hostlist_get(l, vifs_hostlist_count(l)));
	assert_int_equal(vifs_hostlist_add(l, NULL, NULL), VIFS_EINVAL);
	vifs_hostlist_free(l);
	vifs_hostlist_free(NULL);
	assert_int_equal(vifs_hostlist_new(&l, 0), VIFS_EINVAL);
	assert_null(l);
}

static void
test_duplicates(void **state)
{
	vifs_hostlist *l = new_list();
	int added = -1;
	char name[32];

	(void)state;
	assert_int_equal(vifs_hostlist_add(l, "ESX01", &added), 0);
	assert_int_equal(added, 1);
	/* Same host: case, and the default port written out. */
	assert_int_equal(vifs_hostlist_add(l, "esx01", &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(vifs_hostlist_add(l, "esx01:443", &added), 0);
	assert_int_equal(added, 0);
	/* Another port is another host. */
	assert_int_equal(vifs_hostlist_add(l, "esx01:8443", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(vifs_hostlist_add(l, "[::1]:443", &added), 0);
	assert_int_equal(vifs_hostlist_add(l, "::1", &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(vifs_hostlist_count(l), 3);
	assert_string_equal(vifs_hostlist_get(l, 0)->name, "ESX01");
	/* Enough hosts to grow the hash set several times. */
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "h%d.example:%d", i % 2500,
		    443 + i / 2500);
		assert_int_equal(vifs_hostlist_add(l, name, &added), 0);
		assert_int_equal(added, 1);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "H%d.EXAMPLE:%d", i % 2500,
		    443 + i / 2500);
		assert_int_equal(vifs_hostlist_add(l, name, &added), 0);
		assert_int_equal(added, 0);
	}
	assert_int_equal(vifs_hostlist_count(l), 5003);
	assert_string_equal(vifs_hostlist_get(l, 5002)->name,
	    "h2499.example:444");
	vifs_hostlist_free(l);

	/* Under http, esx01 and esx01:80 are one host. */
	assert_int_equal(vifs_hostlist_new(&l, 80), 0);
	assert_int_equal(vifs_hostlist_add(l, "esx01", NULL), 0);
	assert_int_equal(vifs_hostlist_add(l, "esx01:80", &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(vifs_hostlist_add(l, "esx01:443", &added), 0);
	assert_int_equal(added, 1);
	vifs_hostlist_free(l);
}

static void
test_file(void **state)
{
	static const char text[] = "# the lab\n"
	                           "esx01\n"
	                           "  esx02:8443   # the odd one\n"
	                           "\n"
	                           "\t[fe80::1]\r\n"
	                           "esx01 # again\n"
	                           "esx03";
	vifs_hostlist *l = new_list();

	(void)state;
	assert_int_equal(vifs_hostlist_parse(l, "lab.txt", text,
	                     sizeof(text) - 1),
	    0);
	assert_int_equal(vifs_hostlist_count(l), 4);
	assert_string_equal(vifs_hostlist_get(l, 0)->name, "esx01");
	assert_string_equal(vifs_hostlist_get(l, 1)->name, "esx02:8443");
	assert_string_equal(vifs_hostlist_get(l, 2)->name, "[fe80::1]");
	assert_string_equal(vifs_hostlist_get(l, 3)->name, "esx03");
	/* Empty text and comments only add nothing. */
	assert_int_equal(vifs_hostlist_parse(l, NULL, "", 0), 0);
	assert_int_equal(vifs_hostlist_parse(l, NULL, "#\n # x\n\n", 8), 0);
	assert_int_equal(vifs_hostlist_count(l), 4);
	vifs_hostlist_free(l);
}

static void
test_hostile_files(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} bad[] = {
		{ "esx01\nesx02 esx03\n", 0, "f:2: one host a line" },
		{ "esx01\n\n../etc\n", 0, "f:3: '../etc'" },
		{ "esx01\nesx02:99999\n", 0, "f:2: 'esx02:99999': bad port" },
		{ "esx01\nes\0x02\n", 13, "f:2: a NUL byte" },
		{ "a;rm -rf /\n", 0, "f:1: one host a line" },
		{ "\x1b[31mred\n", 0, "f:1:" },
		{ "esx01\n\xff\xfe\n", 0, "f:2:" },
	};
	vifs_hostlist *l = new_list();
	char *big;
	size_t n = 3000;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);

		assert_int_equal(vifs_hostlist_parse(l, "f", bad[i].text, len),
		    VIFS_EPARSE);
		assert_non_null(strstr(vifs_error_last(), bad[i].msg));
		/* A bad file adds nothing, not even its good lines. */
		assert_int_equal(vifs_hostlist_count(l), 0);
	}
	/* A line longer than any host name can be. */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(vifs_hostlist_parse(l, "f", big, n), VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "longer than"));
	/* 254 letters: one more than a DNS name may have. */
	big[254] = '\0';
	assert_int_equal(vifs_hostlist_add(l, big, NULL), VIFS_EPARSE);
	big[253] = '\0';
	assert_int_equal(vifs_hostlist_add(l, big, NULL), 0);
	free(big);
	assert_int_equal(vifs_hostlist_parse(NULL, "f", "x", 1), VIFS_EINVAL);
	assert_int_equal(vifs_hostlist_load(l, "/nonexistent/servers"),
	    VIFS_ENOTFOUND);
	vifs_hostlist_free(l);
}

static void
test_load(void **state)
{
	char *dir = tmpdir_make();
	char path[512];
	vifs_hostlist *l = new_list();

	(void)state;
	snprintf(path, sizeof(path), "%s/servers", dir);
	write_file(path, "esx01\nesx02\n", 12);
	assert_int_equal(vifs_hostlist_load(l, path), 0);
	assert_int_equal(vifs_hostlist_count(l), 2);
	write_file(path, "esx01\nbad host\n", 15);
	assert_int_equal(vifs_hostlist_load(l, path), VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "/servers:2:"));
	vifs_hostlist_free(l);
	tmpdir_remove(dir);
}

static void
test_words(void **state)
{
	vifs_hostlist *l = new_list();

	(void)state;
	assert_int_equal(vifs_hostlist_add_words(l,
	                     " esx01,esx02:8443  esx03,,\tesx01 ,"),
	    0);
	assert_int_equal(vifs_hostlist_count(l), 3);
	assert_string_equal(vifs_hostlist_get(l, 1)->name, "esx02:8443");
	assert_int_equal(vifs_hostlist_add_words(l, ""), 0);
	assert_int_equal(vifs_hostlist_add_words(l, "esx04,bad/host"),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "bad/host"));
	assert_int_equal(vifs_hostlist_add_words(l, NULL), VIFS_EINVAL);
	vifs_hostlist_free(l);
}

static void
test_safe_name(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "esx01.example.com", "esx01.example.com" },
		{ "esx01:8443", "esx01:8443" },
		{ "[fe80::1]:443", "_fe80::1_:443" },
		{ "..", "_." },
		{ ".", "_" },
		{ "../../etc/passwd", "_._.._etc_passwd" },
		{ "a/b", "a_b" },
		{ ".hidden", "_hidden" },
		{ "tab\there", "tab_here" },
		{ "caf\xc3\xa9", "caf__" },
	};
	char *s = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vifs_hostlist_safe_name(&s, cases[i].in), 0);
		assert_string_equal(s, cases[i].out);
		assert_null(strchr(s, '/'));
		free(s);
	}
	assert_int_equal(vifs_hostlist_safe_name(&s, ""), VIFS_EINVAL);
	assert_null(s);
	assert_int_equal(vifs_hostlist_safe_name(&s, NULL), VIFS_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_safe_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
