/*
 * remoteedit_steps.c - the steps of the remote edit of a host's file and
 * their table: FETCH, INVENTORY, EDIT (and its lint), BACKUP, CONFLICT,
 * PUT, VERIFY and PERSIST, each a BEGIN that issues one request on the
 * fleet host or does its work locally, and an END that judges the
 * request; what each records of a failure and the state of the host's
 * file it found.  remoteedit.c runs them; docs/internals/remoteedit.md
 * says how a step is added.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vifs/backup.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/firmware.h>
#include <vifs/fleet.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>
#include <vifs/remoteedit.h>

#include "internal.h"
#include "remoteedit_int.h"

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

int
re_fail(vifs_remoteedit *re, enum vifs_remoteedit_step step, int err,
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
	return re_fail(re, VIFS_STEP_FETCH, error, cause,
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
	return re_fail(re, VIFS_STEP_INVENTORY, error, cause,
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
		error = re_fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, NULL,
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
		error = re_fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, NULL,
		    "refused: %s:%zu: %s: %s; this edit touches that line: "
		    "fix it first, or use --force; %s is unchanged",
		    file, it->line, it->rule, it->message, file);
		break;
	}
done:
	if (error < 0 && re->res.failed == VIFS_STEP_NONE) {
		char cause[1024];

		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		error = re_fail(re, VIFS_STEP_EDIT, error, cause, "%s", cause);
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
		return re_fail(re, VIFS_STEP_EDIT, VIFS_EREFUSED, line, "%s",
		    line);
	}
done:
	free(dir);
	free(path);
	if (error < 0) {
		char cause[1024];

		snprintf(cause, sizeof(cause), "%s", vifs_error_last());
		return re_fail(re, VIFS_STEP_EDIT, error, cause, "%s", cause);
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
		return re_fail(re, VIFS_STEP_BACKUP, error, vifs_error_last(),
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
		return re_fail(re, VIFS_STEP_BACKUP, error, cause,
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
		return re_fail(re, VIFS_STEP_CONFLICT, error, cause,
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
		return re_fail(re, VIFS_STEP_CONFLICT, error, line,
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
		return re_fail(re, VIFS_STEP_CONFLICT, VIFS_ECONFLICT, line,
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
		return re_fail(re, VIFS_STEP_BACKUP, error, cause, "%s", cause);
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
		return re_fail(re, VIFS_STEP_PUT, re->put_error, re->put_why,
		    "%s; read back, %s is %s; the file as it was is in %s",
		    re->put_why, file, vifs_remote_state_name(re->res.state),
		    re->backup);
	}
	re->res.state = VIFS_REMOTE_UNKNOWN;
	return re_fail(re, VIFS_STEP_PUT, re->put_error, re->put_why,
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
		return re_fail(re, VIFS_STEP_VERIFY, error, line,
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
	return re_fail(re, VIFS_STEP_VERIFY, VIFS_ERROR, line,
	    "%s does not hold what was sent: read back, it is %s; to put the "
	    "file as it was back: vifs conf restore %s",
	    file, vifs_remote_state_name(re->res.state), re->backup);
}

/*
 * PERSIST: the host writes its configuration to the boot device now
 * (firmware_job.c: the VIM session, SyncFirmwareConfiguration, the
 * logout, as requests of the host).  The edit is verified already, so
 * this never fails it: the result says whether the host saved it.
 */
static int
persist_result(vifs_remoteedit *re, int error)
{
	if (error == 0 && !vifs_firmware_job_over(re->fw))
		return STEP_WAIT;
	if (error == 0)
		re->res.persisted = 1;
	else {
		free(re->persist_error);
		re->persist_error = vifs_strdup(vifs_error_last());
		re->res.persist_error = re->persist_error ? re->persist_error :
		                                            "out of memory";
	}
	vifs_error_clear();
	notify(re, VIFS_STEP_PERSIST);
	return VIFS_OK;
}

static int
persist_begin(vifs_remoteedit *re, vifs_fleet_host *h)
{
	struct vifs_firmware_job_opts o;
	int error;

	if (re->o.persist == NULL)
		return VIFS_OK;
	memset(&o, 0, sizeof(o));
	o.what = VIFS_FIRMWARE_PERSIST;
	o.login = re->o.persist;
	if ((error = vifs_firmware_job_new(&re->fw, &o)) == 0)
		error = vifs_firmware_job_start(re->fw, h);
	return persist_result(re, error);
}

static int
persist_end(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	return persist_result(re, vifs_firmware_job_step(re->fw, h, error));
}

/* --- the table --------------------------------------------------------- */

const struct re_step re_steps[] = {
	{ VIFS_STEP_FETCH, fetch_begin, fetch_end },
	{ VIFS_STEP_INVENTORY, inventory_begin, inventory_end },
	{ VIFS_STEP_EDIT, edit_begin, NULL },
	{ VIFS_STEP_BACKUP, backup_begin, NULL },
	{ VIFS_STEP_CONFLICT, conflict_begin, conflict_end },
	{ VIFS_STEP_PUT, put_begin, put_end },
	{ VIFS_STEP_VERIFY, verify_begin, verify_end },
	{ VIFS_STEP_PERSIST, persist_begin, persist_end },
};

const size_t re_nsteps = NELEM(re_steps);
