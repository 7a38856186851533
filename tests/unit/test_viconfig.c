/*
 * test_viconfig.c - the --config file and the session file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vifs/error.h>
#include <vifs/viconfig.h>

#include "testutil.h"

static vifs_viconfig *
parse(const char *text, size_t len)
{
	vifs_viconfig *cfg = NULL;

	assert_int_equal(vifs_viconfig_parse(&cfg, text, len), 0);
	assert_non_null(cfg);
	return cfg;
}

static void
test_config_basic(void **state)
{
	static const char text[] = "VI_SERVER = esx01.example.com\n"
	                           "VI_USERNAME=domain\\svc_vmware_nagios\n"
	                           "VI_PASSWORD =  p@ss=word  \n"
	                           "VI_PROTOCOL\t=\thttps\n"
	                           "VI_URL =\n"
	                           "VI_SERVICEPATH=\"/sdk\"\n";
	vifs_viconfig *cfg = parse(text, sizeof(text) - 1);
	const struct vifs_viconfig_entry *e;

	(void)state;
	assert_string_equal(vifs_viconfig_get(cfg, "VI_SERVER"),
	    "esx01.example.com");
	assert_string_equal(vifs_viconfig_get(cfg, "VI_USERNAME"),
	    "domain\\svc_vmware_nagios");
	/* Split at the first '='; trailing blanks of a value stay. */
	assert_string_equal(vifs_viconfig_get(cfg, "VI_PASSWORD"),
	    "p@ss=word  ");
	assert_string_equal(vifs_viconfig_get(cfg, "VI_PROTOCOL"), "https");
	assert_string_equal(vifs_viconfig_get(cfg, "VI_URL"), "");
	/* No quoting. */
	assert_string_equal(vifs_viconfig_get(cfg, "VI_SERVICEPATH"),
	    "\"/sdk\"");
	assert_null(vifs_viconfig_get(cfg, "VI_PORTNUMBER"));
	assert_null(vifs_viconfig_get(cfg, "vi_server"));
	assert_int_equal(vifs_viconfig_count(cfg), 6);
	e = vifs_viconfig_entry(cfg, 3);
	assert_string_equal(e->name, "VI_PROTOCOL");
	assert_int_equal(e->line, 4);
	assert_null(vifs_viconfig_entry(cfg, 6));
	vifs_viconfig_free(cfg);
	vifs_viconfig_free(NULL);
}

static void
test_config_rules(void **state)
{
	static const char text[] = "\xef\xbb\xbfVI_SERVER=first\r\n"
	                           "# VI_USERNAME = commented\n"
	                           "   # VI_USERNAME = indented comment\n"
	                           "\n"
	                           "   \t\n"
	                           "no equals sign here\n"
	                           "= no name\n"
	                           "  \t= no name either\n"
	                           "  VI_USERNAME  =  root\r\r\n"
	                           "VI_SERVER=second\n"
	                           "VI_PASS\0WORD=nul\n"
	                           "VI_PORTNUMBER=443 # not a comment\n"
	                           "VI_ENCODING=utf8";
	vifs_viconfig *cfg = parse(text, sizeof(text) - 1);

	(void)state;
	/* BOM ignored, CRLF dropped, the first occurrence wins. */
	assert_string_equal(vifs_viconfig_get(cfg, "VI_SERVER"), "first");
	/* Blanks around the name go (the Python port's rule). */
	assert_string_equal(vifs_viconfig_get(cfg, "VI_USERNAME"), "root");
	/* A line with a NUL byte is ignored entirely. */
	assert_null(vifs_viconfig_get(cfg, "VI_PASS"));
	assert_string_equal(vifs_viconfig_get(cfg, "VI_PORTNUMBER"),
	    "443 # not a comment");
	/* The last line needs no newline. */
	assert_string_equal(vifs_viconfig_get(cfg, "VI_ENCODING"), "utf8");
	assert_int_equal(vifs_viconfig_count(cfg), 5);
	assert_int_equal(vifs_viconfig_entry(cfg, 1)->line, 9);
	assert_int_equal(vifs_viconfig_entry(cfg, 4)->line, 13);
	vifs_viconfig_free(cfg);

	cfg = parse("", 0);
	assert_int_equal(vifs_viconfig_count(cfg), 0);
	vifs_viconfig_free(cfg);
	cfg = parse("\xef\xbb\xbf", 3);
	assert_int_equal(vifs_viconfig_count(cfg), 0);
	vifs_viconfig_free(cfg);
}

static void
test_config_load(void **state)
{
	char *dir = tmpdir_make(), path[4096];
	vifs_viconfig *cfg = (void *)1;
	int empty = -1;

	(void)state;
	snprintf(path, sizeof(path), "%s/visdkrc", dir);
	assert_int_equal(vifs_viconfig_load(&cfg, path, &empty),
	    VIFS_ENOTFOUND);
	assert_null(cfg);
	assert_non_null(strstr(vifs_error_last(), path));

	write_file(path, "", 0);
	assert_int_equal(vifs_viconfig_load(&cfg, path, &empty), 0);
	assert_int_equal(empty, 1);
	assert_int_equal(vifs_viconfig_count(cfg), 0);
	vifs_viconfig_free(cfg);

	/* A file of blanks is not "empty" to the Perl tools. */
	write_file(path, "\n", 1);
	assert_int_equal(vifs_viconfig_load(&cfg, path, &empty), 0);
	assert_int_equal(empty, 0);
	vifs_viconfig_free(cfg);

	write_file(path, "VI_SERVER=h\n", 12);
	assert_int_equal(vifs_viconfig_load(&cfg, path, NULL), 0);
	assert_string_equal(vifs_viconfig_get(cfg, "VI_SERVER"), "h");
	vifs_viconfig_free(cfg);

	assert_int_equal(vifs_viconfig_load(&cfg, dir, &empty), VIFS_EIO);
	tmpdir_remove(dir);
}

static void
test_config_default_path(void **state)
{
	char *old = getenv("HOME"), *saved = old ? strdup(old) : NULL;
	char *p = NULL;

	(void)state;
	setenv("HOME", "/home/u", 1);
	assert_int_equal(vifs_viconfig_default_path(&p), 0);
	assert_string_equal(p, "/home/u/.visdkrc");
	free(p);
	/* Without HOME: LOGDIR, then the password file. */
	unsetenv("HOME");
	setenv("LOGDIR", "/logdir", 1);
	assert_int_equal(vifs_viconfig_default_path(&p), 0);
	assert_string_equal(p, "/logdir/.visdkrc");
	free(p);
	unsetenv("LOGDIR");
	if (vifs_viconfig_default_path(&p) == 0) {
		assert_non_null(strstr(p, "/.visdkrc"));
		free(p);
	} else {
		assert_int_equal(vifs_error_last_code(), VIFS_ENOTFOUND);
	}
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
}

/* --- session file ----------------------------------------------------- */

static struct vifs_session *
session(const char *text)
{
	struct vifs_session *s = NULL;

	if (vifs_session_parse(&s, "sess", text, strlen(text)) != 0)
		fail_msg("%s", vifs_error_last());
	return s;
}

static void
test_session_format(void **state)
{
	char *out;
	size_t len;

	(void)state;
	/* ESXi's cookie value carries double quotes (PROTOCOL.md §8). */
	assert_int_equal(vifs_session_format(&out, &len, "esx01.example.com",
	                     "\"52a1b2c3-d4e5\""),
	    0);
	assert_string_equal(out,
	    "#LWP-Cookies-1.0\n"
	    "Set-Cookie3: vmware_soap_session=\"\\\"52a1b2c3-d4e5\\\"\"; "
	    "path=\"/\"; domain=esx01.example.com; path_spec; secure; "
	    "discard; HttpOnly; version=0\n");
	assert_int_equal(len, strlen(out));
	free(out);

	/* A dot-less host becomes HOST.local; a plain token stays bare. */
	assert_int_equal(vifs_session_format(&out, NULL, "esx01",
	                     "52a1b2c3-d4e5"),
	    0);
	assert_string_equal(out,
	    "#LWP-Cookies-1.0\n"
	    "Set-Cookie3: vmware_soap_session=52a1b2c3-d4e5; path=\"/\"; "
	    "domain=esx01.local; path_spec; secure; discard; HttpOnly; "
	    "version=0\n");
	free(out);

	/* Backslashes are escaped too; IPv6 literals quoted. */
	assert_int_equal(vifs_session_format(&out, NULL, "[fe80::1]", "a\\b c"),
	    0);
	assert_non_null(strstr(out, "vmware_soap_session=\"a\\\\b c\";"));
	assert_non_null(strstr(out, "domain=\"[fe80::1].local\";"));
	free(out);

	assert_int_equal(vifs_session_format(&out, NULL, "", "c"), VIFS_EINVAL);
	assert_null(out);
	assert_int_equal(vifs_session_format(&out, NULL, "h", ""), VIFS_EINVAL);
	assert_int_equal(vifs_session_format(&out, NULL, "h\n", "c"),
	    VIFS_EINVAL);
	assert_int_equal(vifs_session_format(&out, NULL, "h", "c\r\nX: y"),
	    VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "control character"));
}

static void
test_session_roundtrip(void **state)
{
	static const char *hosts[] = {
		"esx01.example.com",
		"esx01",
		"10.0.0.1",
		"[fe80::1]",
	};
	static const char *hosts_back[] = {
		"esx01.example.com",
		"esx01",
		"10.0.0.1",
		"[fe80::1]",
	};
	static const char *cookies[] = {
		"\"52a1\"",
		"plain",
		"with space",
		"q\"uo\\te",
		"a;b,c=d",
	};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		for (size_t j = 0; j < 5; j++) {
			struct vifs_session *s;
			char *text;

			assert_int_equal(vifs_session_format(&text, NULL,
			                     hosts[i], cookies[j]),
			    0);
			s = session(text);
			assert_string_equal(s->cookie, cookies[j]);
			assert_string_equal(s->host, hosts_back[i]);
			vifs_session_free(s);
			free(text);
		}
	}
}

static void
test_session_other_writers(void **state)
{
	struct vifs_session *s;

	(void)state;
	/* VMware's Java sample and esxcli: no secure/HttpOnly, the host as
	 * typed, and a tag cookie that may come first. */
	s = session(
	    "#LWP-Cookies-1.0\n"
	    "Set-Cookie3: vmware_soap_session_tag=\"\\\"t\\\"\"; path=\"/\"; "
	    "domain=x; path_spec; discard; version=0\n"
	    "Set-Cookie3: vmware_soap_session=\"\\\"52\\\"\"; path=\"/\"; "
	    "domain=esx01; path_spec; discard; version=0\n");
	assert_string_equal(s->cookie, "\"52\"");
	assert_string_equal(s->domain, "esx01");
	assert_string_equal(s->host, "esx01");
	vifs_session_free(s);

	/* CRLF, blanks around '=', a domain cookie, another version. */
	s = session(
	    "#LWP-Cookies-2.0\r\n"
	    "Set-Cookie3:   vmware_soap_session = abc ;domain = .example.com;"
	    "path=/\r\n");
	assert_string_equal(s->cookie, "abc");
	assert_string_equal(s->domain, ".example.com");
	assert_string_equal(s->host, "example.com");
	vifs_session_free(s);

	/* ".local" goes only when the rest has no dot. */
	s = session("#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=x; "
	            "domain=esx01.corp.local\n");
	assert_string_equal(s->host, "esx01.corp.local");
	vifs_session_free(s);
	s = session("#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=x; "
	            "domain=.local\n");
	assert_string_equal(s->host, "local");
	vifs_session_free(s);
}

static void
test_session_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "", "Session file ended unexpectedly" },
		{ "#LWP-Cookies-1.0\n", "Session file ended unexpectedly" },
		{ "#LWP-Cookies-1.0", "Session file ended unexpectedly" },
		{ "Set-Cookie3: vmware_soap_session=x; domain=h\n"
		  "Set-Cookie3: vmware_soap_session=x; domain=h\n",
		    "is not an LWP cookie file" },
		{ "#LWP-Cookies-1.0\n\n", "holds no vmware_soap_session" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: other=x; domain=h\n",
		    "holds no vmware_soap_session" },
		{ "#LWP-Cookies-1.0\nset-cookie3: vmware_soap_session=x; "
		  "domain=h\n",
		    "holds no vmware_soap_session" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session; "
		  "domain=h\n",
		    "holds no vmware_soap_session" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=x; "
		  "path=\"/\"\n",
		    "has no domain" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=x; "
		  "domain=\n",
		    "has no domain" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=x, "
		  "domain=h\n",
		    "has no domain" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3:\n", "holds no" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: =;;;,\n", "holds no" },
		{ "#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session=\"open; "
		  "domain=h\n",
		    "has no domain" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vifs_session *s = (void *)1;

		assert_int_equal(vifs_session_parse(&s, "sess", bad[i].text,
		                     strlen(bad[i].text)),
		    VIFS_EPARSE);
		assert_null(s);
		if (strstr(vifs_error_last(), bad[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i,
			    vifs_error_last(), bad[i].msg);
	}
}

static void
test_session_files(void **state)
{
	char *dir = tmpdir_make(), path[4096], msg[4200];
	struct vifs_session *s = (void *)1;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/session", dir);
	assert_int_equal(vifs_session_load(&s, path), VIFS_ENOTFOUND);
	assert_null(s);
	snprintf(msg, sizeof(msg), "Can't open session file '%s'", path);
	assert_string_equal(vifs_error_last(), msg);

	assert_int_equal(vifs_session_save(path, "esx01", "\"52\""), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vifs_session_load(&s, path), 0);
	assert_string_equal(s->host, "esx01");
	assert_string_equal(s->domain, "esx01.local");
	assert_string_equal(s->cookie, "\"52\"");
	vifs_session_free(s);
	vifs_session_free(NULL);

	/* An existing readable file is made private before it gets the
	 * new cookie. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(vifs_session_save(path, "esx02.example.com", "n"), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vifs_session_load(&s, path), 0);
	assert_string_equal(s->host, "esx02.example.com");
	vifs_session_free(s);

	assert_int_equal(vifs_session_save(path, "", "n"), VIFS_EINVAL);
	assert_int_equal(vifs_session_load(&s, dir), VIFS_EIO);
	snprintf(msg, sizeof(msg), "Can't open session file '%s'", dir);
	assert_string_equal(vifs_error_last(), msg);

	write_file(path, "#LWP-Cookies-1.0\n", 17);
	assert_int_equal(vifs_session_load(&s, path), VIFS_EPARSE);
	assert_string_equal(vifs_error_last(),
	    "Session file ended unexpectedly");
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_basic),
		cmocka_unit_test(test_config_rules),
		cmocka_unit_test(test_config_load),
		cmocka_unit_test(test_config_default_path),
		cmocka_unit_test(test_session_format),
		cmocka_unit_test(test_session_roundtrip),
		cmocka_unit_test(test_session_other_writers),
		cmocka_unit_test(test_session_errors),
		cmocka_unit_test(test_session_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
