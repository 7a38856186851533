/*
 * internal.h - helpers shared by the modules of libvifs; not installed.
 */
#ifndef VIFS_INTERNAL_H
#define VIFS_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include <vifs/error.h>

/* A growable byte buffer; always NUL-terminated when data != NULL. */
struct vifs_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define VIFS_BUF_INIT \
	{ \
		NULL, 0, 0 \
	}

/* Makes room for EXTRA more bytes (plus the NUL); VIFS_ENOMEM on failure. */
int vifs_buf_grow(struct vifs_buf *b, size_t extra);
/* Appends LEN bytes of P. */
int vifs_buf_add(struct vifs_buf *b, const void *p, size_t len);
/* Appends the string S. */
int vifs_buf_puts(struct vifs_buf *b, const char *s);
/* Appends one byte. */
int vifs_buf_putc(struct vifs_buf *b, char c);
/* Appends formatted text. */
int vifs_buf_printf(struct vifs_buf *b, const char *fmt, ...) VIFS_PRINTF(2, 3);
/* Hands the data to the caller (who frees it) and resets B. */
char *vifs_buf_detach(struct vifs_buf *b, size_t *len);
/* Frees the data and resets B. */
void vifs_buf_free(struct vifs_buf *b);

/*
 * Makes room for NEED elements of SIZE bytes in the malloc'ed array whose
 * pointer is at ARRAYP (a T ** passed as void *) and whose room is *CAP,
 * doubling; the pointer and *CAP change only on success.  VIFS_ENOMEM.
 */
int vifs_array_grow(void *arrayp, size_t *cap, size_t need, size_t size);

/* Number of elements of an array. */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* strdup/strndup that record VIFS_ENOMEM on failure. */
char *vifs_strdup(const char *s);
char *vifs_strndup(const char *s, size_t n);

/* 1 when NAME can be one component of a path: not empty, "." or "..",
 * no '/' or control character (backup.c). */
int vifs_path_component_ok(const char *name);

/* Writes all LEN bytes of DATA to FD, retrying short writes and EINTR;
 * 0, or -1 with errno set (file.c). */
int vifs_fd_write_all(int fd, const void *data, size_t len);

/* Overwrites LEN bytes at P with zeros in a way the compiler keeps: for
 * copies of passwords and session cookies before they are freed. */
static inline void
vifs_wipe(void *p, size_t len)
{
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

#endif
