/*
 * test_http.c - the parts of the HTTP client that need no web server:
 * base URLs, pinning options, the known-hosts entry, and failures against
 * real local sockets (a port that refuses, a peer that never answers).
 * Transfers of files are test_transfer.c's; transfers themselves are
 * tested against the simulated hosts by tests/integration/legacy_*.sh.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>

#include <vifs/error.h>
#include <vifs/http.h>

#include "testutil.h"

static int
new_host(vifs_http **h, const char *base)
{
	struct vifs_http_opts o;

	memset(&o, 0, sizeof(o));
	o.base_url = base;
	return vifs_http_new(h, &o);
}

static void
test_base_urls(void **state)
{
	static const struct {
		const char *base, *hostport;
	} good[] = {
		{ "https://esx01", "esx01:443" },
		{ "https://esx01/", "esx01:443" },
		{ "http://esx01", "esx01:80" },
		{ "https://10.0.0.1:8443", "10.0.0.1:8443" },
		{ "https://[fe80::1]:8443", "[fe80::1]:8443" },
		{ "https://[::1]", "[::1]:443" },
	};
	static const char *const bad[] = {
		"ftp://esx01",
		"esx01",
		"https://",
		"https://:443",
		"https://esx01:0",
		"https://esx01:65536",
		"https://esx01:44x",
		"https://esx01:",
		"https://esx01/sdk",
		"https://esx01?x=1",
		"https://[::1",
		"https://esx01#frag",
		"",
	};
	vifs_http *h = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(new_host(&h, good[i].base), 0);
		assert_string_equal(vifs_http_hostport(h), good[i].hostport);
		assert_int_equal(vifs_http_last_status(h), 0);
		assert_string_equal(vifs_http_last_status_line(h), "");
		assert_null(vifs_http_peer_thumbprint(h, "sha256"));
		vifs_http_free(h);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = (vifs_http *)1;
		assert_int_equal(new_host(&h, bad[i]), VIFS_EINVAL);
		assert_null(h);
		assert_true(*vifs_error_last() != '\0');
	}
	assert_int_equal(vifs_http_new(&h, NULL), VIFS_EINVAL);
	vifs_http_free(NULL);
}

static void
test_pins(void **state)
{
	struct vifs_http_opts o;
	vifs_http *h = NULL;
	char *dir = tmpdir_make();
	char kh[512];
	static const char good[] =
	    "esx01:443 46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:E4:6E:8E:FB:"
	    "16:94\n";
	static const char other[] = "esx02 zz\n";

	(void)state;
	memset(&o, 0, sizeof(o));
	o.base_url = "https://esx01";
	o.thumbprint = "46:77:A7";
	assert_int_equal(vifs_http_new(&h, &o), VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "Invalid"));
	o.thumbprint = "4677a74761280b2587d543aa8751e46e8efb1694";
	assert_int_equal(vifs_http_new(&h, &o), 0);
	vifs_http_free(h);

	/* A known-hosts entry is parsed only for the host it names. */
	o.thumbprint = NULL;
	snprintf(kh, sizeof(kh), "%s/known_hosts", dir);
	o.known_hosts = kh;
	assert_int_equal(vifs_http_new(&h, &o), 0); /* missing file */
	vifs_http_free(h);
	write_file(kh, other, strlen(other));
	assert_int_equal(vifs_http_new(&h, &o), 0);
	vifs_http_free(h);
	write_file(kh, good, strlen(good));
	assert_int_equal(vifs_http_new(&h, &o), 0);
	vifs_http_free(h);
	o.base_url = "https://esx02";
	write_file(kh, other, strlen(other));
	assert_int_equal(vifs_http_new(&h, &o), VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "esx02:443"));
	tmpdir_remove(dir);
}

static void
test_refused(void **state)
{
	struct vifs_http_opts o;
	vifs_http *h = NULL;
	char base[64];
	unsigned port;
	int fd = local_socket(0, &port), err;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	snprintf(base, sizeof(base), "https://127.0.0.1:%u", port);
	memset(&o, 0, sizeof(o));
	o.base_url = base;
	o.username = "root";
	o.password = "secret";
	o.get_retries = 2;
	o.retry_base_ms = 10;
	assert_int_equal(vifs_http_new(&h, &o), 0);
	err = vifs_http_get_buf(h, "/host", &buf, &len, 0);
	assert_int_equal(err, VIFS_ENET);
	assert_non_null(strstr(vifs_error_last(), "Connection refused"));
	assert_null(strstr(vifs_error_last(), "secret"));
	assert_null(buf);
	assert_int_equal(vifs_http_put_buf(h, "/tmp/x", "x", 1), VIFS_ENET);
	assert_int_equal(vifs_http_delete(h, "/folder/x"), VIFS_ENET);
	assert_int_equal(vifs_http_last_status(h), 0);
	vifs_http_free(h);
	close(fd);
}

static void
test_silent_peer_times_out(void **state)
{
	struct vifs_http_opts o;
	vifs_http *h = NULL;
	char base[64], *buf = NULL;
	size_t len = 0;
	unsigned port;
	int fd = local_socket(1, &port);

	(void)state;
	/* The kernel accepts the connection; nobody ever answers. */
	snprintf(base, sizeof(base), "https://127.0.0.1:%u", port);
	memset(&o, 0, sizeof(o));
	o.base_url = base;
	o.low_speed_secs = 1;
	o.connect_timeout_ms = 1500;
	assert_int_equal(vifs_http_new(&h, &o), 0);
	assert_int_equal(vifs_http_get_buf(h, "/folder/x", &buf, &len, 0),
	    VIFS_ETIMEOUT);
	assert_non_null(strstr(vifs_error_last(), "timed out"));
	assert_null(buf);
	vifs_http_free(h);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_urls),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_silent_peer_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
