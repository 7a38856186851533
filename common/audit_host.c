/*
 * audit_host.c - the audit of one host's esx.conf: drift from a baseline,
 * lint, the passthru devices and, with a topology, the devices that must
 * stay with the host; the names of statuses and drift kinds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "audit_int.h"
#include "internal.h"

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
		const struct audit_rule *r = &b->v[i];
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
