/*
 * inventory_analysis.c - the analysis of a PCI inventory: parents found
 * by bus ranges, the reset method ESXi would choose, reset groups, owners
 * and roles from esx.conf and the findings; the topology made from it.
 * docs/internals/inventory.md gives the rules and their sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "inventory_impl.h"

/* --- analysis -------------------------------------------------------- */

static int
is_bridge(const struct vifs_inv_device *d)
{
	return d->header_type == 1 || d->header_type == 2;
}

/* A bridge whose bus numbers describe buses below it. */
static int
has_subtree(const struct vifs_inv_device *d)
{
	return is_bridge(d) && d->secondary > d->addr.bus &&
	    d->subordinate >= d->secondary;
}

static int
same_slot(const struct vifs_pciaddr *a, const struct vifs_pciaddr *b)
{
	return a->segment == b->segment && a->bus == b->bus && a->dev == b->dev;
}

/*
 * Index of the first device at or after SEGMENT:BUS:00.0 in the sorted
 * array; BUS 256 stands for the end of the segment.
 */
static size_t
lower_bus(const vifs_inventory *inv, uint16_t segment, unsigned bus)
{
	size_t lo = 0, hi = inv->ndevs;
	struct vifs_pciaddr key = { segment, 0, 0, 0 };

	if (bus > 255) {
		if (segment == 0xffff)
			return inv->ndevs;
		key.segment = (uint16_t)(segment + 1);
	} else {
		key.bus = (uint8_t)bus;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vifs_pciaddr_cmp(&inv->devs[mid]->d.addr, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slot flags: several functions, or function 0 says so. */
static void
analyse_slots(vifs_inventory *inv)
{
	size_t i = 0;

	while (i < inv->ndevs) {
		size_t j = i + 1;
		int mf = 0;

		while (j < inv->ndevs &&
		    same_slot(&inv->devs[j]->d.addr, &inv->devs[i]->d.addr))
			j++;
		for (size_t k = i; k < j; k++)
			if (inv->devs[k]->d.addr.func == 0 &&
			    inv->devs[k]->d.multifunction_bit)
				mf = 1;
		if (j - i > 1)
			mf = 1;
		for (size_t k = i; k < j; k++)
			inv->devs[k]->d.multifunction = mf;
		i = j;
	}
}

/*
 * Parents the source did not name: the bridge whose secondary bus is the
 * device's bus, in the same segment.
 */
static void
analyse_parents(vifs_inventory *inv)
{
	struct inv_dev *by_bus[256];
	size_t i = 0;

	while (i < inv->ndevs) {
		uint16_t seg = inv->devs[i]->d.addr.segment;
		size_t j = i;

		memset(by_bus, 0, sizeof(by_bus));
		while (j < inv->ndevs && inv->devs[j]->d.addr.segment == seg) {
			struct inv_dev *r = inv->devs[j];

			if (has_subtree(&r->d) &&
			    by_bus[r->d.secondary] == NULL)
				by_bus[r->d.secondary] = r;
			j++;
		}
		for (size_t k = i; k < j; k++) {
			struct vifs_inv_device *d = &inv->devs[k]->d;
			struct inv_dev *p = by_bus[d->addr.bus];

			if (d->parent_from == VIFS_INV_PARENT_SOURCE)
				continue;
			if (p != NULL && p != inv->devs[k]) {
				d->parent_from = VIFS_INV_PARENT_BUS_RANGE;
				d->parent = p->d.addr;
			} else {
				d->parent_from = VIFS_INV_PARENT_NONE;
				memset(&d->parent, 0, sizeof(d->parent));
			}
		}
		i = j;
	}
}

static const struct vifs_inv_device *
parent_of(const vifs_inventory *inv, const struct vifs_inv_device *d)
{
	struct inv_dev *p;

	if (d->parent_from == VIFS_INV_PARENT_NONE)
		return NULL;
	p = inv_dev_find(inv, &d->parent);
	return p ? &p->d : NULL;
}

/*
 * The reset the VMkernel picks from the capabilities (passthru.map header:
 * it prefers FLR).  After FLR comes D3hot->D0 when it resets the device,
 * then a reset of the link (parent is a PCIe port) or of the secondary
 * bus (parent is a PCI bridge); this order is the one Linux uses and is
 * our reading, see docs/internals/inventory.md.
 */
static enum vifs_inv_reset
caps_reset(const vifs_inventory *inv, const struct vifs_inv_device *d)
{
	const struct vifs_inv_device *p;

	if (d->flr == VIFS_FACT_YES || d->af_flr == VIFS_FACT_YES)
		return VIFS_INV_RESET_FLR;
	if (d->pm == VIFS_FACT_YES && d->no_soft_reset == VIFS_FACT_NO)
		return VIFS_INV_RESET_D3D0;
	if (d->flr == VIFS_FACT_UNKNOWN || d->af_flr == VIFS_FACT_UNKNOWN ||
	    d->pm == VIFS_FACT_UNKNOWN ||
	    (d->pm == VIFS_FACT_YES && d->no_soft_reset == VIFS_FACT_UNKNOWN))
		return VIFS_INV_RESET_UNKNOWN;
	if (d->parent_from == VIFS_INV_PARENT_NONE)
		return VIFS_INV_RESET_NONE;
	p = parent_of(inv, d);
	if (p != NULL &&
	    (p->pcie_type == VIFS_PCIE_ROOT_PORT ||
	        p->pcie_type == VIFS_PCIE_DOWNSTREAM_PORT))
		return VIFS_INV_RESET_LINK;
	return VIFS_INV_RESET_BRIDGE;
}

static enum vifs_inv_reset
map_to_reset(enum vifs_reset_method m)
{
	switch (m) {
	case VIFS_RESET_FLR:
		return VIFS_INV_RESET_FLR;
	case VIFS_RESET_D3D0:
		return VIFS_INV_RESET_D3D0;
	case VIFS_RESET_LINK:
		return VIFS_INV_RESET_LINK;
	case VIFS_RESET_BRIDGE:
		return VIFS_INV_RESET_BRIDGE;
	case VIFS_RESET_DEFAULT:
		break;
	}
	return VIFS_INV_RESET_UNKNOWN;
}

static void
analyse_resets(vifs_inventory *inv, const vifs_passthru_map *map)
{
	for (size_t i = 0; i < inv->ndevs; i++) {
		struct vifs_inv_device *d = &inv->devs[i]->d;
		const struct vifs_passthru_map_entry *e = NULL;

		d->reset_caps = caps_reset(inv, d);
		d->reset = d->reset_caps;
		if (map != NULL)
			e = vifs_passthru_map_lookup(map, d->vendor, d->device);
		if (e != NULL) {
			d->has_map_entry = 1;
			d->map_reset = e->reset;
			d->map_shareable = e->shareable;
			d->map_line = e->line;
			if (e->reset != VIFS_RESET_DEFAULT)
				d->reset = map_to_reset(e->reset);
		}
		d->reset_worst_case = d->reset == VIFS_INV_RESET_UNKNOWN;
	}
}

struct range {
	size_t lo, hi; /* [lo, hi) in the sorted array */
};

/* The devices on the buses below bridge B. */
static struct range
subtree(const vifs_inventory *inv, const struct vifs_inv_device *b)
{
	struct range r = { 0, 0 };

	if (!has_subtree(b))
		return r;
	r.lo = lower_bus(inv, b->addr.segment, b->secondary);
	r.hi = lower_bus(inv, b->addr.segment, (unsigned)b->subordinate + 1);
	return r;
}

static int
range_cmp(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/*
 * The reset group of device I: the other functions of its slot, the
 * devices below its parent when it is reset through the parent (or its
 * reset is unknown), and the devices below it when it is a bridge.
 */
static int
group_of(vifs_inventory *inv, size_t i)
{
	struct inv_dev *r = inv->devs[i];
	const struct vifs_inv_device *d = &r->d;
	const struct vifs_inv_device *p;
	struct range rs[3];
	size_t nr = 0, total = 0, n = 0, lo, hi, end;

	lo = hi = i;
	while (lo > 0 && same_slot(&inv->devs[lo - 1]->d.addr, &d->addr))
		lo--;
	while (hi + 1 < inv->ndevs &&
	    same_slot(&inv->devs[hi + 1]->d.addr, &d->addr))
		hi++;
	rs[nr].lo = lo;
	rs[nr++].hi = hi + 1;
	if ((d->reset == VIFS_INV_RESET_LINK ||
	        d->reset == VIFS_INV_RESET_BRIDGE ||
	        d->reset == VIFS_INV_RESET_UNKNOWN) &&
	    (p = parent_of(inv, d)) != NULL)
		rs[nr++] = subtree(inv, p);
	if (has_subtree(d))
		rs[nr++] = subtree(inv, d);
	qsort(rs, nr, sizeof(rs[0]), range_cmp);
	for (size_t k = 0; k < nr; k++)
		total += rs[k].hi - rs[k].lo;
	if (total <= 1)
		return VIFS_OK;
	if ((r->group = calloc(total, sizeof(*r->group))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	end = 0;
	for (size_t k = 0; k < nr; k++) {
		size_t from = rs[k].lo > end ? rs[k].lo : end;

		for (size_t j = from; j < rs[k].hi; j++)
			if (j != i)
				r->group[n++] = inv->devs[j]->d.addr;
		if (rs[k].hi > end)
			end = rs[k].hi;
	}
	r->d.reset_group = r->group;
	r->d.reset_group_len = n;
	return VIFS_OK;
}

static int
analyse_groups(vifs_inventory *inv)
{
	int error;

	for (size_t i = 0; i < inv->ndevs; i++)
		if ((error = group_of(inv, i)) < 0)
			return error;
	return VIFS_OK;
}

static int
analyse_hardware_findings(vifs_inventory *inv)
{
	size_t limited = 0;
	char a[48];
	int error;

	for (size_t i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *d = &inv->devs[i]->d;

		if (d->config_size < 256 && d->pcie_type == VIFS_PCIE_UNKNOWN)
			limited++;
		if (d->pcie_type != VIFS_PCIE_DOWNSTREAM_PORT ||
		    d->acs != VIFS_FACT_NO)
			continue;
		inv_addr_both(a, sizeof(a), &d->addr);
		if ((error = inv_finding_add(inv, "acs-missing",
		         VIFS_LINT_WARNING, &d->addr, 0,
		         "switch downstream port %s has no ACS capability: "
		         "ESXi refuses passthrough of the devices behind it "
		         "unless disableACSCheck is set",
		         a)) < 0)
			return error;
	}
	if (limited > 0 &&
	    (error = inv_finding_add(inv, "config-space-limited",
	         VIFS_LINT_WARNING, NULL, 0,
	         "%zu of %zu devices gave only 64 bytes of configuration space "
	         "(an unprivileged read or an `lspci -x` dump) and have "
	         "capabilities beyond them: their capability facts are unknown",
	         limited, inv->ndevs)) < 0)
		return error;
	return VIFS_OK;
}

/* The esx.conf facts of one device from the passthru list. */
static int
esx_apply_dev(struct inv_dev *r, const struct vifs_passthru_dev *pd)
{
	int error;

	if ((error = inv_dev_set_str(r, INV_S_ESX_KEY, pd->key_addr)) < 0 ||
	    (error = inv_dev_set_str(r, INV_S_OWNER_TEXT, pd->owner_text)) <
	        0 ||
	    (error = inv_dev_set_str(r, INV_S_VMKNAME, pd->vmkname)) < 0)
		return error;
	r->d.owner = pd->owner;
	r->d.owner_line = pd->owner_line;
	r->d.vmkname_line = pd->vmkname_line;
	r->d.effective = pd->effective;
	r->d.via_bridge = pd->via_bridge;
	if (pd->via_bridge)
		r->d.bridge = pd->bridge;
	return VIFS_OK;
}

static size_t
first_line(const struct vifs_passthru_dev *pd)
{
	if (pd->owner_line && pd->vmkname_line)
		return pd->owner_line < pd->vmkname_line ? pd->owner_line :
		                                           pd->vmkname_line;
	return pd->owner_line ? pd->owner_line : pd->vmkname_line;
}

static int
esx_device_findings(vifs_inventory *inv, const struct vifs_inv_device *d)
{
	char a[48], b[48];

	if (d->effective != VIFS_OWNER_PASSTHRU)
		return VIFS_OK;
	inv_addr_both(a, sizeof(a), &d->addr);
	inv_addr_both(b, sizeof(b), &d->bridge);
	if (d->vmkname != NULL && d->owner == VIFS_OWNER_PASSTHRU)
		return inv_finding_add(inv, "passthru-vmkname", VIFS_LINT_ERROR,
		    &d->addr, d->vmkname_line,
		    "%s is passthru but holds %s, which the host uses", a,
		    d->vmkname);
	if (!d->via_bridge)
		return VIFS_OK;
	if (d->vmkname != NULL)
		return inv_finding_add(inv, "bridge-covers-vmkname",
		    VIFS_LINT_ERROR, &d->addr, d->vmkname_line,
		    "%s holds %s but is passthru through bridge %s", a,
		    d->vmkname, b);
	if (d->owner == VIFS_OWNER_VMKERNEL)
		return inv_finding_add(inv, "owner-overridden",
		    VIFS_LINT_WARNING, &d->addr, d->owner_line,
		    "%s is owned by vmkernel in esx.conf but is passthru "
		    "through bridge %s",
		    a, b);
	return VIFS_OK;
}

/* One finding per slot whose functions do not all go the same way. */
static int
esx_slot_findings(vifs_inventory *inv)
{
	struct vifs_buf list = VIFS_BUF_INIT;
	size_t i = 0;
	int error = 0;

	while (i < inv->ndevs) {
		size_t j = i + 1, npass = 0;
		char a[48];

		while (j < inv->ndevs &&
		    same_slot(&inv->devs[j]->d.addr, &inv->devs[i]->d.addr))
			j++;
		for (size_t k = i; k < j; k++)
			npass += inv->devs[k]->d.effective ==
			    VIFS_OWNER_PASSTHRU;
		if (npass > 0 && npass < j - i) {
			list.len = 0;
			for (size_t k = i; k < j; k++) {
				const struct vifs_inv_device *d = &inv->devs[k]
				                                       ->d;

				inv_addr_both(a, sizeof(a), &d->addr);
				if ((error = vifs_buf_printf(&list, "%s%s %s",
				         k > i ? ", " : "", a,
				         inv_owner_name(d->effective ==
				                     VIFS_OWNER_PASSTHRU ?
				                 VIFS_OWNER_PASSTHRU :
				                 VIFS_OWNER_VMKERNEL))) < 0)
					goto done;
			}
			if ((error = inv_finding_add(inv, "split-multifunction",
			         VIFS_LINT_ERROR, &inv->devs[i]->d.addr, 0,
			         "the functions of one slot are split between "
			         "passthru and the VMkernel: %s",
			         list.data)) < 0)
				goto done;
		}
		i = j;
	}
done:
	vifs_buf_free(&list);
	return error;
}

static int
analyse_esxconf(vifs_inventory *inv, const vifs_esxconf *doc)
{
	vifs_pci_topology *topo = NULL;
	vifs_passthru_list *list = NULL;
	vifs_lint *lint = NULL;
	int error = 0;

	if ((error = vifs_inventory_topology(&topo, inv)) < 0 ||
	    (error = vifs_passthru_list_new(&list, doc, topo)) < 0)
		goto done;
	for (size_t i = 0; i < inv->ndevs; i++)
		inv->devs[i]->d.effective = VIFS_OWNER_VMKERNEL;
	for (size_t i = 0; i < vifs_passthru_list_count(list); i++) {
		const struct vifs_passthru_dev
		    *pd = vifs_passthru_list_get(list, i);
		struct inv_dev *r = inv_dev_find(inv, &pd->addr);
		char a[48];

		if (r != NULL) {
			if ((error = esx_apply_dev(r, pd)) < 0)
				goto done;
			continue;
		}
		if (pd->key_addr == NULL)
			continue;
		inv_addr_both(a, sizeof(a), &pd->addr);
		if ((error = inv_finding_add(inv, "device-not-present",
		         VIFS_LINT_WARNING, NULL, first_line(pd),
		         "esx.conf has /device/%s/ but the host has no device "
		         "%s",
		         pd->key_addr, a)) < 0)
			goto done;
	}
	for (size_t i = 0; i < inv->ndevs; i++)
		if ((error = esx_device_findings(inv, &inv->devs[i]->d)) < 0)
			goto done;
	if ((error = esx_slot_findings(inv)) < 0)
		goto done;
	if ((error = vifs_esxconf_lint(&lint, doc)) < 0)
		goto done;
	for (size_t i = 0; i < vifs_lint_count(lint); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(lint, i);

		/* Reported above with the device and its bridges. */
		if (strcmp(f->rule, "passthru-vmkname") == 0)
			continue;
		if ((error = inv_finding_add(inv, f->rule, f->severity, NULL,
		         f->line, "%s", f->message)) < 0)
			goto done;
	}
	inv->esx_applied = 1;
done:
	vifs_lint_free(lint);
	vifs_passthru_list_free(list);
	vifs_pci_topology_free(topo);
	return error;
}

int
vifs_inventory_set_roles(vifs_inventory *inv, const vifs_roles *roles)
{
	vifs_roles *copy = NULL;
	int error;

	if (inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: none given");
	if ((error = vifs_roles_new(&copy)) < 0 ||
	    (error = vifs_roles_merge(copy, roles)) < 0) {
		vifs_roles_free(copy);
		return error;
	}
	vifs_roles_free(inv->roles_given);
	inv->roles_given = copy;
	return VIFS_OK;
}

const vifs_roles *
vifs_inventory_roles(const vifs_inventory *inv)
{
	return inv ? inv->roles : NULL;
}

/* "0000:00:1d.7 (000:29.7) Intel Corporation 82801I EHCI #1" */
static void
dev_label(char *buf, size_t size, const struct vifs_inv_device *d)
{
	char a[48];

	inv_addr_both(a, sizeof(a), &d->addr);
	snprintf(buf, size, "%s%s%s%s%s", a,
	    d->vendor_name || d->device_name ? " " : "",
	    d->vendor_name ? d->vendor_name : "",
	    d->vendor_name && d->device_name ? " " : "",
	    d->device_name ? d->device_name : "");
}

/* The findings of a device R that holds ROLE (learned as HOW). */
static int
role_findings(vifs_inventory *inv, const struct vifs_inv_device *d,
    enum vifs_role role, const char *how)
{
	char rule[64], me[300], other[300], b[48];
	size_t i;
	int error;

	snprintf(rule, sizeof(rule), "passthru-%s", vifs_role_name(role));
	dev_label(me, sizeof(me), d);
	if (d->effective == VIFS_OWNER_PASSTHRU) {
		if (d->via_bridge)
			inv_addr_both(b, sizeof(b), &d->bridge);
		return inv_finding_add(inv, rule, VIFS_LINT_ERROR, &d->addr,
		    d->owner_line, "%s carries %s (%s) but is passthru%s%s: %s",
		    me, vifs_role_carries(role), how,
		    d->via_bridge ? " through bridge " : "",
		    d->via_bridge ? b : "", vifs_role_consequence(role));
	}
	for (i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *o = &inv->devs[i]->d;

		if (!same_slot(&o->addr, &d->addr) ||
		    o->addr.func == d->addr.func ||
		    o->effective != VIFS_OWNER_PASSTHRU)
			continue;
		dev_label(other, sizeof(other), o);
		if ((error = inv_finding_add(inv, rule, VIFS_LINT_ERROR,
		         &o->addr, o->owner_line,
		         "%s is passthru and shares its slot with %s, which "
		         "carries %s (%s); the functions of a slot are reset "
		         "together: %s",
		         other, me, vifs_role_carries(role), how,
		         vifs_role_consequence(role))) < 0)
			return error;
	}
	return VIFS_OK;
}

int
inv_roles_apply(vifs_inventory *inv)
{
	int error;

	vifs_roles_free(inv->roles);
	inv->roles = NULL;
	if ((error = vifs_roles_new(&inv->roles)) < 0 ||
	    (error = vifs_roles_merge(inv->roles, inv->roles_given)) < 0)
		return error;
	for (size_t i = 0; i < vifs_roles_count(inv->roles); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(inv->roles, i);
		struct inv_dev *dev = inv_dev_find(inv, &m->device);

		if (dev != NULL)
			dev->d.roles |= (unsigned)m->role;
	}
	return VIFS_OK;
}

/* Roles: marks given, the management NICs of esx.conf, findings. */
static int
analyse_roles(vifs_inventory *inv, const vifs_esxconf *doc)
{
	const vifs_roles *r;
	unsigned looked = 0, found = 0;
	int error;

	vifs_roles_free(inv->roles);
	inv->roles = NULL;
	if ((error = vifs_roles_new(&inv->roles)) < 0 ||
	    (error = vifs_roles_merge(inv->roles, inv->roles_given)) < 0 ||
	    (doc != NULL &&
	        (error = vifs_roles_from_esxconf(inv->roles, doc)) < 0))
		return error;
	r = inv->roles;
	for (size_t i = 0; i < vifs_roles_count(r); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(r, i);
		struct inv_dev *dev = inv_dev_find(inv, &m->device);
		char a[48];

		found |= (unsigned)m->role;
		if (dev != NULL) {
			dev->d.roles |= (unsigned)m->role;
			if (inv->esx_applied &&
			    (error = role_findings(inv, &dev->d, m->role,
			         m->how)) < 0)
				return error;
			continue;
		}
		inv_addr_both(a, sizeof(a), &m->device);
		if ((error = inv_finding_add(inv, "role-device-not-present",
		         VIFS_LINT_WARNING, NULL, 0,
		         "%s names %s, which the host does not have (%s)",
		         vifs_role_name(m->role), a, m->how)) < 0)
			return error;
	}
	for (size_t i = 0; i < vifs_roles_note_count(r); i++) {
		const struct vifs_role_note *n = vifs_roles_note_get(r, i);

		looked |= (unsigned)n->role;
		if (found & (unsigned)n->role)
			continue;
		if ((error = inv_finding_add(inv, "role-not-found",
		         VIFS_LINT_WARNING, NULL, 0, "%s not found: %s",
		         vifs_role_name(n->role), n->text)) < 0)
			return error;
	}
	(void)looked;
	return VIFS_OK;
}

int
vifs_inventory_analyse(vifs_inventory *inv, const vifs_esxconf *doc,
    const vifs_passthru_map *map, const char *map_name)
{
	int error;

	if (inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: none given");
	inv_sort(inv);
	for (size_t i = 0; i < inv->ndevs; i++)
		inv_dev_clear_derived(inv->devs[i]);
	inv_findings_clear(inv);
	inv->esx_applied = 0;
	if ((error = inv_info_set_str(inv, INV_I_ESXCONF,
	         doc ? vifs_esxconf_name(doc) : NULL)) < 0 ||
	    (error = inv_info_set_str(inv, INV_I_PASSTHRU_MAP,
	         map ? (map_name ? map_name : "passthru.map") : NULL)) < 0)
		return error;
	analyse_slots(inv);
	analyse_parents(inv);
	analyse_resets(inv, map);
	if ((error = analyse_groups(inv)) < 0 ||
	    (error = analyse_hardware_findings(inv)) < 0)
		return error;
	if (doc != NULL && (error = analyse_esxconf(inv, doc)) < 0)
		return error;
	if ((error = analyse_roles(inv, doc)) < 0)
		return error;
	inv_findings_sort(inv);
	return VIFS_OK;
}

/* --- topology -------------------------------------------------------- */

/* Copies S into DST of SIZE bytes, cutting at a character boundary. */
static void
copy_utf8(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
vifs_inventory_topology(vifs_pci_topology **out, const vifs_inventory *inv)
{
	vifs_pci_topology *topo = NULL;
	int error = 0;

	if (out == NULL || inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no topology");
	*out = NULL;
	if ((error = vifs_pci_topology_new(&topo)) < 0)
		goto done;
	for (size_t i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *d = &inv->devs[i]->d;
		struct vifs_pci_topology_dev t;
		char name[256];

		memset(&t, 0, sizeof(t));
		t.addr = d->addr;
		t.is_bridge = is_bridge(d);
		t.secondary = d->secondary;
		t.subordinate = d->subordinate;
		t.has_parent = d->parent_from != VIFS_INV_PARENT_NONE;
		t.parent = d->parent;
		t.vendor = d->vendor;
		t.device = d->device;
		snprintf(name, sizeof(name), "%s%s%s",
		    d->vendor_name ? d->vendor_name : "",
		    d->vendor_name && d->device_name ? " " : "",
		    d->device_name ? d->device_name : "");
		copy_utf8(t.name, sizeof(t.name), name);
		t.roles = d->roles;
		for (size_t k = 0; k < vifs_roles_count(inv->roles); k++) {
			const struct vifs_role_mark
			    *m = vifs_roles_get(inv->roles, k);

			if (vifs_pciaddr_cmp(&m->device, &d->addr) == 0) {
				copy_utf8(t.role_how, sizeof(t.role_how),
				    m->how);
				break;
			}
		}
		if ((error = vifs_pci_topology_add(topo, &t)) < 0)
			goto done;
	}
	*out = topo;
	topo = NULL;
done:
	vifs_pci_topology_free(topo);
	return error;
}
