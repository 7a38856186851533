/*
 * legacy_transfer.c - vifs's --get and --put on one host: the local and
 * remote targets, VMware's refusals and messages around the library's
 * transfer job (vifs/transfer.h), run as a fleet of one on the host's
 * handle, the same job as --get and --put across hosts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/listing.h>
#include <vifs/remotepath.h>
#include <vifs/transfer.h>

#include "legacy.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The transfer of TO into *x: 0, or -1 after printing our reason (a pipe
 * that could not be copied). */
static int
new_transfer(vifs_transfer **x, const struct vifs_transfer_opts *to)
{
	if (vifs_transfer_new(x, to) == 0)
		return 0;
	tool_liberror();
	return -1;
}

/*
 * Runs the transfer X on the host as a fleet of one and ends the progress
 * line.  Returns 0; 1 when all is said (a stop signal, or a refused
 * connection and vifs's line for it); -1 after printing our reason,
 * before VMware's lines.
 */
static int
run(struct legacy *l, vifs_transfer *x)
{
	int error = vifs_transfer_run(x, l->http);

	progress_finish(&l->progress);
	if (error == 0)
		return 0;
	if (progress_stopped())
		return 1;
	tool_liberror();
	return legacy_refused(l) ? 1 : -1;
}

/* --get REMOTE LOCAL */
int
legacy_get(struct legacy *l, const char *remote, const char *local)
{
	struct vifs_remotepath *rp = NULL;
	struct vifs_transfer_opts to;
	vifs_transfer *x = NULL;
	char *url = NULL, *target = NULL, *base = NULL;
	const char *path;
	int rc = LEGACY_FAIL, to_stdout, said;

	if (local == NULL)
		return legacy_fail("Error: Undefined local target.");
	to_stdout = strcmp(local, "-") == 0;
	if (legacy_parse_remote(&rp, remote) < 0)
		return legacy_fail("Error: File can not be downloaded to %s.",
		    local);
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
	if (legacy_make_url(l, rp, &url, &path) < 0 ||
	    legacy_open_host(l, vifs_remotepath_display(rp)) < 0) {
		rc = legacy_fail("Error: File can not be downloaded to %s.",
		    target);
		goto done;
	}
	memset(&to, 0, sizeof(to));
	to.url_path = path;
	if (to_stdout) {
		to.kind = VIFS_TRANSFER_GET_FD;
		to.fd = STDOUT_FILENO;
		to.fd_name = "standard output";
	} else {
		to.kind = VIFS_TRANSFER_GET_FILE;
		to.local = target;
		to.sync = 1; /* one file: on disk when vifs says so */
	}
	to.cancel = legacy_stop_requested;
	if ((said = new_transfer(&x, &to)) == 0 && (said = run(l, x)) == 1)
		goto done;
	if (said != 0) {
		legacy_get_unsuccessful(l, url);
		rc = legacy_fail("Error: File can not be downloaded to %s.",
		    target);
		goto done;
	}
	/* With the file on standard output the note goes to stderr. */
	fprintf(to_stdout ? stderr : stdout,
	    "Downloaded file to %s successfully.\n", target);
	rc = 0;
done:
	vifs_transfer_free(x);
	vifs_remotepath_free(rp);
	free(url);
	free(target);
	free(base);
	return rc;
}

/* --put LOCAL REMOTE; LOCAL "-" is standard input. */
int
legacy_put(struct legacy *l, const char *local, const char *remote)
{
	struct vifs_remotepath *rp = NULL, *full = NULL;
	struct vifs_transfer_opts to;
	vifs_transfer *x = NULL;
	struct stat st;
	char *url = NULL;
	const char *path, *shown;
	int rc = LEGACY_FAIL, from_stdin = strcmp(local, "-") == 0, said;

	if (remote == NULL)
		return legacy_fail("Error: Undefined remote target.");
	if (!from_stdin && is_dir(local))
		return legacy_fail(
		    "Error: File to be uploaded cannot be a folder.");
	if (!from_stdin && stat(local, &st) != 0)
		return legacy_fail("Error: File %s does not exist.", local);
	if (legacy_parse_remote(&rp, remote) < 0)
		return legacy_fail("Error: File %s can not be uploaded to %s.",
		    local, remote);
	if (from_stdin &&
	    (*rp->path == '\0' || rp->path[strlen(rp->path) - 1] == '/')) {
		tool_errorf("--put -: %s names a directory; standard input "
		            "needs a file name",
		    remote);
		rc = legacy_fail("Error: File %s can not be uploaded to %s.",
		    local, remote);
		goto done;
	}
	if (vifs_transfer_put_path(&full, rp, local) < 0) {
		tool_liberror();
		goto done;
	}
	if (full != NULL) {
		vifs_remotepath_free(rp);
		rp = full;
	}
	shown = vifs_remotepath_display(rp);
	if (legacy_make_url(l, rp, &url, &path) < 0 ||
	    legacy_open_host(l, shown) < 0) {
		rc = legacy_fail("Error: File %s can not be uploaded to %s.",
		    local, shown);
		goto done;
	}
	memset(&to, 0, sizeof(to));
	to.url_path = path;
	if (from_stdin) {
		/* A pipe is copied first, so that a retry can send it
		 * again. */
		to.kind = VIFS_TRANSFER_PUT_FD;
		to.fd = STDIN_FILENO;
		to.fd_name = "standard input";
	} else {
		to.kind = VIFS_TRANSFER_PUT_FILE;
		to.local = local;
	}
	to.cancel = legacy_stop_requested;
	if ((said = new_transfer(&x, &to)) == 0 && (said = run(l, x)) == 1)
		goto done;
	if (said != 0) {
		rc = legacy_fail("Error: File %s can not be uploaded to %s.",
		    local, shown);
		goto done;
	}
	printf("Uploaded file %s to %s successfully.\n", local, shown);
	rc = 0;
done:
	vifs_transfer_free(x);
	vifs_remotepath_free(rp);
	free(url);
	return rc;
}
