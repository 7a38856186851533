/*
 * msg.h - every message of the vifs command goes through here, so that the
 * program-name prefix, streams and quiet mode are decided in one place.
 */
#ifndef VIFS_TOOL_MSG_H
#define VIFS_TOOL_MSG_H

#include <stdio.h>

#include <vifs/common.h>

/* Program name used as prefix ("vifs"). */
extern const char *tool_progname;

/*
 * Whom a message is about, passed to the message functions as curl passes
 * its config to errorf(): NULL or no host for the command itself; across
 * hosts, the host ("vifs: esx01: ...").
 */
struct tool_msg {
	const char *host;
};
/* Non-zero: suppress informational messages (errors still print). */
extern int tool_quiet;

/* "vifs: MESSAGE" on stderr. */
void tool_errorf(const char *fmt, ...) VIFS_PRINTF(1, 2);
/* "vifs: warning: MESSAGE" on stderr. */
void tool_warnf(const char *fmt, ...) VIFS_PRINTF(1, 2);
/* "vifs: MESSAGE" on stderr unless quiet: progress and notes. */
void tool_notef(const char *fmt, ...) VIFS_PRINTF(1, 2);
/*
 * "vifs: FAMILY: MESSAGE" and "Try 'vifs FAMILY --help'." on stderr;
 * returns 2, the exit status of a usage error.
 */
int tool_usagef(const char *family, const char *fmt, ...) VIFS_PRINTF(2, 3);
/* Prints the last library error as "vifs: MESSAGE"; returns 1. */
int tool_liberror(void);

/* The same about M's host: "vifs: HOST: MESSAGE" (M NULL: as above). */
void tool_msg_errorf(const struct tool_msg *m, const char *fmt, ...)
    VIFS_PRINTF(2, 3);
void tool_msg_warnf(const struct tool_msg *m, const char *fmt, ...)
    VIFS_PRINTF(2, 3);
void tool_msg_notef(const struct tool_msg *m, const char *fmt, ...)
    VIFS_PRINTF(2, 3);
int tool_msg_liberror(const struct tool_msg *m);
/* Writes LEN bytes to stdout; returns 0 or prints an error and returns 1. */
int tool_write_stdout(const void *data, size_t len);

#endif
