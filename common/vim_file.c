/*
 * vim_file.c - the FileManager calls of the VIM client: MakeDirectory and
 * the datastore file tasks (delete, copy, move) with their wait.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/vim.h>

#include "internal.h"
#include "utf8.h"
#include "vim_int.h"
#include "xmlquiet.h"
static int
need_file_manager(vifs_vim *v, const char *method)
{
	int error;

	if ((error = vim_need_sc(v)) < 0)
		return error;
	if (v->file_manager == NULL || *v->file_manager == '\0')
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "%s: %s: the host has no FileManager", v->where, method);
	return VIFS_OK;
}

int
vifs_vim_mkdir(vifs_vim *v, const char *name, const char *datacenter,
    int parents)
{
	static const char *const M = "MakeDirectory";
	struct req r;
	struct resp a;
	int error;

	if ((error = need_file_manager(v, M)) < 0)
		return error;
	if ((error = vim_req_begin(&r, M, "FileManager", v->file_manager)) < 0)
		return error;
	vim_req_text(&r, r.op, "name", name);
	if (datacenter != NULL)
		vim_req_moref(&r, r.op, "datacenter", "Datacenter", datacenter);
	vim_req_text(&r, r.op, "createParentDirectories",
	    parents ? "true" : "false");
	error = vim_call(v, M, &r, &a);
	vim_req_free(&r);
	if (error == 0)
		vim_resp_free(&a);
	return error;
}

/* --- tasks --------------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* A signal ends the pause early; the caller then looks at its
	 * cancel callback. */
	nanosleep(&ts, NULL);
}

/*
 * Reads info.state and info.error of TASK: *state is 0 while the task is
 * queued or running, 1 when it succeeded; a task that failed is its
 * fault, turned into an error for METHOD.
 */
static int
task_state(vifs_vim *v, const char *method, const char *task, int *state)
{
	static const char *const M = "RetrievePropertiesEx";
	struct req r;
	struct resp a;
	xmlNodePtr spec, ps, os, obj, n;
	char *s = NULL;
	int error;

	*state = 0;
	if ((error = vim_req_begin(&r, M, "PropertyCollector",
	         v->property_collector)) < 0)
		return error;
	spec = vim_req_elem(&r, r.op, "specSet");
	ps = vim_req_elem(&r, spec, "propSet");
	vim_req_text(&r, ps, "type", "Task");
	vim_req_text(&r, ps, "pathSet", "info.state");
	vim_req_text(&r, ps, "pathSet", "info.error");
	os = vim_req_elem(&r, spec, "objectSet");
	vim_req_moref(&r, os, "obj", "Task", task);
	vim_req_elem(&r, r.op, "options");
	error = vim_call(v, M, &r, &a);
	vim_req_free(&r);
	if (error < 0)
		return error;
	obj = vim_xp_node(&a, a.ret, "v:returnval/v:objects");
	s = obj ? vim_xp_text(&a, obj, "v:propSet[v:name='info.state']/v:val") :
	          NULL;
	if (s == NULL) {
		/* A property the host would not give says why. */
		n = obj ? vim_xp_node(&a, obj, "v:missingSet/v:fault") : NULL;
		if (n != NULL) {
			vim_take_fault(v, &a, vim_xp_node(&a, n, "v:fault"),
			    vim_xp_text(&a, n, "v:localizedMessage"));
			error = vim_fault_error(v, method);
		} else
			error = vifs_error_set(VIFS_EPARSE,
			    "%s: %s: the host gave no state of task %s",
			    v->where, method, task);
	} else if (strcmp(s, "success") == 0) {
		*state = 1;
	} else if (strcmp(s, "error") == 0) {
		n = vim_xp_node(&a, obj,
		    "v:propSet[v:name='info.error']/v:val");
		vim_take_fault(v, &a, n ? vim_xp_node(&a, n, "v:fault") : NULL,
		    n ? vim_xp_text(&a, n, "v:localizedMessage") : NULL);
		error = vim_fault_error(v, method);
	} else if (strcmp(s, "queued") != 0 && strcmp(s, "running") != 0) {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s: %s: task %s is in the unknown state '%s'", v->where,
		    method, task, vim_clean_line(s));
	}
	free(s);
	vim_resp_free(&a);
	return error;
}

/*
 * Waits for TASK: its state is read at once (ESXi finishes most file
 * tasks within the call), then after pauses that start at poll_first_ms
 * and double up to poll_max_ms.
 */
static int
wait_task(vifs_vim *v, const char *method, const char *task)
{
	int64_t start = now_ms();
	long pause = v->poll_first_ms;
	int state = 0, error;

	for (;;) {
		if ((error = task_state(v, method, task, &state)) < 0)
			return error;
		if (state == 1)
			return VIFS_OK;
		if (v->cancel != NULL && v->cancel(v->cancel_payload))
			return vifs_error_set(VIFS_ERROR,
			    "%s: %s: stopped waiting for task %s, which goes "
			    "on on the host",
			    v->where, method, task);
		if (v->task_timeout_ms > 0 &&
		    now_ms() - start + pause > v->task_timeout_ms)
			return vifs_error_set(VIFS_ETIMEOUT,
			    "%s: %s: task %s still running after %ld ms",
			    v->where, method, task, v->task_timeout_ms);
		pause_ms(pause);
		if (v->cancel != NULL && v->cancel(v->cancel_payload))
			continue; /* said above, after one more look */
		pause = pause > v->poll_max_ms / 2 ? v->poll_max_ms : pause * 2;
	}
}

/* Sends R (a *_Task method) and waits for the task it starts. */
static int
run_task(vifs_vim *v, const char *method, struct req *r)
{
	struct resp a;
	char *task = NULL;
	xmlNodePtr n;
	int error;

	error = vim_call(v, method, r, &a);
	if (error < 0)
		return error;
	n = vim_xp_node(&a, a.ret, "v:returnval");
	if (n != NULL)
		task = vim_xstrdup_xml(xmlNodeGetContent(n));
	vim_resp_free(&a);
	if (task == NULL || *task == '\0' || !vifs_utf8_xml_safe(task)) {
		free(task);
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer names no task", v->where, method);
	}
	error = wait_task(v, method, task);
	free(task);
	return error;
}

int
vifs_vim_delete(vifs_vim *v, const char *name, const char *datacenter)
{
	static const char *const M = "DeleteDatastoreFile_Task";
	struct req r;
	int error;

	if ((error = need_file_manager(v, M)) < 0)
		return error;
	if ((error = vim_req_begin(&r, M, "FileManager", v->file_manager)) < 0)
		return error;
	vim_req_text(&r, r.op, "name", name);
	if (datacenter != NULL)
		vim_req_moref(&r, r.op, "datacenter", "Datacenter", datacenter);
	error = run_task(v, M, &r);
	vim_req_free(&r);
	return error;
}

static int
copy_or_move(vifs_vim *v, const char *method, const char *src, const char *dst,
    const char *datacenter, int force)
{
	struct req r;
	int error;

	if ((error = need_file_manager(v, method)) < 0)
		return error;
	if ((error = vim_req_begin(&r, method, "FileManager",
	         v->file_manager)) < 0)
		return error;
	vim_req_text(&r, r.op, "sourceName", src);
	if (datacenter != NULL)
		vim_req_moref(&r, r.op, "sourceDatacenter", "Datacenter",
		    datacenter);
	vim_req_text(&r, r.op, "destinationName", dst);
	if (datacenter != NULL)
		vim_req_moref(&r, r.op, "destinationDatacenter", "Datacenter",
		    datacenter);
	vim_req_text(&r, r.op, "force", force ? "true" : "false");
	error = run_task(v, method, &r);
	vim_req_free(&r);
	return error;
}

int
vifs_vim_copy(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force)
{
	return copy_or_move(v, "CopyDatastoreFile_Task", src, dst, datacenter,
	    force);
}

int
vifs_vim_move(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force)
{
	return copy_or_move(v, "MoveDatastoreFile_Task", src, dst, datacenter,
	    force);
}
