/*
 * remoteedit.c - the remote edit of a host's file as one step machine that
 * a fleet advances: the handle, the machine that runs the steps of
 * remoteedit_steps.c in order, and the edit of one host run as a fleet of
 * one.
 *
 * A step has a BEGIN, which either issues one request on the fleet host
 * or does its work locally, and an END, which judges the request BEGIN
 * issued.  Both return VIFS_OK to go on to the next step, a negative
 * code to fail the edit (re_fail() records the result first), STEP_WAIT
 * after issuing a further request (END is called again when it ends), or
 * STEP_OVER to end the edit early with success (no change, a dry run).
 * docs/internals/remoteedit.md says how a step is added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/remoteedit.h>

#include "internal.h"
#include "remoteedit_int.h"

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

/* --- the machine ----------------------------------------------------------- */

/* Index of step ID in re_steps[]. */
static size_t
step_index(enum vifs_remoteedit_step id)
{
	for (size_t i = 0; i < re_nsteps; i++)
		if (re_steps[i].id == id)
			return i;
	return re_nsteps;
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
				re_fail(re, re_steps[re->at].id, rc, cause,
				    "%s", cause);
			}
			return re->res.error;
		}
		if (rc == STEP_WAIT)
			return VIFS_OK;
		if (rc == STEP_OVER || re->at + 1 >= re_nsteps) {
			re->over = 1;
			return VIFS_OK;
		}
		re->at++;
		re->phase = 0;
		if (re->stop_at != 0 && re->at == re->stop_at)
			return VIFS_OK; /* paused: vifs_remoteedit_commit() */
		rc = re_steps[re->at].begin(re, h);
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
	return advance(re, h, re_steps[re->at].begin(re, h));
}

int
vifs_remoteedit_step(vifs_remoteedit *re, vifs_fleet_host *h, int error)
{
	const struct re_step *s = &re_steps[re->at];

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
	vifs_firmware_job_free(re->fw);
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
