/*
 * firmware_job.c - the host's saved configuration as a step machine that a
 * fleet advances, one non-blocking request at a time: a VIM session
 * (service content, a login or a resumed session, the HostSystem), then
 * the persist (SyncFirmwareConfiguration), the backup
 * (BackupFirmwareConfiguration, the download of the bundle, its store) or
 * the restore (QueryFirmwareConfigUploadURL, the upload,
 * RestoreFirmwareConfiguration), then the logout of a session it opened.
 * The envelopes and the reading of their answers are the VIM client's
 * (vim_fleet.c); the bundles' store is firmware.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/firmware.h>
#include <vifs/fleet.h>
#include <vifs/image.h>
#include <vifs/vim.h>

#include "firmware_int.h"
#include "internal.h"
#include "vim_int.h"

/* Where the job is: the request in flight is the phase's. */
enum phase {
	P_START,
	P_SC, /* RetrieveServiceContent */
	P_AUTH, /* Login, or CurrentTime of a resumed session */
	P_HOST, /* the HostSystem and its HostFirmwareSystem */
	P_CALL, /* Sync, Backup or QueryFirmwareConfigUploadURL */
	P_GET, /* the bundle's download */
	P_PUT, /* the bundle's upload */
	P_RESTORE, /* RestoreFirmwareConfiguration */
	P_LOGOUT,
	P_DONE,
};

struct vifs_firmware_job {
	struct vifs_firmware_job_opts o; /* strings borrowed */
	struct vifs_firmware_backup_opts backup; /* a copy, strings borrowed */
	vifs_vim *vim;
	struct vifs_vim_host host;
	struct vim_flight fl;
	enum phase phase;
	int logged_in; /* ours to log out */
	int error; /* the job's failure, kept across the logout */
	char why[1024];
	char *upath; /* the URL path the host returned */
	char *path; /* the bundle stored */
	int encrypted;
};

int
vifs_firmware_job_new(vifs_firmware_job **out,
    const struct vifs_firmware_job_opts *opts)
{
	vifs_firmware_job *j;

	*out = NULL;
	if (opts == NULL || opts->login == NULL ||
	    (opts->what == VIFS_FIRMWARE_BACKUP &&
	        (opts->backup == NULL || opts->backup->dir == NULL ||
	            opts->backup->host == NULL)) ||
	    (opts->what == VIFS_FIRMWARE_RESTORE && opts->bundle == NULL))
		return vifs_error_set(VIFS_EINVAL,
		    "firmware job: missing options");
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	j->o = *opts;
	if (opts->backup != NULL)
		j->backup = *opts->backup;
	j->o.backup = &j->backup;
	*out = j;
	return VIFS_OK;
}

void
vifs_firmware_job_free(vifs_firmware_job *j)
{
	if (j == NULL)
		return;
	vim_flight_clear(&j->fl);
	vifs_vim_host_clear(&j->host);
	vifs_vim_free(j->vim);
	free(j->upath);
	free(j->path);
	free(j);
}

int
vifs_firmware_job_over(const vifs_firmware_job *j)
{
	return j->phase == P_DONE;
}

const char *
vifs_firmware_job_path(const vifs_firmware_job *j, int *encrypted)
{
	if (encrypted != NULL)
		*encrypted = j->encrypted;
	return j->path;
}

/* What a phase's work returns besides VIFS_OK (the job is done) and
 * errors: a request of the job is in flight. */
#define WAIT 1

/* Sends the request R for METHOD (BUILT: what building it gave) and
 * moves to PHASE. */
static int
send(vifs_firmware_job *j, vifs_fleet_host *h, enum phase phase,
    const char *method, struct req *r, int built)
{
	int error;

	if (built < 0)
		return built; /* nothing built is left to free */
	j->phase = phase;
	error = vim_fleet_send(j->vim, h, method, r, &j->fl);
	return error < 0 ? error : WAIT;
}

/* The session: a login, or the resumed one (a CurrentTime checks it). */
static int
auth(vifs_firmware_job *j, vifs_fleet_host *h)
{
	const struct vifs_firmware_login *l = j->o.login;
	struct vifs_buf c = VIFS_BUF_INIT;
	struct req r;
	int error;

	if (l->cookie != NULL) {
		if (*l->cookie == '\0')
			return vifs_error_set(VIFS_EINVAL, "no session cookie");
		if ((error = vim_set_str(&j->vim->cookie, l->cookie)) == 0 &&
		    (error = vifs_buf_printf(&c, "%s=%s", SESSION_COOKIE,
		         l->cookie)) == 0)
			error = vifs_fleet_host_set_cookie(h, c.data);
		if (c.data != NULL)
			vifs_wipe(c.data, c.len);
		vifs_buf_free(&c);
		if (error < 0)
			return error;
		return send(j, h, P_AUTH, "CurrentTime", &r,
		    vim_time_req(j->vim, &r));
	}
	if (l->username == NULL || l->password == NULL)
		return vifs_error_set(VIFS_EAUTH,
		    "no user and password for the VIM API");
	return send(j, h, P_AUTH, "Login", &r,
	    vim_login_req(j->vim, &r, l->username, l->password));
}

/* The call the job is for, once the host is known. */
static int
call(vifs_firmware_job *j, vifs_fleet_host *h)
{
	const char *fw = j->host.firmware;
	struct req r;

	switch (j->o.what) {
	case VIFS_FIRMWARE_PERSIST:
		return send(j, h, P_CALL, VIM_FW_SYNC, &r,
		    vim_firmware_req(j->vim, &r, VIM_FW_SYNC, fw, -1));
	case VIFS_FIRMWARE_BACKUP:
		return send(j, h, P_CALL, VIM_FW_BACKUP, &r,
		    vim_firmware_req(j->vim, &r, VIM_FW_BACKUP, fw, -1));
	case VIFS_FIRMWARE_RESTORE:
		if (!j->host.in_maintenance)
			return vifs_error_set(VIFS_EREFUSED,
			    "the host is not in maintenance mode; a restore "
			    "reboots it, so it must be in maintenance mode "
			    "first");
		return send(j, h, P_CALL, VIM_FW_UPLOAD_URL, &r,
		    vim_firmware_req(j->vim, &r, VIM_FW_UPLOAD_URL, fw, -1));
	}
	return vifs_error_set(VIFS_EINVAL, "firmware job: no such call");
}

/* The answer A of the phase's SOAP call, and the job's next request. */
static int
answered(vifs_firmware_job *j, vifs_fleet_host *h, struct resp *a)
{
	char *now = NULL, *url = NULL;
	struct req r;
	int error;

	switch (j->phase) {
	case P_SC:
		if ((error = vim_sc_read(j->vim, a)) < 0)
			return error;
		return auth(j, h);
	case P_AUTH:
		if (j->o.login->cookie != NULL) {
			error = vim_time_read(j->vim, a, &now);
			free(now);
		} else if ((error = vim_login_read(j->vim)) == 0)
			j->logged_in = 1;
		if (error < 0)
			return error;
		return send(j, h, P_HOST, "RetrievePropertiesEx", &r,
		    vim_host_req(j->vim, &r));
	case P_HOST:
		if ((error = vim_host_read(j->vim, a, &j->host)) < 0)
			return error;
		return call(j, h);
	case P_CALL:
		if (j->o.what == VIFS_FIRMWARE_PERSIST)
			return VIFS_OK;
		if ((error = vim_firmware_read(j->vim, a, j->fl.method,
		         &url)) == 0)
			error = firmware_url_path(&j->upath, url,
			    j->o.what == VIFS_FIRMWARE_BACKUP ? "backup" :
			                                        "upload");
		free(url);
		if (error < 0)
			return error;
		if (j->o.what == VIFS_FIRMWARE_BACKUP) {
			j->phase = P_GET;
			error = vifs_fleet_get_buf(h, j->upath,
			    j->backup.max_size ? j->backup.max_size :
			                         FIRMWARE_BUNDLE_MAX);
		} else {
			j->phase = P_PUT;
			error = vifs_fleet_put_buf(h, j->upath, j->o.bundle,
			    j->o.bundle_len);
		}
		return error < 0 ? error : WAIT;
	default: /* P_RESTORE */
		return VIFS_OK;
	}
}

/* Ends the job with ERROR (its message kept), after the logout of a
 * session of its own: the job's result is its own, whatever the logout
 * says.  Returns WAIT while the logout is in flight. */
static int
finish(vifs_firmware_job *j, vifs_fleet_host *h, int error)
{
	struct req r;

	if (error < 0 && j->error == 0) {
		j->error = error;
		snprintf(j->why, sizeof(j->why), "%s", vifs_error_last());
	}
	if (j->logged_in) {
		j->logged_in = 0;
		/* A failed logout only leaves a session to time out. */
		if (send(j, h, P_LOGOUT, "Logout", &r,
		        vim_logout_req(j->vim, &r)) == WAIT)
			return WAIT;
	}
	j->phase = P_DONE;
	if (j->error < 0)
		return vifs_error_set(j->error, "%s", j->why);
	vifs_error_clear();
	return VIFS_OK;
}

/* After a phase's work returned RC: wait, or end the job. */
static int
advance(vifs_firmware_job *j, vifs_fleet_host *h, int rc)
{
	if (rc != WAIT)
		rc = finish(j, h, rc);
	return rc == WAIT ? VIFS_OK : rc;
}

int
vifs_firmware_job_start(vifs_firmware_job *j, vifs_fleet_host *h)
{
	struct vifs_vim_opts vo;
	struct req r;
	int error;

	if (j->phase != P_START)
		return vifs_error_set(VIFS_EINVAL,
		    "firmware job: started twice");
	/* A bundle that is none is refused before anything is sent. */
	if (j->o.what == VIFS_FIRMWARE_RESTORE &&
	    (error = firmware_bundle_check(j->o.bundle, j->o.bundle_len)) < 0)
		return advance(j, h, error);
	memset(&vo, 0, sizeof(vo));
	vo.service_path = j->o.login->service_path;
	if ((error = vim_new_transport(&j->vim, NULL, NULL,
	         vifs_fleet_host_hostport(h), &vo)) < 0)
		return advance(j, h, error);
	return advance(j, h,
	    send(j, h, P_SC, "RetrieveServiceContent", &r,
	        vim_sc_req(j->vim, &r)));
}

int
vifs_firmware_job_step(vifs_firmware_job *j, vifs_fleet_host *h, int error)
{
	struct resp a;
	char *body = NULL;
	size_t len = 0;

	switch (j->phase) {
	case P_START:
	case P_DONE:
		return vifs_error_set(VIFS_EINVAL,
		    "firmware job: no request in flight");
	case P_LOGOUT:
		/* The session is gone: the host sends none any more. */
		vim_flight_clear(&j->fl);
		vifs_fleet_host_set_cookie(h, NULL);
		return advance(j, h, 0);
	case P_GET:
		if (error == 0 &&
		    (error = vifs_fleet_host_take_body(h, &body, &len)) == 0)
			error = firmware_bundle_store(&j->path, &j->encrypted,
			    j->upath, body, len, &j->backup);
		free(body);
		return advance(j, h, error);
	case P_PUT:
		if (error < 0)
			return advance(j, h, error);
		{
			struct req r;

			return advance(j, h,
			    send(j, h, P_RESTORE, VIM_FW_RESTORE, &r,
			        vim_firmware_req(j->vim, &r, VIM_FW_RESTORE,
			            j->host.firmware, j->o.force ? 1 : 0)));
		}
	default:
		break;
	}
	error = vim_fleet_answer(j->vim, h, error, &j->fl, &a);
	if (error == VIM_RESEND)
		return VIFS_OK;
	if (error < 0 && j->phase == P_AUTH && j->o.login->cookie != NULL)
		error = vim_resume_error(j->vim, error);
	if (error == 0) {
		error = answered(j, h, &a);
		vim_resp_free(&a);
	}
	return advance(j, h, error);
}
