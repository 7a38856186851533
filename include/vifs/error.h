/*
 * vifs/error.h - error codes of libvifs.
 *
 * Every function of the library that can fail returns an int: 0 (VIFS_OK)
 * on success or one of the negative codes below.  On failure the library
 * also records a one-line message with context ("esx.conf:42: expected
 * '='"), which vifs_error_last() returns until the next failing call in the
 * same thread.  The library never prints and never exits.
 */
#ifndef VIFS_ERROR_H
#define VIFS_ERROR_H

#include <vifs/common.h>

enum vifs_error {
	VIFS_OK = 0,
	VIFS_ERROR = -1, /* generic failure */
	VIFS_ENOMEM = -2, /* out of memory */
	VIFS_EINVAL = -3, /* invalid argument */
	VIFS_ENOTFOUND = -4, /* key, file, device or entry not found */
	VIFS_EIO = -5, /* local I/O error; errno text in message */
	VIFS_EPARSE = -6, /* input that cannot be parsed */
	VIFS_EAMBIGUOUS = -7, /* input with more than one reading */
	VIFS_EREFUSED = -8, /* a safety rule refused the change */
	VIFS_EEXISTS = -9, /* already exists */
	VIFS_ENET = -10, /* connection failed, reset or timed out */
	VIFS_EAUTH = -11, /* authentication failed */
	VIFS_EPERM = -12, /* permission denied by the peer */
	VIFS_ETLS = -13, /* certificate not trusted or mismatched */
	VIFS_ECONFLICT = -14, /* remote changed since it was read */
	VIFS_ETIMEOUT = -15, /* an operation took too long */
	VIFS_EHTTP = -16, /* unexpected HTTP status */
	VIFS_ESOAP = -17, /* SOAP fault from the server */
	VIFS_EUNSUPPORTED = -18, /* operation not supported here */
	VIFS_ETOOBIG = -19, /* input larger than a limit */
};

/* Returns a short English description of code ERR; static storage. */
VIFS_EXTERN const char *vifs_strerror(int err);

/*
 * Returns a stable name of code ERR for documents and scripts: "network",
 * "timeout", "auth", "conflict", "refused", ...; "error" for VIFS_ERROR
 * and codes it does not know, "ok" for VIFS_OK.  Static storage.
 */
VIFS_EXTERN const char *vifs_error_name(int err);

/*
 * Returns the message of the last failure in this thread, or "" when there
 * is none.  The pointer is valid until the next call into the library from
 * this thread.
 */
VIFS_EXTERN const char *vifs_error_last(void);

/* Returns the code of the last failure in this thread, or VIFS_OK. */
VIFS_EXTERN int vifs_error_last_code(void);

/* Forgets the last failure of this thread. */
VIFS_EXTERN void vifs_error_clear(void);

/*
 * Records ERR with a printf-style message as the last failure of this
 * thread and returns ERR, so that callers can write
 * `return vifs_error_set(VIFS_EINVAL, "bad key '%s'", key);`.
 * Exported so that the programs built on the library report their own
 * failures through the same channel.
 */
VIFS_EXTERN int vifs_error_set(int err, const char *fmt, ...) VIFS_PRINTF(2, 3);

/*
 * Records ERR with the message "PREFIX: LAST", PREFIX made from FMT and
 * LAST the message of the last failure of this thread (its description
 * when there is none), and returns ERR: context added to a failure
 * (`return vifs_error_wrap(e, "%s:%zu", file, line);`).  Unlike passing
 * vifs_error_last() to vifs_error_set(), nothing is read from the buffer
 * being written.
 */
VIFS_EXTERN int vifs_error_wrap(int err, const char *fmt, ...)
    VIFS_PRINTF(2, 3);

#endif
