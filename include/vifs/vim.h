/*
 * vifs/vim.h - a small client of the vSphere Web Services API (the "VIM
 * API": SOAP 1.1 over HTTPS) for what VMware's vifs does through it
 * (PROTOCOL.md §3, §9): log in and out, keep and check a session, make
 * directories, delete, copy and move datastore files, and list the
 * datacenters.
 *
 * A vifs_vim talks to one host through a vifs_http, whose TLS trust,
 * timeouts and --verbose trace it shares: every call is a POST of a SOAP
 * envelope to the service path ("/sdk/webService" as the vSphere CLI;
 * govmomi's simulator serves only "/sdk").  When the caller names no
 * path and the default answers HTTP 404 before any SOAP answer came, the
 * client tries "/sdk" once and keeps it; a path the caller names is used
 * as given.  Requests are built with libxml2's
 * tree API and answers read with libxml2 and XPath, so any bytes in names
 * are carried as text.
 *
 * Sessions: vifs_vim_login() takes the "vmware_soap_session" cookie that
 * the host sets and hands it to the vifs_http, which from then on sends
 * it with every request (the file service's GET and PUT too) and stops
 * sending HTTP Basic credentials.  vifs_vim_resume() does the same with a
 * saved cookie (--sessionfile) and checks it with CurrentTime.  Nothing
 * logs out implicitly: call vifs_vim_logout() unless the session is to be
 * kept (--savesessionfile).
 *
 * Failures: SOAP faults become one line with the host, the method and
 * what the fault says (the file it names, the privilege that is missing),
 * e.g. "esx01:443: MakeDirectory: no such file or directory: [ds1] a/b
 * (FileNotFound)", and an error code: InvalidLogin and NotAuthenticated
 * VIFS_EAUTH, NoPermission VIFS_EPERM, FileNotFound, InvalidDatastore and
 * ManagedObjectNotFound VIFS_ENOTFOUND, FileAlreadyExists VIFS_EEXISTS,
 * any other fault VIFS_ESOAP; vifs_vim_last_fault() gives its parts.  An
 * answer that is not SOAP (an HTML error page, a truncated body) is
 * VIFS_EPARSE, or VIFS_EUNSUPPORTED when the very first call gets one
 * (no VIM service at that URL); transport failures keep the codes of
 * vifs/http.h.
 */
#ifndef VIFS_VIM_H
#define VIFS_VIM_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/http.h>

typedef struct vifs_vim vifs_vim;

/* Called between polls of a task; return non-zero to stop waiting. */
typedef int (*vifs_vim_cancel_fn)(void *payload);

struct vifs_vim_opts {
	const char *service_path; /* NULL: "/sdk/webService", else "/sdk" */
	long poll_first_ms; /* first pause while a task runs; 0: 50 */
	long poll_max_ms; /* the pause doubles up to this; 0: 1000 */
	long task_timeout_ms; /* give up waiting for a task; 0: never */
	vifs_vim_cancel_fn cancel; /* may be NULL */
	void *cancel_payload;
};

/*
 * Makes a client that talks through HTTP (borrowed: it must outlive the
 * client; the client changes its cookie and credentials as said above).
 * OPTS may be NULL for the defaults; its strings are copied.  Nothing is
 * sent yet.  Free with vifs_vim_free().
 */
VIFS_EXTERN int vifs_vim_new(vifs_vim **out, vifs_http *http,
    const struct vifs_vim_opts *opts);

/* Frees V (NULL is allowed).  Does not log out. */
VIFS_EXTERN void vifs_vim_free(vifs_vim *v);

/* What RetrieveServiceContent says of the host; strings borrowed from the
 * client. */
struct vifs_vim_about {
	const char *full_name; /* "VMware ESXi 6.5.0 build-5969303" */
	const char *api_type; /* "HostAgent" (ESXi), "VirtualCenter" */
	const char *api_version; /* "6.5" */
};

/*
 * RetrieveServiceContent: reads the ids of the managed objects the other
 * calls need (done by them when not done yet) and the host's "about".
 * *about (may be NULL) is valid until vifs_vim_free().
 */
VIFS_EXTERN int vifs_vim_connect(vifs_vim *v,
    const struct vifs_vim_about **about);

/*
 * Login as USER with PASSWORD.  A wrong name or password is VIFS_EAUTH
 * ("login as USER refused: wrong user name or password").  On success the
 * session cookie is in use as described above.
 */
VIFS_EXTERN int vifs_vim_login(vifs_vim *v, const char *user,
    const char *password);

/*
 * Uses the saved session COOKIE (the value of vmware_soap_session as the
 * host set it, quotes included) and checks it with CurrentTime.  A session
 * that the host no longer knows (expired, or logged out) is VIFS_EAUTH
 * with "the session has expired or was logged out".
 */
VIFS_EXTERN int vifs_vim_resume(vifs_vim *v, const char *cookie);

/* Logout of the session in use; the cookie is forgotten, also when the
 * call fails. */
VIFS_EXTERN int vifs_vim_logout(vifs_vim *v);

/* The service path in use ("/sdk" after the fallback above); borrowed
 * until vifs_vim_free(). */
VIFS_EXTERN const char *vifs_vim_service_path(const vifs_vim *v);

/* The session cookie's value in use (from login or resume), or NULL;
 * borrowed until the session changes. */
VIFS_EXTERN const char *vifs_vim_session_cookie(const vifs_vim *v);

/* CurrentTime: the host's clock as it writes it (xsd:dateTime), into a
 * new string *out (caller frees). */
VIFS_EXTERN int vifs_vim_current_time(vifs_vim *v, char **out);

/*
 * MakeDirectory NAME ("[ds] dir/new").  DATACENTER is the id of a
 * Datacenter or NULL (ESXi needs none).  PARENTS non-zero creates missing
 * parents; otherwise a missing parent is FileNotFound, an existing NAME
 * FileAlreadyExists.
 */
VIFS_EXTERN int vifs_vim_mkdir(vifs_vim *v, const char *name,
    const char *datacenter, int parents);

/*
 * DeleteDatastoreFile_Task NAME and wait for the task.  A directory is
 * deleted with everything in it.
 */
VIFS_EXTERN int vifs_vim_delete(vifs_vim *v, const char *name,
    const char *datacenter);

/*
 * CopyDatastoreFile_Task / MoveDatastoreFile_Task from SRC to DST, both
 * in DATACENTER (an id, or NULL), and wait for the task.  FORCE non-zero
 * overwrites an existing DST; otherwise that is FileAlreadyExists.
 */
VIFS_EXTERN int vifs_vim_copy(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force);
VIFS_EXTERN int vifs_vim_move(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force);

/* One datacenter: its managed-object id, name and inventory path. */
struct vifs_vim_datacenter {
	char *id; /* "ha-datacenter", "datacenter-21" */
	char *name;
	char *path; /* folder names and its name joined by '/', the root
	             * folder left out: "ha-datacenter", "EU/Paris" */
};

struct vifs_vim_dclist {
	size_t count;
	struct vifs_vim_datacenter *items; /* in the order the host gave */
};

/*
 * Finds every Datacenter under the root folder (RetrievePropertiesEx with
 * a traversal of Folder.childEntity, its continuation pages included) into
 * a new list *out; free with vifs_vim_dclist_free().
 */
VIFS_EXTERN int vifs_vim_datacenters(vifs_vim *v, struct vifs_vim_dclist **out);
VIFS_EXTERN void vifs_vim_dclist_free(struct vifs_vim_dclist *l);

/*
 * The datacenter of L whose path, else whose name, is NAME, or NULL;
 * borrowed from L.
 */
VIFS_EXTERN const struct vifs_vim_datacenter *
vifs_vim_dclist_find(const struct vifs_vim_dclist *l, const char *name);

/* --- the host and its HostFirmwareSystem ---------------------------- */

/* The one HostSystem of an ESXi host; strings owned, freed by
 * vifs_vim_host_clear(). */
struct vifs_vim_host {
	char *id; /* "ha-host" */
	char *name;
	char *firmware; /* id of its HostFirmwareSystem */
	int in_maintenance; /* runtime.inMaintenanceMode */
};

/*
 * Finds the host's HostSystem (RetrievePropertiesEx from the root folder
 * through datacenters' host folders and compute resources): its name,
 * HostFirmwareSystem and maintenance mode.  VIFS_EUNSUPPORTED for a
 * vCenter (more than one host) or a host without a firmware system.
 */
VIFS_EXTERN int vifs_vim_host(vifs_vim *v, struct vifs_vim_host *out);
VIFS_EXTERN void vifs_vim_host_clear(struct vifs_vim_host *h);

/*
 * The HostFirmwareSystem FIRMWARE (an id from vifs_vim_host()):
 * SyncFirmwareConfiguration writes the configuration to the boot device
 * now (hostd's method, what `vim-cmd hostsvc/firmware/sync_config` calls;
 * not in the public WSDL); BackupFirmwareConfiguration makes a bundle and
 * returns its download URL ("http://STAR/downloads/..." where STAR, a
 * '*', stands for the host) into *url; QueryFirmwareConfigUploadURL the
 * URL a bundle is PUT to before RestoreFirmwareConfiguration, which needs
 * maintenance mode (InvalidState otherwise) and reboots the host; FORCE
 * applies a bundle of another host or build (MismatchedBundle otherwise).
 * URLs are new strings (caller frees).
 */
VIFS_EXTERN int vifs_vim_firmware_sync(vifs_vim *v, const char *firmware);
VIFS_EXTERN int vifs_vim_firmware_backup(vifs_vim *v, const char *firmware,
    char **url);
VIFS_EXTERN int vifs_vim_firmware_upload_url(vifs_vim *v, const char *firmware,
    char **url);
VIFS_EXTERN int vifs_vim_firmware_restore(vifs_vim *v, const char *firmware,
    int force);

/*
 * The parts of the last SOAP fault a call of V failed with; NULL when the
 * last call did not fail with a fault.  Absent parts are NULL.  Borrowed
 * until the next call on V.
 */
struct vifs_vim_fault {
	const char *type; /* "FileNotFound", "NoPermission", ... */
	const char *message; /* faultstring, or the task's localizedMessage */
	const char *file; /* FileFault: the file */
	const char *privilege; /* NoPermission: privilegeId */
	const char *object; /* NoPermission: the object's id */
	const char *name; /* InvalidDatastore: the datastore */
};

VIFS_EXTERN const struct vifs_vim_fault *vifs_vim_last_fault(const vifs_vim *v);

#endif
