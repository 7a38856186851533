/*
 * legacy_list.c - vifs's listings: --dir (with --long and --recursive),
 * --listds from the file service's HTML pages, --listdc through the VIM
 * API, printed as text, XML or JSON with every name a host sends made
 * safe for a terminal.
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

/* Reads and parses the listing page at RP into *ls; SHOWN names it in
 * messages.  Returns 0, or LEGACY_FAIL after printing why not. */
static int
fetch_listing(struct legacy *l, const struct vifs_remotepath *rp,
    const char *shown, vifs_listing **ls)
{
	char *url = NULL, *page = NULL;
	const char *path;
	size_t len;
	int rc = LEGACY_FAIL;

	*ls = NULL;
	if (legacy_make_url(l, rp, &url, &path) < 0 ||
	    legacy_open_host(l, shown) < 0) {
		rc = legacy_fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_http_get_buf(l->http, path, &page, &len, VIFS_LISTING_MAX) <
	    0) {
		if (progress_stopped())
			goto done;
		tool_liberror();
		if (legacy_refused(l))
			goto done;
		legacy_get_unsuccessful(l, url);
		rc = legacy_fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_listing_parse(ls, page, len) < 0) {
		tool_liberror();
		rc = legacy_fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	rc = 0;
done:
	free(url);
	free(page);
	return rc;
}

/* Writes S as vifs_listing_terminal_text() makes it safe: no name a host
 * sends starts a line or drives the terminal.  Without memory, '?'. */
static void
put_name(const char *s)
{
	char *safe = NULL;

	if (vifs_listing_terminal_text(&safe, s) < 0) {
		putchar('?');
		return;
	}
	fputs(safe, stdout);
	free(safe);
}

#define TREE_DEPTH_MAX 64

static int print_subtree(struct legacy *l, const struct vifs_remotepath *rp,
    const char *name, const char *prefix, unsigned depth);

/*
 * --dir --long and --dir --recursive: the entries of LS, listed at RP,
 * each a line: with --long its type (d directory, - file, s datastore, c
 * datacenter) and size in bytes ("-" unknown; a datastore's capacity),
 * then PREFIX and the decoded name, a directory's with '/'.  With
 * --recursive each directory's listing follows its line, its names
 * prefixed with its path.
 */
static int
print_tree(struct legacy *l, const struct vifs_remotepath *rp,
    const vifs_listing *ls, const char *prefix, unsigned depth)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < vifs_listing_count(ls); i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(ls, i);
		int dir = e->type == VIFS_LISTING_DIR;

		if (l->o.longlist) {
			static const char types[] = { '-', 'd', 's', 'c' };
			char size[32] = "-";

			if (e->has_size)
				snprintf(size, sizeof(size), "%llu",
				    (unsigned long long)e->size);
			else if (e->has_space)
				snprintf(size, sizeof(size), "%llu",
				    (unsigned long long)e->capacity);
			printf("%c %15s  ", types[e->type], size);
		}
		put_name(prefix);
		put_name(e->name);
		printf("%s\n", dir ? "/" : "");
		if (l->o.recursive && dir)
			rc = print_subtree(l, rp, e->name, prefix, depth);
	}
	return rc;
}

/* "A" SEP "B/" in a new string, or NULL. */
static char *
join_dir(const char *a, const char *sep, const char *b)
{
	size_t len = strlen(a) + strlen(sep) + strlen(b) + 2;
	char *s = malloc(len);

	if (s != NULL)
		snprintf(s, len, "%s%s%s/", a, sep, b);
	return s;
}

/* The listing of directory NAME under RP, for print_tree(). */
static int
print_subtree(struct legacy *l, const struct vifs_remotepath *rp,
    const char *name, const char *prefix, unsigned depth)
{
	struct vifs_remotepath *sub = NULL;
	vifs_listing *ls = NULL;
	char *path = NULL, *pre = NULL, *shown = NULL;
	size_t n = strlen(rp->path);
	int rc = LEGACY_FAIL;

	if (depth >= TREE_DEPTH_MAX) {
		tool_errorf("%s%s: deeper than %d directories; not listed",
		    prefix, name, TREE_DEPTH_MAX);
		return LEGACY_FAIL;
	}
	if ((path = join_dir(rp->path,
	         n > 0 && rp->path[n - 1] != '/' ? "/" : "", name)) == NULL ||
	    (pre = join_dir(prefix, "", name)) == NULL) {
		tool_errorf("out of memory");
		goto done;
	}
	if (vifs_remotepath_new(&sub, rp->mode, rp->datastore, path,
	        rp->dcpath) < 0) {
		tool_liberror();
		goto done;
	}
	if (rp->datastore != NULL)
		vifs_remotepath_dspath(&shown, sub);
	if (fetch_listing(l, sub, shown ? shown : path, &ls) != 0)
		goto done;
	rc = print_tree(l, sub, ls, pre, depth + 1);
done:
	vifs_listing_free(ls);
	vifs_remotepath_free(sub);
	free(path);
	free(pre);
	free(shown);
	return rc;
}

/* Lists the page at RP; SHOWN names it in messages, XML_PATH in --output
 * xml (may be NULL). */
static int
list_page(struct legacy *l, const struct vifs_remotepath *rp, const char *shown,
    const char *xml_path)
{
	vifs_listing *ls = NULL;
	char *out = NULL;
	size_t out_len;
	int rc, error;

	if ((rc = fetch_listing(l, rp, shown, &ls)) != 0)
		goto done;
	if (l->output == TOOL_OUTPUT_TEXT &&
	    (l->o.longlist || l->o.recursive)) {
		printf("\nContent Listing\n---------------\n\n");
		rc = print_tree(l, rp, ls, "", 0);
		if (tool_write_stdout(NULL, 0))
			rc = LEGACY_FAIL;
		goto done;
	}
	if (l->output == TOOL_OUTPUT_XML)
		error = vifs_listing_format_xml(&out, &out_len, ls, xml_path);
	else if (l->output == TOOL_OUTPUT_JSON)
		error = vifs_listing_format_json(&out, &out_len, ls, xml_path);
	else
		error = vifs_listing_format_text(&out, &out_len, ls);
	if (error < 0) {
		rc = tool_liberror();
		goto done;
	}
	rc = tool_write_stdout(out, out_len) ? LEGACY_FAIL : 0;
done:
	vifs_listing_free(ls);
	free(out);
	return rc;
}

/* --dir REMOTE_DIR */
int
legacy_dir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	int rc;

	if (legacy_starts_tree(text, "/tmp"))
		return legacy_fail("Listing of /tmp is not supported.");
	if (legacy_parse_remote(&rp, text) < 0)
		return legacy_fail("Error: Can not list directory '%s'.", text);
	/* vifs lists /host, "[ds] dir" and "/folder...?query" only. */
	if (rp->mode != VIFS_REMOTEPATH_HOST && rp->datastore == NULL &&
	    !(rp->url_form && rp->dcpath != NULL)) {
		vifs_remotepath_free(rp);
		return legacy_fail("Invalid format : %s.", text);
	}
	rc = list_page(l, rp, text, text);
	vifs_remotepath_free(rp);
	return rc;
}

/* --listds [--dc DC]: the datastore page of the datacenter. */
int
legacy_listds(struct legacy *l, const char *dc)
{
	struct vifs_remotepath *rp = NULL;
	char *shown;
	size_t len;
	int rc;

	if (dc == NULL || *dc == '\0')
		dc = DEFAULT_DC;
	len = strlen(dc) + sizeof("/folder?dcPath=");
	if ((shown = malloc(len)) == NULL)
		return legacy_fail("vifs: out of memory");
	snprintf(shown, len, "/folder?dcPath=%s", dc);
	if (vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, NULL, NULL, dc) <
	    0) {
		tool_liberror();
		rc = legacy_fail("Error: Can not list directory '%s'.", shown);
	} else {
		rc = list_page(l, rp, shown, NULL);
	}
	vifs_remotepath_free(rp);
	free(shown);
	return rc;
}

/* --listdc: the inventory path of every datacenter, one a line. */
int
legacy_listdc(struct legacy *l)
{
	struct vifs_vim_dclist *dcs = NULL;

	if (legacy_soap_open(l, "datacenters", 0) < 0)
		return LEGACY_FAIL;
	if (vifs_vim_datacenters(l->vim, &dcs) < 0) {
		if (!progress_stopped())
			tool_liberror();
		return LEGACY_FAIL;
	}
	for (size_t i = 0; i < dcs->count; i++) {
		put_name(dcs->items[i].path);
		putchar('\n');
	}
	vifs_vim_dclist_free(dcs);
	return tool_write_stdout(NULL, 0) ? LEGACY_FAIL : 0;
}
