/*
 * test_vim.c - the VIM SOAP client: the envelopes it builds (parsed back
 * and checked with XPath), its reading of answers captured from govmomi's
 * simulator (tests/fixtures/soap), every fault it names, task waits, the
 * datacenter walk, and hostile answers.
 *
 * The client runs over the transport seam of vim_int.h: each exchange
 * hands over the envelope, which is kept, and answers with the next step
 * of a script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <vifs/error.h>
#include <vifs/vim.h>

#include "testutil.h"
#include "vim_int.h"

#define MAX_STEPS 16

/* One answer of the script: a fixture or literal bytes. */
struct step {
	const char *fixture; /* file under tests/fixtures/soap, or NULL */
	const char *body; /* else this text (LEN bytes, or strlen) */
	size_t len;
	long status;
	const char *cookie;
};

struct script {
	struct step steps[MAX_STEPS];
	size_t count, next;
	char *sent[MAX_STEPS]; /* the envelopes, NUL-terminated */
	size_t sent_len[MAX_STEPS];
	int repeat_last; /* answer with the last step for ever */
	int cancel_after; /* cancel callback: non-zero after N calls */
	int cancel_calls;
};

static int
post(void *arg, const char *req, size_t len, struct vim_reply *reply)
{
	struct script *s = arg;
	const struct step *st;
	size_t i = s->next;

	if (i >= s->count && s->repeat_last && s->count > 0)
		i = s->count - 1;
	if (i >= s->count)
		return vifs_error_set(VIFS_ENET, "script: no answer left");
	st = &s->steps[i];
	if (s->next < MAX_STEPS) {
		s->sent[s->next] = malloc(len + 1);
		assert_non_null(s->sent[s->next]);
		memcpy(s->sent[s->next], req, len);
		s->sent[s->next][len] = '\0';
		s->sent_len[s->next] = len;
	}
	s->next++;
	if (st->fixture != NULL) {
		char name[256];

		snprintf(name, sizeof(name), "soap/%s", st->fixture);
		reply->body = fixture_read(name, &reply->len);
	} else {
		reply->len = st->len ? st->len : strlen(st->body);
		reply->body = malloc(reply->len + 1);
		assert_non_null(reply->body);
		memcpy(reply->body, st->body, reply->len);
		reply->body[reply->len] = '\0';
	}
	reply->status = st->status;
	reply->cookie = st->cookie;
	return 0;
}

static void
script_free(struct script *s)
{
	for (size_t i = 0; i < MAX_STEPS; i++)
		free(s->sent[i]);
	memset(s, 0, sizeof(*s));
}

static void
add(struct script *s, const char *fixture, long status)
{
	assert_true(s->count < MAX_STEPS);
	s->steps[s->count].fixture = fixture;
	s->steps[s->count].status = status;
	s->count++;
}

static void
add_body(struct script *s, const char *body, size_t len, long status)
{
	assert_true(s->count < MAX_STEPS);
	s->steps[s->count].body = body;
	s->steps[s->count].len = len;
	s->steps[s->count].status = status;
	s->count++;
}

static int
cancel_cb(void *payload)
{
	struct script *s = payload;

	return ++s->cancel_calls > s->cancel_after;
}

static vifs_vim *
client(struct script *s, long poll_ms)
{
	struct vifs_vim_opts o;
	vifs_vim *v = NULL;

	memset(&o, 0, sizeof(o));
	o.poll_first_ms = poll_ms;
	o.poll_max_ms = poll_ms * 4;
	if (s->cancel_after > 0) {
		o.cancel = cancel_cb;
		o.cancel_payload = s;
	}
	assert_int_equal(vim_new_transport(&v, post, s, "esx01:443", &o), 0);
	return v;
}

/* A client that has read the service content of the simulator's ESX
 * model. */
static vifs_vim *
connected(struct script *s)
{
	vifs_vim *v;

	add(s, "service-content.xml", 200);
	v = client(s, 1);
	assert_int_equal(vifs_vim_connect(v, NULL), 0);
	return v;
}

/* The last error message must hold WANT. */
static void
msg_has(const char *want)
{
	if (strstr(vifs_error_last(), want) == NULL)
		fail_msg("message '%s' lacks '%s'", vifs_error_last(), want);
}

/* --- reading back what was sent --------------------------------------- */

struct sent {
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
};

static struct sent
parse_sent(const struct script *s, size_t i)
{
	struct sent r;

	assert_true(i < s->next);
	r.doc = xmlReadMemory(s->sent[i], (int)s->sent_len[i], "req.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(r.doc);
	r.xp = xmlXPathNewContext(r.doc);
	assert_non_null(r.xp);
	assert_int_equal(xmlXPathRegisterNs(r.xp, (const xmlChar *)"s",
	                     (const xmlChar *)"http://schemas.xmlsoap.org/"
	                                      "soap/envelope/"),
	    0);
	assert_int_equal(xmlXPathRegisterNs(r.xp, (const xmlChar *)"v",
	                     (const xmlChar *)"urn:vim25"),
	    0);
	assert_int_equal(xmlXPathRegisterNs(r.xp, (const xmlChar *)"xsi",
	                     (const xmlChar *)"http://www.w3.org/2001/"
	                                      "XMLSchema-instance"),
	    0);
	return r;
}

static void
sent_free(struct sent *r)
{
	xmlXPathFreeContext(r->xp);
	xmlFreeDoc(r->doc);
}

/* The string value of EXPR must be WANT. */
static void
xp_eq(struct sent *r, const char *expr, const char *want)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr,
	    r->xp);
	xmlChar *got;

	assert_non_null(o);
	got = xmlXPathCastToString(o);
	if (strcmp((const char *)got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", expr, got, want);
	xmlFree(got);
	xmlXPathFreeObject(o);
}

/* EXPR must select COUNT nodes. */
static void
xp_count(struct sent *r, const char *expr, int count)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr,
	    r->xp);
	int n;

	assert_non_null(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	if (n != count)
		fail_msg("%s: %d nodes, want %d", expr, n, count);
	xmlXPathFreeObject(o);
}

/* Checks the frame every request has: envelope, body, one METHOD element
 * in urn:vim25 whose first child is _this of TYPE and ID. */
static void
check_frame(struct sent *r, const char *method, const char *type,
    const char *id)
{
	char expr[256];

	xp_count(r, "/s:Envelope/s:Body", 1);
	xp_count(r, "/s:Envelope/s:Body/*", 1);
	snprintf(expr, sizeof(expr), "/s:Envelope/s:Body/v:%s", method);
	xp_count(r, expr, 1);
	snprintf(expr, sizeof(expr), "/s:Envelope/s:Body/v:%s/*[1]", method);
	xp_eq(r, expr, id);
	snprintf(expr, sizeof(expr), "local-name(/s:Envelope/s:Body/v:%s/*[1])",
	    method);
	xp_eq(r, expr, "_this");
	snprintf(expr, sizeof(expr), "/s:Envelope/s:Body/v:%s/v:_this/@type",
	    method);
	xp_eq(r, expr, type);
}

/* The names of the children of the METHOD element, in order, joined by
 * ','. */
static void
check_order(struct sent *r, const char *method, const char *want)
{
	char expr[256], got[512] = "";
	xmlXPathObjectPtr o;

	snprintf(expr, sizeof(expr), "/s:Envelope/s:Body/v:%s/*", method);
	o = xmlXPathEvalExpression((const xmlChar *)expr, r->xp);
	assert_non_null(o);
	for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		if (i > 0)
			strcat(got, ",");
		strcat(got, (const char *)o->nodesetval->nodeTab[i]->name);
	}
	xmlXPathFreeObject(o);
	assert_string_equal(got, want);
}

/* --- requests ---------------------------------------------------------- */

static void
test_request_service_content(void **state)
{
	struct script s;
	const struct vifs_vim_about *about = NULL;
	struct sent r;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	add(&s, "service-content.xml", 200);
	v = client(&s, 1);
	assert_int_equal(vifs_vim_connect(v, &about), 0);
	assert_string_equal(about->full_name,
	    "VMware ESXi 6.5.0 build-5969303");
	assert_string_equal(about->api_type, "HostAgent");
	assert_string_equal(about->api_version, "6.5");
	r = parse_sent(&s, 0);
	check_frame(&r, "RetrieveServiceContent", "ServiceInstance",
	    "ServiceInstance");
	check_order(&r, "RetrieveServiceContent", "_this");
	/* The namespaces a SOAP 1.1 envelope of the VIM API declares. */
	xp_eq(&r, "namespace-uri(/*)",
	    "http://schemas.xmlsoap.org/soap/envelope/");
	sent_free(&r);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_login_escapes(void **state)
{
	/* Markup, quotes and UTF-8 travel as text, never as markup. */
	static const char user[] = "dom\\a<b>&\"c'";
	static const char password[] = "p]]>&amp;<x/>\xc3\xa9 \t";
	struct script s;
	struct sent r;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "login.xml", 200);
	s.steps[s.count - 1].cookie = "\"52a1-cookie\"";
	assert_int_equal(vifs_vim_login(v, user, password), 0);
	assert_string_equal(vifs_vim_session_cookie(v), "\"52a1-cookie\"");
	r = parse_sent(&s, 1);
	check_frame(&r, "Login", "SessionManager", "ha-sessionmgr");
	check_order(&r, "Login", "_this,userName,password");
	xp_eq(&r, "/s:Envelope/s:Body/v:Login/v:userName", user);
	xp_eq(&r, "/s:Envelope/s:Body/v:Login/v:password", password);
	sent_free(&r);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_refuses_bad_text(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	assert_int_equal(vifs_vim_login(v, "root", "a\x01b"), VIFS_EINVAL);
	msg_has("password cannot be sent");
	assert_int_equal(vifs_vim_mkdir(v, "[ds] \xff\xfe", NULL, 0),
	    VIFS_EINVAL);
	assert_int_equal(vifs_vim_mkdir(v, "[ds] \xef\xbf\xbe", NULL, 0),
	    VIFS_EINVAL); /* U+FFFE */
	assert_int_equal(s.next, 1); /* nothing more was sent */
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_mkdir(void **state)
{
	struct script s;
	struct sent r;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "mkdir.xml", 200);
	add(&s, "mkdir.xml", 200);
	assert_int_equal(vifs_vim_mkdir(v, "[LocalDS_0] a b/c&d", NULL, 0), 0);
	assert_int_equal(vifs_vim_mkdir(v, "[LocalDS_0] x/y", "dc-1", 1), 0);
	r = parse_sent(&s, 1);
	check_frame(&r, "MakeDirectory", "FileManager", "ha-nfc-file-manager");
	check_order(&r, "MakeDirectory", "_this,name,createParentDirectories");
	xp_eq(&r, "/s:Envelope/s:Body/v:MakeDirectory/v:name",
	    "[LocalDS_0] a b/c&d");
	xp_eq(&r,
	    "/s:Envelope/s:Body/v:MakeDirectory/v:createParentDirectories",
	    "false");
	sent_free(&r);
	r = parse_sent(&s, 2);
	check_order(&r, "MakeDirectory",
	    "_this,name,datacenter,createParentDirectories");
	xp_eq(&r, "/s:Envelope/s:Body/v:MakeDirectory/v:datacenter", "dc-1");
	xp_eq(&r, "/s:Envelope/s:Body/v:MakeDirectory/v:datacenter/@type",
	    "Datacenter");
	xp_eq(&r,
	    "/s:Envelope/s:Body/v:MakeDirectory/v:createParentDirectories",
	    "true");
	sent_free(&r);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_copy_move_delete(void **state)
{
	struct script s;
	struct sent r;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "copy-task.xml", 200);
	add(&s, "task-success.xml", 200);
	add(&s, "move-task.xml", 200);
	add(&s, "task-success.xml", 200);
	add(&s, "delete-task.xml", 200);
	add(&s, "task-success.xml", 200);
	assert_int_equal(vifs_vim_copy(v, "[LocalDS_0] a", "[LocalDS_0] b",
	                     "ha-datacenter", 1),
	    0);
	assert_int_equal(vifs_vim_move(v, "[LocalDS_0] b", "[LocalDS_0] c",
	                     NULL, 0),
	    0);
	assert_int_equal(vifs_vim_delete(v, "[LocalDS_0] c", NULL), 0);
	assert_int_equal(s.next, 7);

	r = parse_sent(&s, 1);
	check_frame(&r, "CopyDatastoreFile_Task", "FileManager",
	    "ha-nfc-file-manager");
	check_order(&r, "CopyDatastoreFile_Task",
	    "_this,sourceName,sourceDatacenter,destinationName,"
	    "destinationDatacenter,force");
	xp_eq(&r, "//v:sourceName", "[LocalDS_0] a");
	xp_eq(&r, "//v:sourceDatacenter", "ha-datacenter");
	xp_eq(&r, "//v:sourceDatacenter/@type", "Datacenter");
	xp_eq(&r, "//v:destinationName", "[LocalDS_0] b");
	xp_eq(&r, "//v:force", "true");
	sent_free(&r);

	/* The task the answer named is polled: info.state and info.error. */
	r = parse_sent(&s, 2);
	check_frame(&r, "RetrievePropertiesEx", "PropertyCollector",
	    "ha-property-collector");
	check_order(&r, "RetrievePropertiesEx", "_this,specSet,options");
	xp_eq(&r, "//v:specSet/v:propSet/v:type", "Task");
	xp_count(&r, "//v:specSet/v:propSet/v:pathSet", 2);
	xp_eq(&r, "//v:specSet/v:propSet/v:pathSet[1]", "info.state");
	xp_eq(&r, "//v:specSet/v:propSet/v:pathSet[2]", "info.error");
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj", "task-18");
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj/@type", "Task");
	sent_free(&r);

	r = parse_sent(&s, 3);
	check_order(&r, "MoveDatastoreFile_Task",
	    "_this,sourceName,destinationName,force");
	xp_eq(&r, "//v:force", "false");
	sent_free(&r);
	r = parse_sent(&s, 4);
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj", "task-21");
	sent_free(&r);

	r = parse_sent(&s, 5);
	check_frame(&r, "DeleteDatastoreFile_Task", "FileManager",
	    "ha-nfc-file-manager");
	check_order(&r, "DeleteDatastoreFile_Task", "_this,name");
	xp_eq(&r, "//v:name", "[LocalDS_0] c");
	sent_free(&r);
	r = parse_sent(&s, 6);
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj", "task-20");
	sent_free(&r);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_session_calls(void **state)
{
	struct script s;
	struct sent r;
	vifs_vim *v;
	char *now = NULL;

	(void)state;
	memset(&s, 0, sizeof(s));
	add(&s, "current-time.xml", 200);
	add(&s, "service-content.xml", 200);
	add(&s, "logout.xml", 200);
	v = client(&s, 1);
	/* Resuming needs no service content: CurrentTime is on the
	 * ServiceInstance. */
	assert_int_equal(vifs_vim_resume(v, "\"52-saved\""), 0);
	assert_string_equal(vifs_vim_session_cookie(v), "\"52-saved\"");
	assert_int_equal(vifs_vim_logout(v), 0);
	assert_null(vifs_vim_session_cookie(v));
	r = parse_sent(&s, 0);
	check_frame(&r, "CurrentTime", "ServiceInstance", "ServiceInstance");
	sent_free(&r);
	r = parse_sent(&s, 2);
	check_frame(&r, "Logout", "SessionManager", "ha-sessionmgr");
	check_order(&r, "Logout", "_this");
	sent_free(&r);
	add(&s, "current-time.xml", 200);
	assert_int_equal(vifs_vim_current_time(v, &now), 0);
	assert_string_equal(now, "2026-11-23T22:49:35.115182995Z");
	free(now);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_request_datacenters(void **state)
{
	struct script s;
	struct sent r;
	struct vifs_vim_dclist *l = NULL;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "datacenters.xml", 200);
	assert_int_equal(vifs_vim_datacenters(v, &l), 0);
	r = parse_sent(&s, 1);
	check_frame(&r, "RetrievePropertiesEx", "PropertyCollector",
	    "ha-property-collector");
	xp_count(&r, "//v:specSet/v:propSet", 2);
	xp_eq(&r, "//v:specSet/v:propSet[1]/v:type", "Datacenter");
	xp_eq(&r, "//v:specSet/v:propSet[2]/v:type", "Folder");
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj", "ha-folder-root");
	xp_eq(&r, "//v:specSet/v:objectSet/v:obj/@type", "Folder");
	xp_eq(&r, "//v:specSet/v:objectSet/v:skip", "true");
	xp_eq(&r, "//v:objectSet/v:selectSet/@xsi:type", "TraversalSpec");
	xp_eq(&r, "//v:objectSet/v:selectSet/v:type", "Folder");
	xp_eq(&r, "//v:objectSet/v:selectSet/v:path", "childEntity");
	/* The traversal recurses into folders by its own name. */
	xp_eq(&r, "//v:objectSet/v:selectSet/v:selectSet/v:name", "folders");
	xp_eq(&r, "//v:objectSet/v:selectSet/v:name", "folders");
	sent_free(&r);
	assert_int_equal(l->count, 1);
	assert_string_equal(l->items[0].id, "ha-datacenter");
	assert_string_equal(l->items[0].name, "ha-datacenter");
	assert_string_equal(l->items[0].path, "ha-datacenter");
	vifs_vim_dclist_free(l);
	vifs_vim_free(v);
	script_free(&s);
}

/* --- answers ------------------------------------------------------------ */

static void
test_datacenters_in_pages(void **state)
{
	struct script s;
	struct sent r;
	struct vifs_vim_dclist *l = NULL;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "datacenters-page1.xml", 200);
	add(&s, "datacenters-page2.xml", 200);
	assert_int_equal(vifs_vim_datacenters(v, &l), 0);
	assert_int_equal(s.next, 3);
	r = parse_sent(&s, 2);
	check_frame(&r, "ContinueRetrievePropertiesEx", "PropertyCollector",
	    "ha-property-collector");
	check_order(&r, "ContinueRetrievePropertiesEx", "_this,token");
	xp_eq(&r, "//v:token", "1");
	sent_free(&r);
	assert_int_equal(l->count, 3);
	assert_string_equal(l->items[0].path, "EU/Paris");
	assert_string_equal(l->items[0].id, "datacenter-2");
	assert_string_equal(l->items[1].path, "Lab & Test");
	assert_string_equal(l->items[2].path, "EU/Deep/Berlin");
	assert_string_equal(l->items[2].name, "Berlin");
	assert_ptr_equal(vifs_vim_dclist_find(l, "EU/Deep/Berlin"),
	    &l->items[2]);
	assert_ptr_equal(vifs_vim_dclist_find(l, "Paris"), &l->items[0]);
	assert_null(vifs_vim_dclist_find(l, "Deep"));
	assert_null(vifs_vim_dclist_find(l, "EU"));
	vifs_vim_dclist_free(l);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_login_invalid(void **state)
{
	struct script s;
	const struct vifs_vim_fault *f;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "login-invalid.xml", 500);
	assert_int_equal(vifs_vim_login(v, "root", "bad"), VIFS_EAUTH);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: Login: login as root refused: wrong user name or "
	    "password (InvalidLogin)");
	f = vifs_vim_last_fault(v);
	assert_non_null(f);
	assert_string_equal(f->type, "InvalidLogin");
	assert_string_equal(f->message, "Login failure");
	assert_null(f->file);
	assert_null(vifs_vim_session_cookie(v));
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_login_without_cookie(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "login.xml", 200);
	assert_int_equal(vifs_vim_login(v, "root", "pw"), VIFS_EAUTH);
	msg_has("accepted the login but set no vmware_soap_session cookie");
	assert_null(vifs_vim_last_fault(v));
	vifs_vim_free(v);
	script_free(&s);
}

struct fault_case {
	const char *fixture;
	int code;
	const char *type;
	const char *message; /* vifs_error_last() */
};

static void
test_mkdir_faults(void **state)
{
	static const struct fault_case cases[] = {
		{ "mkdir-exists.xml", VIFS_EEXISTS, "FileAlreadyExists",
		    "esx01:443: MakeDirectory: file already exists: "
		    "[LocalDS_0] fx1 (FileAlreadyExists)" },
		{ "mkdir-no-parent.xml", VIFS_ENOTFOUND, "FileNotFound",
		    "esx01:443: MakeDirectory: no such file or directory: "
		    "[LocalDS_0] none/fx1 (FileNotFound)" },
		{ "mkdir-no-datastore.xml", VIFS_ENOTFOUND, "InvalidDatastore",
		    "esx01:443: MakeDirectory: no such datastore: NoSuchDS "
		    "(InvalidDatastore)" },
		{ "mkdir-bad-path.xml", VIFS_ESOAP, "InvalidDatastorePath",
		    "esx01:443: MakeDirectory: not a datastore path: fx1 "
		    "(InvalidDatastorePath)" },
		{ "no-permission.xml", VIFS_EPERM, "NoPermission",
		    "esx01:443: MakeDirectory: permission denied: the user "
		    "needs the privilege Datastore.FileManagement on "
		    "datastore-11 (NoPermission)" },
		{ "not-authenticated.xml", VIFS_EAUTH, "NotAuthenticated",
		    "esx01:443: MakeDirectory: not logged in, or the session "
		    "has expired (NotAuthenticated)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct script s;
		const struct vifs_vim_fault *f;
		vifs_vim *v;

		memset(&s, 0, sizeof(s));
		v = connected(&s);
		add(&s, cases[i].fixture, 500);
		assert_int_equal(vifs_vim_mkdir(v, "[LocalDS_0] fx1", NULL, 0),
		    cases[i].code);
		assert_string_equal(vifs_error_last(), cases[i].message);
		assert_int_equal(vifs_error_last_code(), cases[i].code);
		f = vifs_vim_last_fault(v);
		assert_non_null(f);
		assert_string_equal(f->type, cases[i].type);
		vifs_vim_free(v);
		script_free(&s);
	}
}

static void
test_fault_parts(void **state)
{
	struct script s;
	const struct vifs_vim_fault *f;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "no-permission.xml", 500);
	add(&s, "mkdir-exists.xml", 500);
	add(&s, "mkdir.xml", 200);
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EPERM);
	f = vifs_vim_last_fault(v);
	assert_string_equal(f->privilege, "Datastore.FileManagement");
	assert_string_equal(f->object, "datastore-11");
	assert_string_equal(f->message,
	    "Permission to perform this operation was denied.");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EEXISTS);
	f = vifs_vim_last_fault(v);
	assert_string_equal(f->file, "[LocalDS_0] fx1");
	assert_string_equal(f->message,
	    "mkdir /tmp/govcsim-ha-datacenter-LocalDS_0-1000/fx1: file "
	    "exists");
	assert_null(f->privilege);
	/* A call that succeeds forgets the fault. */
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), 0);
	assert_null(vifs_vim_last_fault(v));
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_task_faults(void **state)
{
	static const struct fault_case cases[] = {
		{ "task-file-exists.xml", VIFS_EEXISTS, "FileAlreadyExists",
		    "esx01:443: CopyDatastoreFile_Task: file already exists: "
		    "/tmp/govcsim-ha-datacenter-LocalDS_0-1000/fx-b.txt "
		    "(FileAlreadyExists)" },
		{ "task-file-not-found.xml", VIFS_ENOTFOUND, "FileNotFound",
		    "esx01:443: CopyDatastoreFile_Task: no such file or "
		    "directory: /tmp/govcsim-ha-datacenter-LocalDS_0-1000/"
		    "fx-none (FileNotFound)" },
		{ "task-missing-set.xml", VIFS_EAUTH, "NotAuthenticated",
		    "esx01:443: CopyDatastoreFile_Task: not logged in, or the "
		    "session has expired (NotAuthenticated)" },
		{ "task-unknown.xml", VIFS_ENOTFOUND, "ManagedObjectNotFound",
		    "esx01:443: RetrievePropertiesEx: the host no longer has "
		    "that object (ManagedObjectNotFound)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct script s;
		const struct vifs_vim_fault *f;
		vifs_vim *v;

		memset(&s, 0, sizeof(s));
		v = connected(&s);
		add(&s, "copy-task.xml", 200);
		add(&s, cases[i].fixture,
		    strcmp(cases[i].fixture, "task-unknown.xml") ? 200 : 500);
		assert_int_equal(vifs_vim_copy(v, "[LocalDS_0] fx-a.txt",
		                     "[LocalDS_0] fx-b.txt", NULL, 0),
		    cases[i].code);
		assert_string_equal(vifs_error_last(), cases[i].message);
		f = vifs_vim_last_fault(v);
		assert_non_null(f);
		assert_string_equal(f->type, cases[i].type);
		vifs_vim_free(v);
		script_free(&s);
	}
}

static void
test_task_message_is_localized(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "delete-task.xml", 200);
	add(&s, "task-file-not-found.xml", 200);
	assert_int_equal(vifs_vim_delete(v, "[LocalDS_0] fx-none", NULL),
	    VIFS_ENOTFOUND);
	/* vifs prints the task's localizedMessage as its faultstring. */
	assert_string_equal(vifs_vim_last_fault(v)->message,
	    "*types.FileNotFound");
	msg_has("DeleteDatastoreFile_Task");
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_task_polls_until_done(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "copy-task.xml", 200);
	add(&s, "task-running.xml", 200);
	add(&s, "task-running.xml", 200);
	add(&s, "task-running.xml", 200);
	add(&s, "task-success.xml", 200);
	assert_int_equal(vifs_vim_copy(v, "[d] a", "[d] b", NULL, 0), 0);
	assert_int_equal(s.next, 6);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_task_timeout(void **state)
{
	struct script s;
	struct vifs_vim_opts o;
	vifs_vim *v = NULL;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	add(&s, "service-content.xml", 200);
	add(&s, "copy-task.xml", 200);
	add(&s, "task-running.xml", 200);
	s.repeat_last = 1;
	o.poll_first_ms = 2;
	o.poll_max_ms = 8;
	o.task_timeout_ms = 40;
	assert_int_equal(vim_new_transport(&v, post, &s, "esx01:443", &o), 0);
	assert_int_equal(vifs_vim_copy(v, "[d] a", "[d] b", NULL, 0),
	    VIFS_ETIMEOUT);
	msg_has("task task-18 still running after 40 ms");
	/* Pauses of 2, 4, 8, 8, ... ms: a handful of polls, not hundreds. */
	assert_true(s.next >= 5 && s.next <= 12);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_task_cancel(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cancel_after = 2;
	add(&s, "service-content.xml", 200);
	add(&s, "copy-task.xml", 200);
	add(&s, "task-running.xml", 200);
	s.repeat_last = 1;
	v = client(&s, 1);
	assert_int_equal(vifs_vim_copy(v, "[d] a", "[d] b", NULL, 0),
	    VIFS_ERROR);
	msg_has("stopped waiting for task task-18, which goes on on the host");
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_resume_expired(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	add(&s, "not-authenticated.xml", 500);
	v = client(&s, 1);
	assert_int_equal(vifs_vim_resume(v, "\"old\""), VIFS_EAUTH);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: the session has expired or was logged out "
	    "(NotAuthenticated)");
	assert_null(vifs_vim_session_cookie(v));
	assert_int_equal(vifs_vim_resume(v, ""), VIFS_EINVAL);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_no_vim_service(void **state)
{
	struct script s;
	struct vifs_vim_opts o;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	add(&s, "not-found.txt", 404);
	add(&s, "html-error.html", 503);
	memset(&o, 0, sizeof(o));
	o.service_path = "/sdk/webService"; /* given: no fallback */
	assert_int_equal(vim_new_transport(&v, post, &s, "esx01:443", &o), 0);
	/* The first answer is not SOAP: no VIM API at that URL. */
	assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EUNSUPPORTED);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: no VIM API at /sdk/webService: "
	    "RetrieveServiceContent answered HTTP status 404 with a body "
	    "that is not well-formed XML (check --url or --servicepath)");
	assert_int_equal(vifs_vim_login(v, "root", "pw"), VIFS_EUNSUPPORTED);
	msg_has("HTTP status 503");
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_not_soap_later(void **state)
{
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "html-error.html", 503);
	add_body(&s, "", 0, 200);
	add(&s, "datacenters.xml", 200); /* the wrong response element */
	add_body(&s, "<x/>", 0, 200);
	add_body(&s,
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body/></soapenv:Envelope>",
	    0, 502);
	/* After a SOAP answer came, a page is a broken answer. */
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EPARSE);
	msg_has("MakeDirectory: the answer is not SOAP: HTTP status 503 with "
	        "XML that has a document type (SOAP has none)");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EPARSE);
	msg_has("an empty body");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EPARSE);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: MakeDirectory: the SOAP answer holds no "
	    "MakeDirectoryResponse");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_EPARSE);
	msg_has("no SOAP envelope");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_ESOAP);
	assert_non_null(
	    strstr(vifs_error_last(), "HTTP status 502 without a SOAP fault"));
	vifs_vim_free(v);
	script_free(&s);
}

/* Every proper prefix of every fixture: an error, never a crash or a
 * success that read half an answer. */
static void
test_truncated_answers(void **state)
{
	static const char *const names[] = { "service-content.xml",
		"login-invalid.xml", "task-file-exists.xml",
		"datacenters.xml" };
	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		char path[128];
		size_t len;
		char *full;

		snprintf(path, sizeof(path), "soap/%s", names[k]);
		full = fixture_read(path, &len);
		while (len > 0 && (full[len - 1] == '\n'))
			len--;
		for (size_t cut = 1; cut < len; cut += 7) {
			struct script s;
			vifs_vim *v;
			int rc;

			memset(&s, 0, sizeof(s));
			add_body(&s, full, cut, 200);
			v = client(&s, 1);
			rc = vifs_vim_connect(v, NULL);
			assert_true(
			    rc == VIFS_EUNSUPPORTED || rc == VIFS_EPARSE);
			vifs_vim_free(v);
			script_free(&s);
		}
		free(full);
	}
}

static void
test_hostile_answers(void **state)
{
	static const char bomb[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [<!ENTITY a \"aaaaaaaaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "]>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><soapenv:Fault><faultstring>&c;"
	    "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
	static const char external[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body>&e;</soapenv:Body>"
	    "</soapenv:Envelope>";
	/* DEL, a C1 CSI and a line break in a fault: one clean line (XML 1.0
	 * cannot carry ESC itself). */
	static const char escapes[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/"
	    "XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
	    "<faultstring>evil&#127;[2J&#10;second line\xc2\x9b"
	    "31m</faultstring><detail><WeirdFault xmlns=\"urn:vim25\" "
	    "xsi:type=\"vim25:Weird\"><file>a&#x9b;b</file></WeirdFault>"
	    "</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
	/* A fault without detail, and one whose detail has no xsi:type. */
	static const char bare[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>x"
	    "</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
	static const char untyped[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><soapenv:Fault><detail>"
	    "<InvalidLoginFault xmlns=\"urn:vim25\"/></detail>"
	    "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
	static char deep[20000];
	struct script s;
	vifs_vim *v;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a>");
	memset(&s, 0, sizeof(s));
	add_body(&s, bomb, 0, 500);
	add_body(&s, external, 0, 200);
	add_body(&s, deep, 0, 200);
	add_body(&s, "\0\0\0\0", 4, 200);
	v = client(&s, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EUNSUPPORTED);
	vifs_vim_free(v);
	script_free(&s);

	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add_body(&s, escapes, 0, 500);
	add_body(&s, bare, 0, 500);
	add_body(&s, untyped, 0, 500);
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_ESOAP);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: MakeDirectory: evil?[2J?second line??31m: a??b "
	    "(Weird)");
	assert_string_equal(vifs_vim_last_fault(v)->message,
	    "evil?[2J?second line??31m");
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0), VIFS_ESOAP);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: MakeDirectory: fault (unknown fault)");
	assert_int_equal(vifs_vim_login(v, "u", "p"), VIFS_EAUTH);
	assert_string_equal(vifs_vim_last_fault(v)->type, "InvalidLogin");
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_hostile_task_and_inventory(void **state)
{
	static const char odd_state[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><RetrievePropertiesExResponse "
	    "xmlns=\"urn:vim25\"><returnval><objects><obj type=\"Task\">t"
	    "</obj><propSet><name>info.state</name><val>paused&#127;</val>"
	    "</propSet></objects></returnval></RetrievePropertiesExResponse>"
	    "</soapenv:Body></soapenv:Envelope>";
	static const char empty_rv[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><RetrievePropertiesExResponse "
	    "xmlns=\"urn:vim25\"/></soapenv:Body></soapenv:Envelope>";
	static const char no_task[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><DeleteDatastoreFile_TaskResponse "
	    "xmlns=\"urn:vim25\"><returnval></returnval>"
	    "</DeleteDatastoreFile_TaskResponse></soapenv:Body>"
	    "</soapenv:Envelope>";
	/* Datacenters whose folders loop: the path stops, nothing hangs. */
	static const char loop[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><RetrievePropertiesExResponse "
	    "xmlns=\"urn:vim25\"><returnval>"
	    "<objects><obj type=\"Folder\">f1</obj><propSet><name>name</name>"
	    "<val>A</val></propSet><propSet><name>parent</name>"
	    "<val type=\"Folder\">f2</val></propSet></objects>"
	    "<objects><obj type=\"Folder\">f2</obj><propSet><name>name</name>"
	    "<val>B</val></propSet><propSet><name>parent</name>"
	    "<val type=\"Folder\">f1</val></propSet></objects>"
	    "<objects><obj type=\"Datacenter\">d</obj><propSet><name>name"
	    "</name><val>D</val></propSet><propSet><name>parent</name>"
	    "<val type=\"Folder\">f1</val></propSet></objects>"
	    "<objects><obj type=\"Datacenter\">nameless</obj></objects>"
	    "<objects><obj type=\"VirtualMachine\">vm</obj><propSet><name>"
	    "name</name><val>V</val></propSet></objects>"
	    "</returnval></RetrievePropertiesExResponse></soapenv:Body>"
	    "</soapenv:Envelope>";
	struct vifs_vim_dclist *l = NULL;
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	v = connected(&s);
	add(&s, "copy-task.xml", 200);
	add_body(&s, odd_state, 0, 200);
	add(&s, "copy-task.xml", 200);
	add_body(&s, empty_rv, 0, 200);
	add_body(&s, no_task, 0, 200);
	add_body(&s, loop, 0, 200);
	assert_int_equal(vifs_vim_copy(v, "[d] a", "[d] b", NULL, 0),
	    VIFS_EPARSE);
	msg_has("task task-18 is in the unknown state 'paused?'");
	assert_int_equal(vifs_vim_copy(v, "[d] a", "[d] b", NULL, 0),
	    VIFS_EPARSE);
	msg_has("gave no state of task");
	assert_int_equal(vifs_vim_delete(v, "[d] a", NULL), VIFS_EPARSE);
	msg_has("the answer names no task");
	assert_int_equal(vifs_vim_datacenters(v, &l), 0);
	assert_int_equal(l->count, 1);
	assert_string_equal(l->items[0].name, "D");
	assert_true(strlen(l->items[0].path) < 200);
	assert_non_null(strstr(l->items[0].path, "/D"));
	vifs_vim_dclist_free(l);
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_service_content_incomplete(void **state)
{
	static const char partial[] =
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><RetrieveServiceContentResponse "
	    "xmlns=\"urn:vim25\"><returnval><rootFolder type=\"Folder\">r"
	    "</rootFolder><propertyCollector>pc</propertyCollector>"
	    "<sessionManager>sm</sessionManager></returnval>"
	    "</RetrieveServiceContentResponse></soapenv:Body>"
	    "</soapenv:Envelope>";
	struct script s;
	vifs_vim *v;

	(void)state;
	memset(&s, 0, sizeof(s));
	add_body(&s, partial, 0, 200);
	add_body(&s,
	    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><soapenv:Body><RetrieveServiceContentResponse "
	    "xmlns=\"urn:vim25\"/></soapenv:Body></soapenv:Envelope>",
	    0, 200);
	v = client(&s, 1);
	/* No FileManager: the file calls say so, before sending. */
	assert_int_equal(vifs_vim_mkdir(v, "[d] x", NULL, 0),
	    VIFS_EUNSUPPORTED);
	assert_string_equal(vifs_error_last(),
	    "esx01:443: MakeDirectory: the host has no FileManager");
	assert_int_equal(s.next, 1);
	assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EPARSE);
	msg_has("lacks the root folder");
	vifs_vim_free(v);
	script_free(&s);
}

static void
test_options(void **state)
{
	struct vifs_vim_opts o;
	vifs_vim *v = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.service_path = "sdk";
	assert_int_equal(vim_new_transport(&v, post, NULL, "h", &o),
	    VIFS_EINVAL);
	o.service_path = "/sdk?x";
	assert_int_equal(vim_new_transport(&v, post, NULL, "h", &o),
	    VIFS_EINVAL);
	assert_int_equal(vifs_vim_new(&v, NULL, NULL), VIFS_EINVAL);
	assert_null(v);
	vifs_vim_free(NULL);
	vifs_vim_dclist_free(NULL);
	assert_null(vifs_vim_dclist_find(NULL, "x"));
}

/* A 404 at the default path before any SOAP answer: "/sdk" once, kept;
 * a second 404 there is the usual "no VIM API"; a path the caller gave
 * is never changed. */
static void
test_service_path_fallback(void **state)
{
	struct script s = { 0 };
	struct vifs_vim_opts o;
	vifs_vim *v;

	(void)state;
	add_body(&s, "<html>404</html>", 0, 404);
	add(&s, "service-content.xml", 200);
	v = client(&s, 1);
	assert_string_equal(vifs_vim_service_path(v), "/sdk/webService");
	assert_int_equal(vifs_vim_connect(v, NULL), 0);
	assert_int_equal(s.next, 2);
	assert_string_equal(vifs_vim_service_path(v), "/sdk");
	vifs_vim_free(v);
	script_free(&s);

	add_body(&s, "<html>404</html>", 0, 404);
	add_body(&s, "<html>404</html>", 0, 404);
	v = client(&s, 1);
	assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EUNSUPPORTED);
	msg_has("no VIM API at /sdk: RetrieveServiceContent answered HTTP "
	        "status 404");
	assert_int_equal(s.next, 2);
	vifs_vim_free(v);
	script_free(&s);

	memset(&o, 0, sizeof(o));
	o.service_path = "/sdk/webService";
	add_body(&s, "<html>404</html>", 0, 404);
	assert_int_equal(vim_new_transport(&v, post, &s, "esx01:443", &o), 0);
	assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EUNSUPPORTED);
	msg_has("no VIM API at /sdk/webService");
	assert_int_equal(s.next, 1);
	assert_string_equal(vifs_vim_service_path(v), "/sdk/webService");
	vifs_vim_free(v);
	script_free(&s);

	/* A 401 (a host whose path is there but asks for credentials) or
	 * a 404 after SOAP was spoken changes nothing. */
	add_body(&s, "<html>401</html>", 0, 401);
	v = client(&s, 1);
	assert_int_equal(vifs_vim_connect(v, NULL), VIFS_EUNSUPPORTED);
	assert_int_equal(s.next, 1);
	vifs_vim_free(v);
	script_free(&s);
	v = connected(&s);
	add_body(&s, "<html>404</html>", 0, 404);
	assert_int_not_equal(vifs_vim_login(v, "root", "pw"), 0);
	assert_int_equal(s.next, 2);
	assert_string_equal(vifs_vim_service_path(v), "/sdk/webService");
	vifs_vim_free(v);
	script_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_service_content),
		cmocka_unit_test(test_request_login_escapes),
		cmocka_unit_test(test_request_refuses_bad_text),
		cmocka_unit_test(test_request_mkdir),
		cmocka_unit_test(test_request_copy_move_delete),
		cmocka_unit_test(test_request_session_calls),
		cmocka_unit_test(test_request_datacenters),
		cmocka_unit_test(test_datacenters_in_pages),
		cmocka_unit_test(test_login_invalid),
		cmocka_unit_test(test_login_without_cookie),
		cmocka_unit_test(test_mkdir_faults),
		cmocka_unit_test(test_fault_parts),
		cmocka_unit_test(test_task_faults),
		cmocka_unit_test(test_task_message_is_localized),
		cmocka_unit_test(test_task_polls_until_done),
		cmocka_unit_test(test_task_timeout),
		cmocka_unit_test(test_task_cancel),
		cmocka_unit_test(test_resume_expired),
		cmocka_unit_test(test_no_vim_service),
		cmocka_unit_test(test_not_soap_later),
		cmocka_unit_test(test_truncated_answers),
		cmocka_unit_test(test_hostile_answers),
		cmocka_unit_test(test_hostile_task_and_inventory),
		cmocka_unit_test(test_service_content_incomplete),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_service_path_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
