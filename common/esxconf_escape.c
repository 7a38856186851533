/*
 * esxconf_escape.c - esx.conf value escaping: the |XX form of bytes that
 * cannot stand in a quoted value, both ways.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "esxconf_int.h"
#include "internal.h"
/* --- escaping --------------------------------------------------------- */

/* Bytes written as |XX: control bytes but TAB, '"', '|', DEL
 * (open-vm-tools lib/dict/dictll.c, DictLL_MarshalLine). */
static int
needs_escape(unsigned char ch)
{
	return (ch < 0x20 && ch != '\t') || ch == '"' || ch == '|' ||
	    ch == 0x7f;
}

int
esxconf_escape_into(struct vifs_buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)value;
	const unsigned char *run = s;
	char e[3];
	int error;

	for (; *s != '\0'; s++) {
		if (!needs_escape(*s))
			continue;
		if ((error = vifs_buf_add(b, run, (size_t)(s - run))) < 0)
			return error;
		e[0] = '|';
		e[1] = hex[*s >> 4];
		e[2] = hex[*s & 15];
		if ((error = vifs_buf_add(b, e, 3)) < 0)
			return error;
		run = s + 1;
	}
	return vifs_buf_add(b, run, (size_t)(s - run));
}

int
vifs_esxconf_escape(char **out, const char *value)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (out == NULL || value == NULL)
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no value");
	*out = NULL;
	if ((error = vifs_buf_grow(&b, strlen(value))) < 0 ||
	    (error = esxconf_escape_into(&b, value)) < 0) {
		vifs_buf_free(&b);
		return error;
	}
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
vifs_esxconf_unescape(char **out, size_t *out_len, const char *raw, size_t len)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i, o = 0;
	char *p;

	if (out == NULL || out_len == NULL || (raw == NULL && len > 0))
		return vifs_error_set(VIFS_EINVAL, "esx.conf: no value");
	*out = NULL;
	*out_len = 0;
	if (len == (size_t)-1 || (p = malloc(len + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '|' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			p[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			p[o++] = (char)s[i];
		}
	}
	p[o] = '\0';
	*out = p;
	*out_len = o;
	return VIFS_OK;
}
