/*
 * inventory_xml_device.c - the inventory reader's <device> element: ids,
 * names, header, parent, bridge, capabilities, reset, esx.conf facts and
 * roles, with the derived fields the writer wrote.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/inventory.h>

#include "inventory_xml_impl.h"

static const char *const id_attrs[] = { "vendor", "device", "subvendor",
	"subdevice", "class", "prog-if", "revision", NULL };

static int
read_id(const struct inv_xml_rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	struct inv_xml_attrs a;
	const char *s, *sv, *sd;
	unsigned v = 0;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, id_attrs, &a)) < 0)
		goto done;
	if ((error = inv_xml_need(rd, n, &a, "vendor", &s)) < 0 ||
	    (error = inv_xml_hex(rd, n, "vendor", s, 4, &v)) < 0)
		goto done;
	d->vendor = (uint16_t)v;
	if ((error = inv_xml_need(rd, n, &a, "device", &s)) < 0 ||
	    (error = inv_xml_hex(rd, n, "device", s, 4, &v)) < 0)
		goto done;
	d->device = (uint16_t)v;
	sv = inv_xml_attrs_get(&a, "subvendor");
	sd = inv_xml_attrs_get(&a, "subdevice");
	if ((sv == NULL) != (sd == NULL)) {
		error = inv_xml_fail(rd, n,
		    "subvendor and subdevice go together");
		goto done;
	}
	if (sv != NULL) {
		d->has_subsystem = 1;
		if ((error = inv_xml_hex(rd, n, "subvendor", sv, 4, &v)) < 0)
			goto done;
		d->subvendor = (uint16_t)v;
		if ((error = inv_xml_hex(rd, n, "subdevice", sd, 4, &v)) < 0)
			goto done;
		d->subdevice = (uint16_t)v;
	}
	if ((error = inv_xml_need(rd, n, &a, "class", &s)) < 0 ||
	    (error = inv_xml_hex(rd, n, "class", s, 4, &v)) < 0)
		goto done;
	d->class_base = (uint8_t)(v >> 8);
	d->class_sub = (uint8_t)(v & 0xff);
	if ((error = inv_xml_need(rd, n, &a, "prog-if", &s)) < 0 ||
	    (error = inv_xml_hex(rd, n, "prog-if", s, 2, &v)) < 0)
		goto done;
	d->prog_if = (uint8_t)v;
	if ((error = inv_xml_need(rd, n, &a, "revision", &s)) < 0 ||
	    (error = inv_xml_hex(rd, n, "revision", s, 2, &v)) < 0)
		goto done;
	d->revision = (uint8_t)v;
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const name_attrs[] = { "vendor", "device", "subvendor",
	"subdevice", "class", "base-class", "prog-if", NULL };

/* Names are copied by inv_dev_add: the caller keeps A until then. */
static int
read_name(const struct inv_xml_rd *rd, xmlNodePtr n, struct vifs_inv_device *d,
    struct inv_xml_attrs *a)
{
	int error;

	if ((error = inv_xml_attrs_load(rd, n, name_attrs, a)) < 0)
		return error;
	d->vendor_name = inv_xml_attrs_get(a, "vendor");
	d->device_name = inv_xml_attrs_get(a, "device");
	d->subvendor_name = inv_xml_attrs_get(a, "subvendor");
	d->subdevice_name = inv_xml_attrs_get(a, "subdevice");
	d->class_name = inv_xml_attrs_get(a, "class");
	d->base_class_name = inv_xml_attrs_get(a, "base-class");
	d->prog_if_name = inv_xml_attrs_get(a, "prog-if");
	return inv_xml_no_children(rd, n);
}

static const char *const header_attrs[] = { "type", "multifunction-bit",
	"multifunction", NULL };

static int
read_header(const struct inv_xml_rd *rd, xmlNodePtr n,
    struct vifs_inv_device *d, int *mf)
{
	struct inv_xml_attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, header_attrs, &a)) < 0)
		goto done;
	if ((error = inv_xml_need(rd, n, &a, "type", &s)) < 0 ||
	    (error = inv_xml_dec(rd, n, "type", s, 0, 127, &v)) < 0)
		goto done;
	d->header_type = (uint8_t)v;
	if ((error = inv_xml_need(rd, n, &a, "multifunction-bit", &s)) < 0 ||
	    (error = inv_xml_yes_no(rd, n, "multifunction-bit", s,
	         &d->multifunction_bit)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "multifunction", &s)) < 0 ||
	    (error = inv_xml_yes_no(rd, n, "multifunction", s, mf)) < 0)
		goto done;
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const parent_attrs[] = { "address", "from", NULL };

static int
read_parent(const struct inv_xml_rd *rd, xmlNodePtr n,
    struct vifs_inv_device *d)
{
	struct inv_xml_attrs a;
	const char *s;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, parent_attrs, &a)) < 0)
		goto done;
	if ((error = inv_xml_need(rd, n, &a, "address", &s)) < 0 ||
	    (error = inv_xml_addr(rd, n, "address", s, &d->parent)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "from", &s)) < 0)
		goto done;
	if (inv_parent_parse(&d->parent_from, s) < 0 ||
	    d->parent_from == VIFS_INV_PARENT_NONE) {
		error = inv_xml_fail(rd, n,
		    "from '%s' is not source or bus-range", s);
		goto done;
	}
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const bridge_attrs[] = { "primary", "secondary",
	"subordinate", NULL };

static int
read_bridge(const struct inv_xml_rd *rd, xmlNodePtr n,
    struct vifs_inv_device *d)
{
	uint8_t *field[3] = { &d->primary, &d->secondary, &d->subordinate };
	struct inv_xml_attrs a;
	const char *s;
	unsigned v = 0;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, bridge_attrs, &a)) < 0)
		goto done;
	for (size_t i = 0; i < 3; i++) {
		if ((error = inv_xml_need(rd, n, &a, bridge_attrs[i], &s)) <
		        0 ||
		    (error = inv_xml_hex(rd, n, bridge_attrs[i], s, 2, &v)) < 0)
			goto done;
		*field[i] = (uint8_t)v;
	}
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const caps_attrs[] = { "config-bytes", "pcie", "flr",
	"af-flr", "pm", "no-soft-reset", "acs", "sriov", "sriov-total-vfs",
	NULL };

static int
read_caps(const struct inv_xml_rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	enum vifs_fact *facts[6] = { &d->flr, &d->af_flr, &d->pm,
		&d->no_soft_reset, &d->acs, &d->sriov };
	struct inv_xml_attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, caps_attrs, &a)) < 0)
		goto done;
	if ((error = inv_xml_need(rd, n, &a, "config-bytes", &s)) < 0 ||
	    (error = inv_xml_dec(rd, n, "config-bytes", s, 64, 4096, &v)) < 0)
		goto done;
	if (v != 64 && v != 256 && v != 4096) {
		error = inv_xml_fail(rd, n,
		    "config-bytes %llu is not 64, 256 or 4096", v);
		goto done;
	}
	d->config_size = (unsigned)v;
	if ((error = inv_xml_need(rd, n, &a, "pcie", &s)) < 0)
		goto done;
	if (inv_pcie_type_parse(&d->pcie_type, s) < 0) {
		error = inv_xml_fail(rd, n, "pcie '%s' is no PCI Express type",
		    s);
		goto done;
	}
	for (size_t i = 0; i < 6; i++) {
		if ((error = inv_xml_need(rd, n, &a, caps_attrs[i + 2], &s)) <
		    0)
			goto done;
		if (inv_fact_parse(facts[i], s) < 0) {
			error = inv_xml_fail(rd, n,
			    "%s '%s' is not yes, no or unknown",
			    caps_attrs[i + 2], s);
			goto done;
		}
	}
	if ((s = inv_xml_attrs_get(&a, "sriov-total-vfs")) != NULL) {
		if (d->sriov != VIFS_FACT_YES) {
			error = inv_xml_fail(rd, n,
			    "sriov-total-vfs without sriov");
			goto done;
		}
		if ((error = inv_xml_dec(rd, n, "sriov-total-vfs", s, 0, 65535,
		         &v)) < 0)
			goto done;
		d->sriov_total_vfs = (unsigned)v;
	}
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const reset_attrs[] = { "method", "capabilities",
	"worst-case", "map-method", "map-shareable", "map-line", NULL };
static const char *const with_attrs[] = { "address", NULL };

static int
read_reset(const struct inv_xml_rd *rd, xmlNodePtr n, struct inv_dev *r)
{
	struct vifs_inv_device *d = &r->d;
	struct inv_xml_attrs a;
	xmlNodePtr pos, c;
	const char *s, *mm, *ms, *ml;
	unsigned long long v = 0;
	size_t count = 0, cap = 0;
	int error;

	memset(&a, 0, sizeof(a));
	if ((error = inv_xml_attrs_load(rd, n, reset_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "method", &s)) < 0)
		goto done;
	if (inv_reset_parse(&d->reset, s) < 0) {
		error = inv_xml_fail(rd, n, "method '%s' is no reset method",
		    s);
		goto done;
	}
	if ((error = inv_xml_need(rd, n, &a, "capabilities", &s)) < 0)
		goto done;
	if (inv_reset_parse(&d->reset_caps, s) < 0) {
		error = inv_xml_fail(rd, n,
		    "capabilities '%s' is no reset method", s);
		goto done;
	}
	if ((s = inv_xml_attrs_get(&a, "worst-case")) != NULL &&
	    (error = inv_xml_yes_no(rd, n, "worst-case", s,
	         &d->reset_worst_case)) < 0)
		goto done;
	mm = inv_xml_attrs_get(&a, "map-method");
	ms = inv_xml_attrs_get(&a, "map-shareable");
	ml = inv_xml_attrs_get(&a, "map-line");
	if (mm != NULL || ms != NULL || ml != NULL) {
		if (mm == NULL || ms == NULL || ml == NULL) {
			error = inv_xml_fail(rd, n,
			    "map-method, map-shareable and map-line go "
			    "together");
			goto done;
		}
		d->has_map_entry = 1;
		if (inv_map_reset_parse(&d->map_reset, mm) < 0 ||
		    inv_shareable_parse(&d->map_shareable, ms) < 0) {
			error = inv_xml_fail(rd, n,
			    "map-method '%s' or map-shareable '%s' is not a "
			    "passthru.map keyword",
			    mm, ms);
			goto done;
		}
		if ((error = inv_xml_dec(rd, n, "map-line", ml, 1, UINT32_MAX,
		         &v)) < 0)
			goto done;
		d->map_line = (size_t)v;
	}
	pos = n->children;
	for (;;) {
		struct inv_xml_attrs wa;

		if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		if (!inv_xml_is_named(c, "with")) {
			error = inv_xml_fail(rd, c,
			    "unexpected <%s> in <reset>",
			    (const char *)c->name);
			goto done;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct vifs_pciaddr *p;

			if (ncap > (size_t)-1 / sizeof(*p) ||
			    (p = realloc(r->group, ncap * sizeof(*p))) ==
			        NULL) {
				error = vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
				goto done;
			}
			r->group = p;
			cap = ncap;
		}
		if ((error = inv_xml_attrs_load(rd, c, with_attrs, &wa)) < 0 ||
		    (error = inv_xml_need(rd, c, &wa, "address", &s)) < 0 ||
		    (error = inv_xml_addr(rd, c, "address", s,
		         &r->group[count])) < 0 ||
		    (error = inv_xml_no_children(rd, c)) < 0) {
			inv_xml_attrs_free(&wa);
			goto done;
		}
		inv_xml_attrs_free(&wa);
		if ((count > 0 &&
		        vifs_pciaddr_cmp(&r->group[count - 1],
		            &r->group[count]) >= 0) ||
		    vifs_pciaddr_cmp(&r->group[count], &d->addr) == 0) {
			error = inv_xml_fail(rd, c,
			    "reset group members must be other devices in "
			    "ascending address order");
			goto done;
		}
		count++;
	}
	d->reset_group = r->group;
	d->reset_group_len = count;
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const esx_attrs[] = { "key", "owner", "owner-text",
	"owner-line", "vmkname", "vmkname-line", "effective", "via-bridge",
	NULL };

static int
read_esx(const struct inv_xml_rd *rd, xmlNodePtr n, struct inv_dev *r)
{
	struct vifs_inv_device *d = &r->d;
	struct inv_xml_attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, esx_attrs, &a)) < 0)
		goto done;
	if ((error = inv_dev_set_str(r, INV_S_ESX_KEY,
	         inv_xml_attrs_get(&a, "key"))) < 0 ||
	    (error = inv_dev_set_str(r, INV_S_OWNER_TEXT,
	         inv_xml_attrs_get(&a, "owner-text"))) < 0 ||
	    (error = inv_dev_set_str(r, INV_S_VMKNAME,
	         inv_xml_attrs_get(&a, "vmkname"))) < 0)
		goto done;
	if ((error = inv_xml_need(rd, n, &a, "owner", &s)) < 0)
		goto done;
	if (inv_owner_parse(&d->owner, s) < 0) {
		error = inv_xml_fail(rd, n,
		    "owner '%s' is not none, vmkernel, passthru or other", s);
		goto done;
	}
	if ((error = inv_xml_need(rd, n, &a, "effective", &s)) < 0)
		goto done;
	if (inv_owner_parse(&d->effective, s) < 0) {
		error = inv_xml_fail(rd, n,
		    "effective '%s' is not none, vmkernel, passthru or other",
		    s);
		goto done;
	}
	if ((s = inv_xml_attrs_get(&a, "owner-line")) != NULL) {
		if ((error = inv_xml_dec(rd, n, "owner-line", s, 1, UINT32_MAX,
		         &v)) < 0)
			goto done;
		d->owner_line = (size_t)v;
	}
	if ((s = inv_xml_attrs_get(&a, "vmkname-line")) != NULL) {
		if ((error = inv_xml_dec(rd, n, "vmkname-line", s, 1,
		         UINT32_MAX, &v)) < 0)
			goto done;
		d->vmkname_line = (size_t)v;
	}
	if ((s = inv_xml_attrs_get(&a, "via-bridge")) != NULL) {
		if ((error = inv_xml_addr(rd, n, "via-bridge", s, &d->bridge)) <
		    0)
			goto done;
		d->via_bridge = 1;
	}
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static const char *const device_attrs[] = { "address", "esxconf-address",
	NULL };

/* The child elements of <device>, in schema order. */
enum {
	E_ID,
	E_NAME,
	E_HEADER,
	E_DRIVER,
	E_IOMMU,
	E_PARENT,
	E_BRIDGE,
	E_CAPS,
	E_RESET,
	E_ESX,
	E_ROLE, /* repeated */
	E_COUNT
};

static const char *const device_elems[E_COUNT] = { "id", "name", "header",
	"driver", "iommu-group", "parent", "bridge", "capabilities", "reset",
	"esx", "role" };

static const char *const role_attrs[] = { "name", "learned", NULL };

/* A <role> of the device at ADDR into the inventory's given roles. */
static int
read_role(const struct inv_xml_rd *rd, vifs_inventory *inv, xmlNodePtr n,
    const struct vifs_pciaddr *addr)
{
	struct inv_xml_attrs a;
	enum vifs_role role;
	xmlChar *how = NULL;
	const char *name, *learned;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, role_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "name", &name)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "learned", &learned)) < 0 ||
	    (error = inv_xml_text(rd, n, &how)) < 0)
		goto done;
	if (vifs_role_parse(&role, name) < 0) {
		error = inv_xml_fail(rd, n, "unknown role '%s'", name);
		goto done;
	}
	if ((inv->roles_given == NULL &&
	        (error = vifs_roles_new(&inv->roles_given)) < 0) ||
	    (error = vifs_roles_add(inv->roles_given, role, addr, learned,
	         (const char *)how)) < 0)
		error = inv_xml_fail(rd, n, "%s", vifs_error_last());
done:
	if (how != NULL)
		xmlFree(how);
	inv_xml_attrs_free(&a);
	return error;
}

int
inv_xml_read_device(const struct inv_xml_rd *rd, vifs_inventory *inv,
    xmlNodePtr n)
{
	xmlNodePtr el[E_COUNT] = { NULL };
	struct vifs_inv_device d;
	struct inv_xml_attrs a, names;
	struct inv_dev *r = NULL;
	xmlNodePtr pos, c;
	xmlChar *driver = NULL, *group = NULL;
	const char *s;
	int mf = 0, error;

	memset(&d, 0, sizeof(d));
	memset(&names, 0, sizeof(names));
	d.iommu_group = -1;
	if ((error = inv_xml_attrs_load(rd, n, device_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "address", &s)) < 0 ||
	    (error = inv_xml_addr(rd, n, "address", s, &d.addr)) < 0)
		goto done;
	if ((s = inv_xml_attrs_get(&a, "esxconf-address")) != NULL) {
		char want[16];

		snprintf(want, sizeof(want), "%03u:%02u.%u",
		    (unsigned)d.addr.bus, (unsigned)d.addr.dev,
		    (unsigned)d.addr.func);
		if (d.addr.segment != 0 || strcmp(s, want) != 0) {
			error = inv_xml_fail(rd, n,
			    "esxconf-address '%s' is not the device's address",
			    s);
			goto done;
		}
	}
	pos = n->children;
	for (size_t last = 0;;) {
		size_t k;

		if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		for (k = 0; k < E_COUNT; k++)
			if (inv_xml_is_named(c, device_elems[k]))
				break;
		if (k == E_ROLE) {
			/* Repeated; read at once (they need only the
			 * address). */
			if ((error = read_role(rd, inv, c, &d.addr)) < 0)
				goto done;
			last = k;
			continue;
		}
		if (k == E_COUNT || el[k] != NULL || k < last) {
			error = inv_xml_fail(rd, c,
			    "unexpected <%s> in <device>",
			    (const char *)c->name);
			goto done;
		}
		el[k] = c;
		last = k;
	}
	/* The facts in document order, then what is missing. */
	if ((el[E_ID] != NULL && (error = read_id(rd, el[E_ID], &d)) < 0) ||
	    (el[E_NAME] != NULL &&
	        (error = read_name(rd, el[E_NAME], &d, &names)) < 0) ||
	    (el[E_HEADER] != NULL &&
	        (error = read_header(rd, el[E_HEADER], &d, &mf)) < 0))
		goto done;
	if (el[E_DRIVER] != NULL) {
		if ((error = inv_xml_text(rd, el[E_DRIVER], &driver)) < 0)
			goto done;
		d.driver = (const char *)driver;
	}
	if (el[E_IOMMU] != NULL) {
		unsigned long long v = 0;

		if ((error = inv_xml_text(rd, el[E_IOMMU], &group)) < 0 ||
		    (error = inv_xml_dec(rd, el[E_IOMMU], "iommu-group",
		         (const char *)group, 0, INT_MAX, &v)) < 0)
			goto done;
		d.iommu_group = (int)v;
	}
	if ((el[E_PARENT] != NULL &&
	        (error = read_parent(rd, el[E_PARENT], &d)) < 0) ||
	    (el[E_BRIDGE] != NULL &&
	        (error = read_bridge(rd, el[E_BRIDGE], &d)) < 0) ||
	    (el[E_CAPS] != NULL && (error = read_caps(rd, el[E_CAPS], &d)) < 0))
		goto done;
	for (size_t k = 0; k < E_COUNT; k++) {
		if (el[k] == NULL &&
		    (k == E_ID || k == E_NAME || k == E_HEADER || k == E_CAPS ||
		        k == E_RESET)) {
			error = inv_xml_fail(rd, n, "<device> needs <%s>",
			    device_elems[k]);
			goto done;
		}
	}
	if ((el[E_BRIDGE] != NULL) !=
	    (d.header_type == 1 || d.header_type == 2)) {
		error = inv_xml_fail(rd, n,
		    "<bridge> is for header types 1 and 2 and only for them");
		goto done;
	}
	if ((error = inv_dev_add(&r, inv, &d)) < 0) {
		error = inv_xml_fail(rd, n, "%s", vifs_error_last());
		goto done;
	}
	r->d.multifunction = mf;
	if ((error = read_reset(rd, el[E_RESET], r)) < 0)
		goto done;
	if (el[E_ESX] != NULL) {
		if (inv->info.esxconf == NULL) {
			error = inv_xml_fail(rd, el[E_ESX],
			    "<esx> without <esxconf>");
			goto done;
		}
		if ((error = read_esx(rd, el[E_ESX], r)) < 0)
			goto done;
	}
done:
	inv_xml_attrs_free(&a);
	inv_xml_attrs_free(&names);
	if (driver != NULL)
		xmlFree(driver);
	if (group != NULL)
		xmlFree(group);
	return error;
}
