/*
 * conn.c - connection options of the vSphere CLI resolved into a host of
 * the file service: precedence, configuration file, credential store,
 * prompts, session file, TLS trust.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/remotepath.h>
#include <vifs/trust.h>
#include <vifs/viconfig.h>

#include "conn.h"
#include "msg.h"
#include "progress.h"

#define PROMPT_MAX 1024

void
conn_secret_free(char *s)
{
	if (s == NULL)
		return;
	/* volatile: the wipe must not be optimised away before free(). */
	for (volatile char *p = s; *p != '\0'; p++)
		*p = '\0';
	free(s);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		tool_errorf("out of memory");
		exit(1);
	}
	return p;
}

/* Writes all of S to FD; errors are ignored (a prompt that cannot be
 * shown is no reason to stop). */
static void
write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

int
conn_prompt(char **out, const char *prompt, int echo)
{
	char line[PROMPT_MAX];
	struct termios old, quiet;
	size_t n = 0;
	int fd, restore = 0, rc = -1, eof = 1;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	/* Echo goes off before the prompt shows, so that nothing typed
	 * after it can be echoed. */
	if (!echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		if (tcsetattr(fd, TCSANOW, &quiet) == 0)
			restore = 1;
	}
	write_all(fd, prompt);
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);

		if (r < 0) {
			n = 0; /* a signal or an error: nothing was read */
			break;
		}
		if (r == 0)
			break;
		if (ch == '\n') {
			eof = 0;
			break;
		}
		if (n + 1 >= sizeof(line)) {
			n = 0;
			break; /* too long: refuse rather than cut */
		}
		line[n++] = ch;
	}
	if (restore) {
		tcsetattr(fd, TCSANOW, &old);
		write_all(fd, "\n");
	}
	if (!eof || n > 0) {
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if ((*out = strdup(line)) != NULL)
			rc = 0;
	}
	for (volatile char *p = line; p < line + sizeof(line); p++)
		*p = '\0';
	close(fd);
	return rc;
}

/* Returns 1 when S is a port number 1..65535. */
static int
valid_port(const char *s)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 65535;
}

int
conn_base_url(char **out, const char *protocol, const char *server,
    const char *port)
{
	const char *scheme;
	size_t len;
	int v6;

	*out = NULL;
	if (protocol == NULL || strcasecmp(protocol, "https") == 0)
		scheme = "https";
	else if (strcasecmp(protocol, "http") == 0)
		scheme = "http";
	else {
		tool_errorf("--protocol: '%s' is neither https nor http",
		    protocol);
		return -1;
	}
	if (server == NULL || *server == '\0') {
		tool_errorf("--server: no server name");
		return -1;
	}
	if (strpbrk(server, "/@?# \t\r\n") != NULL) {
		tool_errorf("--server: '%s' is not a host name or address",
		    server);
		return -1;
	}
	if (port != NULL && !valid_port(port)) {
		tool_errorf("--portnumber: '%s' is not a port number", port);
		return -1;
	}
	/* An IPv6 address gets its brackets. */
	v6 = server[0] != '[' && strchr(server, ':') != NULL;
	len = strlen(scheme) + strlen(server) + 16;
	if ((*out = malloc(len)) == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	snprintf(*out, len, "%s://%s%s%s%s%s", scheme, v6 ? "[" : "", server,
	    v6 ? "]" : "", port ? ":" : "", port ? port : "");
	return 0;
}

/* The authority of a URL ("host:port" of "https://host:port/sdk"), as a
 * new string. */
static char *
url_authority(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *s;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	if ((s = malloc(n + 1)) == NULL) {
		tool_errorf("out of memory");
		exit(1);
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static const char *
config_get(const char *name, void *arg)
{
	return vifs_viconfig_get(arg, name);
}

/* Reads the --config file (VI_CONFIG, default ~/.visdkrc) and fills the
 * options still unset from it; problems are warnings, as in the Perl
 * tools. */
static void
load_config(struct conn *c)
{
	char *def = NULL;
	const char *path = c->opts.config;
	int empty = 0, err;

	if (path == NULL) {
		if (vifs_viconfig_default_path(&def) < 0)
			return;
		path = def;
	}
	err = vifs_viconfig_load(&c->cfg, path, &empty);
	if (err == VIFS_ENOTFOUND) {
		if (def == NULL)
			fprintf(stderr,
			    "\nWarning: Unable to open file '%s'.\n", path);
	} else if (err < 0) {
		fprintf(stderr, "\nWarning: Unable to open file '%s'.\n", path);
	} else if (empty) {
		fprintf(stderr, "\nWarning : The file exists but is empty.\n");
	} else {
		conn_fill(&c->opts, config_get, c->cfg);
	}
	free(def);
}

static int
parse_timeout(struct conn *c)
{
	const char *s = c->opts.timeout;
	long v = 0;

	c->timeout_secs = 0;
	if (s == NULL)
		return CONN_OK;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 1000000) {
			v = 0;
			break;
		}
		v = v * 10 + (*p - '0');
	}
	if (v <= 0 || v > 1000000) {
		tool_errorf("--timeout: '%s' is not a number of seconds", s);
		return CONN_FAILED;
	}
	c->timeout_secs = v;
	return CONN_OK;
}

/* The base URL from --url, or protocol://server[:portnumber]. */
static int
make_base(struct conn *c, const char *host)
{
	const struct conn_opts *o = &c->opts;

	if (o->url != NULL && host == NULL) {
		if (vifs_remotepath_base(&c->base_url, o->url) < 0)
			return tool_liberror();
		return CONN_OK;
	}
	if (o->url != NULL) {
		/* A session's host with the scheme and port of --url. */
		char *auth = url_authority(o->url), *colon;
		const char *port = NULL;
		int rc;

		colon = strrchr(auth, ':');
		if (colon != NULL && strchr(colon, ']') == NULL)
			port = colon + 1;
		rc = conn_base_url(&c->base_url,
		    strncasecmp(o->url, "http://", 7) == 0 ? "http" : "https",
		    host, port);
		free(auth);
		return rc < 0 ? CONN_FAILED : CONN_OK;
	}
	if (conn_base_url(&c->base_url, o->protocol,
	        host ? host : (o->server ? o->server : "localhost"),
	        o->portnumber) < 0)
		return CONN_FAILED;
	return CONN_OK;
}

/* --sessionfile: the saved SOAP session's cookie and host. */
static int
load_session(struct conn *c)
{
	struct vifs_session *s = NULL;
	size_t len;
	int rc;

	if (vifs_session_load(&s, c->opts.sessionfile) < 0)
		return tool_liberror();
	len = strlen(s->cookie) + sizeof("vmware_soap_session=");
	if ((c->cookie = malloc(len)) == NULL) {
		vifs_session_free(s);
		tool_errorf("out of memory");
		return CONN_FAILED;
	}
	snprintf(c->cookie, len, "vmware_soap_session=%s", s->cookie);
	rc = make_base(c, s->host);
	vifs_session_free(s);
	return rc;
}

/* The credential store to read, or NULL (with the Perl tools' notes). */
static char *
credstore_file(const struct conn *c)
{
	char *path = NULL;

	if (c->opts.credstore != NULL) {
		if (access(c->opts.credstore, F_OK) != 0) {
			fprintf(stderr,
			    "Note: credential store file '%s' does "
			    "not exist \n",
			    c->opts.credstore);
			return NULL;
		}
		if (access(c->opts.credstore, R_OK) != 0) {
			fprintf(stderr,
			    "Note: credential store file '%s' is "
			    "not readable.\n",
			    c->opts.credstore);
			return NULL;
		}
		return xstrdup(c->opts.credstore);
	}
	if (vifs_credstore_default_path(&path) < 0)
		return NULL;
	if (access(path, F_OK) != 0) {
		free(path);
		return NULL;
	}
	if (access(path, R_OK) != 0) {
		fprintf(stderr,
		    "Note: Default credential store file is not "
		    "readable.\n");
		free(path);
		return NULL;
	}
	return path;
}

/* Fills a missing user or password from the credential store. */
static void
from_credstore(struct conn *c)
{
	vifs_credstore *cs = NULL;
	char *path, *user = NULL, *pw = NULL;

	if ((path = credstore_file(c)) == NULL)
		return;
	if (vifs_credstore_new(&cs, path) < 0)
		goto error;
	if (c->username == NULL) {
		if (vifs_credstore_get_user(&user, cs, c->lookup_server) < 0)
			goto error;
		if (user != NULL) {
			c->username = user;
			if (c->opts.verbose_given)
				fprintf(stderr,
				    "vifs: user %s from the "
				    "credential store %s\n",
				    user, path);
		} else if (conn_prompt(&c->username, "Enter username: ", 1) <
		    0) {
			goto done;
		}
	}
	if (c->password == NULL) {
		if (vifs_credstore_get_password(&pw, cs, c->lookup_server,
		        c->username) < 0)
			goto error;
		if (pw != NULL) {
			c->password = xstrdup(pw);
			vifs_credstore_secret_free(pw);
			if (c->opts.verbose_given)
				fprintf(stderr,
				    "vifs: password of %s@%s from the "
				    "credential store %s\n",
				    c->username, c->lookup_server, path);
		}
	}
	goto done;
error:
	/* As the Perl tools: report the store's problem and go on. */
	fprintf(stderr, "Error ::  %s\n", vifs_error_last());
done:
	vifs_credstore_free(cs);
	free(path);
}

static int
credentials(struct conn *c)
{
	if (c->opts.username != NULL)
		c->username = xstrdup(c->opts.username);
	if (c->opts.password != NULL)
		c->password = xstrdup(c->opts.password);
	if (c->username == NULL || c->password == NULL) {
		from_credstore(c);
		if (progress_stopped())
			return CONN_FAILED;
		if (c->username == NULL)
			conn_prompt(&c->username, "Enter username: ", 1);
		if (c->password == NULL && c->username != NULL)
			conn_prompt(&c->password, "Enter password: ", 0);
	}
	if (c->username == NULL || c->password == NULL)
		return CONN_NO_CREDENTIALS;
	return CONN_OK;
}

int
conn_resolve(struct conn *c, const struct conn_opts *cmdline, unsigned flags)
{
	int rc;

	c->opts = *cmdline;
	conn_from_env(&c->opts);
	load_config(c);
	if ((rc = parse_timeout(c)) != CONN_OK)
		return rc;
	if (c->opts.passthroughauth) {
		tool_errorf("--passthroughauth: pass-through (SSPI or GSSAPI) "
		            "login is a VIM API (SOAP) login, which this vifs "
		            "does not do; give --username and --password, or "
		            "use the credential store");
		return CONN_FAILED;
	}
	if (c->opts.savesessionfile) {
		tool_errorf("--savesessionfile: saving a session needs a VIM "
		            "API (SOAP) login, which this vifs does not do");
		return CONN_FAILED;
	}
	if (c->opts.sessionfile != NULL)
		rc = load_session(c);
	else
		rc = make_base(c, NULL);
	if (rc != CONN_OK)
		return rc;
	if (c->opts.known_hosts != NULL)
		c->known_hosts = xstrdup(c->opts.known_hosts);
	else if (vifs_known_hosts_default_path(&c->known_hosts) < 0)
		c->known_hosts = NULL;
	c->lookup_server = c->opts.url ?
	    url_authority(c->opts.url) :
	    xstrdup(c->opts.server ? c->opts.server : "localhost");
	if ((flags & CONN_CREDENTIALS) && c->opts.sessionfile == NULL)
		return credentials(c);
	return CONN_OK;
}

static void
trace_stderr(void *payload, const char *line)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

int
conn_open(vifs_http **out, const struct conn *c, vifs_http_progress_fn fn,
    void *payload)
{
	struct vifs_http_opts o;
	const char *why = NULL;

	*out = NULL;
	memset(&o, 0, sizeof(o));
	o.base_url = c->base_url;
	o.username = c->username;
	o.password = c->password;
	o.cookie = c->cookie;
	if (c->opts.insecure) {
		o.insecure = 1;
	} else if (c->opts.cacertsfile != NULL) {
		if (access(c->opts.cacertsfile, R_OK) != 0) {
			tool_errorf("--cacertsfile %s: %s", c->opts.cacertsfile,
			    strerror(errno));
			return CONN_FAILED;
		}
		o.cacert_file = c->opts.cacertsfile;
	} else if (c->opts.thumbprint != NULL) {
		o.thumbprint = c->opts.thumbprint;
	} else {
		o.known_hosts = c->known_hosts;
	}
	o.connect_timeout_ms = c->timeout_secs * 1000;
	o.low_speed_secs = c->timeout_secs;
	o.get_retries = VIFS_HTTP_RETRIES_DEFAULT;
	if (c->opts.verbose_given)
		o.trace = trace_stderr;
	o.progress = fn;
	o.progress_payload = payload;
	if (vifs_http_new(out, &o) < 0)
		return tool_liberror();
	if (o.insecure) {
		why = "the server's certificate is not checked: anyone on "
		      "the network path can read and change what is sent, "
		      "the password included";
		tool_warnf("--insecure: %s: %s", vifs_http_hostport(*out), why);
	}
	return CONN_OK;
}

void
conn_free(struct conn *c)
{
	free(c->base_url);
	free(c->lookup_server);
	free(c->username);
	conn_secret_free(c->password);
	conn_secret_free(c->cookie);
	free(c->known_hosts);
	vifs_viconfig_free(c->cfg);
	memset(c, 0, sizeof(*c));
}
