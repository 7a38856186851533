/*
 * progress.c - progress bar of a transfer on standard error, and the stop
 * signals that abort a transfer cleanly.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define SHOW_AFTER_MS 1000
#define REDRAW_MS 250

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

void
progress_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa, old;

		/* A signal ignored by whoever started us stays ignored. */
		if (sigaction(sigs[i], NULL, &old) != 0 ||
		    old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

int
progress_stopped(void)
{
	return (int)stop_signal;
}

void
progress_reraise(void)
{
	int sig = (int)stop_signal;

	if (sig == 0)
		return;
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
}

int64_t
progress_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
progress_init(struct progress *p, const char *label, int allow)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->enabled = allow && isatty(STDERR_FILENO);
}

/* Writes N bytes as "123.4 MiB" into BUF. */
static void
human(char *buf, size_t size, double n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (n >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		n /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f %s", n, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", n, unit[u]);
}

static void
draw(struct progress *p, int64_t t)
{
	char done[32], total[32], rate[32];
	double secs = (double)(t - p->start_ms) / 1000.0;

	human(done, sizeof(done), (double)p->done);
	human(rate, sizeof(rate), secs > 0 ? (double)p->done / secs : 0);
	if (p->total > 0) {
		unsigned pct = (unsigned)(p->done * 100 / p->total);

		human(total, sizeof(total), (double)p->total);
		fprintf(stderr, "\r%s: %3u%% %s of %s, %s/s\033[K", p->label,
		    pct > 100 ? 100 : pct, done, total, rate);
	} else {
		fprintf(stderr, "\r%s: %s, %s/s\033[K", p->label, done, rate);
	}
	fflush(stderr);
	p->drawn = 1;
	p->last_ms = t;
}

int
progress_cb(void *payload, uint64_t done, uint64_t total)
{
	struct progress *p = payload;
	int64_t t;

	if (stop_signal != 0)
		return 1;
	if (!p->enabled)
		return 0;
	t = progress_now_ms();
	if (p->start_ms == 0)
		p->start_ms = t;
	p->done = done;
	p->total = total;
	if (t - p->start_ms >= SHOW_AFTER_MS &&
	    (!p->drawn || t - p->last_ms >= REDRAW_MS))
		draw(p, t);
	return 0;
}

void
progress_finish(struct progress *p)
{
	if (!p->drawn)
		return;
	draw(p, progress_now_ms());
	fputc('\n', stderr);
	p->drawn = 0;
}
