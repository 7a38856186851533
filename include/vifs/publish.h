/*
 * vifs/publish.h - the inventory a host carries for the remote edits: the
 * one place where `vifs-agent inventory --publish` puts it, and how
 * `vifs passthru` and `vifs audit` judge the copy they fetch from there.
 *
 * The place is the file vifs-inventory.xml at the top of a datastore of
 * the host: "[datastore1] vifs-inventory.xml", or the datastore named by
 * the environment variable VIFS_INVENTORY_DATASTORE.  /host takes no new
 * file and /tmp cannot be read back over HTTP (PROTOCOL.md §4.1), so a
 * datastore is the only place a host's file service both stores and
 * serves.  A copy older than the host's esx.conf (its creation time
 * against esx.conf's Last-Modified) is not used: the devices it describes
 * may have moved since.
 */
#ifndef VIFS_PUBLISH_H
#define VIFS_PUBLISH_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/http.h>
#include <vifs/inventory.h>

#define VIFS_PUBLISH_FILE "vifs-inventory.xml"
#define VIFS_PUBLISH_DATASTORE "datastore1"
/* Published inventories larger than this are refused. */
#define VIFS_PUBLISH_MAX ((size_t)64 << 20)

/* The place as a vifs remote path, "[datastore1] vifs-inventory.xml",
 * into a new string *out (caller frees). */
VIFS_EXTERN int vifs_publish_remote(char **out);

/* The URL path of the place on the host's file service
 * ("/folder/vifs-inventory.xml?dsName=datastore1"); caller frees. */
VIFS_EXTERN int vifs_publish_url_path(char **out);

enum vifs_published_state {
	VIFS_PUBLISHED_USED = 0, /* read, and not older than esx.conf */
	VIFS_PUBLISHED_MISSING, /* not there, or not readable */
	VIFS_PUBLISHED_STALE, /* older than the host's esx.conf */
	VIFS_PUBLISHED_BAD, /* not an inventory document */
};

/*
 * What was found at the place.  INV is the inventory when STATE is USED
 * (owned: vifs_published_clear() frees it).  MESSAGE is one line for the
 * user: what was used and where it came from, or why nothing was.
 */
struct vifs_published {
	enum vifs_published_state state;
	vifs_inventory *inv;
	long long created; /* the inventory's creation time, -1 unknown */
	long long esxconf_mtime; /* as given, -1 unknown */
	char where[160];
	char message[768];
};

/*
 * Judges what a GET of the place gave: BODY of LEN bytes when
 * FETCH_ERROR is 0, else FETCH_ERROR (VIFS_ENOTFOUND for a 404) with
 * vifs_error_last() still telling why.  ESXCONF_MTIME is the
 * Last-Modified of the host's esx.conf (-1 unknown: the age is not
 * checked, and the message says so).  Fills *out; fails only with
 * VIFS_ENOMEM.  Nothing here blocks, so a step machine can call it.
 */
VIFS_EXTERN int vifs_published_judge(struct vifs_published *out,
    const char *body, size_t len, int fetch_error, long long esxconf_mtime);

/* Frees what P holds and zeroes it. */
VIFS_EXTERN void vifs_published_clear(struct vifs_published *p);

#endif
