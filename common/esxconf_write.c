/*
 * esxconf_write.c - writing an esx.conf model out: the byte-exact
 * serialization, saving to a file, and the XML form with its hex fallback.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>

#include "esxconf_int.h"
#include "internal.h"
#include "utf8.h"
/* --- output ----------------------------------------------------------- */

/* Appends pieces to a buffer, joining those that follow each other in
 * memory into one copy. */
struct emitter {
	struct vifs_buf *b;
	const char *run;
	size_t len;
};

static int
emit(struct emitter *e, const char *p, size_t n)
{
	int error;

	if (e->run != NULL && e->run + e->len == p) {
		e->len += n;
		return VIFS_OK;
	}
	if (e->run != NULL && (error = vifs_buf_add(e->b, e->run, e->len)) < 0)
		return error;
	e->run = p;
	e->len = n;
	return VIFS_OK;
}

int
vifs_esxconf_serialize(char **out, size_t *out_len, const vifs_esxconf *doc)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct emitter e = { &b, NULL, 0 };
	const struct core *c;
	struct walk w;
	uint32_t id;
	int error;

	if (out == NULL || out_len == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	*out_len = 0;
	c = doc->c;
	if ((error = vifs_buf_grow(&b, c->base_len + 64)) < 0)
		goto done;
	walk_init(&w, 0);
	while ((id = walk_next(c, &w)) != NONE) {
		const struct rec *r = rec_of(c, id);
		unsigned eol = rec_eol(r);

		if (r->word & F_OWNED) {
			if ((error = emit(&e, rec_text(c, r), r->len)) < 0 ||
			    (error = emit(&e, eol_str(eol), eol_len(eol))) < 0)
				goto done;
		} else if ((error = emit(&e, rec_text(c, r),
		                r->len + eol_len(eol))) < 0) {
			goto done;
		}
	}
	if (e.run != NULL && (error = vifs_buf_add(&b, e.run, e.len)) < 0)
		goto done;
	b.data[b.len] = '\0';
	*out = vifs_buf_detach(&b, out_len);
done:
	vifs_buf_free(&b);
	return error;
}

int
vifs_esxconf_save(const vifs_esxconf *doc, const char *path)
{
	char *data = NULL;
	size_t len;
	int error;

	if (doc == NULL || path == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no path");
	if ((error = vifs_esxconf_serialize(&data, &len, doc)) < 0)
		return error;
	error = vifs_file_write_atomic(path, data, len, 0644);
	free(data);
	return error;
}

/* --- XML -------------------------------------------------------------- */

#define XC(s) ((const xmlChar *)(s))

static char *
hex_of(const char *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out;
	size_t i;

	if (len > ((size_t)-1 - 1) / 2 || (out = malloc(2 * len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[(unsigned char)p[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)p[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}

/* Writes LEN bytes of P, known to be XML-safe (hence NUL-free), as a
 * NUL-terminated string. */
static int
write_plain(xmlTextWriterPtr w, const char *attr, const char *p, size_t len)
{
	char *copy = vifs_strndup(p, len);
	int rc;

	if (copy == NULL)
		return VIFS_ENOMEM;
	if (attr != NULL)
		rc = xmlTextWriterWriteAttribute(w, XC(attr), XC(copy));
	else
		rc = xmlTextWriterWriteString(w, XC(copy));
	free(copy);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_attr(xmlTextWriterPtr w, const char *name, const char *value,
    size_t len)
{
	char attr[64];
	char *hex;
	int rc;

	if (vifs_xml_text_ok(value, len))
		return write_plain(w, name, value, len);
	if ((hex = hex_of(value, len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	snprintf(attr, sizeof(attr), "%s-encoding", name);
	rc = xmlTextWriterWriteAttribute(w, XC(name), XC(hex));
	if (rc >= 0)
		rc = xmlTextWriterWriteAttribute(w, XC(attr), XC("hex"));
	free(hex);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_text(xmlTextWriterPtr w, const char *p, size_t len)
{
	char *hex;
	int rc;

	if (len == 0)
		return VIFS_OK;
	if (vifs_xml_text_ok(p, len))
		return write_plain(w, NULL, p, len);
	if ((hex = hex_of(p, len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	rc = xmlTextWriterWriteString(w, XC(hex));
	free(hex);
	return rc < 0 ? vifs_error_set(VIFS_ENOMEM, "XML writer failed") :
	                VIFS_OK;
}

int
esxconf_xml_take(char **out, size_t *out_len, xmlBufferPtr buf)
{
	const xmlChar *content = xmlBufferContent(buf);
	int n = xmlBufferLength(buf);

	if (content == NULL || n < 0)
		return vifs_error_set(VIFS_ENOMEM, "XML writer failed");
	if ((*out = vifs_strndup((const char *)content, (size_t)n)) == NULL)
		return VIFS_ENOMEM;
	*out_len = (size_t)n;
	return VIFS_OK;
}

struct xml_ctx {
	xmlTextWriterPtr w;
};

static int
xml_entry(const struct vifs_esxconf_line *line, void *payload)
{
	struct xml_ctx *x = payload;
	char *value = NULL;
	size_t len;
	int error, ok;

	if ((error = vifs_esxconf_unescape(&value, &len, line->raw_value,
	         line->raw_value_len)) < 0)
		return error;
	ok = vifs_xml_text_ok(value, len);
	if (xmlTextWriterStartElement(x->w, XC("entry")) < 0 ||
	    xmlTextWriterWriteFormatAttribute(x->w, XC("line"), "%zu",
	        line->lineno) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_attr(x->w, "key", line->key, line->key_len)) <
	    0)
		goto done;
	if (xmlTextWriterWriteAttribute(x->w, XC("quoted"),
	        XC(line->quoted ? "true" : "false")) < 0 ||
	    (!ok &&
	        xmlTextWriterWriteAttribute(x->w, XC("encoding"), XC("hex")) <
	            0)) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_text(x->w, value, len)) < 0)
		goto done;
	if (xmlTextWriterEndElement(x->w) < 0)
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
done:
	free(value);
	return error;
}

int
vifs_esxconf_to_xml(char **out, size_t *out_len, const vifs_esxconf *doc,
    const char *prefix)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	struct xml_ctx x;
	int error = 0;

	if (out == NULL || out_len == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no document");
	*out = NULL;
	*out_len = 0;
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, XC("  ")) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XC("esxconf")) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	if ((error = esxconf_xml_attr(w, "file", doc->name,
	         strlen(doc->name))) < 0)
		goto done;
	if (prefix != NULL && *prefix != '\0' &&
	    (error = esxconf_xml_attr(w, "prefix", prefix, strlen(prefix))) < 0)
		goto done;
	x.w = w;
	if ((error = vifs_esxconf_foreach(doc, prefix, xml_entry, &x)) < 0)
		goto done;
	if (xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndDocument(w) < 0) {
		error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
		goto done;
	}
	xmlFreeTextWriter(w);
	w = NULL;
	error = esxconf_xml_take(out, out_len, buf);
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return error;
}
