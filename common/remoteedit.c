/*
 * remoteedit.c - the remote edit of a host's file as one step machine that
 * a fleet advances: fetch, edit and its lint, backup, conflict check, PUT,
 * verify, and the state of the host's file after any failure.
 *
 * The steps are a table (steps[] below).  A step has a BEGIN, which either
 * issues one request on the fleet host or does its work locally, and an
 * END, which judges the request BEGIN issued.  Both return VIFS_OK to go
 * on to the next step, a negative code to fail the edit (fail() records
 * the result first), STEP_WAIT after issuing a further request (END is
 * called again when it ends), or STEP_OVER to end the edit early with
 * success (no change, a dry run).  docs/internals/remoteedit.md says how
 * a step is added.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include <vifs/backup.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>
#include <vifs/remoteedit.h>

#include "internal.h"

/* What BEGIN and END return besides VIFS_OK and errors. */
enum { STEP_WAIT = 1, STEP_OVER = 2 };

struct vifs_remoteedit {
	struct vifs_remoteedit_opts o; /* strings below, DATA not kept */
	char *url_path;
	char *host; /* NULL until the host is known */
	char *name; /* "HOST:URL_PATH" */
	char *backup_dir; /* NULL: the default */
	char *restore;
	char *inventory_path;
	char *persist_error; /* PERSIST: why the host did not save */
	size_t max;
	vifs_http *http; /* of vifs_remoteedit_run(), borrowed */

	/* The machine. */
	size_t at; /* index in steps[] */
	size_t stop_at; /* pause before this step (fetch only); 0: none */
	int phase; /* a step's own sub-state (PUT: probing) */
	int started, over;

	char *data; /* as fetched */
	size_t len;
	char sha256[VIFS_SHA256_HEX];
	char *sent; /* the new bytes */
	size_t sent_len;
	int have_sent;
	char *cur; /* the copy found at the conflict check, when forced */
	size_t cur_len;
	vifs_editcheck *check;
	vifs_pci_topology *topo; /* of the published inventory */
	long long conf_mtime; /* Last-Modified of the file fetched */
	int put_error;
	int lock; /* the host's edit lock (hostlock.c), or -1 */
	char put_why[1024];

	struct vifs_remoteedit_result res;
	char *backup;
	char *conflict_backup;
	char *restored;
	char *message;
	char *summary;
};

/* --- names --------------------------------------------------------------- */

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
	case VIFS_STEP_EDIT:
		return "edit";
	case VIFS_STEP_INVENTORY:
		return "inventory";
	case VIFS_STEP_BACKUP:
		return "backup";
	case VIFS_STEP_CONFLICT:
		return "conflict check";
	case VIFS_STEP_PUT:
		return "upload";
	case VIFS_STEP_VERIFY:
		return "verify";
	case VIFS_STEP_PERSIST:
		return "persist";
	}
	return "none";
}

/* The last path component of the URL path, for backup names. */
static const char *
url_basename(const char *url_path)
{
	const char *slash = strrchr(url_path, '/');
	const char *base = slash ? slash + 1 : url_path;

	return vifs_path_component_ok(base) ? base : "file";
}

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* --- results -------------------------------------------------------------- */

static void
notify(vifs_remoteedit *re, enum vifs_remoteedit_step done)
{
	if (re->o.step != NULL)
		re->o.step(re->o.payload, re, done);
}

/*
 * Records the failure ERR at STEP: MESSAGE names the file (NULL: none to
 * add, the caller has been told), and the one-line summary is made from
 * FMT.  The summary is left as the thread's last error, and ERR returned.
 */
static int fail(vifs_remoteedit *re, enum vifs_remoteedit_step step, int err,
    const char *message, const char *fmt, ...) VIFS_PRINTF(5, 6);

static int
fail(vifs_remoteedit *re, enum vifs_remoteedit_step step, int err,
    const char *message, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	char *msg = message ? vifs_strdup(message) : NULL;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	free(re->message);
	free(re->summary);
	re->message = msg;
	re->summary = vifs_strdup(line);
	re->res.failed = step;
	re->res.error = err;
	re->res.message = re->message;
	re->res.summary = re->summary;
	return vifs_error_set(err, "%s", re->summary ? re->summary : "");
}

/* Takes the body of the request that just ended into *out. */
static int
take(vifs_fleet_host *h, char **out, size_t *len)
{
	return vifs_fleet_host_take_body(h, out, len);
}

static int
get(vifs_remoteedit *re, vifs_fleet_host *h)
{
	int error = vifs_fleet_get_buf(h, re->url_path, re->max);

	return error < 0 ? error : STEP_WAIT;
}

/* --- FETCH ----------------------------------------------------------------- */

static int
fetch_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	return get(re, h);
}

static int
fetch_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	char cause[1024];

	if (error == 0 && (error = take(h, &re->data, &re->len)) == 0 &&
	    (error = vifs_sha256_hex(re->sha256, re->data, re->len)) == 0) {
		memcpy(re->res.sha256_original, re->sha256, VIFS_SHA256_HEX);
		return VIFS_OK;
	}
	snprintf(cause, sizeof(cause), "%s", vifs_error_last());
	return fail(re, VIFS_STEP_FETCH, error, cause,
	    "%s; %s is unchanged: nothing was uploaded", cause,
	    url_basename(re->url_path));
}

/* --- INVENTORY ------------------------------------------------------------ */

/* The inventory the host publishes, for the safety checks of the edit. */
static int
inventory_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	int error;

	if (re->inventory_path == NULL)
		return VIFS_OK;
	/* Judged against the esx.conf just read. */
	re->conf_mtime = vifs_fleet_host_last_modified(h);
	error = vifs_fleet_get_buf(h, re->inventory_path, VIFS_PUBLISH_MAX);
	return error < 0 ? error : STEP_WAIT;
}

static int
inventory_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	struct vifs_published pub;
	char *body = NULL;
	size_t len = 0;

	/* A failed read is judged (missing), not a failure of the edit. */
	if (error == 0 && (error = take(h, &body, &len)) < 0)
		goto failed;
	error = vifs_published_judge(&pub, body, len, error, re->conf_mtime);
	free(body);
	if (error < 0)
		goto failed;
	if (re->o.inventory != NULL)
		re->o.inventory(re->o.payload, re, &pub);
	if (pub.state == VIFS_PUBLISHED_USED)
		error = vifs_inventory_topology(&re->topo, pub.inv);
	vifs_published_clear(&pub);
	if (error == 0)
		return VIFS_OK;
failed : {
	char cause[1024];

	snprintf(cause, sizeof(cause), "%s", vifs_error_last());
	return fail(re, VIFS_STEP_INVENTORY, error, cause,
	    "%s; %s is "
	    "unchanged: nothing was uploaded",
	    cause, url_basename(re->url_path));
}
}

/* --- EDIT ------------------------------------------------------------------ */

/* The caller's edit of a parsed copy, and its lint. */
static int
edit_doc(vifs_remoteedit *re)
{
	vifs_esxconf *before = NULL, *after = NULL;
	const char *file = url_basename(re->url_path);
	int error;

	if ((error = vifs_esxconf_parse(&before, re->name, re->data, re->len)) <
	        0 ||
	    (error = vifs_esxconf_parse(&after, re->name, re->data, re->len)) <
	        0)
		goto done;
	if (re->o.edit(re->o.payload, re, after) < 0) {
		error = fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, NULL,
		    "the edit was not made (see above); %s is unchanged", file);
		goto done;
	}
	if ((error = vifs_esxconf_serialize(&re->sent, &re->sent_len, after)) <
	        0 ||
	    (error = vifs_remoteedit_check(&re->check, before, after)) < 0)
		goto done;
	re->have_sent = 1;
	if (re->o.check != NULL)
		re->o.check(re->o.payload, re, re->check);
	if (re->o.flags & VIFS_REMOTEEDIT_FORCE)
		goto done;
	for (size_t i = 0; i < vifs_editcheck_count(re->check); i++) {
		const struct vifs_editcheck_item
		    *it = vifs_editcheck_get(re->check, i);

		if (!it->touched || it->severity != VIFS_LINT_ERROR)
			continue;
		error = fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, NULL,
		    "refused: %s:%zu: %s: %s; this edit touches that line: "
		    "fix it first, or use --force; %s is unchanged",
		    file, it->line, it->rule, it->message, file);
		break;
	}
done:
	if (error < 0 && re->res.failed == VIFS_STEP_NONE) {
		char cause[1024];

		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		error = fail(re, VIFS_STEP_EDIT, error, cause, "%s", cause);
	}
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	return error;
}

/* The newest backup of the host's directory that RESTORE names. */
static int
edit_restore(vifs_remoteedit *re)
{
	char *dir = NULL, *path = NULL;
	int error;

	if (re->backup_dir == NULL &&
	    (error = vifs_remoteedit_backup_dir(&dir, re->host)) < 0)
		goto done;
	if ((error = vifs_remoteedit_backup_find(&path,
	         re->backup_dir ? re->backup_dir : dir,
	         url_basename(re->url_path), re->restore)) < 0 ||
	    (error = vifs_file_read(&re->sent, &re->sent_len, path)) < 0)
		goto done;
	re->have_sent = 1;
	re->restored = path;
	re->res.restored = path;
	path = NULL;
	if (re->sent_len == 0 && !(re->o.flags & VIFS_REMOTEEDIT_FORCE)) {
		char line[2048];

		snprintf(line, sizeof(line),
		    "%s is empty; an empty %s leaves a host without its "
		    "configuration (use --force to restore it anyway)",
		    re->restored, url_basename(re->url_path));
		return fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, line, "%s",
		    line);
	}
done:
	free(dir);
	free(path);
	if (error < 0) {
		char cause[1024];

		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		return fail(re, VIFS_STEP_EDIT, error, cause, "%s", cause);
	}
	return VIFS_OK;
}

static int
edit_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	int error = 0;

	(void)h;
	if (!re->have_sent && re->o.edit != NULL)
		error = edit_doc(re);
	else if (!re->have_sent && re->restore != NULL)
		error = edit_restore(re);
	if (error < 0)
		return error;
	if ((error = vifs_sha256_hex(re->res.sha256_sent, re->sent,
	         re->sent_len)) < 0)
		return fail(re, VIFS_STEP_BACKUP, error, vifs_error_last(),
		    "%s", vifs_error_last());
	re->res.len_sent = re->sent_len;
	if (same(re->sent, re->sent_len, re->data, re->len)) {
		re->res.nochange = 1;
		return STEP_OVER;
	}
	if (re->o.flags & VIFS_REMOTEEDIT_DRY_RUN) {
		re->res.dry_run = 1;
		return STEP_OVER;
	}
	return VIFS_OK;
}

/* --- BACKUP ---------------------------------------------------------------- */

/* Saves LEN bytes of DATA to a new backup of the host in *out. */
static int
save(vifs_remoteedit *re, char **out, const void *data, size_t len)
{
	char *dir = NULL, name[256];
	long long now = re->o.now ? re->o.now : (long long)time(NULL);
	int error;

	if (re->backup_dir == NULL &&
	    (error = vifs_remoteedit_backup_dir(&dir, re->host)) < 0)
		return vifs_error_wrap(error, "no backup of %s could be made",
		    re->name);
	/* A restore's own backup of the file it replaces is never the
	 * next "latest" (vifs_remoteedit_backup_find() skips the suffix). */
	snprintf(name, sizeof(name), "%s%s", url_basename(re->url_path),
	    re->restore != NULL || (re->o.flags & VIFS_REMOTEEDIT_RESTORE) ?
	        VIFS_REMOTEEDIT_PRE_RESTORE :
	        "");
	error = vifs_remoteedit_backup(out,
	    re->backup_dir ? re->backup_dir : dir, name, now, data, len);
	free(dir);
	return error;
}

static int
backup_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	char cause[1024];
	int error;

	(void)h;
	/* The original goes to a backup before anything is sent. */
	if ((error = save(re, &re->backup, re->data, re->len)) < 0) {
		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		return fail(re, VIFS_STEP_BACKUP, error, cause,
		    "%s; %s is unchanged", cause, url_basename(re->url_path));
	}
	re->res.backup = re->backup;
	notify(re, VIFS_STEP_BACKUP);
	return VIFS_OK;
}

/* --- CONFLICT -------------------------------------------------------------- */

/* Read again just before the PUT: someone else's change since the fetch
 * must not be overwritten unnoticed. */
static int
conflict_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	char *dir = NULL, cause[1024];
	int error;

	/* One edit of this host at a time from this machine, from here to
	 * the end of the edit: a second one that read the same original
	 * is refused instead of overwriting the first one's change.  Never
	 * waited for: a step does not block. */
	if (re->backup_dir == NULL &&
	    (error = vifs_remoteedit_backup_dir(&dir, re->host)) < 0)
		return error;
	error = vifs_remoteedit_lock(&re->lock,
	    re->backup_dir ? re->backup_dir : dir, re->host, 0);
	free(dir);
	if (error < 0) {
		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		return fail(re, VIFS_STEP_CONFLICT, error, cause,
		    "%s; the file as it was is in %s", cause, re->backup);
	}
	return get(re, h);
}

static int
conflict_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	const char *file = url_basename(re->url_path);
	char cause[1024], line[2048];
	char *cur = NULL;
	size_t cur_len = 0;

	if (error == 0)
		error = take(h, &cur, &cur_len);
	if (error < 0) {
		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		snprintf(line, sizeof(line),
		    "%s could not be read again before the upload: %s",
		    re->name, cause);
		return fail(re, VIFS_STEP_CONFLICT, error, line,
		    "%s could not be read again before the upload: %s; it is "
		    "unchanged: nothing was uploaded; the file as it was is "
		    "in %s",
		    file, cause, re->backup);
	}
	/* Hashes only what is new: hashing is most of the CPU an edit adds
	 * to its transfers. */
	if (same(cur, cur_len, re->data, re->len)) {
		memcpy(re->res.sha256_current, re->sha256, VIFS_SHA256_HEX);
		free(cur);
		notify(re, VIFS_STEP_CONFLICT);
		return VIFS_OK;
	}
	vifs_sha256_hex(re->res.sha256_current, cur, cur_len);
	re->res.conflict = 1;
	if (!(re->o.flags & VIFS_REMOTEEDIT_FORCE)) {
		free(cur);
		snprintf(line, sizeof(line),
		    "%s on %s changed since it was read (SHA-256 %.12s then "
		    "%.12s)",
		    file, re->host, re->sha256, re->res.sha256_current);
		return fail(re, VIFS_STEP_CONFLICT, VIFS_ECONFLICT, line,
		    "%s changed since it was read; nothing was uploaded (run "
		    "again to edit the current file, or --force to upload "
		    "over it); the file as it was is in %s",
		    file, re->backup);
	}
	/* Forced: the copy found now is saved too, and is what the file
	 * held before the PUT. */
	re->cur = cur;
	re->cur_len = cur_len;
	if ((error = save(re, &re->conflict_backup, cur, cur_len)) < 0) {
		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		return fail(re, VIFS_STEP_BACKUP, error, cause, "%s", cause);
	}
	re->res.conflict_backup = re->conflict_backup;
	notify(re, VIFS_STEP_BACKUP);
	notify(re, VIFS_STEP_CONFLICT);
	return VIFS_OK;
}

/* --- PUT and VERIFY -------------------------------------------------------- */

/* What BYTES read back say of the host's file. */
static enum vifs_remote_state
state_of(const vifs_remoteedit *re, const char *bytes, size_t len)
{
	const char *base = re->cur ? re->cur : re->data;
	size_t base_len = re->cur ? re->cur_len : re->len;

	if (same(bytes, len, re->sent, re->sent_len))
		return VIFS_REMOTE_UPDATED;
	if (same(bytes, len, base, base_len))
		return VIFS_REMOTE_UNCHANGED;
	return VIFS_REMOTE_CHANGED;
}

static int
put_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	int error = vifs_fleet_put_buf(h, re->url_path, re->sent, re->sent_len);

	re->phase = 0;
	return error < 0 ? error : STEP_WAIT;
}

static int
put_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	const char *file = url_basename(re->url_path);
	char *now = NULL;
	size_t now_len = 0;

	if (re->phase == 0) {
		if (error == 0) {
			notify(re, VIFS_STEP_PUT);
			return VIFS_OK;
		}
		/* Read back to tell what the host holds now. */
		re->put_error = error;
		snprintf(re->put_why, sizeof(re->put_why), "%s",
		    vifs_error_last());
		re->phase = 1;
		return get(re, h);
	}
	if (error == 0 && take(h, &now, &now_len) == 0) {
		vifs_sha256_hex(re->res.sha256_final, now, now_len);
		re->res.len_final = now_len;
		re->res.state = state_of(re, now, now_len);
		re->res.put_error_but_updated = re->res.state ==
		    VIFS_REMOTE_UPDATED;
		free(now);
		return fail(re, VIFS_STEP_PUT, re->put_error, re->put_why,
		    "%s; read back, %s is %s; the file as it was is in %s",
		    re->put_why, file, vifs_remote_state_name(re->res.state),
		    re->backup);
	}
	re->res.state = VIFS_REMOTE_UNKNOWN;
	return fail(re, VIFS_STEP_PUT, re->put_error, re->put_why,
	    "%s; the state of %s is unknown: it could not be read back; to "
	    "put the file as it was back: vifs conf restore %s",
	    re->put_why, file, re->backup);
}

/* What the host stores must be what was sent. */
static int
verify_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	return get(re, h);
}

static int
verify_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	const char *file = url_basename(re->url_path);
	char cause[1024], line[2048];
	char *fin = NULL;
	size_t fin_len = 0;

	if (error == 0)
		error = take(h, &fin, &fin_len);
	if (error < 0) {
		re->res.state = VIFS_REMOTE_UNKNOWN;
		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		snprintf(line, sizeof(line),
		    "%s could not be read back after the upload: %s", re->name,
		    cause);
		return fail(re, VIFS_STEP_VERIFY, error, line,
		    "%s could not be read back after the upload: %s; its "
		    "state is unknown; to put the file as it was back: vifs "
		    "conf restore %s",
		    file, cause, re->backup);
	}
	re->res.len_final = fin_len;
	re->res.state = state_of(re, fin, fin_len);
	if (re->res.state == VIFS_REMOTE_UPDATED)
		memcpy(re->res.sha256_final, re->res.sha256_sent,
		    VIFS_SHA256_HEX);
	else
		vifs_sha256_hex(re->res.sha256_final, fin, fin_len);
	free(fin);
	if (re->res.state == VIFS_REMOTE_UPDATED) {
		notify(re, VIFS_STEP_VERIFY);
		return VIFS_OK;
	}
	snprintf(line, sizeof(line),
	    "%s does not hold what was sent: read back %zu bytes, SHA-256 "
	    "%.12s; sent %zu bytes, SHA-256 %.12s",
	    re->name, fin_len, re->res.sha256_final, re->sent_len,
	    re->res.sha256_sent);
	return fail(re, VIFS_STEP_VERIFY, VIFS_ERROR, line,
	    "%s does not hold what was sent: read back, it is %s; to put the "
	    "file as it was back: vifs conf restore %s",
	    file, vifs_remote_state_name(re->res.state), re->backup);
}

/*
 * PERSIST: the host writes its configuration to the boot device now.  The
 * edit is verified already, so this never fails it: the result says
 * whether the host saved it.  Blocks for the VIM exchanges (login, find
 * the firmware system, SyncFirmwareConfiguration, logout) on the host's
 * handle, which no request holds between steps.
 */
static int
persist_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	vifs_http *http;

	if (re->o.persist == NULL)
		return VIFS_OK;
	if ((http = vifs_fleet_host_http(h)) == NULL)
		vifs_error_set(VIFS_ERROR, "the host's connection is busy");
	else if (vifs_firmware_persist(http, re->o.persist) == 0)
		re->res.persisted = 1;
	if (!re->res.persisted) {
		free(re->persist_error);
		re->persist_error = vifs_strdup(vifs_error_last());
		re->res.persist_error = re->persist_error ? re->persist_error :
		                                            "out of memory";
	}
	vifs_error_clear();
	notify(re, VIFS_STEP_PERSIST);
	return VIFS_OK;
}

/* --- the machine ----------------------------------------------------------- */

struct step {
	enum vifs_remoteedit_step id;
	/* Issues the step's request (STEP_WAIT) or does its work (VIFS_OK,
	 * STEP_OVER, or a failure). */
	int (*begin)(vifs_remoteedit *re, vifs_fleet_host *h);
	/* Judges the request BEGIN (or END itself) issued; NULL for a step
	 * that issues none. */
	int (*end)(vifs_remoteedit *re, vifs_fleet_host *h, int error);
};

static const struct step steps[] = {
	{ VIFS_STEP_FETCH, fetch_begin, fetch_end },
	{ VIFS_STEP_INVENTORY, inventory_begin, inventory_end },
	{ VIFS_STEP_EDIT, edit_begin, NULL },
	{ VIFS_STEP_BACKUP, backup_begin, NULL },
	{ VIFS_STEP_CONFLICT, conflict_begin, conflict_end },
	{ VIFS_STEP_PUT, put_begin, put_end },
	{ VIFS_STEP_VERIFY, verify_begin, verify_end },
	{ VIFS_STEP_PERSIST, persist_begin, NULL },
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Index of step ID in steps[]. */
static size_t
step_index(enum vifs_remoteedit_step id)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (steps[i].id == id)
			return i;
	return NSTEPS;
}

/* A step's result RC: wait, go on from the next step, or be over. */
static int
advance(vifs_remoteedit *re, vifs_fleet_host *h, int rc)
{
	for (;;) {
		if (rc < 0) {
			re->over = 1;
			/* A failure a step did not record (a request that
			 * could not be issued) is recorded now. */
			if (re->res.failed == VIFS_STEP_NONE) {
				char cause[1024];

				snprintf(cause, sizeof(cause), "%s",
				    vifs_error_last());
				fail(re, steps[re->at].id, rc, cause, "%s",
				    cause);
			}
			return re->res.error;
		}
		if (rc == STEP_WAIT)
			return VIFS_OK;
		if (rc == STEP_OVER || re->at + 1 >= NSTEPS) {
			re->over = 1;
			return VIFS_OK;
		}
		re->at++;
		re->phase = 0;
		if (re->stop_at != 0 && re->at == re->stop_at)
			return VIFS_OK; /* paused: vifs_remoteedit_commit() */
		rc = steps[re->at].begin(re, h);
	}
}

int
vifs_remoteedit_start(vifs_remoteedit *re, vifs_fleet_host *h)
{
	if (re->host == NULL) {
		const char *name = vifs_fleet_host_name(h);
		struct vifs_buf b = VIFS_BUF_INIT;

		if ((re->host = vifs_strdup(name)) == NULL)
			return VIFS_ENOMEM;
		if (!vifs_path_component_ok(re->host))
			return vifs_error_set(VIFS_EINVAL,
			    "'%s' cannot name a host for backups", re->host);
		if (vifs_buf_printf(&b, "%s:%s", re->host, re->url_path) < 0)
			return VIFS_ENOMEM;
		re->name = vifs_buf_detach(&b, NULL);
	}
	re->started = 1;
	return advance(re, h, steps[re->at].begin(re, h));
}

int
vifs_remoteedit_step(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	const struct step *s = &steps[re->at];

	if (s->end == NULL)
		return vifs_error_set(VIFS_ERROR, "lost track of the edit");
	return advance(re, h, s->end(re, h, error));
}

static int
run_start(vifs_fleet_host *h, void *payload)
{
	return vifs_remoteedit_start(payload, h);
}

static int
run_step(vifs_fleet_host *h, int error, void *payload)
{
	return vifs_remoteedit_step(payload, h, error);
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
vifs_remoteedit_run(vifs_remoteedit *re, vifs_http *http)
{
	struct vifs_fleet_opts fo;
	vifs_fleet *f = NULL;
	char *name = NULL;
	int error;

	if (re == NULL || http == NULL)
		return vifs_error_set(VIFS_EINVAL, "no edit or no host");
	re->http = http;
	memset(&fo, 0, sizeof(fo));
	fo.parallel = 1;
	fo.start = run_start;
	fo.step = run_step;
	fo.payload = re;
	if ((name = re->host ? vifs_strdup(re->host) : default_host(http)) ==
	    NULL)
		return VIFS_ENOMEM;
	if ((error = vifs_fleet_new(&f, &fo)) < 0 ||
	    (error = vifs_fleet_add_http(f, name, http)) < 0 ||
	    (error = vifs_fleet_run(f)) < 0)
		goto done;
	error = vifs_fleet_host_error(vifs_fleet_get(f, 0));
	if (error < 0) {
		/* The failure as the edit recorded it, or as the fleet
		 * reports a host that never got to its first step. */
		if (re->res.failed != VIFS_STEP_NONE)
			vifs_error_set(error, "%s",
			    re->message ? re->message : re->summary);
		else
			vifs_error_set(error, "%s",
			    vifs_fleet_host_reason(vifs_fleet_get(f, 0)));
	}
done:
	vifs_fleet_free(f);
	free(name);
	return error;
}

/* --- the handle ------------------------------------------------------------ */

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

int
vifs_remoteedit_new(vifs_remoteedit **out,
    const struct vifs_remoteedit_opts *opts)
{
	struct vifs_remoteedit *re;
	struct vifs_buf name = VIFS_BUF_INIT;
	int error = 0;

	*out = NULL;
	if ((re = calloc(1, sizeof(*re))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	re->lock = -1;
	if (opts != NULL)
		re->o = *opts;
	re->o.data = NULL;
	re->o.url_path = re->o.host = re->o.backup_dir = re->o.restore = NULL;
	re->o.inventory_path = NULL;
	if ((error = dup_opt(&re->url_path,
	         opts && opts->url_path ? opts->url_path : VIFS_ESXCONF_PATH)) <
	        0 ||
	    (error = dup_opt(&re->host, opts ? opts->host : NULL)) < 0 ||
	    (error = dup_opt(&re->backup_dir, opts ? opts->backup_dir : NULL)) <
	        0 ||
	    (error = dup_opt(&re->restore, opts ? opts->restore : NULL)) < 0 ||
	    (error = dup_opt(&re->inventory_path,
	         opts ? opts->inventory_path : NULL)) < 0)
		goto done;
	re->max = opts && opts->max_size ? opts->max_size : VIFS_ESXCONF_MAX;
	if (re->host != NULL) {
		if (!vifs_path_component_ok(re->host)) {
			error = vifs_error_set(VIFS_EINVAL,
			    "'%s' cannot name a host for backups", re->host);
			goto done;
		}
		if ((error = vifs_buf_printf(&name, "%s:%s", re->host,
		         re->url_path)) < 0)
			goto done;
		re->name = vifs_buf_detach(&name, NULL);
	}
	if (opts != NULL && opts->data != NULL) {
		if ((re->sent = malloc(opts->len + 1)) == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(re->sent, opts->data, opts->len);
		re->sent[opts->len] = '\0';
		re->sent_len = opts->len;
		re->have_sent = 1;
	}
	/* With nothing to send, the edit pauses after FETCH. */
	if (!re->have_sent && re->o.edit == NULL && re->restore == NULL)
		re->stop_at = step_index(VIFS_STEP_EDIT);
	*out = re;
	re = NULL;
done:
	vifs_buf_free(&name);
	vifs_remoteedit_free(re);
	return error;
}

int
vifs_remoteedit_fetch(vifs_remoteedit **out, vifs_http *h,
    const struct vifs_remoteedit_opts *opts)
{
	struct vifs_remoteedit_opts o;
	vifs_remoteedit *re = NULL;
	int error;

	*out = NULL;
	if (h == NULL)
		return vifs_error_set(VIFS_EINVAL, "no host to fetch from");
	memset(&o, 0, sizeof(o));
	if (opts != NULL)
		o = *opts;
	o.edit = NULL;
	o.data = NULL;
	o.restore = NULL;
	if ((error = vifs_remoteedit_new(&re, &o)) < 0)
		return error;
	if ((error = vifs_remoteedit_run(re, h)) < 0) {
		/* The transfer's own message, as a fetch gives it. */
		const char *m = re->message ? re->message : vifs_error_last();
		char line[1024];

		snprintf(line, sizeof(line), "%s", m);
		vifs_remoteedit_free(re);
		return vifs_error_set(error, "%s", line);
	}
	*out = re;
	return VIFS_OK;
}

int
vifs_remoteedit_commit(vifs_remoteedit *re, const void *data, size_t len)
{
	if (re == NULL || (data == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "commit: no data");
	if (re->have_sent || re->stop_at == 0 || re->over)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: this edit was committed already", re->name);
	if ((re->sent = malloc(len + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (len > 0)
		memcpy(re->sent, data, len);
	re->sent[len] = '\0';
	re->sent_len = len;
	re->have_sent = 1;
	re->stop_at = 0;
	return vifs_remoteedit_run(re, re->http);
}

const char *
vifs_remoteedit_data(const vifs_remoteedit *re, size_t *len)
{
	if (len != NULL)
		*len = re->len;
	return re->data;
}

const char *
vifs_remoteedit_sent(const vifs_remoteedit *re, size_t *len)
{
	if (len != NULL)
		*len = re->have_sent ? re->sent_len : 0;
	return re->have_sent ? re->sent : NULL;
}

const vifs_editcheck *
vifs_remoteedit_editcheck(const vifs_remoteedit *re)
{
	return re->check;
}

const vifs_pci_topology *
vifs_remoteedit_topology(const vifs_remoteedit *re)
{
	return re->topo;
}

vifs_pci_topology *
vifs_remoteedit_take_topology(vifs_remoteedit *re)
{
	vifs_pci_topology *t = re->topo;

	re->topo = NULL;
	return t;
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
	free(re->restore);
	free(re->inventory_path);
	free(re->persist_error);
	vifs_pci_topology_free(re->topo);
	free(re->data);
	free(re->sent);
	free(re->cur);
	vifs_editcheck_free(re->check);
	free(re->backup);
	free(re->conflict_backup);
	free(re->restored);
	free(re->message);
	free(re->summary);
	vifs_remoteedit_unlock(re->lock);
	free(re);
}
