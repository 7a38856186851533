/*
 * vifs/firmware.h - the configuration a host keeps on its boot device,
 * through the VIM API's HostFirmwareSystem: write it there now after an
 * edit (persist), download it as a configuration bundle (backup), put a
 * bundle back (restore).
 *
 * ESXi runs from RAM and saves its configuration to the boot device
 * (state.tgz in the bootbank) only hourly and at a clean shutdown
 * (Broadcom KB 313072): a hard reset in between loses every change since.
 * Each is a job that a fleet host runs as requests of its own, never
 * blocking (a single host is a fleet of one): it logs in to the host's
 * VIM API with LOGIN (or resumes LOGIN's session cookie), finds the
 * host's HostFirmwareSystem, calls it, and logs out again (a resumed
 * session is left as it was).  Nothing is printed
 * (docs/internals/firmware.md).
 */
#ifndef VIFS_FIRMWARE_H
#define VIFS_FIRMWARE_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/fleet.h>

struct vifs_firmware_login {
	const char *username; /* with PASSWORD: a VIM login */
	const char *password;
	const char *cookie; /* else a session to resume (--sessionfile) */
	const char *service_path; /* NULL: the VIM client's default */
};

struct vifs_firmware_backup_opts {
	const char *dir; /* bundles go to DIR/HOST/ (made 0700) */
	const char *host; /* the host's name in DIR (made path-safe) */
	unsigned keep; /* keep the newest KEEP bundles of HOST; 0: all */
	long long now; /* time in the name; 0: the current time */
	size_t max_size; /* largest bundle; 0: 512 MiB */
};

enum vifs_firmware_what {
	/*
	 * SyncFirmwareConfiguration: the host writes its configuration to
	 * the boot device now.  A host without a VIM API fails with
	 * VIFS_EUNSUPPORTED.
	 */
	VIFS_FIRMWARE_PERSIST,
	/*
	 * BackupFirmwareConfiguration, then a GET of the bundle (the '*' of
	 * the URL the host returns stands for the host, as in
	 * vicfg-cfgbackup), stored as DIR/HOST/configBundle-
	 * YYYYmmddTHHMMSSZ.tgz (mode 0600) through a temporary file renamed
	 * over it, after the bundle was read as an image (<vifs/image.h>:
	 * Manifest.txt, state.tgz, an esx.conf inside; an encrypted
	 * local.tgz.ve is accepted).  Then the oldest bundles of HOST beyond
	 * KEEP are removed.  On failure nothing is stored.
	 */
	VIFS_FIRMWARE_BACKUP,
	/*
	 * Puts BUNDLE back: it must read as a configuration bundle
	 * (VIFS_EPARSE otherwise, nothing sent); refused with VIFS_EREFUSED
	 * unless the host is in maintenance mode; then
	 * QueryFirmwareConfigUploadURL, a PUT of the bundle there, and
	 * RestoreFirmwareConfiguration with FORCE (apply a bundle made for
	 * another host or build, which the host refuses otherwise with
	 * MismatchedBundle).  The host reboots when it is done.
	 */
	VIFS_FIRMWARE_RESTORE,
};

struct vifs_firmware_job_opts {
	enum vifs_firmware_what what;
	const struct vifs_firmware_login *login; /* required */
	const struct vifs_firmware_backup_opts *backup; /* BACKUP (copied) */
	const void *bundle; /* RESTORE: LEN bytes */
	size_t bundle_len;
	int force; /* RESTORE: force=true */
};

typedef struct vifs_firmware_job vifs_firmware_job;

/*
 * Makes the job OPTS says; every string it names, LOGIN's and BUNDLE are
 * borrowed and must outlive it.  Free with vifs_firmware_job_free().
 */
VIFS_EXTERN int vifs_firmware_job_new(vifs_firmware_job **out,
    const struct vifs_firmware_job_opts *opts);

/*
 * Runs the job on the fleet host H (<vifs/fleet.h>), as a part of H's
 * job: _start() from the fleet's START or STEP, then _step() from each
 * STEP with the ERROR of the request that ended, until
 * vifs_firmware_job_over().  Both return VIFS_OK while a request of the
 * job is in flight and once it is done with success, or the job's error
 * (its message in vifs_error_last()).  A session the job opened is
 * logged out before it is over; its result is the call's, whatever the
 * logout says.  After a login H sends the session cookie instead of its
 * Basic credentials, and after the logout neither.
 */
VIFS_EXTERN int vifs_firmware_job_start(vifs_firmware_job *j,
    vifs_fleet_host *h);
VIFS_EXTERN int vifs_firmware_job_step(vifs_firmware_job *j, vifs_fleet_host *h,
    int error);
VIFS_EXTERN int vifs_firmware_job_over(const vifs_firmware_job *j);

/* BACKUP: the bundle stored (borrowed; NULL before), and whether its
 * local.tgz is encrypted (ENCRYPTED may be NULL). */
VIFS_EXTERN const char *vifs_firmware_job_path(const vifs_firmware_job *j,
    int *encrypted);

VIFS_EXTERN void vifs_firmware_job_free(vifs_firmware_job *j);

#endif
