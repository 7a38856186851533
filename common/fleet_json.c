/*
 * fleet_json.c - the results of a fleet run as JSON
 * (docs/schemas/fleet-results.schema.json), written host by host: the
 * same facts as the text lines of the fleet commands.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/fleetresults.h>

#include "json_int.h"

static const char *
state_name(enum vifs_fleet_state s)
{
	switch (s) {
	case VIFS_FLEET_OK:
		return "ok";
	case VIFS_FLEET_FAILED:
		return "failed";
	case VIFS_FLEET_SKIPPED:
		return "skipped";
	case VIFS_FLEET_PENDING:
	case VIFS_FLEET_RUNNING:
		break;
	}
	return "pending";
}

/* A SHA-256 member, left out for a version that was not read. */
static int
sha(json_t *o, const char *name, const char *hex)
{
	return *hex == '\0' ? VIFS_OK : vifs_json_set_str(o, name, hex);
}

static int
sha256s(json_t *edit, const struct vifs_remoteedit_result *r)
{
	json_t *o = json_object();
	int error;

	if ((error = vifs_json_put(edit, "sha256", o)) == 0 &&
	    (error = sha(o, "original", r->sha256_original)) == 0 &&
	    (error = sha(o, "current", r->sha256_current)) == 0 &&
	    (error = sha(o, "sent", r->sha256_sent)) == 0)
		error = sha(o, "final", r->sha256_final);
	return error;
}

/* The persist facts of a verified change. */
static int
persist(json_t *edit, const struct vifs_fleet_edit_facts *e)
{
	const struct vifs_remoteedit_result *r = e->result;
	int error;

	if ((error = vifs_json_set_bool(edit, "persist_asked",
	         e->persist_asked)) < 0 ||
	    (error = vifs_json_set_bool(edit, "persisted", r->persisted)) < 0)
		return error;
	return vifs_json_set_str(edit, "persist_error", r->persist_error);
}

/* What the edit did, as far as it went. */
static int
edit_result(json_t *edit, const struct vifs_fleet_edit_facts *e)
{
	const struct vifs_remoteedit_result *r = e->result;
	int changed = r->failed == VIFS_STEP_NONE && !r->nochange &&
	    !r->dry_run;
	int error;

	if ((error = vifs_json_set_bool(edit, "changed", changed)) < 0 ||
	    (error = vifs_json_set_bool(edit, "dry_run", r->dry_run)) < 0 ||
	    (error = vifs_json_set_str(edit, "file_state",
	         vifs_remote_state_name(r->state))) < 0 ||
	    (r->failed != VIFS_STEP_NONE &&
	        (error = vifs_json_set_str(edit, "failed_step",
	             vifs_remoteedit_step_name(r->failed))) < 0) ||
	    (error = vifs_json_set_bool(edit, "conflict", r->conflict)) < 0 ||
	    (error = vifs_json_set_str(edit, "backup", r->backup)) < 0 ||
	    (error = vifs_json_set_str(edit, "conflict_backup",
	         r->conflict_backup)) < 0 ||
	    (error = vifs_json_set_str(edit, "restored_from", r->restored)) < 0)
		return error;
	if (e->has_lines &&
	    ((error = vifs_json_set_uint(edit, "lines_removed",
	          e->lines_removed)) < 0 ||
	        (error = vifs_json_set_uint(edit, "lines_added",
	             e->lines_added)) < 0))
		return error;
	if (changed && (error = persist(edit, e)) < 0)
		return error;
	if ((error = sha256s(edit, r)) < 0)
		return error;
	if (e->diff != NULL)
		return vifs_json_set_bytes(edit, "diff", e->diff, e->diff_len);
	return VIFS_OK;
}

static int
edit_facts(json_t *host, const struct vifs_fleet_edit_facts *e)
{
	json_t *o = json_object();
	int error;

	if ((error = vifs_json_put(host, "edit", o)) < 0 ||
	    (error = vifs_json_set_str(o, "action", e->action)) < 0)
		return error;
	return e->result != NULL ? edit_result(o, e) : VIFS_OK;
}

static int
file_facts(json_t *host, const struct vifs_fleet_file_facts *f)
{
	json_t *o = json_object();
	int error;

	if ((error = vifs_json_put(host, "file", o)) < 0 ||
	    (error = vifs_json_set_str(o, "local", f->local)) < 0 ||
	    (error = vifs_json_set_str(o, "remote", f->remote)) < 0 ||
	    (f->bytes >= 0 &&
	        (error = vifs_json_set_uint(o, "bytes",
	             (unsigned long long)f->bytes)) < 0))
		return error;
	return f->encrypted ? vifs_json_set_bool(o, "encrypted", 1) : VIFS_OK;
}

static int
host_json(json_t *h, const struct vifs_fleet_result *r)
{
	int error;

	if ((error = vifs_json_set_str(h, "name", r->name)) < 0 ||
	    (error = vifs_json_set_str(h, "state", state_name(r->state))) < 0)
		return error;
	if (r->state != VIFS_FLEET_OK) {
		json_t *e = json_object();

		if ((error = vifs_json_put(h, "error", e)) < 0 ||
		    (error = vifs_json_set_str(e, "code",
		         vifs_error_name(r->error ? r->error : VIFS_ERROR))) <
		        0 ||
		    (error = vifs_json_set_str(e, "message",
		         r->reason ? r->reason : "")) < 0)
			return error;
	}
	if (r->http_status > 0 &&
	    (error = vifs_json_set_uint(h, "http_status",
	         (unsigned long long)r->http_status)) < 0)
		return error;
	if (r->state == VIFS_FLEET_OK && r->detail != NULL &&
	    *r->detail != '\0' &&
	    (error = vifs_json_set_str(h, "detail", r->detail)) < 0)
		return error;
	if (r->file != NULL && (error = file_facts(h, r->file)) < 0)
		return error;
	if (r->edit != NULL && (error = edit_facts(h, r->edit)) < 0)
		return error;
	return VIFS_OK;
}

int
vifs_fleet_results_start(char **out, const char *command)
{
	json_t *head;
	int error;

	if (out == NULL || command == NULL)
		return vifs_error_set(VIFS_EINVAL, "fleet results: no command");
	*out = NULL;
	if ((head = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_uint(head, "version", 1)) == 0 &&
	    (error = vifs_json_set_str(head, "command", command)) == 0)
		error = vifs_json_stream_start(out, head, "hosts");
	json_decref(head);
	return error;
}

int
vifs_fleet_results_host(char **out, size_t index,
    const struct vifs_fleet_result *r)
{
	json_t *h;
	int error;

	if (out == NULL || r == NULL || r->name == NULL)
		return vifs_error_set(VIFS_EINVAL, "fleet results: no host");
	*out = NULL;
	if ((h = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = host_json(h, r)) == 0)
		error = vifs_json_stream_item(out, index, h);
	json_decref(h);
	return error;
}

int
vifs_fleet_results_end(char **out, const struct vifs_fleet_stats *st)
{
	json_t *tail;
	int error;

	if (out == NULL || st == NULL)
		return vifs_error_set(VIFS_EINVAL, "fleet results: no stats");
	*out = NULL;
	tail = json_pack("{s:{s:I, s:I, s:I, s:I, s:I}}", "summary", "hosts",
	    (json_int_t)st->total, "ok", (json_int_t)st->ok, "failed",
	    (json_int_t)st->failed, "skipped", (json_int_t)st->skipped,
	    "elapsed_ms",
	    (json_int_t)(st->elapsed_ms < 0 ? 0 : st->elapsed_ms));
	if (tail == NULL)
		return vifs_json_nomem();
	error = vifs_json_stream_end(out, tail);
	json_decref(tail);
	return error;
}
