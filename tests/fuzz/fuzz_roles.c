/*
 * fuzz_roles.c - the readers of the role finder: the input is given as a
 * proc tree's mountinfo and route tables (beside an empty sysfs tree), as
 * an esx.conf for the management uplinks, and its first line as a device
 * name to resolve.  Besides memory safety it checks that every mark
 * holds a device in range with its texts, and that a refused name always
 * leaves a message.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/roles.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256];

static void
tree_remove(void)
{
	static const char *const rel[] = { "proc/self/mountinfo",
		"proc/net/route", "proc/net/ipv6_route", "proc/self",
		"proc/net", "proc", "sys", "" };
	char p[300];

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, rel[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
}

/* A scratch tree made once per process: ROOT/sys, ROOT/proc/{self,net};
 * removed at exit. */
static int
tree(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[300];

	if (root[0] != '\0')
		return 0;
	snprintf(root, sizeof(root), "%s/vifs-fuzz-roles-XXXXXX",
	    tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(root) == NULL)
		return -1;
	atexit(tree_remove);
	snprintf(p, sizeof(p), "%s/sys", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/self", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/net", root);
	mkdir(p, 0700);
	return 0;
}

static void
put(const char *rel, const uint8_t *data, size_t size)
{
	char p[300];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if ((f = fopen(p, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

static void
check(const vifs_roles *r)
{
	for (size_t i = 0; i < vifs_roles_count(r); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(r, i);

		if (m->device.dev > 31 || m->device.func > 7 ||
		    m->learned == NULL || m->how == NULL || m->how[0] == '\0')
			abort();
	}
	for (size_t i = 0; i < vifs_roles_note_count(r); i++)
		if (vifs_roles_note_get(r, i)->text[0] == '\0')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sys[300], proc[300], name[128];
	vifs_roles *r = NULL;
	vifs_esxconf *doc = NULL;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	struct vifs_pciaddr a;
	char *how = NULL;

	if (tree() < 0 || vifs_roles_new(&r) < 0)
		abort();
	put("proc/self/mountinfo", data, size);
	put("proc/net/route", data, size);
	put("proc/net/ipv6_route", data, size);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	if (vifs_roles_scan_linux(r, sys, proc) < 0)
		abort();
	if (vifs_esxconf_parse(&doc, "esx.conf", (const char *)data, size) ==
	    0) {
		if (vifs_roles_from_esxconf(r, doc) < 0 &&
		    vifs_error_last_code() != VIFS_ENOMEM)
			abort();
		if (n < sizeof(name) && memchr(data, '\0', n) == NULL) {
			memcpy(name, data, n);
			name[n] = '\0';
			if (vifs_roles_resolve(&a, &how, doc, name) < 0) {
				if (how != NULL || vifs_error_last()[0] == '\0')
					abort();
			} else if (how == NULL || a.dev > 31 || a.func > 7) {
				abort();
			}
			free(how);
		}
	}
	check(r);
	vifs_esxconf_free(doc);
	vifs_roles_free(r);
	return 0;
}
