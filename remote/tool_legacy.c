/*
 * tool_legacy.c - the options of VMware's vifs, with vifs's argument
 * order, messages and exit status (PROTOCOL.md §1-§3): --get, --put,
 * --dir and --listds over the ESXi HTTP file service; --mkdir, --rmdir,
 * --copy, --move, --listdc and --rm through the VIM API (SOAP, common/
 * vim_*.c), --rm falling back to the file service's DELETE of a file on a
 * host without the VIM API.
 *
 * Sessions: the SOAP operations log in with the resolved user and
 * password (or resume --sessionfile's session, checked with CurrentTime),
 * and the file service's requests then carry the session cookie.
 * --savesessionfile saves the session at the end and keeps it; any other
 * session of our own login is logged out.
 *
 * Every failure prints our one-line reason first ("vifs: authentication
 * failed for root@esx01:443"), then the message VMware's vifs prints, so
 * that scripts matching the latter keep working.  Legacy failures, usage
 * errors included, exit 1.
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
#include <vifs/transfer.h>
#include <vifs/viconfig.h>
#include <vifs/vim.h>

#include "conn.h"
#include "encoding.h"
#include "msg.h"
#include "opts.h"
#include "progress.h"
#include "tool.h"

#define LEGACY_FAIL 1
#define DEFAULT_DC "ha-datacenter"

enum op {
	OP_NONE = 0,
	OP_MOVE,
	OP_COPY,
	OP_MKDIR,
	OP_RMDIR,
	OP_RM,
	OP_LISTDS,
	OP_LISTDC,
	OP_DIR,
	OP_PUT,
	OP_GET,
};

struct legacy {
	struct legacy_opts o;
	struct conn conn;
	vifs_http *http;
	vifs_vim *vim; /* once a SOAP session is up */
	int logged_in; /* by our Login (else resumed, or none) */
	char *service_url; /* for vifs's connection messages */
	struct progress progress;
	enum tool_output output;
	char *password; /* copy of a --password given on the command line */
	char *recoded[3]; /* remote paths turned into UTF-8 (--encoding) */
};

/* VIExt::fail: the message on stderr; the caller exits 1. */
static int fail(const char *fmt, ...) VIFS_PRINTF(1, 2);

static int
fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return LEGACY_FAIL;
}

/* The operation vifs runs: the first given in its order of priority. */
static enum op
pick_op(const struct legacy_opts *o, const char **name)
{
	const struct {
		int given;
		enum op op;
		const char *name;
	} order[] = {
		{ o->move != NULL, OP_MOVE, "move" },
		{ o->copy != NULL, OP_COPY, "copy" },
		{ o->mkdir != NULL, OP_MKDIR, "mkdir" },
		{ o->rmdir != NULL, OP_RMDIR, "rmdir" },
		{ o->rm != NULL, OP_RM, "rm" },
		{ o->listds, OP_LISTDS, "listds" },
		{ o->listdc, OP_LISTDC, "listdc" },
		{ o->dir != NULL, OP_DIR, "dir" },
		{ o->put != NULL, OP_PUT, "put" },
		{ o->get != NULL, OP_GET, "get" },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i].given) {
			*name = order[i].name;
			return order[i].op;
		}
	*name = NULL;
	return OP_NONE;
}

/*
 * Replaces a --password given on the command line by a copy and clears
 * it in ARGV, so that it does not show in the process list.
 */
static int
hide_password(struct legacy *l, int argc, char **argv)
{
	struct legacy_opts *o = &l->o;

	if (o->conn.password == NULL)
		return 0;
	for (int i = 1; i < argc; i++) {
		/* Addresses as integers: the value may lie in any argument
		 * ("--password=V" points into one), or in none. */
		uintptr_t a = (uintptr_t)argv[i],
		          p = (uintptr_t)o->conn.password;

		if (p < a || p > a + strlen(argv[i]))
			continue;
		if ((l->password = strdup(o->conn.password)) == NULL)
			return -1;
		o->conn.password = l->password;
		break;
	}
	/* Every --password given, not only the last one. */
	vifs_connect_wipe_passwords(argc - 1, argv + 1);
	return 0;
}

/* Parses TEXT as a remote path; prints the reason on failure. */
static int
parse_remote(struct vifs_remotepath **out, const char *text)
{
	if (vifs_remotepath_parse(out, text) < 0) {
		tool_liberror();
		return -1;
	}
	return 0;
}

/* The full URL of RP into *url and the part after the base into
 * *path (borrowed from *url). */
static int
make_url(struct legacy *l, const struct vifs_remotepath *rp, char **url,
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
static int
open_host(struct legacy *l, const char *label)
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
static void
get_unsuccessful(struct legacy *l, const char *url)
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
static int
refused(const struct legacy *l)
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

/* --- the VIM API session ------------------------------------------ */

static int
stop_requested(void *payload)
{
	(void)payload;
	return progress_stopped() != 0;
}

/* 1 when the user asked for a session of the VIM API of their own. */
static int
wants_session(const struct legacy *l)
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
static const char *
fault_text(const struct legacy *l, int error)
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
static int
soap_open(struct legacy *l, const char *label, int fallback)
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
	vo.cancel = stop_requested;
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
			    l->service_url, fault_text(l, error));
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
	if (refused(l))
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
static int
soap_close(struct legacy *l)
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

/* "[ds] path" as vifs names a datastore file in its rm messages. */
static char *
ds_text(const struct vifs_remotepath *rp)
{
	const char *ds = rp->datastore ? rp->datastore : "";
	size_t len = strlen(ds) + strlen(rp->path) + 4;
	char *s = malloc(len);

	if (s != NULL)
		snprintf(s, len, "[%s] %s", ds, rp->path);
	return s;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --get REMOTE LOCAL */
static int
do_get(struct legacy *l, const char *remote, const char *local)
{
	struct vifs_remotepath *rp = NULL;
	struct vifs_transfer_opts to;
	vifs_transfer *x = NULL;
	char *url = NULL, *target = NULL, *base = NULL;
	const char *path;
	int rc = LEGACY_FAIL, to_stdout;

	if (local == NULL)
		return fail("Error: Undefined local target.");
	to_stdout = strcmp(local, "-") == 0;
	if (parse_remote(&rp, remote) < 0)
		return fail("Error: File can not be downloaded to %s.", local);
	if (!to_stdout && is_dir(local)) {
		size_t len;

		if (vifs_remotepath_basename(&base, rp) < 0) {
			tool_liberror();
			goto done;
		}
		len = strlen(local) + strlen(base) + 2;
		if ((target = malloc(len)) == NULL) {
			tool_errorf("out of memory");
			goto done;
		}
		snprintf(target, len, "%s%s%s", local,
		    local[strlen(local) - 1] == '/' ? "" : "/", base);
	} else if ((target = strdup(local)) == NULL) {
		tool_errorf("out of memory");
		goto done;
	}
	if (make_url(l, rp, &url, &path) < 0 ||
	    open_host(l, vifs_remotepath_display(rp)) < 0) {
		rc = fail("Error: File can not be downloaded to %s.", target);
		goto done;
	}
	memset(&to, 0, sizeof(to));
	to.url_path = path;
	if (to_stdout) {
		to.kind = VIFS_TRANSFER_GET_FD;
		to.fd = STDOUT_FILENO;
		to.fd_name = "standard output";
	} else {
		to.kind = VIFS_TRANSFER_GET_FILE;
		to.local = target;
		to.sync = 1; /* one file: on disk when vifs says so */
	}
	to.cancel = stop_requested;
	if (vifs_transfer_new(&x, &to) < 0 ||
	    vifs_transfer_run(x, l->http) < 0) {
		progress_finish(&l->progress);
		if (progress_stopped())
			goto done;
		tool_liberror();
		if (refused(l))
			goto done;
		get_unsuccessful(l, url);
		rc = fail("Error: File can not be downloaded to %s.", target);
		goto done;
	}
	progress_finish(&l->progress);
	/* With the file on standard output the note goes to stderr. */
	fprintf(to_stdout ? stderr : stdout,
	    "Downloaded file to %s successfully.\n", target);
	rc = 0;
done:
	vifs_transfer_free(x);
	vifs_remotepath_free(rp);
	free(url);
	free(target);
	free(base);
	return rc;
}

/* --put LOCAL REMOTE; LOCAL "-" is standard input. */
static int
do_put(struct legacy *l, const char *local, const char *remote)
{
	struct vifs_remotepath *rp = NULL, *full = NULL;
	struct vifs_transfer_opts to;
	vifs_transfer *x = NULL;
	struct stat st;
	char *url = NULL;
	const char *path, *shown;
	int rc = LEGACY_FAIL, from_stdin = strcmp(local, "-") == 0;

	if (remote == NULL)
		return fail("Error: Undefined remote target.");
	if (!from_stdin && is_dir(local))
		return fail("Error: File to be uploaded cannot be a folder.");
	if (!from_stdin && stat(local, &st) != 0)
		return fail("Error: File %s does not exist.", local);
	if (parse_remote(&rp, remote) < 0)
		return fail("Error: File %s can not be uploaded to %s.", local,
		    remote);
	if (from_stdin &&
	    (*rp->path == '\0' || rp->path[strlen(rp->path) - 1] == '/')) {
		tool_errorf("--put -: %s names a directory; standard input "
		            "needs a file name",
		    remote);
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    remote);
		goto done;
	}
	if (vifs_transfer_put_path(&full, rp, local) < 0) {
		tool_liberror();
		goto done;
	}
	if (full != NULL) {
		vifs_remotepath_free(rp);
		rp = full;
	}
	shown = vifs_remotepath_display(rp);
	if (make_url(l, rp, &url, &path) < 0 || open_host(l, shown) < 0) {
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    shown);
		goto done;
	}
	memset(&to, 0, sizeof(to));
	to.url_path = path;
	if (from_stdin) {
		/* A pipe is copied first, so that a retry can send it
		 * again. */
		to.kind = VIFS_TRANSFER_PUT_FD;
		to.fd = STDIN_FILENO;
		to.fd_name = "standard input";
	} else {
		to.kind = VIFS_TRANSFER_PUT_FILE;
		to.local = local;
	}
	to.cancel = stop_requested;
	if (vifs_transfer_new(&x, &to) < 0) {
		tool_liberror();
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    shown);
		goto done;
	}
	if (vifs_transfer_run(x, l->http) < 0) {
		progress_finish(&l->progress);
		if (progress_stopped())
			goto done;
		tool_liberror();
		if (refused(l))
			goto done;
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    shown);
		goto done;
	}
	progress_finish(&l->progress);
	printf("Uploaded file %s to %s successfully.\n", local, shown);
	rc = 0;
done:
	vifs_transfer_free(x);
	vifs_remotepath_free(rp);
	free(url);
	return rc;
}

/* Reads and parses the listing page at RP into *ls; SHOWN names it in
 * messages.  Returns 0, or LEGACY_FAIL after printing why not. */
static int
fetch_listing(struct legacy *l, const struct vifs_remotepath *rp,
    const char *shown, vifs_listing **ls)
{
	char *url = NULL, *page = NULL;
	const char *path;
	size_t len;
	int rc = LEGACY_FAIL;

	*ls = NULL;
	if (make_url(l, rp, &url, &path) < 0 || open_host(l, shown) < 0) {
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_http_get_buf(l->http, path, &page, &len, VIFS_LISTING_MAX) <
	    0) {
		if (progress_stopped())
			goto done;
		tool_liberror();
		if (refused(l))
			goto done;
		get_unsuccessful(l, url);
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_listing_parse(ls, page, len) < 0) {
		tool_liberror();
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	rc = 0;
done:
	free(url);
	free(page);
	return rc;
}

/* Writes S as vifs_listing_terminal_text() makes it safe: no name a host
 * sends starts a line or drives the terminal.  Without memory, '?'. */
static void
put_name(const char *s)
{
	char *safe = NULL;

	if (vifs_listing_terminal_text(&safe, s) < 0) {
		putchar('?');
		return;
	}
	fputs(safe, stdout);
	free(safe);
}

#define TREE_DEPTH_MAX 64

static int print_subtree(struct legacy *l, const struct vifs_remotepath *rp,
    const char *name, const char *prefix, unsigned depth);

/*
 * --dir --long and --dir --recursive: the entries of LS, listed at RP,
 * each a line: with --long its type (d directory, - file, s datastore, c
 * datacenter) and size in bytes ("-" unknown; a datastore's capacity),
 * then PREFIX and the decoded name, a directory's with '/'.  With
 * --recursive each directory's listing follows its line, its names
 * prefixed with its path.
 */
static int
print_tree(struct legacy *l, const struct vifs_remotepath *rp,
    const vifs_listing *ls, const char *prefix, unsigned depth)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < vifs_listing_count(ls); i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(ls, i);
		int dir = e->type == VIFS_LISTING_DIR;

		if (l->o.longlist) {
			static const char types[] = { '-', 'd', 's', 'c' };
			char size[32] = "-";

			if (e->has_size)
				snprintf(size, sizeof(size), "%llu",
				    (unsigned long long)e->size);
			else if (e->has_space)
				snprintf(size, sizeof(size), "%llu",
				    (unsigned long long)e->capacity);
			printf("%c %15s  ", types[e->type], size);
		}
		put_name(prefix);
		put_name(e->name);
		printf("%s\n", dir ? "/" : "");
		if (l->o.recursive && dir)
			rc = print_subtree(l, rp, e->name, prefix, depth);
	}
	return rc;
}

/* "A" SEP "B/" in a new string, or NULL. */
static char *
join_dir(const char *a, const char *sep, const char *b)
{
	size_t len = strlen(a) + strlen(sep) + strlen(b) + 2;
	char *s = malloc(len);

	if (s != NULL)
		snprintf(s, len, "%s%s%s/", a, sep, b);
	return s;
}

/* The listing of directory NAME under RP, for print_tree(). */
static int
print_subtree(struct legacy *l, const struct vifs_remotepath *rp,
    const char *name, const char *prefix, unsigned depth)
{
	struct vifs_remotepath *sub = NULL;
	vifs_listing *ls = NULL;
	char *path = NULL, *pre = NULL, *shown = NULL;
	size_t n = strlen(rp->path);
	int rc = LEGACY_FAIL;

	if (depth >= TREE_DEPTH_MAX) {
		tool_errorf("%s%s: deeper than %d directories; not listed",
		    prefix, name, TREE_DEPTH_MAX);
		return LEGACY_FAIL;
	}
	if ((path = join_dir(rp->path,
	         n > 0 && rp->path[n - 1] != '/' ? "/" : "", name)) == NULL ||
	    (pre = join_dir(prefix, "", name)) == NULL) {
		tool_errorf("out of memory");
		goto done;
	}
	if (vifs_remotepath_new(&sub, rp->mode, rp->datastore, path,
	        rp->dcpath) < 0) {
		tool_liberror();
		goto done;
	}
	if (rp->datastore != NULL)
		vifs_remotepath_dspath(&shown, sub);
	if (fetch_listing(l, sub, shown ? shown : path, &ls) != 0)
		goto done;
	rc = print_tree(l, sub, ls, pre, depth + 1);
done:
	vifs_listing_free(ls);
	vifs_remotepath_free(sub);
	free(path);
	free(pre);
	free(shown);
	return rc;
}

/* Lists the page at RP; SHOWN names it in messages, XML_PATH in --output
 * xml (may be NULL). */
static int
list_page(struct legacy *l, const struct vifs_remotepath *rp, const char *shown,
    const char *xml_path)
{
	vifs_listing *ls = NULL;
	char *out = NULL;
	size_t out_len;
	int rc, error;

	if ((rc = fetch_listing(l, rp, shown, &ls)) != 0)
		goto done;
	if (l->output == TOOL_OUTPUT_TEXT &&
	    (l->o.longlist || l->o.recursive)) {
		printf("\nContent Listing\n---------------\n\n");
		rc = print_tree(l, rp, ls, "", 0);
		if (tool_write_stdout(NULL, 0))
			rc = LEGACY_FAIL;
		goto done;
	}
	if (l->output == TOOL_OUTPUT_XML)
		error = vifs_listing_format_xml(&out, &out_len, ls, xml_path);
	else if (l->output == TOOL_OUTPUT_JSON)
		error = vifs_listing_format_json(&out, &out_len, ls, xml_path);
	else
		error = vifs_listing_format_text(&out, &out_len, ls);
	if (error < 0) {
		rc = tool_liberror();
		goto done;
	}
	rc = tool_write_stdout(out, out_len) ? LEGACY_FAIL : 0;
done:
	vifs_listing_free(ls);
	free(out);
	return rc;
}

/* Returns 1 when TEXT (blanks skipped) is PREFIX alone or PREFIX/... */
static int
starts_tree(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	while (isspace((unsigned char)*text))
		text++;
	return strncmp(text, prefix, n) == 0 &&
	    (text[n] == '\0' || text[n] == '/');
}

/* --dir REMOTE_DIR */
static int
do_dir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	int rc;

	if (starts_tree(text, "/tmp"))
		return fail("Listing of /tmp is not supported.");
	if (parse_remote(&rp, text) < 0)
		return fail("Error: Can not list directory '%s'.", text);
	/* vifs lists /host, "[ds] dir" and "/folder...?query" only. */
	if (rp->mode != VIFS_REMOTEPATH_HOST && rp->datastore == NULL &&
	    !(rp->url_form && rp->dcpath != NULL)) {
		vifs_remotepath_free(rp);
		return fail("Invalid format : %s.", text);
	}
	rc = list_page(l, rp, text, text);
	vifs_remotepath_free(rp);
	return rc;
}

/* --listds [--dc DC]: the datastore page of the datacenter. */
static int
do_listds(struct legacy *l, const char *dc)
{
	struct vifs_remotepath *rp = NULL;
	char *shown;
	size_t len;
	int rc;

	if (dc == NULL || *dc == '\0')
		dc = DEFAULT_DC;
	len = strlen(dc) + sizeof("/folder?dcPath=");
	if ((shown = malloc(len)) == NULL)
		return fail("vifs: out of memory");
	snprintf(shown, len, "/folder?dcPath=%s", dc);
	if (vifs_remotepath_new(&rp, VIFS_REMOTEPATH_FOLDER, NULL, NULL, dc) <
	    0) {
		tool_liberror();
		rc = fail("Error: Can not list directory '%s'.", shown);
	} else {
		rc = list_page(l, rp, shown, NULL);
	}
	vifs_remotepath_free(rp);
	free(shown);
	return rc;
}

/*
 * Asks QUESTION (vifs's request_confirm): the question and a blank on
 * standard output, one line of standard input as the answer, taken when
 * it holds a "y" or "Y" anywhere (vifs's unanchored match).  Otherwise
 * prints vifs's abort lines and returns 0.
 */
static int
confirmed(const char *question)
{
	char line[1024];
	int ok = 0;

	printf("%s ", question);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) != NULL)
		ok = strpbrk(line, "yY") != NULL;
	if (!ok) {
		printf("Deletion of file has been aborted.\n");
		fflush(stdout);
		fputc('\n', stderr); /* vifs's die "\n" */
	}
	return ok;
}

/* confirmed() of "WHAT 'PATH'? (y/n) :". */
static int
confirmed_path(const char *what, const char *path)
{
	size_t len = strlen(what) + strlen(path) + 16;
	char *q = malloc(len);
	int ok;

	if (q == NULL) {
		tool_errorf("out of memory");
		return 0;
	}
	snprintf(q, len, "%s '%s'? (y/n) :", what, path);
	ok = confirmed(q);
	free(q);
	return ok;
}

/* --rm REMOTE: DeleteDatastoreFile_Task, as vifs; a file on a host
 * without the VIM API is deleted with the file service's DELETE. */
static int
do_rm(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	char *url = NULL, *shown = NULL;
	const char *path;
	int rc = LEGACY_FAIL;

	if (parse_remote(&rp, text) < 0)
		return fail("Error: Cannot delete '%s'.", text);
	if ((shown = ds_text(rp)) == NULL) {
		tool_errorf("out of memory");
		goto done;
	}
	if (rp->mode == VIFS_REMOTEPATH_FOLDER && !l->o.force &&
	    !confirmed_path("Remove", rp->path))
		goto done;
	if (rp->mode == VIFS_REMOTEPATH_HOST) {
		rc = fail("Deleting of paths in /host is not supported.");
		goto done;
	}
	if (rp->datastore != NULL) {
		int so = soap_open(l, shown, !wants_session(l)), error;

		if (so == -1)
			goto done;
		if (so == 0) {
			if ((error = vifs_vim_delete(l->vim, shown, NULL)) <
			    0) {
				const char *why = fault_text(l, error);

				if (progress_stopped())
					goto done;
				tool_liberror();
				rc = fail("Unable to delete %s:\n%s", shown,
				    why);
				goto done;
			}
			printf("Deleted file '%s' successfully.\n", shown);
			rc = 0;
			goto done;
		}
	}
	if (make_url(l, rp, &url, &path) < 0 ||
	    open_host(l, vifs_remotepath_display(rp)) < 0) {
		rc = fail("Unable to delete %s:\n%s", shown,
		    vifs_strerror(vifs_error_last_code()));
		goto done;
	}
	if (vifs_http_delete(l->http, path) < 0) {
		const char *sl = vifs_http_last_status_line(l->http);
		int code = vifs_error_last_code();

		if (progress_stopped())
			goto done;
		tool_liberror();
		if (refused(l))
			goto done;
		rc = fail("Unable to delete %s:\n%s", shown,
		    *sl ? sl : vifs_strerror(code));
		goto done;
	}
	printf("Deleted file '%s' successfully.\n", shown);
	rc = 0;
done:
	vifs_remotepath_free(rp);
	free(url);
	free(shown);
	return rc;
}

/* Parses TEXT as a datastore path into *rp and *ds ("[ds] path"); prints
 * vifs's "Invalid datastore path" otherwise. */
static int
parse_dspath(struct vifs_remotepath **rp, char **ds, const char *text)
{
	*rp = NULL;
	*ds = NULL;
	if (vifs_remotepath_parse(rp, text) < 0)
		tool_liberror();
	else if ((*rp)->datastore == NULL)
		tool_errorf("%s: no datastore ('[datastore] path')", text);
	else if (vifs_remotepath_dspath(ds, *rp) < 0)
		tool_liberror();
	else
		return 0;
	vifs_remotepath_free(*rp);
	*rp = NULL;
	return fail("Invalid datastore path: %s.", text);
}

/* --mkdir REMOTE_DIR: MakeDirectory; the parent must exist, unless
 * --parents (createParentDirectories). */
static int
do_mkdir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	char *ds = NULL;
	int rc = LEGACY_FAIL, error;

	if (starts_tree(text, "/host"))
		return fail("Creating a directory /host is not supported.");
	if (parse_dspath(&rp, &ds, text) != 0)
		return LEGACY_FAIL;
	if (soap_open(l, ds, 0) < 0)
		goto done;
	if ((error = vifs_vim_mkdir(l->vim, ds, NULL, l->o.parents)) < 0) {
		const char *why = fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = fail("Unable to create directory %s:\n%s\n", ds, why);
		goto done;
	}
	printf("Created directory '%s' successfully.\n", ds);
	rc = 0;
done:
	vifs_remotepath_free(rp);
	free(ds);
	return rc;
}

/* --rmdir REMOTE_DIR: refused when the listing has any entry, then as
 * --rm. */
static int
do_rmdir(struct legacy *l, const char *text)
{
	struct vifs_remotepath *rp = NULL;
	vifs_listing *ls = NULL;
	char *ds = NULL, *url = NULL, *page = NULL;
	const char *path;
	size_t len;
	int rc = LEGACY_FAIL, error;

	if (starts_tree(text, "/host"))
		return fail("Deleting of paths in /host is not supported.");
	if (parse_dspath(&rp, &ds, text) != 0)
		return LEGACY_FAIL;
	if (!l->o.force && !confirmed_path("Remove directory", text))
		goto done;
	if (soap_open(l, ds, 0) < 0)
		goto done;
	if (make_url(l, rp, &url, &path) < 0 || open_host(l, text) < 0) {
		rc = fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_http_get_buf(l->http, path, &page, &len, VIFS_LISTING_MAX) <
	    0) {
		if (progress_stopped())
			goto done;
		tool_liberror();
		get_unsuccessful(l, url);
		rc = fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_listing_parse(&ls, page, len) < 0) {
		tool_liberror();
		rc = fail("Error: Cannot delete '%s'.", text);
		goto done;
	}
	if (vifs_listing_count(ls) > 0) {
		tool_errorf("%s holds %zu entr%s", ds, vifs_listing_count(ls),
		    vifs_listing_count(ls) == 1 ? "y" : "ies");
		rc = fail("Error: Cannot delete '%s' since it is not empty.",
		    text);
		goto done;
	}
	if ((error = vifs_vim_delete(l->vim, ds, NULL)) < 0) {
		const char *why = fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = fail("Unable to delete %s:\n%s", ds, why);
		goto done;
	}
	printf("Deleted file '%s' successfully.\n", ds);
	rc = 0;
done:
	vifs_listing_free(ls);
	vifs_remotepath_free(rp);
	free(ds);
	free(url);
	free(page);
	return rc;
}

/* --copy SRC DST, --move SRC DST: the file task in the datacenter of
 * DST's dcPath (ha-datacenter by default). */
static int
do_copy_move(struct legacy *l, int move, const char *src, const char *dst)
{
	const char *verb = move ? "move" : "copy";
	struct vifs_remotepath *srp = NULL, *drp = NULL;
	struct vifs_vim_dclist *dcs = NULL;
	const struct vifs_vim_datacenter *dc;
	const char *dcname;
	char *sds = NULL, *dds = NULL;
	int rc = LEGACY_FAIL, error;

	if (src == NULL || *src == '\0')
		return fail("Error: source is not specified.");
	if (dst == NULL || *dst == '\0')
		return fail("Error: target is not specified.");
	if (starts_tree(src, "/host") || starts_tree(dst, "/host"))
		return fail("Files in /host cannot be used in %s.", verb);
	if (parse_dspath(&srp, &sds, src) != 0 ||
	    parse_dspath(&drp, &dds, dst) != 0)
		goto done;
	dcname = drp->dcpath ? drp->dcpath : DEFAULT_DC;
	if (soap_open(l, sds, 0) < 0)
		goto done;
	if ((error = vifs_vim_datacenters(l->vim, &dcs)) < 0) {
		const char *why = fault_text(l, error);

		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = fail("Unable to %s %s to %s:\n%s\n", verb, src, dst, why);
		goto done;
	}
	if ((dc = vifs_vim_dclist_find(dcs, dcname)) == NULL) {
		tool_errorf("%s: no datacenter '%s' (see --listdc)",
		    vifs_http_hostport(l->http), dcname);
		rc = fail("Unable to %s %s to %s:\nno datacenter %s\n", verb,
		    src, dst, dcname);
		goto done;
	}
	error = move ? vifs_vim_move(l->vim, sds, dds, dc->id, l->o.force) :
	               vifs_vim_copy(l->vim, sds, dds, dc->id, l->o.force);
	if (error < 0) {
		const char *why = fault_text(l, error);

		if (progress_stopped())
			goto done;
		if (error == VIFS_EEXISTS && !l->o.force)
			tool_errorf("%s; --force overwrites",
			    vifs_error_last());
		else
			tool_liberror();
		rc = fail("Unable to %s %s to %s:\n%s\n", verb, src, dst, why);
		goto done;
	}
	printf("%s file from %s to %s successfully.\n",
	    move ? "Moved" : "Copied", src, dst);
	rc = 0;
done:
	vifs_vim_dclist_free(dcs);
	vifs_remotepath_free(srp);
	vifs_remotepath_free(drp);
	free(sds);
	free(dds);
	return rc;
}

/* --listdc: the inventory path of every datacenter, one a line. */
static int
do_listdc(struct legacy *l)
{
	struct vifs_vim_dclist *dcs = NULL;

	if (soap_open(l, "datacenters", 0) < 0)
		return LEGACY_FAIL;
	if (vifs_vim_datacenters(l->vim, &dcs) < 0) {
		if (!progress_stopped())
			tool_liberror();
		return LEGACY_FAIL;
	}
	for (size_t i = 0; i < dcs->count; i++) {
		put_name(dcs->items[i].path);
		putchar('\n');
	}
	vifs_vim_dclist_free(dcs);
	return tool_write_stdout(NULL, 0) ? LEGACY_FAIL : 0;
}

static void
no_operation(void)
{
	fflush(stdout);
	fprintf(stderr,
	    "At least one of command argument must be supplied.\n"
	    "For a summary of command usage, type '%s --help'.\n"
	    "For documentation, type 'man %s'.\n",
	    tool_progname, tool_progname);
}

/*
 * --encoding: standard output in that encoding, and the remote paths of
 * the command line read in it and sent as UTF-8, as the vSphere SDK for
 * Perl does.  Returns 0, or -1 after printing why not.
 */
static int
recode(struct legacy *l, enum op op)
{
	const char *enc = l->conn.opts.encoding;
	struct legacy_opts *o = &l->o;
	const char **args[3] = { NULL, NULL, NULL };
	size_t n = 0;

	if (encoding_setup(enc) < 0)
		return -1;
	switch (op) {
	case OP_MOVE:
		args[n++] = &o->move;
		args[n++] = &o->positional;
		break;
	case OP_COPY:
		args[n++] = &o->copy;
		args[n++] = &o->positional;
		break;
	case OP_MKDIR:
		args[n++] = &o->mkdir;
		break;
	case OP_RMDIR:
		args[n++] = &o->rmdir;
		break;
	case OP_RM:
		args[n++] = &o->rm;
		break;
	case OP_DIR:
		args[n++] = &o->dir;
		break;
	case OP_LISTDS:
		args[n++] = &o->dc;
		break;
	case OP_PUT:
		args[n++] = &o->positional;
		break;
	case OP_GET:
		args[n++] = &o->get;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++) {
		if (*args[i] == NULL)
			continue;
		if (encoding_arg(&l->recoded[i], enc, *args[i]) < 0)
			return -1;
		if (l->recoded[i] != NULL)
			*args[i] = l->recoded[i];
	}
	return 0;
}

static int
run(struct legacy *l, enum op op)
{
	const struct legacy_opts *o = &l->o;

	/* A session the user wants saved or reused carries the file
	 * service's requests too. */
	switch (op) {
	case OP_GET:
	case OP_PUT:
	case OP_DIR:
	case OP_LISTDS:
		if (wants_session(l) && soap_open(l, "session", 0) < 0)
			return LEGACY_FAIL;
		break;
	default:
		break;
	}
	switch (op) {
	case OP_MOVE:
		return do_copy_move(l, 1, o->move, o->positional);
	case OP_COPY:
		return do_copy_move(l, 0, o->copy, o->positional);
	case OP_MKDIR:
		return do_mkdir(l, o->mkdir);
	case OP_RMDIR:
		return do_rmdir(l, o->rmdir);
	case OP_LISTDC:
		return do_listdc(l);
	case OP_GET:
		return do_get(l, o->get, o->positional);
	case OP_PUT:
		return do_put(l, o->put, o->positional);
	case OP_DIR:
		return do_dir(l, o->dir);
	case OP_LISTDS:
		return do_listds(l, o->dc);
	case OP_RM:
		return do_rm(l, o->rm);
	default:
		no_operation();
		return LEGACY_FAIL;
	}
}

int
tool_legacy_main(int argc, char **argv)
{
	struct legacy l;
	const char *opname = NULL;
	enum op op;
	int rc;

	memset(&l, 0, sizeof(l));
	if (legacy_parse(&l.o, argc, argv) < 0) {
		fprintf(stderr,
		    "For a summary of command usage, type '%s "
		    "--help'.\n",
		    tool_progname);
		return LEGACY_FAIL;
	}
	if (hide_password(&l, argc, argv) < 0) {
		tool_errorf("out of memory");
		return LEGACY_FAIL;
	}
	if (l.o.help) {
		legacy_usage(stdout);
		rc = tool_write_stdout(NULL, 0) ? LEGACY_FAIL : 0;
		goto done;
	}
	if (l.o.version) {
		printf("vifs %s (libvifs %s)\n", VIFS_VERSION, vifs_version());
		rc = tool_write_stdout(NULL, 0) ? LEGACY_FAIL : 0;
		goto done;
	}
	if (l.o.output != NULL &&
	    tool_parse_output(&l.output, l.o.output) != 0) {
		tool_errorf("--output: '%s' is not text, xml or json",
		    l.o.output);
		rc = LEGACY_FAIL;
		goto done;
	}
	op = pick_op(&l.o, &opname);
	progress_catch_signals();
	rc = conn_resolve(&l.conn, &l.o.conn,
	    CONN_CREDENTIALS | CONN_SAVE_SESSION);
	if (progress_stopped()) {
		rc = LEGACY_FAIL; /* ^C at a prompt: no more words */
		goto done;
	}
	if (rc == CONN_NO_CREDENTIALS) {
		printf("Must have one of command options 'sessionfile', "
		       "'passthroughauth', 'credstore' or a 'username' and "
		       "'password' pair\n");
		legacy_usage(stdout);
		fflush(stdout);
		rc = LEGACY_FAIL;
		goto done;
	}
	if (rc != CONN_OK) {
		rc = LEGACY_FAIL;
		goto done;
	}
	if (recode(&l, op) < 0) {
		rc = LEGACY_FAIL;
		goto done;
	}
	rc = run(&l, op);
done:
	if (soap_close(&l) != 0)
		rc = LEGACY_FAIL;
	free(l.service_url);
	vifs_http_free(l.http);
	conn_free(&l.conn);
	conn_secret_free(l.password);
	for (size_t i = 0; i < 3; i++)
		free(l.recoded[i]);
	if (encoding_finish() < 0)
		rc = LEGACY_FAIL;
	progress_reraise();
	return rc;
}
