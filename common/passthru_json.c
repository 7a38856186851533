/*
 * passthru_json.c - the JSON document of a passthru list
 * (docs/schemas/passthru.schema.json), the same facts as the XML writer.
 */
#include <stdio.h>

#include <vifs/error.h>
#include <vifs/passthru.h>

#include "json_int.h"
#include "passthru_cs.h"

int
vifs_json_passthru_dev(json_t **out, const struct vifs_passthru_dev *d)
{
	char esx[VIFS_PCIADDR_MAX];
	json_t *o;
	int error;

	if ((*out = o = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_addr(o, "address", &d->addr)) < 0)
		goto fail;
	if (d->addr.segment == 0 &&
	    ((error = vifs_pciaddr_format(esx, sizeof(esx), &d->addr,
	          VIFS_PCI_ESXCONF)) < 0 ||
	        (error = vifs_json_set_str(o, "esxconf_address", esx)) < 0))
		goto fail;
	if ((error = vifs_json_set_str(o, "key", d->key_addr)) < 0 ||
	    (error = vifs_json_set_str(o, "owner", vifs_owner_name(d->owner))) <
	        0)
		goto fail;
	if (d->owner_text &&
	    ((error = vifs_json_set_str(o, "owner_text", d->owner_text)) < 0 ||
	        (error = vifs_json_set_uint(o, "owner_line", d->owner_line)) <
	            0))
		goto fail;
	if (d->vmkname &&
	    ((error = vifs_json_set_str(o, "vmkname", d->vmkname)) < 0 ||
	        (error = vifs_json_set_uint(o, "vmkname_line",
	             d->vmkname_line)) < 0))
		goto fail;
	if ((error = vifs_json_set_str(o, "effective",
	         vifs_owner_name(d->effective))) < 0 ||
	    (d->via_bridge &&
	        (error = vifs_json_set_addr(o, "via_bridge", &d->bridge)) <
	            0) ||
	    (error = vifs_json_set_bool(o, "in_inventory", d->in_topology)) < 0)
		goto fail;
	return VIFS_OK;
fail:
	json_decref(o);
	*out = NULL;
	return error;
}

int
vifs_passthru_list_to_json(char **out, size_t *out_len,
    const vifs_passthru_list *l, const char *file)
{
	size_t n;
	json_t *root, *devs = NULL, *d;
	int error;

	if (out == NULL || l == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru JSON: no list");
	*out = NULL;
	if (out_len)
		*out_len = 0;
	n = vifs_passthru_list_count(l);
	if ((root = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_uint(root, "version", 1)) == 0 &&
	    (error = vifs_json_set_str(root, "file", file)) == 0 &&
	    (error = vifs_json_set_bool(root, "inventory",
	         vifs_passthru_list_has_topology(l))) == 0 &&
	    (error = vifs_json_set_uint(root, "count", n)) == 0)
		error = vifs_json_put(root, "devices", devs = json_array());
	for (size_t i = 0; i < n && error == 0; i++)
		if ((error = vifs_json_passthru_dev(&d,
		         vifs_passthru_list_get(l, i))) == 0)
			error = vifs_json_append(devs, d);
	if (error == 0)
		error = passthru_cs_json(root, l);
	return vifs_json_finish(out, out_len, root, error);
}
