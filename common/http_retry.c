/*
 * http_retry.c - runs one request on a host's handle to its end, retrying
 * GET and HEAD with a doubling back-off and emptying the sink before each
 * new attempt; and the rewinds and the trace line of a retry, which the
 * fleet engine's retries (of a PUT of a file too) share.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <vifs/error.h>

#include "http_int.h"

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void
http_trace_retry(vifs_http *h, long backoff_ms, unsigned attempt,
    unsigned attempts)
{
	char line[128];

	if (h->trace == NULL)
		return;
	snprintf(line, sizeof(line), "* retrying in %ld ms (attempt %u of %u)",
	    backoff_ms, attempt, attempts);
	h->trace(h->trace_payload, line);
}

int
http_source_rewind(struct source *src)
{
	if (src->fd < 0) {
		src->off = 0;
		return VIFS_OK;
	}
	if (lseek(src->fd, 0, SEEK_SET) != 0)
		return vifs_error_set(VIFS_EIO, "rewinding an upload: %s",
		    strerror(errno));
	return VIFS_OK;
}

/*
 * Runs one request; GET and HEAD are retried (a PUT of a file is the
 * fleet engine's, vifs/transfer.h).  REWIND is called before a retry to
 * empty the sink.
 */
int
http_perform(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, struct source *src, int (*rewind)(struct sink *))
{
	unsigned attempts = m == M_GET || m == M_HEAD ? h->get_retries + 1 : 1;
	long backoff = h->retry_base_ms;
	char first[256] = "";
	unsigned i;
	int error = 0;

	for (i = 0; i < attempts; i++) {
		struct curl_slist *headers = NULL;
		CURLcode rc;

		if (i > 0) {
			http_trace_retry(h, backoff, i + 1, attempts);
			sleep_ms(backoff);
			backoff *= 2;
			if (rewind != NULL && (error = rewind(sink)) < 0)
				return error;
		}
		if ((error = http_req_setup(h, m, url_path, sink, src,
		         &headers)) < 0) {
			curl_slist_free_all(headers);
			return error;
		}
		sink->received = 0;
		rc = curl_easy_perform(h->curl);
		curl_slist_free_all(headers);
		if (sink->too_big || sink->write_failed)
			return http_req_end(h, m, url_path, sink, rc);
		error = http_req_end(h, m, url_path, sink, rc);
		if (error == 0 || !http_req_retryable(h, rc) ||
		    http_deadline_reached(h))
			break;
		/* Bytes already written where they cannot be taken back
		 * (standard output) rule out a retry. */
		if (rewind == NULL && sink->received > 0)
			break;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", vifs_error_last());
	}
	/* When retries failed differently, the first failure is the news
	 * ("transfer closed" before "connection refused"). */
	if (error < 0 && i > 0 && *first != '\0' &&
	    strcmp(first, vifs_error_last()) != 0) {
		char last[512];

		snprintf(last, sizeof(last), "%s", vifs_error_last());
		error = vifs_error_set(error,
		    "%s (after %u attempts; the "
		    "first: %s)",
		    last, i < attempts ? i + 1 : attempts, first);
	}
	return error;
}

int
http_rewind_buf(struct sink *s)
{
	s->buf->len = 0;
	return VIFS_OK;
}

int
http_rewind_fd(struct sink *s)
{
	if (lseek(s->fd, 0, SEEK_SET) != 0 || ftruncate(s->fd, 0) != 0)
		return vifs_error_set(VIFS_EIO, "rewinding a download: %s",
		    strerror(errno));
	return VIFS_OK;
}

int
http_sink_rewind(struct sink *s)
{
	if (s->buf != NULL)
		return http_rewind_buf(s);
	if (s->fd >= 0)
		return http_rewind_fd(s);
	return VIFS_OK;
}
