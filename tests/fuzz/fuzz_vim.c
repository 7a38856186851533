/*
 * fuzz_vim.c - the VIM client's reading of SOAP answers.
 *
 * The input is the body of every answer a client gets, with status 200
 * and then 500, for each call: the service content, Login, CurrentTime,
 * MakeDirectory, a file task and its polls, and the datacenter walk
 * (continuation pages included).  A client gets at most a few answers, so
 * a task that stays "running" or a token that never ends cannot loop.
 * Besides memory safety, checks that every message and every fault part
 * is one line without control characters, and that datacenters have an
 * id, a name and a path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/vim.h>

#include "vim_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EXCHANGES 4

/* The service content of an ESXi host, so that the other calls get as
 * far as their own answer. */
static const char service_content[] =
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/"
    "envelope/\"><soapenv:Body><RetrieveServiceContentResponse "
    "xmlns=\"urn:vim25\"><returnval><rootFolder type=\"Folder\">"
    "ha-folder-root</rootFolder><propertyCollector "
    "type=\"PropertyCollector\">ha-property-collector</propertyCollector>"
    "<sessionManager type=\"SessionManager\">ha-sessionmgr</sessionManager>"
    "<fileManager type=\"FileManager\">ha-nfc-file-manager</fileManager>"
    "</returnval></RetrieveServiceContentResponse></soapenv:Body>"
    "</soapenv:Envelope>";

struct feed {
	const uint8_t *data;
	size_t size;
	long status;
	int exchanges;
	int sc_first; /* answer the service content first */
};

static int
post(void *arg, const char *req, size_t len, struct vim_reply *reply)
{
	struct feed *f = arg;
	const void *src = f->data;
	size_t n = f->size;

	(void)req;
	(void)len;
	if (f->exchanges++ >= MAX_EXCHANGES)
		return vifs_error_set(VIFS_ENET, "fuzz: no more answers");
	if (f->sc_first) {
		f->sc_first = 0;
		src = service_content;
		n = sizeof(service_content) - 1;
	}
	if ((reply->body = malloc(n + 1)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (n > 0)
		memcpy(reply->body, src, n);
	reply->body[n] = '\0';
	reply->len = n;
	reply->status = f->status;
	reply->cookie = "\"52-fuzz\"";
	return 0;
}

static void
check_line(const char *s)
{
	if (s == NULL)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			abort();
}

static void
check(const vifs_vim *v, int rc)
{
	const struct vifs_vim_fault *f = vifs_vim_last_fault(v);

	if (rc > 0)
		abort();
	if (rc < 0)
		check_line(vifs_error_last());
	if (f != NULL) {
		if (rc == 0)
			abort();
		check_line(f->type);
		check_line(f->message);
		check_line(f->file);
		check_line(f->privilege);
		check_line(f->object);
		check_line(f->name);
	}
}

static vifs_vim *
client(struct feed *f, long status, int sc_first)
{
	struct vifs_vim_opts o;
	vifs_vim *v = NULL;

	memset(&o, 0, sizeof(o));
	o.poll_first_ms = 1;
	o.poll_max_ms = 1;
	f->status = status;
	f->exchanges = 0;
	f->sc_first = sc_first;
	if (vim_new_transport(&v, post, f, "fuzz:443", &o) != 0)
		abort();
	return v;
}

static void
run(struct feed *f, long status)
{
	struct vifs_vim_dclist *l = NULL;
	const struct vifs_vim_about *about = NULL;
	char *now = NULL;
	vifs_vim *v;
	int rc;

	v = client(f, status, 0);
	rc = vifs_vim_connect(v, &about);
	check(v, rc);
	if (rc == 0 && (about == NULL || about->full_name == NULL))
		abort();
	vifs_vim_free(v);

	v = client(f, status, 0);
	rc = vifs_vim_resume(v, "\"52-saved\"");
	check(v, rc);
	vifs_vim_free(v);

	v = client(f, status, 0);
	rc = vifs_vim_current_time(v, &now);
	check(v, rc);
	if ((rc == 0) != (now != NULL))
		abort();
	check_line(now);
	free(now);
	vifs_vim_free(v);

	v = client(f, status, 1);
	rc = vifs_vim_login(v, "root", "pw");
	check(v, rc);
	if (rc == 0 && vifs_vim_session_cookie(v) == NULL)
		abort();
	vifs_vim_free(v);

	v = client(f, status, 1);
	check(v, vifs_vim_mkdir(v, "[ds] d", NULL, 0));
	vifs_vim_free(v);

	v = client(f, status, 1);
	check(v, vifs_vim_copy(v, "[ds] a", "[ds] b", "ha-datacenter", 1));
	vifs_vim_free(v);

	v = client(f, status, 1);
	rc = vifs_vim_datacenters(v, &l);
	check(v, rc);
	for (size_t i = 0; rc == 0 && i < l->count; i++) {
		if (l->items[i].id == NULL || l->items[i].name == NULL ||
		    l->items[i].path == NULL)
			abort();
		check_line(l->items[i].name);
		check_line(l->items[i].path);
	}
	vifs_vim_dclist_free(l);
	vifs_vim_free(v);

	/* The host and its firmware system: the answers of the persist,
	 * backup and restore steps. */
	{
		struct vifs_vim_host host;
		char *url = NULL;

		v = client(f, status, 1);
		rc = vifs_vim_host(v, &host);
		check(v, rc);
		if (rc == 0 && (host.id == NULL || host.firmware == NULL))
			abort();
		if (rc == 0)
			check_line(host.name);
		vifs_vim_host_clear(&host);
		vifs_vim_free(v);

		v = client(f, status, 1);
		rc = vifs_vim_firmware_backup(v, "ha-firmwareSystem", &url);
		check(v, rc);
		if ((rc == 0) != (url != NULL))
			abort();
		check_line(url);
		free(url);
		vifs_vim_free(v);

		v = client(f, status, 1);
		check(v, vifs_vim_firmware_sync(v, "ha-firmwareSystem"));
		vifs_vim_free(v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f;

	memset(&f, 0, sizeof(f));
	f.data = data;
	f.size = size;
	run(&f, 200);
	run(&f, 500);
	vifs_error_clear();
	return 0;
}
