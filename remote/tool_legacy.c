/*
 * tool_legacy.c - the options of VMware's vifs: --get, --put, --dir,
 * --listds and --rm over the ESXi HTTP file service, with vifs's argument
 * order, messages and exit status (PROTOCOL.md §1-§3).
 *
 * Every failure prints our one-line reason first ("vifs: authentication
 * failed for root@esx01:443"), then the message VMware's vifs prints, so
 * that scripts matching the latter keep working.  Legacy failures, usage
 * errors included, exit 1.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/listing.h>
#include <vifs/remotepath.h>

#include "conn.h"
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
	struct progress progress;
	enum tool_output output;
	char *password; /* copy of a --password given on the command line */
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
		memset(argv[i] + (p - a), 0, strlen(o->conn.password));
		o->conn.password = l->password;
		return 0;
	}
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

static int
open_host(struct legacy *l, const char *label)
{
	progress_init(&l->progress, label, !l->conn.opts.verbose_given);
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
	if (vifs_http_get_file(l->http, path, target) < 0) {
		progress_finish(&l->progress);
		if (progress_stopped())
			goto done;
		tool_liberror();
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
	vifs_remotepath_free(rp);
	free(url);
	free(target);
	free(base);
	return rc;
}

/* The remote path of an upload: a directory target ("[ds]", "dir/")
 * gets the local file's name. */
static int
put_target(struct vifs_remotepath **rp, const char *local)
{
	const char *p = (*rp)->path, *name;
	struct vifs_remotepath *n = NULL;
	size_t len;
	char *full;
	int error;

	if (*p != '\0' && p[strlen(p) - 1] != '/')
		return 0;
	name = strrchr(local, '/');
	name = name ? name + 1 : local;
	len = strlen(p) + strlen(name) + 1;
	if ((full = malloc(len)) == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	snprintf(full, len, "%s%s", p, name);
	error = vifs_remotepath_new(&n, (*rp)->mode, (*rp)->datastore, full,
	    (*rp)->dcpath);
	free(full);
	if (error < 0) {
		tool_liberror();
		return -1;
	}
	vifs_remotepath_free(*rp);
	*rp = n;
	return 0;
}

/* --put LOCAL REMOTE */
static int
do_put(struct legacy *l, const char *local, const char *remote)
{
	struct vifs_remotepath *rp = NULL;
	struct stat st;
	char *url = NULL;
	const char *path, *shown;
	int rc = LEGACY_FAIL;

	if (remote == NULL)
		return fail("Error: Undefined remote target.");
	if (is_dir(local))
		return fail("Error: File to be uploaded cannot be a folder.");
	if (stat(local, &st) != 0)
		return fail("Error: File %s does not exist.", local);
	if (parse_remote(&rp, remote) < 0)
		return fail("Error: File %s can not be uploaded to %s.", local,
		    remote);
	if (put_target(&rp, local) < 0)
		goto done;
	shown = vifs_remotepath_display(rp);
	if (make_url(l, rp, &url, &path) < 0 || open_host(l, shown) < 0) {
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    shown);
		goto done;
	}
	if (vifs_http_put_file(l->http, path, local) < 0) {
		progress_finish(&l->progress);
		if (progress_stopped())
			goto done;
		tool_liberror();
		rc = fail("Error: File %s can not be uploaded to %s.", local,
		    shown);
		goto done;
	}
	progress_finish(&l->progress);
	printf("Uploaded file %s to %s successfully.\n", local, shown);
	rc = 0;
done:
	vifs_remotepath_free(rp);
	free(url);
	return rc;
}

/* Lists the page at RP; SHOWN names it in messages, XML_PATH in --output
 * xml (may be NULL). */
static int
list_page(struct legacy *l, const struct vifs_remotepath *rp, const char *shown,
    const char *xml_path)
{
	vifs_listing *ls = NULL;
	char *url = NULL, *page = NULL, *out = NULL;
	const char *path;
	size_t len, out_len;
	int rc = LEGACY_FAIL, error;

	if (make_url(l, rp, &url, &path) < 0 || open_host(l, shown) < 0) {
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_http_get_buf(l->http, path, &page, &len, 0) < 0) {
		if (progress_stopped())
			goto done;
		tool_liberror();
		get_unsuccessful(l, url);
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (vifs_listing_parse(&ls, page, len) < 0) {
		tool_liberror();
		rc = fail("Error: Can not list directory '%s'.", shown);
		goto done;
	}
	if (l->output == TOOL_OUTPUT_XML)
		error = vifs_listing_format_xml(&out, &out_len, ls, xml_path);
	else
		error = vifs_listing_format_text(&out, &out_len, ls);
	if (error < 0) {
		rc = tool_liberror();
		goto done;
	}
	rc = tool_write_stdout(out, out_len) ? LEGACY_FAIL : 0;
done:
	vifs_listing_free(ls);
	free(url);
	free(page);
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

/* Reads the answer to a deletion prompt from standard input: "y" or
 * "yes" in any case, blanks around allowed. */
static int
confirmed(void)
{
	char line[256];
	char *p, *e;

	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	for (p = line; isspace((unsigned char)*p); p++)
		;
	for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	return strcasecmp(p, "y") == 0 || strcasecmp(p, "yes") == 0;
}

/* --rm REMOTE: HTTP DELETE of a file. */
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
	if (rp->mode == VIFS_REMOTEPATH_FOLDER && !l->o.force) {
		printf("Remove '%s'? (y/n) : ", rp->path);
		if (!confirmed()) {
			printf("Deletion of file has been aborted.\n");
			goto done;
		}
	}
	if (rp->mode == VIFS_REMOTEPATH_HOST) {
		rc = fail("Deleting of paths in /host is not supported.");
		goto done;
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

static int
run(struct legacy *l, enum op op)
{
	const struct legacy_opts *o = &l->o;

	switch (op) {
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
		tool_errorf("--output: '%s' is neither text nor xml",
		    l.o.output);
		rc = LEGACY_FAIL;
		goto done;
	}
	op = pick_op(&l.o, &opname);
	switch (op) {
	case OP_MOVE:
	case OP_COPY:
	case OP_MKDIR:
	case OP_RMDIR:
	case OP_LISTDC:
		tool_errorf("--%s needs the VIM API (SOAP), which this vifs "
		            "does not speak; it does --get, --put, --dir, "
		            "--listds and --rm of files over HTTPS",
		    opname);
		rc = LEGACY_FAIL;
		goto done;
	default:
		break;
	}
	progress_catch_signals();
	rc = conn_resolve(&l.conn, &l.o.conn, CONN_CREDENTIALS);
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
	rc = run(&l, op);
done:
	vifs_http_free(l.http);
	conn_free(&l.conn);
	conn_secret_free(l.password);
	progress_reraise();
	return rc;
}
