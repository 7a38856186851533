/*
 * test_fleet.c - the multi-host engine against real local sockets: ports
 * that refuse, peers that accept and never answer, a bad URL among good
 * ones, the parallel limit, deadlines, stopping, and the order of the
 * callbacks; a POST against a small HTTP server of its own (the answer
 * whatever its status, the session cookie kept for later requests).
 * Other transfers that succeed are tested against the simulated hosts by
 * tests/integration/fleet_*.sh.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/wait.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/fleet.h>
#include <vifs/http.h>

#include "testutil.h"

#define MAXHOSTS 64

/* What the callbacks saw. */
struct seen {
	int starts, steps, dones, ticks;
	int stop_after_ticks; /* TICK asks to stop after that many; 0 never */
	int max_running;
	int done_order[MAXHOSTS];
	int steps_of[MAXHOSTS];
	int errors_of[MAXHOSTS];
	/* What START does: 0 get_buf, 1 nothing, 2 fail, 3 get_file,
	 * 4 put_buf. */
	int start_mode;
	int second_request; /* STEP issues one more request (put_buf) */
	const char *dir; /* for get_file */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
on_start(vifs_fleet_host *h, void *payload)
{
	struct seen *s = payload;
	char path[512];

	s->starts++;
	switch (s->start_mode) {
	case 1:
		return 0;
	case 2:
		return vifs_error_set(VIFS_EREFUSED, "%s: refused by the job",
		    vifs_fleet_host_name(h));
	case 3:
		snprintf(path, sizeof(path), "%s/%zu.conf", s->dir,
		    vifs_fleet_host_index(h));
		return vifs_fleet_get_file(h, "/host/esx.conf", path);
	case 4:
		return vifs_fleet_put_buf(h, "/tmp/x", "data", 4);
	default:
		return vifs_fleet_get_buf(h, "/host/esx.conf", 0);
	}
}

static int
on_step(vifs_fleet_host *h, int error, void *payload)
{
	struct seen *s = payload;
	size_t i = vifs_fleet_host_index(h);
	char *body = NULL;
	size_t len = 0;

	s->steps++;
	s->steps_of[i]++;
	/* No body after a failed request. */
	assert_int_equal(vifs_fleet_host_take_body(h, &body, &len),
	    VIFS_ENOTFOUND);
	assert_null(body);
	if (error < 0 && s->second_request && s->steps_of[i] == 1)
		return vifs_fleet_put_buf(h, "/tmp/again", "x", 1);
	return error;
}

static void
on_done(vifs_fleet_host *h, void *payload)
{
	struct seen *s = payload;
	size_t i = vifs_fleet_host_index(h);

	assert_true(i < MAXHOSTS);
	s->done_order[s->dones++] = (int)i;
	s->errors_of[i] = vifs_fleet_host_error(h);
	assert_true(vifs_fleet_host_state(h) >= VIFS_FLEET_OK);
	/* Calling a request outside the host's turn is refused. */
	assert_int_equal(vifs_fleet_get_buf(h, "/x", 0), VIFS_EINVAL);
}

static int
on_tick(const struct vifs_fleet_stats *st, void *payload)
{
	struct seen *s = payload;

	s->ticks++;
	if ((int)st->running > s->max_running)
		s->max_running = (int)st->running;
	return s->stop_after_ticks && s->ticks >= s->stop_after_ticks;
}

static vifs_fleet *
new_fleet(struct seen *s, unsigned parallel, long host_timeout_ms)
{
	struct vifs_fleet_opts o;
	vifs_fleet *f = NULL;

	memset(&o, 0, sizeof(o));
	o.parallel = parallel;
	o.username = "root";
	o.password = "secret";
	o.connect_timeout_ms = 2000;
	o.low_speed_secs = 30;
	o.host_timeout_ms = host_timeout_ms;
	o.get_retries = 1;
	o.retry_base_ms = 20;
	o.start = on_start;
	o.step = on_step;
	o.done = on_done;
	o.tick = on_tick;
	o.payload = s;
	assert_int_equal(vifs_fleet_new(&f, &o), 0);
	return f;
}

static void
add_host(vifs_fleet *f, unsigned port)
{
	struct vifs_fleet_target t;
	char name[64], url[96];

	snprintf(name, sizeof(name), "127.0.0.1:%u", port);
	snprintf(url, sizeof(url), "https://%s", name);
	memset(&t, 0, sizeof(t));
	t.name = name;
	t.base_url = url;
	assert_int_equal(vifs_fleet_add(f, &t), 0);
}

static void
test_options(void **state)
{
	struct vifs_fleet_opts o;
	struct vifs_fleet_target t;
	struct vifs_fleet_stats st;
	vifs_fleet *f = NULL;
	struct seen s;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(vifs_fleet_new(&f, &o), VIFS_EINVAL);
	assert_null(f);
	assert_int_equal(vifs_fleet_new(&f, NULL), VIFS_EINVAL);
	memset(&s, 0, sizeof(s));
	f = new_fleet(&s, 0, 0);
	memset(&t, 0, sizeof(t));
	t.name = "x";
	assert_int_equal(vifs_fleet_add(f, &t), VIFS_EINVAL);
	assert_int_equal(vifs_fleet_count(f), 0);
	assert_null(vifs_fleet_get(f, 0));
	/* An empty fleet runs and is done at once. */
	assert_int_equal(vifs_fleet_run(f), 0);
	vifs_fleet_stats(f, &st);
	assert_int_equal(st.total, 0);
	assert_int_equal(s.starts, 0);
	vifs_fleet_free(f);
	vifs_fleet_free(NULL);
}

/* Forty refusing ports, four at a time: every host fails with the reason,
 * each is reported once, and never more than four run at once. */
static void
test_refused(void **state)
{
	struct seen s;
	struct vifs_fleet_stats st;
	vifs_fleet *f;
	int fds[40], seen_host[40] = { 0 };
	unsigned port;

	(void)state;
	memset(&s, 0, sizeof(s));
	f = new_fleet(&s, 4, 0);
	for (int i = 0; i < 40; i++) {
		fds[i] = local_socket(0, &port);
		add_host(f, port);
	}
	assert_int_equal(vifs_fleet_run(f), 0);
	vifs_fleet_stats(f, &st);
	assert_int_equal(st.total, 40);
	assert_int_equal(st.failed, 40);
	assert_int_equal(st.ok + st.skipped + st.running, 0);
	assert_int_equal(s.starts, 40);
	assert_int_equal(s.steps, 40);
	assert_int_equal(s.dones, 40);
	assert_true(s.max_running <= 4);
	for (int i = 0; i < 40; i++) {
		vifs_fleet_host *h = vifs_fleet_get(f, (size_t)i);

		seen_host[s.done_order[i]]++;
		assert_int_equal(vifs_fleet_host_state(h), VIFS_FLEET_FAILED);
		assert_int_equal(vifs_fleet_host_error(h), VIFS_ENET);
		assert_non_null(
		    strstr(vifs_fleet_host_reason(h), "Connection refused"));
		/* The host is not named twice. */
		assert_string_equal(vifs_fleet_host_reason(h),
		    "cannot connect: Connection refused");
		assert_null(strstr(vifs_fleet_host_reason(h), "secret"));
		assert_int_equal(vifs_fleet_host_http_status(h), 0);
		close(fds[i]);
	}
	for (int i = 0; i < 40; i++)
		assert_int_equal(seen_host[i], 1);
	vifs_fleet_free(f);
}

/* Peers that accept and never answer: each host ends at its deadline,
 * three at a time, and the run takes about two deadlines. */
static void
test_deadline(void **state)
{
	struct seen s;
	vifs_fleet *f;
	int fds[6];
	unsigned port;
	int64_t t0, took;

	(void)state;
	memset(&s, 0, sizeof(s));
	f = new_fleet(&s, 3, 600);
	for (int i = 0; i < 6; i++) {
		fds[i] = local_socket(1, &port);
		add_host(f, port);
	}
	t0 = now_ms();
	assert_int_equal(vifs_fleet_run(f), 0);
	took = now_ms() - t0;
	assert_true(took >= 1100);
	assert_true(took < 4000);
	for (int i = 0; i < 6; i++) {
		vifs_fleet_host *h = vifs_fleet_get(f, (size_t)i);

		assert_int_equal(vifs_fleet_host_error(h), VIFS_ETIMEOUT);
		assert_non_null(strstr(vifs_fleet_host_reason(h), "timed out"));
		close(fds[i]);
	}
	assert_true(s.max_running <= 3);
	vifs_fleet_free(f);
}

/* TICK stops the run: hosts in flight fail, the others are skipped, and
 * every host is reported. */
static void
test_stop(void **state)
{
	struct seen s;
	struct vifs_fleet_stats st;
	vifs_fleet *f;
	int fds[10];
	unsigned port;
	int64_t t0;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.stop_after_ticks = 2;
	f = new_fleet(&s, 2, 30000);
	for (int i = 0; i < 10; i++) {
		fds[i] = local_socket(1, &port);
		add_host(f, port);
	}
	t0 = now_ms();
	assert_int_equal(vifs_fleet_run(f), 0);
	assert_true(now_ms() - t0 < 3000);
	vifs_fleet_stats(f, &st);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.skipped, 8);
	assert_int_equal(s.dones, 10);
	assert_int_equal(vifs_fleet_host_state(vifs_fleet_get(f, 0)),
	    VIFS_FLEET_FAILED);
	assert_non_null(
	    strstr(vifs_fleet_host_reason(vifs_fleet_get(f, 0)), "stopped"));
	assert_int_equal(vifs_fleet_host_state(vifs_fleet_get(f, 9)),
	    VIFS_FLEET_SKIPPED);
	assert_non_null(
	    strstr(vifs_fleet_host_reason(vifs_fleet_get(f, 9)), "skipped"));
	for (int i = 0; i < 10; i++)
		close(fds[i]);
	vifs_fleet_free(f);
}

/* START decides: no request is success, an error fails the host, and a
 * bad URL fails only its own host. */
static void
test_start_outcomes(void **state)
{
	struct seen s;
	struct vifs_fleet_stats st;
	struct vifs_fleet_target t;
	vifs_fleet *f;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.start_mode = 1;
	f = new_fleet(&s, 8, 0);
	add_host(f, 1);
	add_host(f, 2);
	memset(&t, 0, sizeof(t));
	t.name = "bad";
	t.base_url = "ftp://bad";
	assert_int_equal(vifs_fleet_add(f, &t), 0);
	assert_int_equal(vifs_fleet_run(f), 0);
	vifs_fleet_stats(f, &st);
	assert_int_equal(st.ok, 2);
	assert_int_equal(st.failed, 1);
	assert_int_equal(s.starts, 2);
	assert_int_equal(s.steps, 0);
	assert_string_equal(vifs_fleet_host_reason(vifs_fleet_get(f, 0)), "");
	assert_int_equal(vifs_fleet_host_error(vifs_fleet_get(f, 2)),
	    VIFS_EINVAL);
	assert_non_null(strstr(vifs_fleet_host_reason(vifs_fleet_get(f, 2)),
	    "not an http(s) URL"));
	vifs_fleet_free(f);

	memset(&s, 0, sizeof(s));
	s.start_mode = 2;
	f = new_fleet(&s, 8, 0);
	add_host(f, 1);
	assert_int_equal(vifs_fleet_run(f), 0);
	assert_int_equal(vifs_fleet_host_error(vifs_fleet_get(f, 0)),
	    VIFS_EREFUSED);
	assert_string_equal(vifs_fleet_host_reason(vifs_fleet_get(f, 0)),
	    "refused by the job");
	vifs_fleet_free(f);
}

/* A download that fails leaves no file; STEP may issue a second request
 * after a failure (a PUT here), and its STEP then ends the host. */
static void
test_requests(void **state)
{
	struct seen s;
	vifs_fleet *f;
	char *dir = tmpdir_make();
	int fds[3];
	unsigned port;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.start_mode = 3;
	s.dir = dir;
	s.second_request = 1;
	f = new_fleet(&s, 2, 0);
	for (int i = 0; i < 3; i++) {
		fds[i] = local_socket(0, &port);
		add_host(f, port);
	}
	assert_int_equal(vifs_fleet_run(f), 0);
	assert_int_equal(count_entries(dir), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s.steps_of[i], 2);
		assert_int_equal(s.errors_of[i], VIFS_ENET);
		/* The PUT is the last request: its path is in the reason. */
		assert_non_null(
		    strstr(vifs_fleet_host_reason(vifs_fleet_get(f, (size_t)i)),
		        "cannot connect"));
		close(fds[i]);
	}
	vifs_fleet_free(f);

	memset(&s, 0, sizeof(s));
	s.start_mode = 4;
	f = new_fleet(&s, 2, 0);
	fds[0] = local_socket(0, &port);
	add_host(f, port);
	assert_int_equal(vifs_fleet_run(f), 0);
	assert_int_equal(s.steps, 1);
	assert_int_equal(s.errors_of[0], VIFS_ENET);
	close(fds[0]);
	vifs_fleet_free(f);
	tmpdir_remove(dir);
}

/* --- POST --------------------------------------------------------------- */

/* A plain-HTTP server in a child process: answers the Nth connection's
 * one request with ANSWERS[N] and appends the request as it came to
 * LOG; exits after the last answer. */
static pid_t
serve(int fd, const char *const *answers, const char *log)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid > 0) {
		close(fd);
		return pid;
	}
	for (size_t n = 0; answers[n] != NULL; n++) {
		char req[8192];
		size_t got = 0;
		long clen = -1;
		int c = accept(fd, NULL, NULL);
		FILE *out;

		if (c < 0)
			_exit(1);
		for (;;) {
			ssize_t r = read(c, req + got, sizeof(req) - 1 - got);
			char *end, *cl;

			if (r <= 0)
				break;
			got += (size_t)r;
			req[got] = '\0';
			if ((end = strstr(req, "\r\n\r\n")) == NULL)
				continue;
			if (clen < 0)
				clen = (cl = strstr(req, "Content-Length: ")) ?
				    atol(cl + 16) :
				    0;
			if ((size_t)(end + 4 - req) + (size_t)clen <= got)
				break;
		}
		if ((out = fopen(log, "a")) != NULL) {
			fprintf(out, "%s\n----\n", req);
			fclose(out);
		}
		if (write(c, answers[n], strlen(answers[n])) < 0)
			_exit(1);
		close(c);
	}
	_exit(0);
}

struct post_job {
	int step;
	int status; /* of the POST */
	char body[64];
	char cookie[64];
	const char *keep; /* the session cookie to keep, or NULL */
};

static int
post_start(vifs_fleet_host *h, void *payload)
{
	static const char *const headers[] = {
		"Content-Type: text/xml; charset=utf-8",
		"SOAPAction: \"urn:vim25/5.0\"", NULL
	};
	struct post_job *j = payload;

	return vifs_fleet_post_buf(h, "/sdk", headers, "<env/>", 6, j->keep);
}

static int
post_step(vifs_fleet_host *h, int error, void *payload)
{
	struct post_job *j = payload;
	const char *c;
	char *body = NULL;
	size_t len = 0;

	if (error < 0)
		return error;
	if (j->step++ > 0) {
		/* The GET after it. */
		assert_int_equal(vifs_fleet_host_take_body(h, &body, &len), 0);
		assert_string_equal(body, "conf");
		free(body);
		return 0;
	}
	/* A 500 is an answer: the body is the caller's to read. */
	j->status = (int)vifs_fleet_host_http_status(h);
	assert_int_equal(vifs_fleet_host_take_body(h, &body, &len), 0);
	snprintf(j->body, sizeof(j->body), "%s", body);
	free(body);
	c = vifs_fleet_host_response_cookie(h, "vmware_soap_session");
	snprintf(j->cookie, sizeof(j->cookie), "%s", c ? c : "(none)");
	return vifs_fleet_get_buf(h, "/host/esx.conf", 0);
}

/* Runs one POST and one GET on a host of each kind; KEEP asks for the
 * session cookie.  Returns what the server saw. */
static char *
post_run(int borrowed, const char *keep, struct post_job *j)
{
	static const char *const answers[] = {
		"HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
		"text/xml\r\n"
		"Set-Cookie: vmware_soap_session=\"52abc\"; Path=/; "
		"HttpOnly\r\n"
		"Content-Length: 8\r\nConnection: close\r\n\r\n<fault/>",
		"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n"
		"\r\nconf",
		NULL,
	};
	struct vifs_fleet_opts o;
	vifs_fleet *f = NULL;
	vifs_http *http = NULL;
	char *dir = tmpdir_make(), log[512], url[64], *seen = NULL;
	size_t len = 0;
	unsigned port;
	int fd = local_socket(1, &port), st;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/requests", dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	pid = serve(fd, answers, log);
	memset(j, 0, sizeof(*j));
	j->keep = keep;
	memset(&o, 0, sizeof(o));
	o.username = "root";
	o.password = "secret";
	o.connect_timeout_ms = 5000;
	o.host_timeout_ms = 20000;
	o.start = post_start;
	o.step = post_step;
	o.payload = j;
	assert_int_equal(vifs_fleet_new(&f, &o), 0);
	if (borrowed) {
		struct vifs_http_opts ho;

		memset(&ho, 0, sizeof(ho));
		ho.base_url = url;
		ho.username = "root";
		ho.password = "secret";
		assert_int_equal(vifs_http_new(&http, &ho), 0);
		assert_int_equal(vifs_fleet_add_http(f, "esx", http), 0);
	} else {
		struct vifs_fleet_target t;

		memset(&t, 0, sizeof(t));
		t.name = "esx";
		t.base_url = url;
		assert_int_equal(vifs_fleet_add(f, &t), 0);
	}
	assert_int_equal(vifs_fleet_run(f), 0);
	assert_int_equal(vifs_fleet_host_state(vifs_fleet_get(f, 0)),
	    VIFS_FLEET_OK);
	vifs_fleet_free(f);
	vifs_http_free(http);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(vifs_file_read(&seen, &len, log), 0);
	tmpdir_remove(dir);
	return seen;
}

/* A POST carries its headers and body but no Basic credentials, is
 * answered whatever the status, and its session cookie goes with the
 * host's later requests when asked for, on both kinds of host. */
static void
test_post(void **state)
{
	struct post_job j;
	char *seen, *get;

	(void)state;
	for (int borrowed = 0; borrowed < 2; borrowed++) {
		seen = post_run(borrowed, "vmware_soap_session", &j);
		assert_int_equal(j.status, 500);
		assert_string_equal(j.body, "<fault/>");
		assert_string_equal(j.cookie, "\"52abc\"");
		assert_int_equal(strncmp(seen, "POST /sdk HTTP/1.1\r\n", 20),
		    0);
		assert_non_null(
		    strstr(seen, "\r\nSOAPAction: \"urn:vim25/5.0\""));
		assert_non_null(
		    strstr(seen, "\r\nContent-Type: text/xml; charset=utf-8"));
		assert_non_null(strstr(seen, "\r\n\r\n<env/>\n----\n"));
		get = strstr(seen, "GET /host/esx.conf");
		assert_non_null(get);
		/* The POST never sends the password; the GET after it sends
		 * the session instead. */
		assert_null(strstr(seen, "Authorization:"));
		assert_non_null(
		    strstr(get, "\r\nCookie: vmware_soap_session=\"52abc\""));
		free(seen);

		/* Not asked for: the cookie is seen but not kept. */
		seen = post_run(borrowed, NULL, &j);
		assert_string_equal(j.cookie, "\"52abc\"");
		get = strstr(seen, "GET /host/esx.conf");
		assert_non_null(get);
		assert_null(strstr(seen, "Cookie:"));
		assert_non_null(strstr(get, "\r\nAuthorization: Basic "));
		free(seen);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_start_outcomes),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_post),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
