/*
 * audit.c - baselines, the audit of one esx.conf (lint, passthru devices,
 * drift), and the report of a fleet: written host by host to a temporary
 * file, as XML with libxml2's text writer (read back with its streaming
 * reader) or as JSON (audit_json.c), and as metrics (audit_metrics.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "audit_int.h"
#include "internal.h"
#include "utf8.h"
#include "xmlquiet.h"

#define XC(s) ((const xmlChar *)(s))
#define HOSTNAME_MAX 1024

/* --- baselines ---------------------------------------------------------- */

struct rule {
	enum vifs_baseline_rule kind;
	char *key;
	char *value; /* decoded; EQUALS only */
	size_t value_len;
	size_t line;
};

struct vifs_baseline {
	char *name;
	struct rule *v;
	size_t n, cap;
};

void
vifs_baseline_free(vifs_baseline *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].key);
		free(b->v[i].value);
	}
	free(b->v);
	free(b->name);
	free(b);
}

size_t
vifs_baseline_count(const vifs_baseline *b)
{
	return b->n;
}

const char *
vifs_baseline_name(const vifs_baseline *b)
{
	return b->name;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Appends a rule; keys given twice are found later by dup_check(). */
static int
add_rule(vifs_baseline *b, enum vifs_baseline_rule kind, const char *key,
    size_t key_len, size_t line)
{
	struct rule *r;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		void *p = realloc(b->v, cap * sizeof(*b->v));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		b->v = p;
		b->cap = cap;
	}
	r = &b->v[b->n];
	memset(r, 0, sizeof(*r));
	if ((r->key = vifs_strndup(key, key_len)) == NULL)
		return VIFS_ENOMEM;
	r->kind = kind;
	r->line = line;
	b->n++;
	return VIFS_OK;
}

static int
check_key(const vifs_baseline *b, size_t line, const char *key)
{
	if (!vifs_esxconf_key_valid(key))
		return vifs_error_wrap(VIFS_EPARSE, "%s:%zu", b->name, line);
	return VIFS_OK;
}

static int
cmp_rule_key(const void *a, const void *b)
{
	const struct rule *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* Refuses a key given twice: sorted pointers, so that big baselines are
 * not quadratic. */
static int
dup_check(vifs_baseline *b)
{
	const struct rule **idx;
	int error = 0;

	if (b->n < 2)
		return VIFS_OK;
	if ((idx = malloc(b->n * sizeof(*idx))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->n; i++)
		idx[i] = &b->v[i];
	qsort(idx, b->n, sizeof(*idx), cmp_rule_key);
	for (size_t i = 1; i < b->n; i++) {
		if (strcmp(idx[i - 1]->key, idx[i]->key) != 0)
			continue;
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: %s is already at line %zu", b->name,
		    idx[i - 1]->line > idx[i]->line ? idx[i - 1]->line :
		                                      idx[i]->line,
		    idx[i]->key,
		    idx[i - 1]->line < idx[i]->line ? idx[i - 1]->line :
		                                      idx[i]->line);
		break;
	}
	free(idx);
	return error;
}

/* A "!key" line (text TEXT of LEN bytes, blanks and comment allowed). */
static int
absent_rule(vifs_baseline *b, const char *text, size_t len, size_t line)
{
	size_t i = 0, k;
	char *key = NULL;
	int error;

	while (i < len && is_blank(text[i]))
		i++;
	i++; /* the '!' */
	k = i;
	while (i < len && !is_blank(text[i]) && text[i] != '#')
		i++;
	if ((key = vifs_strndup(text + k, i - k)) == NULL)
		return VIFS_ENOMEM;
	while (i < len && is_blank(text[i]))
		i++;
	if (i < len && text[i] != '#') {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: a '!key' line names one key and no value", b->name,
		    line);
		goto done;
	}
	if ((error = check_key(b, line, key)) < 0)
		goto done;
	error = add_rule(b, VIFS_BASELINE_ABSENT, key, strlen(key), line);
done:
	free(key);
	return error;
}

static int
entry_rule(vifs_baseline *b, const struct vifs_esxconf_line *l)
{
	struct rule *r;
	char *key = NULL;
	int error;

	if ((key = vifs_strndup(l->key, l->key_len)) == NULL)
		return VIFS_ENOMEM;
	if (key[0] == '!') {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s:%zu: a '!key' line names one key and no value", b->name,
		    l->lineno);
		goto done;
	}
	if (memchr(l->key, '\0', l->key_len) != NULL) {
		error = vifs_error_set(VIFS_EPARSE, "%s:%zu: a NUL byte",
		    b->name, l->lineno);
		goto done;
	}
	if ((error = check_key(b, l->lineno, key)) < 0)
		goto done;
	if (l->raw_value_len == 1 && l->raw_value[0] == '*') {
		error = add_rule(b, VIFS_BASELINE_EXISTS, key, strlen(key),
		    l->lineno);
		goto done;
	}
	if ((error = add_rule(b, VIFS_BASELINE_EQUALS, key, strlen(key),
	         l->lineno)) < 0)
		goto done;
	r = &b->v[b->n - 1];
	error = vifs_esxconf_unescape(&r->value, &r->value_len, l->raw_value,
	    l->raw_value_len);
done:
	free(key);
	return error;
}

int
vifs_baseline_parse(vifs_baseline **out, const char *name, const char *buf,
    size_t len)
{
	vifs_baseline *b = NULL;
	vifs_esxconf *doc = NULL;
	size_t n;
	int error;

	*out = NULL;
	if (buf == NULL && len > 0)
		return vifs_error_set(VIFS_EINVAL, "no baseline");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((b->name = vifs_strdup(name ? name : "baseline")) == NULL) {
		error = VIFS_ENOMEM;
		goto fail;
	}
	if ((error = vifs_esxconf_parse(&doc, b->name, buf ? buf : "", len)) <
	    0)
		goto fail;
	n = vifs_esxconf_line_count(doc);
	for (size_t i = 0; i < n; i++) {
		struct vifs_esxconf_line l;
		size_t k = 0;

		if ((error = vifs_esxconf_line(&l, doc, i)) < 0)
			goto fail;
		switch (l.kind) {
		case VIFS_ESXCONF_BLANK:
		case VIFS_ESXCONF_COMMENT:
			continue;
		case VIFS_ESXCONF_ENTRY:
			error = entry_rule(b, &l);
			break;
		case VIFS_ESXCONF_MALFORMED:
			while (k < l.text_len && is_blank(l.text[k]))
				k++;
			if (k < l.text_len && l.text[k] == '!')
				error = absent_rule(b, l.text, l.text_len,
				    l.lineno);
			else
				error = vifs_error_set(VIFS_EPARSE,
				    "%s:%zu: not a rule (KEY = \"VALUE\", "
				    "KEY = \"*\" or !KEY)",
				    b->name, l.lineno);
			break;
		}
		if (error < 0)
			goto fail;
	}
	if ((error = dup_check(b)) < 0)
		goto fail;
	vifs_esxconf_free(doc);
	*out = b;
	return VIFS_OK;
fail:
	vifs_esxconf_free(doc);
	vifs_baseline_free(b);
	return error;
}

int
vifs_baseline_open(vifs_baseline **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_baseline_parse(out, path, buf, len);
	free(buf);
	return error;
}

/* --- the audit of one host ---------------------------------------------- */

struct danger_rec {
	struct vifs_audit_danger d;
	char rule[48];
	char *message;
};

struct vifs_audit {
	vifs_lint *lint;
	vifs_passthru_list *list;
	size_t *pt; /* indices in LIST of the passthru devices */
	size_t npt;
	struct vifs_drift *drift;
	char **actual; /* owned values of DRIFT */
	size_t ndrift;
	int topology;
	struct danger_rec *danger;
	size_t ndanger, capdanger;
};

void
vifs_audit_free(vifs_audit *a)
{
	if (a == NULL)
		return;
	vifs_lint_free(a->lint);
	vifs_passthru_list_free(a->list);
	free(a->pt);
	for (size_t i = 0; i < a->ndrift; i++)
		free(a->actual[i]);
	free(a->actual);
	free(a->drift);
	for (size_t i = 0; i < a->ndanger; i++)
		free(a->danger[i].message);
	free(a->danger);
	free(a);
}

/* The value of KEY in DOC, decoded: *out (NULL when absent), *line. */
static int
value_of(char **out, size_t *len, size_t *line, const vifs_esxconf *doc,
    const char *key)
{
	struct vifs_esxconf_line l;
	size_t idx;
	int error;

	*out = NULL;
	*len = 0;
	*line = 0;
	if ((error = vifs_esxconf_find(&idx, doc, key)) == VIFS_ENOTFOUND)
		return VIFS_OK;
	if (error < 0 || (error = vifs_esxconf_line(&l, doc, idx)) < 0)
		return error;
	*line = l.lineno;
	return vifs_esxconf_unescape(out, len, l.raw_value, l.raw_value_len);
}

static int
check_baseline(vifs_audit *a, const vifs_esxconf *doc, const vifs_baseline *b)
{
	if (b->n == 0)
		return VIFS_OK;
	if ((a->drift = calloc(b->n, sizeof(*a->drift))) == NULL ||
	    (a->actual = calloc(b->n, sizeof(*a->actual))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		const struct rule *r = &b->v[i];
		struct vifs_drift *d = &a->drift[a->ndrift];
		char *v = NULL;
		size_t len, line;
		int error;

		if ((error = value_of(&v, &len, &line, doc, r->key)) < 0)
			return error;
		memset(d, 0, sizeof(*d));
		if (r->kind == VIFS_BASELINE_ABSENT && v != NULL)
			d->kind = VIFS_DRIFT_PRESENT;
		else if (r->kind != VIFS_BASELINE_ABSENT && v == NULL)
			d->kind = VIFS_DRIFT_MISSING;
		else if (r->kind == VIFS_BASELINE_EQUALS &&
		    (len != r->value_len || memcmp(v, r->value, len) != 0))
			d->kind = VIFS_DRIFT_DIFFERS;
		if (d->kind == 0) {
			free(v);
			continue;
		}
		d->key = r->key;
		d->expected = r->kind == VIFS_BASELINE_EQUALS ? r->value :
		    r->kind == VIFS_BASELINE_EXISTS           ? "*" :
		                                                NULL;
		d->actual = v;
		d->actual_len = len;
		d->line = line;
		d->baseline_line = r->line;
		a->actual[a->ndrift++] = v;
	}
	return VIFS_OK;
}

/* "0000:00:1d.7 (ICH9 EHCI #1)" */
static void
topo_name(char *buf, size_t size, const struct vifs_pci_topology_dev *t)
{
	char lx[VIFS_PCIADDR_MAX];

	vifs_pciaddr_format(lx, sizeof(lx), &t->addr, VIFS_PCI_LINUX);
	snprintf(buf, size, "%s%s%s%s", lx, t->name[0] ? " (" : "", t->name,
	    t->name[0] ? ")" : "");
}

static int
add_danger(vifs_audit *a, const struct vifs_pci_topology_dev *dev,
    const struct vifs_pci_topology_dev *holder, enum vifs_role role,
    const struct vifs_passthru_dev *pd)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct danger_rec *r;
	char me[160], it[160], br[VIFS_PCIADDR_MAX];
	const char *how = holder->role_how[0] ? holder->role_how : "inventory";
	int error;

	if (a->ndanger == a->capdanger) {
		size_t cap = a->capdanger ? a->capdanger * 2 : 4;

		if ((r = realloc(a->danger, cap * sizeof(*r))) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		a->danger = r;
		a->capdanger = cap;
	}
	topo_name(me, sizeof(me), dev);
	topo_name(it, sizeof(it), holder);
	vifs_pciaddr_format(br, sizeof(br), &pd->bridge, VIFS_PCI_LINUX);
	if (dev == holder)
		error = vifs_buf_printf(&b,
		    "%s carries %s (%s) but is passthru%s%s: %s", me,
		    vifs_role_carries(role), how,
		    pd->via_bridge ? " through bridge " : "",
		    pd->via_bridge ? br : "", vifs_role_consequence(role));
	else
		error = vifs_buf_printf(&b,
		    "%s is passthru and shares its slot with %s, which "
		    "carries %s (%s); the functions of a slot are reset "
		    "together: %s",
		    me, it, vifs_role_carries(role), how,
		    vifs_role_consequence(role));
	if (error < 0) {
		vifs_buf_free(&b);
		return error;
	}
	r = &a->danger[a->ndanger++];
	memset(r, 0, sizeof(*r));
	snprintf(r->rule, sizeof(r->rule), "passthru-%s", vifs_role_name(role));
	r->message = vifs_buf_detach(&b, NULL);
	r->d.rule = r->rule;
	r->d.device = dev->addr;
	r->d.holder = holder->addr;
	r->d.role = role;
	r->d.message = r->message;
	return VIFS_OK;
}

/* The roles of TOPO that the passthru devices take from the host. */
static int
check_roles(vifs_audit *a, const vifs_pci_topology *topo)
{
	static const enum vifs_role roles[] = { VIFS_ROLE_BOOT,
		VIFS_ROLE_MGMT_NIC, VIFS_ROLE_COREDUMP };
	int error;

	for (size_t i = 0; i < a->npt; i++) {
		const struct vifs_passthru_dev
		    *pd = vifs_passthru_list_get(a->list, a->pt[i]);
		const struct vifs_pci_topology_dev
		    *t = vifs_pci_topology_find(topo, &pd->addr);

		if (t == NULL)
			continue;
		for (size_t k = 0; k < sizeof(roles) / sizeof(roles[0]); k++)
			if ((t->roles & (unsigned)roles[k]) &&
			    (error = add_danger(a, t, t, roles[k], pd)) < 0)
				return error;
		for (size_t j = 0; j < vifs_pci_topology_count(topo); j++) {
			const struct vifs_pci_topology_dev
			    *o = vifs_pci_topology_get(topo, j);
			const struct vifs_passthru_dev *od;

			if (o->roles == 0 || o == t ||
			    o->addr.segment != t->addr.segment ||
			    o->addr.bus != t->addr.bus ||
			    o->addr.dev != t->addr.dev)
				continue;
			/* A holder that is passthru itself is told above. */
			od = vifs_passthru_list_find(a->list, &o->addr);
			if (od != NULL && od->effective == VIFS_OWNER_PASSTHRU)
				continue;
			for (size_t k = 0; k < sizeof(roles) / sizeof(roles[0]);
			     k++)
				if ((o->roles & (unsigned)roles[k]) &&
				    (error = add_danger(a, t, o, roles[k],
				         pd)) < 0)
					return error;
		}
	}
	return VIFS_OK;
}

int
vifs_audit_new(vifs_audit **out, const vifs_esxconf *doc,
    const vifs_baseline *baseline, const vifs_pci_topology *topo)
{
	vifs_audit *a = NULL;
	size_t n;
	int error;

	*out = NULL;
	if (doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "audit: no document");
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	a->topology = topo != NULL;
	if ((error = vifs_esxconf_lint(&a->lint, doc)) < 0 ||
	    (error = vifs_passthru_list_new(&a->list, doc, topo)) < 0)
		goto fail;
	n = vifs_passthru_list_count(a->list);
	if (n > 0 && (a->pt = malloc(n * sizeof(*a->pt))) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (vifs_passthru_list_get(a->list, i)->effective ==
		    VIFS_OWNER_PASSTHRU)
			a->pt[a->npt++] = i;
	if (topo != NULL && (error = check_roles(a, topo)) < 0)
		goto fail;
	if (baseline != NULL && (error = check_baseline(a, doc, baseline)) < 0)
		goto fail;
	*out = a;
	return VIFS_OK;
fail:
	vifs_audit_free(a);
	return error;
}

const vifs_lint *
vifs_audit_lint(const vifs_audit *a)
{
	return a->lint;
}

size_t
vifs_audit_drift_count(const vifs_audit *a)
{
	return a->ndrift;
}

const struct vifs_drift *
vifs_audit_drift(const vifs_audit *a, size_t i)
{
	return i < a->ndrift ? &a->drift[i] : NULL;
}

size_t
vifs_audit_passthru_count(const vifs_audit *a)
{
	return a->npt;
}

const struct vifs_passthru_dev *
vifs_audit_passthru(const vifs_audit *a, size_t i)
{
	return i < a->npt ? vifs_passthru_list_get(a->list, a->pt[i]) : NULL;
}

int
vifs_audit_has_topology(const vifs_audit *a)
{
	return a->topology;
}

size_t
vifs_audit_danger_count(const vifs_audit *a)
{
	return a->ndanger;
}

const struct vifs_audit_danger *
vifs_audit_danger(const vifs_audit *a, size_t i)
{
	return i < a->ndanger ? &a->danger[i].d : NULL;
}

size_t
vifs_audit_problems(const vifs_audit *a)
{
	return a->ndrift + vifs_lint_errors(a->lint) + a->ndanger;
}

const char *
vifs_audit_status_name(enum vifs_audit_status s)
{
	switch (s) {
	case VIFS_AUDIT_OK:
		return "ok";
	case VIFS_AUDIT_DRIFT:
		return "drift";
	case VIFS_AUDIT_FAILED:
		return "failed";
	case VIFS_AUDIT_SKIPPED:
		return "skipped";
	}
	return "?";
}

const char *
vifs_drift_kind_name(enum vifs_drift_kind k)
{
	switch (k) {
	case VIFS_DRIFT_MISSING:
		return "missing";
	case VIFS_DRIFT_DIFFERS:
		return "differs";
	case VIFS_DRIFT_PRESENT:
		return "present";
	}
	return "?";
}

/* --- the report: writing ------------------------------------------------ */

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

static const char *
error_code_name(int error)
{
	switch (error) {
	case VIFS_ENET:
		return "network";
	case VIFS_ETIMEOUT:
		return "timeout";
	case VIFS_EAUTH:
		return "auth";
	case VIFS_EPERM:
		return "permission";
	case VIFS_ETLS:
		return "tls";
	case VIFS_EHTTP:
		return "http";
	case VIFS_ENOTFOUND:
		return "not-found";
	case VIFS_ETOOBIG:
		return "too-big";
	case VIFS_EIO:
		return "io";
	case VIFS_EPARSE:
		return "parse";
	case VIFS_ENOMEM:
		return "memory";
	default:
		return "error";
	}
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
	         error_code_name(error_code), reason)) < 0)
		return error;
	text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(h);
	if (text == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((error = put_raw(r, hosts ? ",\n    " : "\n    ", hosts ? 6 : 5)) ==
	    0)
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
		if ((error = attr_s(r, "code", error_code_name(error_code))) <
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

/* --- the report: reading ------------------------------------------------ */

void
vifs_audit_hosts_free(char **hosts)
{
	if (hosts == NULL)
		return;
	for (char **p = hosts; *p != NULL; p++)
		free(*p);
	free(hosts);
}

struct hostv {
	char **v;
	size_t n, cap;
};

static int
hostv_add(struct hostv *hv, const char *s)
{
	if (hv->n + 1 >= hv->cap) {
		size_t cap = hv->cap ? hv->cap * 2 : 16;
		char **p = realloc(hv->v, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		hv->v = p;
		hv->cap = cap;
	}
	if ((hv->v[hv->n] = vifs_strdup(s)) == NULL)
		return VIFS_ENOMEM;
	hv->v[++hv->n] = NULL;
	return VIFS_OK;
}

static int
reader_fail(xmlTextReaderPtr rd, const char *what)
{
	return vifs_error_set(VIFS_EPARSE, "audit report:%d: %s",
	    xmlTextReaderGetParserLineNumber(rd), what);
}

/* The attribute NAME of the element under RD, or NULL; caller frees
 * with xmlFree. */
static char *
get_attr(xmlTextReaderPtr rd, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(rd, XC(name));
}

/* Reads the host element under RD; adds its name when it failed. */
static int
read_host(xmlTextReaderPtr rd, struct hostv *hv)
{
	char *name = get_attr(rd, "name"), *status = get_attr(rd, "status");
	int error = 0;

	if (name == NULL || status == NULL) {
		error = reader_fail(rd, "a host without name or status");
		goto done;
	}
	if (strlen(name) == 0 || strlen(name) > HOSTNAME_MAX) {
		error = reader_fail(rd,
		    "a host name that is empty or too "
		    "long");
		goto done;
	}
	if (strcmp(status, "failed") == 0 || strcmp(status, "skipped") == 0)
		error = hostv_add(hv, name);
	else if (strcmp(status, "ok") != 0 && strcmp(status, "drift") != 0)
		error = reader_fail(rd,
		    "a host status that is none of ok, "
		    "drift, failed, skipped");
done:
	xmlFree(name);
	xmlFree(status);
	return error;
}

int
vifs_audit_report_failed_parse(char ***out, size_t *count, const char *buf,
    size_t len)
{
	struct hostv hv = { NULL, 0, 0 };
	struct vifs_xml_quiet q;
	xmlTextReaderPtr rd = NULL;
	int error = 0, rc, root = 0;

	*out = NULL;
	*count = 0;
	if (buf == NULL || len == 0)
		return vifs_error_set(VIFS_EPARSE, "audit report: empty");
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '{')
			return audit_json_failed(out, count, buf, len);
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r')
			break;
	}
	if (len > INT32_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "audit report: too big");
	vifs_xml_quiet_begin(&q);
	rd = xmlReaderForMemory(buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		const char *name = (const char *)xmlTextReaderConstLocalName(
		    rd);

		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			error = reader_fail(rd, "a DTD is not allowed");
			goto done;
		}
		if (type != XML_READER_TYPE_ELEMENT || name == NULL)
			continue;
		if (depth == 0) {
			char *version = get_attr(rd, "version");
			int ok = strcmp(name, "audit") == 0 &&
			    version != NULL && strcmp(version, "1") == 0;

			xmlFree(version);
			if (!ok) {
				error = reader_fail(rd,
				    "not a vifs audit "
				    "report (version 1)");
				goto done;
			}
			root = 1;
		} else if (depth == 1 && strcmp(name, "host") == 0) {
			if ((error = read_host(rd, &hv)) < 0)
				goto done;
		}
	}
	if (rc < 0) {
		error = reader_fail(rd, "not well-formed XML");
		goto done;
	}
	if (!root)
		error = vifs_error_set(VIFS_EPARSE,
		    "audit report: no <audit> "
		    "element");
done:
	if (rd != NULL)
		xmlFreeTextReader(rd);
	vifs_xml_quiet_end(&q);
	if (error < 0) {
		vifs_audit_hosts_free(hv.v);
		return error;
	}
	if (hv.v == NULL && (hv.v = calloc(1, sizeof(*hv.v))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*out = hv.v;
	*count = hv.n;
	return VIFS_OK;
}

int
vifs_audit_report_failed(char ***out, size_t *count, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	*count = 0;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_audit_report_failed_parse(out, count, buf, len);
	/* "audit report:LINE: ..." names the file instead; the rest is
	 * copied before the message is written over. */
	if (error < 0 && vifs_error_last_code() == error &&
	    strncmp(vifs_error_last(), "audit report", 12) == 0) {
		char rest[1024];

		snprintf(rest, sizeof(rest), "%s", vifs_error_last() + 12);
		error = vifs_error_set(error, "%s%s", path, rest);
	}
	free(buf);
	return error;
}
