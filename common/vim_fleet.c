/*
 * vim_fleet.c - the VIM client's calls as non-blocking POSTs of a fleet
 * host: the envelope vim_call_begin() makes goes out with
 * vifs_fleet_post_buf(), and its answer is judged by vim_call_end(), so
 * that a step machine (firmware_job.c) asks what the blocking calls ask
 * and fails in the same words, without holding up the other hosts.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/fleet.h>
#include <vifs/vim.h>

#include "internal.h"
#include "vim_int.h"

void
vim_flight_clear(struct vim_flight *fl)
{
	vim_text_free(fl->text);
	memset(fl, 0, sizeof(*fl));
}

/* POSTs the envelope of FL to the service path in use. */
static int
post(vifs_vim *v, vifs_fleet_host *h, struct vim_flight *fl)
{
	return vifs_fleet_post_buf(h, v->service_path, vim_post_headers,
	    fl->text, fl->len,
	    strcmp(fl->method, "Login") == 0 ? SESSION_COOKIE : NULL);
}

int
vim_fleet_send(vifs_vim *v, vifs_fleet_host *h, const char *method,
    struct req *r, struct vim_flight *fl)
{
	int error;

	vim_flight_clear(fl);
	fl->method = method;
	error = vim_call_begin(v, method, r, &fl->text, &fl->len);
	vim_req_free(r);
	if (error == 0)
		error = post(v, h, fl);
	return error;
}

int
vim_fleet_answer(vifs_vim *v, vifs_fleet_host *h, int error,
    struct vim_flight *fl, struct resp *out)
{
	struct vim_reply rep;

	memset(out, 0, sizeof(*out));
	if (error < 0)
		return error;
	memset(&rep, 0, sizeof(rep));
	if ((error = vifs_fleet_host_take_body(h, &rep.body, &rep.len)) < 0)
		return error;
	rep.status = vifs_fleet_host_http_status(h);
	rep.cookie = vifs_fleet_host_response_cookie(h, SESSION_COOKIE);
	error = vim_call_end(v, fl->method, &rep, out);
	free(rep.body);
	if (error == VIM_RESEND && (error = post(v, h, fl)) == 0)
		return VIM_RESEND;
	return error;
}
