/*
 * remoteedit_int.h - what the remote edit's driver (remoteedit.c: the
 * handle, the machine that runs the steps, the fleet of one) and its steps
 * (remoteedit_steps.c) share: the handle, the table of the steps and the
 * record of a failure.  Internal to libvifs.
 */
#ifndef VIFS_REMOTEEDIT_INT_H
#define VIFS_REMOTEEDIT_INT_H

#include <stddef.h>

#include <vifs/firmware.h>
#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/inventory.h>
#include <vifs/remoteedit.h>

#include "internal.h"

/* What BEGIN and END return besides VIFS_OK and errors. */
enum { STEP_WAIT = 1, STEP_OVER = 2 };

struct vifs_remoteedit {
	struct vifs_remoteedit_opts o; /* strings below, DATA not kept */
	char *url_path;
	char *host; /* NULL until the host is known */
	char *name; /* "HOST:URL_PATH" */
	char *backup_dir; /* NULL: the default */
	char *restore;
	char *inventory_path;
	char *persist_error; /* PERSIST: why the host did not save */
	vifs_firmware_job *fw; /* PERSIST */
	size_t max;
	vifs_http *http; /* of vifs_remoteedit_run(), borrowed */

	/* The machine. */
	size_t at; /* index in steps[] */
	size_t stop_at; /* pause before this step (fetch only); 0: none */
	int phase; /* a step's own sub-state (PUT: probing) */
	int started, over;

	char *data; /* as fetched */
	size_t len;
	char sha256[VIFS_SHA256_HEX];
	char *sent; /* the new bytes */
	size_t sent_len;
	int have_sent;
	char *cur; /* the copy found at the conflict check, when forced */
	size_t cur_len;
	vifs_editcheck *check;
	vifs_pci_topology *topo; /* of the published inventory */
	long long conf_mtime; /* Last-Modified of the file fetched */
	int put_error;
	int lock; /* the host's edit lock (hostlock.c), or -1 */
	char put_why[1024];

	struct vifs_remoteedit_result res;
	char *backup;
	char *conflict_backup;
	char *restored;
	char *message;
	char *summary;
};

/* A step: a row of re_steps[], run in order. */
struct re_step {
	enum vifs_remoteedit_step id;
	/* Issues the step's request (STEP_WAIT) or does its work (VIFS_OK,
	 * STEP_OVER, or a failure). */
	int (*begin)(vifs_remoteedit *re, vifs_fleet_host *h);
	/* Judges the request BEGIN (or END itself) issued; NULL for a step
	 * that issues none. */
	int (*end)(vifs_remoteedit *re, vifs_fleet_host *h, int error);
};

extern const struct re_step re_steps[];
extern const size_t re_nsteps;

/*
 * Records the failure ERR at STEP: MESSAGE names the file (NULL: none to
 * add, the caller has been told), and the one-line summary is made from
 * FMT.  The summary is left as the thread's last error, and ERR returned.
 */
int re_fail(vifs_remoteedit *re, enum vifs_remoteedit_step step, int err,
    const char *message, const char *fmt, ...) VIFS_PRINTF(5, 6);

#endif
