/*
 * transfer.c - a file transfer (GET into a file, a directory per host or
 * a descriptor; PUT of a file or a descriptor's bytes) as the START and
 * STEP of a fleet job, and its run on one host as a fleet of one.
 *
 * The requests, their retries and the temporary file of a download are
 * the fleet engine's (fleet_run.c); this file picks the request for each
 * host, makes the per-host directory of a download to many hosts, copies
 * a pipe to be uploaded into a file that can be sent again, and keeps the
 * message of a failure whole for a command that names the host itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/hostlist.h>
#include <vifs/transfer.h>

#include "internal.h"

struct vifs_transfer {
	struct vifs_transfer_opts o;
	char *url_path, *local, *name, *fd_name;
	int spool; /* PUT_FD of a pipe: the copy, else -1 */
	int fd_busy; /* a descriptor serves one host at a time */
	char message[1024]; /* the last failure, as the library said it */
};

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

/*
 * Copies what FD reads into an unlinked temporary file, so that an upload
 * knows its length and can be sent again on a retry; *out gets it.
 */
static int
spool(struct vifs_transfer *t, int fd, int *out)
{
	const char *dir = getenv("TMPDIR");
	const char *name = t->fd_name ? t->fd_name : "standard input";
	char tmpl[4096], buf[65536];
	ssize_t r;
	int tmp, error;

	*out = -1;
	snprintf(tmpl, sizeof(tmpl), "%s/vifs-stdin-XXXXXX",
	    dir && *dir ? dir : "/tmp");
	if ((tmp = mkstemp(tmpl)) < 0)
		return vifs_error_set(VIFS_EIO, "%s: %s", tmpl,
		    strerror(errno));
	unlink(tmpl);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR &&
		    (t->o.cancel == NULL || !t->o.cancel(t->o.cancel_payload)))
			continue;
		if (r < 0 || write(tmp, buf, (size_t)r) != r) {
			error = vifs_error_set(VIFS_EIO, "copying %s to %s: %s",
			    name, tmpl,
			    r < 0 ? strerror(errno) : "short write");
			close(tmp);
			return error;
		}
	}
	*out = tmp;
	return VIFS_OK;
}

int
vifs_transfer_new(vifs_transfer **out, const struct vifs_transfer_opts *o)
{
	struct vifs_transfer *t;
	struct stat st;
	int error;

	*out = NULL;
	if (o == NULL || o->url_path == NULL)
		return vifs_error_set(VIFS_EINVAL, "transfer: no remote file");
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	t->o = *o;
	t->spool = -1;
	if ((error = dup_opt(&t->url_path, o->url_path)) < 0 ||
	    (error = dup_opt(&t->local, o->local)) < 0 ||
	    (error = dup_opt(&t->name, o->name)) < 0 ||
	    (error = dup_opt(&t->fd_name, o->fd_name)) < 0)
		goto fail;
	switch (o->kind) {
	case VIFS_TRANSFER_GET_FILE:
	case VIFS_TRANSFER_PUT_FILE:
		if (t->local == NULL)
			error = vifs_error_set(VIFS_EINVAL,
			    "transfer: no local file");
		break;
	case VIFS_TRANSFER_GET_DIR:
		if (t->local == NULL || t->name == NULL || *t->name == '\0' ||
		    strcmp(t->name, ".") == 0 || strcmp(t->name, "..") == 0 ||
		    strchr(t->name, '/') != NULL)
			error = vifs_error_set(VIFS_EINVAL,
			    "transfer: no directory, or no file name in it");
		break;
	case VIFS_TRANSFER_GET_FD:
		if (o->fd < 0)
			error = vifs_error_set(VIFS_EINVAL,
			    "transfer: no descriptor");
		break;
	case VIFS_TRANSFER_PUT_FD:
		if (o->fd < 0)
			error = vifs_error_set(VIFS_EINVAL,
			    "transfer: no descriptor");
		else if (fstat(o->fd, &st) != 0 || !S_ISREG(st.st_mode))
			error = spool(t, o->fd, &t->spool);
		break;
	default:
		error = vifs_error_set(VIFS_EINVAL, "transfer: no such kind");
	}
	if (error < 0)
		goto fail;
	*out = t;
	return VIFS_OK;
fail:
	vifs_transfer_free(t);
	return error;
}

void
vifs_transfer_free(vifs_transfer *t)
{
	if (t == NULL)
		return;
	if (t->spool >= 0)
		close(t->spool);
	free(t->url_path);
	free(t->local);
	free(t->name);
	free(t->fd_name);
	free(t);
}

/* DIR/HOST for host H, made when missing and checked to be a real
 * directory when MAKE; only its name otherwise. */
static int
host_dir(char **out, const char *dir, vifs_fleet_host *h, int make)
{
	struct vifs_buf path = VIFS_BUF_INIT;
	char *safe = NULL;
	struct stat st;
	int error;

	*out = NULL;
	if ((error = vifs_hostlist_safe_name(&safe, vifs_fleet_host_name(h))) <
	    0)
		return error;
	if ((error = vifs_buf_printf(&path, "%s/%s", dir, safe)) < 0)
		goto done;
	if (make && mkdir(path.data, 0777) != 0 && errno != EEXIST) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", path.data,
		    strerror(errno));
		goto done;
	}
	/* A symbolic link planted there would lead out of DIR. */
	if (make && (lstat(path.data, &st) != 0 || !S_ISDIR(st.st_mode))) {
		error = vifs_error_set(VIFS_EIO,
		    "%s: not a directory (a symbolic link?)", path.data);
		goto done;
	}
	*out = vifs_buf_detach(&path, NULL);
done:
	vifs_buf_free(&path);
	free(safe);
	return error;
}

/* GET into DIR/HOST/NAME. */
static int
get_dir(struct vifs_transfer *t, vifs_fleet_host *h)
{
	struct vifs_buf target = VIFS_BUF_INIT;
	char *hdir = NULL;
	int error;

	if ((error = host_dir(&hdir, t->local, h, 1)) < 0)
		return error;
	if ((error = vifs_buf_printf(&target, "%s/%s", hdir, t->name)) == 0)
		error = vifs_fleet_get_file(h, t->url_path, target.data);
	vifs_buf_free(&target);
	free(hdir);
	return error;
}

/* Keeps the message of a failure whole (the fleet's reason loses the
 * host's name in front). */
static int
remember(struct vifs_transfer *t, int error)
{
	if (error < 0)
		snprintf(t->message, sizeof(t->message), "%s",
		    vifs_error_last());
	return error;
}

int
vifs_transfer_start(vifs_fleet_host *h, void *payload)
{
	struct vifs_transfer *t = payload;
	int error, fd;

	switch (t->o.kind) {
	case VIFS_TRANSFER_GET_FILE:
		error = vifs_fleet_get_file(h, t->url_path, t->local);
		break;
	case VIFS_TRANSFER_GET_DIR:
		error = get_dir(t, h);
		break;
	case VIFS_TRANSFER_PUT_FILE:
		error = vifs_fleet_put_file(h, t->url_path, t->local);
		break;
	case VIFS_TRANSFER_GET_FD:
	case VIFS_TRANSFER_PUT_FD:
		if (t->fd_busy) {
			error = vifs_error_set(VIFS_EINVAL,
			    "%s serves one host at a time",
			    t->fd_name ? t->fd_name : "a descriptor");
			break;
		}
		t->fd_busy = 1;
		fd = t->spool >= 0 ? t->spool : t->o.fd;
		error = t->o.kind == VIFS_TRANSFER_GET_FD ?
		    vifs_fleet_get_fd(h, t->url_path, fd) :
		    vifs_fleet_put_fd(h, t->url_path, fd, t->fd_name);
		if (error < 0)
			t->fd_busy = 0;
		break;
	default:
		error = vifs_error_set(VIFS_EINVAL, "transfer: no such kind");
	}
	return remember(t, error);
}

int
vifs_transfer_step(vifs_fleet_host *h, int error, void *payload)
{
	struct vifs_transfer *t = payload;

	(void)h;
	t->fd_busy = 0;
	return remember(t, error);
}

void
vifs_transfer_done(vifs_fleet_host *h, void *payload)
{
	struct vifs_transfer *t = payload;
	char *hdir = NULL;

	/* No empty DIR/HOST left for a host that gave nothing. */
	if (t->o.kind == VIFS_TRANSFER_GET_DIR &&
	    vifs_fleet_host_state(h) == VIFS_FLEET_FAILED &&
	    host_dir(&hdir, t->local, h, 0) == 0)
		rmdir(hdir);
	free(hdir);
}

static int
cancel_tick(const struct vifs_fleet_stats *st, void *payload)
{
	struct vifs_transfer *t = payload;

	(void)st;
	return t->o.cancel(t->o.cancel_payload);
}

int
vifs_transfer_run(vifs_transfer *t, vifs_http *http)
{
	struct vifs_fleet_opts fo;
	vifs_fleet *f = NULL;
	vifs_fleet_host *h;
	int error;

	if (t == NULL || http == NULL)
		return vifs_error_set(VIFS_EINVAL, "no transfer or no host");
	memset(&fo, 0, sizeof(fo));
	fo.parallel = 1;
	fo.sync_files = t->o.sync;
	fo.start = vifs_transfer_start;
	fo.step = vifs_transfer_step;
	fo.done = vifs_transfer_done;
	fo.payload = t;
	if (t->o.cancel != NULL)
		fo.tick = cancel_tick;
	t->message[0] = '\0';
	if ((error = vifs_fleet_new(&f, &fo)) < 0 ||
	    (error = vifs_fleet_add_http(f, vifs_http_hostport(http), http)) <
	        0 ||
	    (error = vifs_fleet_run(f)) < 0)
		goto done;
	h = vifs_fleet_get(f, 0);
	if ((error = vifs_fleet_host_error(h)) < 0)
		vifs_error_set(error, "%s",
		    *t->message ? t->message : vifs_fleet_host_reason(h));
done:
	vifs_fleet_free(f);
	return error;
}

int
vifs_transfer_put_path(struct vifs_remotepath **out,
    const struct vifs_remotepath *rp, const char *local)
{
	const char *p = rp->path, *name;
	struct vifs_buf full = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if (*p != '\0' && p[strlen(p) - 1] != '/')
		return VIFS_OK;
	name = strrchr(local, '/');
	name = name ? name + 1 : local;
	if ((error = vifs_buf_printf(&full, "%s%s", p, name)) == 0)
		error = vifs_remotepath_new(out, rp->mode, rp->datastore,
		    full.data, rp->dcpath);
	vifs_buf_free(&full);
	return error;
}
