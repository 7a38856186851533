/*
 * tool_legacy.c - the options of VMware's vifs and their dispatch, with
 * vifs's argument order, messages and exit status (PROTOCOL.md §1-§3):
 * the command line read (a --password hidden from the process list), the
 * connection resolved, --encoding applied, then the one operation by
 * vifs's order of priority, and the session ended.  The operations live
 * in legacy_transfer.c (--get, --put), legacy_list.c (--dir, --listds,
 * --listdc) and legacy_vimfile.c (--mkdir, --rmdir, --rm, --copy,
 * --move); the host and its VIM API session in legacy_host.c.
 *
 * Every failure prints our one-line reason first ("vifs: authentication
 * failed for root@esx01:443"), then the message VMware's vifs prints, so
 * that scripts matching the latter keep working.  Legacy failures, usage
 * errors included, exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/vim.h>

#include "conn.h"
#include "encoding.h"
#include "legacy.h"
#include "msg.h"
#include "opts.h"
#include "progress.h"
#include "tool.h"

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
		if (legacy_wants_session(l) &&
		    legacy_soap_open(l, "session", 0) < 0)
			return LEGACY_FAIL;
		break;
	default:
		break;
	}
	switch (op) {
	case OP_MOVE:
		return legacy_copy_move(l, 1, o->move, o->positional);
	case OP_COPY:
		return legacy_copy_move(l, 0, o->copy, o->positional);
	case OP_MKDIR:
		return legacy_mkdir(l, o->mkdir);
	case OP_RMDIR:
		return legacy_rmdir(l, o->rmdir);
	case OP_LISTDC:
		return legacy_listdc(l);
	case OP_GET:
		return legacy_get(l, o->get, o->positional);
	case OP_PUT:
		return legacy_put(l, o->put, o->positional);
	case OP_DIR:
		return legacy_dir(l, o->dir);
	case OP_LISTDS:
		return legacy_listds(l, o->dc);
	case OP_RM:
		return legacy_rm(l, o->rm);
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
	if (legacy_soap_close(&l) != 0)
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
