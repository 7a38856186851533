/*
 * vim_host.c - the VIM client's HostSystem lookup and the calls of its
 * HostFirmwareSystem (sync, backup, upload URL, restore).
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

/* --- the host and its firmware system ------------------------------- */

int
vim_host_req(vifs_vim *v, struct req *r)
{
	static const char *const from_folder[] = { "folders", "dcHosts",
		"crHosts", NULL };
	static const char *const from_dc[] = { "folders", NULL };
	xmlNodePtr spec, ps, os;
	int error;

	if ((error = vim_req_begin(r, "RetrievePropertiesEx",
	         "PropertyCollector", v->property_collector)) < 0)
		return error;
	spec = vim_req_elem(r, r->op, "specSet");
	ps = vim_req_elem(r, spec, "propSet");
	vim_req_text(r, ps, "type", "HostSystem");
	vim_req_text(r, ps, "pathSet", "name");
	vim_req_text(r, ps, "pathSet", "configManager.firmwareSystem");
	vim_req_text(r, ps, "pathSet", "runtime.inMaintenanceMode");
	os = vim_req_elem(r, spec, "objectSet");
	vim_req_moref(r, os, "obj", "Folder", v->root_folder);
	vim_req_text(r, os, "skip", "true");
	vim_req_traverse(r, os, "folders", "Folder", "childEntity",
	    from_folder);
	vim_req_traverse(r, os, "dcHosts", "Datacenter", "hostFolder", from_dc);
	vim_req_traverse(r, os, "crHosts", "ComputeResource", "host", NULL);
	vim_req_elem(r, r->op, "options");
	return VIFS_OK;
}

int
vim_host_read(vifs_vim *v, struct resp *a, struct vifs_vim_host *out)
{
	static const char *const M = "RetrievePropertiesEx";
	xmlXPathObjectPtr o = NULL;
	char *maint = NULL;
	int error = 0, n = 0;

	memset(out, 0, sizeof(*out));
	o = xmlXPathNodeEval(a->ret,
	    X "v:returnval/v:objects[v:obj/@type='HostSystem']", a->xp);
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

		out->id = vim_xp_text(a, obj, "v:obj");
		out->name = vim_clean_line(
		    vim_xp_text(a, obj, "v:propSet[v:name='name']/v:val"));
		out->firmware = vim_xp_text(a, obj,
		    "v:propSet[v:name='configManager.firmwareSystem']/v:val");
		maint = vim_xp_text(a, obj,
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
	if (error < 0)
		vifs_vim_host_clear(out);
	return error;
}

static int
host_build(vifs_vim *v, struct req *r, const void *in)
{
	(void)in;
	return vim_host_req(v, r);
}

static int
host_read(vifs_vim *v, struct resp *a, void *out)
{
	return vim_host_read(v, a, out);
}

int
vifs_vim_host(vifs_vim *v, struct vifs_vim_host *out)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = vim_need_sc(v)) < 0)
		return error;
	return vim_exchange(v, "RetrievePropertiesEx", host_build, host_read,
	    NULL, out);
}

void
vifs_vim_host_clear(struct vifs_vim_host *h)
{
	free(h->id);
	free(h->name);
	free(h->firmware);
	memset(h, 0, sizeof(*h));
}

int
vim_firmware_req(vifs_vim *v, struct req *r, const char *method,
    const char *firmware, int force)
{
	int error;

	(void)v;
	if ((error = vim_req_begin(r, method, "HostFirmwareSystem", firmware)) <
	    0)
		return error;
	if (force >= 0)
		vim_req_text(r, r->op, "force", force ? "true" : "false");
	return VIFS_OK;
}

int
vim_firmware_read(vifs_vim *v, struct resp *a, const char *method, char **url)
{
	if (url == NULL)
		return VIFS_OK;
	*url = vim_clean_line(vim_xp_text(a, a->ret, "v:returnval"));
	if (*url == NULL || **url == '\0') {
		free(*url);
		*url = NULL;
		return vifs_error_set(VIFS_EPARSE,
		    "%s: %s: the answer holds no URL", v->where, method);
	}
	return VIFS_OK;
}

struct fw_args {
	const char *method, *firmware;
	int force;
};

static int
fw_build(vifs_vim *v, struct req *r, const void *in)
{
	const struct fw_args *f = in;

	return vim_firmware_req(v, r, f->method, f->firmware, f->force);
}

struct fw_answer {
	const char *method;
	char **url;
};

static int
fw_read(vifs_vim *v, struct resp *a, void *out)
{
	struct fw_answer *f = out;

	return vim_firmware_read(v, a, f->method, f->url);
}

/* A method of the HostFirmwareSystem FIRMWARE; *url (when not NULL)
 * gets its string answer.  FORCE >= 0 adds the argument "force". */
static int
firmware_call(vifs_vim *v, const char *method, const char *firmware, int force,
    char **url)
{
	struct fw_args f = { method, firmware, force };
	struct fw_answer ans = { method, url };
	int error;

	if (url != NULL)
		*url = NULL;
	if ((error = vim_need_sc(v)) < 0)
		return error;
	return vim_exchange(v, method, fw_build, fw_read, &f, &ans);
}

int
vifs_vim_firmware_sync(vifs_vim *v, const char *firmware)
{
	return firmware_call(v, VIM_FW_SYNC, firmware, -1, NULL);
}

int
vifs_vim_firmware_backup(vifs_vim *v, const char *firmware, char **url)
{
	return firmware_call(v, VIM_FW_BACKUP, firmware, -1, url);
}

int
vifs_vim_firmware_upload_url(vifs_vim *v, const char *firmware, char **url)
{
	return firmware_call(v, VIM_FW_UPLOAD_URL, firmware, -1, url);
}

int
vifs_vim_firmware_restore(vifs_vim *v, const char *firmware, int force)
{
	return firmware_call(v, VIM_FW_RESTORE, firmware, force ? 1 : 0, NULL);
}
