/*
 * msg.h - messages of vifs-agent: every line it prints to standard error
 * goes through here, prefixed with the program name.
 */
#ifndef AGENT_MSG_H
#define AGENT_MSG_H

#include <vifs/common.h>

/* Exit statuses (see vifs-agent(1)). */
enum {
	AGENT_EXIT_OK = 0,
	AGENT_EXIT_FAIL = 1,
	AGENT_EXIT_USAGE = 2,
};

/* Sets the name messages start with ("vifs-agent"). */
void msg_init(const char *progname);

/* "vifs-agent: MESSAGE" */
void msg_err(const char *fmt, ...) VIFS_PRINTF(1, 2);

/* "vifs-agent: MESSAGE": a note, e.g. under --verbose */
void msg_note(const char *fmt, ...) VIFS_PRINTF(1, 2);

/* "vifs-agent: warning: MESSAGE" */
void msg_warn(const char *fmt, ...) VIFS_PRINTF(1, 2);

/* "vifs-agent: " plus the library's last error message. */
void msg_lib(void);

/*
 * A usage error of COMMAND (NULL: the program): prints the message and a
 * hint to --help; returns AGENT_EXIT_USAGE.
 */
int msg_usage(const char *command, const char *fmt, ...) VIFS_PRINTF(2, 3);

#endif
