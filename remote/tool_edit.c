/*
 * tool_edit.c - the command line of the esx.conf subcommands; load an
 * esx.conf, apply an edit, show or save the result (the host's file goes
 * through remote_edit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>

#include "conn.h"
#include "fleet_cli.h"
#include "msg.h"
#include "tool.h"

/* A password taken from the command line, copied before argv is wiped. */
static char *argv_password;

void
tool_args_init(struct tool_args *a, int argc, char **argv, const char *family,
    const struct tool_opt *opts, struct conn_opts *conn)
{
	memset(a, 0, sizeof(*a));
	a->argc = argc;
	a->argv = argv;
	a->family = family;
	a->opts = opts;
	a->conn = conn;
	a->pos = argv + 1;
	a->i = 1;
}

static const struct tool_opt *
find_opt(const struct tool_opt *opts, const char *name, size_t len, char letter)
{
	for (; opts->name != NULL; opts++) {
		if (letter != 0 ? opts->letter == letter :
		                  strlen(opts->name) == len &&
		            strncmp(opts->name, name, len) == 0)
			return opts;
	}
	return NULL;
}

/* Keeps a password of the command line out of ps: copies it and wipes
 * the argument it came from. */
static void
hide_password(struct tool_args *a, int first, int n)
{
	const char *pw = a->conn->password;

	for (int k = first; k < first + n && pw != NULL; k++) {
		char *s = a->argv[k];
		size_t len = strlen(s);

		if (pw < s || pw > s + len)
			continue;
		conn_secret_free(argv_password);
		if ((argv_password = strdup(pw)) == NULL) {
			tool_errorf("out of memory");
			exit(1);
		}
		memset(s + (pw - s), 0, strlen(pw));
		a->conn->password = argv_password;
		return;
	}
}

int
tool_args_next(struct tool_args *a)
{
	while (a->i < a->argc) {
		char *arg = a->argv[a->i];
		const struct tool_opt *o = NULL;
		const char *value = NULL;
		int n;

		if (a->dashdash || arg[0] != '-' || arg[1] == '\0') {
			a->pos[a->npos++] = arg;
			a->i++;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			a->dashdash = 1;
			a->i++;
			continue;
		}
		/* "--name[=value]"; "-name[=value]" too, as the connection
		 * options take it, before "-xVALUE" is tried. */
		if (arg[1] == '-' ||
		    (arg[2] != '\0' &&
		        find_opt(a->opts, arg + 1, strcspn(arg + 1, "="), 0) !=
		            NULL)) {
			const char *name = arg + (arg[1] == '-' ? 2 : 1);
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_opt(a->opts, name, len, 0);
			if (o != NULL && eq != NULL) {
				if (!o->has_arg) {
					tool_usagef(a->family,
					    "option '--%s' takes no value",
					    o->name);
					return -1;
				}
				value = eq + 1;
			}
		} else {
			/* "-x" or "-xVALUE"; anything else ("-server") may
			 * be a connection option. */
			o = find_opt(a->opts, NULL, 0, arg[1]);
			if (o != NULL && arg[2] != '\0') {
				if (o->has_arg)
					value = arg + 2;
				else
					o = NULL;
			}
		}
		if (o != NULL) {
			a->i++;
			if (o->has_arg && value == NULL) {
				if (a->i >= a->argc) {
					tool_usagef(a->family,
					    "option '%s' needs a value", arg);
					return -1;
				}
				value = a->argv[a->i++];
			}
			a->arg = value;
			return o->id;
		}
		n = a->conn ?
		    parse_conn_option(a->conn, a->argc - a->i, a->argv + a->i) :
		    0;
		if (n < 0) {
			fprintf(stderr, "Try 'vifs %s --help'.\n", a->family);
			return -1;
		}
		if (n == 0) {
			tool_usagef(a->family, "unknown option '%s'", arg);
			return -1;
		}
		hide_password(a, a->i, n);
		a->i += n;
	}
	return 0;
}

/* 1 when the environment names a host (as the legacy mode reads it). */
static int
env_names_host(void)
{
	static const char *const vars[] = { "VI_SERVER", "VI_URL",
		"VI_SESSIONFILE" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && *v != '\0')
			return 1;
	}
	return 0;
}

int
tool_doc_mode(struct tool_doc_opts *o, const char *family)
{
	/* A fleet (fleet_edit.c) took its hosts out of the command line. */
	int cmdline = o->conn.server != NULL || o->conn.url != NULL ||
	    o->conn.sessionfile != NULL || o->fleet != NULL;

	if (o->file != NULL && o->image != NULL)
		return tool_usagef(family,
		    "--file and --image exclude each "
		    "other");
	if ((o->file != NULL || o->image != NULL) && cmdline)
		return tool_usagef(family,
		    "--%s and a host (--server, --url or --sessionfile) "
		    "exclude each other",
		    o->file ? "file" : "image");
	o->remote = o->file == NULL && o->image == NULL &&
	    (cmdline || env_names_host());
	if (!o->remote && o->image == NULL && o->backup_dir != NULL)
		return tool_usagef(family,
		    "--backup-dir is for edits of a host's esx.conf or of "
		    "an --image");
	return TOOL_OK;
}

int
tool_doc_option(struct tool_doc_opts *o, int id, const char *arg,
    const char *family, const char *usage)
{
	switch (id) {
	case TOOL_DOC_OPT_BACKUP_DIR:
		o->backup_dir = arg;
		break;
	case TOOL_DOC_OPT_DRY_RUN:
		o->dry_run = 1;
		break;
	case TOOL_DOC_OPT_FILE:
		o->file = arg;
		break;
	case TOOL_DOC_OPT_FORCE:
		o->force = 1;
		break;
	case TOOL_DOC_OPT_HELP:
		fputs(usage, stdout);
		return tool_write_stdout(NULL, 0) ? TOOL_FAILED : TOOL_OK;
	case TOOL_DOC_OPT_IMAGE:
		o->image = arg;
		break;
	case TOOL_DOC_OPT_NO_PERSIST:
		o->no_persist = 1;
		break;
	case TOOL_DOC_OPT_OUTPUT:
		if (tool_parse_output(&o->output, arg) != 0)
			return tool_usagef(family,
			    "unknown output format '%s' (text, xml or json)",
			    arg);
		break;
	default:
		return TOOL_DOC_OTHER;
	}
	return TOOL_DOC_TAKEN;
}

int
tool_parse_output(enum tool_output *out, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		*out = TOOL_OUTPUT_TEXT;
	else if (strcmp(arg, "xml") == 0)
		*out = TOOL_OUTPUT_XML;
	else if (strcmp(arg, "json") == 0)
		*out = TOOL_OUTPUT_JSON;
	else
		return -1;
	return 0;
}

int
tool_edit_output(const struct tool_doc_opts *opts, const char *family)
{
	if (opts->output == TOOL_OUTPUT_XML)
		return tool_usagef(family,
		    "--output xml is for list and lint; the results of an "
		    "edit of a host are text or json");
	if (opts->output == TOOL_OUTPUT_JSON && !opts->remote)
		return tool_usagef(family,
		    "--output json of an edit gives the results of its "
		    "hosts; an edit of --file or --image has none");
	return TOOL_OK;
}

int
tool_diff(char **out, size_t *out_len, const char *name, const char *before,
    size_t before_len, const char *after, size_t after_len)
{
	char label[4096];

	snprintf(label, sizeof(label), "%s (edited)", name);
	if (vifs_diff_unified(out, out_len, before, before_len, after,
	        after_len, name, label, 3) < 0)
		return tool_liberror();
	return TOOL_OK;
}

int
tool_print_diff(const char *name, const char *before, size_t before_len,
    const char *after, size_t after_len)
{
	char *diff = NULL;
	size_t diff_len = 0;
	int rc;

	if ((rc = tool_diff(&diff, &diff_len, name, before, before_len, after,
	         after_len)) != TOOL_OK)
		return rc;
	if (diff_len == 0)
		tool_notef("%s: no change", name);
	rc = tool_write_stdout(diff, diff_len);
	free(diff);
	return rc;
}

int
tool_load(vifs_esxconf **out, const struct tool_doc_opts *opts)
{
	*out = NULL;
	if (opts->remote)
		return remote_load(out, opts);
	if (opts->image != NULL)
		return image_load(out, opts);
	if (opts->file == NULL) {
		tool_errorf("no esx.conf given: use --file FILE (or - for "
		            "standard input) or --image FILE");
		return TOOL_USAGE;
	}
	if (vifs_esxconf_open(out, opts->file) < 0)
		return tool_liberror();
	return TOOL_OK;
}

int
tool_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg)
{
	vifs_esxconf *doc = NULL;
	char *before = NULL, *after = NULL;
	size_t before_len, after_len;
	int rc;

	if (opts->remote)
		return remote_edit(opts, edit, arg);
	if (opts->image != NULL)
		return image_edit(opts, edit, arg);
	if ((rc = tool_load(&doc, opts)) != TOOL_OK)
		return rc;
	if (vifs_esxconf_serialize(&before, &before_len, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if ((rc = edit(NULL, doc, arg)) != TOOL_OK)
		goto done;
	if (vifs_esxconf_serialize(&after, &after_len, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if (opts->dry_run) {
		const char *name = strcmp(opts->file, "-") == 0 ? "(stdin)" :
		                                                  opts->file;

		rc = tool_print_diff(name, before, before_len, after,
		    after_len);
		goto done;
	}
	if (strcmp(opts->file, "-") != 0 && after_len == before_len &&
	    memcmp(before, after, after_len) == 0) {
		tool_notef("%s: no change", opts->file);
		goto done;
	}
	if (vifs_esxconf_save(doc, opts->file) < 0)
		rc = tool_liberror();
done:
	free(before);
	free(after);
	vifs_esxconf_free(doc);
	return rc;
}
