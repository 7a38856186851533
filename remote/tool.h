/*
 * tool.h - shared pieces of the vifs command's subcommands.
 */
#ifndef VIFS_TOOL_H
#define VIFS_TOOL_H

#include <vifs/esxconf.h>
#include <vifs/image.h>
#include <vifs/passthru.h>

#include "opts.h"

/* Exit status of the new subcommands (the legacy options keep vifs's). */
enum {
	TOOL_OK = 0,
	TOOL_FAILED = 1, /* operation failed, or problems found */
	TOOL_USAGE = 2, /* usage error */
};

enum tool_output {
	TOOL_OUTPUT_TEXT = 0,
	TOOL_OUTPUT_XML,
	TOOL_OUTPUT_JSON,
};

/*
 * Options every esx.conf subcommand takes.  With --file the subcommands
 * work on a local file; with connection options (or VI_SERVER, VI_URL,
 * VI_SESSIONFILE in the environment) and no --file, on the host's
 * /host/esx.conf (REMOTE set by tool_doc_mode()).
 */
struct tool_doc_opts {
	const char *file; /* --file: local esx.conf, "-" = stdin */
	/* --image: state.tgz, local.tgz or a configuration bundle */
	const char *image;
	int dry_run; /* --dry-run: print the diff, write nothing */
	enum tool_output output;
	/* The edit's command ("conf set", ...): the "command" of its
	 * results with --output json. */
	const char *command;
	struct conn_opts conn; /* connection options of the command line */
	int remote; /* work on the host's /host/esx.conf */
	const char *backup_dir; /* --backup-dir: where backups go */
	int force; /* --force: override refusals and the conflict check */
	int passthru; /* the edit changes device owners (vifs passthru) */
	/* vifs passthru enable|disable: the NADDRS device addresses named,
	 * read in NOTATION (for the ConfigStore of an --image). */
	char *const *addrs;
	size_t naddrs;
	enum vifs_pci_notation notation;
	/*
	 * Across several hosts (the family was run by fleet_edit_main()):
	 * the fleet's options and hosts; the host's file is then edited on
	 * every host by fleet_edit.c.  NULL: one host or a file.
	 */
	struct fleet_edit *fleet;
	/*
	 * Remote only, when not NULL: fetch the inventory the host
	 * publishes (vifs-agent inventory --publish; <vifs/publish.h>),
	 * say so, and when it can be used put its topology here (the
	 * caller frees it); when it cannot, warn why.
	 */
	vifs_pci_topology **published;
	int no_persist; /* --no-persist: no SyncFirmwareConfiguration */
	/* --image, when not NULL: image_load() puts the image's ConfigStore
	 * here (the caller frees it with image_cs_clear()). */
	struct image_cs *cs;
};

/*
 * The ConfigStore of an --image (image_cs.c): PATH is "IMAGE:MEMBER",
 * NULL when the image holds none; CS the records read, or NULL with
 * ERROR saying why it could not be read.
 */
struct image_cs {
	char *path;
	vifs_configstore *cs;
	char *error;
};

/* One option of a subcommand family, for tool_args_next(). */
struct tool_opt {
	const char *name; /* long name, used as --NAME */
	char letter; /* short form, or 0 */
	int has_arg;
	int id; /* returned by tool_args_next(); > 0 */
};

/*
 * The command line of a family: its own options (OPTS, ending with a NULL
 * name), the connection options of the legacy mode (into *CONN, through
 * parse_conn_option()) and the positional arguments, which are collected
 * in order into POS (ARGV itself, rewritten from ARGV[1] on) as GNU
 * getopt permutes them.  "--" ends the options.
 */
struct tool_args {
	int argc;
	char **argv; /* ARGV[0] is the family name */
	const char *family; /* for messages: "conf" */
	const struct tool_opt *opts;
	struct conn_opts *conn; /* NULL: no connection options */
	const char *arg; /* value of the option just returned */
	char **pos; /* positional arguments */
	int npos;
	int i; /* internal */
	int dashdash; /* internal */
};

/* Starts parsing ARGC/ARGV with OPTS for FAMILY into A. */
void tool_args_init(struct tool_args *a, int argc, char **argv,
    const char *family, const struct tool_opt *opts, struct conn_opts *conn);

/*
 * Returns the id of the next option of OPTS (its value in A->arg), 0 when
 * the options are done (positional arguments in A->pos), or -1 after
 * printing a usage error (the caller exits with TOOL_USAGE).  Connection
 * options are consumed here; a password given on the command line is
 * copied and wiped from ARGV so that it does not show in ps.
 */
int tool_args_next(struct tool_args *a);

/*
 * Decides between the local file and the host after the options are
 * parsed: sets O->remote, or prints a usage error for --file together
 * with --server/--url/--sessionfile and returns TOOL_USAGE.
 */
int tool_doc_mode(struct tool_doc_opts *o, const char *family);

/*
 * An edit: called with the loaded document, changes it through the
 * library and returns TOOL_OK, or prints why not (its messages through
 * M, which names the host when the edit runs across hosts) and returns
 * TOOL_FAILED.
 */
struct tool_msg;
typedef int (
    *tool_edit_fn)(const struct tool_msg *m, vifs_esxconf *doc, void *arg);

/*
 * Loads the document named by OPTS, applies EDIT, then either prints the
 * unified diff (--dry-run; also when the input was standard input and the
 * result goes to standard output nowhere else) or saves it atomically.
 * In remote mode the edit goes through remote_edit().  Returns an exit
 * status.
 */
int tool_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg);

/* Loads the document named by OPTS (the file, or the host's) into *out;
 * prints errors. */
int tool_load(vifs_esxconf **out, const struct tool_doc_opts *opts);

/*
 * remote_edit.c: the host's /host/esx.conf.  remote_load() fetches it
 * into *out (named "HOST:/host/esx.conf").  remote_edit() runs the whole
 * pipeline: fetch, EDIT on a copy, lint of the edit, diff (--dry-run
 * stops there), backup, conflict check, PUT, verify, and says what state
 * the host's file is in when something fails.  remote_restore() puts the
 * local file BACKUP back through the same backup, conflict check and
 * verify.  They return exit statuses.
 */
int remote_load(vifs_esxconf **out, const struct tool_doc_opts *opts);
int remote_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg);
int remote_restore(const struct tool_doc_opts *opts, const char *backup);

/*
 * image_edit.c: esx.conf inside a state.tgz, local.tgz or configuration
 * bundle (--image).  image_load() reads it into *out (named
 * "IMAGE:PATH-INSIDE"); image_edit() runs EDIT on a copy, the lint of the
 * edit as on a host, then the diff (--dry-run) or the library's rebuild,
 * backup and atomic replacement.  They return exit statuses.
 */
int image_load(vifs_esxconf **out, const struct tool_doc_opts *opts);

/* Reads the ConfigStore of IMG (a vifs_image) into *out; only out of
 * memory fails (an unreadable one is recorded in out->error). */
int image_cs_load(struct image_cs *out, const vifs_image *img,
    const char *image);
void image_cs_clear(struct image_cs *c);
/* After a passthru edit of an --image: what its ConfigStore says of the
 * devices OPTS names and those BEFORE and AFTER disagree on, and of every
 * record that disagrees with AFTER (warnings, with what to do). */
void image_cs_compare(const struct image_cs *c,
    const struct tool_doc_opts *opts, const vifs_esxconf *before,
    const vifs_esxconf *after);
/* The ConfigStore part of `passthru list --image` in text, after
 * esx.conf's table; TOOL_FAILED when it could not be read. */
int image_cs_print(const struct image_cs *c, const vifs_passthru_list *l);
int image_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg);

/*
 * Prints the lint of an edit (vifs_remoteedit_check()): problems on
 * lines it does not touch as warnings, on lines it touches as refusals
 * (warnings with FORCE).  Returns TOOL_FAILED when the edit is refused.
 */
struct vifs_editcheck;
int tool_report_check(const struct vifs_editcheck *c, const char *name,
    int force);

/*
 * What came of the PERSIST step of the edit R (<vifs/remoteedit.h>), in
 * LINE: "saved to the boot device", or "not yet saved to the boot device
 * (why): ..." with what a hard reset would lose (NO_PERSIST: the step was
 * left out by --no-persist).  Returns 1 when saved, 0 when not.
 */
struct vifs_remoteedit_result;
int tool_persist_line(const struct vifs_remoteedit_result *r, int no_persist,
    char *line, size_t size);

/*
 * The options every esx.conf family takes, for the families' own tables
 * (ids from TOOL_DOC_OPT_FIRST on; a family's own ids stay below it):
 * --backup-dir, --dry-run, --file, --force, --help, --image,
 * --no-persist, --output.
 */
enum {
	TOOL_DOC_OPT_FIRST = 1000,
	TOOL_DOC_OPT_BACKUP_DIR = TOOL_DOC_OPT_FIRST,
	TOOL_DOC_OPT_DRY_RUN,
	TOOL_DOC_OPT_FILE,
	TOOL_DOC_OPT_FORCE,
	TOOL_DOC_OPT_HELP,
	TOOL_DOC_OPT_IMAGE,
	TOOL_DOC_OPT_NO_PERSIST,
	TOOL_DOC_OPT_OUTPUT,
};
/* clang-format off */
#define TOOL_DOC_OPTS                                                 \
	{ "backup-dir", 0, 1, TOOL_DOC_OPT_BACKUP_DIR },              \
	{ "dry-run", 'n', 0, TOOL_DOC_OPT_DRY_RUN },                  \
	{ "file", 'f', 1, TOOL_DOC_OPT_FILE },                        \
	{ "force", 0, 0, TOOL_DOC_OPT_FORCE },                        \
	{ "help", 'h', 0, TOOL_DOC_OPT_HELP },                        \
	{ "image", 0, 1, TOOL_DOC_OPT_IMAGE },                        \
	{ "no-persist", 0, 0, TOOL_DOC_OPT_NO_PERSIST },              \
	{ "output", 'o', 1, TOOL_DOC_OPT_OUTPUT }
/* clang-format on */

/*
 * Takes the option ID (value ARG) into O when it is one of TOOL_DOC_OPTS.
 * Returns TOOL_DOC_TAKEN, TOOL_DOC_OTHER when ID is the family's own, or
 * an exit status to return at once: after --help printed USAGE, or after
 * a usage error of FAMILY.
 */
enum { TOOL_DOC_TAKEN = -1, TOOL_DOC_OTHER = -2 };
int tool_doc_option(struct tool_doc_opts *o, int id, const char *arg,
    const char *family, const char *usage);

/* Parses "--output" values: "text", "xml" or "json". Returns 0 or -1. */
int tool_parse_output(enum tool_output *out, const char *arg);

/*
 * The output of an edit of OPTS: an edit of a host gives its results as
 * text or JSON (a document of the run, <vifs/fleetresults.h>); an edit
 * of a file has no --output.  Returns TOOL_OK, or TOOL_USAGE after
 * printing why for FAMILY.
 */
int tool_edit_output(const struct tool_doc_opts *opts, const char *family);

/*
 * The unified diff of BEFORE and AFTER in *out (*out_len bytes, free
 * with free()), NAME in its header and "NAME (edited)".  Returns TOOL_OK
 * or TOOL_FAILED after printing why.
 */
int tool_diff(char **out, size_t *out_len, const char *name, const char *before,
    size_t before_len, const char *after, size_t after_len);

/* Prints that diff on standard output ("NAME: no change" on standard
 * error when there is none); returns an exit status. */
int tool_print_diff(const char *name, const char *before, size_t before_len,
    const char *after, size_t after_len);

/*
 * What came of the remote edit RE of OPTS, for its line and its JSON:
 * NOTE (SIZE bytes) the words after "ok: " of a host whose edit
 * succeeded; E its facts (borrowing from RE), with the unified diff of a
 * dry run in *diff when DIFF is not NULL (free with free()).  RESTORE:
 * the edit put a backup back.  Returns TOOL_OK or TOOL_FAILED after
 * printing why.
 */
struct vifs_remoteedit;
struct vifs_fleet_edit_facts;
void tool_edit_note(char *note, size_t size, const struct vifs_remoteedit *re,
    const struct tool_doc_opts *opts, int restore);
int tool_edit_facts(struct vifs_fleet_edit_facts *e, char **diff,
    const struct vifs_remoteedit *re, const struct tool_doc_opts *opts,
    int restore);

/* The subcommand families; ARGV[0] is the family name. */
/* The families of esx.conf edits; FLEET as in struct tool_doc_opts. */
int tool_conf_main(int argc, char **argv, struct fleet_edit *fleet);
int tool_passthru_main(int argc, char **argv, struct fleet_edit *fleet);
int tool_trust_main(int argc, char **argv);
int tool_credstore_main(int argc, char **argv);

/* VMware vifs's own options (ARGV[0] is the program); exit status 0 or 1. */
int tool_legacy_main(int argc, char **argv);

#endif
