/*
 * xmlquiet.h - keeps libxml2 from printing while libvifs parses or writes
 * XML and HTML; not installed.
 *
 * Parser options such as XML_PARSE_NOERROR silence the parser context,
 * but encoding and output errors still go to libxml2's per-thread generic
 * handler, which prints to stderr.  The library never prints, so calls
 * into libxml2 are bracketed by quiet_begin/quiet_end, which install
 * handlers that drop messages and then restore the caller's.
 */
#ifndef VIFS_XMLQUIET_H
#define VIFS_XMLQUIET_H

#include <libxml/xmlerror.h>

struct vifs_xml_quiet {
	xmlGenericErrorFunc generic;
	void *generic_ctx;
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
};

void vifs_xml_quiet_begin(struct vifs_xml_quiet *q);
void vifs_xml_quiet_end(const struct vifs_xml_quiet *q);

#endif
