/*
 * progress.h - the progress bar of a transfer, and the signals that stop
 * one cleanly.
 *
 * The bar goes to standard error, only when that is a terminal and only
 * once the transfer has run for a second, so quick transfers and scripts
 * see nothing.  A SIGINT, SIGTERM or SIGHUP during a transfer makes the
 * progress callback abort it: the library then removes its temporary
 * file, and progress_reraise() ends the process with the signal.
 */
#ifndef VIFS_TOOL_PROGRESS_H
#define VIFS_TOOL_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *label; /* borrowed; shown before the figures */
	int enabled; /* draw at all (a terminal, no --verbose) */
	int drawn; /* a line is on the screen */
	int64_t start_ms; /* monotonic time of the first callback */
	int64_t last_ms; /* last redraw */
	uint64_t done, total;
};

/*
 * Prepares P for a transfer named LABEL (borrowed).  ALLOW is 0 to never
 * draw (e.g. under --verbose).
 */
void progress_init(struct progress *p, const char *label, int allow);

/*
 * The vifs_http_progress_fn: records and draws the figures; returns
 * non-zero, which aborts the transfer, once a stop signal has arrived.
 */
int progress_cb(void *payload, uint64_t done, uint64_t total);

/* Ends the bar's line, if one was drawn. */
void progress_finish(struct progress *p);

/*
 * Catches SIGINT, SIGTERM and SIGHUP (those not ignored when the program
 * started) so that a transfer in progress can stop cleanly.
 */
void progress_catch_signals(void);

/* The stop signal that arrived, or 0. */
int progress_stopped(void);

/* When a stop signal arrived: restores its default action and raises it,
 * so that the process ends as killed by it.  Returns otherwise. */
void progress_reraise(void);

/* Milliseconds of a monotonic clock. */
int64_t progress_now_ms(void);

#endif
