/*
 * vim_int.h - the VIM client's internals shared by the vim_*.c files, and
 * its transport seam for the unit tests and the fuzz target; not installed.
 *
 * A client made with vim_new_transport() hands every request to POST
 * instead of a vifs_http: the tests read the envelopes it builds and
 * answer with responses captured from a host.
 */
#ifndef VIFS_VIM_INT_H
#define VIFS_VIM_INT_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <vifs/fleet.h>
#include <vifs/http.h>
#include <vifs/vim.h>

/* What one exchange brought back; filled by the transport. */
struct vim_reply {
	char *body; /* malloc'd; the client frees it */
	size_t len;
	long status; /* HTTP status */
	const char *cookie; /* vmware_soap_session the answer set, or NULL;
	                     * borrowed until the next exchange */
};

/*
 * Sends LEN bytes of the envelope REQ.  Returns 0 with *reply filled, or
 * a negative vifs_error after vifs_error_set() when no answer came.
 */
typedef int (*vim_post_fn)(void *arg, const char *req, size_t len,
    struct vim_reply *reply);

/* As vifs_vim_new(), over POST; WHERE names the host in messages. */
int vim_new_transport(vifs_vim **out, vim_post_fn post, void *arg,
    const char *where, const struct vifs_vim_opts *opts);

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

/* --- shared between the vim_*.c files (vim_soap.c unless said) ----------- */

/* A copy of libxml2's string S made with malloc(), S freed; NULL stays
 * NULL. */
char *vim_xstrdup_xml(xmlChar *s);
/* Makes a server's text S safe for a message, in place; returns S. */
char *vim_clean_line(char *s);
/* Replaces *DST with a copy of SRC (NULL allowed). */
int vim_set_str(char **dst, const char *src);

/* Building a request: R collects failures, checked by vim_call(). */
xmlNodePtr vim_req_text(struct req *r, xmlNodePtr parent, const char *name,
    const char *text);
xmlNodePtr vim_req_elem(struct req *r, xmlNodePtr parent, const char *name);
xmlNodePtr vim_req_moref(struct req *r, xmlNodePtr parent, const char *name,
    const char *type, const char *id);
/* A TraversalSpec NAME over TYPE.PATH under PARENT (a selectSet of its
 * own), selecting the specs named in NEXT (NULL-terminated; NULL: none). */
void vim_req_traverse(struct req *r, xmlNodePtr parent, const char *name,
    const char *type, const char *path, const char *const *next);
void vim_req_free(struct req *r);
int vim_req_begin(struct req *r, const char *method, const char *this_type,
    const char *this_id);

/* Reading an answer with XPath relative to AT. */
xmlNodePtr vim_xp_node(struct resp *r, xmlNodePtr at, const char *expr);
char *vim_xp_text(struct resp *r, xmlNodePtr at, const char *expr);
void vim_resp_free(struct resp *r);

/* The last fault: forgotten, taken from an answer, tested, reported. */
void vim_forget_fault(vifs_vim *v);
void vim_take_fault(vifs_vim *v, struct resp *r, xmlNodePtr detail,
    char *message);
int vim_type_is(const vifs_vim *v, const char *type);
int vim_fault_error(vifs_vim *v, const char *method);

/*
 * One call in two halves, for a caller that sends the envelope itself (a
 * fleet host's non-blocking POST, vim_fleet.c) as for vim_call():
 * vim_call_begin() turns the request R for METHOD into the envelope's
 * text (*text, freed with vim_text_free(), which wipes it: a Login holds
 * the password) and forgets the last fault; vim_call_end() judges the
 * answer REP to it into *out: VIFS_OK, an error (a fault, not SOAP), or
 * VIM_RESEND when the same text must go once more to the service path
 * now in use (the fallback to "/sdk" after a 404 of the default path).
 */
#define VIM_RESEND 1
int vim_call_begin(vifs_vim *v, const char *method, struct req *r, char **text,
    size_t *len);
int vim_call_end(vifs_vim *v, const char *method, const struct vim_reply *rep,
    struct resp *out);
void vim_text_free(char *text);

/* Sends the request R for METHOD and parses the answer into OUT: the
 * blocking loop over the two halves, on the client's transport. */
int vim_call(vifs_vim *v, const char *method, struct req *r, struct resp *out);

/* The header lines of every POST: Content-Type and SOAPAction. */
extern const char *const vim_post_headers[];

/* The transport over a vifs_http (ARG). */
int vim_http_post(void *arg, const char *req, size_t len,
    struct vim_reply *reply);

/* Fetches the service content once (vim_session.c). */
int vim_need_sc(vifs_vim *v);

/*
 * The blocking exchange of one call (vim_session.c): BUILD makes the
 * request for METHOD from IN, vim_call() sends it, READ (NULL: nothing
 * to read) takes the answer into OUT.
 */
int vim_exchange(vifs_vim *v, const char *method,
    int (*build)(vifs_vim *, struct req *, const void *),
    int (*read)(vifs_vim *, struct resp *, void *), const void *in, void *out);

/*
 * The calls a step machine makes, each as the request it sends (_req, the
 * envelope's tree in R) and the reading of its answer (_read), the halves
 * that the blocking calls of <vifs/vim.h> put around vim_call():
 *   RetrieveServiceContent: vim_sc_req(), vim_sc_read() (keeps the ids);
 *   Login: vim_login_req(), then vim_login_read() (the cookie the answer
 *     set, which vim_call_end() kept, is the session);
 *   CurrentTime: vim_time_req(), vim_time_read(); a resumed session that
 *     fails is judged by vim_resume_error();
 *   RetrievePropertiesEx of the HostSystem: vim_host_req(),
 *     vim_host_read();
 *   the HostFirmwareSystem's METHOD (VIM_FW_*; FORCE >= 0 adds "force"):
 *     vim_firmware_req(), vim_firmware_read() (URL NULL: no answer read);
 *   Logout: vim_logout_req() (nothing to read).
 */
#define VIM_FW_SYNC "SyncFirmwareConfiguration"
#define VIM_FW_BACKUP "BackupFirmwareConfiguration"
#define VIM_FW_UPLOAD_URL "QueryFirmwareConfigUploadURL"
#define VIM_FW_RESTORE "RestoreFirmwareConfiguration"
int vim_sc_req(vifs_vim *v, struct req *r);
int vim_sc_read(vifs_vim *v, struct resp *a);
int vim_login_req(vifs_vim *v, struct req *r, const char *user,
    const char *password);
int vim_login_read(vifs_vim *v);
int vim_time_req(vifs_vim *v, struct req *r);
int vim_time_read(vifs_vim *v, struct resp *a, char **out);
int vim_resume_error(vifs_vim *v, int error);
int vim_host_req(vifs_vim *v, struct req *r);
int vim_host_read(vifs_vim *v, struct resp *a, struct vifs_vim_host *out);
int vim_firmware_req(vifs_vim *v, struct req *r, const char *method,
    const char *firmware, int force);
int vim_firmware_read(vifs_vim *v, struct resp *a, const char *method,
    char **url);
int vim_logout_req(vifs_vim *v, struct req *r);

/*
 * A call sent as a fleet host's non-blocking POST (vim_fleet.c).  The
 * client is made with vim_new_transport(&v, NULL, NULL, HOST, OPTS): it
 * has no transport of its own.  vim_fleet_send() turns the request R for
 * METHOD into its envelope (R is freed) and POSTs it on H; a Login asks
 * the host to keep the session its answer sets.  When the request ended
 * (STEP, with its ERROR), vim_fleet_answer() judges the answer into *out:
 * VIM_RESEND when it sent the envelope once more (the fallback to "/sdk";
 * wait for the next STEP), VIFS_OK or an error as vim_call().
 */
struct vim_flight {
	const char *method; /* static */
	char *text; /* the envelope, wiped when freed */
	size_t len;
};
int vim_fleet_send(vifs_vim *v, vifs_fleet_host *h, const char *method,
    struct req *r, struct vim_flight *fl);
int vim_fleet_answer(vifs_vim *v, vifs_fleet_host *h, int error,
    struct vim_flight *fl, struct resp *out);
void vim_flight_clear(struct vim_flight *fl);

#endif
