/*
 * passthru_cs.c - the ConfigStore of an image beside esx.conf's
 * passthrough owners: how a record compares with esx.conf, and the
 * "configstore" part of the passthru list's XML and JSON documents
 * (docs/schemas/passthru.xsd, passthru.schema.json).
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/configstore.h>
#include <vifs/error.h>
#include <vifs/passthru.h>

#include "internal.h"
#include "json_int.h"
#include "passthru_cs.h"
#include "passthru_int.h"
#include "utf8.h"

#define XC(s) ((const xmlChar *)(s))

enum vifs_cs_match
vifs_passthru_cs_match(const struct vifs_cs_device *d, enum vifs_owner owner)
{
	enum vifs_cs_state want = owner == VIFS_OWNER_PASSTHRU ?
	    VIFS_CS_PASSTHRU :
	    VIFS_CS_VMKERNEL;
	int any = 0;

	if (d == NULL)
		return VIFS_CS_NO_RECORD;
	for (size_t i = 0; i < d->nvalues; i++) {
		if (d->values[i].state == VIFS_CS_UNKNOWN)
			continue;
		if (d->values[i].state != want)
			return VIFS_CS_DISAGREES;
		any = 1;
	}
	return any ? VIFS_CS_AGREES : VIFS_CS_STATE_UNKNOWN;
}

const char *
vifs_cs_match_name(enum vifs_cs_match m)
{
	switch (m) {
	case VIFS_CS_AGREES:
		return "agrees";
	case VIFS_CS_DISAGREES:
		return "disagrees";
	case VIFS_CS_STATE_UNKNOWN:
		return "unknown";
	case VIFS_CS_NO_RECORD:
		break;
	}
	return "no-record";
}

int
vifs_passthru_list_set_configstore(vifs_passthru_list *l, const char *path,
    const vifs_configstore *cs, const char *error)
{
	char *p = vifs_strdup(path ? path : "ConfigStore");
	char *e = error ? vifs_strdup(error) : NULL;

	if (p == NULL || (error && e == NULL)) {
		free(p);
		free(e);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	free(l->cs_path);
	free(l->cs_error);
	l->cs_path = p;
	l->cs_error = e;
	l->cs = cs;
	return VIFS_OK;
}

/* esx.conf's owner of record D's device in L: its effective owner, or
 * NONE when esx.conf does not name it. */
static enum vifs_owner
esx_owner(const vifs_passthru_list *l, const struct vifs_cs_device *d)
{
	const struct vifs_passthru_dev *e = d->addr_ok ?
	    vifs_passthru_list_find(l, &d->addr) :
	    NULL;

	return e ? e->effective : VIFS_OWNER_NONE;
}

/* --- JSON --------------------------------------------------------------- */

static int
json_value(json_t *arr, const struct vifs_cs_value *v)
{
	json_t *o = json_object();
	int error;

	if (o == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((error = vifs_json_set_str(o, "layer",
	         vifs_cs_layer_name(v->layer))) < 0 ||
	    (error = vifs_json_set_str(o, "state",
	         vifs_cs_state_name(v->state))) < 0 ||
	    (error = vifs_json_set_str(o, "field", v->field)) < 0 ||
	    (error = vifs_json_set_str(o, "field_value", v->field_value)) < 0 ||
	    (error = vifs_json_set_str(o, "dl_bus_address",
	         v->dl_bus_address)) < 0 ||
	    (error = vifs_json_set_str(o, "shape", v->shape)) < 0) {
		json_decref(o);
		return error;
	}
	return vifs_json_append(arr, o);
}

static int
json_record(json_t *arr, const vifs_passthru_list *l,
    const struct vifs_cs_device *d)
{
	enum vifs_owner owner = esx_owner(l, d);
	json_t *o = json_object(), *vals = json_array();
	int mixed, error = VIFS_OK;
	enum vifs_cs_state s = vifs_cs_device_state(d, &mixed);

	if (o == NULL || vals == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto fail;
	}
	if ((error = vifs_json_set_str(o, "identifier", d->identifier)) < 0 ||
	    (d->addr_ok &&
	        (error = vifs_json_set_addr(o, "address", &d->addr)) < 0) ||
	    (error = vifs_json_set_str(o, "state", vifs_cs_state_name(s))) <
	        0 ||
	    (error = vifs_json_set_bool(o, "mixed", mixed)) < 0 ||
	    (error = vifs_json_set_str(o, "esxconf_owner",
	         vifs_owner_name(owner))) < 0 ||
	    (error = vifs_json_set_str(o, "match",
	         vifs_cs_match_name(vifs_passthru_cs_match(d, owner)))) < 0)
		goto fail;
	for (size_t i = 0; i < d->nvalues; i++)
		if ((error = json_value(vals, &d->values[i])) < 0)
			goto fail;
	if (json_object_set(o, "values", vals) != 0) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto fail;
	}
	json_decref(vals);
	return vifs_json_append(arr, o);
fail:
	json_decref(vals);
	json_decref(o);
	return error;
}

int
passthru_cs_json(json_t *root, const vifs_passthru_list *l)
{
	size_t n = vifs_configstore_count(l->cs);
	json_t *o, *recs = NULL;
	int error;

	if (l->cs_path == NULL)
		return VIFS_OK;
	if ((o = json_object()) == NULL || (recs = json_array()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = vifs_json_set_str(o, "path", l->cs_path)) < 0 ||
	    (error = vifs_json_set_bool(o, "readable", l->cs != NULL)) < 0 ||
	    (error = vifs_json_set_str(o, "error", l->cs_error)) < 0 ||
	    (error = vifs_json_set_uint(o, "count", n)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		if ((error = json_record(recs, l,
		         vifs_configstore_get(l->cs, i))) < 0)
			goto done;
	if (json_object_set(o, "records", recs) != 0 ||
	    json_object_set(root, "configstore", o) != 0)
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
done:
	json_decref(recs);
	json_decref(o);
	return error;
}

/* --- XML ---------------------------------------------------------------- */

static int
attr(xmlTextWriterPtr w, struct vifs_buf *tmp, const char *name,
    const char *value)
{
	if (value == NULL)
		return VIFS_OK;
	return vifs_xml_write(w, tmp, name, value, strlen(value));
}

static int
start(xmlTextWriterPtr w, const char *name)
{
	if (xmlTextWriterStartElement(w, XC(name)) < 0)
		return vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot write %s", name);
	return VIFS_OK;
}

static int
end(xmlTextWriterPtr w)
{
	if (xmlTextWriterEndElement(w) < 0)
		return vifs_error_set(VIFS_ENOMEM,
		    "passthru XML: cannot end an element");
	return VIFS_OK;
}

static int
xml_record(xmlTextWriterPtr w, struct vifs_buf *tmp,
    const vifs_passthru_list *l, const struct vifs_cs_device *d)
{
	enum vifs_owner owner = esx_owner(l, d);
	char addr[VIFS_PCIADDR_MAX] = "";
	int mixed, error;
	enum vifs_cs_state s = vifs_cs_device_state(d, &mixed);

	if (d->addr_ok &&
	    (error = vifs_pciaddr_format(addr, sizeof(addr), &d->addr,
	         VIFS_PCI_LINUX)) < 0)
		return error;
	if ((error = start(w, "record")) < 0 ||
	    (error = attr(w, tmp, "identifier", d->identifier)) < 0 ||
	    (error = attr(w, tmp, "address", d->addr_ok ? addr : NULL)) < 0 ||
	    (error = attr(w, tmp, "state", vifs_cs_state_name(s))) < 0 ||
	    (error = attr(w, tmp, "mixed", mixed ? "yes" : "no")) < 0 ||
	    (error = attr(w, tmp, "esxconf-owner", vifs_owner_name(owner))) <
	        0 ||
	    (error = attr(w, tmp, "match",
	         vifs_cs_match_name(vifs_passthru_cs_match(d, owner)))) < 0)
		return error;
	for (size_t i = 0; i < d->nvalues; i++) {
		const struct vifs_cs_value *v = &d->values[i];

		if ((error = start(w, "value")) < 0 ||
		    (error = attr(w, tmp, "layer",
		         vifs_cs_layer_name(v->layer))) < 0 ||
		    (error = attr(w, tmp, "state",
		         vifs_cs_state_name(v->state))) < 0 ||
		    (error = attr(w, tmp, "field", v->field)) < 0 ||
		    (error = attr(w, tmp, "field-value", v->field_value)) < 0 ||
		    (error = attr(w, tmp, "dl-bus-address",
		         v->dl_bus_address)) < 0 ||
		    (error = attr(w, tmp, "shape", v->shape)) < 0 ||
		    (error = end(w)) < 0)
			return error;
	}
	return end(w);
}

int
passthru_cs_xml(struct _xmlTextWriter *w, struct vifs_buf *tmp,
    const vifs_passthru_list *l)
{
	size_t n = vifs_configstore_count(l->cs);
	char count[32];
	int error;

	if (l->cs_path == NULL)
		return VIFS_OK;
	snprintf(count, sizeof(count), "%zu", n);
	if ((error = start(w, "configstore")) < 0 ||
	    (error = attr(w, tmp, "path", l->cs_path)) < 0 ||
	    (error = attr(w, tmp, "readable", l->cs ? "yes" : "no")) < 0 ||
	    (error = attr(w, tmp, "error", l->cs_error)) < 0 ||
	    (error = attr(w, tmp, "count", count)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		if ((error = xml_record(w, tmp, l,
		         vifs_configstore_get(l->cs, i))) < 0)
			return error;
	return end(w);
}
