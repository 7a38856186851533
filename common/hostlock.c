/*
 * hostlock.c - the per-host lock of remote edits: one edit of a host's file
 * at a time from this machine, taken in the host's backup directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/remoteedit.h>

#include "dirs.h"
#include "internal.h"

#define LOCK_NAME ".vifs-edit.lock"
#define POLL_MS 100

int
vifs_remoteedit_lock(int *fd_out, const char *dir, const char *host,
    long wait_ms)
{
	struct vifs_buf path = VIFS_BUF_INIT;
	int fd = -1, error;

	*fd_out = -1;
	if ((error = vifs_buf_printf(&path, "%s/%s", dir, LOCK_NAME)) < 0)
		goto done;
	if ((error = vifs_mkdir_parents(path.data)) < 0)
		goto done;
	fd = open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", path.data,
		    strerror(errno));
		goto done;
	}
	if ((error = vifs_file_own_secret(fd, path.data)) < 0)
		goto done;
	for (long waited = 0;; waited += POLL_MS) {
		struct timespec ts = { 0, POLL_MS * 1000000L };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			error = vifs_error_set(VIFS_EIO, "%s: cannot lock: %s",
			    path.data, strerror(errno));
			goto done;
		}
		if (waited >= wait_ms) {
			error = vifs_error_set(VIFS_ECONFLICT,
			    "another vifs is editing %s from this machine "
			    "(it holds %s); nothing was uploaded",
			    host, path.data);
			goto done;
		}
		nanosleep(&ts, NULL);
	}
	*fd_out = fd;
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	vifs_buf_free(&path);
	return error;
}

void
vifs_remoteedit_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}
