/*
 * inventory_xml_nodes.c - the inventory reader's checked steps through
 * the tree: elements in order, the attributes an element may have,
 * hex and decimal numbers, addresses, yes/no, times and text.
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

int
inv_xml_fail(const struct inv_xml_rd *rd, xmlNodePtr node, const char *fmt, ...)
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

int
inv_xml_is_named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

/*
 * The next child element from *pos on: blanks, comments and processing
 * instructions are skipped, other text is an error.  NULL at the end.
 */
int
inv_xml_next_elem(const struct inv_xml_rd *rd, xmlNodePtr *pos, xmlNodePtr *out)
{
	xmlNodePtr n;

	for (n = *pos; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			break;
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			continue;
		if (n->type == XML_TEXT_NODE && xmlIsBlankNode(n))
			continue;
		return inv_xml_fail(rd, n->parent, "unexpected content in <%s>",
		    (const char *)n->parent->name);
	}
	if (n != NULL && n->ns != NULL)
		return inv_xml_fail(rd, n, "element <%s> in a namespace",
		    (const char *)n->name);
	*out = n;
	*pos = n ? n->next : NULL;
	return VIFS_OK;
}

void
inv_xml_attrs_free(struct inv_xml_attrs *a)
{
	for (size_t i = 0; i < INV_XML_MAX_ATTRS; i++) {
		if (a->val[i] != NULL)
			xmlFree(a->val[i]);
		a->val[i] = NULL;
	}
}

int
inv_xml_attrs_load(const struct inv_xml_rd *rd, xmlNodePtr node,
    const char *const *names, struct inv_xml_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->names = names;
	for (xmlAttrPtr p = node->properties; p != NULL; p = p->next) {
		size_t i;

		for (i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], (const char *)p->name) == 0)
				break;
		if (names[i] == NULL || p->ns != NULL)
			return inv_xml_fail(rd, node,
			    "<%s> has no attribute '%s'",
			    (const char *)node->name, (const char *)p->name);
		a->val[i] = xmlNodeListGetString(rd->doc, p->children, 1);
		if (a->val[i] == NULL)
			a->val[i] = xmlStrdup((const xmlChar *)"");
		if (a->val[i] == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	return VIFS_OK;
}

const char *
inv_xml_attrs_get(const struct inv_xml_attrs *a, const char *name)
{
	for (size_t i = 0; a->names[i] != NULL; i++)
		if (strcmp(a->names[i], name) == 0)
			return (const char *)a->val[i];
	return NULL;
}

int
inv_xml_need(const struct inv_xml_rd *rd, xmlNodePtr node,
    const struct inv_xml_attrs *a, const char *name, const char **out)
{
	if ((*out = inv_xml_attrs_get(a, name)) == NULL)
		return inv_xml_fail(rd, node, "<%s> needs attribute '%s'",
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
int
inv_xml_hex(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, size_t digits, unsigned *out)
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
	return inv_xml_fail(rd, node, "%s '%s' is not %zu hex digits", name, s,
	    digits);
}

/* A decimal number from MIN to MAX without sign or leading zeros. */
int
inv_xml_dec(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out)
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
	return inv_xml_fail(rd, node,
	    "%s '%s' is not a number from %llu to %llu", name, s, min, max);
}

int
inv_xml_addr(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, struct vifs_pciaddr *out)
{
	if (vifs_pciaddr_parse(out, NULL, s, VIFS_PCI_LINUX) < 0)
		return inv_xml_fail(rd, node,
		    "%s '%s' is no PCI address (0000:00:1b.0)", name, s);
	return VIFS_OK;
}

int
inv_xml_yes_no(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, int *out)
{
	if (strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0)
		*out = 0;
	else
		return inv_xml_fail(rd, node, "%s '%s' is not yes or no", name,
		    s);
	return VIFS_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as the writer gives it. */
int
inv_xml_time(const struct inv_xml_rd *rd, xmlNodePtr node, const char *s,
    long long *out)
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
	return inv_xml_fail(rd, node,
	    "created '%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ", s);
}

/* The text of NODE, which may hold only text. */
int
inv_xml_text(const struct inv_xml_rd *rd, xmlNodePtr node, xmlChar **out)
{
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE)
			return inv_xml_fail(rd, node, "<%s> may hold only text",
			    (const char *)node->name);
	if ((*out = xmlNodeGetContent(node)) == NULL &&
	    (*out = xmlStrdup((const xmlChar *)"")) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

int
inv_xml_no_children(const struct inv_xml_rd *rd, xmlNodePtr node)
{
	xmlNodePtr pos = node->children, c = NULL;
	int error;

	if ((error = inv_xml_next_elem(rd, &pos, &c)) < 0)
		return error;
	if (c != NULL)
		return inv_xml_fail(rd, c, "unexpected <%s> in <%s>",
		    (const char *)c->name, (const char *)node->name);
	return VIFS_OK;
}
