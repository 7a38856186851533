/*
 * tool.h - shared pieces of the vifs command's subcommands.
 */
#ifndef VIFS_TOOL_H
#define VIFS_TOOL_H

#include <vifs/esxconf.h>

/* Exit status of the new subcommands (the legacy options keep vifs's). */
enum {
	TOOL_OK = 0,
	TOOL_FAILED = 1, /* operation failed, or problems found */
	TOOL_USAGE = 2, /* usage error */
};

enum tool_output {
	TOOL_OUTPUT_TEXT = 0,
	TOOL_OUTPUT_XML,
};

/* Options every esx.conf subcommand takes. */
struct tool_doc_opts {
	const char *file; /* --file: local esx.conf, "-" = stdin */
	int dry_run; /* --dry-run: print the diff, write nothing */
	enum tool_output output;
};

/*
 * An edit: called with the loaded document, changes it through the
 * library and returns TOOL_OK, or prints why not and returns
 * TOOL_FAILED.
 */
typedef int (*tool_edit_fn)(vifs_esxconf *doc, void *arg);

/*
 * Loads the document named by OPTS, applies EDIT, then either prints the
 * unified diff (--dry-run; also when the input was standard input and the
 * result goes to standard output nowhere else) or saves it atomically.
 * Returns an exit status.
 */
int tool_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg);

/* Loads the document named by OPTS into *out; prints errors. */
int tool_load(vifs_esxconf **out, const struct tool_doc_opts *opts);

/* Parses "--output" values: "text" or "xml". Returns 0 or -1. */
int tool_parse_output(enum tool_output *out, const char *arg);

/* The subcommand families; ARGV[0] is the family name. */
int tool_conf_main(int argc, char **argv);
int tool_passthru_main(int argc, char **argv);
int tool_trust_main(int argc, char **argv);
int tool_credstore_main(int argc, char **argv);

/* VMware vifs's own options (ARGV[0] is the program); exit status 0 or 1. */
int tool_legacy_main(int argc, char **argv);

#endif
