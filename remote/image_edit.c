/*
 * image_edit.c - `vifs conf` and `vifs passthru` with --image: esx.conf
 * inside a state.tgz, local.tgz or configuration bundle, edited with the
 * same checks as a host's and saved through the library's lossless
 * rebuild, backup and atomic replacement (docs/internals/image.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/image.h>
#include <vifs/remoteedit.h>

#include "msg.h"
#include "tool.h"

/* Opens the image of OPTS and names its esx.conf "IMAGE:PATH". */
static int
open_image(vifs_image **img, char **name, const struct tool_doc_opts *opts)
{
	size_t need;

	*name = NULL;
	if (vifs_image_open(img, opts->image) < 0)
		return tool_liberror();
	need = strlen(opts->image) + strlen(vifs_image_esxconf_path(*img)) + 2;
	if ((*name = malloc(need)) == NULL) {
		vifs_image_free(*img);
		*img = NULL;
		tool_errorf("out of memory");
		return TOOL_FAILED;
	}
	snprintf(*name, need, "%s:%s", opts->image,
	    vifs_image_esxconf_path(*img));
	return TOOL_OK;
}

int
image_load(vifs_esxconf **out, const struct tool_doc_opts *opts)
{
	vifs_image *img = NULL;
	char *name = NULL;
	const char *data;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = open_image(&img, &name, opts)) != TOOL_OK)
		return rc;
	if (opts->cs != NULL &&
	    (rc = image_cs_load(opts->cs, img, opts->image)) != TOOL_OK)
		goto done;
	data = vifs_image_esxconf(img, &len);
	if (vifs_esxconf_parse(out, name, data, len) < 0)
		rc = tool_liberror();
done:
	free(name);
	vifs_image_free(img);
	return rc;
}

int
image_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg)
{
	vifs_image *img = NULL;
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_editcheck *check = NULL;
	struct vifs_image_save_opts so;
	struct image_cs cs;
	char *name = NULL, *out = NULL, *backup = NULL;
	const char *in;
	size_t in_len, out_len;
	int rc;

	memset(&cs, 0, sizeof(cs));
	if ((rc = open_image(&img, &name, opts)) != TOOL_OK)
		return rc;
	/* ESXi 7.0 and later keep passthrough in their ConfigStore too. */
	if (opts->passthru &&
	    (rc = image_cs_load(&cs, img, opts->image)) != TOOL_OK)
		goto done;
	in = vifs_image_esxconf(img, &in_len);
	if (vifs_esxconf_parse(&before, name, in, in_len) < 0 ||
	    vifs_esxconf_parse(&after, name, in, in_len) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if ((rc = edit(NULL, after, arg)) != TOOL_OK)
		goto done;
	/* The same lint of the edit as on a live host. */
	if (vifs_esxconf_serialize(&out, &out_len, after) < 0 ||
	    vifs_remoteedit_check(&check, before, after) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if ((rc = tool_report_check(check, name, opts->force)) != TOOL_OK)
		goto done;
	image_cs_compare(&cs, opts, before, after);
	if (opts->dry_run) {
		rc = tool_print_diff(name, in, in_len, out, out_len);
		goto done;
	}
	if (out_len == in_len && memcmp(in, out, in_len) == 0) {
		tool_notef("%s: no change", name);
		goto done;
	}
	memset(&so, 0, sizeof(so));
	so.backup_dir = opts->backup_dir;
	if (vifs_image_save(&backup, img, opts->image, out, out_len, &so) < 0) {
		rc = tool_liberror();
		tool_errorf("%s is unchanged", opts->image);
		goto done;
	}
	tool_notef("backup of %s as it was: %s", opts->image, backup);
	tool_notef("%s updated (%s; every other member as it was)", opts->image,
	    vifs_image_esxconf_path(img));
done:
	image_cs_clear(&cs);
	free(backup);
	free(out);
	free(name);
	vifs_editcheck_free(check);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	vifs_image_free(img);
	return rc;
}
