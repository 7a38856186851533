/*
 * legacy_host.c - the host an operation of VMware's vifs runs on: the
 * remote path and URL of an argument, the host opened with its progress
 * line, the VIM API (SOAP) session brought up on it and ended, and the
 * failure lines of VMware's vifs that every operation prints the same
 * way (VIExt::fail, "GET URL unsuccessful", a refused connection).
 *
 * Sessions: the SOAP operations log in with the resolved user and
 * password (or resume --sessionfile's session, checked with CurrentTime),
 * and the file service's requests then carry the session cookie.
 * --savesessionfile saves the session at the end and keeps it; any other
 * session of our own login is logged out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/listing.h>
#include <vifs/remotepath.h>
#include <vifs/viconfig.h>
#include <vifs/vim.h>

#include "legacy.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

int
legacy_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return LEGACY_FAIL;
}

/* Parses TEXT as a remote path; prints the reason on failure. */
int
legacy_parse_remote(struct vifs_remotepath **out, const char *text)
{
	if (vifs_remotepath_parse(out, text) < 0) {
		tool_liberror();
		return -1;
	}
	return 0;
}

/* The full URL of RP into *url and the part after the base into
 * *path (borrowed from *url). */
int
legacy_make_url(struct legacy *l, const struct vifs_remotepath *rp, char **url,
    const char **path)
{
	if (vifs_remotepath_url(url, rp, l->conn.base_url, 0) < 0) {
		tool_liberror();
		return -1;
	}
	*path = *url + strlen(l->conn.base_url);
	return 0;
}

/* Opens the host, or relabels the progress of the one already open (a
 * SOAP session lives on it). */
int
legacy_open_host(struct legacy *l, const char *label)
{
	progress_init(&l->progress, label, !l->conn.opts.verbose_given);
	if (l->http != NULL)
		return 0;
	if (conn_open(&l->http, &l->conn, progress_cb, &l->progress) != CONN_OK)
		return -1;
	return 0;
}

/* After a failed request: "GET <url> unsuccessful : <status line>", as
 * VIExt::http_get_file prints it. */
void
legacy_get_unsuccessful(struct legacy *l, const char *url)
{
	const char *sl = vifs_http_last_status_line(l->http);

	fprintf(stderr, "GET %s unsuccessful : %s\n", url,
	    *sl ? sl : "failed to get response");
}

/*
 * After a failed request: when the host refused the connection, prints
 * what VMware's vifs prints then (its login fails first:
 * "Error connecting to server at '<service URL>': Connection refused")
 * and returns 1; else 0.
 */
int
legacy_refused(const struct legacy *l)
{
	const char *url = l->conn.opts.url;

	if (vifs_error_last_code() != VIFS_ENET ||
	    strstr(vifs_error_last(), strerror(ECONNREFUSED)) == NULL)
		return 0;
	if (l->service_url != NULL)
		url = l->service_url;
	fprintf(stderr,
	    "Error connecting to server at '%s%s': "
	    "Connection refused\n",
	    url ? url : l->conn.base_url,
	    url ? "" :
	          (l->conn.opts.servicepath ? l->conn.opts.servicepath :
	                                      "/sdk/webService"));
	return 1;
}

/* Returns 1 when TEXT (blanks skipped) is PREFIX alone or PREFIX/... */
int
legacy_starts_tree(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	while (isspace((unsigned char)*text))
		text++;
	return strncmp(text, prefix, n) == 0 &&
	    (text[n] == '\0' || text[n] == '/');
}

/* --- the VIM API session ------------------------------------------ */

int
legacy_stop_requested(void *payload)
{
	(void)payload;
	return progress_stopped() != 0;
}

/* 1 when the user asked for a session of the VIM API of their own. */
int
legacy_wants_session(const struct legacy *l)
{
	return l->conn.opts.sessionfile != NULL ||
	    l->conn.opts.savesessionfile != NULL;
}

/* The path of the SOAP service: --url's path, else --servicepath, else
 * NULL for the library's default (with its fallback to "/sdk").  *owned
 * (caller frees) may hold it. */
static const char *
service_path(const struct legacy *l, char **owned)
{
	const char *url = l->conn.opts.url, *p;

	*owned = NULL;
	if (url != NULL && (p = strstr(url, "://")) != NULL) {
		p += 3;
		p += strcspn(p, "/?#");
		if (*p == '/' && p[1] != '\0' && p[1] != '?' && p[1] != '#')
			return *owned = strndup(p, strcspn(p, "?#"));
	}
	return l->conn.opts.servicepath;
}

/* What vifs prints after "Unable to ...:": the fault's own words, else
 * the reason. */
const char *
legacy_fault_text(const struct legacy *l, int error)
{
	const struct vifs_vim_fault *f = l->vim ? vifs_vim_last_fault(l->vim) :
	                                          NULL;

	if (f != NULL && f->message != NULL && *f->message != '\0')
		return f->message;
	return vifs_strerror(error);
}

/* l->service_url from the path the client uses (after its fallback to
 * "/sdk" if it took it).  Returns 0, or -1 after printing why not. */
static int
set_service_url(struct legacy *l)
{
	const char *path = vifs_vim_service_path(l->vim);
	size_t len = strlen(l->conn.base_url) + strlen(path) + 1;

	free(l->service_url);
	if ((l->service_url = malloc(len)) == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	snprintf(l->service_url, len, "%s%s", l->conn.base_url, path);
	return 0;
}

/*
 * Brings up the SOAP session on the host: our Login with the resolved
 * user and password, or --sessionfile's session, checked with
 * CurrentTime.  Returns 0; -1 after printing why not; -2 without a word
 * when FALLBACK is set and the host has no VIM API at all.
 */
int
legacy_soap_open(struct legacy *l, const char *label, int fallback)
{
	struct vifs_vim_opts vo;
	const struct vifs_vim_fault *f;
	char *owned = NULL;
	int error;

	if (l->vim != NULL)
		return 0;
	progress_init(&l->progress, label, 0);
	if (l->http == NULL &&
	    conn_open(&l->http, &l->conn, progress_cb, &l->progress) != CONN_OK)
		return -1;
	memset(&vo, 0, sizeof(vo));
	vo.service_path = service_path(l, &owned);
	vo.cancel = legacy_stop_requested;
	error = vifs_vim_new(&l->vim, l->http, &vo);
	free(owned);
	if (error < 0) {
		tool_liberror();
		return -1;
	}
	if (l->conn.opts.sessionfile != NULL) {
		const char *c = l->conn.cookie ? strchr(l->conn.cookie, '=') :
		                                 NULL;

		error = vifs_vim_resume(l->vim, c ? c + 1 : "");
		if (set_service_url(l) < 0)
			goto fail;
		if (error == 0)
			return 0;
		if (!progress_stopped()) {
			tool_errorf("--sessionfile %s: %s%s",
			    l->conn.opts.sessionfile, vifs_error_last(),
			    error == VIFS_EAUTH ?
			        "; log in again with a user and password "
			        "(and --savesessionfile to keep that session)" :
			        "");
			fprintf(stderr,
			    "Error while testing status of connection "
			    "'%s': %s\n",
			    l->service_url, legacy_fault_text(l, error));
		}
		goto fail;
	}
	error = vifs_vim_login(l->vim, l->conn.username, l->conn.password);
	if (set_service_url(l) < 0)
		goto fail;
	if (error == 0) {
		l->logged_in = 1;
		return 0;
	}
	if (progress_stopped())
		goto fail;
	if (error == VIFS_EUNSUPPORTED && fallback) {
		if (l->conn.opts.verbose_given)
			tool_notef("%s; using the file service",
			    vifs_error_last());
		vifs_vim_free(l->vim);
		l->vim = NULL;
		return -2;
	}
	tool_liberror();
	f = vifs_vim_last_fault(l->vim);
	if (legacy_refused(l))
		goto fail;
	if (f != NULL && f->message != NULL)
		fprintf(stderr, "Error: %s\n", f->message);
	else
		fprintf(stderr, "Error connecting to server at '%s': %s\n",
		    l->service_url,
		    error == VIFS_EUNSUPPORTED || error == VIFS_EPARSE ?
		        "Perhaps host is not a vCenter or ESX server" :
		        vifs_strerror(error));
fail:
	vifs_vim_free(l->vim);
	l->vim = NULL;
	return -1;
}

/* The host name of the base URL "scheme://host[:port]", as the session
 * file names it. */
static char *
base_host(const char *base)
{
	const char *p = strstr(base, "://");
	size_t n;

	p = p ? p + 3 : base;
	if (*p == '[')
		n = strcspn(p, "]") + (strchr(p, ']') ? 1 : 0);
	else
		n = strcspn(p, ":/");
	return strndup(p, n);
}

/*
 * Ends the SOAP session: --savesessionfile saves it and keeps it logged
 * in, as the vSphere CLI does; a session of our own login is logged out.
 * Returns 1 when the session file could not be written.
 */
int
legacy_soap_close(struct legacy *l)
{
	const char *cookie;
	int rc = 0;

	if (l->vim == NULL)
		return 0;
	/* The operation's label may be gone: no bar for the Logout. */
	progress_init(&l->progress, "logout", 0);
	cookie = vifs_vim_session_cookie(l->vim);
	if (l->conn.opts.savesessionfile != NULL && cookie != NULL) {
		char *host = base_host(l->conn.base_url);

		if (host == NULL ||
		    vifs_session_save(l->conn.opts.savesessionfile, host,
		        cookie) < 0) {
			if (host == NULL)
				tool_errorf("out of memory");
			else
				tool_errorf("--savesessionfile: %s",
				    vifs_error_last());
			rc = LEGACY_FAIL;
		} else if (l->conn.opts.verbose_given) {
			tool_notef("session saved to %s; it stays logged in",
			    l->conn.opts.savesessionfile);
		}
		free(host);
	} else if (l->logged_in && !progress_stopped() &&
	    vifs_vim_logout(l->vim) < 0) {
		tool_warnf("logging out: %s", vifs_error_last());
	}
	vifs_vim_free(l->vim);
	l->vim = NULL;
	return rc;
}
