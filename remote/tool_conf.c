/*
 * tool_conf.c - `vifs conf get|set|unset|list|lint`: structural, lossless
 * edits and checks of an esx.conf.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>

#include "msg.h"
#include "tool.h"

static const char conf_usage[] =
    "usage: vifs conf get   --file FILE KEY...\n"
    "       vifs conf set   --file FILE [--dry-run] KEY VALUE [KEY VALUE]...\n"
    "       vifs conf unset --file FILE [--dry-run] KEY...\n"
    "       vifs conf list  --file FILE [--output text|xml] [PREFIX]\n"
    "       vifs conf lint  --file FILE [--output text|xml] [--strict]\n"
    "\n"
    "Reads and edits esx.conf without touching any line the edit does not\n"
    "change. FILE - is standard input; an edit of standard input is\n"
    "written to standard output.\n"
    "\n"
    "  -f, --file FILE     the esx.conf to read (and write back)\n"
    "  -n, --dry-run       print the unified diff of the edit, change nothing\n"
    "  -o, --output FMT    text (default) or xml (list, lint)\n"
    "      --strict        lint: warnings count as problems too\n"
    "  -h, --help          this help\n"
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
set_edit(vifs_esxconf *doc, void *arg)
{
	struct conf_args *a = arg;

	for (int i = 0; i + 1 < a->argc; i += 2)
		if (vifs_esxconf_set(doc, a->argv[i], a->argv[i + 1]) < 0)
			return tool_liberror();
	return TOOL_OK;
}

static int
unset_edit(vifs_esxconf *doc, void *arg)
{
	struct conf_args *a = arg;

	for (int i = 0; i < a->argc; i++) {
		int err = vifs_esxconf_unset(doc, a->argv[i]);

		if (err == VIFS_ENOTFOUND) {
			tool_errorf("%s: no such key", a->argv[i]);
			return TOOL_FAILED;
		}
		if (err < 0)
			return tool_liberror();
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
	if (a->doc.output == TOOL_OUTPUT_XML) {
		char *xml = NULL;
		size_t len;

		if (vifs_esxconf_to_xml(&xml, &len, doc, prefix) < 0)
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
	if (a->doc.output == TOOL_OUTPUT_XML) {
		char *xml = NULL;
		size_t len;

		if (vifs_lint_to_xml(&xml, &len, lint, name) < 0)
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
tool_conf_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf_args a;
	const char *verb;
	int c;

	memset(&a, 0, sizeof(a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:hno:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a.doc.file = optarg;
			break;
		case 'h':
			fputs(conf_usage, stdout);
			return TOOL_OK;
		case 'n':
			a.doc.dry_run = 1;
			break;
		case 'o':
			if (tool_parse_output(&a.doc.output, optarg) != 0)
				return usage_error("unknown output format "
				                   "'%s' (text or xml)",
				    optarg);
			break;
		case 'S':
			a.strict = 1;
			break;
		default:
			fprintf(stderr, "Try 'vifs conf --help'.\n");
			return TOOL_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("missing subcommand (get, set, unset, "
		                   "list or lint)");
	verb = argv[optind];
	a.argc = argc - optind - 1;
	a.argv = argv + optind + 1;
	if (strcmp(verb, "get") == 0)
		return conf_get(&a);
	if (strcmp(verb, "list") == 0)
		return conf_list(&a);
	if (strcmp(verb, "lint") == 0)
		return conf_lint(&a);
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
	return usage_error("unknown subcommand '%s'", verb);
}
