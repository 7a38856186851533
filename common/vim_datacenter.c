/*
 * vim_datacenter.c - the VIM client's walk of the inventory for the
 * datacenters and their paths, with continuation pages.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/vim.h>

#include "internal.h"
#include "utf8.h"
#include "vim_int.h"
#include "xmlquiet.h"
/* --- datacenters ----------------------------------------------------- */

/* An object of the inventory walk. */
struct inv {
	char *id;
	int is_dc; /* Datacenter, else Folder */
	char *name;
	char *parent; /* id of the parent, or NULL */
};

struct invlist {
	struct inv *items;
	size_t count, cap;
};

static void
invlist_free(struct invlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].name);
		free(l->items[i].parent);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Adds the <objects> of the RetrieveResult RV to L; *token gets the
 * continuation token, or NULL. */
static int
take_objects(struct resp *a, xmlNodePtr rv, struct invlist *l, char **token)
{
	xmlXPathObjectPtr o;
	int error = 0;

	*token = vim_xp_text(a, rv, "v:token");
	o = xmlXPathNodeEval(rv, X "v:objects", a->xp);
	if (o == NULL || o->type != XPATH_NODESET || o->nodesetval == NULL)
		goto done;
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr obj = o->nodesetval->nodeTab[i], ref;
		struct inv e;
		char *type;

		memset(&e, 0, sizeof(e));
		if ((ref = vim_xp_node(a, obj, "v:obj")) == NULL)
			continue;
		type = vim_xstrdup_xml(xmlGetNoNsProp(ref, X "type"));
		if (type == NULL ||
		    (strcmp(type, "Datacenter") != 0 &&
		        strcmp(type, "Folder") != 0)) {
			free(type);
			continue;
		}
		e.is_dc = strcmp(type, "Datacenter") == 0;
		free(type);
		e.id = vim_xstrdup_xml(xmlNodeGetContent(ref));
		e.name = vim_clean_line(
		    vim_xp_text(a, obj, "v:propSet[v:name='name']/v:val"));
		e.parent = vim_xp_text(a, obj,
		    "v:propSet[v:name='parent']/v:val");
		if (e.id == NULL || e.name == NULL) {
			free(e.id);
			free(e.name);
			free(e.parent);
			continue;
		}
		if (l->count == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct inv *p = realloc(l->items, cap * sizeof(*p));

			if (p == NULL) {
				free(e.id);
				free(e.name);
				free(e.parent);
				error = vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
				goto done;
			}
			l->items = p;
			l->cap = cap;
		}
		l->items[l->count++] = e;
	}
done:
	xmlXPathFreeObject(o);
	return error;
}

/* The inventory path of datacenter D: the names of its folders up to the
 * root folder (left out) and its own, joined by '/'. */
static char *
inv_path(const vifs_vim *v, const struct invlist *l, const struct inv *d)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const struct inv *chain[64];
	size_t n = 0;
	const struct inv *cur = d;

	while (cur != NULL && n < sizeof(chain) / sizeof(chain[0])) {
		const struct inv *up = NULL;

		chain[n++] = cur;
		if (cur->parent == NULL ||
		    strcmp(cur->parent, v->root_folder) == 0)
			break;
		for (size_t i = 0; i < l->count; i++)
			if (!l->items[i].is_dc &&
			    strcmp(l->items[i].id, cur->parent) == 0) {
				up = &l->items[i];
				break;
			}
		cur = up;
	}
	while (n > 0) {
		n--;
		if (vifs_buf_puts(&b, chain[n]->name) < 0 ||
		    (n > 0 && vifs_buf_putc(&b, '/') < 0)) {
			vifs_buf_free(&b);
			return NULL;
		}
	}
	return vifs_buf_detach(&b, NULL);
}

/* RetrievePropertiesEx over the folders from the root, for the name and
 * parent of every Datacenter and Folder. */
static int
retrieve_inventory(vifs_vim *v, struct req *r)
{
	static const char *const folders[] = { "folders", NULL };
	xmlNodePtr spec, ps, os;
	int error;

	if ((error = vim_req_begin(r, "RetrievePropertiesEx",
	         "PropertyCollector", v->property_collector)) < 0)
		return error;
	spec = vim_req_elem(r, r->op, "specSet");
	ps = vim_req_elem(r, spec, "propSet");
	vim_req_text(r, ps, "type", "Datacenter");
	vim_req_text(r, ps, "pathSet", "name");
	vim_req_text(r, ps, "pathSet", "parent");
	ps = vim_req_elem(r, spec, "propSet");
	vim_req_text(r, ps, "type", "Folder");
	vim_req_text(r, ps, "pathSet", "name");
	vim_req_text(r, ps, "pathSet", "parent");
	os = vim_req_elem(r, spec, "objectSet");
	vim_req_moref(r, os, "obj", "Folder", v->root_folder);
	vim_req_text(r, os, "skip", "true");
	vim_req_traverse(r, os, "folders", "Folder", "childEntity", folders);
	vim_req_elem(r, r->op, "options");
	return VIFS_OK;
}

int
vifs_vim_datacenters(vifs_vim *v, struct vifs_vim_dclist **out)
{
	struct invlist inv = { NULL, 0, 0 };
	struct vifs_vim_dclist *l = NULL;
	char *token = NULL;
	struct req r;
	struct resp a;
	int error, pages = 0;
	size_t ndc = 0;

	*out = NULL;
	if ((error = vim_need_sc(v)) < 0)
		return error;
	if ((error = retrieve_inventory(v, &r)) < 0)
		return error;
	error = vim_call(v, "RetrievePropertiesEx", &r, &a);
	vim_req_free(&r);
	if (error < 0)
		return error;
	for (;;) {
		xmlNodePtr rv = vim_xp_node(&a, a.ret, "v:returnval");

		free(token);
		token = NULL;
		error = rv ? take_objects(&a, rv, &inv, &token) : 0;
		vim_resp_free(&a);
		if (error < 0 || token == NULL)
			break;
		if (++pages > MAX_PAGES) {
			error = vifs_error_set(VIFS_ETOOBIG,
			    "%s: more than %d pages of inventory", v->where,
			    MAX_PAGES);
			break;
		}
		if ((error = vim_req_begin(&r, "ContinueRetrievePropertiesEx",
		         "PropertyCollector", v->property_collector)) < 0)
			break;
		vim_req_text(&r, r.op, "token", token);
		error = vim_call(v, "ContinueRetrievePropertiesEx", &r, &a);
		vim_req_free(&r);
		if (error < 0)
			break;
	}
	free(token);
	if (error < 0)
		goto done;
	for (size_t i = 0; i < inv.count; i++)
		ndc += inv.items[i].is_dc ? 1 : 0;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (ndc > 0 && (l->items = calloc(ndc, sizeof(*l->items))) == NULL)) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < inv.count; i++) {
		struct vifs_vim_datacenter *d;

		if (!inv.items[i].is_dc)
			continue;
		d = &l->items[l->count++];
		d->path = inv_path(v, &inv, &inv.items[i]);
		d->id = inv.items[i].id;
		d->name = inv.items[i].name;
		inv.items[i].id = inv.items[i].name = NULL;
		if (d->path == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
	}
	*out = l;
	l = NULL;
done:
	invlist_free(&inv);
	vifs_vim_dclist_free(l);
	return error;
}

void
vifs_vim_dclist_free(struct vifs_vim_dclist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].name);
		free(l->items[i].path);
	}
	free(l->items);
	free(l);
}

const struct vifs_vim_datacenter *
vifs_vim_dclist_find(const struct vifs_vim_dclist *l, const char *name)
{
	for (size_t i = 0; l != NULL && i < l->count; i++)
		if (strcmp(l->items[i].path, name) == 0)
			return &l->items[i];
	for (size_t i = 0; l != NULL && i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}
