/*
 * buf.c - growable byte buffer used by the serializers of libvifs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
vifs_buf_grow(struct vifs_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 - b->len - 1)
		return vifs_error_set(VIFS_ENOMEM, "buffer size overflow");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return VIFS_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	b->data = p;
	b->cap = cap;
	return VIFS_OK;
}

int
vifs_array_grow(void *arrayp, size_t *cap, size_t need, size_t size)
{
	void *old, *p;
	size_t n;

	if (need <= *cap)
		return VIFS_OK;
	n = *cap ? *cap : 16;
	while (n < need)
		n = n > (size_t)-1 / 2 ? need : n * 2;
	if (size == 0 || n > (size_t)-1 / size)
		return vifs_error_set(VIFS_ENOMEM, "array size overflow");
	memcpy(&old, arrayp, sizeof(old));
	if ((p = realloc(old, n * size)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	memcpy(arrayp, &p, sizeof(p));
	*cap = n;
	return VIFS_OK;
}

int
vifs_buf_add(struct vifs_buf *b, const void *p, size_t len)
{
	int error;

	if ((error = vifs_buf_grow(b, len)) < 0)
		return error;
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return VIFS_OK;
}

int
vifs_buf_puts(struct vifs_buf *b, const char *s)
{
	return vifs_buf_add(b, s, strlen(s));
}

int
vifs_buf_putc(struct vifs_buf *b, char c)
{
	return vifs_buf_add(b, &c, 1);
}

int
vifs_buf_printf(struct vifs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return vifs_error_set(VIFS_EINVAL, "bad format");
	if ((error = vifs_buf_grow(b, (size_t)n)) < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return VIFS_OK;
}

char *
vifs_buf_detach(struct vifs_buf *b, size_t *len)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
vifs_buf_free(struct vifs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
vifs_strdup(const char *s)
{
	return vifs_strndup(s, strlen(s));
}

char *
vifs_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL) {
		vifs_error_set(VIFS_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
