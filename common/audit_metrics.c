/*
 * audit_metrics.c - the fleet audit's results as Prometheus metrics in
 * the text exposition format, for node_exporter's textfile collector:
 * collected host by host, written atomically at the end, with each
 * host's last successful audit time carried over from the file before.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/file.h>

#include "audit_int.h"
#include "internal.h"
#include "utf8.h"

#define LAST_SUCCESS "vifs_audit_last_success_timestamp_seconds"
#define HOSTNAME_MAX 1024
#define METRICS_MAX ((size_t)256 << 20)

struct mhost {
	char *name;
	int status; /* enum vifs_audit_status, or -1: from the file only */
	int reached;
	size_t lint_errors, lint_warnings, drift, passthru;
	double last_success; /* seconds since the epoch, < 0 unknown */
};

struct audit_metrics {
	char *path;
	struct mhost *h;
	size_t n, cap;
};

void
audit_metrics_free(audit_metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->h[i].name);
	free(m->h);
	free(m->path);
	free(m);
}

static struct mhost *
find(audit_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->h[i].name, name) == 0)
			return &m->h[i];
	return NULL;
}

static struct mhost *
add(audit_metrics *m, const char *name)
{
	struct mhost *h;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct mhost *p = realloc(m->h, cap * sizeof(*p));

		if (p == NULL) {
			vifs_error_set(VIFS_ENOMEM, "out of memory");
			return NULL;
		}
		m->h = p;
		m->cap = cap;
	}
	h = &m->h[m->n];
	memset(h, 0, sizeof(*h));
	if ((h->name = vifs_strdup(name)) == NULL)
		return NULL;
	h->status = -1;
	h->last_success = -1;
	m->n++;
	return h;
}

/* --- reading the file before ------------------------------------------- */

/* The label value at *P (after the opening quote) into B, undoing the
 * escapes of the format (\\, \", \n); *P ends after the closing quote. */
static int
label_value(struct vifs_buf *b, const char **p, const char *end)
{
	const char *s = *p;

	b->len = 0;
	if (vifs_buf_grow(b, 0) < 0)
		return VIFS_ENOMEM;
	b->data[0] = '\0';
	while (s < end && *s != '"') {
		char c = *s++;

		if (c == '\\') {
			if (s == end)
				return VIFS_EPARSE;
			c = *s++;
			if (c == 'n')
				c = '\n';
			else if (c != '\\' && c != '"')
				return VIFS_EPARSE;
		}
		if (c == '\0' || b->len >= HOSTNAME_MAX ||
		    vifs_buf_putc(b, c) < 0)
			return VIFS_EPARSE;
	}
	if (s == end)
		return VIFS_EPARSE;
	*p = s + 1;
	return VIFS_OK;
}

static int
parse_line(const char *s, const char *end, size_t lineno, struct vifs_buf *b,
    audit_metrics_cb cb, void *payload)
{
	static const char prefix[] = LAST_SUCCESS "{host=\"";
	size_t plen = sizeof(prefix) - 1;
	char num[64], *num_end;
	size_t n;
	double t;

	if ((size_t)(end - s) < plen || memcmp(s, prefix, plen) != 0)
		return VIFS_OK;
	s += plen;
	if (label_value(b, &s, end) < 0 || s == end || *s != '}')
		return vifs_error_set(VIFS_EPARSE, "%zu: a broken host label",
		    lineno);
	s++;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (n = 0; s + n < end && s[n] != ' ' && n < sizeof(num) - 1; n++)
		num[n] = s[n];
	num[n] = '\0';
	errno = 0;
	t = strtod(num, &num_end);
	if (n == 0 || *num_end != '\0' || errno != 0 || !(t >= 0) || t > 1e12)
		return vifs_error_set(VIFS_EPARSE, "%zu: '%s' is no time",
		    lineno, num);
	return cb(b->data, t, payload);
}

int
audit_metrics_parse(const char *buf, size_t len, audit_metrics_cb cb,
    void *payload)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *s = buf, *end = buf + len;
	size_t lineno = 0;
	int error = 0;

	if (len > METRICS_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "metrics: too big");
	while (s < end && error == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;

		lineno++;
		error = parse_line(s, le, lineno, &b, cb, payload);
		s = nl ? nl + 1 : end;
	}
	vifs_buf_free(&b);
	return error;
}

static int
carry(const char *host, double t, void *payload)
{
	audit_metrics *m = payload;
	struct mhost *h = find(m, host);

	if (h == NULL && (h = add(m, host)) == NULL)
		return VIFS_ENOMEM;
	if (t > h->last_success)
		h->last_success = t;
	return VIFS_OK;
}

int
audit_metrics_open(audit_metrics **out, const char *path)
{
	audit_metrics *m;
	char *buf = NULL;
	size_t len;
	int error;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((m->path = vifs_strdup(path)) == NULL) {
		error = VIFS_ENOMEM;
		goto fail;
	}
	error = vifs_file_read(&buf, &len, path);
	if (error == VIFS_ENOTFOUND) {
		*out = m;
		return VIFS_OK;
	}
	if (error < 0)
		goto fail;
	if ((error = audit_metrics_parse(buf, len, carry, m)) < 0) {
		error = vifs_error_set(error, "%s:%s", path, vifs_error_last());
		goto fail;
	}
	free(buf);
	*out = m;
	return VIFS_OK;
fail:
	free(buf);
	audit_metrics_free(m);
	return error;
}

/* --- this run ------------------------------------------------------------ */

int
audit_metrics_host(audit_metrics *m, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit, int error,
    long long now)
{
	struct mhost *h = find(m, name);

	if (h == NULL && (h = add(m, name)) == NULL)
		return VIFS_ENOMEM;
	h->status = (int)status;
	if (status == VIFS_AUDIT_OK || status == VIFS_AUDIT_DRIFT) {
		const vifs_lint *lint = vifs_audit_lint(audit);

		h->reached = 1;
		h->lint_errors = vifs_lint_errors(lint);
		h->lint_warnings = vifs_lint_count(lint) - h->lint_errors;
		h->drift = vifs_audit_drift_count(audit);
		h->passthru = vifs_audit_passthru_count(audit);
		h->last_success = (double)now;
	} else {
		/* A host that answered at all was reached; one that could
		 * not be connected to in time, or was not tried, was not. */
		h->reached = status == VIFS_AUDIT_FAILED &&
		    error != VIFS_ENET && error != VIFS_ETIMEOUT;
	}
	return VIFS_OK;
}

/* NAME as a label value: '\\', '"' and newline escaped, bytes that are
 * not UTF-8 as '?'. */
static int
put_label(struct vifs_buf *b, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = vifs_utf8_next(name + i, len - i, &cp);
		int error;

		if (n <= 0) {
			error = vifs_buf_putc(b, '?');
			i++;
		} else if (name[i] == '\\' || name[i] == '"') {
			error = vifs_buf_printf(b, "\\%c", name[i]);
			i++;
		} else if (name[i] == '\n') {
			error = vifs_buf_puts(b, "\\n");
			i++;
		} else {
			error = vifs_buf_add(b, name + i, (size_t)n);
			i += (size_t)n;
		}
		if (error < 0)
			return error;
	}
	return VIFS_OK;
}

static int
family(struct vifs_buf *b, const char *name, const char *help)
{
	return vifs_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help,
	    name);
}

/* One sample NAME{host="H"[,EXTRA]} VALUE. */
static int
sample(struct vifs_buf *b, const char *name, const char *host,
    const char *extra, double value)
{
	int error;

	if ((error = vifs_buf_printf(b, "%s{host=\"", name)) < 0 ||
	    (error = put_label(b, host)) < 0 ||
	    (error = vifs_buf_printf(b, "\"%s%s} %.15g\n", extra ? "," : "",
	         extra ? extra : "", value)) < 0)
		return error;
	return VIFS_OK;
}

enum {
	F_REACHED,
	F_STATUS,
	F_LINT_ERRORS,
	F_LINT_WARNINGS,
	F_DRIFT,
	F_PASSTHRU,
	F_LAST_SUCCESS,
	F_COUNT
};

static const char *const fam_name[F_COUNT] = {
	"vifs_audit_host_reached",
	"vifs_audit_host_status",
	"vifs_audit_host_lint_errors",
	"vifs_audit_host_lint_warnings",
	"vifs_audit_host_drift",
	"vifs_audit_host_passthru_devices",
	LAST_SUCCESS,
};

static const char *const fam_help[F_COUNT] = {
	"Whether the last audit reached the host (1) or not (0).",
	"The host's status in the last audit: 1 for the one it has.",
	"Lint errors in the host's esx.conf at the last audit.",
	"Lint warnings in the host's esx.conf at the last audit.",
	"Differences of the host's esx.conf from the baseline.",
	"Devices the host gives to passthru (directly or through a bridge).",
	"When the host's esx.conf was last audited (Unix time).",
};

static int
host_samples(struct vifs_buf *b, int f, const struct mhost *h)
{
	static const char *const st[4] = { "status=\"ok\"", "status=\"drift\"",
		"status=\"failed\"", "status=\"skipped\"" };
	int audited = h->status == VIFS_AUDIT_OK ||
	    h->status == VIFS_AUDIT_DRIFT;
	int error = 0;

	switch (f) {
	case F_REACHED:
		return h->status < 0 ?
		    0 :
		    sample(b, fam_name[f], h->name, NULL, h->reached);
	case F_STATUS:
		for (int i = 0; i < 4 && h->status >= 0 && error == 0; i++)
			error = sample(b, fam_name[f], h->name, st[i],
			    h->status == i);
		return error;
	case F_LINT_ERRORS:
		return audited ? sample(b, fam_name[f], h->name, NULL,
		                     (double)h->lint_errors) :
		                 0;
	case F_LINT_WARNINGS:
		return audited ? sample(b, fam_name[f], h->name, NULL,
		                     (double)h->lint_warnings) :
		                 0;
	case F_DRIFT:
		return audited ?
		    sample(b, fam_name[f], h->name, NULL, (double)h->drift) :
		    0;
	case F_PASSTHRU:
		return audited ?
		    sample(b, fam_name[f], h->name, NULL, (double)h->passthru) :
		    0;
	default:
		return h->last_success < 0 ?
		    0 :
		    sample(b, fam_name[f], h->name, NULL, h->last_success);
	}
}

int
audit_metrics_write(audit_metrics *m, double seconds, long long now)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	size_t counts[4] = { 0, 0, 0, 0 };
	static const char *const names[4] = { "ok", "drift", "failed",
		"skipped" };
	int error = 0;

	for (int f = 0; f < F_COUNT && error == 0; f++) {
		if ((error = family(&b, fam_name[f], fam_help[f])) < 0)
			break;
		for (size_t i = 0; i < m->n && error == 0; i++)
			error = host_samples(&b, f, &m->h[i]);
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->h[i].status >= 0)
			counts[m->h[i].status]++;
	if (error == 0)
		error = family(&b, "vifs_audit_hosts",
		    "Hosts of the last audit run by status.");
	for (int i = 0; i < 4 && error == 0; i++)
		error = vifs_buf_printf(&b,
		    "vifs_audit_hosts{status=\"%s\"} %zu\n", names[i],
		    counts[i]);
	if (error == 0 &&
	    (error = family(&b, "vifs_audit_duration_seconds",
	         "How long the last audit run took.")) == 0)
		error = vifs_buf_printf(&b,
		    "vifs_audit_duration_seconds %.3f\n",
		    seconds < 0 ? 0.0 : seconds);
	if (error == 0 &&
	    (error = family(&b, "vifs_audit_last_run_timestamp_seconds",
	         "When the last audit run ended, in seconds since the "
	         "epoch.")) == 0)
		error = vifs_buf_printf(&b,
		    "vifs_audit_last_run_timestamp_seconds %lld\n", now);
	if (error == 0)
		error = vifs_file_write_atomic(m->path, b.data, b.len, 0644);
	vifs_buf_free(&b);
	return error;
}
