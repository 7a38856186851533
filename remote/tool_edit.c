/*
 * tool_edit.c - load an esx.conf, apply an edit, show or save the result.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>

#include "msg.h"
#include "tool.h"

int
tool_parse_output(enum tool_output *out, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		*out = TOOL_OUTPUT_TEXT;
	else if (strcmp(arg, "xml") == 0)
		*out = TOOL_OUTPUT_XML;
	else
		return -1;
	return 0;
}

int
tool_load(vifs_esxconf **out, const struct tool_doc_opts *opts)
{
	*out = NULL;
	if (opts->file == NULL) {
		tool_errorf("no esx.conf given: use --file FILE (or - for "
		            "standard input)");
		return TOOL_USAGE;
	}
	if (vifs_esxconf_open(out, opts->file) < 0)
		return tool_liberror();
	return TOOL_OK;
}

int
tool_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg)
{
	vifs_esxconf *doc = NULL;
	char *before = NULL, *after = NULL, *diff = NULL;
	size_t before_len, after_len, diff_len;
	int rc;

	if ((rc = tool_load(&doc, opts)) != TOOL_OK)
		return rc;
	if (vifs_esxconf_serialize(&before, &before_len, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if ((rc = edit(doc, arg)) != TOOL_OK)
		goto done;
	if (vifs_esxconf_serialize(&after, &after_len, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (opts->dry_run) {
		const char *name = strcmp(opts->file, "-") == 0 ? "(stdin)" :
		                                                  opts->file;
		char label[4096];

		snprintf(label, sizeof(label), "%s (edited)", name);
		if (vifs_diff_unified(&diff, &diff_len, before, before_len,
		        after, after_len, name, label, 3) < 0) {
			rc = tool_liberror();
			goto done;
		}
		if (diff_len == 0)
			tool_notef("%s: no change", name);
		rc = tool_write_stdout(diff, diff_len);
		goto done;
	}
	if (strcmp(opts->file, "-") != 0 && after_len == before_len &&
	    memcmp(before, after, after_len) == 0) {
		tool_notef("%s: no change", opts->file);
		goto done;
	}
	if (vifs_esxconf_save(doc, opts->file) < 0)
		rc = tool_liberror();
done:
	free(before);
	free(after);
	free(diff);
	vifs_esxconf_free(doc);
	return rc;
}
