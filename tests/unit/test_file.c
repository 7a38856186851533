/*
 * test_file.c - whole-file reads and atomic replacement.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <vifs/error.h>
#include <vifs/file.h>

#include "testutil.h"

static void
test_file_read_whole(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	size_t len;
	static const char data[] = "a\0b\nc";

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, data, sizeof(data) - 1);
	assert_int_equal(vifs_file_read(&buf, &len, path), 0);
	assert_int_equal(len, sizeof(data) - 1);
	assert_memory_equal(buf, data, len);
	assert_int_equal(buf[len], '\0');
	free(buf);
	tmpdir_remove(dir);
}

static void
test_file_read_missing_and_directory(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(vifs_file_read(&buf, &len, path), VIFS_ENOTFOUND);
	assert_null(buf);
	assert_non_null(strstr(vifs_error_last(), "none"));
	assert_int_equal(vifs_file_read(&buf, &len, dir), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "is a directory"));
	tmpdir_remove(dir);
}

static void
test_file_read_empty(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	size_t len = 99;

	(void)state;
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	assert_int_equal(vifs_file_read(&buf, &len, path), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	tmpdir_remove(dir);
}

static void
test_file_write_new_and_replace_keeps_mode(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	size_t len;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/conf", dir);
	assert_int_equal(vifs_file_write_atomic(path, "one\n", 4, 0600), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600 & ~(mode_t)0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(vifs_file_write_atomic(path, "two\n", 4, 0600), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(vifs_file_read(&buf, &len, path), 0);
	assert_string_equal(buf, "two\n");
	free(buf);
	assert_int_equal(count_entries(dir), 1); /* no temp left */
	tmpdir_remove(dir);
}

static void
test_file_write_failure_leaves_original(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	size_t len, big = 1 << 20;
	char *data = malloc(big);
	struct rlimit old, lim;
	int rc;

	(void)state;
	assert_non_null(data);
	memset(data, 'x', big);
	snprintf(path, sizeof(path), "%s/conf", dir);
	write_file(path, "original\n", 9);
	/* A file size limit makes the write of the temp file fail half way,
	 * even for root. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = vifs_file_write_atomic(path, data, big, 0600);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, VIFS_EIO);
	assert_int_equal(vifs_file_read(&buf, &len, path), 0);
	assert_string_equal(buf, "original\n");
	free(buf);
	assert_int_equal(count_entries(dir), 1); /* temp removed */
	free(data);
	tmpdir_remove(dir);
}

static void
test_file_write_into_missing_dir_fails(void **state)
{
	char *dir = tmpdir_make(), path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/conf", dir);
	assert_int_equal(vifs_file_write_atomic(path, "x", 1, 0600), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "temporary file"));
	tmpdir_remove(dir);
}

static void
test_file_write_over_directory_refused(void **state)
{
	char *dir = tmpdir_make();

	(void)state;
	assert_int_equal(vifs_file_write_atomic(dir, "x", 1, 0600), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "not a regular file"));
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_read_whole),
		cmocka_unit_test(test_file_read_missing_and_directory),
		cmocka_unit_test(test_file_read_empty),
		cmocka_unit_test(test_file_write_new_and_replace_keeps_mode),
		cmocka_unit_test(test_file_write_failure_leaves_original),
		cmocka_unit_test(test_file_write_into_missing_dir_fails),
		cmocka_unit_test(test_file_write_over_directory_refused),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
