/*
 * fleet_edit.c - `vifs conf set|unset|restore` and `vifs passthru
 * enable|disable` across many hosts at once: the options, and one line
 * per host (or its object of the JSON document, --output json).
 *
 * The families parse their command line as for one host; with the fleet
 * options stripped and a fleet context in their options, their edit of a
 * host's file comes here instead of remote_edit.c.  Each host runs the library's
 * edit (<vifs/remoteedit.h>: fetch, edit and its lint, backup, conflict
 * check, PUT, verify) on the fleet engine, with its own backup directory;
 * restores put each host's own newest backup back the same way.
 */
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

/* The fleet of one command line, handed to the family that runs on it. */
struct fleet_edit {
	const char *family;
	struct fleet_cli fc;
};

struct edit_job {
	struct fleet_cli *fc; /* the shared fleet state */
	const char *family;
	const struct tool_doc_opts *opts;
	tool_edit_fn edit; /* NULL: a restore */
	void *arg;
	const char *which; /* restore: "latest" or a time prefix */
	char *pub_path; /* URL path of the published inventory, or NULL */
	long long now; /* the time in backup names, the same for all */
};

/* A host's edit while it runs. */
struct host_edit {
	struct edit_job *j;
	vifs_fleet_host *h;
	vifs_remoteedit *re;
	struct vifs_firmware_login login; /* of the PERSIST step */
};

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

/* The family's edit of a host's file; its messages name the host. */
static int
on_edit(void *payload, vifs_remoteedit *re, vifs_esxconf *doc)
{
	struct host_edit *he = payload;
	const struct tool_doc_opts *opts = he->j->opts;
	struct tool_msg m = { vifs_fleet_host_name(he->h) };
	vifs_pci_topology *topo = vifs_remoteedit_take_topology(re);
	int rc;

	/* The family's edit sees this host's published inventory only. */
	if (opts->published != NULL)
		*opts->published = topo;
	rc = he->j->edit(&m, doc, he->j->arg);
	if (opts->published != NULL)
		*opts->published = NULL;
	vifs_pci_topology_free(topo);
	return rc == TOOL_OK ? VIFS_OK : VIFS_EREFUSED;
}

/* Refusals overridden by --force are told; the rest is the summary. */
static void
on_check(void *payload, vifs_remoteedit *re, const vifs_editcheck *c)
{
	struct host_edit *he = payload;

	(void)re;
	if (!he->j->opts->force)
		return;
	for (size_t i = 0; i < vifs_editcheck_count(c); i++) {
		const struct vifs_editcheck_item *it = vifs_editcheck_get(c, i);

		if (it->touched && it->severity == VIFS_LINT_ERROR)
			tool_warnf("%s: overridden by force: line %zu: %s: %s",
			    vifs_fleet_host_name(he->h), it->line, it->rule,
			    it->message);
	}
}

/* What the host's published inventory gave; always said. */
static void
on_inventory(void *payload, vifs_remoteedit *re,
    const struct vifs_published *pub)
{
	struct host_edit *he = payload;

	(void)re;
	if (pub->state != VIFS_PUBLISHED_USED)
		tool_warnf("%s: %s", vifs_fleet_host_name(he->h), pub->message);
	else
		tool_notef("%s: %s", vifs_fleet_host_name(he->h), pub->message);
}

static void
on_step(void *payload, vifs_remoteedit *re, enum vifs_remoteedit_step done)
{
	struct host_edit *he = payload;
	const struct vifs_remoteedit_result *r = vifs_remoteedit_result(re);

	if (done == VIFS_STEP_BACKUP && r->conflict_backup != NULL)
		tool_warnf("%s: esx.conf had changed since it was read; "
		           "uploading over it because of --force (the copy "
		           "found is in %s)",
		    vifs_fleet_host_name(he->h), r->conflict_backup);
}

static int
edit_start(vifs_fleet_host *h, void *payload)
{
	struct edit_job *j = payload;
	struct vifs_remoteedit_opts ro;
	struct host_edit *he;
	char *dir = NULL;
	int error;

	if ((he = calloc(1, sizeof(*he))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	he->j = j;
	he->h = h;
	vifs_fleet_host_set_data(h, he);
	if ((error = backup_dir(&dir, j->opts, h)) < 0)
		return error;
	memset(&ro, 0, sizeof(ro));
	ro.host = vifs_fleet_host_name(h);
	ro.backup_dir = dir;
	ro.flags = (j->opts->force ? VIFS_REMOTEEDIT_FORCE : 0) |
	    (j->opts->dry_run ? VIFS_REMOTEEDIT_DRY_RUN : 0);
	ro.now = j->now;
	ro.edit = j->edit != NULL ? on_edit : NULL;
	ro.restore = j->which;
	ro.inventory_path = j->pub_path;
	ro.inventory = on_inventory;
	ro.check = on_check;
	ro.step = on_step;
	ro.payload = he;
	/* After a verified change, each host saves its configuration to
	 * its boot device: the PERSIST step, with the host's credentials. */
	if (!j->opts->no_persist) {
		vifs_fleet_host_credentials(h, &he->login.username,
		    &he->login.password);
		he->login.service_path = j->opts->conn.servicepath;
		ro.persist = &he->login;
	}
	error = vifs_remoteedit_new(&he->re, &ro);
	free(dir);
	if (error < 0)
		return error;
	return vifs_remoteedit_start(he->re, h);
}

static int
edit_step(vifs_fleet_host *h, int error, void *payload)
{
	struct host_edit *he = vifs_fleet_host_data(h);

	(void)payload;
	return vifs_remoteedit_step(he->re, h, error);
}

static void
edit_done(vifs_fleet_host *h, void *payload)
{
	struct edit_job *j = payload;
	struct host_edit *he = vifs_fleet_host_data(h);
	struct vifs_fleet_edit_facts e;
	struct vifs_fleet_result op;
	enum vifs_fleet_state state = vifs_fleet_host_state(h);
	char note[3000], *diff = NULL;
	int restore = j->edit == NULL;

	/* The facts of the edit as far as it went (none when it never
	 * began), the diff of a dry run for the document. */
	memset(&op, 0, sizeof(op));
	memset(&e, 0, sizeof(e));
	e.action = restore ? "restore" : "update";
	if (he != NULL && he->re != NULL)
		tool_edit_facts(&e, j->fc->json ? &diff : NULL, he->re, j->opts,
		    restore);
	op.edit = &e;
	if (state == VIFS_FLEET_OK && he != NULL && he->re != NULL) {
		tool_edit_note(note, sizeof(note), he->re, j->opts, restore);
		fleet_cli_result(j->fc, h, "ok", note, &op);
	} else {
		fleet_cli_result(j->fc, h,
		    state == VIFS_FLEET_OK ? NULL : "FAILED", NULL, &op);
	}
	free(diff);
	if (he != NULL)
		vifs_remoteedit_free(he->re);
	free(he);
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
	j->fc->json = j->opts->output == TOOL_OUTPUT_JSON;
	j->fc->command = j->opts->command;
	j->now = (long long)time(NULL);
	/* Without --inventory, each host's published inventory. */
	if (j->edit != NULL && j->opts->published != NULL &&
	    vifs_publish_url_path(&j->pub_path) < 0)
		return tool_liberror();
	memset(&job, 0, sizeof(job));
	job.start = edit_start;
	job.step = edit_step;
	job.done = edit_done;
	job.payload = j;
	if ((rc = fleet_cli_setup(j->fc, j->family, &f, &job)) == TOOL_OK)
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
	j.fc = &opts->fleet->fc;
	j.family = opts->fleet->family;
	j.opts = opts;
	j.edit = edit;
	j.arg = arg;
	return run(&j);
}

int
fleet_restore(const struct tool_doc_opts *opts, const char *which)
{
	struct edit_job j;

	memset(&j, 0, sizeof(j));
	j.fc = &opts->fleet->fc;
	j.family = opts->fleet->family;
	j.opts = opts;
	j.which = which;
	if (strcmp(which, "latest") != 0 &&
	    (strlen(which) < 4 ||
	        strspn(which, "0123456789TZ.") != strlen(which)))
		return tool_usagef(j.family,
		    "restore across hosts takes 'latest' or the time of the "
		    "backups (YYYYmmddTHHMMSSZ, or its start), not '%s': each "
		    "host has its own backups",
		    which);
	return run(&j);
}

int
fleet_edit_main(int (*family_main)(int, char **, struct fleet_edit *),
    const char *family, int argc, char **argv)
{
	struct fleet_edit fe;
	char **rest = NULL;
	int nrest, rc;

	memset(&fe, 0, sizeof(fe));
	fe.family = family;
	if ((rc = fleet_cli_split(&fe.fc, family, argc, argv, &rest, &nrest)) !=
	    TOOL_OK)
		goto done;
	rc = family_main(nrest, rest, &fe);
done:
	fleet_cli_free(&fe.fc);
	free(rest);
	progress_reraise();
	return rc;
}
