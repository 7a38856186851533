/*
 * inventory_xml_write.c - the inventory as XML: the writer (libxml2
 * xmlTextWriter, elements in the order of docs/schemas/inventory.xsd).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "inventory_xml_impl.h"

static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)s;
}

/* --- writer ---------------------------------------------------------- */

static int
start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, X(name));
}

static int
end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w);
}

/* Writes attribute NAME when VALUE is not NULL. */
static int
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	return xmlTextWriterWriteAttribute(w, X(name), X(value));
}

static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    VIFS_PRINTF(3, 4);

static int
attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return attr(w, name, buf);
}

static int
attr_addr(xmlTextWriterPtr w, const char *name, const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];

	inv_addr_linux(buf, a);
	return attr(w, name, buf);
}

static const char *
yes_no(int b)
{
	return b ? "yes" : "no";
}

#define W(call) \
	do { \
		if ((call) < 0) \
			goto fail; \
	} while (0)

static int
write_device(xmlTextWriterPtr w, const vifs_inventory *inv,
    const struct vifs_inv_device *d)
{
	W(start(w, "device"));
	W(attr_addr(w, "address", &d->addr));
	if (d->addr.segment == 0)
		W(attrf(w, "esxconf-address", "%03u:%02u.%u",
		    (unsigned)d->addr.bus, (unsigned)d->addr.dev,
		    (unsigned)d->addr.func));

	W(start(w, "id"));
	W(attrf(w, "vendor", "%04x", (unsigned)d->vendor));
	W(attrf(w, "device", "%04x", (unsigned)d->device));
	if (d->has_subsystem) {
		W(attrf(w, "subvendor", "%04x", (unsigned)d->subvendor));
		W(attrf(w, "subdevice", "%04x", (unsigned)d->subdevice));
	}
	W(attrf(w, "class", "%02x%02x", (unsigned)d->class_base,
	    (unsigned)d->class_sub));
	W(attrf(w, "prog-if", "%02x", (unsigned)d->prog_if));
	W(attrf(w, "revision", "%02x", (unsigned)d->revision));
	W(end(w));

	W(start(w, "name"));
	W(attr(w, "vendor", d->vendor_name));
	W(attr(w, "device", d->device_name));
	W(attr(w, "subvendor", d->subvendor_name));
	W(attr(w, "subdevice", d->subdevice_name));
	W(attr(w, "class", d->class_name));
	W(attr(w, "base-class", d->base_class_name));
	W(attr(w, "prog-if", d->prog_if_name));
	W(end(w));

	W(start(w, "header"));
	W(attrf(w, "type", "%u", (unsigned)d->header_type));
	W(attr(w, "multifunction-bit", yes_no(d->multifunction_bit)));
	W(attr(w, "multifunction", yes_no(d->multifunction)));
	W(end(w));

	if (d->driver != NULL)
		W(xmlTextWriterWriteElement(w, X("driver"), X(d->driver)));
	if (d->iommu_group >= 0)
		W(xmlTextWriterWriteFormatElement(w, X("iommu-group"), "%d",
		    d->iommu_group));
	if (d->parent_from != VIFS_INV_PARENT_NONE) {
		W(start(w, "parent"));
		W(attr_addr(w, "address", &d->parent));
		W(attr(w, "from", inv_parent_name(d->parent_from)));
		W(end(w));
	}
	if (d->header_type == 1 || d->header_type == 2) {
		W(start(w, "bridge"));
		W(attrf(w, "primary", "%02x", (unsigned)d->primary));
		W(attrf(w, "secondary", "%02x", (unsigned)d->secondary));
		W(attrf(w, "subordinate", "%02x", (unsigned)d->subordinate));
		W(end(w));
	}

	W(start(w, "capabilities"));
	W(attrf(w, "config-bytes", "%u", d->config_size));
	W(attr(w, "pcie", vifs_pcie_type_name(d->pcie_type)));
	W(attr(w, "flr", vifs_fact_name(d->flr)));
	W(attr(w, "af-flr", vifs_fact_name(d->af_flr)));
	W(attr(w, "pm", vifs_fact_name(d->pm)));
	W(attr(w, "no-soft-reset", vifs_fact_name(d->no_soft_reset)));
	W(attr(w, "acs", vifs_fact_name(d->acs)));
	W(attr(w, "sriov", vifs_fact_name(d->sriov)));
	if (d->sriov == VIFS_FACT_YES)
		W(attrf(w, "sriov-total-vfs", "%u", d->sriov_total_vfs));
	W(end(w));

	W(start(w, "reset"));
	W(attr(w, "method", vifs_inv_reset_name(d->reset)));
	W(attr(w, "capabilities", vifs_inv_reset_name(d->reset_caps)));
	if (d->reset_worst_case)
		W(attr(w, "worst-case", "yes"));
	if (d->has_map_entry) {
		W(attr(w, "map-method", inv_map_reset_name(d->map_reset)));
		W(attr(w, "map-shareable",
		    inv_shareable_name(d->map_shareable)));
		W(attrf(w, "map-line", "%zu", d->map_line));
	}
	for (size_t i = 0; i < d->reset_group_len; i++) {
		W(start(w, "with"));
		W(attr_addr(w, "address", &d->reset_group[i]));
		W(end(w));
	}
	W(end(w));

	if (inv->info.esxconf != NULL) {
		W(start(w, "esx"));
		W(attr(w, "key", d->esx_key));
		W(attr(w, "owner", inv_owner_name(d->owner)));
		W(attr(w, "owner-text", d->owner_text));
		if (d->owner_line)
			W(attrf(w, "owner-line", "%zu", d->owner_line));
		W(attr(w, "vmkname", d->vmkname));
		if (d->vmkname_line)
			W(attrf(w, "vmkname-line", "%zu", d->vmkname_line));
		W(attr(w, "effective", inv_owner_name(d->effective)));
		if (d->via_bridge)
			W(attr_addr(w, "via-bridge", &d->bridge));
		W(end(w));
	}
	for (size_t i = 0; i < vifs_roles_count(inv->roles); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(inv->roles, i);

		if (vifs_pciaddr_cmp(&m->device, &d->addr) != 0)
			continue;
		W(start(w, "role"));
		W(attr(w, "name", vifs_role_name(m->role)));
		W(attr(w, "learned", m->learned));
		W(xmlTextWriterWriteString(w, X(m->how)));
		W(end(w));
	}
	W(end(w));
	return 0;
fail:
	return -1;
}

static int
write_finding(xmlTextWriterPtr w, const struct vifs_inv_finding *f)
{
	W(start(w, "finding"));
	W(attr(w, "rule", f->rule));
	W(attr(w, "severity",
	    f->severity == VIFS_LINT_ERROR ? "error" : "warning"));
	if (f->has_device)
		W(attr_addr(w, "device", &f->device));
	if (f->line)
		W(attrf(w, "line", "%zu", f->line));
	W(xmlTextWriterWriteString(w, X(f->message)));
	W(end(w));
	return 0;
fail:
	return -1;
}

static int
write_doc(xmlTextWriterPtr w, const vifs_inventory *inv)
{
	const struct vifs_inv_info *info = &inv->info;

	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterSetIndentString(w, X("  ")));
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	W(start(w, "inventory"));
	W(attr(w, "version", INVENTORY_VERSION));
	W(attr(w, "generator", info->generator));
	if (info->created >= 0) {
		time_t t = (time_t)info->created;
		struct tm tm;
		char buf[32];

		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			goto fail;
		W(attr(w, "created", buf));
	}
	W(start(w, "source"));
	W(attr(w, "kind", info->source ? info->source : "sysfs"));
	W(attr(w, "path", info->source_path));
	W(attr(w, "host", info->host));
	W(end(w));
	if (info->esxconf != NULL) {
		W(start(w, "esxconf"));
		W(attr(w, "path", info->esxconf));
		W(end(w));
	}
	if (info->passthru_map != NULL) {
		W(start(w, "passthru-map"));
		W(attr(w, "path", info->passthru_map));
		W(end(w));
	}
	W(start(w, "devices"));
	W(attrf(w, "count", "%zu", inv->ndevs));
	for (size_t i = 0; i < inv->ndevs; i++)
		W(write_device(w, inv, &inv->devs[i]->d));
	W(end(w));
	W(start(w, "findings"));
	W(attrf(w, "count", "%zu", inv->nfindings));
	for (size_t i = 0; i < inv->nfindings; i++)
		W(write_finding(w, &inv->findings[i].f));
	W(end(w));
	W(end(w));
	W(xmlTextWriterEndDocument(w));
	return 0;
fail:
	return -1;
}

int
vifs_inventory_write(char **out, size_t *out_len, const vifs_inventory *inv)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	char *copy = NULL;
	size_t len;
	int error = 0;

	if (out == NULL || inv == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: nothing to write");
	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (!inv->sorted)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: analyse it before writing");
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (write_doc(w, inv) < 0) {
		error = vifs_error_set(VIFS_ENOMEM,
		    "inventory: cannot write the XML document");
		goto done;
	}
	xmlFreeTextWriter(w); /* flushes into BUF */
	w = NULL;
	len = (size_t)xmlBufferLength(buf);
	if ((copy = vifs_strndup((const char *)xmlBufferContent(buf), len)) ==
	    NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	*out = copy;
	if (out_len != NULL)
		*out_len = len;
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return error;
}
