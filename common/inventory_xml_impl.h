/*
 * inventory_xml_impl.h - what the pieces of the inventory's XML reader
 * share: the document being read, checked steps through its elements and
 * attributes, and the reading of one <device>.
 */
#ifndef VIFS_INVENTORY_XML_IMPL_H
#define VIFS_INVENTORY_XML_IMPL_H

#include <libxml/tree.h>

#include "inventory_impl.h"

#define INVENTORY_VERSION "1"

/* The document being read and the name its errors carry. */
struct inv_xml_rd {
	const char *name;
	xmlDocPtr doc;
};

/* Records VIFS_EPARSE with the name and NODE's line (NODE may be NULL). */
int inv_xml_fail(const struct inv_xml_rd *rd, xmlNodePtr node, const char *fmt,
    ...) VIFS_PRINTF(3, 4);

/* Whether N is the element NAME outside any namespace. */
int inv_xml_is_named(xmlNodePtr n, const char *name);

/*
 * The next child element from *pos on: blanks, comments and processing
 * instructions are skipped, other text is an error.  NULL at the end.
 */
int inv_xml_next_elem(const struct inv_xml_rd *rd, xmlNodePtr *pos,
    xmlNodePtr *out);

/* Attributes of one element, checked against the names it may have. */
#define INV_XML_MAX_ATTRS 12

struct inv_xml_attrs {
	const char *const *names;
	xmlChar *val[INV_XML_MAX_ATTRS];
};

void inv_xml_attrs_free(struct inv_xml_attrs *a);
int inv_xml_attrs_load(const struct inv_xml_rd *rd, xmlNodePtr node,
    const char *const *names, struct inv_xml_attrs *a);
const char *inv_xml_attrs_get(const struct inv_xml_attrs *a, const char *name);
/* Attribute NAME into *out, an error when it is missing. */
int inv_xml_need(const struct inv_xml_rd *rd, xmlNodePtr node,
    const struct inv_xml_attrs *a, const char *name, const char **out);

/* Exactly DIGITS lower-case hex digits. */
int inv_xml_hex(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, size_t digits, unsigned *out);
/* A decimal number from MIN to MAX without sign or leading zeros. */
int inv_xml_dec(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out);
int inv_xml_addr(const struct inv_xml_rd *rd, xmlNodePtr node, const char *name,
    const char *s, struct vifs_pciaddr *out);
int inv_xml_yes_no(const struct inv_xml_rd *rd, xmlNodePtr node,
    const char *name, const char *s, int *out);
/* "YYYY-MM-DDTHH:MM:SSZ", as the writer gives it. */
int inv_xml_time(const struct inv_xml_rd *rd, xmlNodePtr node, const char *s,
    long long *out);
/* The text of NODE, which may hold only text. */
int inv_xml_text(const struct inv_xml_rd *rd, xmlNodePtr node, xmlChar **out);
/* An error when NODE holds an element or text. */
int inv_xml_no_children(const struct inv_xml_rd *rd, xmlNodePtr node);

/* One <device> element N into INV. */
int inv_xml_read_device(const struct inv_xml_rd *rd, vifs_inventory *inv,
    xmlNodePtr n);

#endif
