/*
 * tool_trust.c - `vifs trust HOST`: record the SHA-256 thumbprint of the
 * certificate a host presents now in the known-hosts file, so that later
 * connections pin it (trust on first use, made explicit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/remotepath.h>
#include <vifs/trust.h>

#include "conn.h"
#include "msg.h"
#include "opts.h"
#include "tool.h"

static const char trust_usage[] =
    "usage: vifs trust [options] HOST[:PORT]\n"
    "       vifs trust [options] https://HOST[:PORT]/...\n"
    "\n"
    "Connects to HOST, shows the SHA-256 thumbprint of the certificate it\n"
    "presents and records it in the known-hosts file; later connections to\n"
    "HOST[:PORT] then accept exactly that certificate.  Compare the\n"
    "thumbprint with the one the host's console shows, or give it with\n"
    "--thumbprint so that only that certificate is recorded.\n"
    "\n"
    "      --known-hosts FILE  the file to update (VIFS_KNOWN_HOSTS; default\n"
    "                          ~/.config/vifs/known_hosts)\n"
    "  -d, --thumbprint TP     record only when the host presents TP\n"
    "                          (SHA-1, SHA-256 or SHA-512, colons optional)\n"
    "      --portnumber N      port, when HOST names none (default 443)\n"
    "      --timeout SECS      give up after SECS (VIFS_TIMEOUT)\n"
    "      --verbose           trace the connection on standard error\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 recorded or already recorded, 1 failed, 2 usage "
    "error.\n";

#define usage_error(...) tool_usagef("trust", __VA_ARGS__)

/* Splits HOST[:PORT] (or [V6][:PORT]) into the base URL *out. */
static int
host_base(char **out, const char *arg, const struct conn_opts *o)
{
	char *host = NULL;
	const char *port = o->portnumber, *colon;
	int rc;

	if (strstr(arg, "://") != NULL)
		return vifs_remotepath_base(out, arg) < 0 ? tool_liberror() : 0;
	if (arg[0] == '[') {
		const char *rb = strchr(arg, ']');

		if (rb == NULL || (rb[1] != '\0' && rb[1] != ':')) {
			tool_errorf("'%s' is not HOST[:PORT]", arg);
			return 1;
		}
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = strchr(arg, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* a bare IPv6 address */
	}
	if (colon != NULL) {
		host = strndup(arg, (size_t)(colon - arg));
		port = colon + 1;
	} else {
		host = strdup(arg);
	}
	if (host == NULL) {
		tool_errorf("out of memory");
		return 1;
	}
	rc = conn_base_url(out, o->protocol, host, port) < 0 ? 1 : 0;
	free(host);
	return rc;
}

/* The thumbprint of the host in the algorithm of WANT, compared. */
static int
matches(vifs_http *h, const struct vifs_thumbprint *want, const char **got)
{
	static const char *const alg[] = { "", "sha1", "sha256", "sha512" };
	struct vifs_thumbprint tp;

	*got = vifs_http_peer_thumbprint(h, alg[want->alg]);
	return *got != NULL && vifs_thumbprint_parse(&tp, *got) == 0 &&
	    vifs_thumbprint_equal(&tp, want);
}

static void
trace_stderr(void *payload, const char *line)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

static int
record(const char *file, const char *hostport, const char *sha256)
{
	vifs_known_hosts *kh = NULL;
	const char *old = NULL;
	struct vifs_thumbprint a, b;
	int rc = TOOL_FAILED;

	if (vifs_known_hosts_new(&kh) < 0 ||
	    vifs_known_hosts_load(kh, file) < 0 ||
	    vifs_known_hosts_lookup(&old, kh, hostport) < 0) {
		tool_liberror();
		goto done;
	}
	if (old != NULL && vifs_thumbprint_parse(&a, old) == 0 &&
	    vifs_thumbprint_parse(&b, sha256) == 0 &&
	    vifs_thumbprint_equal(&a, &b)) {
		printf("%s is already trusted with SHA-256 thumbprint %s "
		       "(%s).\n",
		    hostport, sha256, file);
		rc = TOOL_OK;
		goto done;
	}
	if (old != NULL)
		tool_notef("%s: replacing the thumbprint %s recorded before",
		    hostport, old);
	if (vifs_known_hosts_set(kh, hostport, sha256) < 0 ||
	    vifs_known_hosts_save(kh, file) < 0) {
		tool_liberror();
		goto done;
	}
	printf("Trusted %s with SHA-256 thumbprint %s (recorded in %s).\n",
	    hostport, sha256, file);
	rc = TOOL_OK;
done:
	vifs_known_hosts_free(kh);
	return rc;
}

int
tool_trust_main(int argc, char **argv)
{
	struct conn_opts o;
	struct vifs_http_opts ho;
	struct vifs_thumbprint want;
	vifs_http *h = NULL;
	const char *host = NULL, *sha256, *got;
	char *base = NULL, *file = NULL;
	long timeout = 0;
	int64_t size;
	int rc = TOOL_FAILED;

	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc;) {
		int n;

		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(trust_usage, stdout);
			return TOOL_OK;
		}
		if (strcmp(argv[i], "--") != 0 && argv[i][0] == '-' &&
		    argv[i][1] != '\0') {
			if ((n = parse_conn_option(&o, argc - i, argv + i)) < 0)
				return usage_error("bad option '%s'", argv[i]);
			if (n == 0)
				return usage_error("unknown option '%s'",
				    argv[i]);
			i += n;
			continue;
		}
		if (strcmp(argv[i], "--") == 0 && ++i >= argc)
			break;
		if (host != NULL)
			return usage_error("one HOST only ('%s' and '%s')",
			    host, argv[i]);
		host = argv[i++];
	}
	conn_from_env(&o);
	if (host == NULL)
		host = o.server;
	if (host == NULL)
		return usage_error("no HOST given");
	if (o.timeout != NULL) {
		char *end;

		timeout = strtol(o.timeout, &end, 10);
		if (*end != '\0' || timeout <= 0 || timeout > 1000000)
			return usage_error("--timeout: '%s' is not a number "
			                   "of seconds",
			    o.timeout);
	}
	if (o.thumbprint != NULL &&
	    vifs_thumbprint_parse(&want, o.thumbprint) < 0)
		return usage_error("%s", vifs_error_last());
	if (o.known_hosts != NULL)
		file = strdup(o.known_hosts);
	else if (vifs_known_hosts_default_path(&file) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (file == NULL || host_base(&base, host, &o) != 0)
		goto done;
	if (strncmp(base, "https://", 8) != 0) {
		tool_errorf("%s: plain HTTP has no certificate to trust", base);
		goto done;
	}
	memset(&ho, 0, sizeof(ho));
	ho.base_url = base;
	ho.insecure = 1; /* to see the certificate, whatever it is */
	ho.connect_timeout_ms = timeout * 1000;
	ho.low_speed_secs = timeout;
	ho.get_retries = 0;
	if (o.verbose_given)
		ho.trace = trace_stderr;
	if (vifs_http_new(&h, &ho) < 0) {
		rc = tool_liberror();
		goto done;
	}
	/* Any answer will do: only the handshake matters. */
	vifs_http_head(h, "/", &size);
	if ((sha256 = vifs_http_peer_thumbprint(h, "sha256")) == NULL) {
		tool_errorf("%s: no certificate seen: %s",
		    vifs_http_hostport(h),
		    *vifs_error_last() ? vifs_error_last() : "no TLS answer");
		goto done;
	}
	if (o.thumbprint != NULL && !matches(h, &want, &got)) {
		tool_errorf("%s presents the %s thumbprint %s, not %s; nothing "
		            "recorded",
		    vifs_http_hostport(h), vifs_thumbprint_alg_name(want.alg),
		    got ? got : "(none)", o.thumbprint);
		goto done;
	}
	rc = record(file, vifs_http_hostport(h), sha256);
done:
	vifs_http_free(h);
	free(base);
	free(file);
	return rc;
}
