/*
 * error.c - error codes, their descriptions, and the per-thread last error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vifs/error.h>

static _Thread_local struct {
	int code;
	char msg[1024];
} last_error;

const char *
vifs_version(void)
{
	return VIFS_VERSION;
}

const char *
vifs_strerror(int err)
{
	switch (err) {
	case VIFS_OK:
		return "success";
	case VIFS_ERROR:
		return "failure";
	case VIFS_ENOMEM:
		return "out of memory";
	case VIFS_EINVAL:
		return "invalid argument";
	case VIFS_ENOTFOUND:
		return "not found";
	case VIFS_EIO:
		return "I/O error";
	case VIFS_EPARSE:
		return "parse error";
	case VIFS_EAMBIGUOUS:
		return "ambiguous input";
	case VIFS_EREFUSED:
		return "refused by a safety rule";
	case VIFS_EEXISTS:
		return "already exists";
	case VIFS_ENET:
		return "network error";
	case VIFS_EAUTH:
		return "authentication failed";
	case VIFS_EPERM:
		return "permission denied";
	case VIFS_ETLS:
		return "certificate not trusted";
	case VIFS_ECONFLICT:
		return "changed since it was read";
	case VIFS_ETIMEOUT:
		return "timed out";
	case VIFS_EHTTP:
		return "unexpected HTTP status";
	case VIFS_ESOAP:
		return "SOAP fault";
	case VIFS_EUNSUPPORTED:
		return "not supported";
	case VIFS_ETOOBIG:
		return "too large";
	}
	return "unknown error";
}

const char *
vifs_error_last(void)
{
	return last_error.msg;
}

int
vifs_error_last_code(void)
{
	return last_error.code;
}

void
vifs_error_clear(void)
{
	last_error.code = VIFS_OK;
	last_error.msg[0] = '\0';
}

int
vifs_error_set(int err, const char *fmt, ...)
{
	char msg[sizeof(last_error.msg)];
	va_list ap;

	last_error.code = err;
	if (fmt == NULL) {
		snprintf(last_error.msg, sizeof(last_error.msg), "%s",
		    vifs_strerror(err));
		return err;
	}
	/* Through a copy: the arguments may be the last message itself
	 * (a message that adds context to vifs_error_last()). */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_error.msg, msg, sizeof(msg));
	return err;
}

/* Writes "A: B" into the last message, cut to fit. */
static void
join(const char *a, const char *b)
{
	size_t cap = sizeof(last_error.msg) - 1, n = 0;
	const char *parts[3] = { a, ": ", b };

	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(parts[i]);

		if (len > cap - n)
			len = cap - n;
		memcpy(last_error.msg + n, parts[i], len);
		n += len;
	}
	last_error.msg[n] = '\0';
}

int
vifs_error_wrap(int err, const char *fmt, ...)
{
	char prefix[sizeof(last_error.msg)], prev[sizeof(last_error.msg)];
	va_list ap;

	/* The last message is copied before anything is written over it;
	 * an argument of FMT may point into it too. */
	memcpy(prev, last_error.msg, sizeof(prev));
	prefix[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(prefix, sizeof(prefix), fmt, ap);
		va_end(ap);
	}
	last_error.code = err;
	if (*prefix == '\0')
		memcpy(last_error.msg, prev, sizeof(prev));
	else
		join(prefix, *prev != '\0' ? prev : vifs_strerror(err));
	return err;
}
