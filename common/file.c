/*
 * file.c - whole-file reads and atomic replacement (temp file, fsync,
 * rename, fsync of the directory), as redis rewrites its configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/file.h>
#include <vifs/error.h>

#include "internal.h"

static int
read_fd(char **out, size_t *out_len, int fd, const char *path)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct stat st;
	size_t chunk = 65536;
	int error = 0;

	if (fstat(fd, &st) != 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		chunk = (size_t)st.st_size + 1;
	if (S_ISDIR(st.st_mode)) {
		error = vifs_error_set(VIFS_EIO, "%s: is a directory", path);
		goto done;
	}
	for (;;) {
		ssize_t n;

		if ((b.cap == 0 || b.cap - b.len - 1 == 0) &&
		    (error = vifs_buf_grow(&b, chunk)) < 0)
			goto done;
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = vifs_error_set(VIFS_EIO, "%s: %s", path,
			    strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		chunk = b.len < 65536 ? 65536 : b.len;
	}
	if ((error = vifs_buf_grow(&b, 0)) < 0)
		goto done;
	b.data[b.len] = '\0';
	*out = vifs_buf_detach(&b, out_len);
done:
	vifs_buf_free(&b);
	return error;
}

int
vifs_file_read(char **out, size_t *out_len, const char *path)
{
	int fd, error;

	*out = NULL;
	*out_len = 0;
	if (strcmp(path, "-") == 0)
		return read_fd(out, out_len, STDIN_FILENO, "(stdin)");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return vifs_error_set(errno == ENOENT ? VIFS_ENOTFOUND :
		                                        VIFS_EIO,
		    "%s: %s", path, strerror(errno));
	error = read_fd(out, out_len, fd, path);
	close(fd);
	return error;
}

int
vifs_fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsyncs the directory that holds PATH, so the rename is durable. */
static int
sync_dir(const char *path)
{
	char *copy = vifs_strdup(path);
	int fd, rc = 0;

	if (copy == NULL)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

/*
 * Checks what lstat() found at PATH before it is replaced or opened in
 * place: a symbolic link is never followed (its target could be any file
 * of the user running vifs), only a regular file is replaced, and only one
 * this user owns: a file another uid planted in a shared directory must not
 * receive (or keep its owner over) what vifs writes.
 */
static int
check_existing(const char *path, const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return vifs_error_set(VIFS_EIO,
		    "%s: is a symbolic link; not followed", path);
	if (!S_ISREG(st->st_mode))
		return vifs_error_set(VIFS_EIO, "%s: not a regular file", path);
	if (st->st_uid != geteuid())
		return vifs_error_set(VIFS_EIO,
		    "%s: owned by uid %lu, not by this user (uid %lu); "
		    "not replaced",
		    path, (unsigned long)st->st_uid, (unsigned long)geteuid());
	return VIFS_OK;
}

/*
 * A stream named by a path, "-o /dev/stdout", "/dev/fd/3" or a named
 * pipe: a character device or FIFO, through links or not, is written in
 * place, as there is no file to replace.  A link to a regular file is
 * still refused by check_existing().  Returns 1 when PATH is such a
 * stream (and was written, or *ERROR says why not), 0 when it is not.
 */
static int
write_stream(int *error, const char *path, const void *data, size_t len)
{
	struct stat st;
	int fd;

	*error = VIFS_OK;
	if (stat(path, &st) != 0 ||
	    !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return 0;
	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		*error = vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
		return 1;
	}
	if (vifs_fd_write_all(fd, data, len) != 0) {
		*error = vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
		close(fd);
		return 1;
	}
	if (close(fd) != 0 && errno != EINTR)
		*error = vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
	return 1;
}

static int
write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    int secret)
{
	struct stat st;
	struct vifs_buf tmp = VIFS_BUF_INIT;
	int fd = -1, error = 0, have_old;

	if (strcmp(path, "-") == 0) {
		if (vifs_fd_write_all(STDOUT_FILENO, data, len) != 0)
			return vifs_error_set(VIFS_EIO, "standard output: %s",
			    strerror(errno));
		return VIFS_OK;
	}
	have_old = lstat(path, &st) == 0;
	if (!have_old && errno != ENOENT)
		return vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
	/* A secret never goes to a device or pipe it could leak through. */
	if (have_old && !secret && !S_ISREG(st.st_mode) &&
	    write_stream(&error, path, data, len))
		return error;
	if (have_old && (error = check_existing(path, &st)) < 0)
		return error;
	if ((error = vifs_buf_printf(&tmp, "%s.vifs-XXXXXX", path)) < 0)
		return error;
	if ((fd = mkstemp(tmp.data)) < 0) {
		error = vifs_error_set(VIFS_EIO,
		    "%s: cannot create a "
		    "temporary file beside it: %s",
		    path, strerror(errno));
		goto done;
	}
	if (have_old) {
		/* The owner is this user (check_existing); the group is
		 * kept when permitted.  Group first: chown may clear set-id
		 * bits of the mode. */
		if (!secret && fchown(fd, (uid_t)-1, st.st_gid) != 0 &&
		    errno != EPERM) {
			error = vifs_error_set(VIFS_EIO, "%s: %s", tmp.data,
			    strerror(errno));
			goto done;
		}
		mode = st.st_mode & 07777;
	} else if (!secret) {
		mode_t mask = umask(0);

		umask(mask);
		mode &= ~mask;
	}
	if (secret)
		mode &= 0600;
	if (fchmod(fd, mode) != 0 || vifs_fd_write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp.data,
		    strerror(errno));
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp.data,
		    strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.data, path) != 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (sync_dir(path) != 0) {
		/* The new file is in place; only its durability is unsure. */
		error = vifs_error_set(VIFS_EIO,
		    "%s: fsync of its directory "
		    "failed: %s",
		    path, strerror(errno));
		vifs_buf_free(&tmp);
		return error;
	}
done:
	if (fd >= 0)
		close(fd);
	if (error < 0 && tmp.data != NULL)
		unlink(tmp.data);
	vifs_buf_free(&tmp);
	return error;
}

int
vifs_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode)
{
	return write_atomic(path, data, len, mode, 0);
}

int
vifs_file_write_secret(const char *path, const void *data, size_t len)
{
	return write_atomic(path, data, len, 0600, 1);
}

int
vifs_file_own_secret(int fd, const char *path)
{
	struct stat st;
	int error;

	if (fstat(fd, &st) != 0)
		return vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
	if ((error = check_existing(path, &st)) < 0)
		return error;
	/* Nobody else may read a secret, whatever mode it had. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, st.st_mode & 0700) != 0)
		return vifs_error_set(VIFS_EIO, "%s: %s", path,
		    strerror(errno));
	return VIFS_OK;
}
