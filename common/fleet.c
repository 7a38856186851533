/*
 * fleet.c - the fleet and its hosts: creation, the hosts added with their
 * credentials, statistics and the accessors a job's steps use.  Running
 * them (slots, requests, the multi loop) is fleet_run.c's job.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <vifs/error.h>
#include <vifs/fleet.h>

#include "fleet_int.h"

static void
secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

int
vifs_fleet_new(vifs_fleet **out, const struct vifs_fleet_opts *o)
{
	vifs_fleet *f = NULL;
	int error;

	*out = NULL;
	if (o == NULL || o->start == NULL || o->step == NULL)
		return vifs_error_set(VIFS_EINVAL, "fleet: no job");
	if ((error = vifs_http_global_init()) < 0)
		return error;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	f->o = *o;
	if ((error = dup_opt(&f->username, o->username)) < 0 ||
	    (error = dup_opt(&f->password, o->password)) < 0 ||
	    (error = dup_opt(&f->cacert_file, o->cacert_file)) < 0 ||
	    (error = dup_opt(&f->thumbprint, o->thumbprint)) < 0 ||
	    (error = dup_opt(&f->known_hosts, o->known_hosts)) < 0)
		goto fail;
	f->o.username = f->username;
	f->o.password = f->password;
	f->o.cacert_file = f->cacert_file;
	f->o.thumbprint = f->thumbprint;
	f->o.known_hosts = f->known_hosts;
	if (f->o.parallel == 0)
		f->o.parallel = VIFS_FLEET_PARALLEL_DEFAULT;
	if (f->o.retry_base_ms <= 0)
		f->o.retry_base_ms = DEFAULT_RETRY_MS;
	/* The known-hosts file is read once, not once per host. */
	if (f->known_hosts != NULL) {
		if ((error = vifs_known_hosts_new(&f->kh)) < 0 ||
		    (error = vifs_known_hosts_load(f->kh, f->known_hosts)) < 0)
			goto fail;
	}
	*out = f;
	return VIFS_OK;
fail:
	vifs_fleet_free(f);
	return error;
}

static void
host_free(vifs_fleet_host *h)
{
	if (h == NULL)
		return;
	free(h->name);
	free(h->base_url);
	free(h->username);
	secret_free(h->password);
	free(h->thumbprint);
	free(h->reason);
	free(h);
}

void
vifs_fleet_free(vifs_fleet *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		host_free(f->hosts[i]);
	free(f->hosts);
	free(f->slots);
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	vifs_known_hosts_free(f->kh);
	free(f->username);
	secret_free(f->password);
	free(f->cacert_file);
	free(f->thumbprint);
	free(f->known_hosts);
	free(f);
}

int
vifs_fleet_add(vifs_fleet *f, const struct vifs_fleet_target *t)
{
	vifs_fleet_host *h = NULL;
	int error;

	if (f->running)
		return vifs_error_set(VIFS_EINVAL,
		    "fleet: adding a host "
		    "while it runs");
	if (t == NULL || t->name == NULL || t->base_url == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "fleet: a host without a "
		    "name or URL");
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		void *p = realloc(f->hosts, cap * sizeof(*f->hosts));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		f->hosts = p;
		f->cap = cap;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	h->last_modified = -1;
	if ((error = dup_opt(&h->name, t->name)) < 0 ||
	    (error = dup_opt(&h->base_url, t->base_url)) < 0 ||
	    (error = dup_opt(&h->username, t->username)) < 0 ||
	    (error = dup_opt(&h->password, t->password)) < 0 ||
	    (error = dup_opt(&h->thumbprint, t->thumbprint)) < 0) {
		host_free(h);
		return error;
	}
	h->fleet = f;
	h->index = f->n;
	f->hosts[f->n++] = h;
	return VIFS_OK;
}

int
vifs_fleet_add_http(vifs_fleet *f, const char *name, vifs_http *http)
{
	struct vifs_fleet_target t;
	int error;

	if (http == NULL)
		return vifs_error_set(VIFS_EINVAL, "fleet: no handle to add");
	memset(&t, 0, sizeof(t));
	t.name = name;
	t.base_url = "";
	if ((error = vifs_fleet_add(f, &t)) < 0)
		return error;
	f->hosts[f->n - 1]->borrowed = http;
	return VIFS_OK;
}

int
vifs_fleet_set_credentials(vifs_fleet *f, const char *username,
    const char *password)
{
	char *u = NULL, *p = NULL;

	if (f->running)
		return vifs_error_set(VIFS_EINVAL,
		    "fleet: changing "
		    "credentials while it runs");
	if (dup_opt(&u, username) < 0 || dup_opt(&p, password) < 0) {
		free(u);
		return VIFS_ENOMEM;
	}
	free(f->username);
	secret_free(f->password);
	f->o.username = f->username = u;
	f->o.password = f->password = p;
	return VIFS_OK;
}

size_t
vifs_fleet_count(const vifs_fleet *f)
{
	return f->n;
}

vifs_fleet_host *
vifs_fleet_get(vifs_fleet *f, size_t i)
{
	return i < f->n ? f->hosts[i] : NULL;
}

void
vifs_fleet_stop(vifs_fleet *f)
{
	f->stop = 1;
}

void
vifs_fleet_stats(const vifs_fleet *f, struct vifs_fleet_stats *out)
{
	*out = f->stats;
	out->total = f->n;
	if (f->running)
		out->elapsed_ms = fleet_now_ms() - f->start_ms;
}

/* --- hosts ------------------------------------------------------------ */

const char *
vifs_fleet_host_name(const vifs_fleet_host *h)
{
	return h->name;
}

size_t
vifs_fleet_host_index(const vifs_fleet_host *h)
{
	return h->index;
}

enum vifs_fleet_state
vifs_fleet_host_state(const vifs_fleet_host *h)
{
	return h->state;
}

int
vifs_fleet_host_error(const vifs_fleet_host *h)
{
	return h->error;
}

const char *
vifs_fleet_host_reason(const vifs_fleet_host *h)
{
	return h->reason ? h->reason : "";
}

long
vifs_fleet_host_http_status(const vifs_fleet_host *h)
{
	return h->http_status;
}

long long
vifs_fleet_host_last_modified(const vifs_fleet_host *h)
{
	return h->last_modified;
}

void
vifs_fleet_host_set_data(vifs_fleet_host *h, void *data)
{
	h->data = data;
}

void *
vifs_fleet_host_data(const vifs_fleet_host *h)
{
	return h->data;
}

const char *
vifs_fleet_host_hostport(const vifs_fleet_host *h)
{
	const struct slot *s = h->slot;

	return s != NULL && s->http != NULL ? vifs_http_hostport(s->http) :
	                                      NULL;
}

void
vifs_fleet_host_credentials(const vifs_fleet_host *h, const char **username,
    const char **password)
{
	*username = h->username ? h->username : h->fleet->username;
	*password = h->username ? h->password : h->fleet->password;
}

void
fleet_set_reason(vifs_fleet_host *h, const char *fmt, ...)
{
	char line[REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	free(h->reason);
	/* Out of memory the host keeps no reason; its code still tells. */
	h->reason = strdup(line);
}
