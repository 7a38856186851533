/*
 * test_fleetresults.c - the JSON document of a fleet run: the pieces make
 * one document, every fact of a host lands where the schema says, names
 * that are not UTF-8 come as hex, error codes have stable names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <vifs/error.h>
#include <vifs/fleetresults.h>

#include "testutil.h"

/* Appends the piece *p (freed) to the document D of *len bytes. */
static void
add(char **d, size_t *len, char *p)
{
	size_t n;

	assert_non_null(p);
	n = strlen(p);
	*d = realloc(*d, *len + n + 1);
	assert_non_null(*d);
	memcpy(*d + *len, p, n + 1);
	*len += n;
	free(p);
}

static json_t *
document(const struct vifs_fleet_result *hosts, size_t n,
    const struct vifs_fleet_stats *st, const char *command)
{
	char *d = NULL, *p = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *root;

	assert_int_equal(vifs_fleet_results_start(&p, command), 0);
	add(&d, &len, p);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(vifs_fleet_results_host(&p, i, &hosts[i]), 0);
		/* One host a line. */
		assert_null(strchr(strchr(p, '{'), '\n'));
		add(&d, &len, p);
	}
	assert_int_equal(vifs_fleet_results_end(&p, st), 0);
	add(&d, &len, p);
	assert_int_equal(d[len - 1], '\n');
	root = json_loadb(d, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		fail_msg("not JSON: %s\n%s", jerr.text, d);
	free(d);
	return root;
}

static const char *
str(json_t *o, const char *path)
{
	char *copy = strdup(path), *save = NULL;
	json_t *v = o;

	for (char *k = strtok_r(copy, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	free(copy);
	return json_string_value(v);
}

static void
test_get_run(void **state)
{
	struct vifs_fleet_file_facts f1 = { "d/esx01/esx.conf",
		"/host/esx.conf", 1234, 0 };
	struct vifs_fleet_file_facts f2 = { NULL, "/host/esx.conf", -1, 0 };
	struct vifs_fleet_result hosts[3];
	struct vifs_fleet_stats st = { 3, 0, 1, 1, 1, 2500 };
	json_t *root, *h, *s;

	(void)state;
	memset(hosts, 0, sizeof(hosts));
	hosts[0] = (struct vifs_fleet_result){ .name = "esx01",
		.state = VIFS_FLEET_OK,
		.http_status = 200,
		.file = &f1 };
	hosts[1] = (struct vifs_fleet_result){ .name = "esx02:8443",
		.state = VIFS_FLEET_FAILED,
		.error = VIFS_ENET,
		.reason = "connection refused",
		.file = &f2 };
	hosts[2] = (struct vifs_fleet_result){ .name = "esx03",
		.state = VIFS_FLEET_SKIPPED,
		.error = VIFS_ERROR,
		.reason = "skipped: the run was stopped" };
	root = document(hosts, 3, &st, "get");
	assert_string_equal(str(root, "command"), "get");
	assert_int_equal(json_integer_value(json_object_get(root, "version")),
	    1);
	h = json_object_get(root, "hosts");
	assert_int_equal(json_array_size(h), 3);
	assert_string_equal(str(json_array_get(h, 0), "state"), "ok");
	assert_null(json_object_get(json_array_get(h, 0), "error"));
	assert_int_equal(json_integer_value(
	                     json_object_get(json_array_get(h, 0),
	                         "http_status")),
	    200);
	assert_string_equal(str(json_array_get(h, 0), "file.local"),
	    "d/esx01/esx.conf");
	assert_int_equal(json_integer_value(
	                     json_object_get(json_object_get(json_array_get(h,
	                                                         0),
	                                         "file"),
	                         "bytes")),
	    1234);
	assert_string_equal(str(json_array_get(h, 1), "error.code"), "network");
	assert_string_equal(str(json_array_get(h, 1), "error.message"),
	    "connection refused");
	assert_null(json_object_get(json_array_get(h, 1), "http_status"));
	assert_null(
	    json_object_get(json_object_get(json_array_get(h, 1), "file"),
	        "bytes"));
	assert_string_equal(str(json_array_get(h, 2), "state"), "skipped");
	assert_string_equal(str(json_array_get(h, 2), "error.code"), "error");
	s = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(s, "hosts")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "skipped")), 1);
	assert_int_equal(json_integer_value(json_object_get(s, "elapsed_ms")),
	    2500);
	json_decref(root);
}

static void
test_edit_facts(void **state)
{
	struct vifs_remoteedit_result r;
	struct vifs_fleet_edit_facts e;
	struct vifs_fleet_result host;
	struct vifs_fleet_stats st = { 1, 0, 1, 0, 0, 10 };
	json_t *root, *edit;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.state = VIFS_REMOTE_UPDATED;
	r.backup = "bk/esx01/20260101T000000Z-esx.conf";
	r.persist_error = "no VIM API";
	memset(r.sha256_original, 'a', 64);
	memset(r.sha256_final, 'b', 64);
	memset(&e, 0, sizeof(e));
	e.result = &r;
	e.action = "update";
	e.has_lines = 1;
	e.lines_removed = 1;
	e.lines_added = 2;
	e.persist_asked = 1;
	e.diff = "--- a\n+++ b\n";
	e.diff_len = strlen(e.diff);
	memset(&host, 0, sizeof(host));
	host.name = "esx01";
	host.state = VIFS_FLEET_OK;
	host.detail = "updated and verified";
	host.edit = &e;
	root = document(&host, 1, &st, "conf set");
	edit = json_object_get(json_array_get(json_object_get(root, "hosts"),
	                           0),
	    "edit");
	assert_string_equal(str(edit, "action"), "update");
	assert_true(json_is_true(json_object_get(edit, "changed")));
	assert_true(json_is_false(json_object_get(edit, "persisted")));
	assert_string_equal(str(edit, "persist_error"), "no VIM API");
	assert_string_equal(str(edit, "file_state"), "updated");
	assert_null(json_object_get(edit, "failed_step"));
	assert_string_equal(str(edit, "backup"), r.backup);
	assert_int_equal(json_integer_value(
	                     json_object_get(edit, "lines_added")),
	    2);
	assert_int_equal(strlen(str(edit, "sha256.original")), 64);
	assert_null(json_object_get(json_object_get(edit, "sha256"), "sent"));
	assert_string_equal(str(edit, "diff"), e.diff);
	assert_string_equal(str(json_array_get(json_object_get(root, "hosts"),
	                            0),
	                        "detail"),
	    "updated and verified");
	json_decref(root);

	/* A failed edit: no "changed" persist facts, the step named. */
	r.state = VIFS_REMOTE_UNCHANGED;
	r.failed = VIFS_STEP_PUT;
	host.state = VIFS_FLEET_FAILED;
	host.error = VIFS_EHTTP;
	host.reason = "PUT /host/esx.conf: 500";
	e.diff = NULL;
	st.ok = 0;
	st.failed = 1;
	root = document(&host, 1, &st, "conf set");
	edit = json_object_get(json_array_get(json_object_get(root, "hosts"),
	                           0),
	    "edit");
	assert_true(json_is_false(json_object_get(edit, "changed")));
	assert_string_equal(str(edit, "failed_step"), "upload");
	assert_null(json_object_get(edit, "persisted"));
	assert_null(json_object_get(edit, "diff"));
	assert_null(
	    json_object_get(json_array_get(json_object_get(root, "hosts"), 0),
	        "detail"));
	json_decref(root);
}

static void
test_hostile_and_empty(void **state)
{
	struct vifs_fleet_result host;
	struct vifs_fleet_stats st = { 0, 0, 0, 0, 0, 0 };
	json_t *root, *h;

	(void)state;
	/* No host at all is still a document. */
	root = document(NULL, 0, &st, "put");
	assert_int_equal(json_array_size(json_object_get(root, "hosts")), 0);
	json_decref(root);
	/* A name and a reason that are not UTF-8, with control bytes. */
	memset(&host, 0, sizeof(host));
	host.name = "esx\377";
	host.state = VIFS_FLEET_FAILED;
	host.error = VIFS_ECONFLICT;
	host.reason = "line\n\"two\"";
	st.total = st.failed = 1;
	root = document(&host, 1, &st, "passthru enable");
	h = json_array_get(json_object_get(root, "hosts"), 0);
	assert_string_equal(str(h, "name"), "657378FF");
	assert_string_equal(str(h, "name_encoding"), "hex");
	assert_string_equal(str(h, "error.message"), "line\n\"two\"");
	assert_string_equal(str(h, "error.code"), "conflict");
	json_decref(root);
	/* Bad calls. */
	assert_int_equal(vifs_fleet_results_start(NULL, "get"), VIFS_EINVAL);
	assert_int_equal(vifs_fleet_results_host(&(char *){ NULL }, 0, NULL),
	    VIFS_EINVAL);
}

static void
test_error_names(void **state)
{
	(void)state;
	assert_string_equal(vifs_error_name(VIFS_ENET), "network");
	assert_string_equal(vifs_error_name(VIFS_EREFUSED), "refused");
	assert_string_equal(vifs_error_name(VIFS_ETOOBIG), "too-big");
	assert_string_equal(vifs_error_name(VIFS_OK), "ok");
	assert_string_equal(vifs_error_name(-999), "error");
	assert_string_equal(vifs_strerror(VIFS_ECONFLICT),
	    "changed since it was read");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_run),
		cmocka_unit_test(test_edit_facts),
		cmocka_unit_test(test_hostile_and_empty),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
