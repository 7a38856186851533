/*
 * esxconf_json.c - the JSON documents of an esx.conf: its entries
 * (docs/schemas/esxconf.schema.json) and its lint findings
 * (docs/schemas/lint.schema.json), the same facts as the XML writers.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "json_int.h"

static int
entry_json(const struct vifs_esxconf_line *line, void *payload)
{
	json_t *entries = payload, *e = NULL;
	char *value = NULL;
	size_t len;
	int error;

	if ((error = vifs_esxconf_unescape(&value, &len, line->raw_value,
	         line->raw_value_len)) < 0)
		return error;
	if ((e = json_object()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = vifs_json_set_uint(e, "line", line->lineno)) < 0 ||
	    (error = vifs_json_set_bytes(e, "key", line->key, line->key_len)) <
	        0 ||
	    (error = vifs_json_set_bool(e, "quoted", line->quoted)) < 0 ||
	    (error = vifs_json_set_bytes(e, "value", value, len)) < 0)
		goto done;
	error = vifs_json_append(entries, e);
	e = NULL;
done:
	json_decref(e);
	free(value);
	return error;
}

int
vifs_esxconf_to_json(char **out, size_t *out_len, const vifs_esxconf *doc,
    const char *prefix)
{
	json_t *root, *entries = NULL;
	int error;

	if (out == NULL || out_len == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	*out_len = 0;
	if ((root = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_str(root, "file", vifs_esxconf_name(doc))) ==
	        0 &&
	    (prefix == NULL || *prefix == '\0' ||
	        (error = vifs_json_set_str(root, "prefix", prefix)) == 0) &&
	    (error = vifs_json_put(root, "entries", entries = json_array())) ==
	        0)
		error = vifs_esxconf_foreach(doc, prefix, entry_json, entries);
	return vifs_json_finish(out, out_len, root, error);
}

int
vifs_lint_json_findings(json_t **out, const vifs_lint *lint)
{
	size_t n = vifs_lint_count(lint);
	json_t *arr, *f = NULL;
	int error = 0;

	if ((*out = arr = json_array()) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && error == 0; i++) {
		const struct vifs_lint_finding *lf = vifs_lint_get(lint, i);

		if ((f = json_object()) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		if ((error = vifs_json_set_uint(f, "line", lf->line)) < 0 ||
		    (error = vifs_json_set_str(f, "rule", lf->rule)) < 0 ||
		    (error = vifs_json_set_str(f, "severity",
		         lf->severity == VIFS_LINT_ERROR ? "error" :
		                                           "warning")) < 0 ||
		    (error = vifs_json_set_str(f, "message", lf->message)) <
		        0) {
			json_decref(f);
			break;
		}
		error = vifs_json_append(arr, f);
	}
	return error;
}

int
vifs_lint_to_json(char **out, size_t *out_len, const vifs_lint *lint,
    const char *file)
{
	json_t *root, *findings = NULL;
	size_t n, errors;
	int error;

	if (out == NULL || out_len == NULL || lint == NULL)
		return vifs_error_set(VIFS_EINVAL, "lint: no findings");
	*out = NULL;
	*out_len = 0;
	n = vifs_lint_count(lint);
	errors = vifs_lint_errors(lint);
	if ((root = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_str(root, "file",
	         file ? file : "esx.conf")) == 0 &&
	    (error = vifs_json_set_uint(root, "errors", errors)) == 0 &&
	    (error = vifs_json_set_uint(root, "warnings", n - errors)) == 0 &&
	    (error = vifs_lint_json_findings(&findings, lint)) == 0)
		error = vifs_json_put(root, "findings", findings);
	else
		json_decref(findings);
	return vifs_json_finish(out, out_len, root, error);
}
