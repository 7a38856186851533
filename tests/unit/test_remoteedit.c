/*
 * test_remoteedit.c - the parts of the remote edit that need no server:
 * SHA-256, backup directories and files (names, modes, never replacing,
 * failing cleanly), the lint of an edit (which findings it touches), a
 * fetch from a host that is down, and misuse.  The transfers themselves
 * are tested against servers in tests/integration/remote_*.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/http.h>
#include <vifs/remoteedit.h>

#include "testutil.h"

static void
test_sha256(void **state)
{
	char hex[VIFS_SHA256_HEX];

	(void)state;
	assert_int_equal(vifs_sha256_hex(hex, "", 0), 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(vifs_sha256_hex(hex, "abc", 3), 0);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_backup_dir(void **state)
{
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *xdg = getenv("XDG_STATE_HOME") ?
	    strdup(getenv("XDG_STATE_HOME")) :
	    NULL;
	char *dir = NULL;

	(void)state;
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "esx01"), 0);
	assert_string_equal(dir, "/home/u/.local/state/vifs/backups/esx01");
	free(dir);
	setenv("XDG_STATE_HOME", "/var/state", 1);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "esx01:8443"), 0);
	assert_string_equal(dir, "/var/state/vifs/backups/esx01:8443");
	free(dir);
	/* A relative XDG_STATE_HOME is ignored, as the spec says. */
	setenv("XDG_STATE_HOME", "state", 1);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "h"), 0);
	assert_string_equal(dir, "/home/u/.local/state/vifs/backups/h");
	free(dir);
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "h"), VIFS_ENOTFOUND);
	assert_null(dir);
	setenv("HOME", "/home/u", 1);
	/* Host names that would leave the directory. */
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "../x"), VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, ".."), VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, ""), VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, "a\nb"), VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup_dir(&dir, NULL), VIFS_EINVAL);
	assert_null(dir);
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	if (xdg)
		setenv("XDG_STATE_HOME", xdg, 1);
	free(home);
	free(xdg);
}

static void
test_backup_files(void **state)
{
	char *tmp = tmpdir_make(), dir[4096], *p1 = NULL, *p2 = NULL,
	     *p3 = NULL, *back = NULL;
	size_t len = 0;
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	snprintf(dir, sizeof(dir), "%s/a/b/host", tmp);
	/* 2024-02-29 12:34:56 UTC */
	assert_int_equal(vifs_remoteedit_backup(&p1, dir, "esx.conf",
	                     1709210096LL, "one\n", 4),
	    0);
	assert_non_null(strstr(p1, "/a/b/host/20240229T123456Z-esx.conf"));
	assert_int_equal(vifs_file_read(&back, &len, p1), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(back, "one\n", 4);
	free(back);
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(dir, sizeof(dir), "%s/a", tmp);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* The same second again: a new name, the first file untouched. */
	snprintf(dir, sizeof(dir), "%s/a/b/host", tmp);
	assert_int_equal(vifs_remoteedit_backup(&p2, dir, "esx.conf",
	                     1709210096LL, "two\n", 4),
	    0);
	assert_non_null(strstr(p2, "/20240229T123456Z.1-esx.conf"));
	assert_int_equal(vifs_remoteedit_backup(&p3, dir, "esx.conf",
	                     1709210096LL, "", 0),
	    0);
	assert_non_null(strstr(p3, "/20240229T123456Z.2-esx.conf"));
	assert_int_equal(vifs_file_read(&back, &len, p1), 0);
	assert_memory_equal(back, "one\n", 4);
	free(back);
	assert_int_equal(vifs_file_read(&back, &len, p3), 0);
	assert_int_equal(len, 0);
	free(back);
	free(p1);
	free(p2);
	free(p3);
	umask(old);
	tmpdir_remove(tmp);
}

static void
test_backup_failures(void **state)
{
	char *tmp = tmpdir_make(), path[4096], *out = NULL;

	(void)state;
	/* Under a regular file: fails for root too, nothing left. */
	snprintf(path, sizeof(path), "%s/file", tmp);
	write_file(path, "x", 1);
	snprintf(path, sizeof(path), "%s/file/dir", tmp);
	assert_int_equal(vifs_remoteedit_backup(&out, path, "esx.conf", 0,
	                     "data", 4),
	    VIFS_EIO);
	assert_null(out);
	assert_non_null(strstr(vifs_error_last(), "Not a directory"));
	assert_non_null(strstr(vifs_error_last(), path));
	/* Names that are no file name. */
	assert_int_equal(vifs_remoteedit_backup(&out, tmp, "a/b", 0, "", 0),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup(&out, tmp, "..", 0, "", 0),
	    VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_backup(&out, "", "esx.conf", 0, "", 0),
	    VIFS_EINVAL);
	assert_null(out);
	tmpdir_remove(tmp);
}

/* The check of editing TEXT with EDIT (set KEY VALUE, or unset KEY when
 * VALUE is NULL). */
static vifs_editcheck *
check_edit(const char *text, const char *key, const char *value)
{
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_editcheck *c = NULL;

	assert_int_equal(vifs_esxconf_parse(&before, "t", text, strlen(text)),
	    0);
	assert_int_equal(vifs_esxconf_parse(&after, "t", text, strlen(text)),
	    0);
	if (value != NULL)
		assert_int_equal(vifs_esxconf_set(after, key, value), 0);
	else
		assert_int_equal(vifs_esxconf_unset(after, key), 0);
	assert_int_equal(vifs_remoteedit_check(&c, before, after), 0);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	return c;
}

/* The finding of RULE on LINE, which must exist. */
static const struct vifs_editcheck_item *
finding(const vifs_editcheck *c, const char *rule, size_t line)
{
	for (size_t i = 0; i < vifs_editcheck_count(c); i++) {
		const struct vifs_editcheck_item *it = vifs_editcheck_get(c, i);

		if (strcmp(it->rule, rule) == 0 && it->line == line)
			return it;
	}
	fail_msg("no finding %s on line %zu", rule, line);
	return NULL;
}

static void
test_check_untouched(void **state)
{
	static const char text[] = "advUser/x = \"1\"\n"
	                           "/a = \"1\"\n"
	                           "/devcie/000:01.0/owner = \"vmkernel\"\n"
	                           "/z = unquoted\n";
	vifs_editcheck *c;

	(void)state;
	c = check_edit(text, "/a", "2");
	assert_int_equal(finding(c, "key-no-slash", 1)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(finding(c, "unknown-component", 3)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(finding(c, "unquoted-value", 4)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(vifs_editcheck_refusals(c), 0);
	assert_int_equal(vifs_editcheck_lines_removed(c), 1);
	assert_int_equal(vifs_editcheck_lines_added(c), 1);
	vifs_editcheck_free(c);
}

static void
test_check_touched(void **state)
{
	static const char text[] = "/a = \"1\"\n"
	                           "/devcie/000:01.0/owner = \"vmkernel\"\n"
	                           "/z = unquoted\n";
	vifs_editcheck *c;

	(void)state;
	/* Changing the line with an error: a refusal. */
	c = check_edit(text, "/devcie/000:01.0/owner", "passthru");
	assert_int_equal(finding(c, "unknown-component", 2)->touched,
	    VIFS_EDIT_CHANGED);
	assert_int_equal(vifs_editcheck_refusals(c), 1);
	vifs_editcheck_free(c);
	/* Removing it: a refusal too. */
	c = check_edit(text, "/devcie/000:01.0/owner", NULL);
	assert_int_equal(vifs_editcheck_refusals(c), 1);
	assert_int_equal(vifs_editcheck_lines_removed(c), 1);
	assert_int_equal(vifs_editcheck_lines_added(c), 0);
	vifs_editcheck_free(c);
	/* A warning on a changed line is touched, not a refusal. */
	c = check_edit(text, "/z", "quoted");
	assert_int_equal(finding(c, "unquoted-value", 3)->touched,
	    VIFS_EDIT_CHANGED);
	assert_int_equal(vifs_editcheck_refusals(c), 0);
	vifs_editcheck_free(c);
}

static void
test_check_malformed_key(void **state)
{
	static const char text[] = "/a = \"1\"\n"
	                           "  /m/key \"broken\"\n"
	                           "/m/keyboard junk\n"
	                           "/m/key/child junk\n";
	vifs_editcheck *c;

	(void)state;
	/* Setting /m/key next to a malformed line that spells it. */
	c = check_edit(text, "/m/key", "v");
	assert_int_equal(finding(c, "malformed-line", 2)->touched,
	    VIFS_EDIT_SAME_KEY);
	/* Longer keys on malformed lines are other keys. */
	assert_int_equal(finding(c, "malformed-line", 3)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(finding(c, "malformed-line", 4)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(vifs_editcheck_refusals(c), 1);
	vifs_editcheck_free(c);
	/* Another key: every malformed line is only a warning. */
	c = check_edit(text, "/b", "v");
	assert_int_equal(vifs_editcheck_refusals(c), 0);
	assert_int_equal(vifs_editcheck_count(c), 3);
	vifs_editcheck_free(c);
}

static void
test_check_hostile(void **state)
{
	/* CRLF, NUL bytes, no final newline: classification still works. */
	static const char text[] = "/a = \"1\"\r\n\0junk\r\n/b = \"x|ZZ\"";
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_editcheck *c = NULL;

	(void)state;
	assert_int_equal(vifs_esxconf_parse(&before, "t", text,
	                     sizeof(text) - 1),
	    0);
	assert_int_equal(vifs_esxconf_parse(&after, "t", text,
	                     sizeof(text) - 1),
	    0);
	assert_int_equal(vifs_esxconf_set(after, "/b", "y"), 0);
	assert_int_equal(vifs_remoteedit_check(&c, before, after), 0);
	assert_int_equal(finding(c, "malformed-line", 2)->touched,
	    VIFS_EDIT_UNTOUCHED);
	assert_int_equal(finding(c, "bad-escape", 3)->touched,
	    VIFS_EDIT_CHANGED);
	assert_int_equal(vifs_editcheck_refusals(c), 0);
	vifs_editcheck_free(c);
	/* No edit at all: nothing touched. */
	assert_int_equal(vifs_remoteedit_check(&c, before, before), 0);
	assert_int_equal(vifs_editcheck_lines_removed(c), 0);
	assert_int_equal(vifs_editcheck_lines_added(c), 0);
	assert_int_equal(vifs_editcheck_refusals(c), 0);
	assert_null(vifs_editcheck_get(c, vifs_editcheck_count(c)));
	vifs_editcheck_free(c);
	assert_int_equal(vifs_remoteedit_check(&c, NULL, before), VIFS_EINVAL);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
}

static void
test_fetch_host_down(void **state)
{
	struct vifs_http_opts o;
	vifs_http *h = NULL;
	vifs_remoteedit *re = (vifs_remoteedit *)&o;

	(void)state;
	memset(&o, 0, sizeof(o));
	/* Port 1 on the loopback: nothing listens there. */
	o.base_url = "http://127.0.0.1:1";
	o.get_retries = 0;
	o.retry_base_ms = 1;
	assert_int_equal(vifs_http_new(&h, &o), 0);
	assert_int_equal(vifs_remoteedit_fetch(&re, h, NULL), VIFS_ENET);
	assert_null(re);
	assert_non_null(strstr(vifs_error_last(), "127.0.0.1:1"));
	{
		struct vifs_remoteedit_opts ro;

		memset(&ro, 0, sizeof(ro));
		ro.host = "../etc";
		assert_int_equal(vifs_remoteedit_fetch(&re, h, &ro),
		    VIFS_EINVAL);
		assert_null(re);
	}
	assert_int_equal(vifs_remoteedit_fetch(&re, NULL, NULL), VIFS_EINVAL);
	assert_int_equal(vifs_remoteedit_commit(NULL, "x", 1), VIFS_EINVAL);
	vifs_http_free(h);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(vifs_remote_state_name(VIFS_REMOTE_UNCHANGED),
	    "unchanged");
	assert_string_equal(vifs_remote_state_name(VIFS_REMOTE_UPDATED),
	    "updated");
	assert_string_equal(vifs_remote_state_name(VIFS_REMOTE_CHANGED),
	    "changed");
	assert_string_equal(vifs_remote_state_name(VIFS_REMOTE_UNKNOWN),
	    "unknown");
	assert_string_equal(vifs_remoteedit_step_name(VIFS_STEP_PUT), "upload");
	assert_string_equal(vifs_remoteedit_step_name(VIFS_STEP_CONFLICT),
	    "conflict check");
	assert_string_equal(vifs_remoteedit_step_name(VIFS_STEP_NONE), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_backup_dir),
		cmocka_unit_test(test_backup_files),
		cmocka_unit_test(test_backup_failures),
		cmocka_unit_test(test_check_untouched),
		cmocka_unit_test(test_check_touched),
		cmocka_unit_test(test_check_malformed_key),
		cmocka_unit_test(test_check_hostile),
		cmocka_unit_test(test_fetch_host_down),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
