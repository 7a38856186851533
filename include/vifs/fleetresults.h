/*
 * vifs/fleetresults.h - the results of a fleet run as one JSON document
 * (docs/schemas/fleet-results.schema.json): the command, one object per
 * host with its state, error and the facts of its operation (the file it
 * got or sent, the edit of its esx.conf, the bundle it saved), and the
 * summary.  The same facts as the text lines of a fleet command.
 *
 * The document is written in pieces as the run goes on, so that a fleet
 * of any size needs the memory of one host at a time: the start, then
 * each host as it finishes (one line each), then the end.  Each call
 * makes a NUL-terminated string for the caller to write, free with
 * free(); nothing is printed here.  Concatenated in order they are one
 * document.
 */
#ifndef VIFS_FLEETRESULTS_H
#define VIFS_FLEETRESULTS_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/fleet.h>
#include <vifs/remoteedit.h>

/* The edit of a host's esx.conf (conf set|unset|restore, passthru
 * enable|disable). */
struct vifs_fleet_edit_facts {
	/* The edit's outcome, as far as it went; NULL when the host failed
	 * before its edit began (its connection, its backup directory). */
	const struct vifs_remoteedit_result *result;
	const char *action; /* "update" or "restore" */
	int has_lines; /* the EDIT step made the new bytes: */
	size_t lines_removed, lines_added; /* lines changed and added */
	int persist_asked; /* 0: --no-persist */
	/* The unified diff of the edit (a dry run), LEN bytes; NULL: none. */
	const char *diff;
	size_t diff_len;
};

/* A local file of the operation: --get's download, --put's upload, a
 * configuration bundle saved or put back. */
struct vifs_fleet_file_facts {
	const char *local; /* its path on this machine */
	const char *remote; /* the remote path, as given; NULL: none */
	long long bytes; /* its size; -1 unknown */
	int encrypted; /* a bundle whose local.tgz is encrypted */
};

/* One host's result. */
struct vifs_fleet_result {
	const char *name;
	enum vifs_fleet_state state; /* OK, FAILED or SKIPPED */
	int error; /* the negative vifs error it failed with, else 0 */
	const char *reason; /* why it failed or was skipped */
	long http_status; /* of its last response; 0: none */
	/* A host that succeeded: the words of its text line after "ok: "
	 * (NULL: none). */
	const char *detail;
	const struct vifs_fleet_file_facts *file; /* NULL: none */
	const struct vifs_fleet_edit_facts *edit; /* NULL: not an edit */
};

/*
 * The start of the document of a run of COMMAND ("get", "conf set", ...)
 * into *out.
 */
VIFS_EXTERN int vifs_fleet_results_start(char **out, const char *command);

/* The object of host R, the INDEX-th written (0-based), into *out. */
VIFS_EXTERN int vifs_fleet_results_host(char **out, size_t index,
    const struct vifs_fleet_result *r);

/* The end: the summary of ST, into *out. */
VIFS_EXTERN int vifs_fleet_results_end(char **out,
    const struct vifs_fleet_stats *st);

#endif
