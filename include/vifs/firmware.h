/*
 * vifs/firmware.h - the configuration a host keeps on its boot device,
 * through the VIM API's HostFirmwareSystem: write it there now after an
 * edit (persist), download it as a configuration bundle (backup), put a
 * bundle back (restore).
 *
 * ESXi runs from RAM and saves its configuration to the boot device
 * (state.tgz in the bootbank) only hourly and at a clean shutdown
 * (Broadcom KB 313072): a hard reset in between loses every change since.
 * Every call logs in to the host's VIM API with LOGIN on the vifs_http H
 * of the host (or resumes LOGIN's session cookie), finds the host's
 * HostFirmwareSystem, calls it, and logs out again (a resumed session is
 * left as it was).  After a login H carries the session cookie instead of
 * its Basic credentials.  The calls block; nothing is printed
 * (docs/internals/firmware.md).
 */
#ifndef VIFS_FIRMWARE_H
#define VIFS_FIRMWARE_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/http.h>

struct vifs_firmware_login {
	const char *username; /* with PASSWORD: a VIM login */
	const char *password;
	const char *cookie; /* else a session to resume (--sessionfile) */
	const char *service_path; /* NULL: the VIM client's default */
};

/*
 * SyncFirmwareConfiguration: the host writes its configuration to the
 * boot device now.  0 when it did; else the error, with a message that
 * says why (VIFS_EUNSUPPORTED when the host has no VIM API at all).
 */
VIFS_EXTERN int vifs_firmware_persist(vifs_http *h,
    const struct vifs_firmware_login *login);

struct vifs_firmware_backup_opts {
	const char *dir; /* bundles go to DIR/HOST/ (made 0700) */
	const char *host; /* the host's name in DIR (made path-safe) */
	unsigned keep; /* keep the newest KEEP bundles of HOST; 0: all */
	long long now; /* time in the name; 0: the current time */
	size_t max_size; /* largest bundle; 0: 512 MiB */
};

/*
 * BackupFirmwareConfiguration, then a GET of the bundle through H (the
 * '*' of the URL the host returns stands for the host, as in
 * vicfg-cfgbackup), stored as DIR/HOST/configBundle-YYYYmmddTHHMMSSZ.tgz
 * (mode 0600) through a temporary file renamed over it, after the bundle
 * was read as an image (<vifs/image.h>: Manifest.txt, state.tgz, an
 * esx.conf inside; an encrypted local.tgz.ve is accepted).  Then the
 * oldest bundles of HOST beyond KEEP are removed.  The path goes to a new
 * string *path (caller frees); *encrypted (may be NULL) is 1 when the
 * bundle's local.tgz is encrypted.  On failure nothing is stored.
 */
VIFS_EXTERN int vifs_firmware_backup(char **path, int *encrypted, vifs_http *h,
    const struct vifs_firmware_login *login,
    const struct vifs_firmware_backup_opts *opts);

/*
 * Puts the bundle of LEN bytes of DATA back: refused with VIFS_EREFUSED
 * unless the host is in maintenance mode (checked before anything is
 * sent), then QueryFirmwareConfigUploadURL, a PUT of the bundle there
 * through H, and RestoreFirmwareConfiguration with FORCE (apply a bundle
 * of another host or build).  The host reboots when it is done.  DATA
 * must read as a configuration bundle (VIFS_EPARSE otherwise; nothing is
 * sent).
 */
VIFS_EXTERN int vifs_firmware_restore(vifs_http *h,
    const struct vifs_firmware_login *login, const void *data, size_t len,
    int force);

#endif
