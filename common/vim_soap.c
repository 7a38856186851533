/*
 * vim_soap.c - the VIM client's SOAP layer: envelopes built with libxml2's
 * tree API, answers read with libxml2 and XPath, faults turned into one
 * line, and the HTTP transport.
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
/* --- strings ------------------------------------------------------- */

char *
vim_xstrdup_xml(xmlChar *s)
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
char *
vim_clean_line(char *s)
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

int
vim_set_str(char **dst, const char *src)
{
	char *p = NULL;

	if (src != NULL && (p = vifs_strdup(src)) == NULL)
		return VIFS_ENOMEM;
	free(*dst);
	*dst = p;
	return VIFS_OK;
}

/* --- building requests -------------------------------------------- */

xmlNodePtr
vim_req_text(struct req *r, xmlNodePtr parent, const char *name,
    const char *text)
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

xmlNodePtr
vim_req_elem(struct req *r, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	if (r->failed)
		return NULL;
	if ((n = xmlNewChild(parent, r->vim, X name, NULL)) == NULL)
		r->failed = 1;
	return n;
}

/* <NAME type="TYPE">ID</NAME>: a managed-object reference. */
xmlNodePtr
vim_req_moref(struct req *r, xmlNodePtr parent, const char *name,
    const char *type, const char *id)
{
	xmlNodePtr n = vim_req_text(r, parent, name, id);

	if (n != NULL && xmlNewProp(n, X "type", X type) == NULL)
		r->failed = 1;
	return n;
}

void
vim_req_traverse(struct req *r, xmlNodePtr parent, const char *name,
    const char *type, const char *path, const char *const *next)
{
	xmlNodePtr sel = vim_req_elem(r, parent, "selectSet");

	if (sel != NULL &&
	    xmlNewNsProp(sel, r->xsi, X "type", X "TraversalSpec") == NULL)
		r->failed = 1;
	vim_req_text(r, sel, "name", name);
	vim_req_text(r, sel, "type", type);
	vim_req_text(r, sel, "path", path);
	vim_req_text(r, sel, "skip", "false");
	for (; next != NULL && *next != NULL; next++)
		vim_req_text(r, vim_req_elem(r, sel, "selectSet"), "name",
		    *next);
}

void
vim_req_free(struct req *r)
{
	xmlFreeDoc(r->doc);
	memset(r, 0, sizeof(*r));
}

/*
 * Starts the envelope of METHOD on the object THIS_ID of THIS_TYPE:
 *   <soapenv:Envelope xmlns:soapenv xmlns:xsd xmlns:xsi><soapenv:Body>
 *   <METHOD xmlns="urn:vim25"><_this type="THIS_TYPE">THIS_ID</_this>
 */
int
vim_req_begin(struct req *r, const char *method, const char *this_type,
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
	vim_req_moref(r, r->op, "_this", this_type, this_id);
	return VIFS_OK;
oom:
	vim_req_free(r);
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

xmlNodePtr
vim_xp_node(struct resp *r, xmlNodePtr at, const char *expr)
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
char *
vim_xp_text(struct resp *r, xmlNodePtr at, const char *expr)
{
	xmlNodePtr n = vim_xp_node(r, at, expr);

	return n ? vim_xstrdup_xml(xmlNodeGetContent(n)) : NULL;
}

/* The xsi:type of element N without its prefix, as a new string, or
 * NULL. */
static char *
xsi_type(xmlNodePtr n)
{
	char *t = vim_xstrdup_xml(xmlGetNsProp(n, X "type", X NS_XSI));
	char *colon;

	if (t != NULL && (colon = strrchr(t, ':')) != NULL)
		memmove(t, colon + 1, strlen(colon + 1) + 1);
	return t;
}

void
vim_resp_free(struct resp *r)
{
	xmlXPathFreeContext(r->xp);
	xmlFreeDoc(r->doc);
	memset(r, 0, sizeof(*r));
}

void
vim_forget_fault(vifs_vim *v)
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
void
vim_take_fault(vifs_vim *v, struct resp *r, xmlNodePtr detail, char *message)
{
	vim_forget_fault(v);
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
		vim_clean_line(v->f_type);
		v->f_file = vim_clean_line(
		    vim_xp_text(r, detail, "*[local-name()='file']"));
		v->f_privilege = vim_clean_line(
		    vim_xp_text(r, detail, "*[local-name()='privilegeId']"));
		v->f_object = vim_clean_line(
		    vim_xp_text(r, detail, "*[local-name()='object']"));
		v->f_name = vim_clean_line(vim_xp_text(r, detail,
		    "*[local-name()='name' or local-name()='datastorePath']"));
	}
	if (message != NULL && *message == '\0') {
		free(message);
		message = NULL;
	}
	v->f_message = vim_clean_line(message);
	v->fault.type = v->f_type;
	v->fault.message = v->f_message;
	v->fault.file = v->f_file;
	v->fault.privilege = v->f_privilege;
	v->fault.object = v->f_object;
	v->fault.name = v->f_name;
}

int
vim_type_is(const vifs_vim *v, const char *type)
{
	return v->f_type != NULL && strcmp(v->f_type, type) == 0;
}

/* Turns the recorded fault of METHOD into an error code and a message. */
int
vim_fault_error(vifs_vim *v, const char *method)
{
	const char *type = v->f_type ? v->f_type : "unknown fault";
	const char *file = v->f_file;
	struct vifs_buf b = VIFS_BUF_INIT;
	int code = VIFS_ESOAP, error;

#define PUT(...) vifs_buf_printf(&b, __VA_ARGS__)
	if (vim_type_is(v, "InvalidLogin")) {
		code = VIFS_EAUTH;
		PUT("login as %s refused: wrong user name or password",
		    v->user ? v->user : "(no user)");
	} else if (vim_type_is(v, "NotAuthenticated")) {
		code = VIFS_EAUTH;
		PUT("not logged in, or the session has expired");
	} else if (vim_type_is(v, "NoPermission")) {
		code = VIFS_EPERM;
		PUT("permission denied: the user needs the privilege %s",
		    v->f_privilege ? v->f_privilege : "(not named)");
		if (v->f_object != NULL)
			PUT(" on %s", v->f_object);
	} else if (vim_type_is(v, "FileNotFound")) {
		code = VIFS_ENOTFOUND;
		PUT("no such file or directory");
	} else if (vim_type_is(v, "FileAlreadyExists")) {
		code = VIFS_EEXISTS;
		PUT("file already exists");
	} else if (vim_type_is(v, "CannotDeleteFile")) {
		PUT("cannot delete the file");
	} else if (vim_type_is(v, "CannotCreateFile")) {
		PUT("cannot create the file");
	} else if (vim_type_is(v, "CannotAccessFile")) {
		PUT("cannot access the file");
	} else if (vim_type_is(v, "FileLocked")) {
		PUT("the file is locked");
	} else if (vim_type_is(v, "NoDiskSpace")) {
		PUT("no space left on the datastore");
	} else if (vim_type_is(v, "InvalidDatastore")) {
		code = VIFS_ENOTFOUND;
		PUT("no such datastore");
	} else if (vim_type_is(v, "InvalidDatastorePath")) {
		PUT("not a datastore path");
	} else if (vim_type_is(v, "ManagedObjectNotFound")) {
		code = VIFS_ENOTFOUND;
		PUT("the host no longer has that object");
	} else {
		/* Unknown to us: the server's own words. */
		PUT("%s", v->f_message ? v->f_message : "fault");
	}
	if (file != NULL)
		PUT(": %s", file);
	else if (v->f_name != NULL && !vim_type_is(v, "NoPermission"))
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
	body = vim_xp_node(out, (xmlNodePtr)out->doc, "/s:Envelope/s:Body");
	if (body == NULL) {
		error = not_soap(v, method, rep->status,
		    "XML that is no SOAP envelope");
		goto done;
	}
	v->spoken = 1;
	if ((n = vim_xp_node(out, body, "s:Fault")) != NULL) {
		vim_take_fault(v, out,
		    vim_xp_node(out, n, "*[local-name()='detail']/*[1]"),
		    vim_xp_text(out, n, "*[local-name()='faultstring']"));
		error = vim_fault_error(v, method);
		goto done;
	}
	if (rep->status < 200 || rep->status > 299) {
		error = vifs_error_set(VIFS_ESOAP,
		    "%s: %s: HTTP status %ld without a SOAP fault", v->where,
		    method, rep->status);
		goto done;
	}
	snprintf(want, sizeof(want), "%sResponse", method);
	n = vim_xp_node(out, body, "*[1]");
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
		vim_resp_free(out);
	return error;
}

void
vim_text_free(char *text)
{
	/* A Login envelope holds the password. */
	if (text != NULL)
		vifs_wipe(text, strlen(text));
	free(text);
}

int
vim_call_begin(vifs_vim *v, const char *method, struct req *r, char **text,
    size_t *len)
{
	vim_forget_fault(v);
	return req_finish(r, method, text, len);
}

int
vim_call_end(vifs_vim *v, const char *method, const struct vim_reply *rep,
    struct resp *out)
{
	int error;

	memset(out, 0, sizeof(*out));
	/* Real hosts serve the default path and "/sdk"; govmomi's simulator
	 * only "/sdk".  A 404 before any SOAP answer at the default path
	 * moves the client to "/sdk" once, for the rest of its life. */
	if (rep->status == 404 && !v->spoken && !v->path_given &&
	    strcmp(v->service_path, DEFAULT_SERVICE_PATH) == 0) {
		if ((error = vim_set_str(&v->service_path,
		         FALLBACK_SERVICE_PATH)) < 0)
			return error;
		return VIM_RESEND;
	}
	if ((error = parse_reply(v, method, rep, out)) < 0)
		return error;
	/* A login's cookie comes with its answer. */
	if (rep->cookie != NULL && strcmp(method, "Login") == 0)
		error = vim_set_str(&v->cookie, rep->cookie);
	if (error < 0)
		vim_resp_free(out);
	return error;
}

/* Sends the request R for METHOD and parses the answer into *out: the
 * blocking loop over vim_call_begin() and vim_call_end(). */
int
vim_call(vifs_vim *v, const char *method, struct req *r, struct resp *out)
{
	struct vim_reply rep;
	char *text = NULL;
	size_t len;
	int error;

	memset(out, 0, sizeof(*out));
	if (v->post == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "%s: %s: the VIM client has no transport", v->where,
		    method);
	if ((error = vim_call_begin(v, method, r, &text, &len)) < 0)
		goto done;
	do {
		memset(&rep, 0, sizeof(rep));
		if ((error = v->post(v->post_arg, text, len, &rep)) < 0)
			break;
		error = vim_call_end(v, method, &rep, out);
		free(rep.body);
	} while (error == VIM_RESEND);
done:
	vim_text_free(text);
	return error;
}

/* --- the http transport -------------------------------------------- */

const char *const vim_post_headers[] = {
	"Content-Type: text/xml; charset=utf-8",
	/* The API version of the requests: 5.0, the oldest of the hosts the
	 * vSphere CLI 5 speaks to; later hosts accept it. */
	"SOAPAction: \"urn:vim25/5.0\"",
	NULL,
};

int
vim_http_post(void *arg, const char *req, size_t len, struct vim_reply *reply)
{
	vifs_vim *v = arg;
	int error;

	error = vifs_http_post(v->http, v->service_path, vim_post_headers, req,
	    len, &reply->body, &reply->len, 0);
	if (error < 0)
		return error;
	reply->status = vifs_http_last_status(v->http);
	reply->cookie = vifs_http_response_cookie(v->http, SESSION_COOKIE);
	return VIFS_OK;
}
