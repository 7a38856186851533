/*
 * passthru_xml.c - the passthrough list as an XML document.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "internal.h"
#include "passthru_cs.h"
#include "passthru_int.h"
#include "utf8.h"

#define XC(s) ((const xmlChar *)(s))
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
	if ((error = passthru_cs_xml(w, &tmp, l)) < 0)
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
