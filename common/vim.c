/*
 * vim.c - a small VIM (vSphere Web Services) SOAP client: envelopes built
 * with libxml2's tree API, answers read with libxml2 and XPath.
 *
 * Shapes of the requests and answers: PROTOCOL.md §9 (argument order of
 * govmomi's vim25/types); the answers of govmomi's simulator are kept in
 * tests/fixtures/soap.  docs/internals/vim.md describes the module.
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

#define NS_SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_XSD "http://www.w3.org/2001/XMLSchema"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_VIM "urn:vim25"
#define SESSION_COOKIE "vmware_soap_session"
#define DEFAULT_SERVICE_PATH "/sdk/webService"
#define FALLBACK_SERVICE_PATH "/sdk" /* tried once after a 404 */
#define DEFAULT_POLL_FIRST_MS 50L
#define DEFAULT_POLL_MAX_MS 1000L
#define MAX_PAGES 10000 /* continuation pages of one retrieval */
#define MAX_TEXT 300 /* bytes of a server's text in a message */
/* A C string as libxml2's string type. */
#define X (const xmlChar *)

struct vifs_vim {
	vifs_http *http; /* borrowed; NULL with a custom transport */
	vim_post_fn post;
	void *post_arg;
	char *where; /* "host:port" in messages */
	char *service_path;
	int path_given; /* the caller named the path: no fallback */
	long poll_first_ms, poll_max_ms, task_timeout_ms;
	vifs_vim_cancel_fn cancel;
	void *cancel_payload;
	int spoken; /* a SOAP answer came at least once */

	/* Service content. */
	int have_sc;
	char *root_folder;
	char *property_collector;
	char *session_manager;
	char *file_manager;
	char *full_name, *api_type, *api_version;
	struct vifs_vim_about about;

	char *cookie; /* vmware_soap_session in use */
	char *user; /* of the last login, for messages */

	/* The last fault. */
	int has_fault;
	char *f_type, *f_message, *f_file, *f_privilege, *f_object, *f_name;
	struct vifs_vim_fault fault;
};

/* A request being built. */
struct req {
	xmlDocPtr doc;
	xmlNodePtr op;
	xmlNsPtr vim, xsi;
	int failed; /* out of memory, or text XML cannot carry */
	const char *bad; /* the name of the element whose text was refused */
};

/* A parsed answer. */
struct resp {
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlNodePtr ret; /* the <METHOD>Response element */
};

/* --- strings ------------------------------------------------------- */

static char *
xstrdup_xml(xmlChar *s)
{
	char *p = NULL;

	if (s != NULL) {
		p = vifs_strdup((const char *)s);
		xmlFree(s);
	}
	return p;
}

/* Replaces in place what must not reach a terminal in a message: C0 and
 * C1 control characters and DEL become '?'; cuts S to MAX_TEXT bytes at a
 * character boundary. */
static char *
clean_line(char *s)
{
	unsigned char *p;
	size_t n = 0;

	if (s == NULL)
		return NULL;
	for (p = (unsigned char *)s; *p; p++, n++) {
		if (n >= MAX_TEXT && (*p & 0xc0) != 0x80) {
			/* p[3] is at worst the NUL when p[1] and p[2] are
			 * not. */
			if (p[1] != '\0' && p[2] != '\0')
				memcpy(p, "...", 4);
			else
				*p = '\0';
			break;
		}
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p[0] = '?';
			p[1] = '?';
			p++;
			n++;
		}
	}
	return s;
}

static int
set_str(char **dst, const char *src)
{
	char *p = NULL;

	if (src != NULL && (p = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	free(*dst);
	*dst = p;
	return VIFS_OK;
}

/* --- building requests -------------------------------------------- */

static xmlNodePtr
req_text(struct req *r, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;

	if (r->failed)
		return NULL;
	if (!vifs_utf8_xml_safe(text)) {
		r->failed = 1;
		r->bad = name;
		return NULL;
	}
	/* xmlNewTextChild escapes the text; it is never markup. */
	n = xmlNewTextChild(parent, r->vim, X name, X text);
	if (n == NULL)
		r->failed = 1;
	return n;
}

static xmlNodePtr
req_elem(struct req *r, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	if (r->failed)
		return NULL;
	if ((n = xmlNewChild(parent, r->vim, X name, NULL)) == NULL)
		r->failed = 1;
	return n;
}

/* <NAME type="TYPE">ID</NAME>: a managed-object reference. */
static xmlNodePtr
req_moref(struct req *r, xmlNodePtr parent, const char *name, const char *type,
    const char *id)
{
	xmlNodePtr n = req_text(r, parent, name, id);

	if (n != NULL && xmlNewProp(n, X "type", X type) == NULL)
		r->failed = 1;
	return n;
}

static void
req_free(struct req *r)
{
	xmlFreeDoc(r->doc);
	memset(r, 0, sizeof(*r));
}

/*
 * Starts the envelope of METHOD on the object THIS_ID of THIS_TYPE:
 *   <soapenv:Envelope xmlns:soapenv xmlns:xsd xmlns:xsi><soapenv:Body>
 *   <METHOD xmlns="urn:vim25"><_this type="THIS_TYPE">THIS_ID</_this>
 */
static int
req_begin(struct req *r, const char *method, const char *this_type,
    const char *this_id)
{
	xmlNodePtr env, body;
	xmlNsPtr soap;

	memset(r, 0, sizeof(*r));
	if ((r->doc = xmlNewDoc(X "1.0")) == NULL)
		goto oom;
	if ((env = xmlNewDocNode(r->doc, NULL, X "Envelope", NULL)) == NULL)
		goto oom;
	xmlDocSetRootElement(r->doc, env);
	if ((soap = xmlNewNs(env, X NS_SOAPENV, X "soapenv")) == NULL ||
	    xmlNewNs(env, X NS_XSD, X "xsd") == NULL ||
	    (r->xsi = xmlNewNs(env, X NS_XSI, X "xsi")) == NULL)
		goto oom;
	xmlSetNs(env, soap);
	if ((body = xmlNewChild(env, soap, X "Body", NULL)) == NULL ||
	    (r->op = xmlNewChild(body, NULL, X method, NULL)) == NULL ||
	    (r->vim = xmlNewNs(r->op, X NS_VIM, NULL)) == NULL)
		goto oom;
	xmlSetNs(r->op, r->vim);
	req_moref(r, r->op, "_this", this_type, this_id);
	return VIFS_OK;
oom:
	req_free(r);
	return vifs_error_set(VIFS_ENOMEM, "out of memory");
}

/* The envelope as UTF-8 text, into a new buffer *out (caller frees). */
static int
req_finish(struct req *r, const char *method, char **out, size_t *out_len)
{
	xmlChar *mem = NULL;
	int size = 0;

	*out = NULL;
	*out_len = 0;
	if (r->failed && r->bad != NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: the %s cannot be sent: it is not UTF-8 text, or it "
		    "holds a control character",
		    method, r->bad);
	if (r->failed)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	xmlDocDumpMemoryEnc(r->doc, &mem, &size, "UTF-8");
	if (mem == NULL || size < 0) {
		xmlFree(mem);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	*out = vifs_strndup((const char *)mem, (size_t)size);
	*out_len = (size_t)size;
	xmlFree(mem);
	return *out ? VIFS_OK : VIFS_ENOMEM;
}

/* --- reading answers ----------------------------------------------- */

static xmlNodePtr
xp_node(struct resp *r, xmlNodePtr at, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathNodeEval(at, X expr, r->xp);
	xmlNodePtr n = NULL;

	if (o != NULL && o->type == XPATH_NODESET && o->nodesetval != NULL &&
	    o->nodesetval->nodeNr > 0)
		n = o->nodesetval->nodeTab[0];
	xmlXPathFreeObject(o);
	return n;
}

/* The text of the first node EXPR selects from AT, as a new string; NULL
 * when nothing is selected (or out of memory). */
static char *
xp_text(struct resp *r, xmlNodePtr at, const char *expr)
{
	xmlNodePtr n = xp_node(r, at, expr);

	return n ? xstrdup_xml(xmlNodeGetContent(n)) : NULL;
}

/* The xsi:type of element N without its prefix, as a new string, or
 * NULL. */
static char *
xsi_type(xmlNodePtr n)
{
	char *t = xstrdup_xml(xmlGetNsProp(n, X "type", X NS_XSI));
	char *colon;

	if (t != NULL && (colon = strrchr(t, ':')) != NULL)
		memmove(t, colon + 1, strlen(colon + 1) + 1);
	return t;
}

static void
resp_free(struct resp *r)
{
	xmlXPathFreeContext(r->xp);
	xmlFreeDoc(r->doc);
	memset(r, 0, sizeof(*r));
}

static void
forget_fault(vifs_vim *v)
{
	v->has_fault = 0;
	free(v->f_type);
	free(v->f_message);
	free(v->f_file);
	free(v->f_privilege);
	free(v->f_object);
	free(v->f_name);
	v->f_type = v->f_message = v->f_file = v->f_privilege = NULL;
	v->f_object = v->f_name = NULL;
	memset(&v->fault, 0, sizeof(v->fault));
}

/*
 * Records the fault whose fields are the children of DETAIL (a
 * <XFault xsi:type="X"> of a SOAP fault, or the <fault> of a
 * LocalizedMethodFault), with the server's MESSAGE (taken over).
 */
static void
take_fault(vifs_vim *v, struct resp *r, xmlNodePtr detail, char *message)
{
	forget_fault(v);
	v->has_fault = 1;
	if (detail != NULL) {
		v->f_type = xsi_type(detail);
		if (v->f_type == NULL && detail->name != NULL) {
			/* <InvalidLoginFault> without xsi:type */
			size_t l = strlen((const char *)detail->name);

			v->f_type = vifs_strdup((const char *)detail->name);
			if (v->f_type != NULL && l > 5 &&
			    strcmp(v->f_type + l - 5, "Fault") == 0)
				v->f_type[l - 5] = '\0';
		}
		clean_line(v->f_type);
		v->f_file = clean_line(
		    xp_text(r, detail, "*[local-name()='file']"));
		v->f_privilege = clean_line(
		    xp_text(r, detail, "*[local-name()='privilegeId']"));
		v->f_object = clean_line(
		    xp_text(r, detail, "*[local-name()='object']"));
		v->f_name = clean_line(xp_text(r, detail,
		    "*[local-name()='name' or local-name()='datastorePath']"));
	}
	if (message != NULL && *message == '\0') {
		free(message);
		message = NULL;
	}
	v->f_message = clean_line(message);
	v->fault.type = v->f_type;
	v->fault.message = v->f_message;
	v->fault.file = v->f_file;
	v->fault.privilege = v->f_privilege;
	v->fault.object = v->f_object;
	v->fault.name = v->f_name;
}

static int
type_is(const vifs_vim *v, const char *type)
{
	return v->f_type != NULL && strcmp(v->f_type, type) == 0;
}

/* Turns the recorded fault of METHOD into an error code and a message. */
static int
fault_error(vifs_vim *v, const char *method)
{
	const char *type = v->f_type ? v->f_type : "unknown fault";
	const char *file = v->f_file;
	struct vifs_buf b = VIFS_BUF_INIT;
	int code = VIFS_ESOAP, error;

#define PUT(...) vifs_buf_printf(&b, __VA_ARGS__)
	if (type_is(v, "InvalidLogin")) {
		code = VIFS_EAUTH;
		PUT("login as %s refused: wrong user name or password",
		    v->user ? v->user : "(no user)");
	} else if (type_is(v, "NotAuthenticated")) {
		code = VIFS_EAUTH;
		PUT("not logged in, or the session has expired");
	} else if (type_is(v, "NoPermission")) {
		code = VIFS_EPERM;
		PUT("permission denied: the user needs the privilege %s",
		    v->f_privilege ? v->f_privilege : "(not named)");
		if (v->f_object != NULL)
			PUT(" on %s", v->f_object);
	} else if (type_is(v, "FileNotFound")) {
		code = VIFS_ENOTFOUND;
		PUT("no such file or directory");
	} else if (type_is(v, "FileAlreadyExists")) {
		code = VIFS_EEXISTS;
		PUT("file already exists");
	} else if (type_is(v, "CannotDeleteFile")) {
		PUT("cannot delete the file");
	} else if (type_is(v, "CannotCreateFile")) {
		PUT("cannot create the file");
	} else if (type_is(v, "CannotAccessFile")) {
		PUT("cannot access the file");
	} else if (type_is(v, "FileLocked")) {
		PUT("the file is locked");
	} else if (type_is(v, "NoDiskSpace")) {
		PUT("no space left on the datastore");
	} else if (type_is(v, "InvalidDatastore")) {
		code = VIFS_ENOTFOUND;
		PUT("no such datastore");
	} else if (type_is(v, "InvalidDatastorePath")) {
		PUT("not a datastore path");
	} else if (type_is(v, "ManagedObjectNotFound")) {
		code = VIFS_ENOTFOUND;
		PUT("the host no longer has that object");
	} else {
		/* Unknown to us: the server's own words. */
		PUT("%s", v->f_message ? v->f_message : "fault");
	}
	if (file != NULL)
		PUT(": %s", file);
	else if (v->f_name != NULL && !type_is(v, "NoPermission"))
		PUT(": %s", v->f_name);
	PUT(" (%s)", type);
#undef PUT
	error = vifs_error_set(code, "%s: %s: %s", v->where, method,
	    b.data ? b.data : type);
	vifs_buf_free(&b);
	return error;
}

/* An answer that is not SOAP: WHY says what it is. */
static int
not_soap(vifs_vim *v, const char *method, long status, const char *why)
{
	if (!v->spoken)
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "%s: no VIM API at %s: %s answered HTTP status %ld with %s "
		    "(check --url or --servicepath)",
		    v->where, v->service_path, method, status, why);
	return vifs_error_set(VIFS_EPARSE,
	    "%s: %s: the answer is not SOAP: HTTP status %ld with %s", v->where,
	    method, status, why);
}

/*
 * Parses the answer to METHOD into *out.  A SOAP fault is recorded and
 * turned into an error; so is anything that is not the expected
 * response.
 */
static int
parse_reply(vifs_vim *v, const char *method, const struct vim_reply *rep,
    struct resp *out)
{
	struct vifs_xml_quiet q;
	xmlNodePtr body, n;
	char want[128];
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (rep->len == 0)
		return not_soap(v, method, rep->status, "an empty body");
	if (rep->len > INT_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "%s: %s: answer too large",
		    v->where, method);
	vifs_xml_quiet_begin(&q);
	/* No entities, no DTD, nothing from the network. */
	out->doc = xmlReadMemory(rep->body, (int)rep->len, "soap.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	vifs_xml_quiet_end(&q);
	if (out->doc == NULL) {
		error = not_soap(v, method, rep->status,
		    "a body that is not well-formed XML");
		goto done;
	}
	if (out->doc->intSubset != NULL || out->doc->extSubset != NULL) {
		error = not_soap(v, method, rep->status,
		    "XML that has a document type (SOAP has none)");
		goto done;
	}
	if ((out->xp = xmlXPathNewContext(out->doc)) == NULL ||
	    xmlXPathRegisterNs(out->xp, X "s", X NS_SOAPENV) ||
	    xmlXPathRegisterNs(out->xp, X "v", X NS_VIM)) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	body = xp_node(out, (xmlNodePtr)out->doc, "/s:Envelope/s:Body");
	if (body == NULL) {
		error = not_soap(v, method, rep->status,
		    "XML that is no SOAP envelope");
		goto done;
	}
	v->spoken = 1;
	if ((n = xp_node(out, body, "s:Fault")) != NULL) {
		take_fault(v, out,
		    xp_node(out, n, "*[local-name()='detail']/*[1]"),
		    xp_text(out, n, "*[local-name()='faultstring']"));
		error = fault_error(v, method);
		goto done;
	}
	if (rep->status < 200 || rep->status > 299) {
		error = vifs_error_set(VIFS_ESOAP,
		    "%s: %s: HTTP status %ld without a SOAP fault", v->where,
		    method, rep->status);
		goto done;
	}
	snprintf(want, sizeof(want), "%sResponse", method);
	n = xp_node(out, body, "*[1]");
	if (n == NULL || n->ns == NULL || !xmlStrEqual(n->ns->href, X NS_VIM) ||
	    !xmlStrEqual(n->name, X want)) {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the SOAP answer holds no %s", v->where, method,
		    want);
		goto done;
	}
	out->ret = n;
done:
	if (error < 0)
		resp_free(out);
	return error;
}

/* Sends the request R for METHOD and parses the answer into *out. */
static int
call(vifs_vim *v, const char *method, struct req *r, struct resp *out)
{
	struct vim_reply rep;
	char *text = NULL;
	size_t len;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&rep, 0, sizeof(rep));
	forget_fault(v);
	if ((error = req_finish(r, method, &text, &len)) < 0)
		goto done;
	if ((error = v->post(v->post_arg, text, len, &rep)) < 0)
		goto done;
	/* Real hosts serve the default path and "/sdk"; govmomi's simulator
	 * only "/sdk".  A 404 before any SOAP answer at the default path
	 * moves the client to "/sdk" once, for the rest of its life. */
	if (rep.status == 404 && !v->spoken && !v->path_given &&
	    strcmp(v->service_path, DEFAULT_SERVICE_PATH) == 0) {
		if ((error = set_str(&v->service_path, FALLBACK_SERVICE_PATH)) <
		    0)
			goto done;
		free(rep.body);
		memset(&rep, 0, sizeof(rep));
		if ((error = v->post(v->post_arg, text, len, &rep)) < 0)
			goto done;
	}
	if ((error = parse_reply(v, method, &rep, out)) < 0)
		goto done;
	/* A login's cookie comes with its answer. */
	if (rep.cookie != NULL && strcmp(method, "Login") == 0)
		error = set_str(&v->cookie, rep.cookie);
done:
	if (text != NULL) {
		/* A Login envelope holds the password. */
		for (volatile char *p = text; *p; p++)
			*p = '\0';
		free(text);
	}
	free(rep.body);
	if (error < 0)
		resp_free(out);
	return error;
}

/* --- the http transport -------------------------------------------- */

static int
http_post(void *arg, const char *req, size_t len, struct vim_reply *reply)
{
	static const char *const headers[] = {
		"Content-Type: text/xml; charset=utf-8",
		/* The API version of the requests: 5.0, the oldest of the
		 * hosts the vSphere CLI 5 speaks to; later hosts accept it. */
		"SOAPAction: \"urn:vim25/5.0\"",
		NULL,
	};
	vifs_vim *v = arg;
	int error;

	error = vifs_http_post(v->http, v->service_path, headers, req, len,
	    &reply->body, &reply->len, 0);
	if (error < 0)
		return error;
	reply->status = vifs_http_last_status(v->http);
	reply->cookie = vifs_http_response_cookie(v->http, SESSION_COOKIE);
	return VIFS_OK;
}

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
	(*out)->post = http_post;
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
	forget_fault(v);
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
vifs_vim_connect(vifs_vim *v, const struct vifs_vim_about **about)
{
	static const char *const M = "RetrieveServiceContent";
	struct req r;
	struct resp a;
	xmlNodePtr rv;
	int error;

	if (about != NULL)
		*about = NULL;
	if ((error = req_begin(&r, M, "ServiceInstance", "ServiceInstance")) <
	    0)
		return error;
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	rv = xp_node(&a, a.ret, "v:returnval");
	free(v->root_folder);
	free(v->property_collector);
	free(v->session_manager);
	free(v->file_manager);
	free(v->full_name);
	free(v->api_type);
	free(v->api_version);
	v->root_folder = rv ? xp_text(&a, rv, "v:rootFolder") : NULL;
	v->property_collector = rv ? xp_text(&a, rv, "v:propertyCollector") :
	                             NULL;
	v->session_manager = rv ? xp_text(&a, rv, "v:sessionManager") : NULL;
	v->file_manager = rv ? xp_text(&a, rv, "v:fileManager") : NULL;
	v->full_name = clean_line(
	    rv ? xp_text(&a, rv, "v:about/v:fullName") : NULL);
	v->api_type = clean_line(
	    rv ? xp_text(&a, rv, "v:about/v:apiType") : NULL);
	v->api_version = clean_line(
	    rv ? xp_text(&a, rv, "v:about/v:apiVersion") : NULL);
	resp_free(&a);
	if (v->root_folder == NULL || v->property_collector == NULL ||
	    v->session_manager == NULL || !*v->root_folder ||
	    !*v->property_collector || !*v->session_manager)
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer lacks the root folder, the property "
		    "collector or the session manager",
		    v->where, M);
	v->about.full_name = v->full_name ? v->full_name : "";
	v->about.api_type = v->api_type ? v->api_type : "";
	v->about.api_version = v->api_version ? v->api_version : "";
	v->have_sc = 1;
	if (about != NULL)
		*about = &v->about;
	return VIFS_OK;
}

static int
need_sc(vifs_vim *v)
{
	return v->have_sc ? VIFS_OK : vifs_vim_connect(v, NULL);
}

static int
need_file_manager(vifs_vim *v, const char *method)
{
	int error;

	if ((error = need_sc(v)) < 0)
		return error;
	if (v->file_manager == NULL || *v->file_manager == '\0')
		return vifs_error_set(VIFS_EUNSUPPORTED,
		    "%s: %s: the host has no FileManager", v->where, method);
	return VIFS_OK;
}

int
vifs_vim_login(vifs_vim *v, const char *user, const char *password)
{
	static const char *const M = "Login";
	struct req r;
	struct resp a;
	int error;

	if ((error = need_sc(v)) < 0)
		return error;
	if ((error = set_str(&v->user, user)) < 0)
		return error;
	clean_line(v->user);
	free(v->cookie);
	v->cookie = NULL;
	if ((error = req_begin(&r, M, "SessionManager", v->session_manager)) <
	    0)
		return error;
	req_text(&r, r.op, "userName", user);
	req_text(&r, r.op, "password", password);
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	resp_free(&a);
	if (v->cookie == NULL)
		return vifs_error_set(VIFS_EAUTH,
		    "%s: %s: the host accepted the login but set no %s "
		    "cookie",
		    v->where, M, SESSION_COOKIE);
	return use_cookie(v, v->cookie);
}

/* CurrentTime, whose fault is the test of a session. */
static int
current_time(vifs_vim *v, char **out, int resuming)
{
	static const char *const M = "CurrentTime";
	struct req r;
	struct resp a;
	int error;

	*out = NULL;
	if ((error = req_begin(&r, M, "ServiceInstance", "ServiceInstance")) <
	    0)
		return error;
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error < 0) {
		if (resuming && v->has_fault && type_is(v, "NotAuthenticated"))
			return vifs_error_set(VIFS_EAUTH,
			    "%s: the session has expired or was logged out "
			    "(NotAuthenticated)",
			    v->where);
		return error;
	}
	*out = xp_text(&a, a.ret, "v:returnval");
	resp_free(&a);
	if (*out == NULL)
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer holds no time", v->where, M);
	clean_line(*out);
	return VIFS_OK;
}

int
vifs_vim_current_time(vifs_vim *v, char **out)
{
	return current_time(v, out, 0);
}

int
vifs_vim_resume(vifs_vim *v, const char *cookie)
{
	char *now = NULL;
	int error;

	if (cookie == NULL || *cookie == '\0')
		return vifs_error_set(VIFS_EINVAL, "no session cookie");
	if ((error = set_str(&v->cookie, cookie)) < 0 ||
	    (error = use_cookie(v, cookie)) < 0)
		return error;
	error = current_time(v, &now, 1);
	free(now);
	if (error < 0) {
		free(v->cookie);
		v->cookie = NULL;
	}
	return error;
}

int
vifs_vim_logout(vifs_vim *v)
{
	static const char *const M = "Logout";
	struct req r;
	struct resp a;
	int error;

	if ((error = need_sc(v)) < 0)
		goto done;
	if ((error = req_begin(&r, M, "SessionManager", v->session_manager)) <
	    0)
		goto done;
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error == 0)
		resp_free(&a);
done:
	free(v->cookie);
	v->cookie = NULL;
	if (v->http != NULL)
		vifs_http_set_cookie(v->http, NULL);
	return error;
}

int
vifs_vim_mkdir(vifs_vim *v, const char *name, const char *datacenter,
    int parents)
{
	static const char *const M = "MakeDirectory";
	struct req r;
	struct resp a;
	int error;

	if ((error = need_file_manager(v, M)) < 0)
		return error;
	if ((error = req_begin(&r, M, "FileManager", v->file_manager)) < 0)
		return error;
	req_text(&r, r.op, "name", name);
	if (datacenter != NULL)
		req_moref(&r, r.op, "datacenter", "Datacenter", datacenter);
	req_text(&r, r.op, "createParentDirectories",
	    parents ? "true" : "false");
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error == 0)
		resp_free(&a);
	return error;
}

/* --- tasks --------------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* A signal ends the pause early; the caller then looks at its
	 * cancel callback. */
	nanosleep(&ts, NULL);
}

/*
 * Reads info.state and info.error of TASK: *state is 0 while the task is
 * queued or running, 1 when it succeeded; a task that failed is its
 * fault, turned into an error for METHOD.
 */
static int
task_state(vifs_vim *v, const char *method, const char *task, int *state)
{
	static const char *const M = "RetrievePropertiesEx";
	struct req r;
	struct resp a;
	xmlNodePtr spec, ps, os, obj, n;
	char *s = NULL;
	int error;

	*state = 0;
	if ((error = req_begin(&r, M, "PropertyCollector",
	         v->property_collector)) < 0)
		return error;
	spec = req_elem(&r, r.op, "specSet");
	ps = req_elem(&r, spec, "propSet");
	req_text(&r, ps, "type", "Task");
	req_text(&r, ps, "pathSet", "info.state");
	req_text(&r, ps, "pathSet", "info.error");
	os = req_elem(&r, spec, "objectSet");
	req_moref(&r, os, "obj", "Task", task);
	req_elem(&r, r.op, "options");
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	obj = xp_node(&a, a.ret, "v:returnval/v:objects");
	s = obj ? xp_text(&a, obj, "v:propSet[v:name='info.state']/v:val") :
	          NULL;
	if (s == NULL) {
		/* A property the host would not give says why. */
		n = obj ? xp_node(&a, obj, "v:missingSet/v:fault") : NULL;
		if (n != NULL) {
			take_fault(v, &a, xp_node(&a, n, "v:fault"),
			    xp_text(&a, n, "v:localizedMessage"));
			error = fault_error(v, method);
		} else
			error = vifs_error_set(VIFS_EPARSE,
			    "%s: %s: the host gave no state of task %s",
			    v->where, method, task);
	} else if (strcmp(s, "success") == 0) {
		*state = 1;
	} else if (strcmp(s, "error") == 0) {
		n = xp_node(&a, obj, "v:propSet[v:name='info.error']/v:val");
		take_fault(v, &a, n ? xp_node(&a, n, "v:fault") : NULL,
		    n ? xp_text(&a, n, "v:localizedMessage") : NULL);
		error = fault_error(v, method);
	} else if (strcmp(s, "queued") != 0 && strcmp(s, "running") != 0) {
		error = vifs_error_set(VIFS_EPARSE,
		    "%s: %s: task %s is in the unknown state '%s'", v->where,
		    method, task, clean_line(s));
	}
	free(s);
	resp_free(&a);
	return error;
}

/*
 * Waits for TASK: its state is read at once (ESXi finishes most file
 * tasks within the call), then after pauses that start at poll_first_ms
 * and double up to poll_max_ms.
 */
static int
wait_task(vifs_vim *v, const char *method, const char *task)
{
	int64_t start = now_ms();
	long pause = v->poll_first_ms;
	int state = 0, error;

	for (;;) {
		if ((error = task_state(v, method, task, &state)) < 0)
			return error;
		if (state == 1)
			return VIFS_OK;
		if (v->cancel != NULL && v->cancel(v->cancel_payload))
			return vifs_error_set(VIFS_ERROR,
			    "%s: %s: stopped waiting for task %s, which goes "
			    "on on the host",
			    v->where, method, task);
		if (v->task_timeout_ms > 0 &&
		    now_ms() - start + pause > v->task_timeout_ms)
			return vifs_error_set(VIFS_ETIMEOUT,
			    "%s: %s: task %s still running after %ld ms",
			    v->where, method, task, v->task_timeout_ms);
		pause_ms(pause);
		if (v->cancel != NULL && v->cancel(v->cancel_payload))
			continue; /* said above, after one more look */
		pause = pause > v->poll_max_ms / 2 ? v->poll_max_ms : pause * 2;
	}
}

/* Sends R (a *_Task method) and waits for the task it starts. */
static int
run_task(vifs_vim *v, const char *method, struct req *r)
{
	struct resp a;
	char *task = NULL;
	xmlNodePtr n;
	int error;

	error = call(v, method, r, &a);
	if (error < 0)
		return error;
	n = xp_node(&a, a.ret, "v:returnval");
	if (n != NULL)
		task = xstrdup_xml(xmlNodeGetContent(n));
	resp_free(&a);
	if (task == NULL || *task == '\0' || !vifs_utf8_xml_safe(task)) {
		free(task);
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer names no task", v->where, method);
	}
	error = wait_task(v, method, task);
	free(task);
	return error;
}

int
vifs_vim_delete(vifs_vim *v, const char *name, const char *datacenter)
{
	static const char *const M = "DeleteDatastoreFile_Task";
	struct req r;
	int error;

	if ((error = need_file_manager(v, M)) < 0)
		return error;
	if ((error = req_begin(&r, M, "FileManager", v->file_manager)) < 0)
		return error;
	req_text(&r, r.op, "name", name);
	if (datacenter != NULL)
		req_moref(&r, r.op, "datacenter", "Datacenter", datacenter);
	error = run_task(v, M, &r);
	req_free(&r);
	return error;
}

static int
copy_or_move(vifs_vim *v, const char *method, const char *src, const char *dst,
    const char *datacenter, int force)
{
	struct req r;
	int error;

	if ((error = need_file_manager(v, method)) < 0)
		return error;
	if ((error = req_begin(&r, method, "FileManager", v->file_manager)) < 0)
		return error;
	req_text(&r, r.op, "sourceName", src);
	if (datacenter != NULL)
		req_moref(&r, r.op, "sourceDatacenter", "Datacenter",
		    datacenter);
	req_text(&r, r.op, "destinationName", dst);
	if (datacenter != NULL)
		req_moref(&r, r.op, "destinationDatacenter", "Datacenter",
		    datacenter);
	req_text(&r, r.op, "force", force ? "true" : "false");
	error = run_task(v, method, &r);
	req_free(&r);
	return error;
}

int
vifs_vim_copy(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force)
{
	return copy_or_move(v, "CopyDatastoreFile_Task", src, dst, datacenter,
	    force);
}

int
vifs_vim_move(vifs_vim *v, const char *src, const char *dst,
    const char *datacenter, int force)
{
	return copy_or_move(v, "MoveDatastoreFile_Task", src, dst, datacenter,
	    force);
}

/* --- datacenters ----------------------------------------------------- */

/* An object of the inventory walk. */
struct inv {
	char *id;
	int is_dc; /* Datacenter, else Folder */
	char *name;
	char *parent; /* id of the parent, or NULL */
};

struct invlist {
	struct inv *items;
	size_t count, cap;
};

static void
invlist_free(struct invlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].name);
		free(l->items[i].parent);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Adds the <objects> of the RetrieveResult RV to L; *token gets the
 * continuation token, or NULL. */
static int
take_objects(struct resp *a, xmlNodePtr rv, struct invlist *l, char **token)
{
	xmlXPathObjectPtr o;
	int error = 0;

	*token = xp_text(a, rv, "v:token");
	o = xmlXPathNodeEval(rv, X "v:objects", a->xp);
	if (o == NULL || o->type != XPATH_NODESET || o->nodesetval == NULL)
		goto done;
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr obj = o->nodesetval->nodeTab[i], ref;
		struct inv e;
		char *type;

		memset(&e, 0, sizeof(e));
		if ((ref = xp_node(a, obj, "v:obj")) == NULL)
			continue;
		type = xstrdup_xml(xmlGetNoNsProp(ref, X "type"));
		if (type == NULL ||
		    (strcmp(type, "Datacenter") != 0 &&
		        strcmp(type, "Folder") != 0)) {
			free(type);
			continue;
		}
		e.is_dc = strcmp(type, "Datacenter") == 0;
		free(type);
		e.id = xstrdup_xml(xmlNodeGetContent(ref));
		e.name = clean_line(
		    xp_text(a, obj, "v:propSet[v:name='name']/v:val"));
		e.parent = xp_text(a, obj, "v:propSet[v:name='parent']/v:val");
		if (e.id == NULL || e.name == NULL) {
			free(e.id);
			free(e.name);
			free(e.parent);
			continue;
		}
		if (l->count == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct inv *p = realloc(l->items, cap * sizeof(*p));

			if (p == NULL) {
				free(e.id);
				free(e.name);
				free(e.parent);
				error = vifs_error_set(VIFS_ENOMEM,
				    "out of memory");
				goto done;
			}
			l->items = p;
			l->cap = cap;
		}
		l->items[l->count++] = e;
	}
done:
	xmlXPathFreeObject(o);
	return error;
}

/* The inventory path of datacenter D: the names of its folders up to the
 * root folder (left out) and its own, joined by '/'. */
static char *
inv_path(const vifs_vim *v, const struct invlist *l, const struct inv *d)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const struct inv *chain[64];
	size_t n = 0;
	const struct inv *cur = d;

	while (cur != NULL && n < sizeof(chain) / sizeof(chain[0])) {
		const struct inv *up = NULL;

		chain[n++] = cur;
		if (cur->parent == NULL ||
		    strcmp(cur->parent, v->root_folder) == 0)
			break;
		for (size_t i = 0; i < l->count; i++)
			if (!l->items[i].is_dc &&
			    strcmp(l->items[i].id, cur->parent) == 0) {
				up = &l->items[i];
				break;
			}
		cur = up;
	}
	while (n > 0) {
		n--;
		if (vifs_buf_puts(&b, chain[n]->name) < 0 ||
		    (n > 0 && vifs_buf_putc(&b, '/') < 0)) {
			vifs_buf_free(&b);
			return NULL;
		}
	}
	return vifs_buf_detach(&b, NULL);
}

/* RetrievePropertiesEx over the folders from the root, for the name and
 * parent of every Datacenter and Folder. */
static int
retrieve_inventory(vifs_vim *v, struct req *r)
{
	xmlNodePtr spec, ps, os, sel, inner;
	int error;

	if ((error = req_begin(r, "RetrievePropertiesEx", "PropertyCollector",
	         v->property_collector)) < 0)
		return error;
	spec = req_elem(r, r->op, "specSet");
	ps = req_elem(r, spec, "propSet");
	req_text(r, ps, "type", "Datacenter");
	req_text(r, ps, "pathSet", "name");
	req_text(r, ps, "pathSet", "parent");
	ps = req_elem(r, spec, "propSet");
	req_text(r, ps, "type", "Folder");
	req_text(r, ps, "pathSet", "name");
	req_text(r, ps, "pathSet", "parent");
	os = req_elem(r, spec, "objectSet");
	req_moref(r, os, "obj", "Folder", v->root_folder);
	req_text(r, os, "skip", "true");
	sel = req_elem(r, os, "selectSet");
	if (sel != NULL &&
	    xmlNewNsProp(sel, r->xsi, X "type", X "TraversalSpec") == NULL)
		r->failed = 1;
	req_text(r, sel, "name", "folders");
	req_text(r, sel, "type", "Folder");
	req_text(r, sel, "path", "childEntity");
	req_text(r, sel, "skip", "false");
	inner = req_elem(r, sel, "selectSet");
	req_text(r, inner, "name", "folders");
	req_elem(r, r->op, "options");
	return VIFS_OK;
}

int
vifs_vim_datacenters(vifs_vim *v, struct vifs_vim_dclist **out)
{
	struct invlist inv = { NULL, 0, 0 };
	struct vifs_vim_dclist *l = NULL;
	char *token = NULL;
	struct req r;
	struct resp a;
	int error, pages = 0;
	size_t ndc = 0;

	*out = NULL;
	if ((error = need_sc(v)) < 0)
		return error;
	if ((error = retrieve_inventory(v, &r)) < 0)
		return error;
	error = call(v, "RetrievePropertiesEx", &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	for (;;) {
		xmlNodePtr rv = xp_node(&a, a.ret, "v:returnval");

		free(token);
		token = NULL;
		error = rv ? take_objects(&a, rv, &inv, &token) : 0;
		resp_free(&a);
		if (error < 0 || token == NULL)
			break;
		if (++pages > MAX_PAGES) {
			error = vifs_error_set(VIFS_ETOOBIG,
			    "%s: more than %d pages of inventory", v->where,
			    MAX_PAGES);
			break;
		}
		if ((error = req_begin(&r, "ContinueRetrievePropertiesEx",
		         "PropertyCollector", v->property_collector)) < 0)
			break;
		req_text(&r, r.op, "token", token);
		error = call(v, "ContinueRetrievePropertiesEx", &r, &a);
		req_free(&r);
		if (error < 0)
			break;
	}
	free(token);
	if (error < 0)
		goto done;
	for (size_t i = 0; i < inv.count; i++)
		ndc += inv.items[i].is_dc ? 1 : 0;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (ndc > 0 && (l->items = calloc(ndc, sizeof(*l->items))) == NULL)) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < inv.count; i++) {
		struct vifs_vim_datacenter *d;

		if (!inv.items[i].is_dc)
			continue;
		d = &l->items[l->count++];
		d->path = inv_path(v, &inv, &inv.items[i]);
		d->id = inv.items[i].id;
		d->name = inv.items[i].name;
		inv.items[i].id = inv.items[i].name = NULL;
		if (d->path == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
	}
	*out = l;
	l = NULL;
done:
	invlist_free(&inv);
	vifs_vim_dclist_free(l);
	return error;
}

void
vifs_vim_dclist_free(struct vifs_vim_dclist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].id);
		free(l->items[i].name);
		free(l->items[i].path);
	}
	free(l->items);
	free(l);
}

const struct vifs_vim_datacenter *
vifs_vim_dclist_find(const struct vifs_vim_dclist *l, const char *name)
{
	for (size_t i = 0; l != NULL && i < l->count; i++)
		if (strcmp(l->items[i].path, name) == 0)
			return &l->items[i];
	for (size_t i = 0; l != NULL && i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* --- the host and its firmware system ------------------------------- */

/* A TraversalSpec NAME over TYPE.PATH in SEL's place, selecting NEXT. */
static void
traverse(struct req *r, xmlNodePtr parent, const char *name, const char *type,
    const char *path, const char *const *next)
{
	xmlNodePtr sel = req_elem(r, parent, "selectSet");

	if (sel != NULL &&
	    xmlNewNsProp(sel, r->xsi, X "type", X "TraversalSpec") == NULL)
		r->failed = 1;
	req_text(r, sel, "name", name);
	req_text(r, sel, "type", type);
	req_text(r, sel, "path", path);
	req_text(r, sel, "skip", "false");
	for (; next != NULL && *next != NULL; next++)
		req_text(r, req_elem(r, sel, "selectSet"), "name", *next);
}

int
vifs_vim_host(vifs_vim *v, struct vifs_vim_host *out)
{
	static const char *const M = "RetrievePropertiesEx";
	static const char *const from_folder[] = { "folders", "dcHosts",
		"crHosts", NULL };
	static const char *const from_dc[] = { "folders", NULL };
	struct req r;
	struct resp a;
	xmlNodePtr spec, ps, os;
	xmlXPathObjectPtr o = NULL;
	char *maint = NULL;
	int error, n = 0;

	memset(out, 0, sizeof(*out));
	if ((error = need_sc(v)) < 0)
		return error;
	if ((error = req_begin(&r, M, "PropertyCollector",
	         v->property_collector)) < 0)
		return error;
	spec = req_elem(&r, r.op, "specSet");
	ps = req_elem(&r, spec, "propSet");
	req_text(&r, ps, "type", "HostSystem");
	req_text(&r, ps, "pathSet", "name");
	req_text(&r, ps, "pathSet", "configManager.firmwareSystem");
	req_text(&r, ps, "pathSet", "runtime.inMaintenanceMode");
	os = req_elem(&r, spec, "objectSet");
	req_moref(&r, os, "obj", "Folder", v->root_folder);
	req_text(&r, os, "skip", "true");
	traverse(&r, os, "folders", "Folder", "childEntity", from_folder);
	traverse(&r, os, "dcHosts", "Datacenter", "hostFolder", from_dc);
	traverse(&r, os, "crHosts", "ComputeResource", "host", NULL);
	req_elem(&r, r.op, "options");
	error = call(v, M, &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	o = xmlXPathNodeEval(a.ret,
	    X "v:returnval/v:objects[v:obj/@type='HostSystem']", a.xp);
	if (o != NULL && o->type == XPATH_NODESET && o->nodesetval != NULL)
		n = o->nodesetval->nodeNr;
	if (n != 1) {
		error = vifs_error_set(n == 0 ? VIFS_ENOTFOUND :
		                                VIFS_EUNSUPPORTED,
		    "%s: %s: %s", v->where, M,
		    n == 0 ? "the host shows no HostSystem" :
		             "more than one HostSystem: this is a vCenter, "
		             "not an ESXi host");
		goto done;
	}
	{
		xmlNodePtr obj = o->nodesetval->nodeTab[0];

		out->id = xp_text(&a, obj, "v:obj");
		out->name = clean_line(
		    xp_text(&a, obj, "v:propSet[v:name='name']/v:val"));
		out->firmware = xp_text(&a, obj,
		    "v:propSet[v:name='configManager.firmwareSystem']/v:val");
		maint = xp_text(&a, obj,
		    "v:propSet[v:name='runtime.inMaintenanceMode']/v:val");
	}
	out->in_maintenance = maint != NULL && strcmp(maint, "true") == 0;
	if (out->id == NULL || out->firmware == NULL ||
	    *out->firmware == '\0' || !vifs_utf8_xml_safe(out->firmware)) {
		error = vifs_error_set(VIFS_EUNSUPPORTED,
		    "%s: %s: the host has no HostFirmwareSystem", v->where, M);
		goto done;
	}
done:
	free(maint);
	xmlXPathFreeObject(o);
	resp_free(&a);
	if (error < 0)
		vifs_vim_host_clear(out);
	return error;
}

void
vifs_vim_host_clear(struct vifs_vim_host *h)
{
	free(h->id);
	free(h->name);
	free(h->firmware);
	memset(h, 0, sizeof(*h));
}

/* A method of the HostFirmwareSystem FIRMWARE; *url (when not NULL)
 * gets its string answer.  FORCE >= 0 adds the argument "force". */
static int
firmware_call(vifs_vim *v, const char *method, const char *firmware, int force,
    char **url)
{
	struct req r;
	struct resp a;
	int error;

	if (url != NULL)
		*url = NULL;
	if ((error = need_sc(v)) < 0)
		return error;
	if ((error = req_begin(&r, method, "HostFirmwareSystem", firmware)) < 0)
		return error;
	if (force >= 0)
		req_text(&r, r.op, "force", force ? "true" : "false");
	error = call(v, method, &r, &a);
	req_free(&r);
	if (error < 0)
		return error;
	if (url != NULL) {
		*url = clean_line(xp_text(&a, a.ret, "v:returnval"));
		if (*url == NULL || **url == '\0') {
			free(*url);
			*url = NULL;
			error = vifs_error_set(VIFS_EPARSE,
			    "%s: %s: the answer holds no URL", v->where,
			    method);
		}
	}
	resp_free(&a);
	return error;
}

int
vifs_vim_firmware_sync(vifs_vim *v, const char *firmware)
{
	return firmware_call(v, "SyncFirmwareConfiguration", firmware, -1,
	    NULL);
}

int
vifs_vim_firmware_backup(vifs_vim *v, const char *firmware, char **url)
{
	return firmware_call(v, "BackupFirmwareConfiguration", firmware, -1,
	    url);
}

int
vifs_vim_firmware_upload_url(vifs_vim *v, const char *firmware, char **url)
{
	return firmware_call(v, "QueryFirmwareConfigUploadURL", firmware, -1,
	    url);
}

int
vifs_vim_firmware_restore(vifs_vim *v, const char *firmware, int force)
{
	return firmware_call(v, "RestoreFirmwareConfiguration", firmware,
	    force ? 1 : 0, NULL);
}
