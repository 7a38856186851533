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

/* Every code: its name for documents, and its description. */
static const struct {
	int code;
	const char *name;
	const char *text;
} codes[] = {
	{ VIFS_OK, "ok", "success" },
	{ VIFS_ERROR, "error", "failure" },
	{ VIFS_ENOMEM, "memory", "out of memory" },
	{ VIFS_EINVAL, "invalid", "invalid argument" },
	{ VIFS_ENOTFOUND, "not-found", "not found" },
	{ VIFS_EIO, "io", "I/O error" },
	{ VIFS_EPARSE, "parse", "parse error" },
	{ VIFS_EAMBIGUOUS, "ambiguous", "ambiguous input" },
	{ VIFS_EREFUSED, "refused", "refused by a safety rule" },
	{ VIFS_EEXISTS, "exists", "already exists" },
	{ VIFS_ENET, "network", "network error" },
	{ VIFS_EAUTH, "auth", "authentication failed" },
	{ VIFS_EPERM, "permission", "permission denied" },
	{ VIFS_ETLS, "tls", "certificate not trusted" },
	{ VIFS_ECONFLICT, "conflict", "changed since it was read" },
	{ VIFS_ETIMEOUT, "timeout", "timed out" },
	{ VIFS_EHTTP, "http", "unexpected HTTP status" },
	{ VIFS_ESOAP, "soap", "SOAP fault" },
	{ VIFS_EUNSUPPORTED, "unsupported", "not supported" },
	{ VIFS_ETOOBIG, "too-big", "too large" },
};

/* The description (TEXT) or the name of code ERR, or NULL. */
static const char *
lookup(int err, int text)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == err)
			return text ? codes[i].text : codes[i].name;
	return NULL;
}

const char *
vifs_strerror(int err)
{
	const char *s = lookup(err, 1);

	return s ? s : "unknown error";
}

const char *
vifs_error_name(int err)
{
	const char *s = lookup(err, 0);

	return s ? s : "error";
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
