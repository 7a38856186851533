/*
 * tool_conf.c - `vifs conf get|set|unset|list|lint|restore`: structural,
 * lossless edits and checks of an esx.conf, local or on a host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "msg.h"
#include "tool.h"

static const char conf_usage[] =
    "usage: vifs conf get   WHERE KEY...\n"
    "       vifs conf set   WHERE [--dry-run] [-o json] KEY VALUE [KEY "
    "VALUE]...\n"
    "       vifs conf unset WHERE [--dry-run] [-o json] KEY...\n"
    "       vifs conf list  WHERE [--output text|xml|json] [PREFIX]\n"
    "       vifs conf lint  WHERE [--output text|xml|json] [--strict]\n"
    "       vifs conf restore CONNECTION [--dry-run] [-o json] BACKUP\n"
    "WHERE is --file FILE, --image FILE (esx.conf inside a state.tgz,\n"
    "local.tgz or configBundle-*.tgz), or the connection options of a\n"
    "host (--server HOST [--username U --password P] ...; see vifs\n"
    "--help), whose /host/esx.conf is then read and edited.\n"
    "\n"
    "Reads and edits esx.conf without touching any line the edit does not\n"
    "change. FILE - is standard input; an edit of standard input is\n"
    "written to standard output. An edit of a host's esx.conf saves the\n"
    "original to a backup first, uploads only when the file has not\n"
    "changed on the host since it was read, and reads the result back;\n"
    "restore puts a backup back the same way, then the host is asked to\n"
    "save its configuration to its boot device. An edit of an --image\n"
    "changes only esx.conf inside it, saves the image as it was beside\n"
    "it (or in --backup-dir) and replaces it atomically.\n"
    "\n"
    "  -f, --file FILE       the esx.conf to read (and write back)\n"
    "      --image FILE      state.tgz, local.tgz or configBundle-*.tgz\n"
    "  -n, --dry-run         print the unified diff of the edit, change "
    "nothing\n"
    "  -o, --output FMT      text (default), xml or json (list,\n"
    "                        lint); text or json (the results of an\n"
    "                        edit of hosts)\n"
    "      --strict          lint: warnings count as problems too\n"
    "      --backup-dir DIR  where backups of a host's esx.conf go (default\n"
    "                        ~/.local/state/vifs/backups/HOST), or of an\n"
    "                        --image (default: beside it)\n"
    "      --no-persist      after an edit of a host, do not ask it to\n"
    "                        write its configuration to the boot device\n"
    "                        (SyncFirmwareConfiguration)\n"
    "      --force           edit a line that has a lint error, or upload\n"
    "                        over a file that changed on the host since it\n"
    "                        was read\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 ok, 1 failed or lint found problems, 2 usage error.\n";

struct conf_args {
	struct tool_doc_opts doc;
	int strict;
	int argc;
	char **argv;
};

#define usage_error(...) tool_usagef("conf", __VA_ARGS__)

static int
conf_get(struct conf_args *a)
{
	vifs_esxconf *doc = NULL;
	int rc, i;

	if (a->argc < 1)
		return usage_error("get needs a KEY");
	if ((rc = tool_load(&doc, &a->doc)) != TOOL_OK)
		return rc;
	for (i = 0; i < a->argc; i++) {
		char *value = NULL;
		int err = vifs_esxconf_get(&value, doc, a->argv[i]);

		if (err == VIFS_ENOTFOUND) {
			tool_errorf("%s: no such key", a->argv[i]);
			rc = TOOL_FAILED;
			continue;
		}
		if (err < 0) {
			rc = tool_liberror();
			continue;
		}
		printf("%s\n", value);
		free(value);
	}
	vifs_esxconf_free(doc);
	if (tool_write_stdout(NULL, 0) != 0)
		rc = TOOL_FAILED;
	return rc;
}

static int
set_edit(const struct tool_msg *m, vifs_esxconf *doc, void *arg)
{
	struct conf_args *a = arg;

	for (int i = 0; i + 1 < a->argc; i += 2)
		if (vifs_esxconf_set(doc, a->argv[i], a->argv[i + 1]) < 0)
			return tool_msg_liberror(m);
	return TOOL_OK;
}

static int
unset_edit(const struct tool_msg *m, vifs_esxconf *doc, void *arg)
{
	struct conf_args *a = arg;

	for (int i = 0; i < a->argc; i++) {
		int err = vifs_esxconf_unset(doc, a->argv[i]);

		if (err == VIFS_ENOTFOUND) {
			tool_msg_errorf(m, "%s: no such key", a->argv[i]);
			return TOOL_FAILED;
		}
		if (err < 0)
			return tool_msg_liberror(m);
	}
	return TOOL_OK;
}

static int
list_line(const struct vifs_esxconf_line *line, void *payload)
{
	(void)payload;
	fwrite(line->key, 1, line->key_len, stdout);
	fputs(" = \"", stdout);
	/* The raw value is the stored, escaped form: print it as the file
	 * has it, so the listing is itself valid esx.conf. */
	fwrite(line->raw_value, 1, line->raw_value_len, stdout);
	fputs("\"\n", stdout);
	return 0;
}

static int
conf_list(struct conf_args *a)
{
	vifs_esxconf *doc = NULL;
	const char *prefix = a->argc > 0 ? a->argv[0] : NULL;
	int rc;

	if (a->argc > 1)
		return usage_error("list takes at most one PREFIX, not '%s'",
		    a->argv[1]);
	if ((rc = tool_load(&doc, &a->doc)) != TOOL_OK)
		return rc;
	if (a->doc.output != TOOL_OUTPUT_TEXT) {
		char *xml = NULL;
		size_t len;

		if ((a->doc.output == TOOL_OUTPUT_JSON ?
		            vifs_esxconf_to_json(&xml, &len, doc, prefix) :
		            vifs_esxconf_to_xml(&xml, &len, doc, prefix)) < 0)
			rc = tool_liberror();
		else
			rc = tool_write_stdout(xml, len);
		free(xml);
	} else {
		vifs_esxconf_foreach(doc, prefix, list_line, NULL);
		rc = tool_write_stdout(NULL, 0);
	}
	vifs_esxconf_free(doc);
	return rc;
}

static int
conf_lint(struct conf_args *a)
{
	vifs_esxconf *doc = NULL;
	vifs_lint *lint = NULL;
	const char *name;
	size_t i, n, problems;
	int rc;

	if (a->argc > 0)
		return usage_error("lint takes no argument, not '%s'",
		    a->argv[0]);
	if ((rc = tool_load(&doc, &a->doc)) != TOOL_OK)
		return rc;
	name = vifs_esxconf_name(doc);
	if (vifs_esxconf_lint(&lint, doc) < 0) {
		rc = tool_liberror();
		goto done;
	}
	n = vifs_lint_count(lint);
	problems = a->strict ? n : vifs_lint_errors(lint);
	if (a->doc.output != TOOL_OUTPUT_TEXT) {
		char *xml = NULL;
		size_t len;

		if ((a->doc.output == TOOL_OUTPUT_JSON ?
		            vifs_lint_to_json(&xml, &len, lint, name) :
		            vifs_lint_to_xml(&xml, &len, lint, name)) < 0)
			rc = tool_liberror();
		else
			rc = tool_write_stdout(xml, len);
		free(xml);
	} else {
		for (i = 0; i < n; i++) {
			const struct vifs_lint_finding *f = vifs_lint_get(lint,
			    i);

			printf("%s:%zu: %s: %s%s\n", name, f->line, f->rule,
			    f->severity == VIFS_LINT_WARNING ? "warning: " : "",
			    f->message);
		}
		rc = tool_write_stdout(NULL, 0);
	}
	if (rc == TOOL_OK && problems > 0)
		rc = TOOL_FAILED;
done:
	vifs_lint_free(lint);
	vifs_esxconf_free(doc);
	return rc;
}

int
tool_conf_main(int argc, char **argv, struct fleet_edit *fleet)
{
	enum { OPT_STRICT = 1 };
	static const struct tool_opt opts[] = {
		TOOL_DOC_OPTS,
		{ "strict", 0, 0, OPT_STRICT },
		{ NULL, 0, 0, 0 },
	};
	struct tool_args args;
	struct conf_args a;
	const char *verb;
	int c, rc;

	memset(&a, 0, sizeof(a));
	a.doc.fleet = fleet;
	tool_args_init(&args, argc, argv, "conf", opts, &a.doc.conn);
	while ((c = tool_args_next(&args)) > 0) {
		rc = tool_doc_option(&a.doc, c, args.arg, "conf", conf_usage);
		if (rc == TOOL_DOC_OTHER && c == OPT_STRICT)
			a.strict = 1;
		else if (rc >= 0)
			return rc;
	}
	if (c < 0)
		return TOOL_USAGE;
	if (args.npos < 1)
		return usage_error("missing subcommand (get, set, unset, "
		                   "list, lint or restore)");
	if ((rc = tool_doc_mode(&a.doc, "conf")) != TOOL_OK)
		return rc;
	verb = args.pos[0];
	a.argc = args.npos - 1;
	a.argv = args.pos + 1;
	if (strcmp(verb, "get") == 0)
		return conf_get(&a);
	if (strcmp(verb, "list") == 0)
		return conf_list(&a);
	if (strcmp(verb, "lint") == 0)
		return conf_lint(&a);
	if (strcmp(verb, "set") == 0 || strcmp(verb, "unset") == 0 ||
	    strcmp(verb, "restore") == 0) {
		a.doc.command = strcmp(verb, "set") == 0 ? "conf set" :
		    strcmp(verb, "unset") == 0           ? "conf unset" :
		                                           "conf restore";
		if ((rc = tool_edit_output(&a.doc, "conf")) != TOOL_OK)
			return rc;
	}
	if (strcmp(verb, "set") == 0) {
		if (a.argc < 2 || a.argc % 2 != 0)
			return usage_error("set needs KEY VALUE pairs");
		for (int i = 0; i < a.argc; i += 2)
			if (!vifs_esxconf_key_valid(a.argv[i])) {
				tool_liberror();
				return TOOL_USAGE;
			}
		return tool_edit(&a.doc, set_edit, &a);
	}
	if (strcmp(verb, "unset") == 0) {
		if (a.argc < 1)
			return usage_error("unset needs a KEY");
		return tool_edit(&a.doc, unset_edit, &a);
	}
	if (strcmp(verb, "restore") == 0) {
		if (a.argc != 1)
			return usage_error("restore needs one BACKUP file");
		if (!a.doc.remote)
			return usage_error("restore puts a backup back on a "
			                   "host: give its connection options "
			                   "(--server HOST ...), not --file");
		return remote_restore(&a.doc, a.argv[0]);
	}
	return usage_error("unknown subcommand '%s'", verb);
}
