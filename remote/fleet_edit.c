/*
 * fleet_edit.c - `vifs conf set|unset|restore` and `vifs passthru
 * enable|disable` across many hosts at once.
 *
 * The families parse their command line as for one host; with the fleet
 * options stripped and fleet_edit_active() true, their edit of a host's
 * file comes here instead of remote_edit.c.  Each host then runs the
 * steps of <vifs/remoteedit.h> on the fleet engine: GET the file, for a
 * passthru edit without --inventory GET the inventory the host publishes
 * (<vifs/publish.h>), edit a copy with the family's edit, lint of the edit (refusals), a local backup
 * of the original (vifs_remoteedit_backup, in the host's own backup
 * directory), GET again and compare (conflict), PUT, GET and compare
 * (verify); after a failed PUT the file is read once more to tell the
 * state the host is in.  Restores put each host's own backup back the
 * same way.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/fleet.h>
#include <vifs/hostlist.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>
#include <vifs/remoteedit.h>

#include "fleet_cli.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

#define ESXCONF_PATH "/host/esx.conf"
#define ESXCONF_MAX ((size_t)64 << 20)
#define BACKUP_SUFFIX "-esx.conf"

static struct {
	int active;
	const char *family;
	struct fleet_cli fc;
} ctx;

int
fleet_edit_active(void)
{
	return ctx.active;
}

/* What a host does next. */
enum phase {
	PH_FETCH = 0, /* GET the file */
	PH_INVENTORY, /* GET the inventory the host publishes */
	PH_CONFLICT, /* GET again before the PUT */
	PH_PUT,
	PH_VERIFY, /* GET after the PUT */
	PH_PROBE, /* GET after a failed PUT */
};

struct edit_job {
	struct fleet_cli *fc; /* the shared fleet state (ctx.fc) */
	const struct tool_doc_opts *opts;
	tool_edit_fn edit; /* NULL: a restore */
	void *arg;
	const char *which; /* restore: "latest" or a time prefix */
	const char *verb; /* "updated", "restored" */
	char *pub_path; /* URL path of the published inventory */
	long long now; /* the time in backup names, the same for all */
	size_t changed, unchanged;
};

/* The state of one host in its slot. */
struct host_edit {
	enum phase phase;
	char *orig; /* as fetched */
	size_t orig_len;
	char *sent; /* what goes up */
	size_t sent_len;
	char *base; /* what the file held before the PUT */
	size_t base_len;
	char *backup; /* path of the backup of ORIG */
	char *dir; /* the host's backup directory */
	int put_error; /* code of a failed PUT */
	char put_why[512];
	char note[1536]; /* the line of an ok host, after "ok" */
	vifs_pci_topology *topo; /* of its published inventory, or NULL */
	long long conf_mtime; /* Last-Modified of esx.conf */
};

static void
host_edit_free(struct host_edit *he)
{
	if (he == NULL)
		return;
	free(he->orig);
	free(he->sent);
	if (he->base != he->orig)
		free(he->base);
	free(he->backup);
	free(he->dir);
	vifs_pci_topology_free(he->topo);
	free(he);
}

/* The backup directory of host H: --backup-dir/HOST, or the default. */
static int
backup_dir(char **out, const struct tool_doc_opts *opts, vifs_fleet_host *h)
{
	char *safe = NULL;
	size_t len;
	int error;

	*out = NULL;
	if (opts->backup_dir == NULL)
		return vifs_remoteedit_backup_dir(out, vifs_fleet_host_name(h));
	if ((error = vifs_hostlist_safe_name(&safe, vifs_fleet_host_name(h))) <
	    0)
		return error;
	len = strlen(opts->backup_dir) + strlen(safe) + 2;
	if ((*out = malloc(len)) == NULL)
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
	else
		snprintf(*out, len, "%s/%s", opts->backup_dir, safe);
	free(safe);
	return error;
}

/* The newest backup in DIR whose name starts with WHICH ("latest": any). */
static int
pick_backup(char **out, const char *dir, const char *which)
{
	DIR *d;
	struct dirent *e;
	char *best = NULL;
	size_t sl = strlen(BACKUP_SUFFIX), wl = strlen(which);
	int error = 0, latest = strcmp(which, "latest") == 0;

	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return vifs_error_set(errno == ENOENT ? VIFS_ENOTFOUND :
		                                        VIFS_EIO,
		    "no backups: %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		/* Names sort as their times: YYYYmmddTHHMMSSZ[.N]-esx.conf */
		if (n <= sl || strcmp(e->d_name + n - sl, BACKUP_SUFFIX) != 0 ||
		    e->d_name[0] < '0' || e->d_name[0] > '9')
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
		size_t len = strlen(dir) + strlen(best) + 2;

		if ((*out = malloc(len)) == NULL)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		else
			snprintf(*out, len, "%s/%s", dir, best);
	}
	free(best);
	return error;
}

/* Applies the family's edit to the fetched bytes: the new bytes in HE,
 * or a refusal.  Messages of the edit name the host. */
static int
make_edit(struct edit_job *j, struct host_edit *he, vifs_fleet_host *h)
{
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_editcheck *check = NULL;
	const char *progname = tool_progname;
	char prefix[1100], name[1100];
	int error = 0, rc;

	snprintf(name, sizeof(name), "%s:%s", vifs_fleet_host_name(h),
	    ESXCONF_PATH);
	if ((error = vifs_esxconf_parse(&before, name, he->orig,
	         he->orig_len)) < 0 ||
	    (error = vifs_esxconf_parse(&after, name, he->orig, he->orig_len)) <
	        0)
		goto done;
	snprintf(prefix, sizeof(prefix), "%s: %s", progname,
	    vifs_fleet_host_name(h));
	tool_progname = prefix;
	/* The family's edit sees this host's published inventory. */
	if (j->opts->published != NULL)
		*j->opts->published = he->topo;
	rc = j->edit(after, j->arg);
	if (j->opts->published != NULL)
		*j->opts->published = NULL;
	tool_progname = progname;
	if (rc != TOOL_OK) {
		error = vifs_error_set(VIFS_EREFUSED,
		    "the edit was not made (see above); esx.conf is unchanged");
		goto done;
	}
	if ((error = vifs_esxconf_serialize(&he->sent, &he->sent_len, after)) <
	        0 ||
	    (error = vifs_remoteedit_check(&check, before, after)) < 0)
		goto done;
	for (size_t i = 0; i < vifs_editcheck_count(check); i++) {
		const struct vifs_editcheck_item *it = vifs_editcheck_get(check,
		    i);

		if (!it->touched || it->severity != VIFS_LINT_ERROR)
			continue;
		if (j->opts->force) {
			tool_warnf("%s: overridden by force: line %zu: %s: %s",
			    vifs_fleet_host_name(h), it->line, it->rule,
			    it->message);
			continue;
		}
		error = vifs_error_set(VIFS_EREFUSED,
		    "refused: esx.conf:%zu: %s: %s; this edit touches that "
		    "line: fix it first, or use --force; esx.conf is "
		    "unchanged",
		    it->line, it->rule, it->message);
		goto done;
	}
	if (j->opts->dry_run)
		snprintf(he->note, sizeof(he->note),
		    "would change esx.conf: -%zu +%zu lines (--dry-run)",
		    vifs_editcheck_lines_removed(check),
		    vifs_editcheck_lines_added(check));
done:
	vifs_editcheck_free(check);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	return error;
}

/* The restore's new bytes: the host's own backup. */
static int
read_backup(struct edit_job *j, struct host_edit *he)
{
	char *path = NULL;
	int error;

	if ((error = pick_backup(&path, he->dir, j->which)) < 0)
		return error;
	error = vifs_file_read(&he->sent, &he->sent_len, path);
	if (error == 0 && he->sent_len == 0 && !j->opts->force)
		error = vifs_error_set(VIFS_EREFUSED,
		    "%s is empty; an empty esx.conf leaves a host without its "
		    "configuration (use --force to restore it anyway)",
		    path);
	if (error == 0 && j->opts->dry_run)
		snprintf(he->note, sizeof(he->note),
		    "would restore %s "
		    "(--dry-run)",
		    path);
	free(path);
	return error;
}

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The file fetched: make the new bytes, back up, read again. */
static int
fetched(struct edit_job *j, struct host_edit *he, vifs_fleet_host *h)
{
	int error;

	if ((he->orig == NULL &&
	        (error = vifs_fleet_host_take_body(h, &he->orig,
	             &he->orig_len)) < 0) ||
	    (error = backup_dir(&he->dir, j->opts, h)) < 0)
		return error;
	error = j->edit != NULL ? make_edit(j, he, h) : read_backup(j, he);
	if (error < 0)
		return error;
	if (same(he->orig, he->orig_len, he->sent, he->sent_len)) {
		snprintf(he->note, sizeof(he->note), "no change");
		j->unchanged++;
		return VIFS_OK;
	}
	if (j->opts->dry_run)
		return VIFS_OK;
	/* 1. The original goes to a backup before anything is sent. */
	if ((error = vifs_remoteedit_backup(&he->backup, he->dir, "esx.conf",
	         j->now, he->orig, he->orig_len)) < 0)
		return vifs_error_set(error, "%s; esx.conf is unchanged",
		    vifs_error_last());
	/* 2. Read again just before the PUT. */
	he->phase = PH_CONFLICT;
	return vifs_fleet_get_buf(h, ESXCONF_PATH, ESXCONF_MAX);
}

/*
 * The inventory the host publishes (<vifs/publish.h>), judged against
 * the esx.conf just read; said either way, then the edit.
 */
static int
published(struct edit_job *j, struct host_edit *he, vifs_fleet_host *h,
    int error)
{
	struct vifs_published pub;
	char *body = NULL;
	size_t len = 0;

	if (error == 0 &&
	    (error = vifs_fleet_host_take_body(h, &body, &len)) < 0)
		return error;
	error = vifs_published_judge(&pub, body, len, error, he->conf_mtime);
	free(body);
	if (error < 0)
		return error;
	if (pub.state != VIFS_PUBLISHED_USED)
		tool_warnf("%s: %s", vifs_fleet_host_name(h), pub.message);
	else if ((error = vifs_inventory_topology(&he->topo, pub.inv)) == 0)
		tool_notef("%s: %s", vifs_fleet_host_name(h), pub.message);
	vifs_published_clear(&pub);
	return error < 0 ? error : fetched(j, he, h);
}

/* The second read: a change since the first stops the edit unless
 * forced (the copy found is then backed up too). */
static int
reread(struct edit_job *j, struct host_edit *he, vifs_fleet_host *h)
{
	char *cur = NULL, *cb = NULL;
	size_t cur_len = 0;
	int error;

	if ((error = vifs_fleet_host_take_body(h, &cur, &cur_len)) < 0)
		return error;
	he->base = he->orig;
	he->base_len = he->orig_len;
	if (!same(cur, cur_len, he->orig, he->orig_len)) {
		if (!j->opts->force) {
			free(cur);
			return vifs_error_set(VIFS_ECONFLICT,
			    "esx.conf changed since it was read; nothing was "
			    "uploaded (run again to edit the current file, or "
			    "--force to upload over it); the file as it was is "
			    "in %s",
			    he->backup);
		}
		if ((error = vifs_remoteedit_backup(&cb, he->dir, "esx.conf",
		         j->now, cur, cur_len)) < 0) {
			free(cur);
			return error;
		}
		tool_warnf("%s: esx.conf had changed since it was read; "
		           "uploading over it because of --force (the copy "
		           "found is in %s)",
		    vifs_fleet_host_name(h), cb);
		free(cb);
		he->base = cur;
		he->base_len = cur_len;
	} else {
		free(cur);
	}
	/* 3. The upload. */
	he->phase = PH_PUT;
	return vifs_fleet_put_buf(h, ESXCONF_PATH, he->sent, he->sent_len);
}

/* What the host holds, read back after the PUT, compared with what was
 * sent and what was there. */
static const char *
state_of(const struct host_edit *he, const char *cur, size_t cur_len)
{
	if (same(cur, cur_len, he->sent, he->sent_len))
		return vifs_remote_state_name(VIFS_REMOTE_UPDATED);
	if (same(cur, cur_len, he->base, he->base_len))
		return vifs_remote_state_name(VIFS_REMOTE_UNCHANGED);
	return vifs_remote_state_name(VIFS_REMOTE_CHANGED);
}

static int
edit_start(vifs_fleet_host *h, void *payload)
{
	struct host_edit *he;

	(void)payload;
	if ((he = calloc(1, sizeof(*he))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	vifs_fleet_host_set_data(h, he);
	he->phase = PH_FETCH;
	return vifs_fleet_get_buf(h, ESXCONF_PATH, ESXCONF_MAX);
}

static int
edit_step(vifs_fleet_host *h, int error, void *payload)
{
	struct edit_job *j = payload;
	struct host_edit *he = vifs_fleet_host_data(h);
	char *cur = NULL;
	size_t cur_len = 0;

	switch (he->phase) {
	case PH_FETCH:
		if (error < 0)
			return vifs_error_set(error,
			    "%s; esx.conf is unchanged: nothing was uploaded",
			    vifs_error_last());
		if (j->edit != NULL && j->opts->published != NULL &&
		    j->pub_path != NULL) {
			if ((error = vifs_fleet_host_take_body(h, &he->orig,
			         &he->orig_len)) < 0)
				return error;
			he->conf_mtime = vifs_fleet_host_last_modified(h);
			he->phase = PH_INVENTORY;
			return vifs_fleet_get_buf(h, j->pub_path,
			    VIFS_PUBLISH_MAX);
		}
		return fetched(j, he, h);
	case PH_INVENTORY:
		return published(j, he, h, error);
	case PH_CONFLICT:
		if (error < 0)
			return vifs_error_set(error,
			    "esx.conf could not be read again before the "
			    "upload: %s; it is unchanged: nothing was "
			    "uploaded; the file as it was is in %s",
			    vifs_error_last(), he->backup);
		return reread(j, he, h);
	case PH_PUT:
		if (error < 0) {
			/* Read back to tell what the host holds now. */
			he->put_error = error;
			snprintf(he->put_why, sizeof(he->put_why), "%s",
			    vifs_error_last());
			he->phase = PH_PROBE;
			return vifs_fleet_get_buf(h, ESXCONF_PATH, ESXCONF_MAX);
		}
		/* 4. Verify. */
		he->phase = PH_VERIFY;
		return vifs_fleet_get_buf(h, ESXCONF_PATH, ESXCONF_MAX);
	case PH_PROBE:
		if (error < 0)
			return vifs_error_set(he->put_error,
			    "%s; the state of esx.conf is unknown: it could "
			    "not "
			    "be read back; to put the file as it was back: "
			    "vifs "
			    "conf restore %s",
			    he->put_why, he->backup);
		if ((error = vifs_fleet_host_take_body(h, &cur, &cur_len)) < 0)
			return error;
		error = vifs_error_set(he->put_error,
		    "%s; read back, esx.conf is %s; the file as it was is in "
		    "%s",
		    he->put_why, state_of(he, cur, cur_len), he->backup);
		free(cur);
		return error;
	case PH_VERIFY:
		if (error < 0)
			return vifs_error_set(error,
			    "esx.conf could not be read back after the upload: "
			    "%s; its state is unknown; to put the file as it "
			    "was back: vifs conf restore %s",
			    vifs_error_last(), he->backup);
		if ((error = vifs_fleet_host_take_body(h, &cur, &cur_len)) < 0)
			return error;
		if (same(cur, cur_len, he->sent, he->sent_len)) {
			const char *user, *password;
			char line[1024];

			/* Then the host's configuration to its boot device;
			 * a blocking exchange until the remote edit is one
			 * step machine. */
			vifs_fleet_host_credentials(h, &user, &password);
			tool_persist(vifs_fleet_host_http(h), user, password,
			    NULL, j->opts->conn.servicepath,
			    j->opts->no_persist, line, sizeof(line));
			snprintf(he->note, sizeof(he->note),
			    "%s and verified; backup %s; %s", j->verb,
			    he->backup, line);
			j->changed++;
		} else {
			error = vifs_error_set(VIFS_ERROR,
			    "esx.conf does not hold what was sent: read back, "
			    "it is %s; to put the file as it was back: vifs "
			    "conf restore %s",
			    state_of(he, cur, cur_len), he->backup);
		}
		free(cur);
		return error;
	}
	return vifs_error_set(VIFS_ERROR, "lost track of the host");
}

static void
edit_done(vifs_fleet_host *h, void *payload)
{
	struct edit_job *j = payload;
	struct host_edit *he = vifs_fleet_host_data(h);

	switch (vifs_fleet_host_state(h)) {
	case VIFS_FLEET_OK:
		if (he != NULL && *he->note != '\0')
			fleet_cli_result(j->fc, h, "ok", he->note);
		else
			fleet_cli_result(j->fc, h, NULL, NULL);
		break;
	case VIFS_FLEET_FAILED:
		fleet_cli_result(j->fc, h, "FAILED", NULL);
		break;
	default:
		break;
	}
	host_edit_free(he);
	vifs_fleet_host_set_data(h, NULL);
}

/* Runs the edit (or restore) of OPTS on every host of the fleet. */
static int
run(struct edit_job *j)
{
	struct vifs_fleet_opts job;
	vifs_fleet *f = NULL;
	int rc;

	/* The family parsed the connection options; the fleet's own were
	 * kept apart by fleet_edit_main(). */
	j->fc->conn = j->opts->conn;
	j->now = (long long)time(NULL);
	if (j->edit != NULL && j->opts->published != NULL &&
	    vifs_publish_url_path(&j->pub_path) < 0)
		return tool_liberror();
	memset(&job, 0, sizeof(job));
	job.start = edit_start;
	job.step = edit_step;
	job.done = edit_done;
	job.payload = j;
	if ((rc = fleet_cli_setup(j->fc, ctx.family, &f, &job)) == TOOL_OK)
		rc = fleet_cli_run(j->fc, f);
	vifs_fleet_free(f);
	free(j->pub_path);
	j->pub_path = NULL;
	return rc;
}

int
fleet_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg)
{
	struct edit_job j;

	memset(&j, 0, sizeof(j));
	j.fc = &ctx.fc;
	j.opts = opts;
	j.edit = edit;
	j.arg = arg;
	j.verb = "updated";
	return run(&j);
}

int
fleet_restore(const struct tool_doc_opts *opts, const char *which)
{
	struct edit_job j;

	memset(&j, 0, sizeof(j));
	j.fc = &ctx.fc;
	j.opts = opts;
	j.which = which;
	j.verb = "restored";
	if (strcmp(which, "latest") != 0 &&
	    (strlen(which) < 4 ||
	        strspn(which, "0123456789TZ.") != strlen(which)))
		return tool_usagef(ctx.family,
		    "restore across hosts takes 'latest' or the time of the "
		    "backups (YYYYmmddTHHMMSSZ, or its start), not '%s': each "
		    "host has its own backups",
		    which);
	return run(&j);
}

int
fleet_edit_main(int (*family_main)(int, char **), const char *family, int argc,
    char **argv)
{
	char **rest;
	int nrest = 1, rc = TOOL_USAGE, dashdash = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.family = family;
	if ((rest = calloc((size_t)argc + 1, sizeof(*rest))) == NULL) {
		tool_errorf("out of memory");
		return TOOL_FAILED;
	}
	rest[0] = argv[0];
	for (int i = 1; i < argc;) {
		int n = 0;

		if (strcmp(argv[i], "--") == 0)
			dashdash = 1;
		if (!dashdash &&
		    (n = fleet_cli_fleet_option(&ctx.fc, family, argc - i,
		         argv + i)) < 0)
			goto done;
		if (n > 0) {
			i += n;
			continue;
		}
		rest[nrest++] = argv[i++];
	}
	ctx.active = 1;
	rc = family_main(nrest, rest);
	ctx.active = 0;
done:
	fleet_cli_free(&ctx.fc);
	free(rest);
	progress_reraise();
	return rc;
}
