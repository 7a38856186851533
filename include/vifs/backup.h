/*
 * vifs/backup.h - the local backups of a host's file: where they go,
 * saving one so that it cannot be lost or replace another, and finding the
 * newest.
 *
 * Backups of a host live in one directory, named after the time they were
 * made: "YYYYmmddTHHMMSSZ-BASENAME", or "YYYYmmddTHHMMSSZ.N-BASENAME" for
 * the N-th more in the same second, so names sort as their times.
 */
#ifndef VIFS_BACKUP_H
#define VIFS_BACKUP_H

#include <stddef.h>

#include <vifs/common.h>

/*
 * The default backup directory of HOST into a new string *out (caller
 * frees): $XDG_STATE_HOME/vifs/backups/HOST when XDG_STATE_HOME is an
 * absolute path, else $HOME/.local/state/vifs/backups/HOST.  VIFS_EINVAL
 * for a HOST that cannot be a directory name, VIFS_ENOTFOUND when neither
 * variable is set.
 */
VIFS_EXTERN int vifs_remoteedit_backup_dir(char **out, const char *host);

/*
 * Saves LEN bytes of DATA to a new file in DIR named after NOW (seconds
 * since the epoch, UTC) and BASENAME (see above); an existing file is
 * never replaced.  Missing directories are created with mode 0700, the
 * file with mode 0600; it is synced and read back before the call
 * returns.  The path goes to a new string *out (caller frees).  On
 * failure nothing is left behind and VIFS_EIO names the path and the
 * reason.
 */
VIFS_EXTERN int vifs_remoteedit_backup(char **out, const char *dir,
    const char *basename, long long now, const void *data, size_t len);

/*
 * The path of the newest backup of BASENAME in DIR into a new string
 * *out (caller frees): WHICH is "latest" for any, or the start of the
 * time of the backups wanted ("20261123T10", "20261123T101500Z").
 * VIFS_ENOTFOUND when there is none or DIR does not exist, VIFS_EIO when
 * DIR cannot be read.
 */
VIFS_EXTERN int vifs_remoteedit_backup_find(char **out, const char *dir,
    const char *basename, const char *which);

#endif
