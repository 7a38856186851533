/*
 * passthru.c - VMDirectPath passthrough on top of esx.conf: the devices a
 * file names with their owners, the owner in effect once bridges given to
 * passthru are counted, and enable/disable with the safety rules of
 * DOMAIN.md §4 (docs/internals/passthru.md).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "internal.h"
#include "utf8.h"

#define XC(s) ((const xmlChar *)(s))

#define DEVICE_PREFIX "/device/"
#define DEVICE_PREFIX_LEN (sizeof(DEVICE_PREFIX) - 1)

/* One spelling of a device's address among the /device/ keys. */
struct spelling {
	char *text; /* the address component as written */
	size_t first_line; /* 1-based line of its first key */
	char *owner; /* decoded owner value, or NULL */
	size_t owner_line;
	char *vmkname; /* decoded vmkname value, or NULL */
	size_t vmkname_line;
};

/* A device of the list: the public view plus what backs it. */
struct pdev {
	struct vifs_passthru_dev pub;
	struct spelling *sp;
	size_t nsp;
};

struct vifs_passthru_list {
	struct pdev *d;
	size_t n;
	size_t cap;
	int has_topo;
};

/* --- small helpers ---------------------------------------------------- */

const char *
vifs_owner_name(enum vifs_owner o)
{
	switch (o) {
	case VIFS_OWNER_NONE:
		return "none";
	case VIFS_OWNER_VMKERNEL:
		return "vmkernel";
	case VIFS_OWNER_PASSTHRU:
		return "passthru";
	case VIFS_OWNER_OTHER:
		return "other";
	}
	return "unknown";
}

static enum vifs_owner
owner_of(const char *text)
{
	if (text == NULL)
		return VIFS_OWNER_NONE;
	if (strcmp(text, "vmkernel") == 0)
		return VIFS_OWNER_VMKERNEL;
	if (strcmp(text, "passthru") == 0)
		return VIFS_OWNER_PASSTHRU;
	return VIFS_OWNER_OTHER;
}

static int
same_slot(const struct vifs_pciaddr *a, const struct vifs_pciaddr *b)
{
	return a->segment == b->segment && a->bus == b->bus && a->dev == b->dev;
}

/* Whether bridge BR (from a topology) has ADDR on one of its buses. */
static int
covers(const struct vifs_pci_topology_dev *br, const struct vifs_pciaddr *addr)
{
	/* Secondary bus 0 is a bridge whose buses are not set up. */
	if (!br->is_bridge || br->secondary == 0 ||
	    br->subordinate < br->secondary)
		return 0;
	if (vifs_pciaddr_cmp(&br->addr, addr) == 0)
		return 0;
	return br->addr.segment == addr->segment &&
	    addr->bus >= br->secondary && addr->bus <= br->subordinate;
}

/*
 * Reads the address component of an esx.conf key.  Besides every notation
 * vifs_pciaddr_parse_n() recognises, keys in esx.conf have been written
 * in a mixed form, "0000:00:31.2", with a Linux-like segment but decimal
 * numbers (DOMAIN.md §2); that form is read as decimal when its hex
 * reading is out of range, which is the only way it makes sense.
 */
static int
key_addr_parse(struct vifs_pciaddr *out, const char *p, size_t len)
{
	unsigned v[4] = { 0, 0, 0, 0 };
	static const unsigned width[4] = { 4, 2, 2, 1 };
	static const unsigned max[4] = { 65535, 255, 31, 7 };
	static const char sep[4] = { ':', ':', '.', '\0' };
	size_t i = 0;

	if (vifs_pciaddr_parse_n(out, NULL, p, len, VIFS_PCI_AUTO) == 0)
		return 0;
	if (vifs_error_last_code() != VIFS_EPARSE || len != 12)
		return -1;
	for (size_t g = 0; g < 4; g++) {
		for (size_t k = 0; k < width[g]; k++, i++) {
			if (p[i] < '0' || p[i] > '9')
				return -1;
			v[g] = v[g] * 10 + (unsigned)(p[i] - '0');
		}
		if (v[g] > max[g])
			return -1;
		if (g < 3 && p[i++] != sep[g])
			return -1;
	}
	out->segment = (uint16_t)v[0];
	out->bus = (uint8_t)v[1];
	out->dev = (uint8_t)v[2];
	out->func = (uint8_t)v[3];
	vifs_error_clear();
	return 0;
}

/* --- the list --------------------------------------------------------- */

static void
pdev_clear(struct pdev *d)
{
	for (size_t i = 0; i < d->nsp; i++) {
		free(d->sp[i].text);
		free(d->sp[i].owner);
		free(d->sp[i].vmkname);
	}
	free(d->sp);
	d->sp = NULL;
	d->nsp = 0;
}

void
vifs_passthru_list_free(vifs_passthru_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		pdev_clear(&l->d[i]);
	free(l->d);
	free(l);
}

/* Index of the first device not below ADDR; *hit when it is at ADDR. */
static size_t
list_bound(const vifs_passthru_list *l, const struct vifs_pciaddr *addr,
    int *hit)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vifs_pciaddr_cmp(&l->d[mid].pub.addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*hit = lo < l->n && vifs_pciaddr_cmp(&l->d[lo].pub.addr, addr) == 0;
	return lo;
}

/* The device at ADDR, added (empty) when missing; NULL on ENOMEM. */
static struct pdev *
list_slot(vifs_passthru_list *l, const struct vifs_pciaddr *addr)
{
	size_t at;
	int hit;

	at = list_bound(l, addr, &hit);
	if (hit)
		return &l->d[at];
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct pdev *p;

		if (cap > (size_t)-1 / sizeof(*p) ||
		    (p = realloc(l->d, cap * sizeof(*p))) == NULL) {
			vifs_error_set(VIFS_ENOMEM, "out of memory");
			return NULL;
		}
		l->d = p;
		l->cap = cap;
	}
	memmove(&l->d[at + 1], &l->d[at], (l->n - at) * sizeof(*l->d));
	memset(&l->d[at], 0, sizeof(l->d[at]));
	l->d[at].pub.addr = *addr;
	l->n++;
	return &l->d[at];
}

/* The spelling TEXT of D, added when missing; NULL on ENOMEM. */
static struct spelling *
spelling_slot(struct pdev *d, const char *text, size_t len, size_t line)
{
	struct spelling *p;

	for (size_t i = 0; i < d->nsp; i++)
		if (strlen(d->sp[i].text) == len &&
		    memcmp(d->sp[i].text, text, len) == 0)
			return &d->sp[i];
	if ((p = realloc(d->sp, (d->nsp + 1) * sizeof(*p))) == NULL) {
		vifs_error_set(VIFS_ENOMEM, "out of memory");
		return NULL;
	}
	d->sp = p;
	p = &d->sp[d->nsp];
	memset(p, 0, sizeof(*p));
	if ((p->text = vifs_strndup(text, len)) == NULL)
		return NULL;
	p->first_line = line;
	d->nsp++;
	return p;
}

struct collect {
	vifs_passthru_list *l;
	int error;
};

static int
collect_line(const struct vifs_esxconf_line *line, void *payload)
{
	struct collect *c = payload;
	const char *comp = line->key + DEVICE_PREFIX_LEN;
	size_t rest = line->key_len - DEVICE_PREFIX_LEN;
	const char *slash = memchr(comp, '/', rest);
	const char *name;
	size_t alen, nlen, vlen;
	struct vifs_pciaddr addr;
	struct pdev *d;
	struct spelling *sp;
	char **value = NULL;
	size_t *value_line = NULL;

	if (slash == NULL)
		return 0;
	alen = (size_t)(slash - comp);
	name = slash + 1;
	nlen = rest - alen - 1;
	if (alen == 0 || key_addr_parse(&addr, comp, alen) != 0) {
		vifs_error_clear();
		return 0;
	}
	if ((d = list_slot(c->l, &addr)) == NULL ||
	    (sp = spelling_slot(d, comp, alen, line->lineno)) == NULL) {
		c->error = VIFS_ENOMEM;
		return 1;
	}
	if (nlen == 5 && memcmp(name, "owner", 5) == 0) {
		value = &sp->owner;
		value_line = &sp->owner_line;
	} else if (nlen == 7 && memcmp(name, "vmkname", 7) == 0) {
		value = &sp->vmkname;
		value_line = &sp->vmkname_line;
	}
	if (value == NULL)
		return 0;
	/* A repeated key: the last line wins, as ESXi reads it. */
	free(*value);
	*value = NULL;
	if ((c->error = vifs_esxconf_unescape(value, &vlen, line->raw_value,
	         line->raw_value_len)) < 0)
		return 1;
	*value_line = line->lineno;
	return 0;
}

/* Fills the public fields of D from its spellings. */
static void
pdev_publish(struct pdev *d)
{
	const struct spelling *own = NULL, *vmk = NULL, *first = NULL;

	for (size_t i = 0; i < d->nsp; i++) {
		const struct spelling *s = &d->sp[i];

		if (first == NULL || s->first_line < first->first_line)
			first = s;
		if (s->owner &&
		    (own == NULL || s->owner_line > own->owner_line))
			own = s;
		if (s->vmkname &&
		    (vmk == NULL || s->vmkname_line > vmk->vmkname_line))
			vmk = s;
	}
	d->pub.key_addr = own ? own->text : first ? first->text : NULL;
	d->pub.owner_text = own ? own->owner : NULL;
	d->pub.owner_line = own ? own->owner_line : 0;
	d->pub.owner = owner_of(d->pub.owner_text);
	d->pub.vmkname = vmk ? vmk->vmkname : NULL;
	d->pub.vmkname_line = vmk ? vmk->vmkname_line : 0;
}

/* The passthru bridge closest above D, or NULL. */
static const struct vifs_pci_topology_dev *
passthru_bridge(const vifs_passthru_list *l, const vifs_pci_topology *topo,
    const struct vifs_pciaddr *addr)
{
	const struct vifs_pci_topology_dev *best = NULL;
	size_t n = vifs_pci_topology_count(topo);

	for (size_t i = 0; i < n; i++) {
		const struct vifs_pci_topology_dev *br;
		const struct vifs_passthru_dev *bd;
		int wbr, wbest;

		br = vifs_pci_topology_get(topo, i);
		if (!covers(br, addr))
			continue;
		bd = vifs_passthru_list_find(l, &br->addr);
		if (bd == NULL || bd->owner != VIFS_OWNER_PASSTHRU)
			continue;
		/* Nested bridges: the narrowest range is the nearest. */
		if (best == NULL) {
			best = br;
			continue;
		}
		wbr = br->subordinate - br->secondary;
		wbest = best->subordinate - best->secondary;
		if (wbr < wbest ||
		    (wbr == wbest && br->secondary > best->secondary))
			best = br;
	}
	return best;
}

int
vifs_passthru_list_new(vifs_passthru_list **out, const vifs_esxconf *doc,
    const vifs_pci_topology *topo)
{
	vifs_passthru_list *l = NULL;
	struct collect c;
	int error = 0;

	if (out == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru: no document");
	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	l->has_topo = topo != NULL;
	c.l = l;
	c.error = 0;
	error = vifs_esxconf_foreach(doc, DEVICE_PREFIX, collect_line, &c);
	if (c.error < 0 || error < 0) {
		error = c.error < 0 ? c.error : error;
		goto done;
	}
	error = 0;
	for (size_t i = 0; i < vifs_pci_topology_count(topo); i++) {
		const struct vifs_pci_topology_dev *t;
		struct pdev *d;

		t = vifs_pci_topology_get(topo, i);
		if ((d = list_slot(l, &t->addr)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		d->pub.in_topology = 1;
	}
	for (size_t i = 0; i < l->n; i++)
		pdev_publish(&l->d[i]);
	for (size_t i = 0; i < l->n; i++) {
		struct vifs_passthru_dev *p = &l->d[i].pub;
		const struct vifs_pci_topology_dev *br = NULL;

		if (p->owner == VIFS_OWNER_PASSTHRU) {
			p->effective = VIFS_OWNER_PASSTHRU;
			continue;
		}
		if (topo != NULL)
			br = passthru_bridge(l, topo, &p->addr);
		if (br != NULL) {
			p->effective = VIFS_OWNER_PASSTHRU;
			p->via_bridge = 1;
			p->bridge = br->addr;
		} else {
			p->effective = p->owner == VIFS_OWNER_NONE ?
			    VIFS_OWNER_VMKERNEL :
			    p->owner;
		}
	}
	*out = l;
	l = NULL;
done:
	vifs_passthru_list_free(l);
	return error;
}

size_t
vifs_passthru_list_count(const vifs_passthru_list *l)
{
	return l ? l->n : 0;
}

int
vifs_passthru_list_has_topology(const vifs_passthru_list *l)
{
	return l ? l->has_topo : 0;
}

const struct vifs_passthru_dev *
vifs_passthru_list_get(const vifs_passthru_list *l, size_t i)
{
	if (l == NULL || i >= l->n)
		return NULL;
	return &l->d[i].pub;
}

const struct vifs_passthru_dev *
vifs_passthru_list_find(const vifs_passthru_list *l,
    const struct vifs_pciaddr *addr)
{
	size_t at;
	int hit;

	if (l == NULL || addr == NULL)
		return NULL;
	at = list_bound(l, addr, &hit);
	return hit ? &l->d[at].pub : NULL;
}

static const struct pdev *
list_find_pdev(const vifs_passthru_list *l, const struct vifs_pciaddr *addr)
{
	size_t at;
	int hit;

	at = list_bound(l, addr, &hit);
	return hit ? &l->d[at] : NULL;
}

/* --- reports ---------------------------------------------------------- */

struct strlist {
	char **v;
	size_t n;
};

struct vifs_passthru_report {
	struct strlist refusals;
	struct strlist warnings;
	size_t changes;
};

static int
strlist_add(struct strlist *sl, char *s)
{
	char **p;

	if ((p = realloc(sl->v, (sl->n + 1) * sizeof(*p))) == NULL) {
		free(s);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	sl->v = p;
	sl->v[sl->n++] = s;
	return VIFS_OK;
}

static void
strlist_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

/* Adds the text of B (taken over) to SL. */
static int
strlist_take(struct strlist *sl, struct vifs_buf *b)
{
	char *s;

	if (b->data == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	s = vifs_buf_detach(b, NULL);
	return strlist_add(sl, s);
}

size_t
vifs_passthru_report_refusals(const vifs_passthru_report *r)
{
	return r ? r->refusals.n : 0;
}

const char *
vifs_passthru_report_refusal(const vifs_passthru_report *r, size_t i)
{
	if (r == NULL || i >= r->refusals.n)
		return NULL;
	return r->refusals.v[i];
}

size_t
vifs_passthru_report_warnings(const vifs_passthru_report *r)
{
	return r ? r->warnings.n : 0;
}

const char *
vifs_passthru_report_warning(const vifs_passthru_report *r, size_t i)
{
	if (r == NULL || i >= r->warnings.n)
		return NULL;
	return r->warnings.v[i];
}

size_t
vifs_passthru_report_changes(const vifs_passthru_report *r)
{
	return r ? r->changes : 0;
}

void
vifs_passthru_report_free(vifs_passthru_report *r)
{
	if (r == NULL)
		return;
	strlist_free(&r->refusals);
	strlist_free(&r->warnings);
	free(r);
}

/* --- enable / disable ------------------------------------------------- */

/*
 * What one change works with: every device of the set being changed, and
 * the one being looked at (ADDR, D).
 */
struct change {
	vifs_passthru_report *r;
	vifs_esxconf *doc;
	const vifs_pci_topology *topo;
	unsigned flags;
	enum vifs_pci_notation key_notation;
	struct vifs_pciaddr *set; /* the devices named, no repeats */
	size_t nset;
	vifs_passthru_list *l;
	struct vifs_pciaddr addr; /* the device at hand */
	const struct pdev *d; /* its entry; NULL when none */
};

static int
in_set(const struct change *c, const struct vifs_pciaddr *addr)
{
	for (size_t i = 0; i < c->nset; i++)
		if (vifs_pciaddr_cmp(&c->set[i], addr) == 0)
			return 1;
	return 0;
}

/* Makes SET[I] the device at hand. */
static void
change_at(struct change *c, size_t i)
{
	c->addr = c->set[i];
	c->d = list_find_pdev(c->l, &c->addr);
}

/*
 * Writes how the user knows the device at ADDR into OUT: the spelling of
 * its esx.conf keys, else the spelling a new key would get, else Linux.
 */
static void
label(char *out, size_t size, const struct change *c,
    const struct vifs_pciaddr *addr)
{
	const struct vifs_passthru_dev *d = vifs_passthru_list_find(c->l, addr);

	if (d != NULL && d->key_addr != NULL) {
		size_t n = strlen(d->key_addr);

		if (n >= size)
			n = size - 1;
		memcpy(out, d->key_addr, n);
		out[n] = '\0';
		return;
	}
	if (vifs_pciaddr_format(out, size, addr, c->key_notation) != 0 &&
	    vifs_pciaddr_format(out, size, addr, VIFS_PCI_LINUX) != 0)
		out[0] = '\0';
	vifs_error_clear();
}

static int
add_text(struct strlist *sl, const char *text)
{
	char *s = vifs_strdup(text);

	if (s == NULL)
		return VIFS_ENOMEM;
	return strlist_add(sl, s);
}

/*
 * Appends ", "-separated labels of the devices of the list for which
 * PICK(dev, arg) holds, with "(vmkname)" after each when WITH_VMK; returns
 * how many were written, or a negative error.
 */
typedef int (*pick_fn)(const struct vifs_passthru_dev *dev,
    const struct change *c, const void *arg);

static long
append_devices(struct vifs_buf *b, const struct change *c, pick_fn pick,
    const void *arg, int with_vmk)
{
	long count = 0;

	for (size_t i = 0; i < c->l->n; i++) {
		const struct vifs_passthru_dev *d = &c->l->d[i].pub;
		char name[64];
		int error;

		if (!pick(d, c, arg))
			continue;
		label(name, sizeof(name), c, &d->addr);
		error = vifs_buf_printf(b, "%s%s", count ? ", " : "", name);
		if (error == 0 && with_vmk && d->vmkname)
			error = vifs_buf_printf(b, " (%s)", d->vmkname);
		if (error < 0)
			return error;
		count++;
	}
	return count;
}

/* Devices behind bridge ARG that hold a vmkname. */
static int
pick_behind_vmk(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)c;
	return d->vmkname != NULL && covers(arg, &d->addr);
}

/* Every device behind bridge ARG. */
static int
pick_behind(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)c;
	return covers(arg, &d->addr);
}

/*
 * The other functions of the slot of the device being changed: from the
 * topology when there is one, else from the esx.conf lines.
 */
static int
is_sibling(const struct vifs_passthru_dev *d, const struct change *c)
{
	if (!same_slot(&d->addr, &c->addr) || d->addr.func == c->addr.func)
		return 0;
	return c->topo != NULL ? d->in_topology : d->key_addr != NULL;
}

/* Siblings that stay with the VMkernel: not passthru, not in the set. */
static int
pick_sibling_not_passthru(const struct vifs_passthru_dev *d,
    const struct change *c, const void *arg)
{
	(void)arg;
	return is_sibling(d, c) && d->effective != VIFS_OWNER_PASSTHRU &&
	    !in_set(c, &d->addr);
}

/* Siblings that stay with passthru: passthru, not in the set. */
static int
pick_sibling_passthru(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)arg;
	return is_sibling(d, c) && d->owner == VIFS_OWNER_PASSTHRU &&
	    !in_set(c, &d->addr);
}

/* "0000:00:1d.7 (000:29.7, Intel Corporation 82801I EHCI #1)" */
static void
topo_label(char *out, size_t size, const struct change *c,
    const struct vifs_pci_topology_dev *t)
{
	char lx[VIFS_PCIADDR_MAX], key[64];

	vifs_pciaddr_format(lx, sizeof(lx), &t->addr, VIFS_PCI_LINUX);
	label(key, sizeof(key), c, &t->addr);
	if (strcmp(key, lx) == 0)
		snprintf(out, size, "%s%s%s%s", lx, t->name[0] ? " (" : "",
		    t->name, t->name[0] ? ")" : "");
	else
		snprintf(out, size, "%s (%s%s%s)", key, lx,
		    t->name[0] ? ", " : "", t->name);
}

/*
 * One refusal for each role of device T: ME (the device being changed)
 * is T, shares T's slot, or is a bridge with T behind it (WHY says which).
 */
static int
role_refusals(struct change *c, const char *me,
    const struct vifs_pci_topology_dev *t, const char *why)
{
	static const enum vifs_role roles[] = { VIFS_ROLE_BOOT,
		VIFS_ROLE_MGMT_NIC, VIFS_ROLE_COREDUMP };
	struct vifs_buf b = VIFS_BUF_INIT;
	char it[256];
	int error = 0;

	topo_label(it, sizeof(it), c, t);
	for (size_t i = 0; i < NELEM(roles); i++) {
		if (!(t->roles & (unsigned)roles[i]))
			continue;
		if (why == NULL)
			error = vifs_buf_printf(&b,
			    "%s carries %s (%s); given to passthru, %s; use "
			    "--force to override",
			    it, vifs_role_carries(roles[i]),
			    t->role_how[0] ? t->role_how : "inventory",
			    vifs_role_consequence(roles[i]));
		else
			error = vifs_buf_printf(&b,
			    "%s %s %s, which carries %s (%s); given to "
			    "passthru with it, %s; use --force to override",
			    me, why, it, vifs_role_carries(roles[i]),
			    t->role_how[0] ? t->role_how : "inventory",
			    vifs_role_consequence(roles[i]));
		if (error < 0 ||
		    (error = strlist_take(&c->r->refusals, &b)) < 0)
			break;
	}
	vifs_buf_free(&b);
	return error;
}

/* The role rules: the device, the functions of its slot, and, for a
 * bridge, every device behind it. */
static int
role_rules(struct change *c, const char *me,
    const struct vifs_pci_topology_dev *t)
{
	int error = 0;

	if (t->roles && (error = role_refusals(c, me, t, NULL)) < 0)
		return error;
	for (size_t i = 0; i < vifs_pci_topology_count(c->topo); i++) {
		const struct vifs_pci_topology_dev
		    *o = vifs_pci_topology_get(c->topo, i);

		if (o->roles == 0 ||
		    vifs_pciaddr_cmp(&o->addr, &t->addr) == 0 ||
		    in_set(c, &o->addr))
			continue;
		if (same_slot(&o->addr, &t->addr))
			error = role_refusals(c, me, o,
			    "shares its slot (the functions of a slot are "
			    "reset and assigned together) with");
		else if (covers(t, &o->addr))
			error = role_refusals(c, me, o,
			    "is a bridge with, behind it,");
		if (error < 0)
			break;
	}
	return error;
}

/* Checks the safety rules of an enable; each failure is a refusal. */
static int
enable_rules(struct change *c, const char *me)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const struct vifs_pci_topology_dev *t = NULL;
	const struct vifs_passthru_dev *d = c->d ? &c->d->pub : NULL;
	long n;
	int error = 0;

	if (c->topo != NULL &&
	    (t = vifs_pci_topology_find(c->topo, &c->addr)) == NULL) {
		char lx[VIFS_PCIADDR_MAX];

		vifs_pciaddr_format(lx, sizeof(lx), &c->addr, VIFS_PCI_LINUX);
		if ((error = vifs_buf_printf(&b,
		         "%s (Linux %s) is not in the "
		         "inventory of the host, so it names no device there; "
		         "check the address and its notation, or use --force "
		         "to "
		         "override",
		         me, lx)) < 0 ||
		    (error = strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
	if (d != NULL && d->vmkname != NULL) {
		if ((error = vifs_buf_printf(&b,
		         "%s holds %s, which the host "
		         "uses; giving it to passthru can leave a host that "
		         "cannot "
		         "save its configuration or cannot be reached; use "
		         "--force "
		         "to override",
		         me, d->vmkname)) < 0 ||
		    (error = strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
	if (t != NULL && (error = role_rules(c, me, t)) < 0)
		goto done;
	if (t != NULL && t->is_bridge) {
		if ((error = vifs_buf_printf(&b,
		         "%s is a bridge, and devices "
		         "behind it that the host uses would go to passthru "
		         "with "
		         "it: ",
		         me)) < 0 ||
		    (n = append_devices(&b, c, pick_behind_vmk, t, 1)) < 0) {
			error = error < 0 ? error : (int)n;
			goto done;
		}
		if (n > 0) {
			if ((error = vifs_buf_puts(&b,
			         "; use --force to "
			         "override")) < 0 ||
			    (error = strlist_take(&c->r->refusals, &b)) < 0)
				goto done;
		}
		vifs_buf_free(&b);
		if ((error = vifs_buf_printf(&b,
		         "%s is a bridge: the devices "
		         "behind it go to passthru with it: ",
		         me)) < 0 ||
		    (n = append_devices(&b, c, pick_behind, t, 0)) < 0) {
			error = error < 0 ? error : (int)n;
			goto done;
		}
		if (n > 0 && (error = strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
		vifs_buf_free(&b);
	}
	if ((error = vifs_buf_printf(&b, "%s shares its slot with ", me)) < 0 ||
	    (n = append_devices(&b, c, pick_sibling_not_passthru, NULL, 1)) <
	        0) {
		error = error < 0 ? error : (int)n;
		goto done;
	}
	if (n > 0) {
		if ((error = vifs_buf_printf(&b,
		         ", which stay%s with the "
		         "VMkernel; the functions of one slot are reset and "
		         "assigned together, so give them all to passthru or "
		         "use "
		         "--force to override",
		         n == 1 ? "s" : "")) < 0 ||
		    (error = strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
done:
	vifs_buf_free(&b);
	return error;
}

/* The key "/device/SPELLING/owner" in a new string, or NULL. */
static char *
owner_key(const char *spelling)
{
	struct vifs_buf b = VIFS_BUF_INIT;

	if (vifs_buf_printf(&b, "%s%s/owner", DEVICE_PREFIX, spelling) < 0)
		return NULL;
	return vifs_buf_detach(&b, NULL);
}

/*
 * Sets the owner of the device to VALUE: on every spelling that has an
 * owner line whose value differs, or, when no spelling has an owner line,
 * on a new line in the spelling the file uses for the device (or
 * KEY_NOTATION).  Counts the keys changed in the report.
 */
static int
write_owner(struct change *c, const char *value)
{
	const struct pdev *d = c->d;
	char key_text[VIFS_PCIADDR_MAX];
	const char *spell = NULL;
	char *key = NULL;
	int has_owner = 0, error = 0;

	for (size_t i = 0; d != NULL && i < d->nsp; i++) {
		if (d->sp[i].owner == NULL)
			continue;
		has_owner = 1;
		if (strcmp(d->sp[i].owner, value) == 0)
			continue;
		if ((key = owner_key(d->sp[i].text)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		if ((error = vifs_esxconf_set(c->doc, key, value)) < 0)
			goto done;
		free(key);
		key = NULL;
		c->r->changes++;
	}
	if (has_owner)
		goto done;
	if (d != NULL && d->pub.key_addr != NULL) {
		spell = d->pub.key_addr;
	} else {
		if ((error = vifs_pciaddr_format(key_text, sizeof(key_text),
		         &c->addr, c->key_notation)) < 0) {
			char lx[VIFS_PCIADDR_MAX];

			vifs_pciaddr_format(lx, sizeof(lx), &c->addr,
			    VIFS_PCI_LINUX);
			error = vifs_error_set(VIFS_EINVAL,
			    "%s cannot be "
			    "written as an esx.conf key in %s notation; "
			    "choose a notation with a segment",
			    lx, vifs_pci_notation_name(c->key_notation));
			goto done;
		}
		spell = key_text;
	}
	if ((key = owner_key(spell)) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((error = vifs_esxconf_set(c->doc, key, value)) < 0)
		goto done;
	c->r->changes++;
done:
	free(key);
	return error;
}

/* Whether every owner line of the device already says VALUE. */
static int
owner_is(const struct pdev *d, const char *value)
{
	int any = 0;

	for (size_t i = 0; d != NULL && i < d->nsp; i++) {
		if (d->sp[i].owner == NULL)
			continue;
		if (strcmp(d->sp[i].owner, value) != 0)
			return 0;
		any = 1;
	}
	return any;
}

/*
 * Common start of enable and disable: report, options, addresses, list.
 * On success fills *c; *report is set in every case but out of memory.
 */
static int
change_begin(struct change *c, vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	enum vifs_pci_notation hint = VIFS_PCI_AUTO;
	int error;

	memset(c, 0, sizeof(*c));
	if (report == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru: no report");
	*report = NULL;
	if ((c->r = calloc(1, sizeof(*c->r))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*report = c->r;
	if (doc == NULL || addrs == NULL || n == 0)
		return vifs_error_set(VIFS_EINVAL,
		    "passthru: no document or "
		    "address");
	c->doc = doc;
	c->key_notation = VIFS_PCI_ESXCONF;
	if (opts != NULL) {
		c->flags = opts->flags;
		c->topo = opts->topo;
		hint = opts->notation;
		if (opts->new_key_notation != VIFS_PCI_AUTO)
			c->key_notation = opts->new_key_notation;
	}
	if (strcmp(vifs_pci_notation_name(c->key_notation), "unknown") == 0)
		return vifs_error_set(VIFS_EINVAL,
		    "passthru: unknown key "
		    "notation %d",
		    (int)c->key_notation);
	if (n > (size_t)-1 / sizeof(*c->set) ||
	    (c->set = calloc(n, sizeof(*c->set))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct vifs_pciaddr a;

		if (addrs[i] == NULL)
			return vifs_error_set(VIFS_EINVAL,
			    "passthru: no "
			    "address");
		if ((error = vifs_pciaddr_parse(&a, NULL, addrs[i], hint)) < 0)
			return error;
		/* The same device named twice is changed once. */
		if (!in_set(c, &a))
			c->set[c->nset++] = a;
	}
	if ((error = vifs_passthru_list_new(&c->l, doc, c->topo)) < 0)
		return error;
	return VIFS_OK;
}

static void
change_end(struct change *c)
{
	vifs_passthru_list_free(c->l);
	free(c->set);
}

/* Adds "ME is already ..." to the warnings. */
static int
warn_already(struct change *c, const char *me, const char *where)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if ((error = vifs_buf_printf(&b, "%s is already %s", me, where)) < 0)
		return error;
	return strlist_take(&c->r->warnings, &b);
}

int
vifs_passthru_enable_many(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	struct change c;
	char me[64];
	int error;

	if ((error = change_begin(&c, report, doc, addrs, n, opts)) < 0)
		goto done;
	if (c.topo == NULL &&
	    (error = add_text(&c.r->warnings,
	         "bridge "
	         "coverage not checked: no inventory")) < 0)
		goto done;
	for (size_t i = 0; i < c.nset; i++) {
		change_at(&c, i);
		label(me, sizeof(me), &c, &c.addr);
		if (owner_is(c.d, "passthru"))
			continue;
		if (c.topo == NULL &&
		    (c.d == NULL || c.d->pub.key_addr == NULL)) {
			char msg[160];

			snprintf(msg, sizeof(msg),
			    "%s has no line in esx.conf "
			    "and no inventory says it exists: check the "
			    "address",
			    me);
			if ((error = add_text(&c.r->warnings, msg)) < 0)
				goto done;
		}
		if ((error = enable_rules(&c, me)) < 0)
			goto done;
	}
	if (c.r->refusals.n > 0 && !(c.flags & VIFS_PASSTHRU_FORCE)) {
		if (c.r->refusals.n > 1)
			error = vifs_error_set(VIFS_EREFUSED,
			    "%s (and %zu "
			    "more refusal%s)",
			    c.r->refusals.v[0], c.r->refusals.n - 1,
			    c.r->refusals.n > 2 ? "s" : "");
		else
			error = vifs_error_set(VIFS_EREFUSED, "%s",
			    c.r->refusals.v[0]);
		goto done;
	}
	/* Forced: what would have been refused is told as a warning. */
	for (size_t i = 0; i < c.r->refusals.n; i++) {
		struct vifs_buf b = VIFS_BUF_INIT;

		if ((error = vifs_buf_printf(&b, "overridden by force: %s",
		         c.r->refusals.v[i])) < 0 ||
		    (error = strlist_take(&c.r->warnings, &b)) < 0) {
			vifs_buf_free(&b);
			goto done;
		}
	}
	strlist_free(&c.r->refusals);
	for (size_t i = 0; i < c.nset; i++) {
		change_at(&c, i);
		if (owner_is(c.d, "passthru")) {
			label(me, sizeof(me), &c, &c.addr);
			if ((error = warn_already(&c, me,
			         "given to passthru")) < 0)
				goto done;
			continue;
		}
		if ((error = write_owner(&c, "passthru")) < 0)
			goto done;
	}
done:
	change_end(&c);
	return error;
}

int
vifs_passthru_enable(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *addr, const struct vifs_passthru_opts *opts)
{
	return vifs_passthru_enable_many(report, doc, &addr, 1, opts);
}

/* The warnings of giving the device at hand back to the VMkernel. */
static int
disable_notes(struct change *c, const char *me)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	long n;
	int error = 0;

	if (c->topo != NULL &&
	    vifs_pci_topology_find(c->topo, &c->addr) == NULL) {
		if ((error = vifs_buf_printf(&b,
		         "%s is not in the inventory "
		         "of the host",
		         me)) < 0 ||
		    (error = strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
	}
	if (c->d != NULL && c->d->pub.via_bridge &&
	    !in_set(c, &c->d->pub.bridge)) {
		char br[64];

		label(br, sizeof(br), c, &c->d->pub.bridge);
		if ((error = vifs_buf_printf(&b,
		         "%s stays with passthru: it "
		         "is behind bridge %s, which is given to passthru; "
		         "give %s "
		         "back too",
		         me, br, br)) < 0 ||
		    (error = strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
	}
	if ((error = vifs_buf_printf(&b, "%s shares its slot with ", me)) < 0 ||
	    (n = append_devices(&b, c, pick_sibling_passthru, NULL, 0)) < 0) {
		error = error < 0 ? error : (int)n;
		goto done;
	}
	if (n > 0 &&
	    ((error = vifs_buf_printf(&b,
	          ", which stay%s with "
	          "passthru; the functions of one slot are reset and assigned "
	          "together",
	          n == 1 ? "s" : "")) < 0 ||
	        (error = strlist_take(&c->r->warnings, &b)) < 0))
		goto done;
done:
	vifs_buf_free(&b);
	return error;
}

int
vifs_passthru_disable_many(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	struct change c;
	char me[64];
	int error;

	if ((error = change_begin(&c, report, doc, addrs, n, opts)) < 0)
		goto done;
	for (size_t i = 0; i < c.nset; i++) {
		change_at(&c, i);
		label(me, sizeof(me), &c, &c.addr);
		if ((error = disable_notes(&c, me)) < 0)
			goto done;
		if (owner_is(c.d, "vmkernel")) {
			if ((error = warn_already(&c, me,
			         "with the VMkernel")) < 0)
				goto done;
			continue;
		}
		if ((error = write_owner(&c, "vmkernel")) < 0)
			goto done;
	}
done:
	change_end(&c);
	return error;
}

int
vifs_passthru_disable(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *addr, const struct vifs_passthru_opts *opts)
{
	return vifs_passthru_disable_many(report, doc, &addr, 1, opts);
}

/* --- XML -------------------------------------------------------------- */

/* Writes attribute NAME = VALUE made safe for XML; <0 on failure. */
static int
xml_attr(xmlTextWriterPtr w, struct vifs_buf *tmp, const char *name,
    const char *value)
{
	return vifs_xml_write(w, tmp, name, value, strlen(value));
}

static int
xml_attr_addr(xmlTextWriterPtr w, struct vifs_buf *tmp, const char *name,
    const struct vifs_pciaddr *addr, enum vifs_pci_notation n)
{
	char a[VIFS_PCIADDR_MAX];
	int error;

	if ((error = vifs_pciaddr_format(a, sizeof(a), addr, n)) < 0)
		return error;
	return xml_attr(w, tmp, name, a);
}

static int
xml_attr_line(xmlTextWriterPtr w, struct vifs_buf *tmp, const char *name,
    size_t line)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", line);
	return xml_attr(w, tmp, name, num);
}

static int
xml_device(xmlTextWriterPtr w, struct vifs_buf *tmp,
    const struct vifs_passthru_dev *d)
{
	int error;

	if (xmlTextWriterStartElement(w, XC("device")) < 0)
		return vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot "
		    "write device");
	if ((error = xml_attr_addr(w, tmp, "address", &d->addr,
	         VIFS_PCI_LINUX)) < 0)
		return error;
	if (d->addr.segment == 0 &&
	    (error = xml_attr_addr(w, tmp, "esxconf-address", &d->addr,
	         VIFS_PCI_ESXCONF)) < 0)
		return error;
	if (d->key_addr && (error = xml_attr(w, tmp, "key", d->key_addr)) < 0)
		return error;
	if ((error = xml_attr(w, tmp, "owner", vifs_owner_name(d->owner))) < 0)
		return error;
	if (d->owner_text &&
	    ((error = xml_attr(w, tmp, "owner-text", d->owner_text)) < 0 ||
	        (error = xml_attr_line(w, tmp, "owner-line", d->owner_line)) <
	            0))
		return error;
	if (d->vmkname &&
	    ((error = xml_attr(w, tmp, "vmkname", d->vmkname)) < 0 ||
	        (error = xml_attr_line(w, tmp, "vmkname-line",
	             d->vmkname_line)) < 0))
		return error;
	if ((error = xml_attr(w, tmp, "effective",
	         vifs_owner_name(d->effective))) < 0)
		return error;
	if (d->via_bridge &&
	    (error = xml_attr_addr(w, tmp, "via-bridge", &d->bridge,
	         VIFS_PCI_LINUX)) < 0)
		return error;
	if ((error = xml_attr(w, tmp, "in-inventory",
	         d->in_topology ? "yes" : "no")) < 0)
		return error;
	if (xmlTextWriterEndElement(w) < 0)
		return vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot "
		    "write device");
	return VIFS_OK;
}

int
vifs_passthru_list_to_xml(char **out, size_t *out_len,
    const vifs_passthru_list *l, const char *file)
{
	xmlBufferPtr xb = NULL;
	xmlTextWriterPtr w = NULL;
	struct vifs_buf tmp = VIFS_BUF_INIT;
	char count[32];
	int error = 0;

	if (out == NULL || l == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru XML: no list");
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((xb = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, XC("  ")) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XC("passthru")) < 0) {
		error = vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot "
		    "start the document");
		goto done;
	}
	snprintf(count, sizeof(count), "%zu", l->n);
	if ((error = xml_attr(w, &tmp, "version", "1")) < 0 ||
	    (file && (error = xml_attr(w, &tmp, "file", file)) < 0) ||
	    (error = xml_attr(w, &tmp, "inventory",
	         l->has_topo ? "yes" : "no")) < 0 ||
	    (error = xml_attr(w, &tmp, "count", count)) < 0)
		goto done;
	for (size_t i = 0; i < l->n; i++)
		if ((error = xml_device(w, &tmp, &l->d[i].pub)) < 0)
			goto done;
	if (xmlTextWriterEndDocument(w) < 0) {
		error = vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot end "
		    "the document");
		goto done;
	}
	xmlFreeTextWriter(w);
	w = NULL;
	if ((*out = vifs_strndup((const char *)xmlBufferContent(xb),
	         (size_t)xmlBufferLength(xb))) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if (out_len)
		*out_len = (size_t)xmlBufferLength(xb);
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (xb != NULL)
		xmlBufferFree(xb);
	vifs_buf_free(&tmp);
	return error;
}
