/*
 * remoteedit.c - edits of a host's file that cannot lose data: fetch,
 * backup, conflict check, PUT, verify, and the state of the host's file
 * after any failure; plus the lint of an edit (which findings the edit
 * touches).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/http.h>
#include <vifs/remoteedit.h>

#include "dirs.h"
#include "internal.h"

#define DEFAULT_URL_PATH "/host/esx.conf"
#define DEFAULT_MAX ((size_t)64 << 20)
/* Backup names tried for one second before giving up. */
#define BACKUP_TRIES 1000

struct vifs_remoteedit {
	vifs_http *http;
	char *url_path;
	char *host;
	char *name; /* "HOST:URL_PATH" */
	char *backup_dir; /* NULL: the default */
	unsigned flags;
	size_t max;
	long long now;
	vifs_remoteedit_step_fn step;
	void *step_payload;
	char *data; /* as fetched */
	size_t len;
	char sha256[VIFS_SHA256_HEX];
	int committed;
	struct vifs_remoteedit_result res;
	char *backup;
	char *conflict_backup;
	char *message;
};

/*
 * Records ERR with the message "PREFIX: <the last message>", PREFIX made
 * from FMT; returns ERR.  The last message is copied first: it lives in
 * the buffer that vifs_error_set() writes.
 */
static int context(int err, const char *fmt, ...) VIFS_PRINTF(2, 3);

static int
context(int err, const char *fmt, ...)
{
	char prev[1024], prefix[512];
	va_list ap;

	snprintf(prev, sizeof(prev), "%s", vifs_error_last());
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return vifs_error_set(err, "%s: %s", prefix, prev);
}

int
vifs_sha256_hex(char hex[VIFS_SHA256_HEX], const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return vifs_error_set(VIFS_ERROR, "SHA-256 failed (OpenSSL)");
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
	return VIFS_OK;
}

const char *
vifs_remote_state_name(enum vifs_remote_state s)
{
	switch (s) {
	case VIFS_REMOTE_UNCHANGED:
		return "unchanged";
	case VIFS_REMOTE_UPDATED:
		return "updated";
	case VIFS_REMOTE_CHANGED:
		return "changed";
	case VIFS_REMOTE_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

const char *
vifs_remoteedit_step_name(enum vifs_remoteedit_step s)
{
	switch (s) {
	case VIFS_STEP_NONE:
		return "none";
	case VIFS_STEP_FETCH:
		return "fetch";
	case VIFS_STEP_BACKUP:
		return "backup";
	case VIFS_STEP_CONFLICT:
		return "conflict check";
	case VIFS_STEP_PUT:
		return "upload";
	case VIFS_STEP_VERIFY:
		return "verify";
	}
	return "none";
}

/* 1 when NAME can be one component of a path. */
static int
valid_component(const char *name)
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
	if (!valid_component(host))
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
	if (dir == NULL || *dir == '\0' || !valid_component(basename))
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
		error = context(VIFS_EIO, "cannot write the backup");
		goto done;
	}
	if ((error = create_unique(&fd, &path, dir, stamp, basename)) < 0)
		goto done;
	created = 1;
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 ||
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

/* "host:port" without the default ":443". */
static char *
default_host(vifs_http *h)
{
	const char *hp = vifs_http_hostport(h);
	size_t n = strlen(hp);

	if (n > 4 && strcmp(hp + n - 4, ":443") == 0)
		n -= 4;
	return vifs_strndup(hp, n);
}

int
vifs_remoteedit_fetch(vifs_remoteedit **out, vifs_http *h,
    const struct vifs_remoteedit_opts *opts)
{
	struct vifs_remoteedit *re;
	struct vifs_buf name = VIFS_BUF_INIT;
	int error = 0;

	*out = NULL;
	if (h == NULL)
		return vifs_error_set(VIFS_EINVAL, "no host to fetch from");
	if ((re = calloc(1, sizeof(*re))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	re->http = h;
	re->url_path = vifs_strdup(
	    opts && opts->url_path ? opts->url_path : DEFAULT_URL_PATH);
	re->host = opts && opts->host ? vifs_strdup(opts->host) :
	                                default_host(h);
	if (re->url_path == NULL || re->host == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if (!valid_component(re->host)) {
		error = vifs_error_set(VIFS_EINVAL,
		    "'%s' cannot name a host for backups", re->host);
		goto done;
	}
	if (opts && opts->backup_dir &&
	    (re->backup_dir = vifs_strdup(opts->backup_dir)) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	re->flags = opts ? opts->flags : 0;
	re->max = opts && opts->max_size ? opts->max_size : DEFAULT_MAX;
	re->now = opts ? opts->now : 0;
	re->step = opts ? opts->step : NULL;
	re->step_payload = opts ? opts->step_payload : NULL;
	if ((error = vifs_buf_printf(&name, "%s:%s", re->host, re->url_path)) <
	    0)
		goto done;
	re->name = vifs_buf_detach(&name, NULL);
	if ((error = vifs_http_get_buf(h, re->url_path, &re->data, &re->len,
	         re->max)) < 0)
		goto done;
	if ((error = vifs_sha256_hex(re->sha256, re->data, re->len)) < 0)
		goto done;
	memcpy(re->res.sha256_original, re->sha256, VIFS_SHA256_HEX);
	*out = re;
	re = NULL;
done:
	vifs_buf_free(&name);
	vifs_remoteedit_free(re);
	return error;
}

const char *
vifs_remoteedit_data(const vifs_remoteedit *re, size_t *len)
{
	if (len != NULL)
		*len = re->len;
	return re->data;
}

const char *
vifs_remoteedit_host(const vifs_remoteedit *re)
{
	return re->host;
}

const char *
vifs_remoteedit_name(const vifs_remoteedit *re)
{
	return re->name;
}

const char *
vifs_remoteedit_sha256(const vifs_remoteedit *re)
{
	return re->sha256;
}

const struct vifs_remoteedit_result *
vifs_remoteedit_result(const vifs_remoteedit *re)
{
	return &re->res;
}

void
vifs_remoteedit_free(vifs_remoteedit *re)
{
	if (re == NULL)
		return;
	free(re->url_path);
	free(re->host);
	free(re->name);
	free(re->backup_dir);
	free(re->data);
	free(re->backup);
	free(re->conflict_backup);
	free(re->message);
	free(re);
}

static void
step_done(vifs_remoteedit *re, enum vifs_remoteedit_step done)
{
	if (re->step != NULL)
		re->step(re->step_payload, done, &re->res);
}

/* Records the failure ERR at STEP (message from the thread's last error)
 * and returns ERR. */
static int
fail(vifs_remoteedit *re, enum vifs_remoteedit_step step, int err)
{
	free(re->message);
	re->message = strdup(vifs_error_last());
	re->res.failed = step;
	re->res.error = err;
	re->res.message = re->message;
	/* The last error of the thread is the failure, whatever ran after
	 * it (the read that tells the state). */
	if (re->message != NULL)
		vifs_error_set(err, "%s", re->message);
	return err;
}

/* The last path component of the URL path, for backup names. */
static const char *
url_basename(const char *url_path)
{
	const char *slash = strrchr(url_path, '/');
	const char *base = slash ? slash + 1 : url_path;

	return valid_component(base) ? base : "file";
}

static int
backup(vifs_remoteedit *re, char **out, const void *data, size_t len)
{
	char *dir = NULL;
	long long now = re->now ? re->now : (long long)time(NULL);
	int error;

	if (re->backup_dir == NULL &&
	    (error = vifs_remoteedit_backup_dir(&dir, re->host)) < 0)
		return context(error, "no backup of %s could be made",
		    re->name);
	error = vifs_remoteedit_backup(out,
	    re->backup_dir ? re->backup_dir : dir, url_basename(re->url_path),
	    now, data, len);
	free(dir);
	return error;
}

/*
 * Reads the host's file once more and says what it holds: the bytes SENT,
 * the bytes BASE, something else, or unknown.
 */
static enum vifs_remote_state
probe(vifs_remoteedit *re, const void *sent, size_t sent_len, const char *base,
    size_t base_len)
{
	char *now = NULL;
	size_t now_len = 0;
	enum vifs_remote_state st;

	if (vifs_http_get_buf(re->http, re->url_path, &now, &now_len, re->max) <
	    0)
		return VIFS_REMOTE_UNKNOWN;
	vifs_sha256_hex(re->res.sha256_final, now, now_len);
	if (now_len == sent_len && memcmp(now, sent, sent_len) == 0)
		st = VIFS_REMOTE_UPDATED;
	else if (now_len == base_len && memcmp(now, base, base_len) == 0)
		st = VIFS_REMOTE_UNCHANGED;
	else
		st = VIFS_REMOTE_CHANGED;
	free(now);
	return st;
}

int
vifs_remoteedit_commit(vifs_remoteedit *re, const void *data, size_t len)
{
	char *cur = NULL, *fin = NULL;
	size_t cur_len = 0, fin_len = 0;
	const char *base;
	size_t base_len;
	int error;

	if (re == NULL || (data == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "commit: no data");
	if (re->committed)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: this edit was committed already", re->name);
	re->committed = 1;
	re->res.state = VIFS_REMOTE_UNCHANGED;
	if ((error = vifs_sha256_hex(re->res.sha256_sent, data, len)) < 0)
		return fail(re, VIFS_STEP_BACKUP, error);
	if (len == re->len && memcmp(data, re->data, len) == 0) {
		re->res.nochange = 1;
		return VIFS_OK;
	}

	/* 1. The original goes to a backup before anything is sent. */
	if ((error = backup(re, &re->backup, re->data, re->len)) < 0)
		return fail(re, VIFS_STEP_BACKUP, error);
	re->res.backup = re->backup;
	step_done(re, VIFS_STEP_BACKUP);

	/* 2. Read again just before the PUT: someone else's change since
	 * the fetch must not be overwritten unnoticed. */
	if ((error = vifs_http_get_buf(re->http, re->url_path, &cur, &cur_len,
	         re->max)) < 0) {
		error = context(error,
		    "%s could not be read again before the upload", re->name);
		return fail(re, VIFS_STEP_CONFLICT, error);
	}
	vifs_sha256_hex(re->res.sha256_current, cur, cur_len);
	base = re->data;
	base_len = re->len;
	if (strcmp(re->res.sha256_current, re->sha256) != 0) {
		re->res.conflict = 1;
		if (!(re->flags & VIFS_REMOTEEDIT_FORCE)) {
			free(cur);
			error = vifs_error_set(VIFS_ECONFLICT,
			    "%s on %s changed since it was read (SHA-256 %.12s "
			    "then %.12s)",
			    url_basename(re->url_path), re->host, re->sha256,
			    re->res.sha256_current);
			return fail(re, VIFS_STEP_CONFLICT, error);
		}
		/* Forced: the copy found now is saved too. */
		if ((error = backup(re, &re->conflict_backup, cur, cur_len)) <
		    0) {
			free(cur);
			return fail(re, VIFS_STEP_BACKUP, error);
		}
		re->res.conflict_backup = re->conflict_backup;
		step_done(re, VIFS_STEP_BACKUP);
		base = cur;
		base_len = cur_len;
	}
	step_done(re, VIFS_STEP_CONFLICT);

	/* 3. The upload.  On failure, read back to tell the state. */
	if ((error = vifs_http_put_buf(re->http, re->url_path, data, len)) <
	    0) {
		char *msg = strdup(vifs_error_last());

		re->res.state = probe(re, data, len, base, base_len);
		re->res.put_error_but_updated = re->res.state ==
		    VIFS_REMOTE_UPDATED;
		if (msg != NULL)
			vifs_error_set(error, "%s", msg);
		free(msg);
		free(cur);
		return fail(re, VIFS_STEP_PUT, error);
	}

	step_done(re, VIFS_STEP_PUT);

	/* 4. Verify: what the host stores must be what was sent. */
	if ((error = vifs_http_get_buf(re->http, re->url_path, &fin, &fin_len,
	         re->max)) < 0) {
		re->res.state = VIFS_REMOTE_UNKNOWN;
		error = context(error,
		    "%s could not be read back after the upload", re->name);
		free(cur);
		return fail(re, VIFS_STEP_VERIFY, error);
	}
	vifs_sha256_hex(re->res.sha256_final, fin, fin_len);
	if (fin_len == len && memcmp(fin, data, len) == 0) {
		re->res.state = VIFS_REMOTE_UPDATED;
		error = VIFS_OK;
		step_done(re, VIFS_STEP_VERIFY);
	} else {
		re->res.state = fin_len == base_len &&
		        memcmp(fin, base, base_len) == 0 ?
		    VIFS_REMOTE_UNCHANGED :
		    VIFS_REMOTE_CHANGED;
		error = vifs_error_set(VIFS_ERROR,
		    "%s does not hold what was sent: read back %zu bytes, "
		    "SHA-256 %.12s; sent %zu bytes, SHA-256 %.12s",
		    re->name, fin_len, re->res.sha256_final, len,
		    re->res.sha256_sent);
		fail(re, VIFS_STEP_VERIFY, error);
	}
	free(cur);
	free(fin);
	return error;
}

/* --- lint of an edit --------------------------------------------------- */

struct vifs_editcheck {
	vifs_lint *lint;
	struct vifs_editcheck_item *v;
	size_t n, refusals, removed, added;
};

/* A key the edit sets, adds or removes; borrowed from a document. */
struct span {
	const char *p;
	size_t len;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static int
spans_add(struct spans *s, const char *p, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct span *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].p = p;
	s->v[s->n++].len = len;
	return VIFS_OK;
}

/* Parses a decimal number at *P (up to END); 0 when there is none. */
static size_t
number(const char **p, const char *end)
{
	size_t v = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (v > ((size_t)-1 - 9) / 10)
			return 0;
		v = v * 10 + (size_t)(**p - '0');
		(*p)++;
	}
	return v;
}

/* "S[,C]" of a hunk header: the first line and the count (1 when left
 * out). */
static void
hunk_range(const char **p, const char *end, size_t *start, size_t *count)
{
	*start = number(p, end);
	*count = 1;
	if (*p < end && **p == ',') {
		(*p)++;
		*count = number(p, end);
	}
}

/* Adds the key of line INDEX (0-based) of DOC, when it is an entry. */
static int
add_key(struct spans *keys, const vifs_esxconf *doc, size_t index)
{
	struct vifs_esxconf_line l;

	if (vifs_esxconf_line(&l, doc, index) < 0 ||
	    l.kind != VIFS_ESXCONF_ENTRY)
		return VIFS_OK;
	return spans_add(keys, l.key, l.key_len);
}

/*
 * Marks in TOUCHED the lines of BEFORE that the diff (context 0) removes
 * or replaces, and collects the keys of removed and added lines.
 */
static int
mark_hunks(struct vifs_editcheck *c, unsigned char *touched, size_t nlines,
    struct spans *keys, const vifs_esxconf *before, const vifs_esxconf *after,
    const char *diff, size_t diff_len)
{
	const char *p = diff, *end = diff + diff_len;
	int error = 0;

	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p > 4 && memcmp(p, "@@ -", 4) == 0) {
			const char *q = p + 4;
			size_t a, ac, b, bc, i;

			hunk_range(&q, eol, &a, &ac);
			if (q + 2 <= eol && q[0] == ' ' && q[1] == '+') {
				q += 2;
				hunk_range(&q, eol, &b, &bc);
			} else {
				b = bc = 0;
			}
			for (i = 0; i < ac && error == 0; i++) {
				if (a + i >= 1 && a + i <= nlines)
					touched[a + i - 1] = 1;
				c->removed++;
				if (a + i >= 1)
					error = add_key(keys, before,
					    a + i - 1);
			}
			for (i = 0; i < bc && error == 0; i++) {
				c->added++;
				if (b + i >= 1)
					error = add_key(keys, after, b + i - 1);
			}
		}
		p = nl ? nl + 1 : end;
	}
	return error;
}

/* A byte that may continue a key component (so "KEY" + it is another
 * key, not KEY followed by junk). */
static int
key_continues(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' ||
	    ch == '/' || ch == '[' || ch == ']' || ch == ':' || ch >= 0x80;
}

/* 1 when malformed line TEXT begins (after blanks) with one of KEYS. */
static int
malformed_names_key(const char *text, size_t len, const struct spans *keys)
{
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	for (size_t i = 0; i < keys->n; i++) {
		const struct span *k = &keys->v[i];

		if (k->len == 0 || k->len > len ||
		    memcmp(text, k->p, k->len) != 0)
			continue;
		if (k->len == len ||
		    !key_continues((unsigned char)text[k->len]))
			return 1;
	}
	return 0;
}

int
vifs_remoteedit_check(vifs_editcheck **out, const vifs_esxconf *before,
    const vifs_esxconf *after)
{
	struct vifs_editcheck *c;
	struct spans keys = { NULL, 0, 0 };
	unsigned char *touched = NULL;
	char *a = NULL, *b = NULL, *diff = NULL;
	size_t a_len, b_len, diff_len = 0, nlines, i;
	int error = 0;

	*out = NULL;
	if (before == NULL || after == NULL)
		return vifs_error_set(VIFS_EINVAL, "edit check: no document");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((error = vifs_esxconf_lint(&c->lint, before)) < 0)
		goto done;
	nlines = vifs_esxconf_line_count(before);
	if ((touched = calloc(nlines ? nlines : 1, 1)) == NULL ||
	    (c->v = calloc(vifs_lint_count(c->lint) + 1, sizeof(*c->v))) ==
	        NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = vifs_esxconf_serialize(&a, &a_len, before)) < 0 ||
	    (error = vifs_esxconf_serialize(&b, &b_len, after)) < 0 ||
	    (error = vifs_diff_unified(&diff, &diff_len, a, a_len, b, b_len,
	         "a", "b", 0)) < 0)
		goto done;
	if ((error = mark_hunks(c, touched, nlines, &keys, before, after, diff,
	         diff_len)) < 0)
		goto done;
	for (i = 0; i < vifs_lint_count(c->lint); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(c->lint, i);
		struct vifs_editcheck_item *it = &c->v[c->n++];
		struct vifs_esxconf_line l;

		it->rule = f->rule;
		it->severity = f->severity;
		it->line = f->line;
		it->message = f->message;
		if (f->line >= 1 && f->line <= nlines) {
			if (touched[f->line - 1])
				it->touched = VIFS_EDIT_CHANGED;
			else if (vifs_esxconf_line(&l, before, f->line - 1) ==
			        0 &&
			    l.kind == VIFS_ESXCONF_MALFORMED &&
			    malformed_names_key(l.text, l.text_len, &keys))
				it->touched = VIFS_EDIT_SAME_KEY;
		}
		if (it->touched && it->severity == VIFS_LINT_ERROR)
			c->refusals++;
	}
	*out = c;
	c = NULL;
done:
	free(keys.v);
	free(touched);
	free(a);
	free(b);
	free(diff);
	vifs_editcheck_free(c);
	return error;
}

size_t
vifs_editcheck_count(const vifs_editcheck *c)
{
	return c ? c->n : 0;
}

const struct vifs_editcheck_item *
vifs_editcheck_get(const vifs_editcheck *c, size_t i)
{
	if (c == NULL || i >= c->n)
		return NULL;
	return &c->v[i];
}

size_t
vifs_editcheck_refusals(const vifs_editcheck *c)
{
	return c ? c->refusals : 0;
}

size_t
vifs_editcheck_lines_removed(const vifs_editcheck *c)
{
	return c ? c->removed : 0;
}

size_t
vifs_editcheck_lines_added(const vifs_editcheck *c)
{
	return c ? c->added : 0;
}

void
vifs_editcheck_free(vifs_editcheck *c)
{
	if (c == NULL)
		return;
	vifs_lint_free(c->lint);
	free(c->v);
	free(c);
}
