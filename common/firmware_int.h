/*
 * firmware_int.h - what firmware_job.c (the exchanges with the host) and
 * firmware.c (the bundles) share, and what the tests reach of them; not
 * installed.
 */
#ifndef VIFS_FIRMWARE_INT_H
#define VIFS_FIRMWARE_INT_H

#include <stddef.h>

#include <vifs/firmware.h>

/* The largest bundle downloaded. */
#define FIRMWARE_BUNDLE_MAX ((size_t)512 << 20)

/*
 * The path part of a URL the host returned ("http://STAR/downloads/x"
 * gives "/downloads/x"; STAR is a '*' that stands for the host, as
 * vicfg-cfgbackup reads it), checked to be a plain absolute path: no
 * "." or ".." component (also percent-encoded), no empty component, no
 * query or fragment, no blank, backslash or control character.  *out is
 * a new string; WHAT ("backup", "upload") names the URL in the one-line
 * message of VIFS_EPARSE.
 */
int firmware_url_path(char **out, const char *url, const char *what);

/* 0 when LEN bytes of DATA read as a configuration bundle (an encrypted
 * local.tgz.ve inside is accepted), else VIFS_EPARSE with why. */
int firmware_bundle_check(const void *data, size_t len);

/*
 * Stores the bundle of LEN bytes of DATA downloaded from UPATH, as
 * vifs_firmware_job_new() says for VIFS_FIRMWARE_BACKUP with OPTS: *path
 * gets its path, *encrypted 1 when its local.tgz is encrypted.
 */
int firmware_bundle_store(char **path, int *encrypted, const char *upath,
    const void *data, size_t len, const struct vifs_firmware_backup_opts *opts);

#endif
