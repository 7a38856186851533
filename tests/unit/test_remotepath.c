/*
 * test_remotepath.c - remote path parsing, URL building, percent-encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/remotepath.h>

#include "testutil.h"

#define H "https://esx01.example.com"

struct url_case {
	const char *in;
	enum vifs_remotepath_mode mode;
	const char *ds; /* NULL = none */
	const char *path;
	const char *dc; /* NULL = none */
	const char *url;
};

/* PROTOCOL.md §2.2, with the corrections of §2.3. */
static const struct url_case url_cases[] = {
	{ "[datastore1] dir/file.vmdk", VIFS_REMOTEPATH_FOLDER, "datastore1",
	    "dir/file.vmdk", NULL,
	    H "/folder/dir/file.vmdk?dsName=datastore1" },
	{ "[datastore1]", VIFS_REMOTEPATH_FOLDER, "datastore1", "", NULL,
	    H "/folder?dsName=datastore1" },
	{ "/folder/dir/f?dcPath=dc1&dsName=ds1", VIFS_REMOTEPATH_FOLDER, "ds1",
	    "dir/f", "dc1", H "/folder/dir/f?dsName=ds1&dcPath=dc1" },
	{ "/folder?dcPath=ha-datacenter", VIFS_REMOTEPATH_FOLDER, NULL, "",
	    "ha-datacenter", H "/folder?dcPath=ha-datacenter" },
	{ "/folder/x", VIFS_REMOTEPATH_FOLDER, NULL, "x", NULL, H "/folder/x" },
	{ "/folder", VIFS_REMOTEPATH_FOLDER, NULL, "", NULL, H "/folder" },
	{ "/host", VIFS_REMOTEPATH_HOST, NULL, "", NULL, H "/host" },
	{ "/host/", VIFS_REMOTEPATH_HOST, NULL, "", NULL, H "/host" },
	{ "/host/esx.conf", VIFS_REMOTEPATH_HOST, NULL, "esx.conf", NULL,
	    H "/host/esx.conf" },
	{ "/tmp/foo.zip", VIFS_REMOTEPATH_TMP, NULL, "foo.zip", NULL,
	    H "/tmp/foo.zip" },
	{ "/tmp", VIFS_REMOTEPATH_TMP, NULL, "", NULL, H "/tmp" },
	{ "dir/file", VIFS_REMOTEPATH_FOLDER, NULL, "dir/file", NULL,
	    H "/folder/dir/file" },
	/* Corrections of §2.3. */
	{ "/hostfoo", VIFS_REMOTEPATH_FOLDER, NULL, "hostfoo", NULL,
	    H "/folder/hostfoo" },
	{ "/tmpx/a", VIFS_REMOTEPATH_FOLDER, NULL, "tmpx/a", NULL,
	    H "/folder/tmpx/a" },
	{ "/folderx", VIFS_REMOTEPATH_FOLDER, NULL, "folderx", NULL,
	    H "/folder/folderx" },
	{ "[ds] a[1].txt", VIFS_REMOTEPATH_FOLDER, "ds", "a[1].txt", NULL,
	    H "/folder/a%5B1%5D.txt?dsName=ds" },
	{ "  [ds 1]   my vm/my vm.vmx", VIFS_REMOTEPATH_FOLDER, "ds 1",
	    "my vm/my vm.vmx", NULL,
	    H "/folder/my%20vm/my%20vm.vmx?dsName=ds%201" },
	{ "[ds]/dir/f", VIFS_REMOTEPATH_FOLDER, "ds", "dir/f", NULL,
	    H "/folder/dir/f?dsName=ds" },
	{ "[a&b=c] x#y?z%+", VIFS_REMOTEPATH_FOLDER, "a&b=c", "x#y?z%+", NULL,
	    H "/folder/x%23y%3Fz%25%2B?dsName=a%26b%3Dc" },
	{ "/folder/a%20b/c%23d?dsName=my%20ds&dcPath=North%2FDC%261",
	    VIFS_REMOTEPATH_FOLDER, "my ds", "a b/c#d", "North/DC&1",
	    H "/folder/a%20b/c%23d?dsName=my%20ds&dcPath=North%2FDC%261" },
	{ "/folder?dcPath=ha%2ddatacenter&dsName=datastore1",
	    VIFS_REMOTEPATH_FOLDER, "datastore1", "", "ha-datacenter",
	    H "/folder?dsName=datastore1&dcPath=ha-datacenter" },
	{ "/folder/x?foo=bar&&dsName=d&diskFormat=StreamVmdk&",
	    VIFS_REMOTEPATH_FOLDER, "d", "x", NULL, H "/folder/x?dsName=d" },
	{ "/folder/x?dsName=&dcPath=", VIFS_REMOTEPATH_FOLDER, NULL, "x", NULL,
	    H "/folder/x" },
	{ "[\xc3\xa9t\xc3\xa9] r\xc3\xa9sum\xc3\xa9.txt",
	    VIFS_REMOTEPATH_FOLDER, "\xc3\xa9t\xc3\xa9",
	    "r\xc3\xa9sum\xc3\xa9.txt", NULL,
	    H "/folder/r%C3%A9sum%C3%A9.txt?dsName=%C3%A9t%C3%A9" },
	{ "/folder/%2F%2fetc/x?dsName=d", VIFS_REMOTEPATH_FOLDER, "d", "etc/x",
	    NULL, H "/folder/etc/x?dsName=d" },
	{ "/folder//a%2Fb", VIFS_REMOTEPATH_FOLDER, NULL, "a/b", NULL,
	    H "/folder/a/b" },
	{ "/host/a b", VIFS_REMOTEPATH_HOST, NULL, "a b", NULL,
	    H "/host/a%20b" },
	{ "dir/", VIFS_REMOTEPATH_FOLDER, NULL, "dir/", NULL,
	    H "/folder/dir/" },
	{ "a..b/.c/..d", VIFS_REMOTEPATH_FOLDER, NULL, "a..b/.c/..d", NULL,
	    H "/folder/a..b/.c/..d" },
};

static void
test_parse_and_url(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		struct vifs_remotepath *rp = NULL;
		char *url = NULL;
		int rc;

		rc = vifs_remotepath_parse(&rp, c->in);
		if (rc != 0)
			fail_msg("%s: %s", c->in, vifs_error_last());
		assert_int_equal(rp->mode, c->mode);
		if (c->ds == NULL)
			assert_null(rp->datastore);
		else
			assert_string_equal(rp->datastore, c->ds);
		if (c->dc == NULL)
			assert_null(rp->dcpath);
		else
			assert_string_equal(rp->dcpath, c->dc);
		assert_string_equal(rp->path, c->path);
		assert_string_equal(vifs_remotepath_display(rp), c->path);
		assert_int_equal(vifs_remotepath_url(&url, rp, H, 0), 0);
		assert_string_equal(url, c->url);
		free(url);
		/* A trailing '/' of the base changes nothing. */
		assert_int_equal(vifs_remotepath_url(&url, rp, H "/", 0), 0);
		assert_string_equal(url, c->url);
		free(url);
		vifs_remotepath_free(rp);
	}
}

static void
test_url_form_flag(void **state)
{
	struct vifs_remotepath *rp;

	(void)state;
	assert_int_equal(vifs_remotepath_parse(&rp, "/folder/x?dsName=a"), 0);
	assert_true(rp->url_form);
	vifs_remotepath_free(rp);
	assert_int_equal(vifs_remotepath_parse(&rp, "[a] x"), 0);
	assert_false(rp->url_form);
	vifs_remotepath_free(rp);
}

struct bad_case {
	const char *in;
	const char *msg; /* expected part of the message */
};

static const struct bad_case bad_cases[] = {
	{ "", "empty remote path" },
	{ " \t ", "empty remote path" },
	{ "[ds", "'[' without ']'" },
	{ "[ds dir/file", "'[' without ']'" },
	{ "[] x", "empty datastore name" },
	{ "[ds] a/../b", "'..' segments are not allowed" },
	{ "[ds] ..", "'..' segments are not allowed" },
	{ "[ds] ./x", "'.' segments are not allowed" },
	{ "/host/../folder/x", "'..' segments" },
	{ "/tmp/a/..", "'..' segments" },
	{ "/folder/a/%2e%2e/b?dsName=d", "'..' segments" },
	{ "../x", "'..' segments" },
	{ "/folder/x?dsName", "has no '='" },
	{ "/folder/x?dsName=a&dcPath", "has no '='" },
	{ "/folder/a%2?dsName=d", "invalid percent-escape" },
	{ "/folder/a?dsName=d%zz", "invalid percent-escape" },
	{ "/folder/a%00b?dsName=d", "NUL bytes are not allowed" },
	{ "/folder/a?dsName=d%00", "NUL bytes are not allowed" },
	{ "/folder/100%.txt", "write %25" },
};

static void
test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct vifs_remotepath *rp = (void *)1;

		assert_int_equal(vifs_remotepath_parse(&rp, bad_cases[i].in),
		    VIFS_EINVAL);
		assert_null(rp);
		if (strstr(vifs_error_last(), bad_cases[i].msg) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'",
			    bad_cases[i].in, vifs_error_last(),
			    bad_cases[i].msg);
	}
}

/* The path part of URL (after the prefix), decoded, must equal WANT. */
static void
assert_roundtrip(const char *name)
{
	struct vifs_remotepath *rp;
	char *url, *dec, *in, *q;
	size_t n, plen;
	const char *p;
	size_t inlen = strlen(name) + 16;

	in = malloc(inlen);
	assert_non_null(in);
	snprintf(in, inlen, "[%s] %s", "d s", name);
	assert_int_equal(vifs_remotepath_parse(&rp, in), 0);
	assert_int_equal(vifs_remotepath_url(&url, rp, H, 0), 0);
	/* Only unreserved characters, '/', '%' and the query syntax. */
	for (p = url + strlen(H); *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		            "abcdefghijklmnopqrstuvwxyz0123456789-._~/%?=&",
		        *p))
			fail_msg("'%s' left unencoded in %s", p, url);
	p = url + strlen(H "/folder/");
	q = strchr(p, '?');
	assert_non_null(q);
	plen = (size_t)(q - p);
	assert_int_equal(vifs_remotepath_decode(&dec, &n, p, plen), 0);
	assert_string_equal(dec, name);
	assert_int_equal(n, strlen(name));
	free(dec);
	assert_string_equal(q, "?dsName=d%20s");
	free(url);
	vifs_remotepath_free(rp);
	free(in);
}

static void
test_special_names_roundtrip(void **state)
{
	static const char *names[] = {
		"a b",
		"a&b",
		"a#b",
		"a%b",
		"a+b",
		"a[b]",
		"]x",
		"a?b=c",
		"caf\xc3\xa9",
		"\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
		"%41",
		"a;b,c:d@e$f!g'h(i)j*k",
		"tab\there",
		"q\"uote<>",
		"back\\slash",
		"~tilde-_.x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_roundtrip(names[i]);
}

static void
test_encode_decode_all_bytes(void **state)
{
	char raw[255], *enc, *dec;
	size_t n;

	(void)state;
	for (int i = 0; i < 255; i++)
		raw[i] = (char)(i + 1);
	assert_int_equal(vifs_remotepath_encode(&enc, raw, sizeof(raw), 0), 0);
	/* 66 unreserved bytes stay, the other 189 take three bytes. */
	assert_int_equal(strlen(enc), 66 + 189 * 3);
	assert_non_null(strstr(enc, "%2F"));
	assert_non_null(strstr(enc, "%FF"));
	assert_null(strchr(enc, '/'));
	assert_int_equal(vifs_remotepath_decode(&dec, &n, enc, strlen(enc)), 0);
	assert_int_equal(n, sizeof(raw));
	assert_memory_equal(dec, raw, sizeof(raw));
	free(enc);
	free(dec);

	assert_int_equal(vifs_remotepath_encode(&enc, "a/b c", 5,
	                     VIFS_REMOTEPATH_KEEP_SLASH),
	    0);
	assert_string_equal(enc, "a/b%20c");
	free(enc);
	assert_int_equal(vifs_remotepath_encode(&enc, "", 0, 0), 0);
	assert_string_equal(enc, "");
	free(enc);
}

static void
test_decode(void **state)
{
	char *dec = (void *)1;
	size_t n;

	(void)state;
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "a%2db%2Dc+d", 11),
	    0);
	assert_string_equal(dec, "a-b-c+d");
	free(dec);
	/* LEN bounds the input: an escape cut by LEN is malformed. */
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "ab%41", 4),
	    VIFS_EINVAL);
	assert_null(dec);
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "%", 1), VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "%4", 2),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "%g1", 3),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_decode(&dec, &n, "%00", 3),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_decode(&dec, NULL, "%25%32%35", 9), 0);
	assert_string_equal(dec, "%25");
	free(dec);
}

static void
test_amp_twice(void **state)
{
	struct vifs_remotepath *rp;
	char *url;

	(void)state;
	assert_int_equal(vifs_remotepath_parse(&rp,
	                     "/folder/a&b?dsName=x%26y&dcPath=A%26B"),
	    0);
	assert_int_equal(vifs_remotepath_url(&url, rp, H, 0), 0);
	assert_string_equal(url, H "/folder/a%26b?dsName=x%26y&dcPath=A%26B");
	free(url);
	/* Only query values are encoded twice, never the path. */
	assert_int_equal(vifs_remotepath_url(&url, rp, H,
	                     VIFS_REMOTEPATH_AMP_TWICE),
	    0);
	assert_string_equal(url,
	    H "/folder/a%26b?dsName=x%2526y&dcPath=A%2526B");
	free(url);
	vifs_remotepath_free(rp);
}

static void
test_base(void **state)
{
	static const char *good[][2] = {
		{ "https://esx01:8443/sdk/webService", "https://esx01:8443" },
		{ "HTTPS://Esx01/sdk", "https://Esx01" },
		{ "http://10.0.0.1", "http://10.0.0.1" },
		{ "https://[fe80::1]:443/sdk", "https://[fe80::1]:443" },
		{ "https://h?x", "https://h" },
	};
	static const char *bad[] = {
		"ftp://h/",
		"https://",
		"https:///sdk",
		"https://u@h/sdk",
		"esx01",
		"https://a b/",
		"",
	};
	char *out = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(vifs_remotepath_base(&out, good[i][0]), 0);
		assert_string_equal(out, good[i][1]);
		free(out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vifs_remotepath_base(&out, bad[i]),
		    VIFS_EINVAL);
		assert_null(out);
		assert_non_null(strstr(vifs_error_last(), "invalid server"));
	}
	/* A password in the URL is never repeated by the message. */
	static const char *secret[] = {
		"https://root:Secr3tPW@esx01/sdk",
		"https://root:Secr3tPW@a@esx01/sdk",
		"http://root:Secr3tPW@/sdk",
	};
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		assert_int_equal(vifs_remotepath_base(&out, secret[i]),
		    VIFS_EINVAL);
		assert_null(strstr(vifs_error_last(), "Secr3t"));
		assert_null(strstr(vifs_error_last(), "cr3tPW"));
		assert_non_null(strstr(vifs_error_last(), "--username"));
	}
}

static void
test_url_bad_base(void **state)
{
	static const char *bad[] = {
		"https://h/sdk",
		"https://h//",
		"h",
		"https://",
		"ftp://h",
	};
	struct vifs_remotepath *rp;
	char *url = NULL;

	(void)state;
	assert_int_equal(vifs_remotepath_parse(&rp, "/host/x"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vifs_remotepath_url(&url, rp, bad[i], 0),
		    VIFS_EINVAL);
		assert_null(url);
		assert_non_null(strstr(vifs_error_last(), bad[i]));
	}
	assert_int_equal(vifs_remotepath_url(&url, rp, "http://127.0.0.1:8080",
	                     0),
	    0);
	assert_string_equal(url, "http://127.0.0.1:8080/host/x");
	free(url);
	vifs_remotepath_free(rp);
}

static void
test_dspath_basename(void **state)
{
	struct vifs_remotepath *rp;
	char *s;

	(void)state;
	assert_int_equal(vifs_remotepath_parse(&rp, "[ds1] dir/sub/f.vmdk"), 0);
	assert_int_equal(vifs_remotepath_dspath(&s, rp), 0);
	assert_string_equal(s, "[ds1] dir/sub/f.vmdk");
	free(s);
	assert_int_equal(vifs_remotepath_basename(&s, rp), 0);
	assert_string_equal(s, "f.vmdk");
	free(s);
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_parse(&rp, "[ds1]"), 0);
	assert_int_equal(vifs_remotepath_dspath(&s, rp), 0);
	assert_string_equal(s, "[ds1]");
	free(s);
	assert_int_equal(vifs_remotepath_basename(&s, rp), 0);
	assert_string_equal(s, "");
	free(s);
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_parse(&rp,
	                     "/folder/vm/?dsName=ds%202"),
	    0);
	assert_int_equal(vifs_remotepath_dspath(&s, rp), 0);
	assert_string_equal(s, "[ds 2] vm/");
	free(s);
	assert_int_equal(vifs_remotepath_basename(&s, rp), 0);
	assert_string_equal(s, "vm");
	free(s);
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_parse(&rp, "/host/esx.conf"), 0);
	s = (void *)1;
	assert_int_equal(vifs_remotepath_dspath(&s, rp), VIFS_EINVAL);
	assert_null(s);
	assert_non_null(strstr(vifs_error_last(), "names no datastore"));
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_parse(&rp, "dir/file"), 0);
	assert_int_equal(vifs_remotepath_dspath(&s, rp), VIFS_EINVAL);
	vifs_remotepath_free(rp);

	/* A name with ']' has no "[ds] path" spelling. */
	assert_int_equal(vifs_remotepath_parse(&rp, "/folder/x?dsName=a%5Db"),
	    0);
	assert_string_equal(rp->datastore, "a]b");
	assert_int_equal(vifs_remotepath_dspath(&s, rp), VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "holds ']'"));
	vifs_remotepath_free(rp);
}

static void
test_new_and_set_dcpath(void **state)
{
	struct vifs_remotepath *rp = NULL;
	char *url;

	(void)state;
	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_HOST, "ds",
	                     "x", NULL),
	    VIFS_EINVAL);
	assert_null(rp);
	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_TMP, NULL,
	                     "x", "dc"),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, "",
	                     "x", NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, "d",
	                     "a/../b", NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remotepath_new(&rp, (enum vifs_remotepath_mode)7,
	                     NULL, "x", NULL),
	    VIFS_EINVAL);

	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, NULL,
	                     NULL, "ha-datacenter"),
	    0);
	assert_int_equal(vifs_remotepath_url(&url, rp, H, 0), 0);
	assert_string_equal(url, H "/folder?dcPath=ha-datacenter");
	free(url);
	assert_int_equal(vifs_remotepath_set_dcpath(rp, "Europe/DC 1"), 0);
	assert_int_equal(vifs_remotepath_url(&url, rp, H, 0), 0);
	assert_string_equal(url, H "/folder?dcPath=Europe%2FDC%201");
	free(url);
	assert_int_equal(vifs_remotepath_set_dcpath(rp, NULL), 0);
	assert_null(rp->dcpath);
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, "ds",
	                     "/abs/x", ""),
	    0);
	assert_string_equal(rp->path, "abs/x");
	assert_null(rp->dcpath);
	vifs_remotepath_free(rp);

	assert_int_equal(vifs_remotepath_parse(&rp, "/tmp/x"), 0);
	assert_int_equal(vifs_remotepath_set_dcpath(rp, "dc"), VIFS_EINVAL);
	vifs_remotepath_free(rp);
	vifs_remotepath_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_url),
		cmocka_unit_test(test_url_form_flag),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_special_names_roundtrip),
		cmocka_unit_test(test_encode_decode_all_bytes),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_amp_twice),
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_url_bad_base),
		cmocka_unit_test(test_dspath_basename),
		cmocka_unit_test(test_new_and_set_dcpath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
