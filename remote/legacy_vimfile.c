/*
 * legacy_vimfile.c - vifs's operations on datastore files through the VIM
 * API: --mkdir, --rmdir (refused unless the directory's listing is
 * empty), --rm (the file service's DELETE on a host without the VIM
 * API), --copy and --move, with vifs's confirmation prompts and
 * messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/listing.h>
#include <vifs/remotepath.h>
#include <vifs/vim.h>

#include "legacy.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

/* "[ds] path" as vifs names a datastore file in its rm messages. */
static char *
ds_text(const struct vifs_remotepath *rp)
{
	const char *ds = rp->datastore ? rp->datastore : "";
	size_t len = strlen(ds) + strlen(rp->path) + 4;
	char *s = malloc(len);

	if (s != NULL)
		snprintf(s, len, "[%s] %s", ds, rp->path);
	return s;
}

/*
 * Asks QUESTION (vifs's request_confirm): the question and a blank on
 * standard output, one line of standard input as the answer, taken when
 * it holds a "y" or "Y" anywhere (vifs's unanchored match).  Otherwise
 * prints vifs's abort lines and returns 0.
 */
static int
confirmed(const char *question)
{
	char line[1024];
	int ok = 0;

	printf("%s ", question);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) != NULL)
		ok = strpbrk(line, "yY") != NULL;
	if (!ok) {
		printf("Deletion of file has been aborted.\n");
		fflush(stdout);
		fputc('\n', stderr); /* vifs's die "\n" */
	}
	return ok;
}

/* confirmed() of "WHAT 'PATH'? (y/n) :". */
static int
confirmed_path(const char *what, const char *path)
{
	size_t len = strlen(what) + strlen(path) + 16;
	char *q = malloc(len);
	int ok;

	if (q == NULL) {
		tool_errorf("out of memory");
		return 0;
	}
	snprintf(q, len, "%s '%s'? (y/n) :", what, path);
	ok = confirmed(q);
	free(q);
	return ok;
}

/* --rm REMOTE: DeleteDatastoreFile_Task, as vifs; a file on a host
 * without the VIM API is deleted with the file service's DELETE. */
int
legacy_rm(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	char *url = NULL, *shown = NULL;
	const char *path;
	int rc = LEGACY_FAIL;

	if (legacy_parse_remote(&rp, text) < 0)
		return legacy_fail("Error: Cannot delete '%s'.", text);
	if ((shown = ds_text(rp)) == NULL) {
		tool_errorf("out of memory");
		goto done;
	}
	if (rp->mode == VIFS_REMOTEPATH_FOLDER && !l->o.force &&
	    !confirmed_path("Remove", rp->path))
		goto done;
	if (rp->mode == VIFS_REMOTEPATH_HOST) {
		rc = legacy_fail(
		    "Deleting of paths in /host is not supported.");
		goto done;
	}
	if (rp->datastore != NULL) {
		int so = legacy_soap_open(l, shown, !legacy_wants_session(l)),
		    error;

		if (so == -1)
			goto done;
		if (so == 0) {
			if ((error = vifs_vim_delete(l->vim, shown, NULL)) <
			    0) {
				const char *why = legacy_fault_text(l, error);

				if (progress_stopped())
					goto done;
				tool_liberror();
				rc = legacy_fail("Unable to delete %s:\n%s",
				    shown, why);
				goto done;
			}
			printf("Deleted file '%s' successfully.\n", shown);
			rc = 0;
			goto done;
		}
	}
	if (legacy_make_url(l, rp, &url, &path) < 0 ||
	    legacy_open_host(l, vifs_remotepath_display(rp)) < 0) {
		rc = legacy_fail("Unable to delete %s:\n%s", shown,
		    vifs_strerror(vifs_error_last_code()));
		goto done;
	}
	if (vifs_http_delete(l->http, path) < 0) {
		const char *sl = vifs_http_last_status_line(l->http);
		int code = vifs_error_last_code();

		if (progress_stopped())
			goto done;
		tool_liberror();
		if (legacy_refused(l))
			goto done;
		rc = legacy_fail("Unable to delete %s:\n%s", shown,
		    *sl ? sl : vifs_strerror(code));
		goto done;
	}
	printf("Deleted file '%s' successfully.\n", shown);
	rc = 0;
done:
	vifs_remotepath_free(rp);
	free(url);
	free(shown);
	return rc;
}

/* Parses TEXT as a datastore path into *rp and *ds ("[ds] path"); prints
 * vifs's "Invalid datastore path" otherwise. */
static int
parse_dspath(struct vifs_remotepath **rp, char **ds, const char *text)
{
	*rp = NULL;
	*ds = NULL;
	if (vifs_remotepath_parse(rp, text) < 0)
		tool_liberror();
	else if ((*rp)->datastore == NULL)
		tool_errorf("%s: no datastore ('[datastore] path')", text);
	else if (vifs_remotepath_dspath(ds, *rp) < 0)
		tool_liberror();
	else
		return 0;
	vifs_remotepath_free(*rp);
	*rp = NULL;
	return legacy_fail("Invalid datastore path: %s.", text);
}

/* --mkdir REMOTE_DIR: MakeDirectory; the parent must exist, unless
 * --parents (createParentDirectories). */
int
legacy_mkdir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	char *ds = NULL;
	int rc = LEGACY_FAIL, error;

	if (legacy_starts_tree(text, "/host"))
		return legacy_fail(
		    "Creating a directory /host is not supported.");
	if (parse_dspath(&rp, &ds, text) != 0)
		return LEGACY_FAIL;
	if (legacy_soap_open(l, ds, 0) < 0)
		goto done;
	if ((error = vifs_vim_mkdir(l->vim, ds, NULL, l->o.parents)) < 0) {
		const char *why = legacy_fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = legacy_fail("Unable to create directory %s:\n%s\n", ds,
		    why);
		goto done;
	}
	printf("Created directory '%s' successfully.\n", ds);
	rc = 0;
done:
	vifs_remotepath_free(rp);
	free(ds);
	return rc;
}

/* --rmdir REMOTE_DIR: refused when the listing has any entry, then as
 * --rm. */
int
legacy_rmdir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	vifs_listing *ls = NULL;
	char *ds = NULL, *url = NULL, *page = NULL;
	const char *path;
	size_t len;
	int rc = LEGACY_FAIL, error;

	if (legacy_starts_tree(text, "/host"))
		return legacy_fail(
		    "Deleting of paths in /host is not supported.");
	if (parse_dspath(&rp, &ds, text) != 0)
		return LEGACY_FAIL;
	if (!l->o.force && !confirmed_path("Remove directory", text))
		goto done;
	if (legacy_soap_open(l, ds, 0) < 0)
		goto done;
	if (legacy_make_url(l, rp, &url, &path) < 0 ||
	    legacy_open_host(l, text) < 0) {
		rc = legacy_fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_http_get_buf(l->http, path, &page, &len, VIFS_LISTING_MAX) <
	    0) {
		if (progress_stopped())
			goto done;
		tool_liberror();
		legacy_get_unsuccessful(l, url);
		rc = legacy_fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_listing_parse(&ls, page, len) < 0) {
		tool_liberror();
		rc = legacy_fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_listing_count(ls) > 0) {
		tool_errorf("%s holds %zu entr%s", ds, vifs_listing_count(ls),
		    vifs_listing_count(ls) == 1 ? "y" : "ies");
		rc = legacy_fail(
		    "Error: Cannot delete '%s' since it is not empty.", text);
		goto done;
	}
	if ((error = vifs_vim_delete(l->vim, ds, NULL)) < 0) {
		const char *why = legacy_fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = legacy_fail("Unable to delete %s:\n%s", ds, why);
		goto done;
	}
	printf("Deleted file '%s' successfully.\n", ds);
	rc = 0;
done:
	vifs_listing_free(ls);
	vifs_remotepath_free(rp);
	free(ds);
	free(url);
	free(page);
	return rc;
}

/* --copy SRC DST, --move SRC DST: the file task in the datacenter of
 * DST's dcPath (ha-datacenter by default). */
int
legacy_copy_move(struct legacy *l, int move, const char *src, const char *dst)
{
	const char *verb = move ? "move" : "copy";
	struct vifs_remotepath *srp = NULL, *drp = NULL;
	struct vifs_vim_dclist *dcs = NULL;
	const struct vifs_vim_datacenter *dc;
	const char *dcname;
	char *sds = NULL, *dds = NULL;
	int rc = LEGACY_FAIL, error;

	if (src == NULL || *src == '\0')
		return legacy_fail("Error: source is not specified.");
	if (dst == NULL || *dst == '\0')
		return legacy_fail("Error: target is not specified.");
	if (legacy_starts_tree(src, "/host") ||
	    legacy_starts_tree(dst, "/host"))
		return legacy_fail("Files in /host cannot be used in %s.",
		    verb);
	if (parse_dspath(&srp, &sds, src) != 0 ||
	    parse_dspath(&drp, &dds, dst) != 0)
		goto done;
	dcname = drp->dcpath ? drp->dcpath : DEFAULT_DC;
	if (legacy_soap_open(l, sds, 0) < 0)
		goto done;
	if ((error = vifs_vim_datacenters(l->vim, &dcs)) < 0) {
		const char *why = legacy_fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = legacy_fail("Unable to %s %s to %s:\n%s\n", verb, src, dst,
		    why);
		goto done;
	}
	if ((dc = vifs_vim_dclist_find(dcs, dcname)) == NULL) {
		tool_errorf("%s: no datacenter '%s' (see --listdc)",
		    vifs_http_hostport(l->http), dcname);
		rc = legacy_fail("Unable to %s %s to %s:\nno datacenter %s\n",
		    verb, src, dst, dcname);
		goto done;
	}
	error = move ? vifs_vim_move(l->vim, sds, dds, dc->id, l->o.force) :
	               vifs_vim_copy(l->vim, sds, dds, dc->id, l->o.force);
	if (error < 0) {
		const char *why = legacy_fault_text(l, error);

		if (progress_stopped())
			goto done;
		if (error == VIFS_EEXISTS && !l->o.force)
			tool_errorf("%s; --force overwrites",
			    vifs_error_last());
		else
			tool_liberror();
		rc = legacy_fail("Unable to %s %s to %s:\n%s\n", verb, src, dst,
		    why);
		goto done;
	}
	printf("%s file from %s to %s successfully.\n",
	    move ? "Moved" : "Copied", src, dst);
	rc = 0;
done:
	vifs_vim_dclist_free(dcs);
	vifs_remotepath_free(srp);
	vifs_remotepath_free(drp);
	free(sds);
	free(dds);
	return rc;
}
