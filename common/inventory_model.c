/*
 * inventory_model.c - the PCI inventory model: its devices (kept by
 * address), their strings, its description and its findings.  The
 * analysis is in inventory_analysis.c, the XML side in inventory_xml_*.c;
 * docs/internals/inventory.md gives the rules and their sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/inventory.h>

#include "inventory_impl.h"

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
void
inv_addr_both(char *buf, size_t size, const struct vifs_pciaddr *a)
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

void
inv_dev_clear_derived(struct inv_dev *r)
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

void
inv_findings_clear(vifs_inventory *inv)
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
	inv_findings_clear(inv);
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

struct inv_dev *
inv_dev_find(const vifs_inventory *inv, const struct vifs_pciaddr *a)
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
	if (!inv_facts_in_range(dev))
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
	if (inv_dev_find(inv, &dev->addr) != NULL) {
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
	inv_dev_clear_derived(r);
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
	r = inv_dev_find(inv, addr);
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
