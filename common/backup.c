/*
 * backup.c - local backups of a host's file: the default directory,
 * saving a backup that never replaces another and reads back as written,
 * and finding the newest one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vifs/backup.h>
#include <vifs/error.h>
#include <vifs/file.h>

#include "dirs.h"
#include "internal.h"

/* Backup names tried for one second before giving up. */
#define BACKUP_TRIES 1000

/* 1 when NAME can be one component of a path. */
int
vifs_path_component_ok(const char *name)
{
	if (name == NULL || *name == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
vifs_remoteedit_backup_dir(char **out, const char *host)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int error;

	*out = NULL;
	if (!vifs_path_component_ok(host))
		return vifs_error_set(VIFS_EINVAL,
		    "'%s' cannot name a backup directory", host ? host : "");
	if (xdg != NULL && xdg[0] == '/')
		error = vifs_buf_printf(&b, "%s/vifs/backups/%s", xdg, host);
	else if (home != NULL && *home != '\0')
		error = vifs_buf_printf(&b, "%s/.local/state/vifs/backups/%s",
		    home, host);
	else
		return vifs_error_set(VIFS_ENOTFOUND,
		    "neither XDG_STATE_HOME nor HOME is set: no default "
		    "backup directory");
	if (error < 0) {
		vifs_buf_free(&b);
		return error;
	}
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

/* Opens a new file in DIR named after STAMP and BASENAME; *path gets the
 * name used. */
static int
create_unique(int *fd, struct vifs_buf *path, const char *dir,
    const char *stamp, const char *basename)
{
	int error;

	for (unsigned i = 0; i < BACKUP_TRIES; i++) {
		path->len = 0;
		if (i == 0)
			error = vifs_buf_printf(path, "%s/%s-%s", dir, stamp,
			    basename);
		else
			error = vifs_buf_printf(path, "%s/%s.%u-%s", dir, stamp,
			    i, basename);
		if (error < 0)
			return error;
		*fd = open(path->data,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (*fd >= 0)
			return VIFS_OK;
		if (errno != EEXIST)
			return vifs_error_set(VIFS_EIO,
			    "cannot write the backup %s: %s", path->data,
			    strerror(errno));
	}
	return vifs_error_set(VIFS_EIO,
	    "cannot write a backup in %s: %u names "
	    "for %s are taken",
	    dir, BACKUP_TRIES, stamp);
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int error = 0;

	if (fd < 0)
		return vifs_error_set(VIFS_EIO, "cannot open %s: %s", dir,
		    strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL)
		error = vifs_error_set(VIFS_EIO, "cannot sync %s: %s", dir,
		    strerror(errno));
	close(fd);
	return error;
}

int
vifs_remoteedit_backup(char **out, const char *dir, const char *basename,
    long long now, const void *data, size_t len)
{
	struct vifs_buf path = VIFS_BUF_INIT, probe = VIFS_BUF_INIT;
	char stamp[32], *back = NULL;
	size_t back_len = 0;
	struct tm tm;
	time_t t = (time_t)now;
	int fd = -1, created = 0, error = 0;

	*out = NULL;
	if (dir == NULL || *dir == '\0' || !vifs_path_component_ok(basename))
		return vifs_error_set(VIFS_EINVAL,
		    "backup: no directory or a bad file name");
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return vifs_error_set(VIFS_EINVAL, "backup: %lld is no time",
		    now);
	/* mkdir -p of DIR itself: the parents of a file inside it. */
	if ((error = vifs_buf_printf(&probe, "%s/x", dir)) < 0)
		goto done;
	if ((error = vifs_mkdir_parents(probe.data)) < 0) {
		error = vifs_error_wrap(VIFS_EIO, "cannot write the backup");
		goto done;
	}
	if ((error = create_unique(&fd, &path, dir, stamp, basename)) < 0)
		goto done;
	created = 1;
	if (fchmod(fd, 0600) != 0 || vifs_fd_write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		error = vifs_error_set(VIFS_EIO,
		    "cannot write the backup %s: %s", path.data,
		    strerror(errno));
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		error = vifs_error_set(VIFS_EIO,
		    "cannot write the backup %s: %s", path.data,
		    strerror(errno));
		goto done;
	}
	fd = -1;
	if ((error = sync_dir(dir)) < 0)
		goto done;
	/* A backup that does not read back is no backup. */
	if ((error = vifs_file_read(&back, &back_len, path.data)) < 0)
		goto done;
	if (back_len != len || memcmp(back, data, len) != 0) {
		error = vifs_error_set(VIFS_EIO,
		    "the backup %s does not read "
		    "back as written",
		    path.data);
		goto done;
	}
	*out = vifs_buf_detach(&path, NULL);
done:
	if (fd >= 0)
		close(fd);
	if (error < 0 && created)
		unlink(path.data);
	free(back);
	vifs_buf_free(&path);
	vifs_buf_free(&probe);
	return error;
}

/* 1 when NAME is "YYYYmmddTHHMMSSZ[.N]-BASENAME". */
static int
backup_name(const char *name, const char *basename)
{
	size_t n = strlen(name), bl = strlen(basename);

	return n > bl + 1 && name[n - bl - 1] == '-' &&
	    strcmp(name + n - bl, basename) == 0 && name[0] >= '0' &&
	    name[0] <= '9';
}

int
vifs_remoteedit_backup_find(char **out, const char *dir, const char *basename,
    const char *which)
{
	DIR *d;
	struct dirent *e;
	char *best = NULL;
	size_t wl = strlen(which);
	int error = 0, latest = strcmp(which, "latest") == 0;

	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return vifs_error_set(errno == ENOENT ? VIFS_ENOTFOUND :
		                                        VIFS_EIO,
		    "no backups: %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		/* Names sort as their times. */
		if (!backup_name(e->d_name, basename))
			continue;
		if (!latest && strncmp(e->d_name, which, wl) != 0)
			continue;
		if (best != NULL && strcmp(e->d_name, best) <= 0)
			continue;
		free(best);
		if ((best = strdup(e->d_name)) == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			break;
		}
	}
	closedir(d);
	if (error == 0 && best == NULL)
		error = vifs_error_set(VIFS_ENOTFOUND, "no backup %s in %s",
		    latest ? "at all" : which, dir);
	if (error == 0) {
		struct vifs_buf b = VIFS_BUF_INIT;

		if ((error = vifs_buf_printf(&b, "%s/%s", dir, best)) < 0)
			vifs_buf_free(&b);
		else
			*out = vifs_buf_detach(&b, NULL);
	}
	free(best);
	return error;
}
