/*
 * inventory_xml_read.c - the inventory reader (libxml2 tree parser, no
 * DTD, no network): the document, its description, device and finding
 * lists; it restores every field the writer writes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/inventory.h>

#include "inventory_xml_impl.h"

#define INVENTORY_MAX_BYTES (256u * 1024 * 1024)

static const char *const finding_attrs[] = { "rule", "severity", "device",
	"line", NULL };

static int
read_finding(const struct inv_xml_rd *rd, vifs_inventory *inv, xmlNodePtr n)
{
	struct inv_xml_attrs a;
	struct vifs_pciaddr dev;
	enum vifs_lint_severity sev;
	unsigned long long line = 0;
	xmlChar *msg = NULL;
	const char *rule, *s;
	int has_dev = 0, error;

	if ((error = inv_xml_attrs_load(rd, n, finding_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "rule", &rule)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "severity", &s)) < 0)
		goto done;
	if (rule[0] == '\0') {
		error = inv_xml_fail(rd, n, "empty rule");
		goto done;
	}
	if (strcmp(s, "error") == 0)
		sev = VIFS_LINT_ERROR;
	else if (strcmp(s, "warning") == 0)
		sev = VIFS_LINT_WARNING;
	else {
		error = inv_xml_fail(rd, n,
		    "severity '%s' is not error or warning", s);
		goto done;
	}
	if ((s = inv_xml_attrs_get(&a, "device")) != NULL) {
		if ((error = inv_xml_addr(rd, n, "device", s, &dev)) < 0)
			goto done;
		has_dev = 1;
	}
	if ((s = inv_xml_attrs_get(&a, "line")) != NULL &&
	    (error = inv_xml_dec(rd, n, "line", s, 1, UINT32_MAX, &line)) < 0)
		goto done;
	if ((error = inv_xml_text(rd, n, &msg)) < 0)
		goto done;
	error = inv_finding_add(inv, rule, sev, has_dev ? &dev : NULL,
	    (size_t)line, "%s", (const char *)msg);
done:
	inv_xml_attrs_free(&a);
	if (msg != NULL)
		xmlFree(msg);
	return error;
}

static const char *const inventory_attrs[] = { "version", "generator",
	"created", NULL };
static const char *const source_attrs[] = { "kind", "path", "host", NULL };
static const char *const path_attrs[] = { "path", NULL };

static int
read_list(const struct inv_xml_rd *rd, vifs_inventory *inv, xmlNodePtr n,
    const char *item, size_t *count)
{
	static const char *const count_attrs[] = { "count", NULL };
	unsigned long long want;
	struct inv_xml_attrs a;
	xmlNodePtr pos = n->children, c;
	const char *s;
	int error;

	*count = 0;
	if ((error = inv_xml_attrs_load(rd, n, count_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "count", &s)) < 0 ||
	    (error = inv_xml_dec(rd, n, "count", s, 0, UINT32_MAX, &want)) < 0)
		goto done;
	for (;;) {
		if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		if (!inv_xml_is_named(c, item)) {
			error = inv_xml_fail(rd, c, "unexpected <%s> in <%s>",
			    (const char *)c->name, (const char *)n->name);
			goto done;
		}
		error = strcmp(item, "device") == 0 ?
		    inv_xml_read_device(rd, inv, c) :
		    read_finding(rd, inv, c);
		if (error < 0)
			goto done;
		(*count)++;
	}
	if (*count != want)
		error = inv_xml_fail(rd, n, "count says %llu but there are %zu",
		    want, *count);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static int
read_path_elem(const struct inv_xml_rd *rd, vifs_inventory *inv, xmlNodePtr n,
    enum inv_info_str which)
{
	struct inv_xml_attrs a;
	const char *s;
	int error;

	if ((error = inv_xml_attrs_load(rd, n, path_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, n, &a, "path", &s)) < 0 ||
	    (error = inv_info_set_str(inv, which, s)) < 0)
		goto done;
	error = inv_xml_no_children(rd, n);
done:
	inv_xml_attrs_free(&a);
	return error;
}

static int
read_root(const struct inv_xml_rd *rd, vifs_inventory *inv, xmlNodePtr root)
{
	struct inv_xml_attrs a, src;
	struct vifs_inv_info info;
	xmlNodePtr pos, c;
	const char *s;
	size_t n;
	int error;

	memset(&src, 0, sizeof(src));
	memset(&info, 0, sizeof(info));
	info.created = -1;
	if (root == NULL || !inv_xml_is_named(root, "inventory"))
		return inv_xml_fail(rd, root,
		    "the root element is not <inventory>");
	if ((error = inv_xml_attrs_load(rd, root, inventory_attrs, &a)) < 0 ||
	    (error = inv_xml_need(rd, root, &a, "version", &s)) < 0)
		goto done;
	if (strcmp(s, INVENTORY_VERSION) != 0) {
		error = inv_xml_fail(rd, root,
		    "inventory version '%s' is not " INVENTORY_VERSION, s);
		goto done;
	}
	info.generator = inv_xml_attrs_get(&a, "generator");
	if ((s = inv_xml_attrs_get(&a, "created")) != NULL &&
	    (error = inv_xml_time(rd, root, s, &info.created)) < 0)
		goto done;

	pos = root->children;
	if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c == NULL || !inv_xml_is_named(c, "source")) {
		error = inv_xml_fail(rd, c ? c : root,
		    "<inventory> must start with <source>");
		goto done;
	}
	if ((error = inv_xml_attrs_load(rd, c, source_attrs, &src)) < 0 ||
	    (error = inv_xml_need(rd, c, &src, "kind", &info.source)) < 0 ||
	    (error = inv_xml_no_children(rd, c)) < 0)
		goto done;
	info.source_path = inv_xml_attrs_get(&src, "path");
	info.host = inv_xml_attrs_get(&src, "host");
	if (vifs_inventory_set_info(inv, &info) < 0) {
		error = inv_xml_fail(rd, c, "%s", vifs_error_last());
		goto done;
	}
	if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c != NULL && inv_xml_is_named(c, "esxconf")) {
		if ((error = read_path_elem(rd, inv, c, INV_I_ESXCONF)) < 0 ||
		    (error = inv_xml_next_elem(rd, &pos, &c)) < 0)
			goto done;
		inv->esx_applied = 1;
	}
	if (c != NULL && inv_xml_is_named(c, "passthru-map")) {
		if ((error = read_path_elem(rd, inv, c, INV_I_PASSTHRU_MAP)) <
		        0 ||
		    (error = inv_xml_next_elem(rd, &pos, &c)) < 0)
			goto done;
	}
	if (c == NULL || !inv_xml_is_named(c, "devices")) {
		error = inv_xml_fail(rd, c ? c : root, "<devices> expected");
		goto done;
	}
	if ((error = read_list(rd, inv, c, "device", &n)) < 0 ||
	    (error = inv_xml_next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c == NULL || !inv_xml_is_named(c, "findings")) {
		error = inv_xml_fail(rd, c ? c : root, "<findings> expected");
		goto done;
	}
	if ((error = read_list(rd, inv, c, "finding", &n)) < 0 ||
	    (error = inv_xml_next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c != NULL) {
		error = inv_xml_fail(rd, c, "unexpected <%s> after <findings>",
		    (const char *)c->name);
		goto done;
	}
	error = inv_roles_apply(inv);
done:
	inv_xml_attrs_free(&a);
	inv_xml_attrs_free(&src);
	return error;
}

int
vifs_inventory_parse(vifs_inventory **out, const char *name, const char *buf,
    size_t len)
{
	struct inv_xml_rd rd;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	vifs_inventory *inv = NULL;
	int error = 0;

	if (out == NULL || (buf == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: nothing to parse");
	*out = NULL;
	rd.name = name ? name : "inventory";
	rd.doc = NULL;
	if (len > INVENTORY_MAX_BYTES || len > INT_MAX)
		return vifs_error_set(VIFS_ETOOBIG,
		    "%s: %zu bytes is more than an inventory may have", rd.name,
		    len);
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	doc = xmlCtxtReadMemory(ctxt, buf ? buf : "", (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	        XML_PARSE_NOCDATA);
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[256];
		size_t n;

		snprintf(msg, sizeof(msg), "%s",
		    e && e->message ? e->message : "not an XML document");
		/* One line: libxml2 adds the offending bytes on a second. */
		msg[strcspn(msg, "\n")] = '\0';
		n = strlen(msg);
		while (n > 0 && msg[n - 1] == ' ')
			msg[--n] = '\0';
		error = vifs_error_set(VIFS_EPARSE, "%s:%d: %s", rd.name,
		    e ? e->line : 0, msg);
		goto done;
	}
	rd.doc = doc;
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		error = inv_xml_fail(&rd, NULL,
		    "a DTD is not allowed in an inventory");
		goto done;
	}
	if ((error = vifs_inventory_new(&inv)) < 0 ||
	    (error = read_root(&rd, inv, xmlDocGetRootElement(doc))) < 0)
		goto done;
	inv_sort(inv);
	inv_findings_sort(inv);
	*out = inv;
	inv = NULL;
done:
	vifs_inventory_free(inv);
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	return error;
}

int
vifs_inventory_open(vifs_inventory **out, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	if (out == NULL || path == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no file");
	*out = NULL;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_inventory_parse(out, path, buf, len);
	free(buf);
	return error;
}
