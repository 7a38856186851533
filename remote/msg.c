/*
 * msg.c - output of the vifs command: errors, warnings and notes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vifs/error.h>

#include "msg.h"

const char *tool_progname = "vifs";
int tool_quiet;

static void
vmsg(const struct tool_msg *m, const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (m != NULL && m->host != NULL)
		fprintf(stderr, "%s: %s: %s", tool_progname, m->host, kind);
	else
		fprintf(stderr, "%s: %s", tool_progname, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
tool_msg_errorf(const struct tool_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(m, "", fmt, ap);
	va_end(ap);
}

void
tool_msg_warnf(const struct tool_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(m, "warning: ", fmt, ap);
	va_end(ap);
}

void
tool_msg_notef(const struct tool_msg *m, const char *fmt, ...)
{
	va_list ap;

	if (tool_quiet)
		return;
	va_start(ap, fmt);
	vmsg(m, "", fmt, ap);
	va_end(ap);
}

int
tool_msg_liberror(const struct tool_msg *m)
{
	const char *msg = vifs_error_last();

	tool_msg_errorf(m, "%s",
	    *msg ? msg : vifs_strerror(vifs_error_last_code()));
	return 1;
}

void
tool_errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, "", fmt, ap);
	va_end(ap);
}

void
tool_warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, "warning: ", fmt, ap);
	va_end(ap);
}

void
tool_notef(const char *fmt, ...)
{
	va_list ap;

	if (tool_quiet)
		return;
	va_start(ap, fmt);
	vmsg(NULL, "", fmt, ap);
	va_end(ap);
}

int
tool_usagef(const char *family, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s: ", tool_progname, family);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", tool_progname, family);
	return 2;
}

int
tool_liberror(void)
{
	return tool_msg_liberror(NULL);
}

int
tool_write_stdout(const void *data, size_t len)
{
	if (len > 0 && fwrite(data, 1, len, stdout) != len) {
		tool_errorf("standard output: %s", strerror(errno));
		return 1;
	}
	if (fflush(stdout) != 0) {
		tool_errorf("standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}
