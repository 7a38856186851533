/*
 * inventory_xml.c - the inventory as XML: writer (libxml2 xmlTextWriter,
 * elements in the order of docs/schemas/inventory.xsd) and reader
 * (libxml2 tree parser, no DTD, no network), which restores every field
 * the writer writes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/inventory.h>

#include "inventory_impl.h"

#define INVENTORY_VERSION "1"
#define INVENTORY_MAX_BYTES (256u * 1024 * 1024)

static const xmlChar *
X(const char *s)
{
	return (const xmlChar *)s;
}

/* --- writer ---------------------------------------------------------- */

static int
start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, X(name));
}

static int
end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w);
}

/* Writes attribute NAME when VALUE is not NULL. */
static int
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	return xmlTextWriterWriteAttribute(w, X(name), X(value));
}

static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    VIFS_PRINTF(3, 4);

static int
attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return attr(w, name, buf);
}

static int
attr_addr(xmlTextWriterPtr w, const char *name, const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];

	inv_addr_linux(buf, a);
	return attr(w, name, buf);
}

static const char *
yes_no(int b)
{
	return b ? "yes" : "no";
}

#define W(call) \
	do { \
		if ((call) < 0) \
			goto fail; \
	} while (0)

static int
write_device(xmlTextWriterPtr w, const vifs_inventory *inv,
    const struct vifs_inv_device *d)
{
	W(start(w, "device"));
	W(attr_addr(w, "address", &d->addr));
	if (d->addr.segment == 0)
		W(attrf(w, "esxconf-address", "%03u:%02u.%u",
		    (unsigned)d->addr.bus, (unsigned)d->addr.dev,
		    (unsigned)d->addr.func));

	W(start(w, "id"));
	W(attrf(w, "vendor", "%04x", (unsigned)d->vendor));
	W(attrf(w, "device", "%04x", (unsigned)d->device));
	if (d->has_subsystem) {
		W(attrf(w, "subvendor", "%04x", (unsigned)d->subvendor));
		W(attrf(w, "subdevice", "%04x", (unsigned)d->subdevice));
	}
	W(attrf(w, "class", "%02x%02x", (unsigned)d->class_base,
	    (unsigned)d->class_sub));
	W(attrf(w, "prog-if", "%02x", (unsigned)d->prog_if));
	W(attrf(w, "revision", "%02x", (unsigned)d->revision));
	W(end(w));

	W(start(w, "name"));
	W(attr(w, "vendor", d->vendor_name));
	W(attr(w, "device", d->device_name));
	W(attr(w, "subvendor", d->subvendor_name));
	W(attr(w, "subdevice", d->subdevice_name));
	W(attr(w, "class", d->class_name));
	W(attr(w, "base-class", d->base_class_name));
	W(attr(w, "prog-if", d->prog_if_name));
	W(end(w));

	W(start(w, "header"));
	W(attrf(w, "type", "%u", (unsigned)d->header_type));
	W(attr(w, "multifunction-bit", yes_no(d->multifunction_bit)));
	W(attr(w, "multifunction", yes_no(d->multifunction)));
	W(end(w));

	if (d->driver != NULL)
		W(xmlTextWriterWriteElement(w, X("driver"), X(d->driver)));
	if (d->iommu_group >= 0)
		W(xmlTextWriterWriteFormatElement(w, X("iommu-group"), "%d",
		    d->iommu_group));
	if (d->parent_from != VIFS_INV_PARENT_NONE) {
		W(start(w, "parent"));
		W(attr_addr(w, "address", &d->parent));
		W(attr(w, "from", inv_parent_name(d->parent_from)));
		W(end(w));
	}
	if (d->header_type == 1 || d->header_type == 2) {
		W(start(w, "bridge"));
		W(attrf(w, "primary", "%02x", (unsigned)d->primary));
		W(attrf(w, "secondary", "%02x", (unsigned)d->secondary));
		W(attrf(w, "subordinate", "%02x", (unsigned)d->subordinate));
		W(end(w));
	}

	W(start(w, "capabilities"));
	W(attrf(w, "config-bytes", "%u", d->config_size));
	W(attr(w, "pcie", vifs_pcie_type_name(d->pcie_type)));
	W(attr(w, "flr", vifs_fact_name(d->flr)));
	W(attr(w, "af-flr", vifs_fact_name(d->af_flr)));
	W(attr(w, "pm", vifs_fact_name(d->pm)));
	W(attr(w, "no-soft-reset", vifs_fact_name(d->no_soft_reset)));
	W(attr(w, "acs", vifs_fact_name(d->acs)));
	W(attr(w, "sriov", vifs_fact_name(d->sriov)));
	if (d->sriov == VIFS_FACT_YES)
		W(attrf(w, "sriov-total-vfs", "%u", d->sriov_total_vfs));
	W(end(w));

	W(start(w, "reset"));
	W(attr(w, "method", vifs_inv_reset_name(d->reset)));
	W(attr(w, "capabilities", vifs_inv_reset_name(d->reset_caps)));
	if (d->reset_worst_case)
		W(attr(w, "worst-case", "yes"));
	if (d->has_map_entry) {
		W(attr(w, "map-method", inv_map_reset_name(d->map_reset)));
		W(attr(w, "map-shareable",
		    inv_shareable_name(d->map_shareable)));
		W(attrf(w, "map-line", "%zu", d->map_line));
	}
	for (size_t i = 0; i < d->reset_group_len; i++) {
		W(start(w, "with"));
		W(attr_addr(w, "address", &d->reset_group[i]));
		W(end(w));
	}
	W(end(w));

	if (inv->info.esxconf != NULL) {
		W(start(w, "esx"));
		W(attr(w, "key", d->esx_key));
		W(attr(w, "owner", inv_owner_name(d->owner)));
		W(attr(w, "owner-text", d->owner_text));
		if (d->owner_line)
			W(attrf(w, "owner-line", "%zu", d->owner_line));
		W(attr(w, "vmkname", d->vmkname));
		if (d->vmkname_line)
			W(attrf(w, "vmkname-line", "%zu", d->vmkname_line));
		W(attr(w, "effective", inv_owner_name(d->effective)));
		if (d->via_bridge)
			W(attr_addr(w, "via-bridge", &d->bridge));
		W(end(w));
	}
	for (size_t i = 0; i < vifs_roles_count(inv->roles); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(inv->roles, i);

		if (vifs_pciaddr_cmp(&m->device, &d->addr) != 0)
			continue;
		W(start(w, "role"));
		W(attr(w, "name", vifs_role_name(m->role)));
		W(attr(w, "learned", m->learned));
		W(xmlTextWriterWriteString(w, X(m->how)));
		W(end(w));
	}
	W(end(w));
	return 0;
fail:
	return -1;
}

static int
write_finding(xmlTextWriterPtr w, const struct vifs_inv_finding *f)
{
	W(start(w, "finding"));
	W(attr(w, "rule", f->rule));
	W(attr(w, "severity",
	    f->severity == VIFS_LINT_ERROR ? "error" : "warning"));
	if (f->has_device)
		W(attr_addr(w, "device", &f->device));
	if (f->line)
		W(attrf(w, "line", "%zu", f->line));
	W(xmlTextWriterWriteString(w, X(f->message)));
	W(end(w));
	return 0;
fail:
	return -1;
}

static int
write_doc(xmlTextWriterPtr w, const vifs_inventory *inv)
{
	const struct vifs_inv_info *info = &inv->info;

	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterSetIndentString(w, X("  ")));
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	W(start(w, "inventory"));
	W(attr(w, "version", INVENTORY_VERSION));
	W(attr(w, "generator", info->generator));
	if (info->created >= 0) {
		time_t t = (time_t)info->created;
		struct tm tm;
		char buf[32];

		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			goto fail;
		W(attr(w, "created", buf));
	}
	W(start(w, "source"));
	W(attr(w, "kind", info->source ? info->source : "sysfs"));
	W(attr(w, "path", info->source_path));
	W(attr(w, "host", info->host));
	W(end(w));
	if (info->esxconf != NULL) {
		W(start(w, "esxconf"));
		W(attr(w, "path", info->esxconf));
		W(end(w));
	}
	if (info->passthru_map != NULL) {
		W(start(w, "passthru-map"));
		W(attr(w, "path", info->passthru_map));
		W(end(w));
	}
	W(start(w, "devices"));
	W(attrf(w, "count", "%zu", inv->ndevs));
	for (size_t i = 0; i < inv->ndevs; i++)
		W(write_device(w, inv, &inv->devs[i]->d));
	W(end(w));
	W(start(w, "findings"));
	W(attrf(w, "count", "%zu", inv->nfindings));
	for (size_t i = 0; i < inv->nfindings; i++)
		W(write_finding(w, &inv->findings[i].f));
	W(end(w));
	W(end(w));
	W(xmlTextWriterEndDocument(w));
	return 0;
fail:
	return -1;
}

int
vifs_inventory_write(char **out, size_t *out_len, const vifs_inventory *inv)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	char *copy = NULL;
	size_t len;
	int error = 0;

	if (out == NULL || inv == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: nothing to write");
	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (!inv->sorted)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: analyse it before writing");
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (write_doc(w, inv) < 0) {
		error = vifs_error_set(VIFS_ENOMEM,
		    "inventory: cannot write the XML document");
		goto done;
	}
	xmlFreeTextWriter(w); /* flushes into BUF */
	w = NULL;
	len = (size_t)xmlBufferLength(buf);
	if ((copy = vifs_strndup((const char *)xmlBufferContent(buf), len)) ==
	    NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	*out = copy;
	if (out_len != NULL)
		*out_len = len;
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return error;
}

/* --- reader ---------------------------------------------------------- */

struct rd {
	const char *name;
	xmlDocPtr doc;
};

static int fail(const struct rd *rd, xmlNodePtr node, const char *fmt, ...)
    VIFS_PRINTF(3, 4);

static int
fail(const struct rd *rd, xmlNodePtr node, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node != NULL)
		return vifs_error_set(VIFS_EPARSE, "%s:%ld: %s", rd->name,
		    xmlGetLineNo(node), msg);
	return vifs_error_set(VIFS_EPARSE, "%s: %s", rd->name, msg);
}

static int
is_named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

/*
 * The next child element from *pos on: blanks, comments and processing
 * instructions are skipped, other text is an error.  NULL at the end.
 */
static int
next_elem(const struct rd *rd, xmlNodePtr *pos, xmlNodePtr *out)
{
	xmlNodePtr n;

	for (n = *pos; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			break;
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			continue;
		if (n->type == XML_TEXT_NODE && xmlIsBlankNode(n))
			continue;
		return fail(rd, n->parent, "unexpected content in <%s>",
		    (const char *)n->parent->name);
	}
	if (n != NULL && n->ns != NULL)
		return fail(rd, n, "element <%s> in a namespace",
		    (const char *)n->name);
	*out = n;
	*pos = n ? n->next : NULL;
	return VIFS_OK;
}

/* Attributes of one element, checked against the names it may have. */
#define MAX_ATTRS 12

struct attrs {
	const char *const *names;
	xmlChar *val[MAX_ATTRS];
};

static void
attrs_free(struct attrs *a)
{
	for (size_t i = 0; i < MAX_ATTRS; i++) {
		if (a->val[i] != NULL)
			xmlFree(a->val[i]);
		a->val[i] = NULL;
	}
}

static int
attrs_load(const struct rd *rd, xmlNodePtr node, const char *const *names,
    struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->names = names;
	for (xmlAttrPtr p = node->properties; p != NULL; p = p->next) {
		size_t i;

		for (i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], (const char *)p->name) == 0)
				break;
		if (names[i] == NULL || p->ns != NULL)
			return fail(rd, node, "<%s> has no attribute '%s'",
			    (const char *)node->name, (const char *)p->name);
		a->val[i] = xmlNodeListGetString(rd->doc, p->children, 1);
		if (a->val[i] == NULL)
			a->val[i] = xmlStrdup(X(""));
		if (a->val[i] == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	return VIFS_OK;
}

static const char *
attrs_get(const struct attrs *a, const char *name)
{
	for (size_t i = 0; a->names[i] != NULL; i++)
		if (strcmp(a->names[i], name) == 0)
			return (const char *)a->val[i];
	return NULL;
}

static int
need(const struct rd *rd, xmlNodePtr node, const struct attrs *a,
    const char *name, const char **out)
{
	if ((*out = attrs_get(a, name)) == NULL)
		return fail(rd, node, "<%s> needs attribute '%s'",
		    (const char *)node->name, name);
	return VIFS_OK;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly DIGITS lower-case hex digits. */
static int
parse_hex(const struct rd *rd, xmlNodePtr node, const char *name, const char *s,
    size_t digits, unsigned *out)
{
	unsigned v = 0;

	if (strlen(s) != digits)
		goto bad;
	for (size_t i = 0; i < digits; i++) {
		int h = hex_value(s[i]);

		if (h < 0)
			goto bad;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return VIFS_OK;
bad:
	return fail(rd, node, "%s '%s' is not %zu hex digits", name, s, digits);
}

/* A decimal number from MIN to MAX without sign or leading zeros. */
static int
parse_dec(const struct rd *rd, xmlNodePtr node, const char *name, const char *s,
    unsigned long long min, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (v > (ULLONG_MAX - (unsigned)(s[i] - '0')) / 10)
			goto bad;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return VIFS_OK;
bad:
	return fail(rd, node, "%s '%s' is not a number from %llu to %llu", name,
	    s, min, max);
}

static int
parse_addr(const struct rd *rd, xmlNodePtr node, const char *name,
    const char *s, struct vifs_pciaddr *out)
{
	if (vifs_pciaddr_parse(out, NULL, s, VIFS_PCI_LINUX) < 0)
		return fail(rd, node,
		    "%s '%s' is no PCI address (0000:00:1b.0)", name, s);
	return VIFS_OK;
}

static int
parse_yes_no(const struct rd *rd, xmlNodePtr node, const char *name,
    const char *s, int *out)
{
	if (strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0)
		*out = 0;
	else
		return fail(rd, node, "%s '%s' is not yes or no", name, s);
	return VIFS_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as the writer gives it. */
static int
parse_time(const struct rd *rd, xmlNodePtr node, const char *s, long long *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm, back;
	time_t t;

	if (strlen(s) != sizeof(shape) - 1)
		goto bad;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' :
		                      s[i] != shape[i])
			goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	if (tm.tm_year < 70 || (t = timegm(&tm)) == (time_t)-1 ||
	    back.tm_mon != tm.tm_mon || back.tm_mday != tm.tm_mday ||
	    back.tm_hour != tm.tm_hour || back.tm_min != tm.tm_min ||
	    back.tm_sec != tm.tm_sec)
		goto bad;
	*out = (long long)t;
	return VIFS_OK;
bad:
	return fail(rd, node,
	    "created '%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ", s);
}

/* The text of NODE, which may hold only text. */
static int
text_of(const struct rd *rd, xmlNodePtr node, xmlChar **out)
{
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE)
			return fail(rd, node, "<%s> may hold only text",
			    (const char *)node->name);
	if ((*out = xmlNodeGetContent(node)) == NULL &&
	    (*out = xmlStrdup(X(""))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

static int
no_children(const struct rd *rd, xmlNodePtr node)
{
	xmlNodePtr pos = node->children, c = NULL;
	int error;

	if ((error = next_elem(rd, &pos, &c)) < 0)
		return error;
	if (c != NULL)
		return fail(rd, c, "unexpected <%s> in <%s>",
		    (const char *)c->name, (const char *)node->name);
	return VIFS_OK;
}

static const char *const id_attrs[] = { "vendor", "device", "subvendor",
	"subdevice", "class", "prog-if", "revision", NULL };

static int
read_id(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	struct attrs a;
	const char *s, *sv, *sd;
	unsigned v = 0;
	int error;

	if ((error = attrs_load(rd, n, id_attrs, &a)) < 0)
		goto done;
	if ((error = need(rd, n, &a, "vendor", &s)) < 0 ||
	    (error = parse_hex(rd, n, "vendor", s, 4, &v)) < 0)
		goto done;
	d->vendor = (uint16_t)v;
	if ((error = need(rd, n, &a, "device", &s)) < 0 ||
	    (error = parse_hex(rd, n, "device", s, 4, &v)) < 0)
		goto done;
	d->device = (uint16_t)v;
	sv = attrs_get(&a, "subvendor");
	sd = attrs_get(&a, "subdevice");
	if ((sv == NULL) != (sd == NULL)) {
		error = fail(rd, n, "subvendor and subdevice go together");
		goto done;
	}
	if (sv != NULL) {
		d->has_subsystem = 1;
		if ((error = parse_hex(rd, n, "subvendor", sv, 4, &v)) < 0)
			goto done;
		d->subvendor = (uint16_t)v;
		if ((error = parse_hex(rd, n, "subdevice", sd, 4, &v)) < 0)
			goto done;
		d->subdevice = (uint16_t)v;
	}
	if ((error = need(rd, n, &a, "class", &s)) < 0 ||
	    (error = parse_hex(rd, n, "class", s, 4, &v)) < 0)
		goto done;
	d->class_base = (uint8_t)(v >> 8);
	d->class_sub = (uint8_t)(v & 0xff);
	if ((error = need(rd, n, &a, "prog-if", &s)) < 0 ||
	    (error = parse_hex(rd, n, "prog-if", s, 2, &v)) < 0)
		goto done;
	d->prog_if = (uint8_t)v;
	if ((error = need(rd, n, &a, "revision", &s)) < 0 ||
	    (error = parse_hex(rd, n, "revision", s, 2, &v)) < 0)
		goto done;
	d->revision = (uint8_t)v;
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const name_attrs[] = { "vendor", "device", "subvendor",
	"subdevice", "class", "base-class", "prog-if", NULL };

/* Names are copied by inv_dev_add: the caller keeps A until then. */
static int
read_name(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d,
    struct attrs *a)
{
	int error;

	if ((error = attrs_load(rd, n, name_attrs, a)) < 0)
		return error;
	d->vendor_name = attrs_get(a, "vendor");
	d->device_name = attrs_get(a, "device");
	d->subvendor_name = attrs_get(a, "subvendor");
	d->subdevice_name = attrs_get(a, "subdevice");
	d->class_name = attrs_get(a, "class");
	d->base_class_name = attrs_get(a, "base-class");
	d->prog_if_name = attrs_get(a, "prog-if");
	return no_children(rd, n);
}

static const char *const header_attrs[] = { "type", "multifunction-bit",
	"multifunction", NULL };

static int
read_header(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d,
    int *mf)
{
	struct attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = attrs_load(rd, n, header_attrs, &a)) < 0)
		goto done;
	if ((error = need(rd, n, &a, "type", &s)) < 0 ||
	    (error = parse_dec(rd, n, "type", s, 0, 127, &v)) < 0)
		goto done;
	d->header_type = (uint8_t)v;
	if ((error = need(rd, n, &a, "multifunction-bit", &s)) < 0 ||
	    (error = parse_yes_no(rd, n, "multifunction-bit", s,
	         &d->multifunction_bit)) < 0 ||
	    (error = need(rd, n, &a, "multifunction", &s)) < 0 ||
	    (error = parse_yes_no(rd, n, "multifunction", s, mf)) < 0)
		goto done;
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const parent_attrs[] = { "address", "from", NULL };

static int
read_parent(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	struct attrs a;
	const char *s;
	int error;

	if ((error = attrs_load(rd, n, parent_attrs, &a)) < 0)
		goto done;
	if ((error = need(rd, n, &a, "address", &s)) < 0 ||
	    (error = parse_addr(rd, n, "address", s, &d->parent)) < 0 ||
	    (error = need(rd, n, &a, "from", &s)) < 0)
		goto done;
	if (inv_parent_parse(&d->parent_from, s) < 0 ||
	    d->parent_from == VIFS_INV_PARENT_NONE) {
		error = fail(rd, n, "from '%s' is not source or bus-range", s);
		goto done;
	}
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const bridge_attrs[] = { "primary", "secondary",
	"subordinate", NULL };

static int
read_bridge(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	uint8_t *field[3] = { &d->primary, &d->secondary, &d->subordinate };
	struct attrs a;
	const char *s;
	unsigned v = 0;
	int error;

	if ((error = attrs_load(rd, n, bridge_attrs, &a)) < 0)
		goto done;
	for (size_t i = 0; i < 3; i++) {
		if ((error = need(rd, n, &a, bridge_attrs[i], &s)) < 0 ||
		    (error = parse_hex(rd, n, bridge_attrs[i], s, 2, &v)) < 0)
			goto done;
		*field[i] = (uint8_t)v;
	}
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const caps_attrs[] = { "config-bytes", "pcie", "flr",
	"af-flr", "pm", "no-soft-reset", "acs", "sriov", "sriov-total-vfs",
	NULL };

static int
read_caps(const struct rd *rd, xmlNodePtr n, struct vifs_inv_device *d)
{
	enum vifs_fact *facts[6] = { &d->flr, &d->af_flr, &d->pm,
		&d->no_soft_reset, &d->acs, &d->sriov };
	struct attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = attrs_load(rd, n, caps_attrs, &a)) < 0)
		goto done;
	if ((error = need(rd, n, &a, "config-bytes", &s)) < 0 ||
	    (error = parse_dec(rd, n, "config-bytes", s, 64, 4096, &v)) < 0)
		goto done;
	if (v != 64 && v != 256 && v != 4096) {
		error = fail(rd, n, "config-bytes %llu is not 64, 256 or 4096",
		    v);
		goto done;
	}
	d->config_size = (unsigned)v;
	if ((error = need(rd, n, &a, "pcie", &s)) < 0)
		goto done;
	if (inv_pcie_type_parse(&d->pcie_type, s) < 0) {
		error = fail(rd, n, "pcie '%s' is no PCI Express type", s);
		goto done;
	}
	for (size_t i = 0; i < 6; i++) {
		if ((error = need(rd, n, &a, caps_attrs[i + 2], &s)) < 0)
			goto done;
		if (inv_fact_parse(facts[i], s) < 0) {
			error = fail(rd, n, "%s '%s' is not yes, no or unknown",
			    caps_attrs[i + 2], s);
			goto done;
		}
	}
	if ((s = attrs_get(&a, "sriov-total-vfs")) != NULL) {
		if (d->sriov != VIFS_FACT_YES) {
			error = fail(rd, n, "sriov-total-vfs without sriov");
			goto done;
		}
		if ((error = parse_dec(rd, n, "sriov-total-vfs", s, 0, 65535,
		         &v)) < 0)
			goto done;
		d->sriov_total_vfs = (unsigned)v;
	}
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const reset_attrs[] = { "method", "capabilities",
	"worst-case", "map-method", "map-shareable", "map-line", NULL };
static const char *const with_attrs[] = { "address", NULL };

static int
read_reset(const struct rd *rd, xmlNodePtr n, struct inv_dev *r)
{
	struct vifs_inv_device *d = &r->d;
	struct attrs a;
	xmlNodePtr pos, c;
	const char *s, *mm, *ms, *ml;
	unsigned long long v = 0;
	size_t count = 0, cap = 0;
	int error;

	memset(&a, 0, sizeof(a));
	if ((error = attrs_load(rd, n, reset_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "method", &s)) < 0)
		goto done;
	if (inv_reset_parse(&d->reset, s) < 0) {
		error = fail(rd, n, "method '%s' is no reset method", s);
		goto done;
	}
	if ((error = need(rd, n, &a, "capabilities", &s)) < 0)
		goto done;
	if (inv_reset_parse(&d->reset_caps, s) < 0) {
		error = fail(rd, n, "capabilities '%s' is no reset method", s);
		goto done;
	}
	if ((s = attrs_get(&a, "worst-case")) != NULL &&
	    (error = parse_yes_no(rd, n, "worst-case", s,
	         &d->reset_worst_case)) < 0)
		goto done;
	mm = attrs_get(&a, "map-method");
	ms = attrs_get(&a, "map-shareable");
	ml = attrs_get(&a, "map-line");
	if (mm != NULL || ms != NULL || ml != NULL) {
		if (mm == NULL || ms == NULL || ml == NULL) {
			error = fail(rd, n,
			    "map-method, map-shareable and map-line go "
			    "together");
			goto done;
		}
		d->has_map_entry = 1;
		if (inv_map_reset_parse(&d->map_reset, mm) < 0 ||
		    inv_shareable_parse(&d->map_shareable, ms) < 0) {
			error = fail(rd, n,
			    "map-method '%s' or map-shareable '%s' is not a "
			    "passthru.map keyword",
			    mm, ms);
			goto done;
		}
		if ((error = parse_dec(rd, n, "map-line", ml, 1, UINT32_MAX,
		         &v)) < 0)
			goto done;
		d->map_line = (size_t)v;
	}
	pos = n->children;
	for (;;) {
		struct attrs wa;

		if ((error = next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		if (!is_named(c, "with")) {
			error = fail(rd, c, "unexpected <%s> in <reset>",
			    (const char *)c->name);
			goto done;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct vifs_pciaddr *p;

			if (ncap > (size_t)-1 / sizeof(*p) ||
			    (p = realloc(r->group, ncap * sizeof(*p))) ==
			        NULL) {
				error = vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
				goto done;
			}
			r->group = p;
			cap = ncap;
		}
		if ((error = attrs_load(rd, c, with_attrs, &wa)) < 0 ||
		    (error = need(rd, c, &wa, "address", &s)) < 0 ||
		    (error = parse_addr(rd, c, "address", s,
		         &r->group[count])) < 0 ||
		    (error = no_children(rd, c)) < 0) {
			attrs_free(&wa);
			goto done;
		}
		attrs_free(&wa);
		if ((count > 0 &&
		        vifs_pciaddr_cmp(&r->group[count - 1],
		            &r->group[count]) >= 0) ||
		    vifs_pciaddr_cmp(&r->group[count], &d->addr) == 0) {
			error = fail(rd, c,
			    "reset group members must be other devices in "
			    "ascending address order");
			goto done;
		}
		count++;
	}
	d->reset_group = r->group;
	d->reset_group_len = count;
done:
	attrs_free(&a);
	return error;
}

static const char *const esx_attrs[] = { "key", "owner", "owner-text",
	"owner-line", "vmkname", "vmkname-line", "effective", "via-bridge",
	NULL };

static int
read_esx(const struct rd *rd, xmlNodePtr n, struct inv_dev *r)
{
	struct vifs_inv_device *d = &r->d;
	struct attrs a;
	unsigned long long v = 0;
	const char *s;
	int error;

	if ((error = attrs_load(rd, n, esx_attrs, &a)) < 0)
		goto done;
	if ((error = inv_dev_set_str(r, INV_S_ESX_KEY, attrs_get(&a, "key"))) <
	        0 ||
	    (error = inv_dev_set_str(r, INV_S_OWNER_TEXT,
	         attrs_get(&a, "owner-text"))) < 0 ||
	    (error = inv_dev_set_str(r, INV_S_VMKNAME,
	         attrs_get(&a, "vmkname"))) < 0)
		goto done;
	if ((error = need(rd, n, &a, "owner", &s)) < 0)
		goto done;
	if (inv_owner_parse(&d->owner, s) < 0) {
		error = fail(rd, n,
		    "owner '%s' is not none, vmkernel, passthru or other", s);
		goto done;
	}
	if ((error = need(rd, n, &a, "effective", &s)) < 0)
		goto done;
	if (inv_owner_parse(&d->effective, s) < 0) {
		error = fail(rd, n,
		    "effective '%s' is not none, vmkernel, passthru or other",
		    s);
		goto done;
	}
	if ((s = attrs_get(&a, "owner-line")) != NULL) {
		if ((error = parse_dec(rd, n, "owner-line", s, 1, UINT32_MAX,
		         &v)) < 0)
			goto done;
		d->owner_line = (size_t)v;
	}
	if ((s = attrs_get(&a, "vmkname-line")) != NULL) {
		if ((error = parse_dec(rd, n, "vmkname-line", s, 1, UINT32_MAX,
		         &v)) < 0)
			goto done;
		d->vmkname_line = (size_t)v;
	}
	if ((s = attrs_get(&a, "via-bridge")) != NULL) {
		if ((error = parse_addr(rd, n, "via-bridge", s, &d->bridge)) <
		    0)
			goto done;
		d->via_bridge = 1;
	}
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static const char *const device_attrs[] = { "address", "esxconf-address",
	NULL };

/* The child elements of <device>, in schema order. */
enum {
	E_ID,
	E_NAME,
	E_HEADER,
	E_DRIVER,
	E_IOMMU,
	E_PARENT,
	E_BRIDGE,
	E_CAPS,
	E_RESET,
	E_ESX,
	E_ROLE, /* repeated */
	E_COUNT
};

static const char *const device_elems[E_COUNT] = { "id", "name", "header",
	"driver", "iommu-group", "parent", "bridge", "capabilities", "reset",
	"esx", "role" };

static const char *const role_attrs[] = { "name", "learned", NULL };

/* A <role> of the device at ADDR into the inventory's given roles. */
static int
read_role(const struct rd *rd, vifs_inventory *inv, xmlNodePtr n,
    const struct vifs_pciaddr *addr)
{
	struct attrs a;
	enum vifs_role role;
	xmlChar *how = NULL;
	const char *name, *learned;
	int error;

	if ((error = attrs_load(rd, n, role_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "name", &name)) < 0 ||
	    (error = need(rd, n, &a, "learned", &learned)) < 0 ||
	    (error = text_of(rd, n, &how)) < 0)
		goto done;
	if (vifs_role_parse(&role, name) < 0) {
		error = fail(rd, n, "unknown role '%s'", name);
		goto done;
	}
	if ((inv->roles_given == NULL &&
	        (error = vifs_roles_new(&inv->roles_given)) < 0) ||
	    (error = vifs_roles_add(inv->roles_given, role, addr, learned,
	         (const char *)how)) < 0)
		error = fail(rd, n, "%s", vifs_error_last());
done:
	if (how != NULL)
		xmlFree(how);
	attrs_free(&a);
	return error;
}

static int
read_device(const struct rd *rd, vifs_inventory *inv, xmlNodePtr n)
{
	xmlNodePtr el[E_COUNT] = { NULL };
	struct vifs_inv_device d;
	struct attrs a, names;
	struct inv_dev *r = NULL;
	xmlNodePtr pos, c;
	xmlChar *driver = NULL, *group = NULL;
	const char *s;
	int mf = 0, error;

	memset(&d, 0, sizeof(d));
	memset(&names, 0, sizeof(names));
	d.iommu_group = -1;
	if ((error = attrs_load(rd, n, device_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "address", &s)) < 0 ||
	    (error = parse_addr(rd, n, "address", s, &d.addr)) < 0)
		goto done;
	if ((s = attrs_get(&a, "esxconf-address")) != NULL) {
		char want[16];

		snprintf(want, sizeof(want), "%03u:%02u.%u",
		    (unsigned)d.addr.bus, (unsigned)d.addr.dev,
		    (unsigned)d.addr.func);
		if (d.addr.segment != 0 || strcmp(s, want) != 0) {
			error = fail(rd, n,
			    "esxconf-address '%s' is not the device's address",
			    s);
			goto done;
		}
	}
	pos = n->children;
	for (size_t last = 0;;) {
		size_t k;

		if ((error = next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		for (k = 0; k < E_COUNT; k++)
			if (is_named(c, device_elems[k]))
				break;
		if (k == E_ROLE) {
			/* Repeated; read at once (they need only the
			 * address). */
			if ((error = read_role(rd, inv, c, &d.addr)) < 0)
				goto done;
			last = k;
			continue;
		}
		if (k == E_COUNT || el[k] != NULL || k < last) {
			error = fail(rd, c, "unexpected <%s> in <device>",
			    (const char *)c->name);
			goto done;
		}
		el[k] = c;
		last = k;
	}
	/* The facts in document order, then what is missing. */
	if ((el[E_ID] != NULL && (error = read_id(rd, el[E_ID], &d)) < 0) ||
	    (el[E_NAME] != NULL &&
	        (error = read_name(rd, el[E_NAME], &d, &names)) < 0) ||
	    (el[E_HEADER] != NULL &&
	        (error = read_header(rd, el[E_HEADER], &d, &mf)) < 0))
		goto done;
	if (el[E_DRIVER] != NULL) {
		if ((error = text_of(rd, el[E_DRIVER], &driver)) < 0)
			goto done;
		d.driver = (const char *)driver;
	}
	if (el[E_IOMMU] != NULL) {
		unsigned long long v = 0;

		if ((error = text_of(rd, el[E_IOMMU], &group)) < 0 ||
		    (error = parse_dec(rd, el[E_IOMMU], "iommu-group",
		         (const char *)group, 0, INT_MAX, &v)) < 0)
			goto done;
		d.iommu_group = (int)v;
	}
	if ((el[E_PARENT] != NULL &&
	        (error = read_parent(rd, el[E_PARENT], &d)) < 0) ||
	    (el[E_BRIDGE] != NULL &&
	        (error = read_bridge(rd, el[E_BRIDGE], &d)) < 0) ||
	    (el[E_CAPS] != NULL && (error = read_caps(rd, el[E_CAPS], &d)) < 0))
		goto done;
	for (size_t k = 0; k < E_COUNT; k++) {
		if (el[k] == NULL &&
		    (k == E_ID || k == E_NAME || k == E_HEADER || k == E_CAPS ||
		        k == E_RESET)) {
			error = fail(rd, n, "<device> needs <%s>",
			    device_elems[k]);
			goto done;
		}
	}
	if ((el[E_BRIDGE] != NULL) !=
	    (d.header_type == 1 || d.header_type == 2)) {
		error = fail(rd, n,
		    "<bridge> is for header types 1 and 2 and only for them");
		goto done;
	}
	if ((error = inv_dev_add(&r, inv, &d)) < 0) {
		error = fail(rd, n, "%s", vifs_error_last());
		goto done;
	}
	r->d.multifunction = mf;
	if ((error = read_reset(rd, el[E_RESET], r)) < 0)
		goto done;
	if (el[E_ESX] != NULL) {
		if (inv->info.esxconf == NULL) {
			error = fail(rd, el[E_ESX], "<esx> without <esxconf>");
			goto done;
		}
		if ((error = read_esx(rd, el[E_ESX], r)) < 0)
			goto done;
	}
done:
	attrs_free(&a);
	attrs_free(&names);
	if (driver != NULL)
		xmlFree(driver);
	if (group != NULL)
		xmlFree(group);
	return error;
}

static const char *const finding_attrs[] = { "rule", "severity", "device",
	"line", NULL };

static int
read_finding(const struct rd *rd, vifs_inventory *inv, xmlNodePtr n)
{
	struct attrs a;
	struct vifs_pciaddr dev;
	enum vifs_lint_severity sev;
	unsigned long long line = 0;
	xmlChar *msg = NULL;
	const char *rule, *s;
	int has_dev = 0, error;

	if ((error = attrs_load(rd, n, finding_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "rule", &rule)) < 0 ||
	    (error = need(rd, n, &a, "severity", &s)) < 0)
		goto done;
	if (rule[0] == '\0') {
		error = fail(rd, n, "empty rule");
		goto done;
	}
	if (strcmp(s, "error") == 0)
		sev = VIFS_LINT_ERROR;
	else if (strcmp(s, "warning") == 0)
		sev = VIFS_LINT_WARNING;
	else {
		error = fail(rd, n, "severity '%s' is not error or warning", s);
		goto done;
	}
	if ((s = attrs_get(&a, "device")) != NULL) {
		if ((error = parse_addr(rd, n, "device", s, &dev)) < 0)
			goto done;
		has_dev = 1;
	}
	if ((s = attrs_get(&a, "line")) != NULL &&
	    (error = parse_dec(rd, n, "line", s, 1, UINT32_MAX, &line)) < 0)
		goto done;
	if ((error = text_of(rd, n, &msg)) < 0)
		goto done;
	error = inv_finding_add(inv, rule, sev, has_dev ? &dev : NULL,
	    (size_t)line, "%s", (const char *)msg);
done:
	attrs_free(&a);
	if (msg != NULL)
		xmlFree(msg);
	return error;
}

static const char *const inventory_attrs[] = { "version", "generator",
	"created", NULL };
static const char *const source_attrs[] = { "kind", "path", "host", NULL };
static const char *const path_attrs[] = { "path", NULL };

static int
read_list(const struct rd *rd, vifs_inventory *inv, xmlNodePtr n,
    const char *item, size_t *count)
{
	static const char *const count_attrs[] = { "count", NULL };
	unsigned long long want;
	struct attrs a;
	xmlNodePtr pos = n->children, c;
	const char *s;
	int error;

	*count = 0;
	if ((error = attrs_load(rd, n, count_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "count", &s)) < 0 ||
	    (error = parse_dec(rd, n, "count", s, 0, UINT32_MAX, &want)) < 0)
		goto done;
	for (;;) {
		if ((error = next_elem(rd, &pos, &c)) < 0)
			goto done;
		if (c == NULL)
			break;
		if (!is_named(c, item)) {
			error = fail(rd, c, "unexpected <%s> in <%s>",
			    (const char *)c->name, (const char *)n->name);
			goto done;
		}
		error = strcmp(item, "device") == 0 ? read_device(rd, inv, c) :
		                                      read_finding(rd, inv, c);
		if (error < 0)
			goto done;
		(*count)++;
	}
	if (*count != want)
		error = fail(rd, n, "count says %llu but there are %zu", want,
		    *count);
done:
	attrs_free(&a);
	return error;
}

static int
read_path_elem(const struct rd *rd, vifs_inventory *inv, xmlNodePtr n,
    enum inv_info_str which)
{
	struct attrs a;
	const char *s;
	int error;

	if ((error = attrs_load(rd, n, path_attrs, &a)) < 0 ||
	    (error = need(rd, n, &a, "path", &s)) < 0 ||
	    (error = inv_info_set_str(inv, which, s)) < 0)
		goto done;
	error = no_children(rd, n);
done:
	attrs_free(&a);
	return error;
}

static int
read_root(const struct rd *rd, vifs_inventory *inv, xmlNodePtr root)
{
	struct attrs a, src;
	struct vifs_inv_info info;
	xmlNodePtr pos, c;
	const char *s;
	size_t n;
	int error;

	memset(&src, 0, sizeof(src));
	memset(&info, 0, sizeof(info));
	info.created = -1;
	if (root == NULL || !is_named(root, "inventory"))
		return fail(rd, root, "the root element is not <inventory>");
	if ((error = attrs_load(rd, root, inventory_attrs, &a)) < 0 ||
	    (error = need(rd, root, &a, "version", &s)) < 0)
		goto done;
	if (strcmp(s, INVENTORY_VERSION) != 0) {
		error = fail(rd, root,
		    "inventory version '%s' is not " INVENTORY_VERSION, s);
		goto done;
	}
	info.generator = attrs_get(&a, "generator");
	if ((s = attrs_get(&a, "created")) != NULL &&
	    (error = parse_time(rd, root, s, &info.created)) < 0)
		goto done;

	pos = root->children;
	if ((error = next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c == NULL || !is_named(c, "source")) {
		error = fail(rd, c ? c : root,
		    "<inventory> must start with <source>");
		goto done;
	}
	if ((error = attrs_load(rd, c, source_attrs, &src)) < 0 ||
	    (error = need(rd, c, &src, "kind", &info.source)) < 0 ||
	    (error = no_children(rd, c)) < 0)
		goto done;
	info.source_path = attrs_get(&src, "path");
	info.host = attrs_get(&src, "host");
	if (vifs_inventory_set_info(inv, &info) < 0) {
		error = fail(rd, c, "%s", vifs_error_last());
		goto done;
	}
	if ((error = next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c != NULL && is_named(c, "esxconf")) {
		if ((error = read_path_elem(rd, inv, c, INV_I_ESXCONF)) < 0 ||
		    (error = next_elem(rd, &pos, &c)) < 0)
			goto done;
		inv->esx_applied = 1;
	}
	if (c != NULL && is_named(c, "passthru-map")) {
		if ((error = read_path_elem(rd, inv, c, INV_I_PASSTHRU_MAP)) <
		        0 ||
		    (error = next_elem(rd, &pos, &c)) < 0)
			goto done;
	}
	if (c == NULL || !is_named(c, "devices")) {
		error = fail(rd, c ? c : root, "<devices> expected");
		goto done;
	}
	if ((error = read_list(rd, inv, c, "device", &n)) < 0 ||
	    (error = next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c == NULL || !is_named(c, "findings")) {
		error = fail(rd, c ? c : root, "<findings> expected");
		goto done;
	}
	if ((error = read_list(rd, inv, c, "finding", &n)) < 0 ||
	    (error = next_elem(rd, &pos, &c)) < 0)
		goto done;
	if (c != NULL) {
		error = fail(rd, c, "unexpected <%s> after <findings>",
		    (const char *)c->name);
		goto done;
	}
	error = inv_roles_apply(inv);
done:
	attrs_free(&a);
	attrs_free(&src);
	return error;
}

int
vifs_inventory_parse(vifs_inventory **out, const char *name, const char *buf,
    size_t len)
{
	struct rd rd;
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
		error = fail(&rd, NULL, "a DTD is not allowed in an inventory");
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
