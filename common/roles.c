/*
 * roles.c - the list of devices that hold a role (boot controller,
 * management NIC, coredump controller), the management NICs an esx.conf
 * names, and the names a user gives for a role device.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/roles.h>

#include "internal.h"

/* A mark or note with the strings it owns (the public view borrows). */
struct mark_rec {
	struct vifs_role_mark m;
	char *learned, *how;
};

struct note_rec {
	struct vifs_role_note n;
	char *text;
};

struct vifs_roles {
	struct mark_rec *marks;
	size_t n, cap;
	struct note_rec *notes;
	size_t nnotes, capnotes;
};

static const struct {
	enum vifs_role role;
	const char *name;
	const char *carries;
	const char *consequence;
} role_table[] = {
	{ VIFS_ROLE_BOOT, "boot-controller", "the boot device",
	    "the host keeps running from memory but can no longer save its "
	    "configuration to the boot device (state.tgz), so no later "
	    "change survives a reboot, not even undoing this one, and the "
	    "datastores on that controller disappear" },
	{ VIFS_ROLE_MGMT_NIC, "management-nic", "the management network",
	    "the host loses its management network and can no longer be "
	    "reached by vifs, the vSphere client or vCenter" },
	{ VIFS_ROLE_COREDUMP, "coredump-controller", "the coredump device",
	    "the host can no longer write a core dump when it fails" },
};

static size_t
role_index(enum vifs_role role)
{
	for (size_t i = 0; i < NELEM(role_table); i++)
		if (role_table[i].role == role)
			return i;
	return 0;
}

const char *
vifs_role_name(enum vifs_role role)
{
	return role_table[role_index(role)].name;
}

const char *
vifs_role_carries(enum vifs_role role)
{
	return role_table[role_index(role)].carries;
}

const char *
vifs_role_consequence(enum vifs_role role)
{
	return role_table[role_index(role)].consequence;
}

int
vifs_role_parse(enum vifs_role *out, const char *name)
{
	for (size_t i = 0; name != NULL && i < NELEM(role_table); i++) {
		if (strcmp(role_table[i].name, name) == 0) {
			*out = role_table[i].role;
			return 0;
		}
	}
	return -1;
}

int
vifs_roles_new(vifs_roles **out)
{
	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: no output");
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

void
vifs_roles_free(vifs_roles *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->marks[i].learned);
		free(r->marks[i].how);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i].text);
	free(r->marks);
	free(r->notes);
	free(r);
}

/* Makes room for one more element of SIZE bytes in *ARR of *CAP. */
static int
grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return VIFS_OK;
	c = *cap ? *cap * 2 : 8;
	if (c > (size_t)-1 / size || (p = realloc(*arr, c * size)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*arr = p;
	*cap = c;
	return VIFS_OK;
}

int
vifs_roles_add(vifs_roles *r, enum vifs_role role,
    const struct vifs_pciaddr *device, const char *learned, const char *how)
{
	struct mark_rec *m;
	char *l = NULL, *h = NULL;
	int error;

	if (r == NULL || device == NULL || learned == NULL || how == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: mark incomplete");
	if (device->dev > 31 || device->func > 7)
		return vifs_error_set(VIFS_EINVAL,
		    "roles: device %u or function %u out of range", device->dev,
		    device->func);
	if (vifs_roles_of(r, device) & (unsigned)role)
		return VIFS_OK;
	if ((error = grow((void **)&r->marks, &r->cap, r->n,
	         sizeof(*r->marks))) < 0)
		return error;
	if ((l = vifs_strdup(learned)) == NULL ||
	    (h = vifs_strdup(how)) == NULL) {
		free(l);
		return VIFS_ENOMEM;
	}
	m = &r->marks[r->n++];
	m->m.role = role;
	m->m.device = *device;
	m->m.learned = m->learned = l;
	m->m.how = m->how = h;
	return VIFS_OK;
}

int
vifs_roles_note(vifs_roles *r, enum vifs_role role, const char *text)
{
	char *t;
	int error;

	if (r == NULL || text == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: empty note");
	for (size_t i = 0; i < r->nnotes; i++)
		if (r->notes[i].n.role == role &&
		    strcmp(r->notes[i].text, text) == 0)
			return VIFS_OK;
	if ((error = grow((void **)&r->notes, &r->capnotes, r->nnotes,
	         sizeof(*r->notes))) < 0)
		return error;
	if ((t = vifs_strdup(text)) == NULL)
		return VIFS_ENOMEM;
	r->notes[r->nnotes].n.role = role;
	r->notes[r->nnotes].n.text = t;
	r->notes[r->nnotes++].text = t;
	return VIFS_OK;
}

int
vifs_roles_merge(vifs_roles *r, const vifs_roles *from)
{
	int error;

	for (size_t i = 0; from != NULL && i < from->n; i++) {
		const struct vifs_role_mark *m = &from->marks[i].m;

		if ((error = vifs_roles_add(r, m->role, &m->device, m->learned,
		         m->how)) < 0)
			return error;
	}
	for (size_t i = 0; from != NULL && i < from->nnotes; i++)
		if ((error = vifs_roles_note(r, from->notes[i].n.role,
		         from->notes[i].text)) < 0)
			return error;
	return VIFS_OK;
}

size_t
vifs_roles_count(const vifs_roles *r)
{
	return r ? r->n : 0;
}

const struct vifs_role_mark *
vifs_roles_get(const vifs_roles *r, size_t i)
{
	return r && i < r->n ? &r->marks[i].m : NULL;
}

size_t
vifs_roles_note_count(const vifs_roles *r)
{
	return r ? r->nnotes : 0;
}

const struct vifs_role_note *
vifs_roles_note_get(const vifs_roles *r, size_t i)
{
	return r && i < r->nnotes ? &r->notes[i].n : NULL;
}

unsigned
vifs_roles_of(const vifs_roles *r, const struct vifs_pciaddr *device)
{
	unsigned roles = 0;

	for (size_t i = 0; r != NULL && device != NULL && i < r->n; i++)
		if (vifs_pciaddr_cmp(&r->marks[i].m.device, device) == 0)
			roles |= (unsigned)r->marks[i].m.role;
	return roles;
}

/* --- vmknames -------------------------------------------------------- */

struct vmk_search {
	const char *name;
	char *key_addr; /* the address part of the first key found */
	size_t line;
	int found;
};

static int
vmk_line(const struct vifs_esxconf_line *line, void *payload)
{
	static const char prefix[] = "/device/", suffix[] = "/vmkname";
	struct vmk_search *s = payload;
	size_t pl = sizeof(prefix) - 1, sl = sizeof(suffix) - 1;
	size_t nl = strlen(s->name);

	if (line->key_len <= pl + sl ||
	    memcmp(line->key + line->key_len - sl, suffix, sl) != 0 ||
	    line->raw_value_len != nl ||
	    memcmp(line->raw_value, s->name, nl) != 0)
		return 0;
	s->found++;
	if (s->key_addr == NULL) {
		if ((s->key_addr = vifs_strndup(line->key + pl,
		         line->key_len - pl - sl)) == NULL)
			return VIFS_ENOMEM;
		s->line = line->lineno;
	}
	return 0;
}

/* The device whose /device/ADDR/vmkname is NAME; how into *HOW. */
static int
resolve_vmkname(struct vifs_pciaddr *out, struct vifs_buf *how,
    const vifs_esxconf *doc, const char *name)
{
	struct vmk_search s;
	int error;

	memset(&s, 0, sizeof(s));
	s.name = name;
	if (doc == NULL)
		return vifs_error_set(VIFS_ENOTFOUND,
		    "'%s' names an ESXi device, but no esx.conf was given to "
		    "look it up in",
		    name);
	if ((error = vifs_esxconf_foreach(doc, "/device/", vmk_line, &s)) < 0)
		goto done;
	if (s.key_addr == NULL) {
		error = vifs_error_set(VIFS_ENOTFOUND,
		    "%s has no /device/ADDR/vmkname = \"%s\" line",
		    vifs_esxconf_name(doc), name);
		goto done;
	}
	if (s.found > 1) {
		error = vifs_error_set(VIFS_EAMBIGUOUS,
		    "%s names %d devices %s", vifs_esxconf_name(doc), s.found,
		    name);
		goto done;
	}
	if ((error = vifs_pciaddr_parse(out, NULL, s.key_addr,
	         VIFS_PCI_ESXCONF)) < 0)
		goto done;
	error = vifs_buf_printf(how, "%s is /device/%s (%s:%zu)", name,
	    s.key_addr, vifs_esxconf_name(doc), s.line);
done:
	free(s.key_addr);
	return error;
}

/*
 * The adapter part of an ESXi disk name: "vmhbaN" at the start, or after
 * "mpx." (a disk of a local adapter), followed by ':' or the end.  Returns
 * its length at *START, 0 when there is none.
 */
static size_t
adapter_of(const char *text, size_t *start)
{
	size_t i = 0, n;

	if (strncmp(text, "mpx.", 4) == 0)
		i = 4;
	if (strncmp(text + i, "vmhba", 5) != 0)
		return 0;
	n = 5;
	while (isdigit((unsigned char)text[i + n]))
		n++;
	if (n == 5 || (text[i + n] != '\0' && text[i + n] != ':'))
		return 0;
	*start = i;
	return n;
}

int
vifs_roles_resolve(struct vifs_pciaddr *out, char **how,
    const vifs_esxconf *doc, const char *text)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	enum vifs_pci_notation found;
	char name[32];
	size_t start = 0, n;
	int error;

	if (out == NULL || how == NULL || text == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: nothing to resolve");
	*how = NULL;
	if ((n = adapter_of(text, &start)) > 0 && n < sizeof(name)) {
		memcpy(name, text + start, n);
		name[n] = '\0';
		if (strlen(text) > start + n &&
		    (error = vifs_buf_printf(&b, "%s is on adapter %s; ", text,
		         name)) < 0)
			goto done;
		error = resolve_vmkname(out, &b, doc, name);
	} else if (strncmp(text, "vmnic", 5) == 0 && text[5] != '\0' &&
	    strspn(text + 5, "0123456789") == strlen(text + 5)) {
		error = resolve_vmkname(out, &b, doc, text);
	} else {
		error = vifs_pciaddr_parse(out, &found, text, VIFS_PCI_AUTO);
		if (error == 0)
			error = vifs_buf_printf(&b, "%s read as %s notation",
			    text, vifs_pci_notation_name(found));
	}
	if (error == 0)
		*how = vifs_buf_detach(&b, NULL);
done:
	vifs_buf_free(&b);
	return error;
}

/* --- management network of an esx.conf ------------------------------- */

/* Value of KEY, or NULL when absent; the caller frees it. */
static char *get(const vifs_esxconf *doc, const char *fmt, ...)
    VIFS_PRINTF(2, 3);

static char *
get(const vifs_esxconf *doc, const char *fmt, ...)
{
	char key[256], *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (vifs_esxconf_get(&v, doc, key) < 0)
		return NULL;
	return v;
}

/* Index N of the first child[N] of PREFIX whose FIELD is VALUE, or -1. */
static long
child_where(const vifs_esxconf *doc, const char *prefix, const char *field,
    const char *value)
{
	for (long i = 0; i < 10000; i++) {
		char *v = get(doc, "%s/child[%04ld]/%s", prefix, i, field);
		int hit;

		if (v == NULL) {
			char *name = get(doc, "%s/child[%04ld]/name", prefix,
			    i);

			free(name);
			if (name == NULL && i > 64)
				break;
			continue;
		}
		hit = strcmp(v, value) == 0;
		free(v);
		if (hit)
			return i;
	}
	return -1;
}

/* Adds each uplink under BASE ("…/teamPolicy/uplinks" or "…/uplinks"). */
static int
add_uplinks(vifs_roles *r, const vifs_esxconf *doc, const char *base,
    const char *vmk, const char *pg, int *count)
{
	struct vifs_buf how = VIFS_BUF_INIT;
	int error = 0;

	for (int i = 0; i < 32; i++) {
		struct vifs_pciaddr a;
		char *nic = get(doc, "%s[%04d]/pnic", base, i);

		if (nic == NULL)
			continue;
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s carries portgroup '%s' of %s; uplink %s; ", vmk,
		         pg, vifs_esxconf_name(doc), nic)) < 0 ||
		    (error = resolve_vmkname(&a, &how, doc, nic)) < 0) {
			if (error == VIFS_ENOTFOUND ||
			    error == VIFS_EAMBIGUOUS || error == VIFS_EPARSE)
				error = vifs_roles_note(r, VIFS_ROLE_MGMT_NIC,
				    vifs_error_last());
			free(nic);
			if (error < 0)
				break;
			continue;
		}
		free(nic);
		(*count)++;
		if ((error = vifs_roles_add(r, VIFS_ROLE_MGMT_NIC, &a,
		         "esxconf", how.data)) < 0)
			break;
	}
	vifs_buf_free(&how);
	return error;
}

int
vifs_roles_from_esxconf(vifs_roles *r, const vifs_esxconf *doc)
{
	char *vmk = NULL, *pg = NULL;
	char base[128];
	long k, sw = -1, p = -1;
	int count = 0, error = 0;

	if (r == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: no esx.conf");
	vmk = get(doc, "/adv/Net/ManagementIface");
	k = vmk ? child_where(doc, "/net/vmkernelnic", "name", vmk) :
	          child_where(doc, "/net/vmkernelnic", "portgroup",
	              "Management Network");
	if (k < 0) {
		if (vmk != NULL ||
		    child_where(doc, "/net/vmkernelnic", "name", "vmk0") >= 0)
			error = vifs_roles_note(r, VIFS_ROLE_MGMT_NIC,
			    "esx.conf: the management vmkernel interface has "
			    "no /net/vmkernelnic entry");
		goto done;
	}
	if (vmk == NULL &&
	    (vmk = get(doc, "/net/vmkernelnic/child[%04ld]/name", k)) == NULL &&
	    (vmk = vifs_strdup("the management vmkernel interface")) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((pg = get(doc, "/net/vmkernelnic/child[%04ld]/portgroup", k)) ==
	    NULL) {
		error = vifs_roles_note(r, VIFS_ROLE_MGMT_NIC,
		    "esx.conf: the management vmkernel interface names no "
		    "portgroup");
		goto done;
	}
	for (long s = 0; s < 1024 && p < 0; s++) {
		char prefix[64], *name;

		snprintf(prefix, sizeof(prefix), "/net/vswitch/child[%04ld]",
		    s);
		name = get(doc, "%s/name", prefix);
		snprintf(base, sizeof(base), "%s/portgroup", prefix);
		p = child_where(doc, base, "name", pg);
		if (p >= 0)
			sw = s;
		free(name);
		if (name == NULL && s > 64)
			break;
	}
	if (sw < 0) {
		error = vifs_roles_note(r, VIFS_ROLE_MGMT_NIC,
		    "esx.conf: no vSwitch has the management portgroup");
		goto done;
	}
	snprintf(base, sizeof(base),
	    "/net/vswitch/child[%04ld]/portgroup/child[%04ld]/teamPolicy/"
	    "uplinks",
	    sw, p);
	if ((error = add_uplinks(r, doc, base, vmk, pg, &count)) < 0)
		goto done;
	if (count == 0) {
		snprintf(base, sizeof(base),
		    "/net/vswitch/child[%04ld]/teamPolicy/uplinks", sw);
		if ((error = add_uplinks(r, doc, base, vmk, pg, &count)) < 0)
			goto done;
	}
	if (count == 0) {
		snprintf(base, sizeof(base),
		    "/net/vswitch/child[%04ld]/uplinks", sw);
		if ((error = add_uplinks(r, doc, base, vmk, pg, &count)) < 0)
			goto done;
	}
	if (count == 0)
		error = vifs_roles_note(r, VIFS_ROLE_MGMT_NIC,
		    "esx.conf: the management portgroup has no uplink that "
		    "names a device");
done:
	free(vmk);
	free(pg);
	return error;
}
