/*
 * scan_dump.c - the check of an `lspci -xxx` dump, line by line, before
 * libpci reads it: libpci skips some defects silently (a header line
 * without description, bytes after a blank line) and reads missing bytes
 * as 0xff.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/file.h>

#include "msg.h"
#include "scan_int.h"

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static unsigned
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/* P matches SHAPE ('#' = hex digit) over the shape's length. */
static int
shape_is(const char *p, size_t len, const char *shape)
{
	size_t n = strlen(shape);

	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == '#' ? !is_hex(p[i]) : p[i] != shape[i])
			return 0;
	return 1;
}

static unsigned long
hex_num(const char *p, size_t n)
{
	unsigned long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 4 | hex_val(p[i]);
	return v;
}

struct dump_dev {
	unsigned long key; /* segment:bus:dev.fn packed */
	size_t line;
};

static int
dump_dev_cmp(const void *pa, const void *pb)
{
	const struct dump_dev *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/*
 * Recognises a device header line as libpci's dump reader does: the
 * address shapes "bb:dd.f", "dddd:bb:dd.f", "ddddd:bb:dd.f" (hex). Returns
 * the length of the address, 0 when the line is no header.
 */
static size_t
header_len(const char *p, size_t len)
{
	static const char *const shapes[] = { "#####:##:##.#", "####:##:##.#",
		"##:##.#" };

	for (size_t i = 0; i < 3; i++)
		if (shape_is(p, len, shapes[i]) &&
		    (len == strlen(shapes[i]) || p[strlen(shapes[i])] == ' '))
			return strlen(shapes[i]);
	return 0;
}

/* Ends the device that started on line START with BYTES bytes. */
static int
dump_dev_end(const char *path, size_t start, const char *addr, unsigned bytes)
{
	if (start == 0)
		return 0;
	if (bytes < 64) {
		msg_err("%s:%zu: device %s has %u bytes of configuration "
		        "space, "
		        "at least 64 are needed (truncated dump?)",
		    path, start, addr, bytes);
		return -1;
	}
	/* lspci dumps 64 (128 for CardBus), 256 or 4096 bytes. */
	if (bytes != 64 && bytes != 128 && bytes != 256 && bytes != 4096)
		msg_warn("%s:%zu: device %s has %u bytes of configuration "
		         "space (truncated dump?): facts past byte %u are "
		         "unknown",
		    path, start, addr, bytes, bytes < 256 ? 64u : 256u);
	return 0;
}

/*
 * Checks the dump PATH for what libpci would skip or misread; prints the
 * first problem with its line and returns -1, else returns the number of
 * devices.
 */
long
scan_dump_check(const char *path)
{
	char *buf = NULL, cur[16] = "";
	size_t len = 0, lineno = 0, start = 0, ndevs = 0, capdevs = 0;
	struct dump_dev *devs = NULL;
	unsigned bytes = 0;
	long result = -1;
	const char *p, *end;

	if (vifs_file_read(&buf, &len, path) < 0) {
		msg_lib();
		goto done;
	}
	for (p = buf, end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t raw = n, alen;

		lineno++;
		if (nl == NULL) {
			msg_err("%s:%zu: the last line has no newline (libpci "
			        "refuses it)",
			    path, lineno);
			goto done;
		}
		if (raw > 253) {
			msg_err("%s:%zu: line longer than 253 characters "
			        "(libpci's limit)",
			    path, lineno);
			goto done;
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if ((alen = header_len(p, n)) > 0) {
			const char *a = p + alen - 7; /* "bb:dd.f" */
			unsigned long seg = alen > 7 ? hex_num(p, alen - 8) : 0;
			struct dump_dev *dd;

			if (dump_dev_end(path, start, cur, bytes) < 0)
				goto done;
			snprintf(cur, sizeof(cur), "%.*s", (int)alen, p);
			if (n == alen) {
				msg_err("%s:%zu: device header '%s' has no "
				        "description after it: libpci would "
				        "skip the device (write '%s ' and a "
				        "description)",
				    path, lineno, cur, cur);
				goto done;
			}
			if (a[6] < '0' || a[6] > '7' ||
			    hex_num(a + 3, 2) > 0x1f || seg > 0xffff) {
				msg_err("%s:%zu: '%s' is no PCI address "
				        "(device 00-1f, function 0-7, segment "
				        "up to ffff)",
				    path, lineno, cur);
				goto done;
			}
			if (ndevs == capdevs) {
				size_t cap = capdevs ? capdevs * 2 : 64;

				if ((dd = realloc(devs, cap * sizeof(*devs))) ==
				    NULL) {
					msg_err("out of memory");
					goto done;
				}
				devs = dd;
				capdevs = cap;
			}
			devs[ndevs].key = seg << 16 | hex_num(a, 2) << 8 |
			    hex_num(a + 3, 2) << 3 |
			    (unsigned long)(a[6] - '0');
			devs[ndevs++].line = lineno;
			start = lineno;
			bytes = 0;
		} else if (n == 0) {
			if (dump_dev_end(path, start, cur, bytes) < 0)
				goto done;
			start = 0;
		} else if ((alen = strspn(p, "0123456789abcdefABCDEF")) >= 2 &&
		    alen <= 8 && alen + 2 <= n && p[alen] == ':' &&
		    p[alen + 1] == ' ') {
			unsigned long off = hex_num(p, alen);
			size_t i = alen + 2;

			if (start == 0) {
				msg_err("%s:%zu: configuration bytes outside a "
				        "device (a blank line or a device "
				        "header missing before them)",
				    path, lineno);
				goto done;
			}
			while (i + 2 <= n && is_hex(p[i]) && is_hex(p[i + 1]) &&
			    (i + 2 == n || p[i + 2] == ' ')) {
				if (off >= 4096) {
					msg_err("%s:%zu: offset beyond 4096 "
					        "bytes of configuration space",
					    path, lineno);
					goto done;
				}
				off++;
				i += i + 2 < n ? 3 : 2;
			}
			if (i < n) {
				msg_err("%s:%zu: malformed bytes at column %zu",
				    path, lineno, i + 1);
				goto done;
			}
			if (off > bytes)
				bytes = (unsigned)off;
		} else if (p[0] != ' ' && p[0] != '\t') {
			msg_warn("%s:%zu: line ignored", path, lineno);
		}
		p = nl + 1;
	}
	if (dump_dev_end(path, start, cur, bytes) < 0)
		goto done;
	if (ndevs == 0) {
		msg_err("%s: no device in the dump (each device starts with a "
		        "line such as '00:1b.0 Audio device: ...')",
		    path);
		goto done;
	}
	qsort(devs, ndevs, sizeof(*devs), dump_dev_cmp);
	for (size_t i = 1; i < ndevs; i++) {
		if (devs[i].key == devs[i - 1].key) {
			msg_err("%s:%zu: the device of line %zu appears again",
			    path, devs[i].line, devs[i - 1].line);
			goto done;
		}
	}
	result = (long)ndevs;
done:
	free(devs);
	free(buf);
	return result;
}
