/*
 * test_trust.c - thumbprints (parse, format, from certificates) and the
 * known-hosts file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vifs/error.h>
#include <vifs/trust.h>

#include "testutil.h"

/* `openssl x509 -noout -fingerprint -sha1/-sha256/-sha512` of
 * tests/fixtures/trust/esx01.pem. */
static const char sha1_fp[] =
    "46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:E4:6E:8E:FB:16:94";
static const char sha256_fp[] =
    "70:CE:61:4B:A6:76:72:20:5F:C0:39:5D:2B:44:DB:E4:FA:B8:71:E5:12:9E:68:"
    "DD:EB:BA:C1:81:24:71:7A:87";
static const char sha512_fp[] =
    "0A:31:D6:E7:0A:72:8C:26:9F:AC:21:88:B2:6E:79:21:AE:9F:E6:05:81:36:93:"
    "92:F6:7A:D3:27:84:0F:16:3C:FF:6E:C0:41:7E:F3:73:50:17:8D:64:9D:8B:56:"
    "CB:C5:8D:9A:73:16:40:B4:76:59:38:32:9A:DB:42:8A:D2:09";

static void
assert_formats_as(const struct vifs_thumbprint *tp, const char *want)
{
	char buf[VIFS_THUMBPRINT_MAX];

	assert_int_equal(vifs_thumbprint_format(buf, sizeof(buf), tp), 0);
	assert_string_equal(buf, want);
}

static void
test_parse_format(void **state)
{
	struct vifs_thumbprint tp, tp2;
	char lower[200];
	size_t j = 0;

	(void)state;
	assert_int_equal(vifs_thumbprint_parse(&tp, sha1_fp), 0);
	assert_int_equal(tp.alg, VIFS_THUMBPRINT_SHA1);
	assert_int_equal(tp.len, 20);
	assert_formats_as(&tp, sha1_fp);
	assert_int_equal(vifs_thumbprint_parse(&tp, sha256_fp), 0);
	assert_int_equal(tp.alg, VIFS_THUMBPRINT_SHA256);
	assert_int_equal(tp.len, 32);
	assert_int_equal(strlen(sha256_fp), 95);
	assert_formats_as(&tp, sha256_fp);
	assert_int_equal(vifs_thumbprint_parse(&tp, sha512_fp), 0);
	assert_int_equal(tp.alg, VIFS_THUMBPRINT_SHA512);
	assert_int_equal(strlen(sha512_fp), 191);
	assert_formats_as(&tp, sha512_fp);

	/* Colons optional, case ignored. */
	for (const char *p = sha256_fp; *p; p++)
		if (*p != ':')
			lower[j++] = (char)(*p >= 'A' && *p <= 'F' ?
			        *p + 'a' - 'A' :
			        *p);
	lower[j] = '\0';
	assert_int_equal(strlen(lower), 64);
	assert_int_equal(vifs_thumbprint_parse(&tp2, lower), 0);
	assert_true(vifs_thumbprint_equal(&tp, &tp) == 1);
	assert_int_equal(vifs_thumbprint_parse(&tp, sha256_fp), 0);
	assert_true(vifs_thumbprint_equal(&tp, &tp2));
	/* Colons anywhere are dropped, as esxcli drops them. */
	assert_int_equal(vifs_thumbprint_parse(&tp2,
	                     "::4677A74761280B2587D5:43AA8751E46E8EFB1694:"),
	    0);
	assert_formats_as(&tp2, sha1_fp);
	assert_false(vifs_thumbprint_equal(&tp, &tp2));
}

static void
test_parse_errors(void **state)
{
	static const char *bad[] = {
		"",
		":",
		"AA:BB",
		"46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:E4:6E:8E:FB:16",
		"46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:E4:6E:8E:FB:16:9G",
		" 4677A74761280B2587D543AA8751E46E8EFB1694",
		"4677A74761280B2587D543AA8751E46E8EFB1694 ",
		"FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:"
		"FA:KE:FA:KE:FA:KE:FA:KE:FA:KE:FA:KE",
		"4677A74761280B2587D543AA8751E46E8EFB16941",
		"0x4677A74761280B2587D543AA8751E46E8EFB16",
	};
	struct vifs_thumbprint tp;
	char msg[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vifs_thumbprint_parse(&tp, bad[i]),
		    VIFS_EPARSE);
		assert_int_equal(tp.len, 0);
		snprintf(msg, sizeof(msg),
		    "Invalid SHA-1/SHA-256/SHA-512 "
		    "thumbprint: %s",
		    bad[i]);
		assert_string_equal(vifs_error_last(), msg);
	}
	/* 200 digits must not overrun the digest buffer. */
	memset(msg, 'a', 200);
	msg[200] = '\0';
	assert_int_equal(vifs_thumbprint_parse(&tp, msg), VIFS_EPARSE);
}

static void
test_format_small_buffer(void **state)
{
	struct vifs_thumbprint tp;
	char buf[59];

	(void)state;
	assert_int_equal(vifs_thumbprint_parse(&tp, sha1_fp), 0);
	assert_int_equal(vifs_thumbprint_format(buf, sizeof(buf), &tp),
	    VIFS_EINVAL);
	assert_string_equal(buf, "");
	memset(&tp, 0, sizeof(tp));
	assert_int_equal(vifs_thumbprint_format(buf, sizeof(buf), &tp),
	    VIFS_EINVAL);
	assert_false(vifs_thumbprint_equal(&tp, &tp));
}

static void
test_from_certificate(void **state)
{
	struct vifs_thumbprint tp;
	size_t der_len, pem_len;
	char *der = fixture_read("trust/esx01.der", &der_len);
	char *pem = fixture_read("trust/esx01.pem", &pem_len);
	char buf[VIFS_THUMBPRINT_MAX];

	(void)state;
	assert_int_equal(vifs_thumbprint_from_der(&tp, VIFS_THUMBPRINT_SHA1,
	                     der, der_len),
	    0);
	assert_formats_as(&tp, sha1_fp);
	assert_int_equal(vifs_thumbprint_from_der(&tp, VIFS_THUMBPRINT_SHA256,
	                     der, der_len),
	    0);
	assert_formats_as(&tp, sha256_fp);
	assert_int_equal(vifs_thumbprint_from_der(&tp, VIFS_THUMBPRINT_SHA512,
	                     der, der_len),
	    0);
	assert_formats_as(&tp, sha512_fp);
	assert_int_equal(vifs_thumbprint_from_pem(&tp, VIFS_THUMBPRINT_SHA256,
	                     pem, pem_len),
	    0);
	assert_formats_as(&tp, sha256_fp);
	assert_int_equal(vifs_thumbprint_from_der(&tp,
	                     (enum vifs_thumbprint_alg)9, der, der_len),
	    VIFS_EINVAL);

	/* Text that holds no certificate. */
	assert_int_equal(vifs_thumbprint_from_pem(&tp, VIFS_THUMBPRINT_SHA1,
	                     der, der_len),
	    VIFS_EPARSE);
	assert_int_equal(vifs_thumbprint_from_pem(&tp, VIFS_THUMBPRINT_SHA1,
	                     "-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
	                     "CERTIFICATE-----\n",
	                     58),
	    VIFS_EPARSE);
	assert_int_equal(vifs_thumbprint_from_pem(&tp, VIFS_THUMBPRINT_SHA1,
	                     pem, pem_len / 2),
	    VIFS_EPARSE);
	assert_int_equal(vifs_thumbprint_from_pem(&tp, VIFS_THUMBPRINT_SHA1, "",
	                     0),
	    VIFS_EPARSE);
	assert_int_equal(tp.len, 0);
	assert_int_equal(vifs_thumbprint_format(buf, sizeof(buf), &tp),
	    VIFS_EINVAL);
	free(der);
	free(pem);

	assert_string_equal(vifs_thumbprint_alg_name(VIFS_THUMBPRINT_SHA1),
	    "SHA-1");
	assert_string_equal(vifs_thumbprint_alg_name(VIFS_THUMBPRINT_SHA256),
	    "SHA-256");
	assert_string_equal(vifs_thumbprint_alg_name(VIFS_THUMBPRINT_SHA512),
	    "SHA-512");
}

static const char *
lookup(const vifs_known_hosts *kh, const char *host)
{
	const char *tp = (void *)1;

	assert_int_equal(vifs_known_hosts_lookup(&tp, kh, host), 0);
	return tp;
}

static void
test_known_hosts_file(void **state)
{
	vifs_known_hosts *kh;

	(void)state;
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_load(kh,
	                     fixture_path("trust/known_hosts")),
	    0);
	assert_string_equal(lookup(kh, "esx01.example.com"), sha1_fp);
	assert_string_equal(lookup(kh, "esx01.example.com:443"), sha1_fp);
	assert_string_equal(lookup(kh, "ESX01.Example.Com"), sha1_fp);
	assert_null(lookup(kh, "esx01.example.com:8443"));
	assert_null(lookup(kh, "esx02.example.com"));
	/* CR of a CRLF line and trailing blanks are not part of it. */
	assert_string_equal(lookup(kh, "esx02.example.com:8443"),
	    "70ce614ba67672205fc0395d2b44dbe4fab871e5129e68ddebbac18124717a87");
	assert_string_equal(lookup(kh, "[fe80::1]"), sha1_fp);
	assert_string_equal(lookup(kh, "fe80::1"), sha1_fp);
	/* A later line wins. */
	assert_string_equal(lookup(kh, "10.0.0.1"), sha1_fp);
	/* A line without thumbprint forgets the host. */
	assert_null(lookup(kh, "esx03"));
	assert_null(lookup(kh, "nothumbprint"));
	assert_null(lookup(kh, "#"));
	vifs_known_hosts_free(kh);
	vifs_known_hosts_free(NULL);
}

static void
test_known_hosts_missing_and_merge(void **state)
{
	vifs_known_hosts *kh;
	char *dir = tmpdir_make();
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/none/known_hosts", dir);
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_load(kh, path), 0);
	assert_null(lookup(kh, "esx01.example.com"));
	/* A second file loaded later wins over the first. */
	assert_int_equal(vifs_known_hosts_parse(kh, "esx01.example.com 11", 20),
	    0);
	assert_int_equal(vifs_known_hosts_load(kh,
	                     fixture_path("trust/known_hosts")),
	    0);
	assert_string_equal(lookup(kh, "esx01.example.com"), sha1_fp);
	vifs_known_hosts_free(kh);

	/* A directory is no readable file. */
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_load(kh, dir), VIFS_EIO);
	vifs_known_hosts_free(kh);
	tmpdir_remove(dir);
}

/* Reads PATH into a new NUL-terminated buffer. */
static char *
read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(4096);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 4095, f);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void
test_known_hosts_set_save(void **state)
{
	vifs_known_hosts *kh, *back;
	char *dir = tmpdir_make();
	char cfg[4096], path[4200], *orig, *text;
	size_t len, n;
	struct stat st;
	int found;

	(void)state;
	snprintf(cfg, sizeof(cfg), "%s/config/vifs", dir);
	snprintf(path, sizeof(path), "%s/known_hosts", cfg);
	orig = fixture_read("trust/known_hosts", &len);
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_parse(kh, orig, len), 0);

	/* Unchanged, the file is written back byte for byte, into a
	 * directory made private. */
	assert_int_equal(vifs_known_hosts_save(kh, path), 0);
	text = read_text(path, &n);
	assert_int_equal(n, len);
	assert_memory_equal(text, orig, len);
	free(text);
	assert_int_equal(stat(cfg, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* Replace: the deciding line is rewritten in place, the earlier
	 * line for the same key dropped; thumbprints stored formatted. */
	assert_int_equal(vifs_known_hosts_set(kh, "10.0.0.1", sha256_fp), 0);
	assert_int_equal(vifs_known_hosts_set(kh, "new.example.com:9443",
	                     "4677a74761280b2587d543aa8751e46e8efb1694"),
	    0);
	assert_int_equal(vifs_known_hosts_remove(kh, "ESX01.example.com",
	                     &found),
	    0);
	assert_true(found);
	assert_int_equal(vifs_known_hosts_remove(kh, "absent", &found), 0);
	assert_false(found);
	assert_int_equal(vifs_known_hosts_save(kh, path), 0);
	vifs_known_hosts_free(kh);

	text = read_text(path, NULL);
	assert_string_equal(text,
	    "# vifs known hosts (govc format: host thumbprint)\n"
	    "\n"
	    "esx02.example.com:8443 70ce614ba67672205fc0395d2b44dbe4"
	    "fab871e5129e68ddebbac18124717a87\r\n"
	    "[fe80::1]:443 46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:"
	    "E4:6E:8E:FB:16:94\n"
	    "10.0.0.1 70:CE:61:4B:A6:76:72:20:5F:C0:39:5D:2B:44:DB:E4:"
	    "FA:B8:71:E5:12:9E:68:DD:EB:BA:C1:81:24:71:7A:87\n"
	    "nothumbprint\n"
	    "   # indented comment\n"
	    "ESX03 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:"
	    "11:22:33\n"
	    "esx03:443 \n"
	    "new.example.com:9443 46:77:A7:47:61:28:0B:25:87:D5:43:AA:"
	    "87:51:E4:6E:8E:FB:16:94\n");
	free(text);

	assert_int_equal(vifs_known_hosts_new(&back), 0);
	assert_int_equal(vifs_known_hosts_load(back, path), 0);
	assert_string_equal(lookup(back, "10.0.0.1:443"), sha256_fp);
	assert_string_equal(lookup(back, "new.example.com:9443"), sha1_fp);
	assert_null(lookup(back, "new.example.com"));
	assert_null(lookup(back, "esx01.example.com"));
	/* Setting a forgotten host rewrites the line that forgot it. */
	assert_int_equal(vifs_known_hosts_set(back, "esx03", sha1_fp), 0);
	assert_string_equal(lookup(back, "ESX03:443"), sha1_fp);
	vifs_known_hosts_free(back);
	free(orig);
	tmpdir_remove(dir);
}

static void
test_known_hosts_set_errors(void **state)
{
	vifs_known_hosts *kh;

	(void)state;
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_set(kh, "", sha1_fp), VIFS_EINVAL);
	assert_int_equal(vifs_known_hosts_set(kh, "a b", sha1_fp), VIFS_EINVAL);
	assert_int_equal(vifs_known_hosts_set(kh, "a\nb", sha1_fp),
	    VIFS_EINVAL);
	assert_int_equal(vifs_known_hosts_set(kh, "#h", sha1_fp), VIFS_EINVAL);
	assert_int_equal(vifs_known_hosts_set(kh, "h", "AA:BB"), VIFS_EPARSE);
	assert_string_equal(vifs_error_last(),
	    "Invalid SHA-1/SHA-256/SHA-512 thumbprint: AA:BB");
	assert_null(lookup(kh, "h"));
	vifs_known_hosts_free(kh);
}

static void
test_known_hosts_hostile(void **state)
{
	static const char nul[] = "a\0b c\nesx 46:77\0:A7\n";
	vifs_known_hosts *kh;
	char *big;

	(void)state;
	assert_int_equal(vifs_known_hosts_new(&kh), 0);
	assert_int_equal(vifs_known_hosts_parse(kh, nul, sizeof(nul) - 1), 0);
	assert_string_equal(lookup(kh, "esx"), "46:77");
	{
		static const char odd[] = "\n\n \n:\n : x\n[\n]:\n[:: y\n";

		assert_int_equal(vifs_known_hosts_parse(kh, odd,
		                     sizeof(odd) - 1),
		    0);
	}
	assert_string_equal(lookup(kh, "[::"), "y");
	big = malloc(100001);
	assert_non_null(big);
	memset(big, 'h', 100000);
	big[50000] = ' ';
	big[100000] = '\0';
	assert_int_equal(vifs_known_hosts_parse(kh, big, 100000), 0);
	big[50000] = '\0';
	assert_non_null(lookup(kh, big));
	free(big);
	vifs_known_hosts_free(kh);
}

static void
test_default_path(void **state)
{
	char *old_home = getenv("HOME"), *old_xdg = getenv("XDG_CONFIG_HOME");
	char *home = old_home ? strdup(old_home) : NULL;
	char *xdg = old_xdg ? strdup(old_xdg) : NULL;
	char *p = NULL;

	(void)state;
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(vifs_known_hosts_default_path(&p), 0);
	assert_string_equal(p, "/home/u/.config/vifs/known_hosts");
	free(p);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	assert_int_equal(vifs_known_hosts_default_path(&p), 0);
	assert_string_equal(p, "/xdg/vifs/known_hosts");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	assert_int_equal(vifs_known_hosts_default_path(&p), 0);
	assert_string_equal(p, "/home/u/.config/vifs/known_hosts");
	free(p);
	unsetenv("HOME");
	assert_int_equal(vifs_known_hosts_default_path(&p), VIFS_ENOTFOUND);
	assert_null(p);
	if (home)
		setenv("HOME", home, 1);
	if (xdg)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(home);
	free(xdg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_from_certificate),
		cmocka_unit_test(test_known_hosts_file),
		cmocka_unit_test(test_known_hosts_missing_and_merge),
		cmocka_unit_test(test_known_hosts_set_save),
		cmocka_unit_test(test_known_hosts_set_errors),
		cmocka_unit_test(test_known_hosts_hostile),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
