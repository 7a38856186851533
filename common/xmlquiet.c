/*
 * xmlquiet.c - silences libxml2's global error handlers around the
 * library's own calls, restoring the caller's afterwards.
 */
#include <libxml/globals.h>
#include <libxml/parser.h>

#include "xmlquiet.h"

static void
drop_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
drop_structured(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

void
vifs_xml_quiet_begin(struct vifs_xml_quiet *q)
{
	xmlInitParser();
	q->generic = xmlGenericError;
	q->generic_ctx = xmlGenericErrorContext;
	q->structured = xmlStructuredError;
	q->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, drop_generic);
	xmlSetStructuredErrorFunc(NULL, drop_structured);
}

void
vifs_xml_quiet_end(const struct vifs_xml_quiet *q)
{
	xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
	xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}
