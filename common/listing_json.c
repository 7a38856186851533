/*
 * listing_json.c - a remote directory listing as JSON
 * (docs/schemas/listing.schema.json), the same facts as
 * vifs_listing_format_xml().
 */
#include <vifs/error.h>
#include <vifs/listing.h>

#include "json_int.h"

static int
entry(json_t *arr, const struct vifs_listing_entry *e)
{
	json_t *o = json_object();
	int error;

	if ((error = vifs_json_append(arr, o)) < 0 ||
	    (error = vifs_json_set_str(o, "name", e->name)) < 0 ||
	    (error = vifs_json_set_str(o, "type",
	         vifs_listing_type_name(e->type))) < 0 ||
	    (e->has_size &&
	        (error = vifs_json_set_uint(o, "size", e->size)) < 0) ||
	    (e->has_space &&
	        ((error = vifs_json_set_uint(o, "capacity", e->capacity)) < 0 ||
	            (error = vifs_json_set_uint(o, "free", e->free)) < 0)))
		return error;
	return VIFS_OK;
}

int
vifs_listing_format_json(char **out, size_t *out_len, const vifs_listing *l,
    const char *path)
{
	json_t *root, *entries = NULL;
	int error;

	if (out == NULL || out_len == NULL || l == NULL)
		return vifs_error_set(VIFS_EINVAL, "listing: none to format");
	*out = NULL;
	*out_len = 0;
	if ((root = json_object()) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_set_uint(root, "version", 1)) == 0 &&
	    (error = vifs_json_set_str(root, "path", path)) == 0)
		error = vifs_json_put(root, "entries", entries = json_array());
	for (size_t i = 0; i < vifs_listing_count(l) && error == 0; i++)
		error = entry(entries, vifs_listing_get(l, i));
	return vifs_json_finish(out, out_len, root, error);
}
