/*
 * tool_fleet.c - vifs's --get and --put across many hosts at once:
 * "--get REMOTE DIR" writes every host's file to DIR/HOST/NAME (HOST made
 * safe for a path), "--put LOCAL REMOTE" sends one file to every host.
 * One line per host as it finishes and a summary (or, with --output
 * json, one document of the run), exit status 0 (every host ok), 1 (any
 * failed) or 2 (usage).
 */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/fleet.h>
#include <vifs/hostlist.h>
#include <vifs/remotepath.h>
#include <vifs/transfer.h>

#include "fleet_cli.h"
#include "msg.h"
#include "opts.h"
#include "progress.h"
#include "tool.h"

#define FAMILY "fleet"

struct xfer_job {
	struct fleet_cli fc; /* first: fleet_cli_setup() needs it there */
	struct vifs_transfer_opts to; /* the transfer, once prepared */
	vifs_transfer *xfer;
	char *url_path; /* the remote file, URL-encoded, same on all hosts */
	char *name; /* --get: the file's name in DIR/HOST */
	const char *remote; /* the remote file, as given */
	long long local_size; /* --put: the size of the file sent */
};

/* The URL path of RP, the same for every host. */
static char *
url_path_of(const struct vifs_remotepath *rp)
{
	static const char base[] = "https://h";
	char *url = NULL, *path;

	if (vifs_remotepath_url(&url, rp, base, 0) < 0)
		return NULL;
	path = strdup(url + sizeof(base) - 1);
	free(url);
	return path;
}

/* --get: the file host H's download went to, DIR/HOST/NAME, or NULL. */
static char *
host_file(const struct xfer_job *j, vifs_fleet_host *h)
{
	char *safe = NULL, *path = NULL;
	size_t len;

	if (vifs_hostlist_safe_name(&safe, vifs_fleet_host_name(h)) < 0)
		return NULL;
	len = strlen(j->to.local) + strlen(safe) + strlen(j->name) + 3;
	if ((path = malloc(len)) != NULL)
		snprintf(path, len, "%s/%s/%s", j->to.local, safe, j->name);
	free(safe);
	return path;
}

static void
xfer_done(vifs_fleet_host *h, void *payload)
{
	struct xfer_job *j = payload;
	enum vifs_fleet_state state = vifs_fleet_host_state(h);
	struct vifs_fleet_file_facts file;
	struct vifs_fleet_result op;
	char *got = NULL;
	struct stat st;

	vifs_transfer_done(h, j->xfer);
	/* The file: the one sent, or the one written for this host. */
	memset(&file, 0, sizeof(file));
	memset(&op, 0, sizeof(op));
	file.remote = j->remote;
	file.bytes = -1;
	if (j->to.kind == VIFS_TRANSFER_PUT_FILE) {
		file.local = j->to.local;
		file.bytes = j->local_size;
	} else if (state == VIFS_FLEET_OK && j->fc.json &&
	    (got = host_file(j, h)) != NULL) {
		file.local = got;
		if (stat(got, &st) == 0)
			file.bytes = (long long)st.st_size;
	}
	op.file = &file;
	fleet_cli_result(&j->fc, h, state == VIFS_FLEET_OK ? NULL : "FAILED",
	    NULL, &op);
	free(got);
}

/* The fleet's START and STEP: the transfer's, whose payload it is. */
static int
xfer_start(vifs_fleet_host *h, void *payload)
{
	return vifs_transfer_start(h, ((struct xfer_job *)payload)->xfer);
}

static int
xfer_step(vifs_fleet_host *h, int error, void *payload)
{
	return vifs_transfer_step(h, error, ((struct xfer_job *)payload)->xfer);
}

/* --get REMOTE DIR: checks DIR (made when missing) and the file name. */
static int
prepare_get(struct xfer_job *j, const char *remote, const char *dir)
{
	struct vifs_remotepath *rp = NULL;
	struct stat st;
	int rc = TOOL_USAGE;

	if (dir == NULL)
		return tool_usagef(FAMILY, "--get REMOTE DIR: no DIR");
	if (strcmp(dir, "-") == 0)
		return tool_usagef(FAMILY,
		    "--get: with several hosts the files go to DIR/HOST/, "
		    "not to standard output");
	if (vifs_remotepath_parse(&rp, remote) < 0) {
		tool_liberror();
		goto done;
	}
	if (vifs_remotepath_basename(&j->name, rp) < 0 ||
	    (j->url_path = url_path_of(rp)) == NULL) {
		rc = tool_liberror();
		goto done;
	}
	if (*j->name == '\0' || strcmp(j->name, ".") == 0 ||
	    strcmp(j->name, "..") == 0 || strchr(j->name, '/') != NULL) {
		tool_usagef(FAMILY, "--get %s: names no file", remote);
		goto done;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		tool_errorf("%s: %s", dir, strerror(errno));
		rc = TOOL_FAILED;
		goto done;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tool_errorf("%s: not a directory", dir);
		rc = TOOL_FAILED;
		goto done;
	}
	j->to.kind = VIFS_TRANSFER_GET_DIR;
	j->remote = remote;
	j->to.local = dir;
	j->to.name = j->name;
	j->to.url_path = j->url_path;
	rc = TOOL_OK;
done:
	vifs_remotepath_free(rp);
	return rc;
}

/* --put LOCAL REMOTE: a REMOTE ending in '/' gets LOCAL's name. */
static int
prepare_put(struct xfer_job *j, const char *local, const char *remote)
{
	struct vifs_remotepath *rp = NULL, *full = NULL;
	struct stat st;
	int rc = TOOL_USAGE;

	if (remote == NULL)
		return tool_usagef(FAMILY, "--put LOCAL REMOTE: no REMOTE");
	if (stat(local, &st) != 0) {
		tool_errorf("%s: %s", local, strerror(errno));
		return TOOL_FAILED;
	}
	if (!S_ISREG(st.st_mode)) {
		tool_errorf("%s: not a regular file", local);
		return TOOL_FAILED;
	}
	if (vifs_remotepath_parse(&rp, remote) < 0) {
		tool_liberror();
		goto done;
	}
	if (vifs_transfer_put_path(&full, rp, local) < 0) {
		rc = tool_liberror();
		goto done;
	}
	if ((j->url_path = url_path_of(full ? full : rp)) == NULL) {
		rc = tool_liberror();
		goto done;
	}
	j->to.kind = VIFS_TRANSFER_PUT_FILE;
	j->remote = remote;
	j->local_size = (long long)st.st_size;
	j->to.local = local;
	j->to.url_path = j->url_path;
	rc = TOOL_OK;
done:
	vifs_remotepath_free(rp);
	vifs_remotepath_free(full);
	return rc;
}

int
tool_fleet_main(int argc, char **argv)
{
	struct xfer_job j;
	struct legacy_opts lo;
	struct vifs_fleet_opts job;
	vifs_fleet *f = NULL;
	char **rest = NULL, *password = NULL;
	int nrest, rc;

	memset(&j, 0, sizeof(j));
	/* The fleet options out, the rest read as vifs reads them. */
	if ((rc = fleet_cli_split(&j.fc, FAMILY, argc, argv, &rest, &nrest)) !=
	    TOOL_OK)
		goto done;
	rc = TOOL_USAGE;
	if (legacy_parse(&lo, nrest, rest) < 0) {
		fprintf(stderr,
		    "For a summary of command usage, type '%s "
		    "--help'.\n",
		    tool_progname);
		goto done;
	}
	if (lo.help) {
		legacy_usage(stdout);
		fputs("\nFleet options (--get and --put across several "
		      "hosts):\n",
		    stdout);
		fleet_cli_usage(stdout);
		rc = tool_write_stdout(NULL, 0) ? TOOL_FAILED : TOOL_OK;
		goto done;
	}
	j.fc.conn = lo.conn;
	if (lo.output != NULL && strcmp(lo.output, "json") == 0)
		j.fc.json = 1;
	else if (lo.output != NULL && strcmp(lo.output, "text") != 0) {
		rc = tool_usagef(FAMILY,
		    "--output: the results of several hosts are text or "
		    "json, not '%s'",
		    lo.output);
		goto done;
	}
	if (fleet_cli_hide_password(&j.fc, &password, argc, argv) < 0) {
		rc = TOOL_FAILED;
		goto done;
	}
	if (lo.get != NULL && lo.put == NULL && lo.dir == NULL &&
	    lo.rm == NULL && !lo.listds) {
		rc = prepare_get(&j, lo.get, lo.positional);
	} else if (lo.put != NULL && lo.get == NULL && lo.dir == NULL &&
	    lo.rm == NULL && !lo.listds) {
		rc = prepare_put(&j, lo.put, lo.positional);
	} else {
		rc = tool_usagef(FAMILY,
		    "with several hosts vifs runs --get REMOTE DIR or "
		    "--put LOCAL REMOTE (and the audit, conf and passthru "
		    "commands); the other operations work on one host");
	}
	if (rc != TOOL_OK)
		goto done;
	j.fc.command = j.to.kind == VIFS_TRANSFER_PUT_FILE ? "put" : "get";
	if (vifs_transfer_new(&j.xfer, &j.to) < 0) {
		rc = tool_liberror();
		goto done;
	}
	memset(&job, 0, sizeof(job));
	job.start = xfer_start;
	job.step = xfer_step;
	job.done = xfer_done;
	job.payload = &j;
	if ((rc = fleet_cli_setup(&j.fc, FAMILY, &f, &job)) != TOOL_OK)
		goto done;
	rc = fleet_cli_run(&j.fc, f);
	/* Downloads are renamed into place unsynced; one sync for all. */
	if (j.to.kind == VIFS_TRANSFER_GET_DIR) {
		int fd = open(j.to.local, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd) != 0) {
			tool_errorf("%s: %s", j.to.local, strerror(errno));
			rc = TOOL_FAILED;
		}
		if (fd >= 0)
			close(fd);
	}
done:
	vifs_fleet_free(f);
	vifs_transfer_free(j.xfer);
	fleet_cli_free(&j.fc);
	free(rest);
	free(j.url_path);
	free(j.name);
	vifs_connect_secret_free(password);
	progress_reraise();
	return rc;
}
