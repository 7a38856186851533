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

static int
write_all(int fd, const void *data, size_t len)
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

int
vifs_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode)
{
	struct stat st;
	struct vifs_buf tmp = VIFS_BUF_INIT;
	int fd = -1, error = 0, have_old;

	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, len) != 0)
			return vifs_error_set(VIFS_EIO, "standard output: %s",
			    strerror(errno));
		return VIFS_OK;
	}
	have_old = stat(path, &st) == 0;
	if (have_old && !S_ISREG(st.st_mode))
		return vifs_error_set(VIFS_EIO, "%s: not a regular file", path);
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
		/* Owner first: chown may clear set-id bits of the mode. */
		if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
			error = vifs_error_set(VIFS_EIO, "%s: %s", tmp.data,
			    strerror(errno));
			goto done;
		}
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);

		umask(mask);
		mode &= ~mask;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
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
