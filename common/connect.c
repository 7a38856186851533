/*
 * connect.c - what the vSphere CLI's connection options come to: a host of
 * the file service, resolved by their precedence (command line, variables,
 * configuration file, session file, credential store, prompts) with its
 * TLS trust, and the handle opened on it.  The options themselves are
 * connect_opts.c's.  See docs/internals/connect.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/remotepath.h>
#include <vifs/trust.h>

#include "internal.h"

#define PROMPT_MAX 1024
#define TIMEOUT_MAX 1000000L

/* --- notes and prompts ------------------------------------------------ */

static void note(const struct vifs_connect_hooks *hooks,
    enum vifs_connect_note_code code, const char *subject, const char *fmt, ...)
    VIFS_PRINTF(4, 5);

/* Hands a note to the caller, if it wants notes. */
static void
note(const struct vifs_connect_hooks *hooks, enum vifs_connect_note_code code,
    const char *subject, const char *fmt, ...)
{
	struct vifs_connect_note n;
	struct vifs_buf text = VIFS_BUF_INIT;
	va_list ap;
	int len;

	if (hooks == NULL || hooks->note == NULL)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || vifs_buf_grow(&text, (size_t)len) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text.data, (size_t)len + 1, fmt, ap);
	va_end(ap);
	n.code = code;
	n.level = code == VIFS_CONNECT_NOTE_CREDSTORE_USER ||
	        code == VIFS_CONNECT_NOTE_CREDSTORE_PASSWORD ?
	    VIFS_CONNECT_INFO :
	    VIFS_CONNECT_WARNING;
	n.text = text.data;
	n.subject = subject;
	hooks->note(hooks->payload, &n);
	vifs_buf_free(&text);
}

void
vifs_connect_secret_free(char *s)
{
	vifs_credstore_secret_free(s);
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
vifs_connect_prompt_tty(void *payload, char **out, const char *prompt, int echo)
{
	char line[PROMPT_MAX];
	struct termios old, quiet;
	size_t n = 0;
	int fd, restore = 0, error = 0, eof = 1;

	(void)payload;
	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return vifs_error_set(VIFS_ENOTFOUND, "no terminal to ask on");
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
		if ((*out = vifs_strdup(line)) == NULL)
			error = VIFS_ENOMEM;
	} else {
		error = vifs_error_set(VIFS_ENOTFOUND, "no answer");
	}
	for (volatile char *p = line; p < line + sizeof(line); p++)
		*p = '\0';
	close(fd);
	return error;
}

/*
 * Asks PROMPT through HOOKS into *out.  Returns 0 (*out NULL when there
 * was nobody or nothing to ask) or the prompt's error that stops the
 * resolution.
 */
static int
ask(char **out, const struct vifs_connect_hooks *hooks, const char *prompt,
    int echo)
{
	int error;

	*out = NULL;
	if (hooks == NULL || hooks->prompt == NULL)
		return 0;
	error = hooks->prompt(hooks->payload, out, prompt, echo);
	if (error == 0)
		return 0;
	*out = NULL;
	return error == VIFS_ENOTFOUND ? 0 : error;
}

/* --- base URL ----------------------------------------------------------- */

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
vifs_connect_base_url(char **out, const char *protocol, const char *server,
    const char *port)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *scheme, *colon;
	int v6, error;

	*out = NULL;
	if (protocol == NULL || strcasecmp(protocol, "https") == 0)
		scheme = "https";
	else if (strcasecmp(protocol, "http") == 0)
		scheme = "http";
	else
		return vifs_error_set(VIFS_EINVAL,
		    "--protocol: '%s' is neither https nor http", protocol);
	if (server == NULL || *server == '\0')
		return vifs_error_set(VIFS_EINVAL, "--server: no server name");
	if (strpbrk(server, "/@?# \t\r\n") != NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "--server: '%s' is not a host name or address", server);
	if (port != NULL && !valid_port(port))
		return vifs_error_set(VIFS_EINVAL,
		    "--portnumber: '%s' is not a port number", port);
	/* "host:port" with one colon is a host and its port, as the
	 * vSphere CLI reads --server; an IPv6 address (two colons or more)
	 * gets its brackets. */
	colon = server[0] != '[' ? strchr(server, ':') : NULL;
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		if (!valid_port(colon + 1))
			return vifs_error_set(VIFS_EINVAL,
			    "--server: '%s': '%s' is not a port number", server,
			    colon + 1);
		if (port != NULL && strcmp(port, colon + 1) != 0)
			return vifs_error_set(VIFS_EINVAL,
			    "--server '%s' names port %s, --portnumber %s",
			    server, colon + 1, port);
		port = NULL;
		colon = NULL;
	}
	v6 = colon != NULL;
	error = vifs_buf_printf(&b, "%s://%s%s%s%s%s", scheme, v6 ? "[" : "",
	    server, v6 ? "]" : "", port ? ":" : "", port ? port : "");
	if (error < 0)
		return error;
	*out = vifs_buf_detach(&b, NULL);
	return 0;
}

/* The authority of a URL ("host:port" of "https://host:port/sdk") into a
 * new string *out. */
static int
url_authority(char **out, const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	if ((*out = vifs_strndup(p, strcspn(p, "/?#"))) == NULL)
		return VIFS_ENOMEM;
	return 0;
}

/* The base URL from --url, or protocol://server[:portnumber]; HOST (may
 * be NULL) is a session's host, which replaces the server. */
static int
make_base(struct vifs_connect *c, const char *host)
{
	const struct vifs_connect_opts *o = &c->opts;
	char *auth = NULL, *colon;
	const char *port = NULL;
	int error;

	if (o->url != NULL && host == NULL)
		return vifs_remotepath_base(&c->base_url, o->url);
	if (o->url == NULL)
		return vifs_connect_base_url(&c->base_url, o->protocol,
		    host ? host : (o->server ? o->server : "localhost"),
		    o->portnumber);
	/* A session's host with the scheme and port of --url. */
	if ((error = url_authority(&auth, o->url)) < 0)
		return error;
	colon = strrchr(auth, ':');
	if (colon != NULL && strchr(colon, ']') == NULL)
		port = colon + 1;
	error = vifs_connect_base_url(&c->base_url,
	    strncasecmp(o->url, "http://", 7) == 0 ? "http" : "https", host,
	    port);
	free(auth);
	return error;
}

/* --- resolution --------------------------------------------------------- */

static const char *
config_get(const char *name, void *payload)
{
	return vifs_viconfig_get(payload, name);
}

/* Reads the --config file (VI_CONFIG, default ~/.visdkrc) and fills the
 * options still unset from it; problems are notes, as in the Perl
 * tools. */
static int
load_config(struct vifs_connect *c, const struct vifs_connect_hooks *hooks)
{
	char *def = NULL;
	const char *path = c->opts.config;
	int empty = 0, error;

	if (path == NULL) {
		if (vifs_viconfig_default_path(&def) < 0)
			return 0;
		path = def;
	}
	error = vifs_viconfig_load(&c->cfg, path, &empty);
	if (error == VIFS_ENOMEM)
		goto done;
	if (error == VIFS_ENOTFOUND) {
		/* A missing default file is no news. */
		if (def == NULL)
			note(hooks, VIFS_CONNECT_NOTE_CONFIG_UNREADABLE, path,
			    "Unable to open the configuration file '%s'", path);
	} else if (error < 0) {
		note(hooks, VIFS_CONNECT_NOTE_CONFIG_UNREADABLE, path,
		    "Unable to open the configuration file '%s': %s", path,
		    vifs_error_last());
	} else if (empty) {
		note(hooks, VIFS_CONNECT_NOTE_CONFIG_EMPTY, path,
		    "The configuration file '%s' exists but is empty", path);
	} else {
		vifs_connect_fill(&c->opts, config_get, c->cfg);
	}
	error = 0;
done:
	free(def);
	return error;
}

static int
parse_timeout(struct vifs_connect *c)
{
	const char *s = c->opts.timeout;
	long v = 0;

	c->timeout_secs = 0;
	if (s == NULL)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > TIMEOUT_MAX) {
			v = 0;
			break;
		}
		v = v * 10 + (*p - '0');
	}
	if (v <= 0 || v > TIMEOUT_MAX)
		return vifs_error_set(VIFS_EINVAL,
		    "--timeout: '%s' is not a number of seconds", s);
	c->timeout_secs = v;
	return 0;
}

static int
parse_deadline(struct vifs_connect *c)
{
	const char *s = c->opts.deadline;
	long v = 0;

	c->deadline_secs = VIFS_CONNECT_DEADLINE_DEFAULT;
	if (s == NULL)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > TIMEOUT_MAX) {
			v = -1;
			break;
		}
		v = v * 10 + (*p - '0');
	}
	if (*s == '\0' || v < 0 || v > TIMEOUT_MAX)
		return vifs_error_set(VIFS_EINVAL,
		    "--deadline: '%s' is not a number of seconds", s);
	c->deadline_secs = v;
	return 0;
}

/* --sessionfile: the saved SOAP session's cookie and host. */
static int
load_session(struct vifs_connect *c)
{
	struct vifs_session *s = NULL;
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if ((error = vifs_session_load(&s, c->opts.sessionfile)) < 0)
		return error;
	if ((error = vifs_buf_printf(&b, "vmware_soap_session=%s", s->cookie)) <
	    0)
		goto done;
	c->cookie = vifs_buf_detach(&b, NULL);
	error = make_base(c, s->host);
done:
	vifs_session_free(s);
	return error;
}

/* The credential store to read into *out, or NULL (with the Perl tools'
 * notes). */
static int
credstore_file(char **out, const struct vifs_connect *c,
    const struct vifs_connect_hooks *hooks)
{
	const char *given = c->opts.credstore;
	char *path = NULL;

	*out = NULL;
	if (given != NULL) {
		if (access(given, F_OK) != 0)
			note(hooks, VIFS_CONNECT_NOTE_CREDSTORE_MISSING, given,
			    "credential store file '%s' does not exist", given);
		else if (access(given, R_OK) != 0)
			note(hooks, VIFS_CONNECT_NOTE_CREDSTORE_UNREADABLE,
			    given, "credential store file '%s' is not readable",
			    given);
		else if ((*out = vifs_strdup(given)) == NULL)
			return VIFS_ENOMEM;
		return 0;
	}
	if (vifs_credstore_default_path(&path) < 0)
		return 0;
	if (access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	if (access(path, R_OK) != 0) {
		note(hooks, VIFS_CONNECT_NOTE_CREDSTORE_DEFAULT_UNREADABLE,
		    path, "credential store file '%s' is not readable", path);
		free(path);
		return 0;
	}
	*out = path;
	return 0;
}

/* Fills a missing user or password from the credential store, asking
 * for the user when the store cannot tell. */
static int
from_credstore(struct vifs_connect *c, const struct vifs_connect_hooks *hooks)
{
	vifs_credstore *cs = NULL;
	char *path = NULL, *user = NULL, *pw = NULL;
	int error;

	if ((error = credstore_file(&path, c, hooks)) < 0 || path == NULL)
		return error;
	if (vifs_credstore_new(&cs, path) < 0)
		goto store_error;
	if (c->username == NULL) {
		if (vifs_credstore_get_user(&user, cs, c->lookup_server) < 0)
			goto store_error;
		if (user != NULL) {
			c->username = user;
			if (c->opts.verbose_given)
				note(hooks, VIFS_CONNECT_NOTE_CREDSTORE_USER,
				    path,
				    "user %s from the credential store %s",
				    user, path);
		} else if ((error = ask(&c->username, hooks,
		                "Enter username: ", 1)) < 0 ||
		    c->username == NULL) {
			goto done;
		}
	}
	if (c->password == NULL) {
		if (vifs_credstore_get_password(&pw, cs, c->lookup_server,
		        c->username) < 0)
			goto store_error;
		if (pw != NULL) {
			c->password = pw;
			if (c->opts.verbose_given)
				note(hooks,
				    VIFS_CONNECT_NOTE_CREDSTORE_PASSWORD, path,
				    "password of %s@%s from the credential "
				    "store %s",
				    c->username, c->lookup_server, path);
		}
	}
	goto done;
store_error:
	/* As the Perl tools: report the store's problem and go on. */
	if (vifs_error_last_code() == VIFS_ENOMEM)
		error = VIFS_ENOMEM;
	else
		note(hooks, VIFS_CONNECT_NOTE_CREDSTORE_ERROR, path, "%s",
		    vifs_error_last());
done:
	vifs_credstore_free(cs);
	free(path);
	return error;
}

static int
credentials(struct vifs_connect *c, const struct vifs_connect_hooks *hooks)
{
	int error = 0;

	if (c->opts.username != NULL &&
	    (c->username = vifs_strdup(c->opts.username)) == NULL)
		return VIFS_ENOMEM;
	if (c->opts.password != NULL &&
	    (c->password = vifs_strdup(c->opts.password)) == NULL)
		return VIFS_ENOMEM;
	if (c->username == NULL || c->password == NULL) {
		if ((error = from_credstore(c, hooks)) < 0)
			return error;
		if (c->username == NULL &&
		    (error = ask(&c->username, hooks, "Enter username: ", 1)) <
		        0)
			return error;
		if (c->password == NULL && c->username != NULL &&
		    (error = ask(&c->password, hooks, "Enter password: ", 0)) <
		        0)
			return error;
	}
	if (c->username == NULL || c->password == NULL)
		return vifs_error_set(VIFS_EAUTH,
		    "no user name and password for %s: give --username and "
		    "--password, a --sessionfile, or a credential store "
		    "entry",
		    c->lookup_server);
	return 0;
}

int
vifs_connect_resolve(struct vifs_connect *c,
    const struct vifs_connect_opts *cmdline, unsigned flags,
    const struct vifs_connect_hooks *hooks)
{
	int error;

	memset(c, 0, sizeof(*c));
	c->opts = *cmdline;
	vifs_connect_from_env(&c->opts);
	if ((error = load_config(c, hooks)) < 0 ||
	    (error = parse_timeout(c)) < 0 || (error = parse_deadline(c)) < 0)
		return error;
	if (c->opts.passthroughauth)
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "--passthroughauth: pass-through (SSPI or GSSAPI) login "
		    "is a VIM API (SOAP) login, which this vifs does not do; "
		    "give --username and --password, or use the credential "
		    "store");
	if (c->opts.savesessionfile && !(flags & VIFS_CONNECT_SAVE_SESSION))
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "--savesessionfile: saving a session needs a VIM API "
		    "(SOAP) login, which this vifs does not do");
	if (c->opts.sessionfile != NULL)
		error = load_session(c);
	else
		error = make_base(c, NULL);
	if (error < 0)
		return error;
	if (c->opts.known_hosts != NULL) {
		if ((c->known_hosts = vifs_strdup(c->opts.known_hosts)) == NULL)
			return VIFS_ENOMEM;
	} else if (vifs_known_hosts_default_path(&c->known_hosts) < 0) {
		c->known_hosts = NULL;
	}
	if (c->opts.url != NULL) {
		error = url_authority(&c->lookup_server, c->opts.url);
	} else {
		c->lookup_server = vifs_strdup(
		    c->opts.server ? c->opts.server : "localhost");
		if (c->lookup_server == NULL)
			error = VIFS_ENOMEM;
	}
	if (error < 0)
		return error;
	if ((flags & VIFS_CONNECT_CREDENTIALS) && c->opts.sessionfile == NULL)
		return credentials(c, hooks);
	return 0;
}

int
vifs_connect_open(vifs_http **out, const struct vifs_connect *c,
    const struct vifs_connect_hooks *hooks, vifs_http_progress_fn progress,
    void *progress_payload)
{
	struct vifs_http_opts o;
	int error;

	*out = NULL;
	memset(&o, 0, sizeof(o));
	o.base_url = c->base_url;
	o.username = c->username;
	o.password = c->password;
	o.cookie = c->cookie;
	if (c->opts.insecure) {
		o.insecure = 1;
	} else {
		/* A CA file and a pin (given, or the known-hosts entry) are
		 * both enforced: neither silently drops the other. */
		if (c->opts.cacertsfile != NULL) {
			if (access(c->opts.cacertsfile, R_OK) != 0)
				return vifs_error_set(VIFS_EIO,
				    "--cacertsfile %s: %s", c->opts.cacertsfile,
				    strerror(errno));
			o.cacert_file = c->opts.cacertsfile;
		}
		if (c->opts.thumbprint != NULL)
			o.thumbprint = c->opts.thumbprint;
		else
			o.known_hosts = c->known_hosts;
	}
	o.connect_timeout_ms = c->timeout_secs * 1000;
	o.low_speed_secs = c->timeout_secs;
	o.get_retries = VIFS_HTTP_RETRIES_DEFAULT;
	o.deadline_ms = c->deadline_secs * 1000;
	if (c->opts.verbose_given && hooks != NULL && hooks->trace != NULL) {
		o.trace = hooks->trace;
		o.trace_payload = hooks->payload;
	}
	o.progress = progress;
	o.progress_payload = progress_payload;
	if ((error = vifs_http_new(out, &o)) < 0)
		return error;
	/* VI_PROTOCOL=http, ~/.visdkrc or --url http:// are the
	 * vSphere CLI's and stay allowed, as loudly as --insecure. */
	if (strncasecmp(c->base_url, "http:", 5) == 0 &&
	    (c->password != NULL || c->cookie != NULL))
		note(hooks, VIFS_CONNECT_NOTE_CLEARTEXT,
		    vifs_http_hostport(*out),
		    "plain http: %s: the %s crosses the network in "
		    "cleartext: anyone on the network path can read it and "
		    "log in to the host; use https",
		    vifs_http_hostport(*out),
		    c->password != NULL ? "password" : "session cookie");
	if (o.insecure)
		note(hooks, VIFS_CONNECT_NOTE_INSECURE,
		    vifs_http_hostport(*out),
		    "--insecure: %s: the server's certificate is not checked: "
		    "anyone on the network path can read and change what is "
		    "sent, the password included",
		    vifs_http_hostport(*out));
	return 0;
}

void
vifs_connect_free(struct vifs_connect *c)
{
	if (c == NULL)
		return;
	free(c->base_url);
	free(c->lookup_server);
	free(c->username);
	vifs_connect_secret_free(c->password);
	vifs_connect_secret_free(c->cookie);
	free(c->known_hosts);
	vifs_viconfig_free(c->cfg);
	memset(c, 0, sizeof(*c));
}
