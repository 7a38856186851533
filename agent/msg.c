/*
 * msg.c - messages of vifs-agent on standard error.
 */
#include <stdarg.h>
#include <stdio.h>

#include <vifs/error.h>

#include "msg.h"

static const char *prog = "vifs-agent";

void
msg_init(const char *progname)
{
	if (progname != NULL && progname[0] != '\0')
		prog = progname;
}

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
msg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
msg_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
msg_lib(void)
{
	const char *m = vifs_error_last();

	msg_err("%s", m[0] ? m : vifs_strerror(vifs_error_last_code()));
}

int
msg_usage(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s%s%s --help'.\n", prog, command ? " " : "",
	    command ? command : "");
	return AGENT_EXIT_USAGE;
}
