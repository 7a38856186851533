/*
 * firmware.c - the configuration bundles of HostFirmwareSystem: the path
 * of a URL the host returns, the check of a bundle, and its store as
 * DIR/HOST/configBundle-TIME.tgz with retention (docs/internals/
 * firmware.md).  The exchanges with the host are firmware_job.c's.
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
#include "firmware_int.h"
#include "internal.h"

#define PREFIX "configBundle-"
#define SUFFIX ".tgz"

/* 1 when the N bytes at P are "." or "..", also percent-encoded. */
static int
dot_component(const char *p, size_t n)
{
	size_t dots = 0;

	while (n > 0) {
		if (*p == '.') {
			p++;
			n--;
		} else if (n >= 3 && p[0] == '%' && p[1] == '2' &&
		    (p[2] == 'e' || p[2] == 'E')) {
			p += 3;
			n -= 3;
		} else
			return 0;
		dots++;
	}
	return dots == 1 || dots == 2;
}

int
firmware_url_path(char **out, const char *url, const char *what)
{
	const char *p = strstr(url, "://"), *c;
	char shown[256];
	size_t i;

	*out = NULL;
	p = p ? strchr(p + 3, '/') : NULL;
	for (c = p; c != NULL && *c != '\0';) {
		size_t n = strcspn(c + 1, "/");

		if (n == 0 || dot_component(c + 1, n)) {
			p = NULL;
			break;
		}
		c += n + 1;
	}
	for (i = 0; p != NULL && p[i] != '\0'; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f ||
		    strchr("?#\\", p[i]) != NULL)
			p = NULL;
	if (p == NULL) {
		/* The URL as one line: control characters shown as '?'. */
		for (i = 0; url[i] != '\0' && i + 4 < sizeof(shown); i++)
			shown[i] = (unsigned char)url[i] < ' ' ||
			        url[i] == 0x7f ?
			    '?' :
			    url[i];
		if (url[i] != '\0')
			memcpy(shown + i, "...", 4);
		else
			shown[i] = '\0';
		return vifs_error_set(VIFS_EPARSE,
		    "the host's %s URL '%s' holds no usable path", what, shown);
	}
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
firmware_bundle_check(const void *data, size_t len)
{
	vifs_image *img = NULL;
	int error;

	error = vifs_image_parse(&img, "the bundle", data, len);
	if (error == 0 && vifs_image_kind(img) != VIFS_IMAGE_BUNDLE)
		error = vifs_error_set(VIFS_EPARSE,
		    "a %s is not a configuration bundle (Manifest.txt and "
		    "state.tgz)",
		    vifs_image_kind_name(vifs_image_kind(img)));
	vifs_image_free(img);
	/* An encrypted local.tgz.ve is a bundle this host can read. */
	return error == VIFS_EUNSUPPORTED ? VIFS_OK : error;
}

int
firmware_bundle_store(char **path, int *encrypted, const char *upath,
    const void *data, size_t len, const struct vifs_firmware_backup_opts *opts)
{
	struct vifs_buf dir = VIFS_BUF_INIT, file = VIFS_BUF_INIT;
	char *safe = NULL;
	vifs_image *img = NULL;
	long long now = opts->now ? opts->now : (long long)time(NULL);
	int error;

	*path = NULL;
	*encrypted = 0;
	/* What is stored must be a bundle --image can read. */
	error = vifs_image_parse(&img, upath, data, len);
	if (error == VIFS_EUNSUPPORTED)
		*encrypted = 1;
	if (error < 0 && error != VIFS_EUNSUPPORTED) {
		error = vifs_error_wrap(error,
		    "the bundle the host made is not usable");
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
	vifs_image_free(img);
	vifs_buf_free(&dir);
	vifs_buf_free(&file);
	free(safe);
	return error;
}
