/*
 * passthru_list.c - the passthrough list: the devices an esx.conf names
 * under /device/ with their owners, each spelling of an address folded
 * into one device, and the owner in effect once bridges given to
 * passthru are counted (docs/internals/passthru.md).
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "internal.h"
#include "passthru_int.h"
#include "utf8.h"
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

int
passthru_same_slot(const struct vifs_pciaddr *a, const struct vifs_pciaddr *b)
{
	return a->segment == b->segment && a->bus == b->bus && a->dev == b->dev;
}

/* Whether bridge BR (from a topology) has ADDR on one of its buses. */
int
passthru_covers(const struct vifs_pci_topology_dev *br,
    const struct vifs_pciaddr *addr)
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
	free(l->cs_path);
	free(l->cs_error);
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
		if (!passthru_covers(br, addr))
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

const struct pdev *
passthru_list_find_pdev(const vifs_passthru_list *l,
    const struct vifs_pciaddr *addr)
{
	size_t at;
	int hit;

	at = list_bound(l, addr, &hit);
	return hit ? &l->d[at] : NULL;
}
