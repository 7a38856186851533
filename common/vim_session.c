/*
 * vim_session.c - the VIM client and its session: making and freeing it,
 * the service content, login, resume, the current time and logout.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/vim.h>

#include "internal.h"
#include "utf8.h"
#include "vim_int.h"
#include "xmlquiet.h"
/* --- the client ------------------------------------------------------ */

static int
make(vifs_vim **out, const char *where, const struct vifs_vim_opts *opts)
{
	vifs_vim *v;
	const char *sp = opts && opts->service_path ? opts->service_path :
	                                              DEFAULT_SERVICE_PATH;

	*out = NULL;
	if (*sp != '/' || strpbrk(sp, " \t\r\n?#") != NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "'%s': a service path starts with '/' and has no blank, "
		    "'?' or '#'",
		    sp);
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if ((v->where = vifs_strdup(where)) == NULL ||
	    (v->service_path = vifs_strdup(sp)) == NULL) {
		vifs_vim_free(v);
		return VIFS_ENOMEM;
	}
	v->path_given = opts != NULL && opts->service_path != NULL;
	v->poll_first_ms = opts && opts->poll_first_ms > 0 ?
	    opts->poll_first_ms :
	    DEFAULT_POLL_FIRST_MS;
	v->poll_max_ms = opts && opts->poll_max_ms > 0 ? opts->poll_max_ms :
	                                                 DEFAULT_POLL_MAX_MS;
	if (v->poll_max_ms < v->poll_first_ms)
		v->poll_max_ms = v->poll_first_ms;
	v->task_timeout_ms = opts && opts->task_timeout_ms > 0 ?
	    opts->task_timeout_ms :
	    0;
	v->cancel = opts ? opts->cancel : NULL;
	v->cancel_payload = opts ? opts->cancel_payload : NULL;
	*out = v;
	return VIFS_OK;
}

int
vifs_vim_new(vifs_vim **out, vifs_http *http, const struct vifs_vim_opts *opts)
{
	int error;

	*out = NULL;
	if (http == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "no host for the VIM client");
	if ((error = make(out, vifs_http_hostport(http), opts)) < 0)
		return error;
	(*out)->http = http;
	(*out)->post = vim_http_post;
	(*out)->post_arg = *out;
	return VIFS_OK;
}

int
vim_new_transport(vifs_vim **out, vim_post_fn post, void *arg,
    const char *where, const struct vifs_vim_opts *opts)
{
	int error;

	if ((error = make(out, where, opts)) < 0)
		return error;
	(*out)->post = post;
	(*out)->post_arg = arg;
	return VIFS_OK;
}

void
vifs_vim_free(vifs_vim *v)
{
	if (v == NULL)
		return;
	vim_forget_fault(v);
	free(v->where);
	free(v->service_path);
	free(v->root_folder);
	free(v->property_collector);
	free(v->session_manager);
	free(v->file_manager);
	free(v->full_name);
	free(v->api_type);
	free(v->api_version);
	if (v->cookie != NULL)
		for (volatile char *p = v->cookie; *p; p++)
			*p = '\0';
	free(v->cookie);
	free(v->user);
	free(v);
}

const char *
vifs_vim_service_path(const vifs_vim *v)
{
	return v->service_path;
}

const struct vifs_vim_fault *
vifs_vim_last_fault(const vifs_vim *v)
{
	return v->has_fault ? &v->fault : NULL;
}

const char *
vifs_vim_session_cookie(const vifs_vim *v)
{
	return v->cookie;
}

/* Hands the session cookie to the host of the file service, which then
 * sends it instead of Basic credentials. */
static int
use_cookie(vifs_vim *v, const char *cookie)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (v->http == NULL)
		return VIFS_OK;
	if (cookie == NULL)
		return vifs_http_set_cookie(v->http, NULL);
	if ((error = vifs_buf_printf(&b, "%s=%s", SESSION_COOKIE, cookie)) <
	        0 ||
	    (error = vifs_http_set_cookie(v->http, b.data)) < 0 ||
	    (error = vifs_http_set_credentials(v->http, NULL, NULL)) < 0)
		goto done;
done:
	if (b.data != NULL)
		for (volatile char *p = b.data; *p; p++)
			*p = '\0';
	vifs_buf_free(&b);
	return error;
}

int
vim_sc_req(vifs_vim *v, struct req *r)
{
	(void)v;
	return vim_req_begin(r, "RetrieveServiceContent", "ServiceInstance",
	    "ServiceInstance");
}

int
vim_sc_read(vifs_vim *v, struct resp *a)
{
	xmlNodePtr rv = vim_xp_node(a, a->ret, "v:returnval");

	free(v->root_folder);
	free(v->property_collector);
	free(v->session_manager);
	free(v->file_manager);
	free(v->full_name);
	free(v->api_type);
	free(v->api_version);
	v->root_folder = rv ? vim_xp_text(a, rv, "v:rootFolder") : NULL;
	v->property_collector = rv ? vim_xp_text(a, rv, "v:propertyCollector") :
	                             NULL;
	v->session_manager = rv ? vim_xp_text(a, rv, "v:sessionManager") : NULL;
	v->file_manager = rv ? vim_xp_text(a, rv, "v:fileManager") : NULL;
	v->full_name = vim_clean_line(
	    rv ? vim_xp_text(a, rv, "v:about/v:fullName") : NULL);
	v->api_type = vim_clean_line(
	    rv ? vim_xp_text(a, rv, "v:about/v:apiType") : NULL);
	v->api_version = vim_clean_line(
	    rv ? vim_xp_text(a, rv, "v:about/v:apiVersion") : NULL);
	if (v->root_folder == NULL || v->property_collector == NULL ||
	    v->session_manager == NULL || !*v->root_folder ||
	    !*v->property_collector || !*v->session_manager)
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer lacks the root folder, the property "
		    "collector or the session manager",
		    v->where, "RetrieveServiceContent");
	v->about.full_name = v->full_name ? v->full_name : "";
	v->about.api_type = v->api_type ? v->api_type : "";
	v->about.api_version = v->api_version ? v->api_version : "";
	v->have_sc = 1;
	return VIFS_OK;
}

/* The blocking exchange of one call: BUILD's request, READ's answer
 * (NULL: nothing to read). */
int
vim_exchange(vifs_vim *v, const char *method,
    int (*build)(vifs_vim *, struct req *, const void *),
    int (*read)(vifs_vim *, struct resp *, void *), const void *in, void *out)
{
	struct req r;
	struct resp a;
	int error;

	if ((error = build(v, &r, in)) < 0)
		return error;
	error = vim_call(v, method, &r, &a);
	vim_req_free(&r);
	if (error < 0)
		return error;
	if (read != NULL)
		error = read(v, &a, out);
	vim_resp_free(&a);
	return error;
}

static int
sc_build(vifs_vim *v, struct req *r, const void *in)
{
	(void)in;
	return vim_sc_req(v, r);
}

static int
sc_read(vifs_vim *v, struct resp *a, void *out)
{
	(void)out;
	return vim_sc_read(v, a);
}

int
vifs_vim_connect(vifs_vim *v, const struct vifs_vim_about **about)
{
	int error;

	if (about != NULL)
		*about = NULL;
	error = vim_exchange(v, "RetrieveServiceContent", sc_build, sc_read,
	    NULL, NULL);
	if (error == 0 && about != NULL)
		*about = &v->about;
	return error;
}

int
vim_need_sc(vifs_vim *v)
{
	return v->have_sc ? VIFS_OK : vifs_vim_connect(v, NULL);
}

int
vim_login_req(vifs_vim *v, struct req *r, const char *user,
    const char *password)
{
	int error;

	if ((error = vim_set_str(&v->user, user)) < 0)
		return error;
	vim_clean_line(v->user);
	free(v->cookie);
	v->cookie = NULL;
	if ((error = vim_req_begin(r, "Login", "SessionManager",
	         v->session_manager)) < 0)
		return error;
	vim_req_text(r, r->op, "userName", user);
	vim_req_text(r, r->op, "password", password);
	return VIFS_OK;
}

int
vim_login_read(vifs_vim *v)
{
	if (v->cookie == NULL)
		return vifs_error_set(VIFS_EAUTH,
		    "%s: %s: the host accepted the login but set no %s "
		    "cookie",
		    v->where, "Login", SESSION_COOKIE);
	return use_cookie(v, v->cookie);
}

struct login_args {
	const char *user, *password;
};

static int
login_build(vifs_vim *v, struct req *r, const void *in)
{
	const struct login_args *l = in;

	return vim_login_req(v, r, l->user, l->password);
}

int
vifs_vim_login(vifs_vim *v, const char *user, const char *password)
{
	struct login_args l = { user, password };
	int error;

	if ((error = vim_need_sc(v)) < 0 ||
	    (error = vim_exchange(v, "Login", login_build, NULL, &l, NULL)) < 0)
		return error;
	return vim_login_read(v);
}

int
vim_time_req(vifs_vim *v, struct req *r)
{
	(void)v;
	return vim_req_begin(r, "CurrentTime", "ServiceInstance",
	    "ServiceInstance");
}

int
vim_time_read(vifs_vim *v, struct resp *a, char **out)
{
	*out = vim_xp_text(a, a->ret, "v:returnval");
	if (*out == NULL)
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer holds no time", v->where,
		    "CurrentTime");
	vim_clean_line(*out);
	return VIFS_OK;
}

int
vim_resume_error(vifs_vim *v, int error)
{
	free(v->cookie);
	v->cookie = NULL;
	if (v->has_fault && vim_type_is(v, "NotAuthenticated"))
		return vifs_error_set(VIFS_EAUTH,
		    "%s: the session has expired or was logged out "
		    "(NotAuthenticated)",
		    v->where);
	return error;
}

static int
time_build(vifs_vim *v, struct req *r, const void *in)
{
	(void)in;
	return vim_time_req(v, r);
}

static int
time_read(vifs_vim *v, struct resp *a, void *out)
{
	return vim_time_read(v, a, out);
}

int
vifs_vim_current_time(vifs_vim *v, char **out)
{
	*out = NULL;
	return vim_exchange(v, "CurrentTime", time_build, time_read, NULL, out);
}

int
vifs_vim_resume(vifs_vim *v, const char *cookie)
{
	char *now = NULL;
	int error;

	if (cookie == NULL || *cookie == '\0')
		return vifs_error_set(VIFS_EINVAL, "no session cookie");
	if ((error = vim_set_str(&v->cookie, cookie)) < 0 ||
	    (error = use_cookie(v, cookie)) < 0)
		return error;
	error = vifs_vim_current_time(v, &now);
	free(now);
	return error < 0 ? vim_resume_error(v, error) : VIFS_OK;
}

int
vim_logout_req(vifs_vim *v, struct req *r)
{
	return vim_req_begin(r, "Logout", "SessionManager", v->session_manager);
}

static int
logout_build(vifs_vim *v, struct req *r, const void *in)
{
	(void)in;
	return vim_logout_req(v, r);
}

int
vifs_vim_logout(vifs_vim *v)
{
	int error;

	if ((error = vim_need_sc(v)) == 0)
		error = vim_exchange(v, "Logout", logout_build, NULL, NULL,
		    NULL);
	free(v->cookie);
	v->cookie = NULL;
	if (v->http != NULL)
		vifs_http_set_cookie(v->http, NULL);
	return error;
}
