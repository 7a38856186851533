/*
 * audit_report.c - the report of a fleet's audit, written host by host to
 * a temporary file as XML with libxml2's text writer or as JSON
 * (audit_json.c), and as metrics (audit_metrics.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "audit_int.h"
#include "internal.h"
#include "json_int.h"
#include "utf8.h"
#include "xmlquiet.h"

#define XC(s) ((const xmlChar *)(s))

struct vifs_audit_report {
	char *path;
	struct vifs_buf tmp; /* the temporary file's name */
	int fd;
	xmlTextWriterPtr w;
	struct vifs_buf text; /* scratch for safe text */
	size_t counts[4]; /* hosts of each status */
	int closed;
	int json; /* the document is JSON, not XML */
	audit_metrics *metrics; /* NULL: no metrics file */
};

/*
 * LEN bytes of S made safe for XML into R->text: valid UTF-8 characters
 * that XML 1.0 allows pass; other bytes and '|' itself become '|' and two
 * upper-case hex digits (esx.conf's escape, as passthru.xsd has it).
 */
static const char *
safe(vifs_audit_report *r, const char *s, size_t len)
{
	if (vifs_xml_escape(&r->text, s, len) < 0)
		return NULL;
	return r->text.data;
}

static int
w_fail(void)
{
	return vifs_error_set(VIFS_EIO, "audit report: the XML writer failed");
}

static int
attr(vifs_audit_report *r, const char *name, const char *value, size_t len)
{
	return vifs_xml_write(r->w, &r->text, name, value, len) < 0 ? w_fail() :
	                                                              VIFS_OK;
}

static int
attr_s(vifs_audit_report *r, const char *name, const char *value)
{
	return attr(r, name, value, strlen(value));
}

static int
attr_n(vifs_audit_report *r, const char *name, size_t n)
{
	if (xmlTextWriterWriteFormatAttribute(r->w, XC(name), "%zu", n) < 0)
		return w_fail();
	return VIFS_OK;
}

static int
attr_addr(vifs_audit_report *r, const char *name, const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];
	int error;

	if ((error = vifs_pciaddr_format(buf, sizeof(buf), a, VIFS_PCI_LINUX)) <
	    0)
		return error;
	return attr_s(r, name, buf);
}

static void
utc_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

void
vifs_audit_report_free(vifs_audit_report *r)
{
	if (r == NULL)
		return;
	if (r->w != NULL)
		xmlFreeTextWriter(r->w);
	if (r->fd >= 0)
		close(r->fd);
	if (!r->closed && r->tmp.data != NULL)
		unlink(r->tmp.data);
	vifs_buf_free(&r->tmp);
	vifs_buf_free(&r->text);
	audit_metrics_free(r->metrics);
	free(r->path);
	free(r);
}

/* Writes LEN bytes of S to the report's temporary file. */
static int
put_raw(vifs_audit_report *r, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(r->fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vifs_error_set(VIFS_EIO, "%s: %s", r->tmp.data,
			    strerror(errno));
		s += n;
		len -= (size_t)n;
	}
	return VIFS_OK;
}

static int
xml_open(vifs_audit_report *r, const char *baseline)
{
	xmlOutputBufferPtr ob;
	struct vifs_xml_quiet q;
	char now[32];
	int error;

	vifs_xml_quiet_begin(&q);
	ob = xmlOutputBufferCreateFd(r->fd, NULL);
	if (ob != NULL && (r->w = xmlNewTextWriter(ob)) == NULL)
		xmlOutputBufferClose(ob);
	vifs_xml_quiet_end(&q);
	if (r->w == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	utc_now(now);
	if (xmlTextWriterSetIndent(r->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(r->w, XC("  ")) < 0 ||
	    xmlTextWriterStartDocument(r->w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(r->w, XC("audit")) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, XC("version"), XC("1")) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, XC("started"), XC(now)) < 0)
		return w_fail();
	if (baseline != NULL && (error = attr_s(r, "baseline", baseline)) < 0)
		return error;
	if (xmlTextWriterFlush(r->w) < 0)
		return w_fail();
	return VIFS_OK;
}

static int
json_open(vifs_audit_report *r, const char *baseline)
{
	char now[32], *text = NULL;
	int error;

	utc_now(now);
	if ((error = audit_json_start(&text, now, baseline)) == 0)
		error = put_raw(r, text, strlen(text));
	free(text);
	return error;
}

int
vifs_audit_report_start(vifs_audit_report **out,
    const struct vifs_audit_report_opts *o)
{
	vifs_audit_report *r = NULL;
	int error;

	*out = NULL;
	if (o == NULL || (o->path == NULL && o->metrics == NULL) ||
	    (o->path != NULL && *o->path == '\0') ||
	    (o->metrics != NULL && *o->metrics == '\0'))
		return vifs_error_set(VIFS_EINVAL, "audit report: no path");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	r->fd = -1;
	r->json = o->format == VIFS_AUDIT_FORMAT_JSON;
	if (o->metrics != NULL &&
	    (error = audit_metrics_open(&r->metrics, o->metrics)) < 0)
		goto fail;
	if (o->path == NULL) {
		*out = r;
		return VIFS_OK;
	}
	if ((r->path = vifs_strdup(o->path)) == NULL) {
		error = VIFS_ENOMEM;
		goto fail;
	}
	if ((error = vifs_buf_printf(&r->tmp, "%s.vifs-part-XXXXXX", o->path)) <
	    0)
		goto fail;
	if ((r->fd = mkstemp(r->tmp.data)) < 0) {
		error = vifs_error_set(VIFS_EIO,
		    "%s: cannot create a temporary file beside it: %s", o->path,
		    strerror(errno));
		vifs_buf_free(&r->tmp);
		goto fail;
	}
	if ((error = r->json ? json_open(r, o->baseline) :
	                       xml_open(r, o->baseline)) < 0)
		goto fail;
	*out = r;
	return VIFS_OK;
fail:
	vifs_audit_report_free(r);
	return error;
}

int
vifs_audit_report_open(vifs_audit_report **out, const char *path,
    const char *baseline)
{
	struct vifs_audit_report_opts o;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return vifs_error_set(VIFS_EINVAL, "audit report: no path");
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.baseline = baseline;
	return vifs_audit_report_start(out, &o);
}

static int
write_lint(vifs_audit_report *r, const vifs_lint *lint)
{
	size_t n = vifs_lint_count(lint), errors = vifs_lint_errors(lint);
	int error;

	if (xmlTextWriterStartElement(r->w, XC("lint")) < 0)
		return w_fail();
	if ((error = attr_n(r, "errors", errors)) < 0 ||
	    (error = attr_n(r, "warnings", n - errors)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(lint, i);
		const char *msg;

		if (xmlTextWriterStartElement(r->w, XC("finding")) < 0)
			return w_fail();
		if ((error = attr_n(r, "line", f->line)) < 0 ||
		    (error = attr_s(r, "rule", f->rule)) < 0 ||
		    (error = attr_s(r, "severity",
		         f->severity == VIFS_LINT_ERROR ? "error" :
		                                          "warning")) < 0)
			return error;
		if ((msg = safe(r, f->message, strlen(f->message))) == NULL)
			return VIFS_ENOMEM;
		if (xmlTextWriterWriteString(r->w, XC(msg)) < 0 ||
		    xmlTextWriterEndElement(r->w) < 0)
			return w_fail();
	}
	return xmlTextWriterEndElement(r->w) < 0 ? w_fail() : VIFS_OK;
}

static int
write_passthru(vifs_audit_report *r, const vifs_audit *a)
{
	size_t n = vifs_audit_passthru_count(a);
	int error;

	if (xmlTextWriterStartElement(r->w, XC("passthru")) < 0)
		return w_fail();
	if ((error = attr_n(r, "count", n)) < 0 ||
	    (error = attr_s(r, "topology",
	         vifs_audit_has_topology(a) ? "yes" : "no")) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		const struct vifs_passthru_dev *d = vifs_audit_passthru(a, i);

		if (xmlTextWriterStartElement(r->w, XC("device")) < 0)
			return w_fail();
		if ((error = attr_addr(r, "address", &d->addr)) < 0 ||
		    (d->key_addr &&
		        (error = attr_s(r, "key", d->key_addr)) < 0) ||
		    (error = attr_s(r, "owner", vifs_owner_name(d->owner))) <
		        0 ||
		    (d->vmkname &&
		        (error = attr_s(r, "vmkname", d->vmkname)) < 0) ||
		    (d->via_bridge &&
		        (error = attr_addr(r, "via-bridge", &d->bridge)) < 0))
			return error;
		for (size_t k = 0; k < vifs_audit_danger_count(a); k++) {
			const struct vifs_audit_danger *g = vifs_audit_danger(a,
			    k);
			const char *msg;

			if (vifs_pciaddr_cmp(&g->device, &d->addr) != 0)
				continue;
			if (xmlTextWriterStartElement(r->w, XC("danger")) < 0)
				return w_fail();
			if ((error = attr_s(r, "rule", g->rule)) < 0 ||
			    (error = attr_s(r, "severity", "error")) < 0 ||
			    (error = attr_addr(r, "holder", &g->holder)) < 0)
				return error;
			if ((msg = safe(r, g->message, strlen(g->message))) ==
			    NULL)
				return VIFS_ENOMEM;
			if (xmlTextWriterWriteString(r->w, XC(msg)) < 0 ||
			    xmlTextWriterEndElement(r->w) < 0)
				return w_fail();
		}
		if (xmlTextWriterEndElement(r->w) < 0)
			return w_fail();
	}
	return xmlTextWriterEndElement(r->w) < 0 ? w_fail() : VIFS_OK;
}

static int
write_drift(vifs_audit_report *r, const vifs_audit *a)
{
	size_t n = vifs_audit_drift_count(a);
	int error;

	if (xmlTextWriterStartElement(r->w, XC("drift")) < 0)
		return w_fail();
	if ((error = attr_n(r, "count", n)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		const struct vifs_drift *d = vifs_audit_drift(a, i);

		if (xmlTextWriterStartElement(r->w, XC("difference")) < 0)
			return w_fail();
		if ((error = attr_s(r, "key", d->key)) < 0 ||
		    (error = attr_s(r, "kind", vifs_drift_kind_name(d->kind))) <
		        0 ||
		    (d->expected &&
		        (error = attr_s(r, "expected", d->expected)) < 0) ||
		    (d->actual &&
		        (error = attr(r, "actual", d->actual, d->actual_len)) <
		            0) ||
		    (d->line && (error = attr_n(r, "line", d->line)) < 0) ||
		    (error = attr_n(r, "baseline-line", d->baseline_line)) < 0)
			return error;
		if (xmlTextWriterEndElement(r->w) < 0)
			return w_fail();
	}
	return xmlTextWriterEndElement(r->w) < 0 ? w_fail() : VIFS_OK;
}

static int json_host(vifs_audit_report *r, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit,
    const char *inventory, int error_code, const char *reason);
static int xml_host(vifs_audit_report *r, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit,
    const char *inventory, int error_code, const char *reason);

int
vifs_audit_report_host(vifs_audit_report *r, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit,
    const char *inventory, int error_code, const char *reason)
{
	int error;

	if (r == NULL || r->closed || name == NULL ||
	    (unsigned)status > VIFS_AUDIT_SKIPPED ||
	    ((status == VIFS_AUDIT_OK || status == VIFS_AUDIT_DRIFT) &&
	        audit == NULL))
		return vifs_error_set(VIFS_EINVAL, "audit report: bad host");
	if (reason == NULL || *reason == '\0')
		reason = vifs_strerror(error_code);
	if (r->fd >= 0 &&
	    (error = r->json ? json_host(r, name, status, audit, inventory,
	                           error_code, reason) :
	                       xml_host(r, name, status, audit, inventory,
	                           error_code, reason)) < 0)
		return error;
	if (r->metrics != NULL &&
	    (error = audit_metrics_host(r->metrics, name, status, audit,
	         error_code, (long long)time(NULL))) < 0)
		return error;
	r->counts[status]++;
	return VIFS_OK;
}

static int
json_host(vifs_audit_report *r, const char *name, enum vifs_audit_status status,
    const vifs_audit *audit, const char *inventory, int error_code,
    const char *reason)
{
	json_t *h = NULL;
	char *text;
	size_t hosts = r->counts[0] + r->counts[1] + r->counts[2] +
	    r->counts[3];
	int error;

	if ((error = audit_json_host(&h, name, status, audit, inventory,
	         vifs_error_name(error_code), reason)) < 0)
		return error;
	error = vifs_json_stream_item(&text, hosts, h);
	json_decref(h);
	if (error == 0)
		error = put_raw(r, text, strlen(text));
	free(text);
	return error;
}

static int
xml_host(vifs_audit_report *r, const char *name, enum vifs_audit_status status,
    const vifs_audit *audit, const char *inventory, int error_code,
    const char *reason)
{
	int error;

	if (xmlTextWriterStartElement(r->w, XC("host")) < 0)
		return w_fail();
	if ((error = attr_s(r, "name", name)) < 0 ||
	    (error = attr_s(r, "status", vifs_audit_status_name(status))) < 0)
		return error;
	if (status == VIFS_AUDIT_FAILED || status == VIFS_AUDIT_SKIPPED) {
		const char *text;

		if (xmlTextWriterStartElement(r->w, XC("error")) < 0)
			return w_fail();
		if ((error = attr_s(r, "code", vifs_error_name(error_code))) <
		    0)
			return error;
		if ((text = safe(r, reason, strlen(reason))) == NULL)
			return VIFS_ENOMEM;
		if (xmlTextWriterWriteString(r->w, XC(text)) < 0 ||
		    xmlTextWriterEndElement(r->w) < 0)
			return w_fail();
	} else {
		if (inventory != NULL &&
		    (error = attr_s(r, "inventory", inventory)) < 0)
			return error;
		if ((error = write_lint(r, vifs_audit_lint(audit))) < 0 ||
		    (error = write_passthru(r, audit)) < 0 ||
		    (error = write_drift(r, audit)) < 0)
			return error;
	}
	if (xmlTextWriterEndElement(r->w) < 0 || xmlTextWriterFlush(r->w) < 0)
		return w_fail();
	return VIFS_OK;
}

static int
xml_close(vifs_audit_report *r, double seconds, const char *now)
{
	size_t hosts = 0;
	int error;

	for (size_t i = 0; i < 4; i++)
		hosts += r->counts[i];
	if (xmlTextWriterStartElement(r->w, XC("summary")) < 0)
		return w_fail();
	if ((error = attr_n(r, "hosts", hosts)) < 0 ||
	    (error = attr_n(r, "ok", r->counts[VIFS_AUDIT_OK])) < 0 ||
	    (error = attr_n(r, "drift", r->counts[VIFS_AUDIT_DRIFT])) < 0 ||
	    (error = attr_n(r, "failed", r->counts[VIFS_AUDIT_FAILED])) < 0 ||
	    (error = attr_n(r, "skipped", r->counts[VIFS_AUDIT_SKIPPED])) < 0)
		return error;
	if (xmlTextWriterWriteFormatAttribute(r->w, XC("seconds"), "%.3f",
	        seconds < 0 ? 0.0 : seconds) < 0 ||
	    xmlTextWriterWriteAttribute(r->w, XC("finished"), XC(now)) < 0 ||
	    xmlTextWriterEndElement(r->w) < 0 ||
	    xmlTextWriterEndDocument(r->w) < 0)
		return w_fail();
	xmlFreeTextWriter(r->w);
	r->w = NULL;
	return VIFS_OK;
}

static int
json_close(vifs_audit_report *r, double seconds, const char *now)
{
	char *text = NULL;
	int error;

	if ((error = audit_json_end(&text, r->counts, seconds, now)) == 0)
		error = put_raw(r, text, strlen(text));
	free(text);
	return error;
}

int
vifs_audit_report_close(vifs_audit_report *r, double seconds)
{
	char now[32];
	int error;

	if (r == NULL || r->closed || (r->fd < 0 && r->metrics == NULL))
		return vifs_error_set(VIFS_EINVAL, "audit report: not open");
	utc_now(now);
	if (r->fd >= 0) {
		if ((error = r->json ? json_close(r, seconds, now) :
		                       xml_close(r, seconds, now)) < 0)
			return error;
		if (fsync(r->fd) != 0 || close(r->fd) != 0) {
			r->fd = -1;
			return vifs_error_set(VIFS_EIO, "%s: %s", r->tmp.data,
			    strerror(errno));
		}
		r->fd = -1;
		if (rename(r->tmp.data, r->path) != 0)
			return vifs_error_set(VIFS_EIO, "%s: %s", r->path,
			    strerror(errno));
	}
	r->closed = 1;
	if (r->metrics != NULL &&
	    (error = audit_metrics_write(r->metrics, seconds,
	         (long long)time(NULL))) < 0)
		return error;
	return VIFS_OK;
}
