/*
 * json.c - the jansson helpers the JSON writers of libvifs share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vifs/error.h>

#include "internal.h"
#include "json_int.h"

static int
nomem(void)
{
	return vifs_error_set(VIFS_ENOMEM, "out of memory");
}

static int
set_new(json_t *obj, const char *name, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, name, v) != 0)
		return nomem();
	return VIFS_OK;
}

int
vifs_json_set_bytes(json_t *obj, const char *name, const char *s, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	char *hex = NULL, *enc = NULL;
	json_t *v;
	int error = 0;

	if (s == NULL)
		return VIFS_OK;
	/* jansson accepts only valid UTF-8: that is the test. */
	if ((v = json_stringn(s, len)) != NULL)
		return set_new(obj, name, v);
	if ((hex = malloc(2 * len + 1)) == NULL ||
	    (enc = malloc(strlen(name) + sizeof("_encoding"))) == NULL) {
		error = nomem();
		goto done;
	}
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)s[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	hex[2 * len] = '\0';
	sprintf(enc, "%s_encoding", name);
	if ((error = set_new(obj, name, json_string(hex))) < 0)
		goto done;
	error = set_new(obj, enc, json_string("hex"));
done:
	free(hex);
	free(enc);
	return error;
}

int
vifs_json_set_str(json_t *obj, const char *name, const char *s)
{
	return s == NULL ? VIFS_OK :
	                   vifs_json_set_bytes(obj, name, s, strlen(s));
}

int
vifs_json_set_uint(json_t *obj, const char *name, unsigned long long n)
{
	return set_new(obj, name, json_integer((json_int_t)n));
}

int
vifs_json_set_bool(json_t *obj, const char *name, int b)
{
	return set_new(obj, name, json_boolean(b));
}

int
vifs_json_set_addr(json_t *obj, const char *name, const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];
	int error;

	if ((error = vifs_pciaddr_format(buf, sizeof(buf), a, VIFS_PCI_LINUX)) <
	    0)
		return error;
	return set_new(obj, name, json_string(buf));
}

int
vifs_json_append(json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		return nomem();
	return VIFS_OK;
}

int
vifs_json_take(char **out, size_t *out_len, const json_t *root)
{
	char *text;
	size_t len;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL)
		return nomem();
	len = strlen(text);
	if ((*out = malloc(len + 2)) == NULL) {
		free(text);
		return nomem();
	}
	memcpy(*out, text, len);
	(*out)[len] = '\n';
	(*out)[len + 1] = '\0';
	free(text);
	if (out_len)
		*out_len = len + 1;
	return VIFS_OK;
}

void
vifs_json_utc(char buf[32], long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}
