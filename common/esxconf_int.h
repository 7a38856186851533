/*
 * esxconf_int.h - functions shared by esxconf.c and esxconf_lint.c; not
 * installed.
 */
#ifndef VIFS_ESXCONF_INT_H
#define VIFS_ESXCONF_INT_H

#include <stddef.h>

#include <libxml/xmlwriter.h>

#include <vifs/esxconf.h>

/* Why a line is MALFORMED (ESXCONF_WELL_FORMED for the other kinds). */
enum esxconf_why {
	ESXCONF_WELL_FORMED = 0,
	ESXCONF_NO_KEY, /* '=' with nothing before it */
	ESXCONF_NO_EQUALS, /* a key not followed by '=' */
	ESXCONF_OPEN_QUOTE, /* '"' without a closing '"' */
	ESXCONF_TRAILING, /* text after the value that is no comment */
};

/* One line taken apart; offsets are relative to the start of the text. */
struct esxconf_scan {
	enum vifs_esxconf_line_kind kind;
	enum esxconf_why why;
	size_t key_off, key_len;
	size_t val_off, val_len; /* raw value, without the quotes */
	int quoted;
};

/* Classifies LEN bytes of TEXT (one line without its ending). */
void esxconf_scan_line(struct esxconf_scan *out, const char *text, size_t len);

/*
 * Writes attribute NAME with LEN bytes of VALUE on W.  Text that
 * vifs_xml_text_ok() refuses is written as upper-case hex instead, followed
 * by a second attribute NAME-encoding="hex".  Returns 0 or VIFS_ENOMEM.
 */
int esxconf_xml_attr(xmlTextWriterPtr w, const char *name, const char *value,
    size_t len);

/*
 * Writes LEN bytes of P as the text of the element open on W; text that
 * vifs_xml_text_ok() refuses becomes upper-case hex.  The caller writes the
 * encoding="hex" attribute first when vifs_xml_text_ok(P, LEN) is 0.
 */
int esxconf_xml_text(xmlTextWriterPtr w, const char *p, size_t len);

/*
 * Turns the memory buffer BUF of a finished writer into a new malloc'ed,
 * NUL-terminated string *out of *out_len bytes.
 */
int esxconf_xml_take(char **out, size_t *out_len, xmlBufferPtr buf);

#endif
