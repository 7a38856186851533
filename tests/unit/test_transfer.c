/*
 * test_transfer.c - the transfer job (vifs/transfer.h) run as a fleet of
 * one against real local sockets (a port that refuses, a peer that never
 * answers): the target left as it was and no temporary file behind, the
 * message with the host in front, a pipe copied before its upload, the
 * options refused, and the remote path of an upload to a directory.
 * Transfers that succeed are tested against the simulated hosts by
 * tests/integration/fleet_one_transfer.sh and legacy_*.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/transfer.h>

#include "testutil.h"

/* A host at 127.0.0.1:PORT, retried twice after 10 ms. */
static vifs_http *
host_at(unsigned port, long low_speed_secs)
{
	struct vifs_http_opts o;
	vifs_http *h = NULL;
	char base[64];

	snprintf(base, sizeof(base), "https://127.0.0.1:%u", port);
	memset(&o, 0, sizeof(o));
	o.base_url = base;
	o.username = "root";
	o.password = "secret";
	o.get_retries = 2;
	o.retry_base_ms = 10;
	o.low_speed_secs = low_speed_secs;
	o.connect_timeout_ms = 1500;
	assert_int_equal(vifs_http_new(&h, &o), 0);
	return h;
}

/* TO: a GET of URL_PATH into the file DEST. */
static void
get_file(struct vifs_transfer_opts *to, const char *url_path, const char *dest)
{
	memset(to, 0, sizeof(*to));
	to->kind = VIFS_TRANSFER_GET_FILE;
	to->url_path = url_path;
	to->local = dest;
}

static void
test_refused_get_keeps_the_file(void **state)
{
	struct vifs_transfer_opts to;
	vifs_transfer *t = NULL;
	char dest[512], want[64], *dir = tmpdir_make();
	unsigned port;
	int fd = local_socket(0, &port);
	vifs_http *h = host_at(port, 0);

	(void)state;
	snprintf(dest, sizeof(dest), "%s/esx.conf", dir);
	write_file(dest, "old\n", 4);
	get_file(&to, "/host/esx.conf", dest);
	to.sync = 1;
	assert_int_equal(vifs_transfer_new(&t, &to), 0);
	assert_int_equal(vifs_transfer_run(t, h), VIFS_ENET);
	/* The message as one host shows it: the host in front. */
	snprintf(want, sizeof(want), "127.0.0.1:%u: ", port);
	assert_int_equal(strncmp(vifs_error_last(), want, strlen(want)), 0);
	assert_non_null(strstr(vifs_error_last(), "Connection refused"));
	assert_null(strstr(vifs_error_last(), "secret"));
	assert_int_equal(vifs_http_last_status(h), 0);
	/* The old file stays and no temporary file is left. */
	assert_int_equal(count_entries(dir), 1);
	/* The same transfer runs again on the same handle. */
	assert_int_equal(vifs_transfer_run(t, h), VIFS_ENET);
	assert_int_equal(count_entries(dir), 1);
	vifs_transfer_free(t);
	vifs_http_free(h);
	close(fd);
	tmpdir_remove(dir);
}

static void
test_silent_peer_times_out(void **state)
{
	struct vifs_transfer_opts to;
	vifs_transfer *t = NULL;
	char dest[512], *dir = tmpdir_make();
	unsigned port;
	int fd = local_socket(1, &port);
	vifs_http *h = host_at(port, 1);

	(void)state;
	/* The kernel accepts the connection; nobody ever answers. */
	snprintf(dest, sizeof(dest), "%s/out.bin", dir);
	get_file(&to, "/folder/x", dest);
	assert_int_equal(vifs_transfer_new(&t, &to), 0);
	assert_int_equal(vifs_transfer_run(t, h), VIFS_ETIMEOUT);
	assert_non_null(strstr(vifs_error_last(), "timed out"));
	assert_int_equal(count_entries(dir), 0);
	vifs_transfer_free(t);
	vifs_http_free(h);
	close(fd);
	tmpdir_remove(dir);
}

static int
stop_now(void *payload)
{
	(*(int *)payload)++;
	return 1;
}

static void
test_cancel_stops_the_run(void **state)
{
	struct vifs_transfer_opts to;
	vifs_transfer *t = NULL;
	char dest[512], *dir = tmpdir_make();
	unsigned port;
	int fd = local_socket(1, &port), asked = 0;
	vifs_http *h = host_at(port, 60);

	(void)state;
	/* A peer that never answers would hold the run for a minute; the
	 * cancel callback (a signal arrived) ends it at once. */
	snprintf(dest, sizeof(dest), "%s/out.bin", dir);
	get_file(&to, "/folder/x", dest);
	to.cancel = stop_now;
	to.cancel_payload = &asked;
	assert_int_equal(vifs_transfer_new(&t, &to), 0);
	assert_true(vifs_transfer_run(t, h) < 0);
	assert_true(asked > 0);
	assert_non_null(strstr(vifs_error_last(), "stopped"));
	assert_int_equal(count_entries(dir), 0);
	vifs_transfer_free(t);
	vifs_http_free(h);
	close(fd);
	tmpdir_remove(dir);
}

static void
test_put_from_a_pipe(void **state)
{
	struct vifs_transfer_opts to;
	vifs_transfer *t = NULL;
	unsigned port;
	int fd = local_socket(0, &port), p[2];
	vifs_http *h = host_at(port, 0);

	(void)state;
	/* A pipe is read whole into a file of its own before any request,
	 * so the writer's end may close first. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abc\n", 4), 4);
	close(p[1]);
	memset(&to, 0, sizeof(to));
	to.kind = VIFS_TRANSFER_PUT_FD;
	to.url_path = "/tmp/x";
	to.fd = p[0];
	to.fd_name = "standard input";
	assert_int_equal(vifs_transfer_new(&t, &to), 0);
	{
		char rest[8];

		assert_int_equal(read(p[0], rest, sizeof(rest)), 0);
	}
	assert_int_equal(vifs_transfer_run(t, h), VIFS_ENET);
	assert_non_null(strstr(vifs_error_last(), "Connection refused"));
	vifs_transfer_free(t);
	close(p[0]);
	vifs_http_free(h);
	close(fd);
}

static void
test_bad_options(void **state)
{
	static const char *const names[] = { "", ".", "..", "a/b" };
	struct vifs_transfer_opts to;
	vifs_transfer *t = NULL;

	(void)state;
	memset(&to, 0, sizeof(to));
	assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
	to.url_path = "/host/esx.conf";
	to.kind = VIFS_TRANSFER_GET_FILE;
	assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
	to.kind = VIFS_TRANSFER_PUT_FILE;
	assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
	to.kind = VIFS_TRANSFER_GET_FD;
	to.fd = -1;
	assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
	to.kind = VIFS_TRANSFER_PUT_FD;
	assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
	/* A file name in each host's directory is one path component. */
	to.kind = VIFS_TRANSFER_GET_DIR;
	to.local = "dir";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		to.name = names[i];
		assert_int_equal(vifs_transfer_new(&t, &to), VIFS_EINVAL);
		assert_null(t);
	}
	to.name = "esx.conf";
	assert_int_equal(vifs_transfer_new(&t, &to), 0);
	vifs_transfer_free(t);
	assert_int_equal(vifs_transfer_run(NULL, NULL), VIFS_EINVAL);
}

static void
test_put_path(void **state)
{
	static const struct {
		const char *remote, *local, *want; /* want NULL: REMOTE */
	} cases[] = {
		{ "[ds] iso/", "/x/ubuntu.iso", "iso/ubuntu.iso" },
		{ "[ds]", "ubuntu.iso", "ubuntu.iso" },
		{ "/tmp/", "dir/bundle.zip", "bundle.zip" },
		{ "/tmp/up", "bundle.zip", NULL },
		{ "[ds] iso/a.iso", "b.iso", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vifs_remotepath *rp = NULL, *out = NULL;

		assert_int_equal(vifs_remotepath_parse(&rp, cases[i].remote),
		    0);
		assert_int_equal(vifs_transfer_put_path(&out, rp,
		                     cases[i].local),
		    0);
		if (cases[i].want == NULL) {
			assert_null(out);
		} else {
			assert_non_null(out);
			assert_string_equal(out->path, cases[i].want);
			assert_int_equal(out->mode, rp->mode);
			if (rp->datastore != NULL)
				assert_string_equal(out->datastore,
				    rp->datastore);
		}
		vifs_remotepath_free(out);
		vifs_remotepath_free(rp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_get_keeps_the_file),
		cmocka_unit_test(test_silent_peer_times_out),
		cmocka_unit_test(test_cancel_stops_the_run),
		cmocka_unit_test(test_put_from_a_pipe),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_put_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
