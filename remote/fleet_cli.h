/*
 * fleet_cli.h - what the fleet commands of vifs share: the hosts (--server
 * repeated, --servers FILE, VI_SERVERS), --parallel and --host-timeout,
 * the connection settings and credentials of every host, one line per
 * host as it finishes, the progress bar and the summary.
 *
 * A command parses its command line with fleet_cli_option() (fleet and
 * connection options) before its own options, calls fleet_cli_setup() to
 * get a fleet of every host with its job's callbacks, prints each result
 * with fleet_cli_result() from its DONE callback, and runs the fleet with
 * fleet_cli_run(), which draws the bar, stops on SIGINT/SIGTERM/SIGHUP,
 * prints the summary and returns the exit status.  With FC->json set
 * (--output json) and FC->command named, the lines and the summary are
 * one JSON document instead (docs/schemas/fleet-results.schema.json).
 */
#ifndef VIFS_TOOL_FLEET_CLI_H
#define VIFS_TOOL_FLEET_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <vifs/connect.h>
#include <vifs/fleet.h>
#include <vifs/fleetresults.h>
#include <vifs/hostlist.h>

#include "opts.h"
#include "tool.h"

#define FLEET_HOST_TIMEOUT_DEFAULT 300 /* seconds */

struct fleet_cli {
	/* From the command line. */
	struct conn_opts conn; /* connection options, --server aside */
	const char **servers; /* --server values, in order */
	size_t nservers;
	const char **files; /* --servers values */
	size_t nfiles;
	const char *parallel; /* --parallel */
	const char *host_timeout; /* --host-timeout */

	/* Set by fleet_cli_setup(). */
	vifs_hostlist *hosts;
	struct vifs_connect c; /* shared settings (no server) */
	char *prompted_user; /* asked once on the terminal, or NULL */
	char *prompted_password;
	int verbose;

	/* --output json: one document of the run on standard output
	 * (<vifs/fleetresults.h>) instead of the lines and the summary. */
	int json;
	const char *command; /* its command: "get", "conf set", ... */
	size_t json_hosts; /* hosts written so far */
	int json_failed; /* standard output failed */

	/* While the fleet runs. */
	FILE *bar_out; /* where the bar goes */
	int bar; /* draw the progress bar (a terminal: standard output, or
		  * standard error with --output json) */
	int bar_drawn;
	int64_t bar_last_ms;
	size_t drift; /* hosts an audit found drifted (counted apart) */
};

/*
 * Takes ARGV[0] (and ARGV[1] for its value) into FC when it is a fleet
 * option or a connection option.  Returns the number of elements used (1
 * or 2), 0 when ARGV[0] is neither, or -1 after printing a usage error
 * for FAMILY.
 */
int fleet_cli_option(struct fleet_cli *fc, const char *family, int argc,
    char **argv);

/* The same for the fleet options alone. */
int fleet_cli_fleet_option(struct fleet_cli *fc, const char *family, int argc,
    char **argv);

/*
 * Takes the fleet options of ARGV (up to a "--") into FC and gives the
 * rest in *REST, a new array of *NREST elements (ARGV[0] first, then the
 * other arguments in order; free the array, not its strings).  Returns
 * TOOL_OK, or an exit status after printing why not.
 */
int fleet_cli_split(struct fleet_cli *fc, const char *family, int argc,
    char **argv, char ***rest, int *nrest);

/*
 * Returns 1 when the legacy command line ARGV names several hosts: a fleet
 * option (--servers, --parallel, --host-timeout, --fleet), or VI_SERVERS
 * in the environment with neither --server nor --url on the command
 * line.  --server repeated without --fleet is one host, the last, as in
 * VMware's vifs.
 */
int fleet_cli_wanted(int argc, char **argv);

/*
 * For "vifs --servers FILE audit ...": the index in ARGV of the word
 * "audit", "conf" or "passthru" when it is the first argument that is
 * neither an option nor an option's value, else 0.  The caller runs the
 * family with that word moved to the front.
 */
int fleet_cli_subcommand(int argc, char **argv);

/*
 * Resolves the hosts and the settings shared by all, looks up the
 * credentials of each host (command line, environment and --config
 * first; then the credential store under "host:port", then "host"; then
 * one prompt on the terminal for the hosts still without), and makes *out
 * with JOB's START, STEP, DONE and payload (the rest of JOB is filled
 * here, TICK included).  Returns TOOL_OK, or TOOL_USAGE / TOOL_FAILED
 * after printing why.
 */
int fleet_cli_setup(struct fleet_cli *fc, const char *family, vifs_fleet **out,
    const struct vifs_fleet_opts *job);

/*
 * Prints the line of host H: "NAME ok", "NAME WORD: DETAIL" (WORD
 * "FAILED", "DRIFT", ...).  DETAIL NULL means H's reason.  A skipped
 * host has no line (the summary counts it).  With --output json, H's
 * object of the document instead: its state, error and reason from the
 * fleet, DETAIL of a host that succeeded, and the facts of its
 * operation from OP (its file and edit; NULL: none).
 */
void fleet_cli_result(struct fleet_cli *fc, vifs_fleet_host *h,
    const char *word, const char *detail, const struct vifs_fleet_result *op);

/*
 * The whole document of a command run on one host (--server): COMMAND,
 * the host R, the summary of one host that took ELAPSED_MS.  Returns
 * TOOL_OK, or TOOL_FAILED after printing why.
 */
int fleet_cli_json_one(const char *command, const struct vifs_fleet_result *r,
    int64_t elapsed_ms);

/*
 * Runs F, drawing the progress bar on a terminal; prints the summary
 * ("N hosts: A ok, B failed, C skipped in S s"; with drift counted apart
 * when any).  Returns TOOL_OK when every host succeeded, else
 * TOOL_FAILED.  A stop signal ends the run early and the process with
 * that signal once the caller has cleaned up (progress_reraise()).
 */
int fleet_cli_run(struct fleet_cli *fc, vifs_fleet *f);

/* Frees what FC holds. */
void fleet_cli_free(struct fleet_cli *fc);

/*
 * Replaces a --password of the command line (FC->conn.password, pointing
 * into ARGV) by a copy in *copy (free with vifs_connect_secret_free())
 * and wipes it in ARGV, so that it does not show in the process list.
 * Returns 0, or -1 after printing an error.
 */
int fleet_cli_hide_password(struct fleet_cli *fc, char **copy, int argc,
    char **argv);

/* Prints the fleet options for a command's --help. */
void fleet_cli_usage(FILE *f);

/* The fleet commands: --get/--put across hosts (ARGV as vifs's, ARGV[0]
 * the program), and "vifs audit" (ARGV[0] "audit"). */
int tool_fleet_main(int argc, char **argv);
int tool_audit_main(int argc, char **argv);
/* "vifs cfgbackup" (ARGV[0] "cfgbackup"): tool_cfgbackup.c. */
int tool_cfgbackup_main(int argc, char **argv);

/*
 * fleet_edit.c: "vifs conf ..." and "vifs passthru ..." across hosts.
 * fleet_edit_main() takes the fleet options out of ARGV (ARGV[0] is
 * FAMILY) and runs FAMILY_MAIN on the rest with a fleet context, which
 * the family keeps in its struct tool_doc_opts, so that its edit of a
 * host's file, remote_edit() and remote_restore(), comes to fleet_edit()
 * and fleet_restore() instead: every host gets the edit (or its own
 * backup back: WHICH is "latest" or the start of a backup's time) with
 * backup, conflict check, PUT and verify.  They return exit statuses.
 */
struct fleet_edit;
int fleet_edit_main(int (*family_main)(int, char **, struct fleet_edit *),
    const char *family, int argc, char **argv);
int fleet_edit(const struct tool_doc_opts *opts, tool_edit_fn edit, void *arg);
int fleet_restore(const struct tool_doc_opts *opts, const char *which);

#endif
