/*
 * fleet_run.c - one job across many hosts on libcurl's multi interface:
 * the slots, the requests of a step and the loop.
 *
 * Hosts wait in the order added; up to PARALLEL of them hold a slot.  A
 * slot owns the host's vifs_http (one easy handle, hence one connection
 * and one TLS session cache for the host) and the request in progress.
 * Requests are set up and judged by http_*.c (http_int.h), so that a fleet
 * sends what a single host gets and fails in the same words.  A retry
 * parks the slot until a wake-up time instead of sleeping; the loop polls
 * with a timeout short enough for the next wake-up, the host deadlines
 * and TICK.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include <vifs/error.h>
#include <vifs/fleet.h>
#include <vifs/trust.h>

#include "fleet_int.h"

/* --- slots ------------------------------------------------------------ */

/* Forgets the request of S: its handle, headers, file and copies. */
static void
request_clear(vifs_fleet *f, struct slot *s)
{
	if (s->in_multi) {
		curl_multi_remove_handle(f->multi, http_curl(s->http));
		s->in_multi = 0;
	}
	curl_slist_free_all(s->headers);
	s->headers = NULL;
	if (s->sink.fd >= 0 && !s->sink_borrowed) {
		close(s->sink.fd);
		if (s->tmp.data != NULL)
			unlink(s->tmp.data);
	}
	s->sink.fd = -1;
	s->sink_borrowed = 0;
	if (s->src.fd >= 0 && !s->src_borrowed)
		close(s->src.fd);
	s->src.fd = -1;
	s->src_borrowed = 0;
	free(s->url_path);
	s->url_path = NULL;
	free(s->local_path);
	s->local_path = NULL;
	/* A POST's body may hold a password (a VIM login). */
	if (s->put_data != NULL && s->method == M_POST)
		vifs_wipe(s->put_data, s->put_len);
	free(s->put_data);
	s->put_data = NULL;
	s->put_len = 0;
	for (char **l = s->post_headers; l != NULL && *l != NULL; l++)
		free(*l);
	free(s->post_headers);
	s->post_headers = NULL;
	free(s->session_cookie);
	s->session_cookie = NULL;
	s->pending = 0;
	s->wake_ms = 0;
}

/* Ends the job of the host in S with STATE and frees the slot. */
static void
finish(vifs_fleet *f, struct slot *s, enum vifs_fleet_state state, int error)
{
	vifs_fleet_host *h = s->host;

	request_clear(f, s);
	vifs_buf_free(&s->body);
	vifs_buf_free(&s->tmp);
	s->body_ready = 0;
	if (s->own_http)
		vifs_http_free(s->http);
	s->http = NULL;
	s->busy = 0;
	s->host = NULL;
	h->slot = NULL;
	h->state = state;
	h->error = state == VIFS_FLEET_OK ? 0 :
	                                    (error < 0 ? error : VIFS_ERROR);
	f->stats.running--;
	if (state == VIFS_FLEET_OK) {
		f->stats.ok++;
		free(h->reason);
		h->reason = NULL;
	} else
		f->stats.failed++;
	if (f->o.done != NULL)
		f->o.done(h, f->o.payload);
}

/* WHY without the host's name (or host:port) and ": " in front: the
 * host is named wherever a reason is shown. */
static const char *
strip_host(const struct slot *s, const char *why)
{
	const char *names[2];

	names[0] = s->host->name;
	names[1] = s->http ? vifs_http_hostport(s->http) : NULL;
	for (size_t i = 0; i < 2; i++) {
		size_t n = names[i] ? strlen(names[i]) : 0;

		if (n > 0 && strncmp(why, names[i], n) == 0 &&
		    strncmp(why + n, ": ", 2) == 0 && why[n + 2] != '\0')
			return why + n + 2;
	}
	return why;
}

/* Fails the host of S with ERROR and the message WHY (NULL: the last
 * error's). */
static void
fail_host(vifs_fleet *f, struct slot *s, int error, const char *why)
{
	if (why == NULL || *why == '\0')
		why = vifs_error_last();
	if (*why == '\0')
		why = vifs_strerror(error);
	fleet_set_reason(s->host, "%s", strip_host(s, why));
	finish(f, s, VIFS_FLEET_FAILED, error);
}

/*
 * After START or STEP returned RC: the host goes on or is done.  WHY is
 * the message of the request STEP was told about, used when STEP passes
 * that request's code on (it may have called the library since).
 */
static void
after_callback(vifs_fleet *f, struct slot *s, int rc, int req_error,
    const char *why)
{
	if (rc < 0) {
		const char *last = vifs_error_last();

		/* A step that passes the request's code on may have called
		 * the library since (its message is then the request's,
		 * WHY); one that wrapped the request's message (the host's
		 * state, the backup path) keeps its own. */
		fail_host(f, s, rc,
		    rc == req_error && strstr(last, why) == NULL ? why : NULL);
		return;
	}
	if (!s->pending)
		finish(f, s, VIFS_FLEET_OK, 0);
}

static void
trace_host(void *payload, const char *line)
{
	struct slot *s = payload;
	vifs_fleet *f = s->host->fleet;
	struct vifs_buf b = VIFS_BUF_INIT;

	if (vifs_buf_printf(&b, "%s: %s", s->host->name, line) == 0)
		f->o.trace(f->o.trace_payload, b.data);
	vifs_buf_free(&b);
}

/* Puts the request of S (set up by a request function) on the wire. */
static int
launch(vifs_fleet *f, struct slot *s)
{
	vifs_fleet_host *h = s->host;
	CURL *c = http_curl(s->http);
	int error;

	curl_slist_free_all(s->headers);
	s->headers = NULL;
	if ((error = http_req_setup(s->http, s->method, s->url_path, &s->sink,
	         &s->src, &s->headers)) < 0)
		return error;
	s->sink.received = 0;
	curl_easy_setopt(c, CURLOPT_PRIVATE, (void *)s);
	if (s->deadline_ms > 0) {
		int64_t left = s->deadline_ms - fleet_now_ms();

		if (left <= 0)
			return vifs_error_set(VIFS_ETIMEOUT,
			    "%s: timed out: the host's %ld s are up", h->name,
			    f->o.host_timeout_ms / 1000);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
	}
	if (curl_multi_add_handle(f->multi, c) != CURLM_OK)
		return vifs_error_set(VIFS_ERROR,
		    "%s: libcurl refused the "
		    "transfer",
		    h->name);
	s->in_multi = 1;
	return VIFS_OK;
}

/* Makes the host's handle and calls START. */
static void
start_host(vifs_fleet *f, struct slot *s, vifs_fleet_host *h)
{
	struct vifs_http_opts o;
	int error;

	memset(s, 0, sizeof(*s));
	s->sink.fd = -1;
	s->src.fd = -1;
	s->busy = 1;
	s->host = h;
	h->slot = s;
	h->state = VIFS_FLEET_RUNNING;
	f->stats.running++;
	memset(&o, 0, sizeof(o));
	o.base_url = h->base_url;
	o.username = h->username ? h->username : f->o.username;
	o.password = h->password ? h->password : f->o.password;
	o.cacert_file = f->o.cacert_file;
	o.thumbprint = h->thumbprint ? h->thumbprint : f->o.thumbprint;
	o.known_hosts = f->o.known_hosts;
	o.insecure = f->o.insecure;
	o.connect_timeout_ms = f->o.connect_timeout_ms;
	o.low_speed_secs = f->o.low_speed_secs;
	o.get_retries = f->o.get_retries;
	o.retry_base_ms = f->o.retry_base_ms;
	if (f->o.trace != NULL) {
		o.trace = trace_host;
		o.trace_payload = s;
	}
	if (f->o.host_timeout_ms > 0)
		s->deadline_ms = fleet_now_ms() + f->o.host_timeout_ms;
	vifs_error_clear();
	if (h->borrowed != NULL) {
		s->http = h->borrowed;
		http_retries(s->http, &s->get_retries, &s->retry_base_ms);
	} else if ((error = http_new(&s->http, &o, f->kh)) < 0) {
		fleet_set_reason(h, "%s", vifs_error_last());
		finish(f, s, VIFS_FLEET_FAILED, error);
		return;
	} else {
		s->own_http = 1;
		s->get_retries = f->o.get_retries;
		s->retry_base_ms = f->o.retry_base_ms;
	}
	after_callback(f, s, f->o.start(h, f->o.payload), 0, NULL);
}

/* Checks that H may issue a request now and clears the last one. */
static int
request_begin(vifs_fleet_host *h, enum method m, const char *url_path)
{
	struct slot *s = h->slot;

	if (s == NULL || s->pending)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: a request outside the host's turn, or while one is "
		    "in progress",
		    h->name);
	if (url_path == NULL)
		return vifs_error_set(VIFS_EINVAL, "%s: no URL path", h->name);
	vifs_buf_free(&s->body);
	s->body_ready = 0;
	memset(&s->sink, 0, sizeof(s->sink));
	s->sink.h = s->http;
	s->sink.fd = -1;
	memset(&s->src, 0, sizeof(s->src));
	s->src.fd = -1;
	s->method = m;
	s->attempt = 0;
	s->attempts = (m == M_GET || m == M_HEAD) ? s->get_retries + 1 : 1;
	s->backoff_ms = s->retry_base_ms;
	s->first[0] = '\0';
	if ((s->url_path = vifs_strdup(url_path)) == NULL)
		return VIFS_ENOMEM;
	return VIFS_OK;
}

/* Sends the request set up in H's slot, or forgets it on failure. */
static int
request_go(vifs_fleet_host *h, int error)
{
	struct slot *s = h->slot;

	if (error == 0)
		error = launch(h->fleet, s);
	if (error < 0) {
		request_clear(h->fleet, s);
		return error;
	}
	s->pending = 1;
	return VIFS_OK;
}

int
vifs_fleet_get_buf(vifs_fleet_host *h, const char *url_path, size_t max)
{
	int error;

	if ((error = request_begin(h, M_GET, url_path)) < 0)
		return error;
	h->slot->sink.buf = &h->slot->body;
	h->slot->sink.max = max ? max : DEFAULT_BODY_MAX;
	return request_go(h, 0);
}

int
vifs_fleet_get_file(vifs_fleet_host *h, const char *url_path,
    const char *local_path)
{
	struct slot *s;
	int error;

	if ((error = request_begin(h, M_GET, url_path)) < 0)
		return error;
	s = h->slot;
	if (local_path == NULL)
		error = vifs_error_set(VIFS_EINVAL, "no local path");
	else if ((s->local_path = vifs_strdup(local_path)) == NULL)
		error = VIFS_ENOMEM;
	else
		error = http_tmp_open(&s->tmp, &s->sink.fd, local_path);
	return request_go(h, error);
}

/* The request body of S: a copy of LEN bytes of DATA. */
static int
copy_body(struct slot *s, const void *data, size_t len)
{
	if ((s->put_data = malloc(len ? len : 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (len > 0)
		memcpy(s->put_data, data, len);
	s->put_len = len;
	s->src.data = s->put_data;
	s->src.len = len;
	return VIFS_OK;
}

int
vifs_fleet_get_fd(vifs_fleet_host *h, const char *url_path, int fd)
{
	int error;

	if ((error = request_begin(h, M_GET, url_path)) < 0)
		return error;
	if (fd < 0)
		error = vifs_error_set(VIFS_EINVAL, "no file descriptor");
	h->slot->sink.fd = fd;
	h->slot->sink_borrowed = 1;
	return request_go(h, error);
}

int
vifs_fleet_put_buf(vifs_fleet_host *h, const char *url_path, const void *data,
    size_t len)
{
	struct slot *s;
	int error;

	if ((error = request_begin(h, M_PUT, url_path)) < 0)
		return error;
	s = h->slot;
	s->sink.buf = &s->body;
	s->sink.max = (size_t)1 << 20;
	return request_go(h, copy_body(s, data, len));
}

int
vifs_fleet_post_buf(vifs_fleet_host *h, const char *url_path,
    const char *const *headers, const void *data, size_t len,
    const char *session_cookie)
{
	struct slot *s;
	size_t n = 0;
	int error;

	if ((error = request_begin(h, M_POST, url_path)) < 0)
		return error;
	s = h->slot;
	/* The answer is the caller's to judge, whatever its status. */
	s->sink.buf = &s->body;
	s->sink.max = DEFAULT_BODY_MAX;
	s->sink.any_status = 1;
	while (headers != NULL && headers[n] != NULL)
		n++;
	if ((error = copy_body(s, data, len)) < 0)
		return request_go(h, error);
	if ((s->post_headers = calloc(n + 1, sizeof(*s->post_headers))) == NULL)
		return request_go(h,
		    vifs_error_set(VIFS_ENOMEM, "out of memory"));
	for (size_t i = 0; i < n; i++)
		if ((s->post_headers[i] = vifs_strdup(headers[i])) == NULL)
			return request_go(h, VIFS_ENOMEM);
	s->src.headers = (const char *const *)s->post_headers;
	if (session_cookie != NULL &&
	    (s->session_cookie = vifs_strdup(session_cookie)) == NULL)
		return request_go(h, VIFS_ENOMEM);
	return request_go(h, 0);
}

/*
 * The source of a PUT from the regular file open on S's src.fd (NAME in
 * messages), sent from its start and again on a retry, as a PUT of a file
 * is retried like a GET: it replaces the whole remote file.
 */
static int
put_source(struct slot *s, const char *name)
{
	struct stat st;

	s->sink.buf = &s->body;
	s->sink.max = (size_t)1 << 20;
	s->attempts = s->get_retries + 1;
	if (fstat(s->src.fd, &st) != 0 || !S_ISREG(st.st_mode))
		return vifs_error_set(VIFS_EIO, "%s: not a regular file", name);
	if (lseek(s->src.fd, 0, SEEK_SET) != 0)
		return vifs_error_set(VIFS_EIO, "%s: %s", name,
		    strerror(errno));
	s->src.len = (size_t)st.st_size;
	return VIFS_OK;
}

int
vifs_fleet_put_file(vifs_fleet_host *h, const char *url_path,
    const char *local_path)
{
	struct slot *s;
	int error;

	if ((error = request_begin(h, M_PUT, url_path)) < 0)
		return error;
	s = h->slot;
	if ((s->src.fd = open(local_path, O_RDONLY | O_CLOEXEC)) < 0)
		error = vifs_error_set(errno == ENOENT ? VIFS_ENOTFOUND :
		                                         VIFS_EIO,
		    "%s: %s", local_path, strerror(errno));
	else
		error = put_source(s, local_path);
	return request_go(h, error);
}

int
vifs_fleet_put_fd(vifs_fleet_host *h, const char *url_path, int fd,
    const char *name)
{
	int error;

	if ((error = request_begin(h, M_PUT, url_path)) < 0)
		return error;
	h->slot->src.fd = fd;
	h->slot->src_borrowed = 1;
	error = fd < 0 ? vifs_error_set(VIFS_EINVAL, "no file descriptor") :
	                 put_source(h->slot, name ? name : "upload");
	return request_go(h, error);
}

int
vifs_fleet_host_take_body(vifs_fleet_host *h, char **out, size_t *out_len)
{
	struct slot *s = h->slot;

	*out = NULL;
	*out_len = 0;
	if (s == NULL || !s->body_ready)
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no body", h->name);
	/* An empty body is an empty string, not none. */
	if ((*out = vifs_buf_detach(&s->body, out_len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	s->body_ready = 0;
	return VIFS_OK;
}

/* --- the loop --------------------------------------------------------- */

/* After a POST that asked for it: the session cookie its answer set
 * goes with the host's later requests, instead of Basic credentials. */
static int
keep_session(struct slot *s)
{
	const char *v = vifs_http_response_cookie(s->http, s->session_cookie);
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (v == NULL)
		return VIFS_OK;
	if ((error = vifs_buf_printf(&b, "%s=%s", s->session_cookie, v)) == 0 &&
	    (error = vifs_http_set_cookie(s->http, b.data)) == 0)
		error = vifs_http_set_credentials(s->http, NULL, NULL);
	if (b.data != NULL)
		vifs_wipe(b.data, b.len);
	vifs_buf_free(&b);
	return error;
}

const char *
vifs_fleet_host_response_cookie(vifs_fleet_host *h, const char *name)
{
	struct slot *s = h->slot;

	if (s == NULL || s->pending || name == NULL)
		return NULL;
	return vifs_http_response_cookie(s->http, name);
}

int
vifs_fleet_host_set_cookie(vifs_fleet_host *h, const char *cookie)
{
	struct slot *s = h->slot;
	int error;

	if (s == NULL || s->pending)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: the host's session changes outside its turn", h->name);
	if ((error = vifs_http_set_cookie(s->http, cookie)) < 0)
		return error;
	return cookie != NULL ? vifs_http_set_credentials(s->http, NULL, NULL) :
	                        VIFS_OK;
}

/* Calls STEP for the request of S that ended with ERROR. */
static void
step(vifs_fleet *f, struct slot *s, int error)
{
	vifs_fleet_host *h = s->host;
	char why[REASON_MAX] = "";
	int rc;

	if (error == 0 && s->local_path != NULL)
		error = http_tmp_commit(s->http, s->url_path, &s->sink,
		    s->tmp.data, s->local_path, f->o.sync_files);
	if (error == 0 && (s->method == M_GET || s->method == M_POST) &&
	    s->sink.buf != NULL)
		s->body_ready = 1;
	if (error == 0 && s->session_cookie != NULL)
		error = keep_session(s);
	h->http_status = vifs_http_last_status(s->http);
	h->last_modified = vifs_http_last_modified(s->http);
	request_clear(f, s);
	if (error == 0)
		vifs_error_clear();
	else
		snprintf(why, sizeof(why), "%s", vifs_error_last());
	rc = f->o.step(h, error, f->o.payload);
	if (!s->pending) {
		vifs_buf_free(&s->body);
		s->body_ready = 0;
	}
	after_callback(f, s, rc, error, why);
}

/* A request of S ended with RC: retry it, or hand it to STEP. */
static void
ended(vifs_fleet *f, struct slot *s, CURLcode rc)
{
	int error;

	curl_multi_remove_handle(f->multi, http_curl(s->http));
	s->in_multi = 0;
	error = http_req_end(s->http, s->method, s->url_path, &s->sink, rc);
	/* Bytes already written where they cannot be taken back (the
	 * caller's descriptor) rule out a retry, as does the handle's own
	 * deadline. */
	if (error < 0 && !s->sink.too_big && !s->sink.write_failed &&
	    s->attempt + 1 < s->attempts && http_req_retryable(s->http, rc) &&
	    !http_deadline_reached(s->http) &&
	    !(s->sink_borrowed && s->sink.received > 0)) {
		int64_t wake = fleet_now_ms() + s->backoff_ms;

		if (s->deadline_ms == 0 || wake < s->deadline_ms) {
			if (s->attempt == 0)
				snprintf(s->first, sizeof(s->first), "%s",
				    vifs_error_last());
			/* The handle's trace: "HOST: " in front in a fleet
			 * of its own handles, none on a borrowed one. */
			http_trace_retry(s->http, s->backoff_ms, s->attempt + 2,
			    s->attempts);
			if ((s->sink_borrowed ||
			        (error = http_sink_rewind(&s->sink)) == 0) &&
			    (s->src.fd < 0 ||
			        (error = http_source_rewind(&s->src)) == 0)) {
				s->attempt++;
				s->backoff_ms *= 2;
				s->wake_ms = wake;
				return;
			}
		}
	}
	/* When retries failed differently, the first failure is the news. */
	if (error < 0 && s->attempt > 0 && *s->first != '\0' &&
	    strcmp(s->first, vifs_error_last()) != 0) {
		char last[512];

		snprintf(last, sizeof(last), "%s", vifs_error_last());
		error = vifs_error_set(error,
		    "%s (after %u attempts; the first: %s)", last,
		    s->attempt + 1, s->first);
	}
	step(f, s, error);
}

/* Starts the requests whose back-off is over; *next gets the earliest
 * wake-up still ahead, if earlier than it was. */
static void
wake_retries(vifs_fleet *f, int64_t t, int64_t *next)
{
	for (size_t i = 0; i < f->nslots; i++) {
		struct slot *s = &f->slots[i];
		int error;

		if (!s->busy || s->wake_ms == 0)
			continue;
		if (s->wake_ms > t) {
			if (*next == 0 || s->wake_ms < *next)
				*next = s->wake_ms;
			continue;
		}
		s->wake_ms = 0;
		if ((error = launch(f, s)) < 0)
			step(f, s, error);
	}
}

/* Ends the run early: requests in flight fail, waiting hosts are
 * skipped. */
static void
stop_all(vifs_fleet *f)
{
	for (size_t i = 0; i < f->nslots; i++) {
		struct slot *s = &f->slots[i];

		if (!s->busy)
			continue;
		fleet_set_reason(s->host, "stopped before the job was done");
		finish(f, s, VIFS_FLEET_FAILED, VIFS_ERROR);
	}
	while (f->next < f->n) {
		vifs_fleet_host *h = f->hosts[f->next++];

		if (h->state != VIFS_FLEET_PENDING)
			continue;
		h->state = VIFS_FLEET_SKIPPED;
		h->error = VIFS_ERROR;
		fleet_set_reason(h, "skipped: the run was stopped");
		f->stats.skipped++;
		if (f->o.done != NULL)
			f->o.done(h, f->o.payload);
	}
}

static struct slot *
free_slot(vifs_fleet *f)
{
	for (size_t i = 0; i < f->nslots; i++)
		if (!f->slots[i].busy)
			return &f->slots[i];
	return NULL;
}

/* Gives free slots to waiting hosts; returns how many started. */
static size_t
fill_slots(vifs_fleet *f)
{
	size_t started = 0;
	struct slot *s;

	while (!f->stop && f->next < f->n && (s = free_slot(f)) != NULL) {
		vifs_fleet_host *h = f->hosts[f->next++];

		if (h->state != VIFS_FLEET_PENDING)
			continue;
		start_host(f, s, h);
		started++;
	}
	return started;
}

static int
tick(vifs_fleet *f)
{
	struct vifs_fleet_stats st;

	if (f->o.tick == NULL)
		return 0;
	vifs_fleet_stats(f, &st);
	return f->o.tick(&st,
	    f->o.tick_payload ? f->o.tick_payload : f->o.payload);
}

int
vifs_fleet_run(vifs_fleet *f)
{
	int64_t last_tick = 0;
	int error = 0;

	if (f->running)
		return vifs_error_set(VIFS_EINVAL, "fleet: already running");
	f->nslots = f->o.parallel < f->n ? f->o.parallel : f->n;
	if (f->nslots == 0)
		return VIFS_OK;
	if ((f->slots = calloc(f->nslots, sizeof(*f->slots))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (f->multi == NULL && (f->multi = curl_multi_init()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "libcurl: no multi handle");
		goto done;
	}
	/* Idle connections of finished hosts are not kept beyond one a
	 * slot. */
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)f->nslots);
	f->running = 1;
	f->stop = 0;
	f->start_ms = fleet_now_ms();
	memset(&f->stats, 0, sizeof(f->stats));
	for (;;) {
		int64_t t, next = 0;
		int still, numfds = 0, msgs;
		CURLMsg *m;
		int changed = 0;
		long wait;

		if (f->stop) {
			stop_all(f);
			break;
		}
		changed += fill_slots(f) > 0;
		if (f->stats.running == 0 && f->next >= f->n)
			break;
		t = fleet_now_ms();
		wake_retries(f, t, &next);
		if (curl_multi_perform(f->multi, &still) != CURLM_OK) {
			error = vifs_error_set(VIFS_ERROR,
			    "libcurl: the multi "
			    "handle failed");
			f->stop = 1;
			continue;
		}
		while ((m = curl_multi_info_read(f->multi, &msgs)) != NULL) {
			struct slot *s;
			char *priv = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    &priv);
			s = (struct slot *)(void *)priv;
			if (s == NULL || !s->busy || !s->in_multi)
				continue;
			ended(f, s, m->data.result);
			changed = 1;
		}
		t = fleet_now_ms();
		if (t - last_tick >= TICK_MS || changed) {
			if (t - last_tick >= TICK_MS) {
				last_tick = t;
				if (tick(f) != 0)
					f->stop = 1;
			}
			if (changed)
				continue;
		}
		wait = TICK_MS;
		if (next != 0 && next - t < wait)
			wait = next - t > 0 ? (long)(next - t) : 0;
		curl_multi_poll(f->multi, NULL, 0, (int)wait, &numfds);
	}
	tick(f);
done:
	f->running = 0;
	f->stats.elapsed_ms = fleet_now_ms() - f->start_ms;
	free(f->slots);
	f->slots = NULL;
	f->nslots = 0;
	return error;
}
