/*
 * utf8.c - strict UTF-8 decoding (RFC 3629) and the one XML-safe text
 * check and escape of libvifs.
 */
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>

#include "internal.h"
#include "utf8.h"

int
vifs_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	int n;

	if (len == 0)
		return -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1fu;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0fu;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07u;
		min = 0x10000;
	} else {
		return -1;
	}
	if (len < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

int
vifs_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

int
vifs_xml_text_ok(const char *s, size_t len)
{
	while (len > 0) {
		uint32_t c;
		int n = vifs_utf8_next(s, len, &c);

		if (n < 0 || !vifs_xml_char(c))
			return 0;
		s += n;
		len -= (size_t)n;
	}
	return 1;
}

int
vifs_utf8_xml_safe(const char *s)
{
	return vifs_xml_text_ok(s, strlen(s));
}

int
vifs_xml_escape(struct vifs_buf *b, const char *s, size_t len)
{
	int error;

	b->len = 0;
	if ((error = vifs_buf_grow(b, len)) < 0)
		return error;
	b->data[0] = '\0';
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = vifs_utf8_next(s + i, len - i, &cp);

		if (n > 0 && cp != '|' && vifs_xml_char(cp)) {
			if ((error = vifs_buf_add(b, s + i, (size_t)n)) < 0)
				return error;
			i += (size_t)n;
			continue;
		}
		if ((error = vifs_buf_printf(b, "|%02X", (unsigned char)s[i])) <
		    0)
			return error;
		i++;
	}
	return VIFS_OK;
}

int
vifs_xml_write(struct _xmlTextWriter *w, struct vifs_buf *tmp, const char *name,
    const char *s, size_t len)
{
	int error, rc;

	if ((error = vifs_xml_escape(tmp, s, len)) < 0)
		return error;
	if (name != NULL)
		rc = xmlTextWriterWriteAttribute(w, (const xmlChar *)name,
		    (const xmlChar *)tmp->data);
	else
		rc = xmlTextWriterWriteString(w, (const xmlChar *)tmp->data);
	if (rc < 0)
		return vifs_error_set(VIFS_EIO, "the XML writer failed on %s",
		    name ? name : "text");
	return VIFS_OK;
}
