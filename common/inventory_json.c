/*
 * inventory_json.c - the JSON document of a PCI inventory
 * (docs/schemas/inventory.schema.json), the same facts as the XML writer
 * in inventory_xml_write.c, in the same order.
 */
#include <stdio.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "inventory_impl.h"
#include "json_int.h"

static json_t *
hex(unsigned v, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", digits, v);
	return json_string(buf);
}

static json_t *
addr_str(const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];

	inv_addr_linux(buf, a);
	return json_string(buf);
}

static int
device_ids(json_t *o, const struct vifs_inv_device *d)
{
	json_t *id = json_object(), *name;
	int error;

	if ((error = vifs_json_put(o, "id", id)) < 0 ||
	    (error = vifs_json_put(id, "vendor", hex(d->vendor, 4))) < 0 ||
	    (error = vifs_json_put(id, "device", hex(d->device, 4))) < 0 ||
	    (d->has_subsystem &&
	        ((error = vifs_json_put(id, "subvendor",
	              hex(d->subvendor, 4))) < 0 ||
	            (error = vifs_json_put(id, "subdevice",
	                 hex(d->subdevice, 4))) < 0)) ||
	    (error = vifs_json_put(id, "class",
	         hex((unsigned)d->class_base << 8 | d->class_sub, 4))) < 0 ||
	    (error = vifs_json_put(id, "prog_if", hex(d->prog_if, 2))) < 0 ||
	    (error = vifs_json_put(id, "revision", hex(d->revision, 2))) < 0)
		return error;
	name = json_pack("{s:s*, s:s*, s:s*, s:s*, s:s*, s:s*, s:s*}", "vendor",
	    d->vendor_name, "device", d->device_name, "subvendor",
	    d->subvendor_name, "subdevice", d->subdevice_name, "class",
	    d->class_name, "base_class", d->base_class_name, "prog_if",
	    d->prog_if_name);
	if ((error = vifs_json_put(o, "name", name)) < 0 ||
	    (error = vifs_json_put(o, "header",
	         json_pack("{s:i, s:b, s:b}", "type", (int)d->header_type,
	             "multifunction_bit", d->multifunction_bit, "multifunction",
	             d->multifunction))) < 0)
		return error;
	return VIFS_OK;
}

static int
device_topology(json_t *o, const struct vifs_inv_device *d)
{
	int error;

	if (d->driver != NULL &&
	    (error = vifs_json_put(o, "driver", json_string(d->driver))) < 0)
		return error;
	if (d->iommu_group >= 0 &&
	    (error = vifs_json_put(o, "iommu_group",
	         json_integer(d->iommu_group))) < 0)
		return error;
	if (d->parent_from != VIFS_INV_PARENT_NONE &&
	    (error = vifs_json_put(o, "parent",
	         json_pack("{s:o, s:s}", "address", addr_str(&d->parent),
	             "from", inv_parent_name(d->parent_from)))) < 0)
		return error;
	if ((d->header_type == 1 || d->header_type == 2) &&
	    (error = vifs_json_put(o, "bridge",
	         json_pack("{s:o, s:o, s:o}", "primary", hex(d->primary, 2),
	             "secondary", hex(d->secondary, 2), "subordinate",
	             hex(d->subordinate, 2)))) < 0)
		return error;
	return VIFS_OK;
}

static int
device_reset(json_t *o, const struct vifs_inv_device *d)
{
	json_t *caps, *reset, *with;
	int error;

	caps = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "config_bytes", (int)d->config_size, "pcie",
	    vifs_pcie_type_name(d->pcie_type), "flr", vifs_fact_name(d->flr),
	    "af_flr", vifs_fact_name(d->af_flr), "pm", vifs_fact_name(d->pm),
	    "no_soft_reset", vifs_fact_name(d->no_soft_reset), "acs",
	    vifs_fact_name(d->acs), "sriov", vifs_fact_name(d->sriov));
	if ((error = vifs_json_put(o, "capabilities", caps)) < 0 ||
	    (d->sriov == VIFS_FACT_YES &&
	        (error = vifs_json_put(caps, "sriov_total_vfs",
	             json_integer(d->sriov_total_vfs))) < 0))
		return error;
	reset = json_pack("{s:s, s:s}", "method", vifs_inv_reset_name(d->reset),
	    "capabilities", vifs_inv_reset_name(d->reset_caps));
	if ((error = vifs_json_put(o, "reset", reset)) < 0 ||
	    (d->reset_worst_case &&
	        (error = vifs_json_put(reset, "worst_case", json_true())) < 0))
		return error;
	if (d->has_map_entry &&
	    ((error = vifs_json_put(reset, "map_method",
	          json_string(inv_map_reset_name(d->map_reset)))) < 0 ||
	        (error = vifs_json_put(reset, "map_shareable",
	             json_string(inv_shareable_name(d->map_shareable)))) < 0 ||
	        (error = vifs_json_put(reset, "map_line",
	             json_integer((json_int_t)d->map_line))) < 0))
		return error;
	if ((error = vifs_json_put(reset, "with", with = json_array())) < 0)
		return error;
	for (size_t i = 0; i < d->reset_group_len; i++)
		if ((error = vifs_json_append(with,
		         addr_str(&d->reset_group[i]))) < 0)
			return error;
	return VIFS_OK;
}

static int
device_esx(json_t *o, const struct vifs_inv_device *d)
{
	json_t *esx = json_pack("{s:s*, s:s, s:s*}", "key", d->esx_key, "owner",
	    inv_owner_name(d->owner), "owner_text", d->owner_text);
	int error;

	if ((error = vifs_json_put(o, "esx", esx)) < 0 ||
	    (d->owner_line &&
	        (error = vifs_json_put(esx, "owner_line",
	             json_integer((json_int_t)d->owner_line))) < 0) ||
	    (d->vmkname &&
	        (error = vifs_json_put(esx, "vmkname",
	             json_string(d->vmkname))) < 0) ||
	    (d->vmkname_line &&
	        (error = vifs_json_put(esx, "vmkname_line",
	             json_integer((json_int_t)d->vmkname_line))) < 0) ||
	    (error = vifs_json_put(esx, "effective",
	         json_string(inv_owner_name(d->effective)))) < 0 ||
	    (d->via_bridge &&
	        (error = vifs_json_put(esx, "via_bridge",
	             addr_str(&d->bridge))) < 0))
		return error;
	return VIFS_OK;
}

/* The roles the device at ADDR holds, as the XML's <role> elements. */
static int
device_roles(json_t *o, const vifs_inventory *inv,
    const struct vifs_pciaddr *addr)
{
	const vifs_roles *roles = vifs_inventory_roles(inv);
	json_t *arr = json_array();
	int error;

	if ((error = vifs_json_put(o, "roles", arr)) < 0)
		return error;
	for (size_t i = 0; i < vifs_roles_count(roles); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(roles, i);

		if (vifs_pciaddr_cmp(&m->device, addr) != 0)
			continue;
		if ((error = vifs_json_append(arr,
		         json_pack("{s:s, s:s, s:s}", "name",
		             vifs_role_name(m->role), "learned", m->learned,
		             "how", m->how ? m->how : ""))) < 0)
			return error;
	}
	return VIFS_OK;
}

static int
device(json_t *devs, const vifs_inventory *inv, const struct vifs_inv_device *d)
{
	json_t *o = json_object();
	char esx[16];
	int error;

	if ((error = vifs_json_append(devs, o)) < 0 ||
	    (error = vifs_json_put(o, "address", addr_str(&d->addr))) < 0)
		return error;
	if (d->addr.segment == 0) {
		snprintf(esx, sizeof(esx), "%03u:%02u.%u",
		    (unsigned)d->addr.bus % 1000u, (unsigned)d->addr.dev % 100u,
		    (unsigned)d->addr.func % 10u);
		if ((error = vifs_json_put(o, "esxconf_address",
		         json_string(esx))) < 0)
			return error;
	}
	if ((error = device_ids(o, d)) < 0 ||
	    (error = device_topology(o, d)) < 0 ||
	    (error = device_reset(o, d)) < 0 ||
	    (vifs_inventory_info(inv)->esxconf != NULL &&
	        (error = device_esx(o, d)) < 0) ||
	    (error = device_roles(o, inv, &d->addr)) < 0)
		return error;
	return VIFS_OK;
}

static int
finding(json_t *arr, const struct vifs_inv_finding *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "rule", f->rule, "severity",
	    f->severity == VIFS_LINT_ERROR ? "error" : "warning", "message",
	    f->message);
	int error;

	if ((error = vifs_json_append(arr, o)) < 0 ||
	    (f->has_device &&
	        (error = vifs_json_put(o, "device", addr_str(&f->device))) <
	            0) ||
	    (f->line &&
	        (error = vifs_json_put(o, "line",
	             json_integer((json_int_t)f->line))) < 0))
		return error;
	return VIFS_OK;
}

static int
document(json_t *root, const vifs_inventory *inv)
{
	const struct vifs_inv_info *info = vifs_inventory_info(inv);
	size_t n = vifs_inventory_count(inv);
	size_t nf = vifs_inventory_finding_count(inv);
	json_t *devs = json_array(), *finds = json_array();
	char created[32];
	int error;

	if ((error = vifs_json_put(root, "version", json_integer(1))) < 0 ||
	    (info->generator &&
	        (error = vifs_json_put(root, "generator",
	             json_string(info->generator))) < 0))
		return error;
	if (info->created >= 0) {
		vifs_json_utc(created, info->created);
		if ((error = vifs_json_put(root, "created",
		         json_string(created))) < 0)
			return error;
	}
	if ((error = vifs_json_put(root, "source",
	         json_pack("{s:s, s:s*, s:s*}", "kind",
	             info->source ? info->source : "sysfs", "path",
	             info->source_path, "host", info->host))) < 0 ||
	    (info->esxconf &&
	        (error = vifs_json_put(root, "esxconf",
	             json_pack("{s:s}", "path", info->esxconf))) < 0) ||
	    (info->passthru_map &&
	        (error = vifs_json_put(root, "passthru_map",
	             json_pack("{s:s}", "path", info->passthru_map))) < 0))
		return error;
	if ((error = vifs_json_put(root, "count",
	         json_integer((json_int_t)n))) < 0 ||
	    (error = vifs_json_put(root, "devices", devs)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		if ((error = device(devs, inv, vifs_inventory_get(inv, i))) < 0)
			return error;
	if ((error = vifs_json_put(root, "finding_count",
	         json_integer((json_int_t)nf))) < 0 ||
	    (error = vifs_json_put(root, "findings", finds)) < 0)
		return error;
	for (size_t i = 0; i < nf; i++)
		if ((error = finding(finds, vifs_inventory_finding(inv, i))) <
		    0)
			return error;
	return VIFS_OK;
}

int
vifs_inventory_write_json(char **out, size_t *out_len,
    const vifs_inventory *inv)
{
	json_t *root;

	if (out == NULL || inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: none to write");
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((root = json_object()) == NULL)
		return vifs_json_nomem();
	return vifs_json_finish(out, out_len, root, document(root, inv));
}
