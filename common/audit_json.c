/*
 * audit_json.c - the fleet audit's report as JSON
 * (docs/schemas/audit.schema.json): the same facts as the XML report,
 * written host by host (one host object a line), and its failed and
 * skipped hosts read back for --retry-failed.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/error.h>

#include "audit_int.h"
#include "internal.h"
#include "json_int.h"

#define HOSTNAME_MAX 1024
#define REPORT_MAX ((size_t)1 << 30)

static int
lint_json(json_t *host, const vifs_lint *lint)
{
	size_t n = vifs_lint_count(lint), errors = vifs_lint_errors(lint);
	json_t *o = json_object(), *findings = NULL;
	int error;

	if ((error = vifs_json_put(host, "lint", o)) < 0 ||
	    (error = vifs_json_set_uint(o, "errors", errors)) < 0 ||
	    (error = vifs_json_set_uint(o, "warnings", n - errors)) < 0)
		return error;
	if ((error = vifs_lint_json_findings(&findings, lint)) < 0) {
		json_decref(findings);
		return error;
	}
	return vifs_json_put(o, "findings", findings);
}

static int
passthru_json(json_t *host, const vifs_audit *a)
{
	size_t n = vifs_audit_passthru_count(a);
	json_t *o = json_object(), *devs = json_array(), *d;
	int error;

	if ((error = vifs_json_put(host, "passthru", o)) < 0 ||
	    (error = vifs_json_set_uint(o, "count", n)) < 0 ||
	    (error = vifs_json_set_bool(o, "topology",
	         vifs_audit_has_topology(a))) < 0 ||
	    (error = vifs_json_put(o, "devices", devs)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		if ((error = vifs_json_passthru_dev(&d,
		         vifs_audit_passthru(a, i))) < 0 ||
		    (error = vifs_json_append(devs, d)) < 0)
			return error;
	return VIFS_OK;
}

static int
drift_json(json_t *host, const vifs_audit *a)
{
	size_t n = vifs_audit_drift_count(a);
	json_t *o = json_object(), *diffs = json_array();
	int error;

	if ((error = vifs_json_put(host, "drift", o)) < 0 ||
	    (error = vifs_json_set_uint(o, "count", n)) < 0 ||
	    (error = vifs_json_put(o, "differences", diffs)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		const struct vifs_drift *d = vifs_audit_drift(a, i);
		json_t *x = json_object();

		if ((error = vifs_json_append(diffs, x)) < 0 ||
		    (error = vifs_json_set_str(x, "key", d->key)) < 0 ||
		    (error = vifs_json_set_str(x, "kind",
		         vifs_drift_kind_name(d->kind))) < 0 ||
		    (error = vifs_json_set_str(x, "expected", d->expected)) <
		        0 ||
		    (error = vifs_json_set_bytes(x, "actual", d->actual,
		         d->actual_len)) < 0 ||
		    (d->line &&
		        (error = vifs_json_set_uint(x, "line", d->line)) < 0) ||
		    (error = vifs_json_set_uint(x, "baseline_line",
		         d->baseline_line)) < 0)
			return error;
	}
	return VIFS_OK;
}

int
audit_json_host(json_t **out, const char *name, enum vifs_audit_status status,
    const vifs_audit *audit, const char *inventory, const char *code,
    const char *reason)
{
	json_t *h;
	int error;

	if ((*out = h = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_str(h, "name", name)) < 0 ||
	    (error = vifs_json_set_str(h, "status",
	         vifs_audit_status_name(status))) < 0)
		goto fail;
	if (status == VIFS_AUDIT_FAILED || status == VIFS_AUDIT_SKIPPED) {
		json_t *e = json_object();

		if ((error = vifs_json_put(h, "error", e)) < 0 ||
		    (error = vifs_json_set_str(e, "code", code)) < 0 ||
		    (error = vifs_json_set_str(e, "message", reason)) < 0)
			goto fail;
		return VIFS_OK;
	}
	if ((error = vifs_json_set_str(h, "inventory", inventory)) < 0 ||
	    (error = lint_json(h, vifs_audit_lint(audit))) < 0 ||
	    (error = passthru_json(h, audit)) < 0 ||
	    (error = drift_json(h, audit)) < 0)
		goto fail;
	return VIFS_OK;
fail:
	json_decref(h);
	*out = NULL;
	return error;
}

int
audit_json_start(char **out, const char *started, const char *baseline)
{
	json_t *head = json_object();
	int error;

	*out = NULL;
	if (head == NULL)
		return vifs_json_nomem();
	/* A baseline's name that is not UTF-8 comes as hex, as every
	 * string of the report. */
	if ((error = vifs_json_set_uint(head, "version", 1)) == 0 &&
	    (error = vifs_json_set_str(head, "started", started)) == 0 &&
	    (error = vifs_json_set_str(head, "baseline", baseline)) == 0)
		error = vifs_json_stream_start(out, head, "hosts");
	json_decref(head);
	return error;
}

int
audit_json_end(char **out, const size_t counts[4], double seconds,
    const char *finished)
{
	json_t *tail;
	int error;

	*out = NULL;
	tail = json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:f, s:s}}", "summary",
	    "hosts",
	    (json_int_t)(counts[0] + counts[1] + counts[2] + counts[3]), "ok",
	    (json_int_t)counts[VIFS_AUDIT_OK], "drift",
	    (json_int_t)counts[VIFS_AUDIT_DRIFT], "failed",
	    (json_int_t)counts[VIFS_AUDIT_FAILED], "skipped",
	    (json_int_t)counts[VIFS_AUDIT_SKIPPED], "seconds",
	    seconds < 0 ? 0.0 : (double)(long long)(seconds * 1000) / 1000.0,
	    "finished", finished);
	if (tail == NULL)
		return vifs_json_nomem();
	error = vifs_json_stream_end(out, tail);
	json_decref(tail);
	return error;
}

int
audit_json_failed(char ***out, size_t *count, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *root = NULL, *hosts, *h;
	char **v = NULL;
	size_t n = 0, i;
	int error = 0;

	*out = NULL;
	*count = 0;
	if (len > REPORT_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "audit report: too big");
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		error = vifs_error_set(VIFS_EPARSE, "audit report:%d: %s",
		    jerr.line, jerr.text);
		goto done;
	}
	hosts = json_object_get(root, "hosts");
	if (!json_is_object(root) ||
	    json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_integer(json_object_get(root, "version")) ||
	    !json_is_array(hosts)) {
		error = vifs_error_set(VIFS_EPARSE,
		    "audit report: not a vifs audit report (version 1)");
		goto done;
	}
	if ((v = calloc(json_array_size(hosts) + 1, sizeof(*v))) == NULL) {
		error = vifs_json_nomem();
		goto done;
	}
	json_array_foreach(hosts, i, h)
	{
		const char *name = json_string_value(
		    json_object_get(h, "name"));
		const char *st = json_string_value(
		    json_object_get(h, "status"));

		if (name == NULL || st == NULL || *name == '\0' ||
		    strlen(name) > HOSTNAME_MAX ||
		    strlen(name) !=
		        json_string_length(json_object_get(h, "name")) ||
		    json_object_get(h, "name_encoding") != NULL) {
			error = vifs_error_set(VIFS_EPARSE,
			    "audit report: host %zu has no usable name or "
			    "status",
			    i + 1);
			goto done;
		}
		if (strcmp(st, "failed") != 0 && strcmp(st, "skipped") != 0)
			continue;
		if ((v[n] = vifs_strdup(name)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		n++;
	}
	*out = v;
	*count = n;
	v = NULL;
done:
	if (v != NULL)
		vifs_audit_hosts_free(v);
	json_decref(root);
	return error;
}
