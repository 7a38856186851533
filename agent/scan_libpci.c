/*
 * scan_libpci.c - reading the PCI devices with libpci, from the live
 * system or another sysfs tree (libpci's linux-sysfs method) or a checked
 * `lspci -xxx` dump (its dump method).  libpci's error callback would exit
 * the process, so ours records the message and leaves through longjmp
 * back to agent_scan(), which then fails cleanly.
 *
 * The 64-byte header is read once per device into a buffer that libpci
 * then uses as its cache; the capabilities are read register by register.
 * How much is readable (64 bytes for an unprivileged sysfs read, 256 or
 * 4096 otherwise) decides which facts are known.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pci/pci.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "msg.h"
#include "scan_int.h"

#define GENERATOR "vifs-agent " VIFS_VERSION

/* --- libpci callbacks ------------------------------------------------ */

static jmp_buf pci_env;
static char pci_errmsg[512];

static void pci_error_cb(char *msg, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void pci_warning_cb(char *msg, ...)
    __attribute__((format(printf, 1, 2)));
static void pci_debug_cb(char *msg, ...) __attribute__((format(printf, 1, 2)));

static void
pci_error_cb(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	longjmp(pci_env, 1);
}

static void
pci_warning_cb(char *msg, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	msg_warn("libpci: %s", buf);
}

static void
pci_debug_cb(char *msg, ...)
{
	(void)msg;
}

/* --- one device ------------------------------------------------------ */

static enum vifs_pcie_type
pcie_type_of(unsigned type)
{
	switch (type) {
	case PCI_EXP_TYPE_ENDPOINT:
		return VIFS_PCIE_ENDPOINT;
	case PCI_EXP_TYPE_LEG_END:
		return VIFS_PCIE_LEGACY_ENDPOINT;
	case PCI_EXP_TYPE_ROOT_PORT:
		return VIFS_PCIE_ROOT_PORT;
	case PCI_EXP_TYPE_UPSTREAM:
		return VIFS_PCIE_UPSTREAM_PORT;
	case PCI_EXP_TYPE_DOWNSTREAM:
		return VIFS_PCIE_DOWNSTREAM_PORT;
	case PCI_EXP_TYPE_PCI_BRIDGE:
		return VIFS_PCIE_PCIE_TO_PCI;
	case PCI_EXP_TYPE_PCIE_BRIDGE:
		return VIFS_PCIE_PCI_TO_PCIE;
	case PCI_EXP_TYPE_ROOT_INT_EP:
		return VIFS_PCIE_RC_ENDPOINT;
	case PCI_EXP_TYPE_ROOT_EC:
		return VIFS_PCIE_RC_EVENT_COLLECTOR;
	default:
		return VIFS_PCIE_RESERVED;
	}
}

static enum vifs_fact
fact(unsigned long bits)
{
	return bits ? VIFS_FACT_YES : VIFS_FACT_NO;
}

static void
facts_all(struct vifs_inv_device *dev, enum vifs_fact f)
{
	dev->flr = dev->af_flr = dev->pm = dev->no_soft_reset = f;
	dev->acs = dev->sriov = f;
}

/*
 * The capability facts from libpci's capability lists, of a device whose
 * first SIZE bytes of configuration space are readable (DOMAIN.md §4.2
 * names the registers).  Registers past the header are read one by one
 * through libpci, as lspci does: in a virtual machine every read of
 * configuration space traps, so reading whole blocks would cost more.
 */
static void
cap_facts(struct vifs_inv_device *dev, struct pci_dev *d, unsigned size)
{
	struct pci_cap *c;

	if (!(pci_read_word(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		/* No capability list at all: every answer is no. */
		dev->pcie_type = VIFS_PCIE_NONE;
		facts_all(dev, VIFS_FACT_NO);
		return;
	}
	if (size < 256) {
		dev->pcie_type = VIFS_PCIE_UNKNOWN;
		facts_all(dev, VIFS_FACT_UNKNOWN);
		return;
	}
	dev->pcie_type = VIFS_PCIE_NONE;
	dev->flr = VIFS_FACT_NO;
	if ((c = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL)) != NULL) {
		if (c->addr + PCI_EXP_DEVCAP + 4 > size) {
			dev->pcie_type = VIFS_PCIE_UNKNOWN;
			dev->flr = VIFS_FACT_UNKNOWN;
		} else {
			unsigned flags = pci_read_word(d,
			    (int)c->addr + PCI_EXP_FLAGS);

			dev->pcie_type = pcie_type_of(
			    (flags & PCI_EXP_FLAGS_TYPE) >> 4);
			dev->flr = fact(
			    pci_read_long(d, (int)c->addr + PCI_EXP_DEVCAP) &
			    PCI_EXP_DEVCAP_FLRESET);
		}
	}
	dev->af_flr = VIFS_FACT_NO;
	if ((c = pci_find_cap(d, PCI_CAP_ID_AF, PCI_CAP_NORMAL)) != NULL)
		dev->af_flr = fact(pci_read_byte(d, (int)c->addr + PCI_AF_CAP) &
		    PCI_AF_CAP_FLR);
	dev->pm = dev->no_soft_reset = VIFS_FACT_NO;
	if ((c = pci_find_cap(d, PCI_CAP_ID_PM, PCI_CAP_NORMAL)) != NULL) {
		dev->pm = VIFS_FACT_YES;
		if (c->addr + PCI_PM_CTRL + 2 > size)
			dev->no_soft_reset = VIFS_FACT_UNKNOWN;
		else
			dev->no_soft_reset = fact(
			    pci_read_word(d, (int)c->addr + PCI_PM_CTRL) &
			    PCI_PM_CTRL_NO_SOFT_RST);
	}
	/* Extended capabilities exist only for PCIe functions. */
	if (dev->pcie_type == VIFS_PCIE_NONE) {
		dev->acs = dev->sriov = VIFS_FACT_NO;
	} else if (size < 4096) {
		dev->acs = dev->sriov = VIFS_FACT_UNKNOWN;
	} else {
		dev->acs = VIFS_FACT_NO;
		if (pci_find_cap(d, PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED))
			dev->acs = VIFS_FACT_YES;
		dev->sriov = VIFS_FACT_NO;
		if ((c = pci_find_cap(d, PCI_EXT_CAP_ID_SRIOV,
		         PCI_CAP_EXTENDED)) != NULL) {
			dev->sriov = VIFS_FACT_YES;
			if (c->addr + PCI_IOV_TOTALVF + 2 <= size)
				dev->sriov_total_vfs = pci_read_word(d,
				    (int)c->addr + PCI_IOV_TOTALVF);
		}
	}
}

/* Removes a " [0c03]" suffix that libpci adds to class fallbacks. */
static char *
strip_class_number(char *name)
{
	size_t n;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	if (n > 7 && name[n - 1] == ']' && name[n - 7] == ' ' &&
	    name[n - 6] == '[')
		name[n - 7] = '\0';
	return name;
}

struct names {
	char vendor[256], device[256], subvendor[256], subdevice[256];
	char cls[256], base[256], progif[256];
};

static void
lookup_names(struct vifs_inv_device *dev, struct pci_access *pacc,
    struct names *nm, int flags)
{
	unsigned cls = (unsigned)dev->class_base << 8 | dev->class_sub;

	flags |= PCI_LOOKUP_NO_NUMBERS;
	dev->vendor_name = pci_lookup_name(pacc, nm->vendor, sizeof(nm->vendor),
	    flags | PCI_LOOKUP_VENDOR, dev->vendor);
	dev->device_name = pci_lookup_name(pacc, nm->device, sizeof(nm->device),
	    flags | PCI_LOOKUP_DEVICE, dev->vendor, dev->device);
	if (dev->has_subsystem) {
		dev->subvendor_name = pci_lookup_name(pacc, nm->subvendor,
		    sizeof(nm->subvendor),
		    flags | PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR,
		    dev->subvendor);
		dev->subdevice_name = pci_lookup_name(pacc, nm->subdevice,
		    sizeof(nm->subdevice),
		    flags | PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE,
		    dev->vendor, dev->device, dev->subvendor, dev->subdevice);
	}
	dev->class_name = strip_class_number(pci_lookup_name(pacc, nm->cls,
	    sizeof(nm->cls), flags | PCI_LOOKUP_CLASS, cls));
	/* No subclass ff is defined: the lookup falls back to the base
	 * class name. */
	dev->base_class_name = strip_class_number(pci_lookup_name(pacc,
	    nm->base, sizeof(nm->base), flags | PCI_LOOKUP_CLASS,
	    (unsigned)dev->class_base << 8 | 0xff));
	dev->prog_if_name = pci_lookup_name(pacc, nm->progif,
	    sizeof(nm->progif), flags | PCI_LOOKUP_PROGIF, cls, dev->prog_if);
}

/* Reads device D of the scan into INV; -1 after printing why. */
static int
scan_device(vifs_inventory *inv, struct pci_access *pacc, struct pci_dev *d,
    int is_dump, int name_flags)
{
	/* Static: libpci keeps pointing at its cache if it longjmps out. */
	static struct names nm;
	static u8 cfg[64];
	struct vifs_inv_device dev;
	u8 probe[4];
	unsigned size = 64;
	int want, known;
	char *s;

	if (d->domain < 0 || d->domain > 0xffff) {
		msg_warn("device %x:%02x:%02x.%u skipped: segment above ffff",
		    (unsigned)d->domain, d->bus, d->dev, d->func);
		return 0;
	}
	memset(&dev, 0, sizeof(dev));
	dev.addr.segment = (uint16_t)d->domain;
	dev.addr.bus = d->bus;
	dev.addr.dev = d->dev;
	dev.addr.func = d->func;
	if (!pci_read_block(d, 0, cfg, 64)) {
		msg_err("%04x:%02x:%02x.%u: configuration header unreadable",
		    (unsigned)d->domain, d->bus, d->dev, d->func);
		return -1;
	}
	/* How far the source lets us read: probe the last dword of the
	 * PCI and of the PCIe configuration space. */
	if (pci_read_block(d, 252, probe, 4)) {
		size = 256;
		if (pci_read_block(d, 4092, probe, 4))
			size = 4096;
	}
	pci_setup_cache(d, cfg, (int)sizeof(cfg));
	want = PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT |
	    PCI_FILL_SUBSYS | PCI_FILL_CAPS | PCI_FILL_EXT_CAPS;
	if (!is_dump)
		want |= PCI_FILL_PARENT | PCI_FILL_DRIVER |
		    PCI_FILL_IOMMU_GROUP;
	known = pci_fill_info(d, want);

	dev.config_size = size;
	dev.vendor = d->vendor_id;
	dev.device = d->device_id;
	if (!(known & PCI_FILL_IDENT)) {
		dev.vendor = pci_read_word(d, PCI_VENDOR_ID);
		dev.device = pci_read_word(d, PCI_DEVICE_ID);
	}
	if (known & PCI_FILL_CLASS) {
		dev.class_base = (uint8_t)(d->device_class >> 8);
		dev.class_sub = (uint8_t)d->device_class;
	} else {
		dev.class_base = cfg[PCI_CLASS_DEVICE + 1];
		dev.class_sub = cfg[PCI_CLASS_DEVICE];
	}
	dev.prog_if = cfg[PCI_CLASS_PROG];
	dev.revision = cfg[PCI_REVISION_ID];
	if (known & PCI_FILL_CLASS_EXT) {
		dev.prog_if = d->prog_if;
		dev.revision = d->rev_id;
	}
	if ((known & PCI_FILL_SUBSYS) && d->subsys_vendor_id != 0 &&
	    d->subsys_vendor_id != 0xffff) {
		dev.has_subsystem = 1;
		dev.subvendor = d->subsys_vendor_id;
		dev.subdevice = d->subsys_id;
	}
	dev.header_type = cfg[PCI_HEADER_TYPE] & 0x7f;
	dev.multifunction_bit = (cfg[PCI_HEADER_TYPE] & 0x80) != 0;
	if (dev.header_type == PCI_HEADER_TYPE_BRIDGE ||
	    dev.header_type == PCI_HEADER_TYPE_CARDBUS) {
		dev.primary = cfg[PCI_PRIMARY_BUS];
		dev.secondary = cfg[PCI_SECONDARY_BUS];
		dev.subordinate = cfg[PCI_SUBORDINATE_BUS];
	}
	if ((known & PCI_FILL_PARENT) && d->parent != NULL &&
	    d->parent->domain >= 0 && d->parent->domain <= 0xffff) {
		dev.parent_from = VIFS_INV_PARENT_SOURCE;
		dev.parent.segment = (uint16_t)d->parent->domain;
		dev.parent.bus = d->parent->bus;
		dev.parent.dev = d->parent->dev;
		dev.parent.func = d->parent->func;
	}
	dev.iommu_group = -1;
	if ((known & PCI_FILL_IOMMU_GROUP) &&
	    (s = pci_get_string_property(d, PCI_FILL_IOMMU_GROUP)) != NULL) {
		char *e;
		long g;

		errno = 0;
		g = strtol(s, &e, 10);
		if (errno == 0 && e != s && *e == '\0' && g >= 0 &&
		    g <= 0x7fffffff)
			dev.iommu_group = (int)g;
	}
	if (known & PCI_FILL_DRIVER)
		dev.driver = pci_get_string_property(d, PCI_FILL_DRIVER);
	cap_facts(&dev, d, size);
	lookup_names(&dev, pacc, &nm, name_flags);
	pci_setup_cache(d, NULL, 0);
	if (vifs_inventory_add(inv, &dev) < 0) {
		msg_lib();
		return -1;
	}
	return 0;
}

/* --- the scan -------------------------------------------------------- */

/* The sysfs.path for --sysfs DIR: DIR/bus/pci or DIR itself. */
static char *
sysfs_path(const char *dir)
{
	size_t n = strlen(dir) + sizeof("/bus/pci/devices");
	char *p = malloc(n);
	struct stat st;

	if (p == NULL) {
		msg_err("out of memory");
		return NULL;
	}
	snprintf(p, n, "%s/bus/pci/devices", dir);
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
		p[strlen(p) - strlen("/devices")] = '\0';
		return p;
	}
	snprintf(p, n, "%s/devices", dir);
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(p, n, "%s", dir);
		return p;
	}
	msg_err("%s: no PCI devices there (neither %s/bus/pci/devices nor "
	        "%s/devices is a directory)",
	    dir, dir, dir);
	free(p);
	return NULL;
}

/* Creation time: SOURCE_DATE_EPOCH when set (reproducible output). */
static long long
created_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s != NULL && s[0] != '\0' && strspn(s, "0123456789") == strlen(s) &&
	    strlen(s) <= 11) {
		long long t = strtoll(s, NULL, 10);

		if (t <= 253402300799LL)
			return t;
		msg_warn("SOURCE_DATE_EPOCH out of range: ignored");
	} else if (s != NULL) {
		msg_warn("SOURCE_DATE_EPOCH is not a number: ignored");
	}
	return (long long)time(NULL);
}

/*
 * Reads the devices into the new inventory INV.  Locals changed after
 * setjmp() are volatile, as longjmp() requires.
 */
int
agent_scan(vifs_inventory *inv, const struct agent_source *src)
{
	struct pci_access *volatile pacc = NULL;
	char *volatile syspath = NULL;
	char *volatile ids = NULL;
	char *volatile dumpname = NULL;
	volatile long want = -1;
	volatile int result = -1;
	volatile int cleaning = 0;
	struct vifs_inv_info info;
	char host[256];
	volatile int name_flags = 0;
	/* libpci takes parameter names as char *. */
	static char p_dump[] = "dump.name", p_sysfs[] = "sysfs.path";
	static char p_hwdb[] = "hwdb.disable", one[] = "1";

	if (src->dump != NULL && (want = scan_dump_check(src->dump)) < 0)
		return -1;
	if (src->sysfs != NULL && (syspath = sysfs_path(src->sysfs)) == NULL)
		return -1;
	/* libpci takes file names as char *: give it copies. */
	if ((src->ids != NULL && (ids = strdup(src->ids)) == NULL) ||
	    (src->dump != NULL && (dumpname = strdup(src->dump)) == NULL)) {
		msg_err("out of memory");
		goto done;
	}
	if (setjmp(pci_env) != 0) {
		msg_err("libpci: %s", pci_errmsg);
		if (cleaning)
			pacc = NULL; /* failed inside pci_cleanup */
		goto done;
	}
	if ((pacc = pci_alloc()) == NULL) {
		msg_err("out of memory");
		goto done;
	}
	pacc->error = pci_error_cb;
	pacc->warning = pci_warning_cb;
	pacc->debug = pci_debug_cb;
	/* Names from the local files only: no DNS, no cache in $HOME. */
	pacc->id_lookup_mode &= ~(unsigned)(PCI_LOOKUP_NETWORK |
	    PCI_LOOKUP_CACHE | PCI_LOOKUP_REFRESH_CACHE);
	if (src->dump != NULL) {
		pacc->method = PCI_ACCESS_DUMP;
		pci_set_param(pacc, p_dump, dumpname);
	} else {
		pacc->method = PCI_ACCESS_SYS_BUS_PCI;
		if (syspath != NULL)
			pci_set_param(pacc, p_sysfs, syspath);
	}
	if (src->no_hwdb) {
		pci_set_param(pacc, p_hwdb, one);
		name_flags |= PCI_LOOKUP_NO_HWDB;
	}
	if (ids != NULL) {
		pci_set_name_list_path(pacc, ids, 1);
		ids = NULL; /* libpci frees it */
	}
	pci_init(pacc);
	if (src->ids != NULL && !pci_load_name_list(pacc)) {
		msg_err("%s: cannot read the names (pci.ids format)", src->ids);
		goto done;
	}
	pci_scan_bus(pacc);
	{
		long n = 0;

		for (struct pci_dev *d = pacc->devices; d; d = d->next, n++)
			if (scan_device(inv, pacc, d, src->dump != NULL,
			        name_flags) < 0)
				goto done;
		if (want >= 0 && n != want) {
			msg_err("%s: libpci read %ld devices, the dump has %ld",
			    src->dump, n, (long)want);
			goto done;
		}
	}
	memset(&info, 0, sizeof(info));
	info.generator = GENERATOR;
	info.created = created_time();
	if (src->dump != NULL) {
		info.source = "dump";
		info.source_path = src->dump;
	} else {
		info.source = "sysfs";
		info.source_path = pci_get_param(pacc, p_sysfs);
		if (src->sysfs == NULL &&
		    gethostname(host, sizeof(host)) == 0) {
			host[sizeof(host) - 1] = '\0';
			info.host = host;
		}
	}
	if (vifs_inventory_set_info(inv, &info) < 0) {
		msg_lib();
		goto done;
	}
	result = 0;
done:
	if (pacc != NULL) {
		cleaning = 1;
		pci_cleanup(pacc);
	}
	free(ids);
	free(dumpname);
	free(syspath);
	return result;
}
