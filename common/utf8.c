/*
 * utf8.c - strict UTF-8 decoding (RFC 3629) for the text formats of
 * libvifs.
 */
#include <string.h>

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
vifs_utf8_xml_safe(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		uint32_t c;
		int n = vifs_utf8_next(s, len, &c);

		if (n < 0)
			return 0;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		if (c == 0xfffe || c == 0xffff)
			return 0;
		s += n;
		len -= (size_t)n;
	}
	return 1;
}
