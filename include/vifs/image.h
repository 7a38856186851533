/*
 * vifs/image.h - esx.conf inside a host's saved state: state.tgz, a bare
 * local.tgz, or a configuration bundle (configBundle-*.tgz), read and
 * rewritten losslessly with libarchive.
 *
 * ESXi keeps esx.conf on its boot device only as etc/vmware/esx.conf in
 * local.tgz, itself a member of /bootbank/state.tgz; vicfg-cfgbackup's
 * bundle holds Manifest.txt and state.tgz.  An image is parsed once
 * (vifs_image_parse()); an edit of its esx.conf rebuilds every level
 * around it (vifs_image_rebuild()): every other member, at every level,
 * keeps its name, order, type, mode, owner, mtime and bytes, and the
 * rebuilt image is parsed again and compared member by member before it
 * is handed back.  vifs_image_save() replaces the file atomically after
 * a byte-for-byte backup of the image as it was (docs/internals/image.md).
 */
#ifndef VIFS_IMAGE_H
#define VIFS_IMAGE_H

#include <stddef.h>

#include <vifs/common.h>

/* What an image file is. */
enum vifs_image_kind {
	VIFS_IMAGE_LOCAL = 0, /* local.tgz: etc/vmware/esx.conf */
	VIFS_IMAGE_STATE, /* state.tgz: local.tgz */
	VIFS_IMAGE_BUNDLE, /* configBundle-*.tgz: Manifest.txt, state.tgz */
};

/* Where a ConfigStore lives in local.tgz (ESXi 7.0 and later). */
#define VIFS_IMAGE_CONFIGSTORE \
	"var/lib/vmware/configstore/backup/current-store-1"

typedef struct vifs_image vifs_image;

/*
 * Parses LEN bytes of DATA (copied) as an image named NAME (for
 * messages) into *out; free with vifs_image_free().  Fails, with a
 * one-line message naming NAME and the member at fault, with
 * VIFS_EPARSE for a truncated or corrupt archive or one that is not a
 * gzip-compressed tar, VIFS_ENOTFOUND when no esx.conf is inside,
 * VIFS_EUNSUPPORTED for an encrypted local.tgz.ve (ESXi 7.0 U2 and later
 * with a TPM), VIFS_ETOOBIG when a level unpacks to more than 256 MiB.
 */
VIFS_EXTERN int vifs_image_parse(vifs_image **out, const char *name,
    const void *data, size_t len);

/* Reads the file PATH and parses it as vifs_image_parse() does. */
VIFS_EXTERN int vifs_image_open(vifs_image **out, const char *path);

VIFS_EXTERN enum vifs_image_kind vifs_image_kind(const vifs_image *img);

/* "local.tgz", "state.tgz", "configuration bundle"; static storage. */
VIFS_EXTERN const char *vifs_image_kind_name(enum vifs_image_kind k);

/* The name given to vifs_image_parse() (the file's path); borrowed. */
VIFS_EXTERN const char *vifs_image_name(const vifs_image *img);

/*
 * Where esx.conf is inside the image, each level's member name joined
 * by '/' ("state.tgz/local.tgz/etc/vmware/esx.conf" for a bundle);
 * borrowed.
 */
VIFS_EXTERN const char *vifs_image_esxconf_path(const vifs_image *img);

/* The bytes of esx.conf (NUL-terminated, *len without it); borrowed. */
VIFS_EXTERN const char *vifs_image_esxconf(const vifs_image *img, size_t *len);

/*
 * 1 when local.tgz holds a ConfigStore (VIFS_IMAGE_CONFIGSTORE): the
 * host runs ESXi 7.0 or later, which keeps its PCI passthrough settings
 * in the ConfigStore, not only in esx.conf.  *size gets its size when
 * SIZE is not NULL.
 */
VIFS_EXTERN int vifs_image_has_configstore(const vifs_image *img, size_t *size);

/*
 * The bytes of the ConfigStore (the first member of that name; *len
 * bytes), or NULL when local.tgz holds none; *path (when PATH is not
 * NULL) gets where it is inside the image
 * ("local.tgz/var/lib/vmware/configstore/backup/current-store-1" for a
 * state.tgz).  Both borrowed; vifs_configstore_parse() reads them.
 */
VIFS_EXTERN const char *vifs_image_configstore(const vifs_image *img,
    size_t *len, const char **path);

/*
 * Builds the image with esx.conf replaced by LEN bytes of ESXCONF into a
 * new buffer *out (*out_len bytes; caller frees).  The members that
 * change (esx.conf and the archives that hold it) keep their name, mode
 * and owner and get NOW (seconds since the epoch; 0: the current time)
 * as mtime; every other member is copied as it was.  Each level is a
 * gzip-compressed tar in the format family of its original (GNU when it
 * had GNU headers, else POSIX ustar with pax headers only where ustar
 * cannot hold a field).  The result is parsed back and compared with the
 * original before it is returned; VIFS_ERROR when it differs anywhere
 * it should not.
 */
VIFS_EXTERN int vifs_image_rebuild(char **out, size_t *out_len,
    const vifs_image *img, const void *esxconf, size_t len, long long now);

struct vifs_image_save_opts {
	/* Directory of the backup; NULL: the directory of the image file. */
	const char *backup_dir;
	long long now; /* seconds since the epoch; 0: the current time */
};

/*
 * Replaces the file PATH, which must still hold the bytes IMG was parsed
 * from (VIFS_ECONFLICT when it changed since), with the image rebuilt
 * around LEN bytes of ESXCONF: the original bytes are first saved to
 * "YYYYmmddTHHMMSSZ-BASENAME" in the backup directory (as
 * vifs_remoteedit_backup() does: never over an existing file, synced and
 * read back), then PATH is replaced atomically.  The backup's path goes
 * to a new string *backup (caller frees).  On failure PATH is untouched.
 */
VIFS_EXTERN int vifs_image_save(char **backup, const vifs_image *img,
    const char *path, const void *esxconf, size_t len,
    const struct vifs_image_save_opts *opts);

/* Frees IMG; NULL is allowed. */
VIFS_EXTERN void vifs_image_free(vifs_image *img);

#endif
