/*
 * test_file.c - whole-file reads and atomic replacement.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A character device or a named pipe, through a link or not, is a stream
 * written in place; a secret never goes to one. */
static void
test_file_write_to_stream(void **state)
{
	char *dir = tmpdir_make(), fifo[512], link[512], got[16];
	ssize_t n;
	int rfd;

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/pipe", dir);
	snprintf(link, sizeof(link), "%s/out", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(fifo, link), 0);
	/* Opened for reading without blocking, so the write finds a reader;
	 * the pipe's buffer holds the few bytes. */
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_int_equal(vifs_file_write_atomic(link, "abc", 3, 0644), 0);
	n = read(rfd, got, sizeof(got));
	assert_int_equal(n, 3);
	assert_memory_equal(got, "abc", 3);
	assert_int_equal(vifs_file_write_secret(fifo, "x", 1), VIFS_EIO);
	close(rfd);
	assert_int_equal(vifs_file_write_atomic("/dev/null", "x", 1, 0644), 0);
	assert_int_equal(count_entries(dir), 2); /* no temp left */
	unlink(link);
	unlink(fifo);
	tmpdir_remove(dir);
}

/* A symbolic link at the path is refused and its target left alone, by the
 * plain and the secret write and by the in-place secret check. */
static void
test_file_write_never_follows_symlink(void **state)
{
	char *dir = tmpdir_make(), path[512], target[512], *buf;
	size_t len;
	struct stat st;
	int fd;

	(void)state;
	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/session", dir);
	write_file(target, "victim\n", 7);
	assert_int_equal(chmod(target, 0644), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(vifs_file_write_atomic(path, "x", 1, 0600), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "symbolic link"));
	assert_int_equal(vifs_file_write_secret(path, "x", 1), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "symbolic link"));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* not chmod'ed */
	assert_int_equal(vifs_file_read(&buf, &len, target), 0);
	assert_string_equal(buf, "victim\n");
	free(buf);
	assert_int_equal(count_entries(dir), 2); /* no temp left */
	/* In place (credential store): O_NOFOLLOW refuses the link. */
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	assert_int_equal(fd, -1);
	tmpdir_remove(dir);
}

/* A file another uid owns is neither replaced nor handed its contents. */
static void
test_file_write_refuses_other_owner(void **state)
{
	char *dir = tmpdir_make(), path[512], *buf;
	const char *victim = path;
	size_t len;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/planted", dir);
	write_file(path, "planted\n", 8);
	if (geteuid() == 0)
		assert_int_equal(chown(path, 65534, 65534), 0);
	else
		victim = "/etc/passwd"; /* root's, refused before any write */
	assert_int_equal(vifs_file_write_secret(victim, "cookie", 6), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "owned by uid"));
	assert_int_equal(vifs_file_write_atomic(victim, "x", 1, 0644),
	    VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "not replaced"));
	fd = open(victim, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(vifs_file_own_secret(fd, victim), VIFS_EIO);
	close(fd);
	if (victim == path) {
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_uid, 65534);
		assert_int_equal(vifs_file_read(&buf, &len, path), 0);
		assert_string_equal(buf, "planted\n");
		free(buf);
	}
	assert_int_equal(count_entries(dir), 1);
	tmpdir_remove(dir);
}

/* A secret is 0600 whatever the umask, and an existing readable one is
 * tightened, by the atomic write and by the in-place check. */
static void
test_file_secret_is_private(void **state)
{
	char *dir = tmpdir_make(), path[512];
	struct stat st;
	mode_t old = umask(0);
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/session", dir);
	assert_int_equal(vifs_file_write_secret(path, "a", 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(vifs_file_write_secret(path, "b", 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(chmod(path, 0644), 0);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(vifs_file_own_secret(fd, path), 0);
	close(fd);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	umask(old);
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
		cmocka_unit_test(test_file_write_never_follows_symlink),
		cmocka_unit_test(test_file_write_to_stream),
		cmocka_unit_test(test_file_write_refuses_other_owner),
		cmocka_unit_test(test_file_secret_is_private),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
