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

int
vifs_json_nomem(void)
{
	return vifs_error_set(VIFS_ENOMEM, "out of memory");
}

int
vifs_json_put(json_t *obj, const char *name, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, name, v) != 0)
		return vifs_json_nomem();
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
		return vifs_json_put(obj, name, v);
	if ((hex = malloc(2 * len + 1)) == NULL ||
	    (enc = malloc(strlen(name) + sizeof("_encoding"))) == NULL) {
		error = vifs_json_nomem();
		goto done;
	}
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)s[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	hex[2 * len] = '\0';
	sprintf(enc, "%s_encoding", name);
	if ((error = vifs_json_put(obj, name, json_string(hex))) < 0)
		goto done;
	error = vifs_json_put(obj, enc, json_string("hex"));
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
	return vifs_json_put(obj, name, json_integer((json_int_t)n));
}

int
vifs_json_set_bool(json_t *obj, const char *name, int b)
{
	return vifs_json_put(obj, name, json_boolean(b));
}

int
vifs_json_set_addr(json_t *obj, const char *name, const struct vifs_pciaddr *a)
{
	char buf[VIFS_PCIADDR_MAX];
	int error;

	if ((error = vifs_pciaddr_format(buf, sizeof(buf), a, VIFS_PCI_LINUX)) <
	    0)
		return error;
	return vifs_json_put(obj, name, json_string(buf));
}

int
vifs_json_append(json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		return vifs_json_nomem();
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
		return vifs_json_nomem();
	len = strlen(text);
	if ((*out = malloc(len + 2)) == NULL) {
		free(text);
		return vifs_json_nomem();
	}
	memcpy(*out, text, len);
	(*out)[len] = '\n';
	(*out)[len + 1] = '\0';
	free(text);
	if (out_len)
		*out_len = len + 1;
	return VIFS_OK;
}

int
vifs_json_finish(char **out, size_t *out_len, json_t *root, int error)
{
	if (error == 0)
		error = vifs_json_take(out, out_len, root);
	json_decref(root);
	return error;
}

int
vifs_json_compact(char **out, const json_t *v)
{
	*out = json_dumps(v,
	    JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	return *out == NULL ? vifs_json_nomem() : VIFS_OK;
}

/* Appends the members of OBJ to B, one a line, each line but the last
 * ending with a comma: "  \"key\": compact value". */
static int
members(struct vifs_buf *b, json_t *obj)
{
	const char *key;
	json_t *v;
	char *k = NULL, *text = NULL;
	size_t i = 0, n = json_object_size(obj);
	int error = 0;

	json_object_foreach(obj, key, v)
	{
		json_t *ks = json_string(key);

		error = ks == NULL ? vifs_json_nomem() :
		                     vifs_json_compact(&k, ks);
		json_decref(ks);
		if (error == 0 && (error = vifs_json_compact(&text, v)) == 0)
			error = vifs_buf_printf(b, "  %s: %s%s", k, text,
			    ++i < n ? ",\n" : "");
		free(k);
		free(text);
		k = text = NULL;
		if (error < 0)
			break;
	}
	return error;
}

static int
detach(char **out, struct vifs_buf *b, int error)
{
	if (error == 0 && (*out = vifs_buf_detach(b, NULL)) == NULL)
		error = vifs_json_nomem();
	vifs_buf_free(b);
	return error;
}

int
vifs_json_stream_start(char **out, json_t *head, const char *array)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	json_t *name;
	char *text = NULL;
	int error;

	*out = NULL;
	if ((name = json_string(array)) == NULL)
		return vifs_json_nomem();
	if ((error = vifs_json_compact(&text, name)) == 0 &&
	    (error = vifs_buf_puts(&b, "{\n")) == 0 &&
	    (error = members(&b, head)) == 0)
		error = vifs_buf_printf(&b, "%s  %s: [",
		    json_object_size(head) ? ",\n" : "", text);
	free(text);
	json_decref(name);
	return detach(out, &b, error);
}

int
vifs_json_stream_item(char **out, size_t index, const json_t *item)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	char *text = NULL;
	int error;

	*out = NULL;
	if ((error = vifs_json_compact(&text, item)) == 0)
		error = vifs_buf_printf(&b, "%s\n    %s", index ? "," : "",
		    text);
	free(text);
	return detach(out, &b, error);
}

int
vifs_json_stream_end(char **out, json_t *tail)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = vifs_buf_puts(&b, "\n  ]")) == 0 &&
	    json_object_size(tail) > 0 &&
	    (error = vifs_buf_puts(&b, ",\n")) == 0)
		error = members(&b, tail);
	if (error == 0)
		error = vifs_buf_puts(&b, "\n}\n");
	return detach(out, &b, error);
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
