/*
 * scan.c - where vifs-agent reads devices from and how they are analysed:
 * the source options, and agent_load(), which reads the devices
 * (scan_libpci.c), then the esx.conf, passthru.map and roles that apply,
 * and analyses the inventory with them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/inventory.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "msg.h"
#include "scan_int.h"

#define DEFAULT_ESXCONF "/etc/vmware/esx.conf"
#define DEFAULT_PASSTHRU_MAP "/etc/vmware/passthru.map"

const char agent_source_help[] =
    "Source (default: this system through /sys/bus/pci):\n"
    "      --dump FILE          read an `lspci -xxx` dump of a host\n"
    "      --sysfs DIR          read another sysfs tree (DIR/bus/pci or DIR)\n"
    "Analysis:\n"
    "      --esxconf FILE       owners and vmknames from this esx.conf\n"
    "                           (default " DEFAULT_ESXCONF " for this system)\n"
    "      --no-esxconf         do not read an esx.conf\n"
    "      --passthru-map FILE  reset overrides from this passthru.map\n"
    "                           (default " DEFAULT_PASSTHRU_MAP
    " for this system)\n"
    "      --no-passthru-map    do not read a passthru.map\n"
    "Roles (devices that are never to be given to passthru):\n"
    "      --boot-device DEV    the controller of the boot device: a PCI\n"
    "                           address in any notation, a vmhba, or an ESXi\n"
    "                           disk name such as mpx.vmhba32:C0:T0:L0:5\n"
    "                           (repeatable; with a dump, say it here)\n"
    "      --coredump-device DEV  the controller of the coredump device\n"
    "      --proc DIR           with --sysfs: the proc tree whose mounts and\n"
    "                           routes go with it (boot controller, "
    "management\n"
    "                           NIC are then looked for in both trees)\n"
    "      --no-roles           do not look for the boot controller and the\n"
    "                           management NIC of this system\n"
    "Names:\n"
    "      --ids-file FILE      read names from FILE instead of pci.ids\n"
    "      --no-hwdb            names from pci.ids only, not udev's hwdb\n";

static const struct option source_options[] = {
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "esxconf", required_argument, NULL, OPT_ESXCONF },
	{ "ids-file", required_argument, NULL, OPT_IDS },
	{ "no-esxconf", no_argument, NULL, OPT_NO_ESXCONF },
	{ "no-hwdb", no_argument, NULL, OPT_NO_HWDB },
	{ "no-passthru-map", no_argument, NULL, OPT_NO_MAP },
	{ "passthru-map", required_argument, NULL, OPT_MAP },
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "no-roles", no_argument, NULL, OPT_NO_ROLES },
	{ "boot-device", required_argument, NULL, OPT_BOOT_DEVICE },
	{ "coredump-device", required_argument, NULL, OPT_COREDUMP_DEVICE },
};

const struct option *
agent_options(struct option *out, const struct option *own)
{
	size_t n = 0, i;

	for (i = 0; own[i].name != NULL && n < AGENT_MAX_OPTIONS - 1; i++)
		out[n++] = own[i];
	for (i = 0; i < sizeof(source_options) / sizeof(source_options[0]) &&
	     n < AGENT_MAX_OPTIONS - 1;
	     i++)
		out[n++] = source_options[i];
	memset(&out[n], 0, sizeof(out[n]));
	return out;
}

int
agent_source_option(struct agent_source *src, int opt, const char *arg)
{
	switch (opt) {
	case OPT_DUMP:
		src->dump = arg;
		return 1;
	case OPT_SYSFS:
		src->sysfs = arg;
		return 1;
	case OPT_ESXCONF:
		src->esxconf = arg;
		return 1;
	case OPT_NO_ESXCONF:
		src->no_esxconf = 1;
		return 1;
	case OPT_MAP:
		src->map = arg;
		return 1;
	case OPT_NO_MAP:
		src->no_map = 1;
		return 1;
	case OPT_IDS:
		src->ids = arg;
		return 1;
	case OPT_NO_HWDB:
		src->no_hwdb = 1;
		return 1;
	case OPT_PROC:
		src->proc = arg;
		return 1;
	case OPT_NO_ROLES:
		src->no_roles = 1;
		return 1;
	case OPT_BOOT_DEVICE:
		if (src->nboot < AGENT_MAX_ROLE_DEVICES)
			src->boot[src->nboot] = arg;
		src->nboot++;
		return 1;
	case OPT_COREDUMP_DEVICE:
		if (src->ncoredump < AGENT_MAX_ROLE_DEVICES)
			src->coredump[src->ncoredump] = arg;
		src->ncoredump++;
		return 1;
	default:
		return 0;
	}
}

int
agent_source_check(const struct agent_source *src, const char *command)
{
	if (src->dump != NULL && src->sysfs != NULL)
		return msg_usage(command,
		    "--dump and --sysfs exclude each other");
	if (src->esxconf != NULL && src->no_esxconf)
		return msg_usage(command,
		    "--esxconf and --no-esxconf exclude each other");
	if (src->map != NULL && src->no_map)
		return msg_usage(command,
		    "--passthru-map and --no-passthru-map exclude each other");
	if (src->proc != NULL && src->sysfs == NULL)
		return msg_usage(command, "--proc goes with --sysfs");
	if (src->nboot > AGENT_MAX_ROLE_DEVICES ||
	    src->ncoredump > AGENT_MAX_ROLE_DEVICES)
		return msg_usage(command,
		    "at most %d --boot-device and %d --coredump-device",
		    AGENT_MAX_ROLE_DEVICES, AGENT_MAX_ROLE_DEVICES);
	return 0;
}

/*
 * The file an analysis option names: GIVEN, none when DISABLED, else
 * DEF when the live system is read and DEF exists.
 */
static const char *
pick(const char *given, int disabled, const char *def, int live)
{
	struct stat st;

	if (disabled)
		return NULL;
	if (given != NULL)
		return given;
	if (live && stat(def, &st) == 0)
		return def;
	return NULL;
}

/* Adds the devices the user names for ROLE (OPTION) to R. */
static int
named_roles(vifs_roles *r, const vifs_inventory *inv, const vifs_esxconf *doc,
    enum vifs_role role, const char *option, const char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vifs_pciaddr a;
		char *how = NULL, lx[VIFS_PCIADDR_MAX];
		int error;

		if (vifs_roles_resolve(&a, &how, doc, texts[i]) < 0) {
			msg_err("%s %s: %s", option, texts[i],
			    vifs_error_last());
			return -1;
		}
		vifs_pciaddr_format(lx, sizeof(lx), &a, VIFS_PCI_LINUX);
		if (vifs_inventory_find(inv, &a) == NULL) {
			msg_err("%s %s: the host has no device %s (%s)", option,
			    texts[i], lx, how);
			free(how);
			return -1;
		}
		{
			size_t len = strlen(option) + strlen(how) + 4;
			char *text = malloc(len);

			if (text == NULL) {
				free(how);
				msg_err("out of memory");
				return -1;
			}
			snprintf(text, len, "%s %s", option, how);
			error = vifs_roles_add(r, role, &a, "option", text);
			free(text);
		}
		free(how);
		if (error < 0) {
			msg_lib();
			return -1;
		}
	}
	return 0;
}

/*
 * The roles of the devices: those of the live system or of the --sysfs
 * and --proc trees, then those the user names.
 */
static int
load_roles(vifs_inventory *inv, const struct agent_source *src,
    const vifs_esxconf *doc)
{
	vifs_roles *r = NULL;
	int result = -1;

	if (vifs_roles_new(&r) < 0) {
		msg_lib();
		goto done;
	}
	if (!src->no_roles && src->dump == NULL &&
	    (src->sysfs == NULL || src->proc != NULL) &&
	    vifs_roles_scan_linux(r, src->sysfs ? src->sysfs : "/sys",
	        src->proc ? src->proc : "/proc") < 0) {
		msg_lib();
		goto done;
	}
	if (named_roles(r, inv, doc, VIFS_ROLE_BOOT, "--boot-device", src->boot,
	        src->nboot) < 0 ||
	    named_roles(r, inv, doc, VIFS_ROLE_COREDUMP, "--coredump-device",
	        src->coredump, src->ncoredump) < 0)
		goto done;
	if (vifs_inventory_set_roles(inv, r) < 0) {
		msg_lib();
		goto done;
	}
	result = 0;
done:
	vifs_roles_free(r);
	return result;
}

int
agent_load(vifs_inventory **out, const struct agent_source *src)
{
	int live = src->dump == NULL && src->sysfs == NULL;
	const char *esxpath = pick(src->esxconf, src->no_esxconf,
	    DEFAULT_ESXCONF, live);
	const char *mappath = pick(src->map, src->no_map, DEFAULT_PASSTHRU_MAP,
	    live);
	vifs_inventory *inv = NULL;
	vifs_esxconf *doc = NULL;
	vifs_passthru_map *map = NULL;
	int result = -1;

	*out = NULL;
	if ((esxpath != NULL && vifs_esxconf_open(&doc, esxpath) < 0) ||
	    (mappath != NULL && vifs_passthru_map_open(&map, mappath) < 0) ||
	    vifs_inventory_new(&inv) < 0) {
		msg_lib();
		goto done;
	}
	if (agent_scan(inv, src) < 0 || load_roles(inv, src, doc) < 0)
		goto done;
	if (vifs_inventory_analyse(inv, doc, map, mappath) < 0) {
		msg_lib();
		goto done;
	}
	*out = inv;
	inv = NULL;
	result = 0;
done:
	vifs_inventory_free(inv);
	vifs_passthru_map_free(map);
	vifs_esxconf_free(doc);
	return result;
}
