/*
 * encoding.c - --encoding (VI_ENCODING) as the vSphere SDK for Perl has
 * it: arguments are read in that encoding and go to the host as UTF-8,
 * and standard output is written in it, a character it cannot hold as
 * Perl's \x{XXXX}.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "encoding.h"
#include "msg.h"

/* iconv's name of the encodings VILib offers; others as given. */
static const char *
iconv_name(const char *name)
{
	if (strcasecmp(name, "shiftjis") == 0)
		return "SHIFT_JIS";
	if (strcasecmp(name, "cp936") == 0)
		return "CP936";
	return name;
}

static int
is_utf8(const char *name)
{
	return strcasecmp(name, "utf8") == 0 || strcasecmp(name, "utf-8") == 0;
}

/* Standard output as it was before encoding_setup() replaced it. */
static FILE *plain_stdout;

struct out {
	iconv_t cd;
	int fd;
	char pending[8]; /* the start of a UTF-8 character cut by a write */
	size_t npending;
};

static int
write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Length of the UTF-8 character starting with byte C (1 when invalid). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Converts LEN bytes of UTF-8 at IN and writes them; returns 0 or -1. */
static int
convert(struct out *o, const char *in, size_t len)
{
	char buf[4096];

	while (len > 0) {
		char *ip = (char *)(uintptr_t)in, *op = buf;
		size_t il = len, ol = sizeof(buf);
		size_t r = iconv(o->cd, &ip, &il, &op, &ol);

		if (write_all(o->fd, buf, (size_t)(op - buf)) < 0)
			return -1;
		in = ip;
		len = il;
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL) { /* cut character: keep for later */
			memcpy(o->pending, in, len);
			o->npending = len;
			return 0;
		}
		/* A character the encoding cannot hold: Perl's \x{XXXX}. */
		{
			const unsigned char *u = (const unsigned char *)in;
			size_t n = utf8_len(u[0]);
			unsigned long cp = u[0];
			char esc[16];

			if (n > len)
				n = len;
			if (n == 2)
				cp = u[0] & 0x1f;
			else if (n == 3)
				cp = u[0] & 0x0f;
			else if (n == 4)
				cp = u[0] & 0x07;
			for (size_t i = 1; i < n; i++)
				cp = (cp << 6) | (u[i] & 0x3f);
			snprintf(esc, sizeof(esc), "\\x{%04lx}", cp);
			if (write_all(o->fd, esc, strlen(esc)) < 0)
				return -1;
			in += n;
			len -= n;
		}
	}
	return 0;
}

static ssize_t
out_write(void *cookie, const char *data, size_t len)
{
	struct out *o = cookie;
	size_t orig = len;

	/* Finish a character cut by the last write first. */
	if (o->npending > 0) {
		size_t need = utf8_len((unsigned char)o->pending[0]), n;
		char ch[sizeof(o->pending)];

		while (o->npending < need && len > 0) {
			o->pending[o->npending++] = *data++;
			len--;
		}
		if (o->npending < need)
			return (ssize_t)orig;
		n = o->npending;
		memcpy(ch, o->pending, n);
		o->npending = 0;
		if (convert(o, ch, n) < 0)
			return -1;
	}
	if (convert(o, data, len) < 0)
		return -1;
	return (ssize_t)orig;
}

static int
out_close(void *cookie)
{
	struct out *o = cookie;

	iconv_close(o->cd);
	free(o);
	return 0;
}

int
encoding_setup(const char *name)
{
	cookie_io_functions_t io = { NULL, out_write, NULL, out_close };
	struct out *o;
	FILE *f;

	if (name == NULL || *name == '\0' || is_utf8(name))
		return 0;
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	o->fd = STDOUT_FILENO;
	o->cd = iconv_open(iconv_name(name), "UTF-8");
	if (o->cd == (iconv_t)-1) {
		free(o);
		tool_errorf("--encoding: '%s' is not an encoding this system "
		            "knows (utf8, cp936, iso-8859-1, shiftjis)",
		    name);
		return -1;
	}
	if ((f = fopencookie(o, "w", io)) == NULL) {
		out_close(o);
		tool_errorf("out of memory");
		return -1;
	}
	fflush(stdout);
	plain_stdout = stdout;
	stdout = f;
	return 0;
}

int
encoding_finish(void)
{
	int rc;

	if (plain_stdout == NULL)
		return 0;
	rc = fclose(stdout);
	stdout = plain_stdout;
	plain_stdout = NULL;
	return rc == 0 ? 0 : -1;
}

int
encoding_arg(char **out, const char *name, const char *arg)
{
	iconv_t cd;
	char *ip = (char *)(uintptr_t)arg, *op;
	size_t il = strlen(arg), ol = il * 4 + 1;

	*out = NULL;
	if (name == NULL || *name == '\0' || is_utf8(name))
		return 0;
	if ((cd = iconv_open("UTF-8", iconv_name(name))) == (iconv_t)-1) {
		tool_errorf("--encoding: '%s' is not an encoding this system "
		            "knows (utf8, cp936, iso-8859-1, shiftjis)",
		    name);
		return -1;
	}
	if ((*out = op = malloc(ol)) == NULL) {
		iconv_close(cd);
		tool_errorf("out of memory");
		return -1;
	}
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		free(*out);
		*out = NULL;
		tool_errorf("--encoding %s: '%s' is not text in %s", name, arg,
		    name);
		return -1;
	}
	*op = '\0';
	iconv_close(cd);
	return 0;
}
