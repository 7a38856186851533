/*
 * remote_edit.c - `vifs conf` and `vifs passthru` on one host's
 * /host/esx.conf: the connection, and the messages of the library's edit
 * (<vifs/remoteedit.h>, run as a fleet of one): the lint of the edit, the
 * diff of a dry run, the backup's path, and the state the host's file is
 * in whatever fails (docs/internals/remoteedit.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/firmware.h>
#include <vifs/fleetresults.h>
#include <vifs/http.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>
#include <vifs/remoteedit.h>

#include "conn.h"
#include "fleet_cli.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

/* Lint findings shown one by one before the rest are only counted. */
#define SHOW_FINDINGS 10

struct session {
	struct conn conn;
	vifs_http *http;
	vifs_remoteedit *re;
	const char *what; /* "esx.conf" */
	const char *host;
	int fetch_failed; /* connected, but the file could not be read */
	const struct tool_doc_opts *opts;
	tool_edit_fn edit;
	void *arg;
	int edit_rc; /* the exit status of a failed EDIT */
	char *pub_path; /* URL path of the inventory the host publishes */
	struct vifs_firmware_login login; /* of the PERSIST step */
	int err; /* what the library's edit returned */
	char *why; /* its message, for --output json */
	int64_t started_ms; /* when the edit began */
};

static void
session_close(struct session *s)
{
	vifs_remoteedit_free(s->re);
	free(s->pub_path);
	free(s->why);
	vifs_http_free(s->http);
	conn_free(&s->conn);
	memset(s, 0, sizeof(*s));
}

/* Prints the backup path as soon as it exists, before the upload. */
static void
on_step(void *payload, vifs_remoteedit *re, enum vifs_remoteedit_step done)
{
	struct session *s = payload;
	const struct vifs_remoteedit_result *res = vifs_remoteedit_result(re);

	s->host = vifs_remoteedit_host(re);

	if (done == VIFS_STEP_BACKUP && res->backup != NULL &&
	    res->conflict_backup == NULL)
		tool_notef("backup of %s on %s: %s", s->what, s->host,
		    res->backup);
	else if (done == VIFS_STEP_BACKUP && res->conflict_backup != NULL)
		tool_notef("backup of the copy found on %s (changed since it "
		           "was read): %s",
		    s->host, res->conflict_backup);
}

/* What the host's published inventory gave; always said. */
static void
on_inventory(void *payload, vifs_remoteedit *re,
    const struct vifs_published *pub)
{
	struct session *s = payload;

	s->host = vifs_remoteedit_host(re);
	if (pub->state != VIFS_PUBLISHED_USED)
		tool_warnf("%s: %s", s->host, pub->message);
	else
		tool_notef("%s: %s", s->host, pub->message);
}

/* The topology of the host's published inventory goes to the family. */
static void
take_published(struct session *s)
{
	if (s->opts->published != NULL && *s->opts->published == NULL)
		*s->opts->published = vifs_remoteedit_take_topology(s->re);
}

/* Connects to the host of OPTS. */
static int
session_connect(struct session *s, const struct tool_doc_opts *opts)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->what = "esx.conf";
	s->opts = opts;
	rc = conn_resolve(&s->conn, &opts->conn, CONN_CREDENTIALS);
	if (rc == CONN_NO_CREDENTIALS) {
		tool_errorf("no user and password for %s: give --username and "
		            "--password, a credential store entry "
		            "(vifs credstore add) or --sessionfile",
		    s->conn.lookup_server ? s->conn.lookup_server : "the host");
		return TOOL_FAILED;
	}
	if (rc != CONN_OK)
		return TOOL_FAILED;
	if (conn_open(&s->http, &s->conn, NULL, NULL) != CONN_OK)
		return TOOL_FAILED;
	return TOOL_OK;
}

/* The options of the library's edit for OPTS, with this file's hooks. */
static int
session_edit_opts(struct vifs_remoteedit_opts *ro, struct session *s)
{
	memset(ro, 0, sizeof(*ro));
	/* Without --inventory, the inventory the host publishes. */
	if (s->opts->published != NULL && *s->opts->published == NULL) {
		if (vifs_publish_url_path(&s->pub_path) < 0)
			return tool_liberror();
		ro->inventory_path = s->pub_path;
		ro->inventory = on_inventory;
	}
	ro->backup_dir = s->opts->backup_dir;
	ro->flags = (s->opts->force ? VIFS_REMOTEEDIT_FORCE : 0) |
	    (s->opts->dry_run ? VIFS_REMOTEEDIT_DRY_RUN : 0);
	ro->step = on_step;
	ro->payload = s;
	/* After a verified change: the configuration to the boot device. */
	if (!s->opts->no_persist) {
		const char *c = s->conn.cookie ? strchr(s->conn.cookie, '=') :
		                                 NULL;

		memset(&s->login, 0, sizeof(s->login));
		s->login.username = s->conn.username;
		s->login.password = s->conn.password;
		s->login.cookie = c ? c + 1 : NULL;
		s->login.service_path = s->conn.opts.servicepath;
		ro->persist = &s->login;
	}
	return TOOL_OK;
}

/* Connects to the host of OPTS and fetches its esx.conf. */
static int
session_open(struct session *s, const struct tool_doc_opts *opts)
{
	struct vifs_remoteedit_opts ro;
	int rc;

	if ((rc = session_connect(s, opts)) != TOOL_OK)
		return rc;
	if ((rc = session_edit_opts(&ro, s)) != TOOL_OK)
		return rc;
	if (vifs_remoteedit_fetch(&s->re, s->http, &ro) < 0) {
		s->fetch_failed = 1;
		return tool_liberror();
	}
	s->host = vifs_remoteedit_host(s->re);
	take_published(s);
	return TOOL_OK;
}

/* After a failed fetch: nothing was sent, say so. */
static void
report_fetch_failure(const struct session *s)
{
	const char *hp;
	size_t n;

	if (!s->fetch_failed || s->http == NULL)
		return;
	hp = vifs_http_hostport(s->http);
	n = strlen(hp);
	if (n > 4 && strcmp(hp + n - 4, ":443") == 0)
		n -= 4;
	tool_errorf("%s on %.*s is unchanged: nothing was uploaded", s->what,
	    (int)n, hp);
}

/* Parses the fetched bytes into a document named HOST:/host/esx.conf. */
static int
session_doc(vifs_esxconf **out, const struct session *s)
{
	size_t len;
	const char *data = vifs_remoteedit_data(s->re, &len);

	if (vifs_esxconf_parse(out, vifs_remoteedit_name(s->re), data, len) < 0)
		return tool_liberror();
	return TOOL_OK;
}

int
remote_load(vifs_esxconf **out, const struct tool_doc_opts *opts)
{
	struct session s;
	int rc;

	*out = NULL;
	if (opts->fleet != NULL) {
		tool_errorf("across several hosts, conf and passthru change "
		            "files (set, unset, enable, disable, restore); "
		            "get, list and lint read one host (vifs audit "
		            "reads a fleet)");
		return TOOL_USAGE;
	}
	if ((rc = session_open(&s, opts)) == TOOL_OK)
		rc = session_doc(out, &s);
	session_close(&s);
	return rc;
}

/*
 * Prints the lint of the edit: problems on lines it does not touch as
 * warnings (the first few, then a count), problems on lines it touches as
 * refusals, or as overridden warnings with --force.  Returns TOOL_FAILED
 * when the edit is refused.
 */
int
tool_report_check(const vifs_editcheck *c, const char *name, int force)
{
	size_t i, n = vifs_editcheck_count(c), shown = 0, untouched = 0;

	for (i = 0; i < n; i++) {
		const struct vifs_editcheck_item *it = vifs_editcheck_get(c, i);

		const char *how = it->touched == VIFS_EDIT_SAME_KEY ?
		    "this edit sets or removes the key that line spells" :
		    "this edit changes that line";

		if (it->touched && it->severity == VIFS_LINT_ERROR) {
			if (force)
				tool_warnf("overridden by force: %s:%zu: %s: "
				           "%s (%s)",
				    name, it->line, it->rule, it->message, how);
			else
				tool_errorf("refused: %s:%zu: %s: %s; %s: fix "
				            "it first, or use --force to "
				            "override",
				    name, it->line, it->rule, it->message, how);
			continue;
		}
		if (it->touched) {
			tool_warnf("%s:%zu: %s: %s (%s)", name, it->line,
			    it->rule, it->message, how);
			continue;
		}
		untouched++;
		if (shown++ < SHOW_FINDINGS)
			tool_warnf("%s:%zu: %s: %s (not touched by this edit)",
			    name, it->line, it->rule, it->message);
	}
	if (untouched > SHOW_FINDINGS)
		tool_warnf("%zu more problems on lines this edit does not "
		           "touch (vifs conf lint shows them all)",
		    untouched - SHOW_FINDINGS);
	if (vifs_editcheck_refusals(c) > 0 && !force)
		return TOOL_FAILED;
	return TOOL_OK;
}

/* Says what state the host's file is in after a failed commit, and how
 * to get the original back. */
static void
report_failure(const struct session *s, const struct vifs_remoteedit_result *r)
{
	const char *w = s->what, *h = s->host;
	int uploaded = r->failed == VIFS_STEP_PUT ||
	    r->failed == VIFS_STEP_VERIFY;

	tool_errorf("%s", r->message ? r->message : "failed");
	switch (r->state) {
	case VIFS_REMOTE_UNCHANGED:
		if (!uploaded)
			tool_errorf("%s on %s is unchanged: nothing was "
			            "uploaded",
			    w, h);
		else
			tool_errorf("%s on %s is unchanged: the upload did "
			            "not take (read back, it is the file as "
			            "it was)",
			    w, h);
		break;
	case VIFS_REMOTE_UPDATED:
		tool_errorf("%s on %s holds the edit: the upload reported an "
		            "error, but the file read back is what was sent",
		    w, h);
		break;
	case VIFS_REMOTE_CHANGED:
		tool_errorf("%s on %s has changed: it holds neither the file "
		            "as it was nor the edit (read back: SHA-256 %.12s)",
		    w, h, r->sha256_final);
		break;
	case VIFS_REMOTE_UNKNOWN:
		tool_errorf("the state of %s on %s is unknown: it could not "
		            "be read back after the upload",
		    w, h);
		break;
	}
	if (r->failed == VIFS_STEP_CONFLICT && r->conflict)
		tool_errorf("run the command again to edit the current file, "
		            "or use --force to upload this edit over it");
	if (r->backup != NULL && r->state != VIFS_REMOTE_UNCHANGED)
		tool_errorf("to put the file as it was back: vifs conf restore "
		            "%s (with the same connection options)",
		    r->backup);
	else if (r->backup != NULL)
		tool_errorf("the file as it was is also saved in %s",
		    r->backup);
}

int
tool_persist_line(const struct vifs_remoteedit_result *r, int no_persist,
    char *line, size_t size)
{
	static const char lose[] = "a hard reset of the host before its next "
	                           "hourly auto-backup (or a clean shutdown) "
	                           "loses the change";

	if (r->persisted) {
		snprintf(line, size, "saved to the boot device");
		return 1;
	}
	if (no_persist || r->persist_error == NULL)
		snprintf(line, size,
		    "not yet saved to the boot device (--no-persist): %s",
		    lose);
	else
		snprintf(line, size,
		    "not yet saved to the boot device "
		    "(SyncFirmwareConfiguration: %s): %s; on the host, "
		    "/sbin/auto-backup.sh saves it now",
		    r->persist_error, lose);
	return 0;
}

void
tool_edit_note(char *note, size_t size, const vifs_remoteedit *re,
    const struct tool_doc_opts *opts, int restore)
{
	const struct vifs_remoteedit_result *r = vifs_remoteedit_result(re);
	const vifs_editcheck *c = vifs_remoteedit_editcheck(re);

	if (r->nochange)
		snprintf(note, size, "no change");
	else if (r->dry_run && r->restored != NULL)
		snprintf(note, size, "would restore %s (--dry-run)",
		    r->restored);
	else if (r->dry_run)
		snprintf(note, size,
		    "would change esx.conf: -%zu +%zu lines (--dry-run)",
		    vifs_editcheck_lines_removed(c),
		    vifs_editcheck_lines_added(c));
	else {
		char line[1536];

		tool_persist_line(r, opts->no_persist, line, sizeof(line));
		snprintf(note, size, "%s and verified; backup %s; %s",
		    restore ? "restored" : "updated", r->backup, line);
	}
}

int
tool_edit_facts(struct vifs_fleet_edit_facts *e, char **diff,
    const vifs_remoteedit *re, const struct tool_doc_opts *opts, int restore)
{
	const struct vifs_remoteedit_result *r = vifs_remoteedit_result(re);
	const vifs_editcheck *c = vifs_remoteedit_editcheck(re);
	const char *in, *out;
	size_t in_len, out_len;

	memset(e, 0, sizeof(*e));
	e->result = r;
	e->action = restore ? "restore" : "update";
	e->persist_asked = !opts->no_persist;
	if (c != NULL) {
		e->has_lines = 1;
		e->lines_removed = vifs_editcheck_lines_removed(c);
		e->lines_added = vifs_editcheck_lines_added(c);
	}
	if (diff == NULL || !r->dry_run || r->failed != VIFS_STEP_NONE ||
	    (out = vifs_remoteedit_sent(re, &out_len)) == NULL)
		return TOOL_OK;
	in = vifs_remoteedit_data(re, &in_len);
	if (tool_diff(diff, &e->diff_len, vifs_remoteedit_name(re), in, in_len,
	        out, out_len) != TOOL_OK)
		return TOOL_FAILED;
	e->diff = *diff;
	return TOOL_OK;
}

/* --output json: the document of the run on the one host of S, whose
 * exit status is RC. */
static int
json_one(const struct session *s, int rc, int restore)
{
	struct vifs_fleet_edit_facts e;
	struct vifs_fleet_result res;
	const struct vifs_remoteedit_result *r = vifs_remoteedit_result(s->re);
	char note[3000], *diff = NULL;
	int jrc;

	memset(&res, 0, sizeof(res));
	res.name = vifs_remoteedit_host(s->re);
	res.state = rc == TOOL_OK ? VIFS_FLEET_OK : VIFS_FLEET_FAILED;
	res.http_status = vifs_http_last_status(s->http);
	if (rc == TOOL_OK) {
		tool_edit_note(note, sizeof(note), s->re, s->opts, restore);
		res.detail = note;
	} else {
		/* What a fleet says of the host: the edit's summary. */
		res.error = s->err < 0 ? s->err : VIFS_ERROR;
		res.reason = r->summary ? r->summary :
		    s->why              ? s->why :
		                          "failed";
	}
	if (tool_edit_facts(&e, &diff, s->re, s->opts, restore) != TOOL_OK)
		return TOOL_FAILED;
	res.edit = &e;
	jrc = fleet_cli_json_one(s->opts->command, &res,
	    progress_now_ms() - s->started_ms);
	free(diff);
	return jrc != TOOL_OK ? jrc : rc;
}

/* After a verified change: what the PERSIST step found. */
static void
persist(struct session *s, const struct tool_doc_opts *opts)
{
	char line[2048];

	if (tool_persist_line(vifs_remoteedit_result(s->re), opts->no_persist,
	        line, sizeof(line)))
		tool_notef("%s on %s %s", s->what, s->host, line);
	else
		tool_warnf("%s on %s is %s", s->what, s->host, line);
}

/* The family's edit of the host's file. */
static int
on_edit(void *payload, vifs_remoteedit *re, vifs_esxconf *doc)
{
	struct session *s = payload;

	s->host = vifs_remoteedit_host(re);
	take_published(s);
	s->edit_rc = s->edit(NULL, doc, s->arg);
	return s->edit_rc == TOOL_OK ? VIFS_OK : VIFS_EREFUSED;
}

static void
on_check(void *payload, vifs_remoteedit *re, const vifs_editcheck *c)
{
	struct session *s = payload;

	tool_report_check(c, vifs_remoteedit_name(re), s->opts->force);
}

/*
 * Runs the library's edit of RO on the host of S's options and reports
 * it; VERB says what succeeded ("updated").
 */
static int
run(struct session *s, struct vifs_remoteedit_opts *ro, const char *verb)
{
	const struct vifs_remoteedit_result *r;
	const char *in, *out;
	size_t in_len, out_len;
	int err;

	s->started_ms = progress_now_ms();
	if (vifs_remoteedit_new(&s->re, ro) < 0)
		return tool_liberror();
	s->err = err = vifs_remoteedit_run(s->re, s->http);
	if (err < 0 && (s->why = strdup(vifs_error_last())) == NULL)
		return tool_liberror();
	r = vifs_remoteedit_result(s->re);
	s->host = vifs_remoteedit_host(s->re);
	if (err < 0 &&
	    (r->failed == VIFS_STEP_NONE || r->failed == VIFS_STEP_FETCH)) {
		s->fetch_failed = 1;
		tool_liberror();
		report_fetch_failure(s);
		return TOOL_FAILED;
	}
	if (err < 0 && r->failed == VIFS_STEP_EDIT) {
		/* The edit or the lint of it said why; other causes are
		 * told here. */
		if (r->message != NULL)
			tool_errorf("%s", r->message);
		return s->edit_rc != TOOL_OK ? s->edit_rc : TOOL_FAILED;
	}
	if (s->opts->dry_run && err == 0) {
		/* With --output json the diff is in the document. */
		if (s->opts->output == TOOL_OUTPUT_JSON)
			return TOOL_OK;
		in = vifs_remoteedit_data(s->re, &in_len);
		out = vifs_remoteedit_sent(s->re, &out_len);
		return tool_print_diff(vifs_remoteedit_name(s->re), in, in_len,
		    out, out_len);
	}
	if (err < 0) {
		report_failure(s, r);
		return TOOL_FAILED;
	}
	if (r->nochange) {
		tool_notef("%s: no change", vifs_remoteedit_name(s->re));
		return TOOL_OK;
	}
	if (r->conflict)
		tool_warnf("%s on %s had changed since it was read; uploaded "
		           "over it because of --force",
		    s->what, s->host);
	tool_notef("%s on %s %s and verified (SHA-256 %.12s, was %.12s)",
	    s->what, s->host, verb, r->sha256_final,
	    r->conflict ? r->sha256_current : r->sha256_original);
	return TOOL_OK;
}

int
remote_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg)
{
	struct vifs_remoteedit_opts ro;
	struct session s;
	int rc;

	if (opts->fleet != NULL)
		return fleet_edit(opts, edit, arg);
	if ((rc = session_connect(&s, opts)) == TOOL_OK) {
		s.edit = edit;
		s.arg = arg;
		if ((rc = session_edit_opts(&ro, &s)) == TOOL_OK) {
			ro.edit = on_edit;
			ro.check = on_check;
			rc = run(&s, &ro, "updated");
		}
		if (rc == TOOL_OK && !opts->dry_run &&
		    !vifs_remoteedit_result(s.re)->nochange)
			persist(&s, opts);
		if (opts->output == TOOL_OUTPUT_JSON && s.re != NULL)
			rc = json_one(&s, rc, 0);
	}
	session_close(&s);
	return rc;
}

int
remote_restore(const struct tool_doc_opts *opts, const char *backup)
{
	struct vifs_remoteedit_opts ro;
	struct session s;
	vifs_esxconf *doc = NULL;
	vifs_lint *lint = NULL;
	char *data = NULL;
	size_t len;
	int rc;

	if (opts->fleet != NULL)
		return fleet_restore(opts, backup);
	memset(&s, 0, sizeof(s));
	if (vifs_file_read(&data, &len, backup) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (len == 0 && !opts->force) {
		tool_errorf("%s is empty; an empty esx.conf leaves a host "
		            "without its configuration (use --force to "
		            "restore it anyway)",
		    backup);
		rc = TOOL_FAILED;
		goto done;
	}
	/* The backup's own problems are told, not refused: it is what the
	 * host had. */
	if (vifs_esxconf_parse(&doc, backup, data, len) < 0 ||
	    vifs_esxconf_lint(&lint, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (vifs_lint_errors(lint) > 0)
		tool_warnf("%s has %zu lint errors (vifs conf lint --file %s "
		           "shows them)",
		    backup, vifs_lint_errors(lint), backup);
	if ((rc = session_connect(&s, opts)) != TOOL_OK)
		goto done;
	if ((rc = session_edit_opts(&ro, &s)) != TOOL_OK)
		goto done;
	ro.data = data;
	ro.len = len;
	ro.flags |= VIFS_REMOTEEDIT_RESTORE;
	rc = run(&s, &ro, "restored");
	if (rc == TOOL_OK && !opts->dry_run &&
	    !vifs_remoteedit_result(s.re)->nochange)
		persist(&s, opts);
	if (opts->output == TOOL_OUTPUT_JSON && s.re != NULL)
		rc = json_one(&s, rc, 1);
done:
	free(data);
	vifs_lint_free(lint);
	vifs_esxconf_free(doc);
	session_close(&s);
	return rc;
}
