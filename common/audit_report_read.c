/*
 * audit_report_read.c - an audit report read back with libxml2's
 * streaming reader (or as JSON, audit_json.c): the hosts that failed, for
 * --retry-failed.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/file.h>

#include "audit_int.h"
#include "internal.h"
#include "xmlquiet.h"

#define HOSTNAME_MAX 1024

void
vifs_audit_hosts_free(char **hosts)
{
	if (hosts == NULL)
		return;
	for (char **p = hosts; *p != NULL; p++)
		free(*p);
	free(hosts);
}

struct hostv {
	char **v;
	size_t n, cap;
};

static int
hostv_add(struct hostv *hv, const char *s)
{
	if (hv->n + 1 >= hv->cap) {
		size_t cap = hv->cap ? hv->cap * 2 : 16;
		char **p = realloc(hv->v, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		hv->v = p;
		hv->cap = cap;
	}
	if ((hv->v[hv->n] = vifs_strdup(s)) == NULL)
		return VIFS_ENOMEM;
	hv->v[++hv->n] = NULL;
	return VIFS_OK;
}

static int
reader_fail(xmlTextReaderPtr rd, const char *what)
{
	return vifs_error_set(VIFS_EPARSE, "audit report:%d: %s",
	    xmlTextReaderGetParserLineNumber(rd), what);
}

/* The attribute NAME of the element under RD, or NULL; caller frees
 * with xmlFree. */
static char *
get_attr(xmlTextReaderPtr rd, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
}

/* Reads the host element under RD; adds its name when it failed. */
static int
read_host(xmlTextReaderPtr rd, struct hostv *hv)
{
	char *name = get_attr(rd, "name"), *status = get_attr(rd, "status");
	int error = 0;

	if (name == NULL || status == NULL) {
		error = reader_fail(rd, "a host without name or status");
		goto done;
	}
	if (strlen(name) == 0 || strlen(name) > HOSTNAME_MAX) {
		error = reader_fail(rd,
		    "a host name that is empty or too "
		    "long");
		goto done;
	}
	if (strcmp(status, "failed") == 0 || strcmp(status, "skipped") == 0)
		error = hostv_add(hv, name);
	else if (strcmp(status, "ok") != 0 && strcmp(status, "drift") != 0)
		error = reader_fail(rd,
		    "a host status that is none of ok, "
		    "drift, failed, skipped");
done:
	xmlFree(name);
	xmlFree(status);
	return error;
}

int
vifs_audit_report_failed_parse(char ***out, size_t *count, const char *buf,
    size_t len)
{
	struct hostv hv = { NULL, 0, 0 };
	struct vifs_xml_quiet q;
	xmlTextReaderPtr rd = NULL;
	int error = 0, rc, root = 0;

	*out = NULL;
	*count = 0;
	if (buf == NULL || len == 0)
		return vifs_error_set(VIFS_EPARSE, "audit report: empty");
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '{')
			return audit_json_failed(out, count, buf, len);
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r')
			break;
	}
	if (len > INT32_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "audit report: too big");
	vifs_xml_quiet_begin(&q);
	rd = xmlReaderForMemory(buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		const char *name = (const char *)xmlTextReaderConstLocalName(
		    rd);

		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			error = reader_fail(rd, "a DTD is not allowed");
			goto done;
		}
		if (type != XML_READER_TYPE_ELEMENT || name == NULL)
			continue;
		if (depth == 0) {
			char *version = get_attr(rd, "version");
			int ok = strcmp(name, "audit") == 0 &&
			    version != NULL && strcmp(version, "1") == 0;

			xmlFree(version);
			if (!ok) {
				error = reader_fail(rd,
				    "not a vifs audit "
				    "report (version 1)");
				goto done;
			}
			root = 1;
		} else if (depth == 1 && strcmp(name, "host") == 0) {
			if ((error = read_host(rd, &hv)) < 0)
				goto done;
		}
	}
	if (rc < 0) {
		error = reader_fail(rd, "not well-formed XML");
		goto done;
	}
	if (!root)
		error = vifs_error_set(VIFS_EPARSE,
		    "audit report: no <audit> "
		    "element");
done:
	if (rd != NULL)
		xmlFreeTextReader(rd);
	vifs_xml_quiet_end(&q);
	if (error < 0) {
		vifs_audit_hosts_free(hv.v);
		return error;
	}
	if (hv.v == NULL && (hv.v = calloc(1, sizeof(*hv.v))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*out = hv.v;
	*count = hv.n;
	return VIFS_OK;
}

int
vifs_audit_report_failed(char ***out, size_t *count, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	*count = 0;
	if ((error = vifs_file_read(&buf, &len, path)) < 0)
		return error;
	error = vifs_audit_report_failed_parse(out, count, buf, len);
	/* "audit report:LINE: ..." names the file instead; the rest is
	 * copied before the message is written over. */
	if (error < 0 && vifs_error_last_code() == error &&
	    strncmp(vifs_error_last(), "audit report", 12) == 0) {
		char rest[1024];

		snprintf(rest, sizeof(rest), "%s", vifs_error_last() + 12);
		error = vifs_error_set(error, "%s%s", path, rest);
	}
	free(buf);
	return error;
}
