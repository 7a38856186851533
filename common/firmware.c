/*
 * firmware.c - the host's saved configuration through HostFirmwareSystem:
 * persist after an edit, backups of configuration bundles with retention,
 * restores (docs/internals/firmware.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/firmware.h>
#include <vifs/hostlist.h>
#include <vifs/image.h>
#include <vifs/vim.h>

#include "dirs.h"
#include "internal.h"

#define BUNDLE_MAX ((size_t)512 << 20)
#define PREFIX "configBundle-"
#define SUFFIX ".tgz"

/* A VIM session on H and the host's HostSystem. */
struct session {
	vifs_vim *vim;
	struct vifs_vim_host host;
	int logged_in; /* ours to log out */
};

static int
session_open(struct session *s, vifs_http *h,
    const struct vifs_firmware_login *login)
{
	struct vifs_vim_opts o;
	int error;

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	o.service_path = login->service_path;
	if ((error = vifs_vim_new(&s->vim, h, &o)) < 0)
		return error;
	if ((error = vifs_vim_connect(s->vim, NULL)) < 0)
		return error;
	if (login->cookie != NULL)
		error = vifs_vim_resume(s->vim, login->cookie);
	else if (login->username != NULL && login->password != NULL) {
		error = vifs_vim_login(s->vim, login->username,
		    login->password);
		s->logged_in = error == 0;
	} else
		error = vifs_error_set(VIFS_EAUTH,
		    "no user and password for the VIM API");
	if (error < 0)
		return error;
	return vifs_vim_host(s->vim, &s->host);
}

static void
session_close(struct session *s)
{
	if (s->logged_in) {
		/* The call's own error is what counts; a failed logout only
		 * leaves a session to time out on the host. */
		char keep[1024];

		snprintf(keep, sizeof(keep), "%s", vifs_error_last());
		int code = vifs_error_last_code();

		vifs_vim_logout(s->vim);
		if (code != 0)
			vifs_error_set(code, "%s", keep);
		else
			vifs_error_clear();
	}
	vifs_vim_host_clear(&s->host);
	vifs_vim_free(s->vim);
	memset(s, 0, sizeof(*s));
}

int
vifs_firmware_persist(vifs_http *h, const struct vifs_firmware_login *login)
{
	struct session s;
	int error;

	if ((error = session_open(&s, h, login)) == 0)
		error = vifs_vim_firmware_sync(s.vim, s.host.firmware);
	session_close(&s);
	return error;
}

/*
 * The path part of a URL the host returned ("http://STAR/downloads/x"
 * gives "/downloads/x"; STAR is a '*'), checked to be a plain path.
 */
static int
url_path(char **out, const char *url, const char *what)
{
	const char *p = strstr(url, "://");

	*out = NULL;
	p = p ? strchr(p + 3, '/') : NULL;
	if (p == NULL || strstr(p, "/../") != NULL || strstr(p, "//") != NULL ||
	    strchr(p, '?') != NULL || strchr(p, '#') != NULL ||
	    strcspn(p, " \t\r\n\\") != strlen(p))
		return vifs_error_set(VIFS_EPARSE,
		    "the host's %s URL '%s' holds no usable path", what, url);
	if ((*out = vifs_strdup(p)) == NULL)
		return VIFS_ENOMEM;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest bundles of DIR beyond KEEP (names sort by time). */
static int
prune(const char *dir, unsigned keep)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int error = 0;

	if (keep == 0)
		return 0;
	if ((d = opendir(dir)) == NULL)
		return vifs_error_set(VIFS_EIO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 ||
		    len < strlen(PREFIX) + strlen(SUFFIX) ||
		    strcmp(e->d_name + len - strlen(SUFFIX), SUFFIX) != 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **p = realloc(names, ncap * sizeof(*p));

			if (p == NULL) {
				error = vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
				goto done;
			}
			names = p;
			cap = ncap;
		}
		if ((names[n] = vifs_strdup(e->d_name)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i + keep < n; i++) {
		struct vifs_buf p = VIFS_BUF_INIT;

		if (vifs_buf_printf(&p, "%s/%s", dir, names[i]) < 0) {
			error = VIFS_ENOMEM;
			goto done;
		}
		if (unlink(p.data) != 0 && errno != ENOENT)
			error = vifs_error_set(VIFS_EIO, "cannot remove %s: %s",
			    p.data, strerror(errno));
		vifs_buf_free(&p);
		if (error < 0)
			goto done;
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return error;
}

/* A name in DIR for a bundle made at NOW that no file has yet. */
static int
bundle_name(struct vifs_buf *path, const char *dir, long long now)
{
	char stamp[32];
	struct tm tm;
	time_t t = (time_t)now;
	struct stat st;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return vifs_error_set(VIFS_EINVAL, "%lld is no time", now);
	for (unsigned i = 0; i < 1000; i++) {
		path->len = 0;
		if ((i == 0 ? vifs_buf_printf(path, "%s/%s%s%s", dir, PREFIX,
		                  stamp, SUFFIX) :
		              vifs_buf_printf(path, "%s/%s%s.%u%s", dir, PREFIX,
		                  stamp, i, SUFFIX)) < 0)
			return VIFS_ENOMEM;
		if (lstat(path->data, &st) != 0 && errno == ENOENT)
			return 0;
	}
	return vifs_error_set(VIFS_EEXISTS, "%s: no free name for a bundle",
	    dir);
}

int
vifs_firmware_backup(char **path, int *encrypted, vifs_http *h,
    const struct vifs_firmware_login *login,
    const struct vifs_firmware_backup_opts *opts)
{
	struct session s;
	struct vifs_buf dir = VIFS_BUF_INIT, file = VIFS_BUF_INIT;
	char *url = NULL, *upath = NULL, *safe = NULL, *data = NULL;
	vifs_image *img = NULL;
	size_t len = 0;
	long long now = opts->now ? opts->now : (long long)time(NULL);
	int error;

	*path = NULL;
	if (encrypted != NULL)
		*encrypted = 0;
	if ((error = session_open(&s, h, login)) < 0)
		goto done;
	if ((error = vifs_vim_firmware_backup(s.vim, s.host.firmware, &url)) <
	        0 ||
	    (error = url_path(&upath, url, "backup")) < 0)
		goto done;
	if ((error = vifs_http_get_buf(h, upath, &data, &len,
	         opts->max_size ? opts->max_size : BUNDLE_MAX)) < 0)
		goto done;
	/* What is stored must be a bundle --image can read. */
	error = vifs_image_parse(&img, upath, data, len);
	if (error == VIFS_EUNSUPPORTED && encrypted != NULL)
		*encrypted = 1;
	if (error < 0 && error != VIFS_EUNSUPPORTED) {
		error = vifs_error_set(error,
		    "the bundle the host made is not usable: %s",
		    vifs_error_last());
		goto done;
	}
	if (error == 0 && vifs_image_kind(img) != VIFS_IMAGE_BUNDLE) {
		error = vifs_error_set(VIFS_EPARSE,
		    "the host made a %s, not a configuration bundle",
		    vifs_image_kind_name(vifs_image_kind(img)));
		goto done;
	}
	if ((error = vifs_hostlist_safe_name(&safe, opts->host)) < 0 ||
	    (error = vifs_buf_printf(&dir, "%s/%s", opts->dir, safe)) < 0 ||
	    (error = vifs_buf_printf(&file, "%s/x", dir.data)) < 0 ||
	    (error = vifs_mkdir_parents(file.data)) < 0 ||
	    (error = bundle_name(&file, dir.data, now)) < 0 ||
	    (error = vifs_file_write_atomic(file.data, data, len, 0600)) < 0)
		goto done;
	if ((error = prune(dir.data, opts->keep)) < 0)
		goto done;
	*path = vifs_buf_detach(&file, NULL);
done:
	session_close(&s);
	vifs_image_free(img);
	vifs_buf_free(&dir);
	vifs_buf_free(&file);
	free(url);
	free(upath);
	free(safe);
	free(data);
	return error;
}

int
vifs_firmware_restore(vifs_http *h, const struct vifs_firmware_login *login,
    const void *data, size_t len, int force)
{
	struct session s;
	vifs_image *img = NULL;
	char *url = NULL, *upath = NULL;
	int error;

	memset(&s, 0, sizeof(s));
	error = vifs_image_parse(&img, "the bundle", data, len);
	if (error == 0 && vifs_image_kind(img) != VIFS_IMAGE_BUNDLE)
		error = vifs_error_set(VIFS_EPARSE,
		    "a %s is not a configuration bundle (Manifest.txt and "
		    "state.tgz)",
		    vifs_image_kind_name(vifs_image_kind(img)));
	vifs_image_free(img);
	if (error < 0 && error != VIFS_EUNSUPPORTED)
		return error;
	if ((error = session_open(&s, h, login)) < 0)
		goto done;
	if (!s.host.in_maintenance) {
		error = vifs_error_set(VIFS_EREFUSED,
		    "the host is not in maintenance mode; a restore reboots "
		    "it, so it must be in maintenance mode first");
		goto done;
	}
	if ((error = vifs_vim_firmware_upload_url(s.vim, s.host.firmware,
	         &url)) < 0 ||
	    (error = url_path(&upath, url, "upload")) < 0 ||
	    (error = vifs_http_put_buf(h, upath, data, len)) < 0)
		goto done;
	error = vifs_vim_firmware_restore(s.vim, s.host.firmware, force);
done:
	session_close(&s);
	free(url);
	free(upath);
	return error;
}
