/*
 * inventory.c - the PCI inventory model and its analysis: parents found
 * by bus ranges, the reset method ESXi would choose, reset groups, owners
 * from esx.conf and the findings.  The XML side is in inventory_xml.c;
 * docs/internals/inventory.md gives the rules and their sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "inventory_impl.h"

/* --- names ----------------------------------------------------------- */

static const char *const fact_names[] = {
	[VIFS_FACT_UNKNOWN] = "unknown",
	[VIFS_FACT_NO] = "no",
	[VIFS_FACT_YES] = "yes",
};

static const char *const pcie_names[] = {
	[VIFS_PCIE_UNKNOWN] = "unknown",
	[VIFS_PCIE_NONE] = "none",
	[VIFS_PCIE_ENDPOINT] = "endpoint",
	[VIFS_PCIE_LEGACY_ENDPOINT] = "legacy-endpoint",
	[VIFS_PCIE_ROOT_PORT] = "root-port",
	[VIFS_PCIE_UPSTREAM_PORT] = "upstream-port",
	[VIFS_PCIE_DOWNSTREAM_PORT] = "downstream-port",
	[VIFS_PCIE_PCIE_TO_PCI] = "pcie-to-pci-bridge",
	[VIFS_PCIE_PCI_TO_PCIE] = "pci-to-pcie-bridge",
	[VIFS_PCIE_RC_ENDPOINT] = "rc-integrated-endpoint",
	[VIFS_PCIE_RC_EVENT_COLLECTOR] = "rc-event-collector",
	[VIFS_PCIE_RESERVED] = "reserved",
};

static const char *const reset_names[] = {
	[VIFS_INV_RESET_UNKNOWN] = "unknown",
	[VIFS_INV_RESET_NONE] = "none",
	[VIFS_INV_RESET_FLR] = "flr",
	[VIFS_INV_RESET_D3D0] = "d3d0",
	[VIFS_INV_RESET_LINK] = "link",
	[VIFS_INV_RESET_BRIDGE] = "bridge",
};

static const char *const owner_names[] = {
	[VIFS_OWNER_NONE] = "none",
	[VIFS_OWNER_VMKERNEL] = "vmkernel",
	[VIFS_OWNER_PASSTHRU] = "passthru",
	[VIFS_OWNER_OTHER] = "other",
};

/* The keywords of passthru.map's columns (DOMAIN.md §3). */
static const char *const map_reset_names[] = {
	[VIFS_RESET_DEFAULT] = "default",
	[VIFS_RESET_FLR] = "flr",
	[VIFS_RESET_D3D0] = "d3d0",
	[VIFS_RESET_LINK] = "link",
	[VIFS_RESET_BRIDGE] = "bridge",
};

static const char *const shareable_names[] = {
	[VIFS_SHARE_DEFAULT] = "default",
	[VIFS_SHARE_TRUE] = "true",
	[VIFS_SHARE_FALSE] = "false",
};

static const char *const parent_names[] = {
	[VIFS_INV_PARENT_NONE] = "none",
	[VIFS_INV_PARENT_SOURCE] = "source",
	[VIFS_INV_PARENT_BUS_RANGE] = "bus-range",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *
name_of(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : "?";
}

static int
name_parse(unsigned *out, const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	return -1;
}

const char *
vifs_fact_name(enum vifs_fact f)
{
	return name_of(fact_names, NELEM(fact_names), (unsigned)f);
}

const char *
vifs_pcie_type_name(enum vifs_pcie_type t)
{
	return name_of(pcie_names, NELEM(pcie_names), (unsigned)t);
}

const char *
vifs_inv_reset_name(enum vifs_inv_reset r)
{
	return name_of(reset_names, NELEM(reset_names), (unsigned)r);
}

const char *
inv_owner_name(enum vifs_owner o)
{
	return name_of(owner_names, NELEM(owner_names), (unsigned)o);
}

const char *
inv_map_reset_name(enum vifs_reset_method m)
{
	return name_of(map_reset_names, NELEM(map_reset_names), (unsigned)m);
}

const char *
inv_shareable_name(enum vifs_shareable s)
{
	return name_of(shareable_names, NELEM(shareable_names), (unsigned)s);
}

const char *
inv_parent_name(enum vifs_inv_parent p)
{
	return name_of(parent_names, NELEM(parent_names), (unsigned)p);
}

/* One parse function per enumeration, so that each keeps its own type. */
#define DEFINE_PARSE(fn, type, table) \
	int fn(type *out, const char *s) \
	{ \
		unsigned v; \
\
		if (name_parse(&v, table, NELEM(table), s) != 0) \
			return -1; \
		*out = (type)v; \
		return 0; \
	}

DEFINE_PARSE(inv_fact_parse, enum vifs_fact, fact_names)
DEFINE_PARSE(inv_pcie_type_parse, enum vifs_pcie_type, pcie_names)
DEFINE_PARSE(inv_reset_parse, enum vifs_inv_reset, reset_names)
DEFINE_PARSE(inv_owner_parse, enum vifs_owner, owner_names)
DEFINE_PARSE(inv_map_reset_parse, enum vifs_reset_method, map_reset_names)
DEFINE_PARSE(inv_shareable_parse, enum vifs_shareable, shareable_names)
DEFINE_PARSE(inv_parent_parse, enum vifs_inv_parent, parent_names)

/* --- strings --------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at P (N bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f; /* no surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	/* U+FFFE and U+FFFF are no XML characters. */
	if (c == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
		return 0;
	return len;
}

char *
inv_strdup_clean(const char *s, int *err)
{
	const unsigned char *p;
	size_t n;
	char *copy;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((copy = vifs_strndup(s, n)) == NULL) {
		*err = VIFS_ENOMEM;
		return NULL;
	}
	p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);

		if (len == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			copy[i++] = '?';
			continue;
		}
		i += len;
	}
	return copy;
}

/* Where string WHICH of the public view lives. */
static const char **
dev_slot(struct vifs_inv_device *d, enum inv_str which)
{
	const char **slots[INV_S_COUNT] = {
		[INV_S_VENDOR] = &d->vendor_name,
		[INV_S_DEVICE] = &d->device_name,
		[INV_S_SUBVENDOR] = &d->subvendor_name,
		[INV_S_SUBDEVICE] = &d->subdevice_name,
		[INV_S_CLASS] = &d->class_name,
		[INV_S_BASE_CLASS] = &d->base_class_name,
		[INV_S_PROG_IF] = &d->prog_if_name,
		[INV_S_DRIVER] = &d->driver,
		[INV_S_ESX_KEY] = &d->esx_key,
		[INV_S_OWNER_TEXT] = &d->owner_text,
		[INV_S_VMKNAME] = &d->vmkname,
	};

	return slots[which];
}

int
inv_dev_set_str(struct inv_dev *r, enum inv_str which, const char *s)
{
	int error = 0;
	char *copy = inv_strdup_clean(s, &error);

	if (error < 0)
		return error;
	free(r->str[which]);
	r->str[which] = copy;
	*dev_slot(&r->d, which) = copy;
	return VIFS_OK;
}

static const char **
info_slot(struct vifs_inv_info *info, enum inv_info_str which)
{
	const char **slots[INV_I_COUNT] = {
		[INV_I_SOURCE] = &info->source,
		[INV_I_SOURCE_PATH] = &info->source_path,
		[INV_I_HOST] = &info->host,
		[INV_I_GENERATOR] = &info->generator,
		[INV_I_ESXCONF] = &info->esxconf,
		[INV_I_PASSTHRU_MAP] = &info->passthru_map,
	};

	return slots[which];
}

int
inv_info_set_str(vifs_inventory *inv, enum inv_info_str which, const char *s)
{
	int error = 0;
	char *copy = inv_strdup_clean(s, &error);

	if (error < 0)
		return error;
	free(inv->info_str[which]);
	inv->info_str[which] = copy;
	*info_slot(&inv->info, which) = copy;
	return VIFS_OK;
}

void
inv_addr_linux(char *buf, const struct vifs_pciaddr *a)
{
	snprintf(buf, VIFS_PCIADDR_MAX, "%04x:%02x:%02x.%x",
	    (unsigned)a->segment, (unsigned)a->bus, (unsigned)(a->dev & 0x1f),
	    (unsigned)(a->func & 7));
}

/* "0000:00:1b.0 (000:27.0)" or the Linux form alone off segment 0. */
static void
addr_both(char *buf, size_t size, const struct vifs_pciaddr *a)
{
	char lin[VIFS_PCIADDR_MAX];

	inv_addr_linux(lin, a);
	if (a->segment == 0)
		snprintf(buf, size, "%s (%03u:%02u.%u)", lin, (unsigned)a->bus,
		    (unsigned)a->dev, (unsigned)a->func);
	else
		snprintf(buf, size, "%s", lin);
}

/* --- the inventory --------------------------------------------------- */

int
vifs_inventory_new(vifs_inventory **out)
{
	vifs_inventory *inv;

	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no output");
	*out = NULL;
	if ((inv = calloc(1, sizeof(*inv))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	inv->info.created = -1;
	inv->sorted = 1;
	*out = inv;
	return VIFS_OK;
}

static void
dev_clear_derived(struct inv_dev *r)
{
	struct vifs_inv_device *d = &r->d;

	for (int i = INV_S_NFACTS; i < INV_S_COUNT; i++) {
		free(r->str[i]);
		r->str[i] = NULL;
	}
	free(r->group);
	r->group = NULL;
	d->multifunction = 0;
	d->reset_caps = VIFS_INV_RESET_UNKNOWN;
	d->has_map_entry = 0;
	d->map_reset = VIFS_RESET_DEFAULT;
	d->map_shareable = VIFS_SHARE_DEFAULT;
	d->map_line = 0;
	d->reset = VIFS_INV_RESET_UNKNOWN;
	d->reset_group = NULL;
	d->reset_group_len = 0;
	d->reset_worst_case = 0;
	d->esx_key = NULL;
	d->owner = VIFS_OWNER_NONE;
	d->owner_text = NULL;
	d->owner_line = 0;
	d->vmkname = NULL;
	d->vmkname_line = 0;
	d->effective = VIFS_OWNER_NONE;
	d->via_bridge = 0;
	memset(&d->bridge, 0, sizeof(d->bridge));
	d->roles = 0;
}

static void
dev_free(struct inv_dev *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < INV_S_COUNT; i++)
		free(r->str[i]);
	free(r->group);
	free(r);
}

static void
findings_clear(vifs_inventory *inv)
{
	for (size_t i = 0; i < inv->nfindings; i++) {
		free(inv->findings[i].rule);
		free(inv->findings[i].message);
	}
	inv->nfindings = 0;
}

void
vifs_inventory_free(vifs_inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->ndevs; i++)
		dev_free(inv->devs[i]);
	free(inv->devs);
	free(inv->hash);
	findings_clear(inv);
	free(inv->findings);
	for (int i = 0; i < INV_I_COUNT; i++)
		free(inv->info_str[i]);
	vifs_roles_free(inv->roles_given);
	vifs_roles_free(inv->roles);
	free(inv);
}

int
vifs_inventory_set_info(vifs_inventory *inv, const struct vifs_inv_info *info)
{
	int error;

	if (inv == NULL || info == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no info");
	if (info->source != NULL && strcmp(info->source, "sysfs") != 0 &&
	    strcmp(info->source, "dump") != 0)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: unknown source kind '%s' (sysfs or dump)",
		    info->source);
	/* Dates the XML can hold: 1970 to the end of 9999. */
	if (info->created < -1 || info->created > 253402300799LL)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: creation time %lld out of range",
		    info->created);
	{
		/* In the order of enum inv_info_str. */
		const char *strs[] = { info->source, info->source_path,
			info->host, info->generator };

		for (size_t i = 0; i < NELEM(strs); i++)
			if ((error = inv_info_set_str(inv, (enum inv_info_str)i,
			         strs[i])) < 0)
				return error;
	}
	inv->info.created = info->created;
	return VIFS_OK;
}

const struct vifs_inv_info *
vifs_inventory_info(const vifs_inventory *inv)
{
	return inv ? &inv->info : NULL;
}

static uint32_t
addr_key(const struct vifs_pciaddr *a)
{
	return (uint32_t)a->segment << 16 | (uint32_t)a->bus << 8 |
	    (uint32_t)(a->dev & 0x1f) << 3 | (uint32_t)(a->func & 7);
}

static size_t
hash_slot(const vifs_inventory *inv, const struct vifs_pciaddr *a)
{
	uint32_t k = addr_key(a) * 2654435761u;

	k ^= k >> 16; /* the segment in the high bits matters too */
	return (size_t)k & (inv->hashsize - 1);
}

static struct inv_dev *
hash_find(const vifs_inventory *inv, const struct vifs_pciaddr *a)
{
	size_t i;

	if (inv->hashsize == 0)
		return NULL;
	for (i = hash_slot(inv, a); inv->hash[i] != NULL;
	     i = (i + 1) & (inv->hashsize - 1))
		if (addr_key(&inv->hash[i]->d.addr) == addr_key(a))
			return inv->hash[i];
	return NULL;
}

static void
hash_put(vifs_inventory *inv, struct inv_dev *r)
{
	size_t i;

	for (i = hash_slot(inv, &r->d.addr); inv->hash[i] != NULL;
	     i = (i + 1) & (inv->hashsize - 1))
		;
	inv->hash[i] = r;
}

/* Keeps the table at most half full. */
static int
hash_reserve(vifs_inventory *inv, size_t n)
{
	size_t size = inv->hashsize ? inv->hashsize : 64;
	struct inv_dev **old = inv->hash;
	size_t oldsize = inv->hashsize;

	if (n <= inv->hashsize / 2)
		return VIFS_OK;
	while (n > size / 2) {
		if (size > (size_t)-1 / 2 / sizeof(*old))
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		size *= 2;
	}
	if ((inv->hash = calloc(size, sizeof(*inv->hash))) == NULL) {
		inv->hash = old;
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	inv->hashsize = size;
	for (size_t i = 0; i < oldsize; i++)
		if (old[i] != NULL)
			hash_put(inv, old[i]);
	free(old);
	return VIFS_OK;
}

static int
check_facts(const struct vifs_inv_device *dev)
{
	char a[VIFS_PCIADDR_MAX];

	if (dev->addr.dev > 31 || dev->addr.func > 7)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: device %u or function %u out of range",
		    dev->addr.dev, dev->addr.func);
	inv_addr_linux(a, &dev->addr);
	if (dev->config_size != 64 && dev->config_size != 256 &&
	    dev->config_size != 4096)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: %s: configuration space size %u is not 64, 256 "
		    "or 4096",
		    a, dev->config_size);
	if ((unsigned)dev->pcie_type >= NELEM(pcie_names) ||
	    (unsigned)dev->parent_from >= NELEM(parent_names) ||
	    (unsigned)dev->flr >= NELEM(fact_names) ||
	    (unsigned)dev->af_flr >= NELEM(fact_names) ||
	    (unsigned)dev->pm >= NELEM(fact_names) ||
	    (unsigned)dev->no_soft_reset >= NELEM(fact_names) ||
	    (unsigned)dev->acs >= NELEM(fact_names) ||
	    (unsigned)dev->sriov >= NELEM(fact_names))
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: %s: a fact holds a value out of range", a);
	if (dev->header_type > 0x7f)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: %s: header type %u above 127", a,
		    dev->header_type);
	if (dev->sriov_total_vfs > 0xffff)
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: %s: %u virtual functions", a,
		    dev->sriov_total_vfs);
	if (dev->parent_from != VIFS_INV_PARENT_NONE &&
	    (dev->parent.dev > 31 || dev->parent.func > 7))
		return vifs_error_set(VIFS_EINVAL,
		    "inventory: %s: parent address out of range", a);
	return VIFS_OK;
}

int
inv_dev_add(struct inv_dev **out, vifs_inventory *inv,
    const struct vifs_inv_device *dev)
{
	const char *strs[INV_S_NFACTS];
	struct inv_dev *r = NULL;
	int error = 0;

	if (inv == NULL || dev == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no device");
	if ((error = check_facts(dev)) < 0)
		return error;
	if (hash_find(inv, &dev->addr) != NULL) {
		char a[VIFS_PCIADDR_MAX];

		inv_addr_linux(a, &dev->addr);
		return vifs_error_set(VIFS_EEXISTS,
		    "inventory: device %s added twice", a);
	}
	if ((error = hash_reserve(inv, inv->ndevs + 1)) < 0)
		return error;
	if (inv->ndevs == inv->capdevs) {
		size_t cap = inv->capdevs ? inv->capdevs * 2 : 32;
		struct inv_dev **p;

		if (cap > (size_t)-1 / sizeof(*p))
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		if ((p = realloc(inv->devs, cap * sizeof(*p))) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		inv->devs = p;
		inv->capdevs = cap;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	r->d = *dev;
	strs[INV_S_VENDOR] = dev->vendor_name;
	strs[INV_S_DEVICE] = dev->device_name;
	strs[INV_S_SUBVENDOR] = dev->subvendor_name;
	strs[INV_S_SUBDEVICE] = dev->subdevice_name;
	strs[INV_S_CLASS] = dev->class_name;
	strs[INV_S_BASE_CLASS] = dev->base_class_name;
	strs[INV_S_PROG_IF] = dev->prog_if_name;
	strs[INV_S_DRIVER] = dev->driver;
	/* Every string member must point at our copies before any exit. */
	for (int i = 0; i < INV_S_COUNT; i++)
		if ((error = inv_dev_set_str(r, (enum inv_str)i, NULL)) < 0)
			goto done;
	for (int i = 0; i < INV_S_NFACTS; i++)
		if ((error = inv_dev_set_str(r, (enum inv_str)i, strs[i])) < 0)
			goto done;
	if (!r->d.has_subsystem)
		r->d.subvendor = r->d.subdevice = 0;
	if (r->d.sriov != VIFS_FACT_YES)
		r->d.sriov_total_vfs = 0;
	if (r->d.iommu_group < -1)
		r->d.iommu_group = -1;
	if (r->d.parent_from == VIFS_INV_PARENT_NONE)
		memset(&r->d.parent, 0, sizeof(r->d.parent));
	if (r->d.header_type != 1 && r->d.header_type != 2)
		r->d.primary = r->d.secondary = r->d.subordinate = 0;
	r->d.multifunction_bit = r->d.multifunction_bit != 0;
	r->d.has_subsystem = r->d.has_subsystem != 0;
	r->group = NULL;
	dev_clear_derived(r);
	if (inv->ndevs > 0 &&
	    vifs_pciaddr_cmp(&inv->devs[inv->ndevs - 1]->d.addr, &r->d.addr) >
	        0)
		inv->sorted = 0;
	inv->devs[inv->ndevs++] = r;
	hash_put(inv, r);
	if (out != NULL)
		*out = r;
	r = NULL;
done:
	dev_free(r);
	return error;
}

int
vifs_inventory_add(vifs_inventory *inv, const struct vifs_inv_device *dev)
{
	return inv_dev_add(NULL, inv, dev);
}

size_t
vifs_inventory_count(const vifs_inventory *inv)
{
	return inv ? inv->ndevs : 0;
}

const struct vifs_inv_device *
vifs_inventory_get(const vifs_inventory *inv, size_t i)
{
	if (inv == NULL || i >= inv->ndevs)
		return NULL;
	return &inv->devs[i]->d;
}

const struct vifs_inv_device *
vifs_inventory_find(const vifs_inventory *inv, const struct vifs_pciaddr *addr)
{
	struct inv_dev *r;

	if (inv == NULL || addr == NULL)
		return NULL;
	r = hash_find(inv, addr);
	return r ? &r->d : NULL;
}

size_t
vifs_inventory_finding_count(const vifs_inventory *inv)
{
	return inv ? inv->nfindings : 0;
}

const struct vifs_inv_finding *
vifs_inventory_finding(const vifs_inventory *inv, size_t i)
{
	if (inv == NULL || i >= inv->nfindings)
		return NULL;
	return &inv->findings[i].f;
}

size_t
vifs_inventory_errors(const vifs_inventory *inv)
{
	size_t n = 0;

	for (size_t i = 0; inv && i < inv->nfindings; i++)
		n += inv->findings[i].f.severity == VIFS_LINT_ERROR;
	return n;
}

int
inv_finding_add(vifs_inventory *inv, const char *rule,
    enum vifs_lint_severity severity, const struct vifs_pciaddr *dev,
    size_t line, const char *fmt, ...)
{
	struct vifs_buf msg = VIFS_BUF_INIT;
	struct inv_finding *f;
	char *text = NULL, *rulecopy = NULL;
	va_list ap;
	int n, error = 0;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		error = vifs_error_set(VIFS_EINVAL, "bad format");
		goto done;
	}
	if ((error = vifs_buf_grow(&msg, (size_t)n)) < 0)
		goto done;
	va_start(ap, fmt);
	vsnprintf(msg.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	msg.len = (size_t)n;
	if ((text = inv_strdup_clean(msg.data, &error)) == NULL ||
	    (rulecopy = inv_strdup_clean(rule, &error)) == NULL) {
		error = error < 0 ?
		    error :
		    vifs_error_set(VIFS_EINVAL, "finding without rule");
		goto done;
	}
	if (inv->nfindings == inv->capfindings) {
		size_t cap = inv->capfindings ? inv->capfindings * 2 : 16;

		if (cap > (size_t)-1 / sizeof(*f)) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
		if ((f = realloc(inv->findings, cap * sizeof(*f))) == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
		inv->findings = f;
		inv->capfindings = cap;
	}
	f = &inv->findings[inv->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = rulecopy;
	f->message = text;
	f->f.rule = rulecopy;
	f->f.message = text;
	f->f.severity = severity;
	f->f.line = line;
	if (dev != NULL) {
		f->f.has_device = 1;
		f->f.device = *dev;
	}
	text = rulecopy = NULL;
done:
	vifs_buf_free(&msg);
	free(text);
	free(rulecopy);
	return error;
}

/*
 * Findings about devices first, by address; then those about esx.conf
 * lines, by line; then the rest; ties by rule and message.
 */
static int
finding_cmp(const void *pa, const void *pb)
{
	const struct vifs_inv_finding *a = &((const struct inv_finding *)pa)->f;
	const struct vifs_inv_finding *b = &((const struct inv_finding *)pb)->f;
	int ka = a->has_device ? 0 : a->line ? 1 : 2;
	int kb = b->has_device ? 0 : b->line ? 1 : 2;
	int c;

	if (ka != kb)
		return ka - kb;
	if (ka == 0 && (c = vifs_pciaddr_cmp(&a->device, &b->device)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	return strcmp(a->message, b->message);
}

void
inv_findings_sort(vifs_inventory *inv)
{
	if (inv->nfindings > 1)
		qsort(inv->findings, inv->nfindings, sizeof(*inv->findings),
		    finding_cmp);
}

static int
dev_cmp(const void *pa, const void *pb)
{
	const struct inv_dev *a = *(const struct inv_dev *const *)pa;
	const struct inv_dev *b = *(const struct inv_dev *const *)pb;

	return vifs_pciaddr_cmp(&a->d.addr, &b->d.addr);
}

void
inv_sort(vifs_inventory *inv)
{
	if (!inv->sorted && inv->ndevs > 1)
		qsort(inv->devs, inv->ndevs, sizeof(*inv->devs), dev_cmp);
	inv->sorted = 1;
}

/* --- analysis -------------------------------------------------------- */

static int
is_bridge(const struct vifs_inv_device *d)
{
	return d->header_type == 1 || d->header_type == 2;
}

/* A bridge whose bus numbers describe buses below it. */
static int
has_subtree(const struct vifs_inv_device *d)
{
	return is_bridge(d) && d->secondary > d->addr.bus &&
	    d->subordinate >= d->secondary;
}

static int
same_slot(const struct vifs_pciaddr *a, const struct vifs_pciaddr *b)
{
	return a->segment == b->segment && a->bus == b->bus && a->dev == b->dev;
}

/*
 * Index of the first device at or after SEGMENT:BUS:00.0 in the sorted
 * array; BUS 256 stands for the end of the segment.
 */
static size_t
lower_bus(const vifs_inventory *inv, uint16_t segment, unsigned bus)
{
	size_t lo = 0, hi = inv->ndevs;
	struct vifs_pciaddr key = { segment, 0, 0, 0 };

	if (bus > 255) {
		if (segment == 0xffff)
			return inv->ndevs;
		key.segment = (uint16_t)(segment + 1);
	} else {
		key.bus = (uint8_t)bus;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vifs_pciaddr_cmp(&inv->devs[mid]->d.addr, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The slot flags: several functions, or function 0 says so. */
static void
analyse_slots(vifs_inventory *inv)
{
	size_t i = 0;

	while (i < inv->ndevs) {
		size_t j = i + 1;
		int mf = 0;

		while (j < inv->ndevs &&
		    same_slot(&inv->devs[j]->d.addr, &inv->devs[i]->d.addr))
			j++;
		for (size_t k = i; k < j; k++)
			if (inv->devs[k]->d.addr.func == 0 &&
			    inv->devs[k]->d.multifunction_bit)
				mf = 1;
		if (j - i > 1)
			mf = 1;
		for (size_t k = i; k < j; k++)
			inv->devs[k]->d.multifunction = mf;
		i = j;
	}
}

/*
 * Parents the source did not name: the bridge whose secondary bus is the
 * device's bus, in the same segment.
 */
static void
analyse_parents(vifs_inventory *inv)
{
	struct inv_dev *by_bus[256];
	size_t i = 0;

	while (i < inv->ndevs) {
		uint16_t seg = inv->devs[i]->d.addr.segment;
		size_t j = i;

		memset(by_bus, 0, sizeof(by_bus));
		while (j < inv->ndevs && inv->devs[j]->d.addr.segment == seg) {
			struct inv_dev *r = inv->devs[j];

			if (has_subtree(&r->d) &&
			    by_bus[r->d.secondary] == NULL)
				by_bus[r->d.secondary] = r;
			j++;
		}
		for (size_t k = i; k < j; k++) {
			struct vifs_inv_device *d = &inv->devs[k]->d;
			struct inv_dev *p = by_bus[d->addr.bus];

			if (d->parent_from == VIFS_INV_PARENT_SOURCE)
				continue;
			if (p != NULL && p != inv->devs[k]) {
				d->parent_from = VIFS_INV_PARENT_BUS_RANGE;
				d->parent = p->d.addr;
			} else {
				d->parent_from = VIFS_INV_PARENT_NONE;
				memset(&d->parent, 0, sizeof(d->parent));
			}
		}
		i = j;
	}
}

static const struct vifs_inv_device *
parent_of(const vifs_inventory *inv, const struct vifs_inv_device *d)
{
	struct inv_dev *p;

	if (d->parent_from == VIFS_INV_PARENT_NONE)
		return NULL;
	p = hash_find(inv, &d->parent);
	return p ? &p->d : NULL;
}

/*
 * The reset the VMkernel picks from the capabilities (passthru.map header:
 * it prefers FLR).  After FLR comes D3hot->D0 when it resets the device,
 * then a reset of the link (parent is a PCIe port) or of the secondary
 * bus (parent is a PCI bridge); this order is the one Linux uses and is
 * our reading, see docs/internals/inventory.md.
 */
static enum vifs_inv_reset
caps_reset(const vifs_inventory *inv, const struct vifs_inv_device *d)
{
	const struct vifs_inv_device *p;

	if (d->flr == VIFS_FACT_YES || d->af_flr == VIFS_FACT_YES)
		return VIFS_INV_RESET_FLR;
	if (d->pm == VIFS_FACT_YES && d->no_soft_reset == VIFS_FACT_NO)
		return VIFS_INV_RESET_D3D0;
	if (d->flr == VIFS_FACT_UNKNOWN || d->af_flr == VIFS_FACT_UNKNOWN ||
	    d->pm == VIFS_FACT_UNKNOWN ||
	    (d->pm == VIFS_FACT_YES && d->no_soft_reset == VIFS_FACT_UNKNOWN))
		return VIFS_INV_RESET_UNKNOWN;
	if (d->parent_from == VIFS_INV_PARENT_NONE)
		return VIFS_INV_RESET_NONE;
	p = parent_of(inv, d);
	if (p != NULL &&
	    (p->pcie_type == VIFS_PCIE_ROOT_PORT ||
	        p->pcie_type == VIFS_PCIE_DOWNSTREAM_PORT))
		return VIFS_INV_RESET_LINK;
	return VIFS_INV_RESET_BRIDGE;
}

static enum vifs_inv_reset
map_to_reset(enum vifs_reset_method m)
{
	switch (m) {
	case VIFS_RESET_FLR:
		return VIFS_INV_RESET_FLR;
	case VIFS_RESET_D3D0:
		return VIFS_INV_RESET_D3D0;
	case VIFS_RESET_LINK:
		return VIFS_INV_RESET_LINK;
	case VIFS_RESET_BRIDGE:
		return VIFS_INV_RESET_BRIDGE;
	case VIFS_RESET_DEFAULT:
		break;
	}
	return VIFS_INV_RESET_UNKNOWN;
}

static void
analyse_resets(vifs_inventory *inv, const vifs_passthru_map *map)
{
	for (size_t i = 0; i < inv->ndevs; i++) {
		struct vifs_inv_device *d = &inv->devs[i]->d;
		const struct vifs_passthru_map_entry *e = NULL;

		d->reset_caps = caps_reset(inv, d);
		d->reset = d->reset_caps;
		if (map != NULL)
			e = vifs_passthru_map_lookup(map, d->vendor, d->device);
		if (e != NULL) {
			d->has_map_entry = 1;
			d->map_reset = e->reset;
			d->map_shareable = e->shareable;
			d->map_line = e->line;
			if (e->reset != VIFS_RESET_DEFAULT)
				d->reset = map_to_reset(e->reset);
		}
		d->reset_worst_case = d->reset == VIFS_INV_RESET_UNKNOWN;
	}
}

struct range {
	size_t lo, hi; /* [lo, hi) in the sorted array */
};

/* The devices on the buses below bridge B. */
static struct range
subtree(const vifs_inventory *inv, const struct vifs_inv_device *b)
{
	struct range r = { 0, 0 };

	if (!has_subtree(b))
		return r;
	r.lo = lower_bus(inv, b->addr.segment, b->secondary);
	r.hi = lower_bus(inv, b->addr.segment, (unsigned)b->subordinate + 1);
	return r;
}

static int
range_cmp(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/*
 * The reset group of device I: the other functions of its slot, the
 * devices below its parent when it is reset through the parent (or its
 * reset is unknown), and the devices below it when it is a bridge.
 */
static int
group_of(vifs_inventory *inv, size_t i)
{
	struct inv_dev *r = inv->devs[i];
	const struct vifs_inv_device *d = &r->d;
	const struct vifs_inv_device *p;
	struct range rs[3];
	size_t nr = 0, total = 0, n = 0, lo, hi, end;

	lo = hi = i;
	while (lo > 0 && same_slot(&inv->devs[lo - 1]->d.addr, &d->addr))
		lo--;
	while (hi + 1 < inv->ndevs &&
	    same_slot(&inv->devs[hi + 1]->d.addr, &d->addr))
		hi++;
	rs[nr].lo = lo;
	rs[nr++].hi = hi + 1;
	if ((d->reset == VIFS_INV_RESET_LINK ||
	        d->reset == VIFS_INV_RESET_BRIDGE ||
	        d->reset == VIFS_INV_RESET_UNKNOWN) &&
	    (p = parent_of(inv, d)) != NULL)
		rs[nr++] = subtree(inv, p);
	if (has_subtree(d))
		rs[nr++] = subtree(inv, d);
	qsort(rs, nr, sizeof(rs[0]), range_cmp);
	for (size_t k = 0; k < nr; k++)
		total += rs[k].hi - rs[k].lo;
	if (total <= 1)
		return VIFS_OK;
	if ((r->group = calloc(total, sizeof(*r->group))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	end = 0;
	for (size_t k = 0; k < nr; k++) {
		size_t from = rs[k].lo > end ? rs[k].lo : end;

		for (size_t j = from; j < rs[k].hi; j++)
			if (j != i)
				r->group[n++] = inv->devs[j]->d.addr;
		if (rs[k].hi > end)
			end = rs[k].hi;
	}
	r->d.reset_group = r->group;
	r->d.reset_group_len = n;
	return VIFS_OK;
}

static int
analyse_groups(vifs_inventory *inv)
{
	int error;

	for (size_t i = 0; i < inv->ndevs; i++)
		if ((error = group_of(inv, i)) < 0)
			return error;
	return VIFS_OK;
}

static int
analyse_hardware_findings(vifs_inventory *inv)
{
	size_t limited = 0;
	char a[48];
	int error;

	for (size_t i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *d = &inv->devs[i]->d;

		if (d->config_size < 256 && d->pcie_type == VIFS_PCIE_UNKNOWN)
			limited++;
		if (d->pcie_type != VIFS_PCIE_DOWNSTREAM_PORT ||
		    d->acs != VIFS_FACT_NO)
			continue;
		addr_both(a, sizeof(a), &d->addr);
		if ((error = inv_finding_add(inv, "acs-missing",
		         VIFS_LINT_WARNING, &d->addr, 0,
		         "switch downstream port %s has no ACS capability: "
		         "ESXi refuses passthrough of the devices behind it "
		         "unless disableACSCheck is set",
		         a)) < 0)
			return error;
	}
	if (limited > 0 &&
	    (error = inv_finding_add(inv, "config-space-limited",
	         VIFS_LINT_WARNING, NULL, 0,
	         "%zu of %zu devices gave only 64 bytes of configuration space "
	         "(an unprivileged read or an `lspci -x` dump) and have "
	         "capabilities beyond them: their capability facts are unknown",
	         limited, inv->ndevs)) < 0)
		return error;
	return VIFS_OK;
}

/* The esx.conf facts of one device from the passthru list. */
static int
esx_apply_dev(struct inv_dev *r, const struct vifs_passthru_dev *pd)
{
	int error;

	if ((error = inv_dev_set_str(r, INV_S_ESX_KEY, pd->key_addr)) < 0 ||
	    (error = inv_dev_set_str(r, INV_S_OWNER_TEXT, pd->owner_text)) <
	        0 ||
	    (error = inv_dev_set_str(r, INV_S_VMKNAME, pd->vmkname)) < 0)
		return error;
	r->d.owner = pd->owner;
	r->d.owner_line = pd->owner_line;
	r->d.vmkname_line = pd->vmkname_line;
	r->d.effective = pd->effective;
	r->d.via_bridge = pd->via_bridge;
	if (pd->via_bridge)
		r->d.bridge = pd->bridge;
	return VIFS_OK;
}

static size_t
first_line(const struct vifs_passthru_dev *pd)
{
	if (pd->owner_line && pd->vmkname_line)
		return pd->owner_line < pd->vmkname_line ? pd->owner_line :
		                                           pd->vmkname_line;
	return pd->owner_line ? pd->owner_line : pd->vmkname_line;
}

static int
esx_device_findings(vifs_inventory *inv, const struct vifs_inv_device *d)
{
	char a[48], b[48];

	if (d->effective != VIFS_OWNER_PASSTHRU)
		return VIFS_OK;
	addr_both(a, sizeof(a), &d->addr);
	addr_both(b, sizeof(b), &d->bridge);
	if (d->vmkname != NULL && d->owner == VIFS_OWNER_PASSTHRU)
		return inv_finding_add(inv, "passthru-vmkname", VIFS_LINT_ERROR,
		    &d->addr, d->vmkname_line,
		    "%s is passthru but holds %s, which the host uses", a,
		    d->vmkname);
	if (!d->via_bridge)
		return VIFS_OK;
	if (d->vmkname != NULL)
		return inv_finding_add(inv, "bridge-covers-vmkname",
		    VIFS_LINT_ERROR, &d->addr, d->vmkname_line,
		    "%s holds %s but is passthru through bridge %s", a,
		    d->vmkname, b);
	if (d->owner == VIFS_OWNER_VMKERNEL)
		return inv_finding_add(inv, "owner-overridden",
		    VIFS_LINT_WARNING, &d->addr, d->owner_line,
		    "%s is owned by vmkernel in esx.conf but is passthru "
		    "through bridge %s",
		    a, b);
	return VIFS_OK;
}

/* One finding per slot whose functions do not all go the same way. */
static int
esx_slot_findings(vifs_inventory *inv)
{
	struct vifs_buf list = VIFS_BUF_INIT;
	size_t i = 0;
	int error = 0;

	while (i < inv->ndevs) {
		size_t j = i + 1, npass = 0;
		char a[48];

		while (j < inv->ndevs &&
		    same_slot(&inv->devs[j]->d.addr, &inv->devs[i]->d.addr))
			j++;
		for (size_t k = i; k < j; k++)
			npass += inv->devs[k]->d.effective ==
			    VIFS_OWNER_PASSTHRU;
		if (npass > 0 && npass < j - i) {
			list.len = 0;
			for (size_t k = i; k < j; k++) {
				const struct vifs_inv_device *d = &inv->devs[k]
				                                       ->d;

				addr_both(a, sizeof(a), &d->addr);
				if ((error = vifs_buf_printf(&list, "%s%s %s",
				         k > i ? ", " : "", a,
				         inv_owner_name(d->effective ==
				                     VIFS_OWNER_PASSTHRU ?
				                 VIFS_OWNER_PASSTHRU :
				                 VIFS_OWNER_VMKERNEL))) < 0)
					goto done;
			}
			if ((error = inv_finding_add(inv, "split-multifunction",
			         VIFS_LINT_ERROR, &inv->devs[i]->d.addr, 0,
			         "the functions of one slot are split between "
			         "passthru and the VMkernel: %s",
			         list.data)) < 0)
				goto done;
		}
		i = j;
	}
done:
	vifs_buf_free(&list);
	return error;
}

static int
analyse_esxconf(vifs_inventory *inv, const vifs_esxconf *doc)
{
	vifs_pci_topology *topo = NULL;
	vifs_passthru_list *list = NULL;
	vifs_lint *lint = NULL;
	int error = 0;

	if ((error = vifs_inventory_topology(&topo, inv)) < 0 ||
	    (error = vifs_passthru_list_new(&list, doc, topo)) < 0)
		goto done;
	for (size_t i = 0; i < inv->ndevs; i++)
		inv->devs[i]->d.effective = VIFS_OWNER_VMKERNEL;
	for (size_t i = 0; i < vifs_passthru_list_count(list); i++) {
		const struct vifs_passthru_dev
		    *pd = vifs_passthru_list_get(list, i);
		struct inv_dev *r = hash_find(inv, &pd->addr);
		char a[48];

		if (r != NULL) {
			if ((error = esx_apply_dev(r, pd)) < 0)
				goto done;
			continue;
		}
		if (pd->key_addr == NULL)
			continue;
		addr_both(a, sizeof(a), &pd->addr);
		if ((error = inv_finding_add(inv, "device-not-present",
		         VIFS_LINT_WARNING, NULL, first_line(pd),
		         "esx.conf has /device/%s/ but the host has no device "
		         "%s",
		         pd->key_addr, a)) < 0)
			goto done;
	}
	for (size_t i = 0; i < inv->ndevs; i++)
		if ((error = esx_device_findings(inv, &inv->devs[i]->d)) < 0)
			goto done;
	if ((error = esx_slot_findings(inv)) < 0)
		goto done;
	if ((error = vifs_esxconf_lint(&lint, doc)) < 0)
		goto done;
	for (size_t i = 0; i < vifs_lint_count(lint); i++) {
		const struct vifs_lint_finding *f = vifs_lint_get(lint, i);

		/* Reported above with the device and its bridges. */
		if (strcmp(f->rule, "passthru-vmkname") == 0)
			continue;
		if ((error = inv_finding_add(inv, f->rule, f->severity, NULL,
		         f->line, "%s", f->message)) < 0)
			goto done;
	}
	inv->esx_applied = 1;
done:
	vifs_lint_free(lint);
	vifs_passthru_list_free(list);
	vifs_pci_topology_free(topo);
	return error;
}

int
vifs_inventory_set_roles(vifs_inventory *inv, const vifs_roles *roles)
{
	vifs_roles *copy = NULL;
	int error;

	if (inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: none given");
	if ((error = vifs_roles_new(&copy)) < 0 ||
	    (error = vifs_roles_merge(copy, roles)) < 0) {
		vifs_roles_free(copy);
		return error;
	}
	vifs_roles_free(inv->roles_given);
	inv->roles_given = copy;
	return VIFS_OK;
}

const vifs_roles *
vifs_inventory_roles(const vifs_inventory *inv)
{
	return inv ? inv->roles : NULL;
}

/* "0000:00:1d.7 (000:29.7) Intel Corporation 82801I EHCI #1" */
static void
dev_label(char *buf, size_t size, const struct vifs_inv_device *d)
{
	char a[48];

	addr_both(a, sizeof(a), &d->addr);
	snprintf(buf, size, "%s%s%s%s%s", a,
	    d->vendor_name || d->device_name ? " " : "",
	    d->vendor_name ? d->vendor_name : "",
	    d->vendor_name && d->device_name ? " " : "",
	    d->device_name ? d->device_name : "");
}

/* The findings of a device R that holds ROLE (learned as HOW). */
static int
role_findings(vifs_inventory *inv, const struct vifs_inv_device *d,
    enum vifs_role role, const char *how)
{
	char rule[64], me[300], other[300], b[48];
	size_t i;
	int error;

	snprintf(rule, sizeof(rule), "passthru-%s", vifs_role_name(role));
	dev_label(me, sizeof(me), d);
	if (d->effective == VIFS_OWNER_PASSTHRU) {
		if (d->via_bridge)
			addr_both(b, sizeof(b), &d->bridge);
		return inv_finding_add(inv, rule, VIFS_LINT_ERROR, &d->addr,
		    d->owner_line, "%s carries %s (%s) but is passthru%s%s: %s",
		    me, vifs_role_carries(role), how,
		    d->via_bridge ? " through bridge " : "",
		    d->via_bridge ? b : "", vifs_role_consequence(role));
	}
	for (i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *o = &inv->devs[i]->d;

		if (!same_slot(&o->addr, &d->addr) ||
		    o->addr.func == d->addr.func ||
		    o->effective != VIFS_OWNER_PASSTHRU)
			continue;
		dev_label(other, sizeof(other), o);
		if ((error = inv_finding_add(inv, rule, VIFS_LINT_ERROR,
		         &o->addr, o->owner_line,
		         "%s is passthru and shares its slot with %s, which "
		         "carries %s (%s); the functions of a slot are reset "
		         "together: %s",
		         other, me, vifs_role_carries(role), how,
		         vifs_role_consequence(role))) < 0)
			return error;
	}
	return VIFS_OK;
}

int
inv_roles_apply(vifs_inventory *inv)
{
	int error;

	vifs_roles_free(inv->roles);
	inv->roles = NULL;
	if ((error = vifs_roles_new(&inv->roles)) < 0 ||
	    (error = vifs_roles_merge(inv->roles, inv->roles_given)) < 0)
		return error;
	for (size_t i = 0; i < vifs_roles_count(inv->roles); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(inv->roles, i);
		struct inv_dev *dev = hash_find(inv, &m->device);

		if (dev != NULL)
			dev->d.roles |= (unsigned)m->role;
	}
	return VIFS_OK;
}

/* Roles: marks given, the management NICs of esx.conf, findings. */
static int
analyse_roles(vifs_inventory *inv, const vifs_esxconf *doc)
{
	const vifs_roles *r;
	unsigned looked = 0, found = 0;
	int error;

	vifs_roles_free(inv->roles);
	inv->roles = NULL;
	if ((error = vifs_roles_new(&inv->roles)) < 0 ||
	    (error = vifs_roles_merge(inv->roles, inv->roles_given)) < 0 ||
	    (doc != NULL &&
	        (error = vifs_roles_from_esxconf(inv->roles, doc)) < 0))
		return error;
	r = inv->roles;
	for (size_t i = 0; i < vifs_roles_count(r); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(r, i);
		struct inv_dev *dev = hash_find(inv, &m->device);
		char a[48];

		found |= (unsigned)m->role;
		if (dev != NULL) {
			dev->d.roles |= (unsigned)m->role;
			if (inv->esx_applied &&
			    (error = role_findings(inv, &dev->d, m->role,
			         m->how)) < 0)
				return error;
			continue;
		}
		addr_both(a, sizeof(a), &m->device);
		if ((error = inv_finding_add(inv, "role-device-not-present",
		         VIFS_LINT_WARNING, NULL, 0,
		         "%s names %s, which the host does not have (%s)",
		         vifs_role_name(m->role), a, m->how)) < 0)
			return error;
	}
	for (size_t i = 0; i < vifs_roles_note_count(r); i++) {
		const struct vifs_role_note *n = vifs_roles_note_get(r, i);

		looked |= (unsigned)n->role;
		if (found & (unsigned)n->role)
			continue;
		if ((error = inv_finding_add(inv, "role-not-found",
		         VIFS_LINT_WARNING, NULL, 0, "%s not found: %s",
		         vifs_role_name(n->role), n->text)) < 0)
			return error;
	}
	(void)looked;
	return VIFS_OK;
}

int
vifs_inventory_analyse(vifs_inventory *inv, const vifs_esxconf *doc,
    const vifs_passthru_map *map, const char *map_name)
{
	int error;

	if (inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: none given");
	inv_sort(inv);
	for (size_t i = 0; i < inv->ndevs; i++)
		dev_clear_derived(inv->devs[i]);
	findings_clear(inv);
	inv->esx_applied = 0;
	if ((error = inv_info_set_str(inv, INV_I_ESXCONF,
	         doc ? vifs_esxconf_name(doc) : NULL)) < 0 ||
	    (error = inv_info_set_str(inv, INV_I_PASSTHRU_MAP,
	         map ? (map_name ? map_name : "passthru.map") : NULL)) < 0)
		return error;
	analyse_slots(inv);
	analyse_parents(inv);
	analyse_resets(inv, map);
	if ((error = analyse_groups(inv)) < 0 ||
	    (error = analyse_hardware_findings(inv)) < 0)
		return error;
	if (doc != NULL && (error = analyse_esxconf(inv, doc)) < 0)
		return error;
	if ((error = analyse_roles(inv, doc)) < 0)
		return error;
	inv_findings_sort(inv);
	return VIFS_OK;
}

/* --- topology -------------------------------------------------------- */

/* Copies S into DST of SIZE bytes, cutting at a character boundary. */
static void
copy_utf8(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
vifs_inventory_topology(vifs_pci_topology **out, const vifs_inventory *inv)
{
	vifs_pci_topology *topo = NULL;
	int error = 0;

	if (out == NULL || inv == NULL)
		return vifs_error_set(VIFS_EINVAL, "inventory: no topology");
	*out = NULL;
	if ((error = vifs_pci_topology_new(&topo)) < 0)
		goto done;
	for (size_t i = 0; i < inv->ndevs; i++) {
		const struct vifs_inv_device *d = &inv->devs[i]->d;
		struct vifs_pci_topology_dev t;
		char name[256];

		memset(&t, 0, sizeof(t));
		t.addr = d->addr;
		t.is_bridge = is_bridge(d);
		t.secondary = d->secondary;
		t.subordinate = d->subordinate;
		t.has_parent = d->parent_from != VIFS_INV_PARENT_NONE;
		t.parent = d->parent;
		t.vendor = d->vendor;
		t.device = d->device;
		snprintf(name, sizeof(name), "%s%s%s",
		    d->vendor_name ? d->vendor_name : "",
		    d->vendor_name && d->device_name ? " " : "",
		    d->device_name ? d->device_name : "");
		copy_utf8(t.name, sizeof(t.name), name);
		t.roles = d->roles;
		for (size_t k = 0; k < vifs_roles_count(inv->roles); k++) {
			const struct vifs_role_mark
			    *m = vifs_roles_get(inv->roles, k);

			if (vifs_pciaddr_cmp(&m->device, &d->addr) == 0) {
				copy_utf8(t.role_how, sizeof(t.role_how),
				    m->how);
				break;
			}
		}
		if ((error = vifs_pci_topology_add(topo, &t)) < 0)
			goto done;
	}
	*out = topo;
	topo = NULL;
done:
	vifs_pci_topology_free(topo);
	return error;
}
