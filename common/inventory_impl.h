/*
 * inventory_impl.h - the inside of vifs_inventory, shared by
 * inventory_model.c, inventory_names.c, inventory_analysis.c and the XML
 * writer and reader.
 */
#ifndef VIFS_INVENTORY_IMPL_H
#define VIFS_INVENTORY_IMPL_H

#include <stdarg.h>

#include <vifs/inventory.h>

#include "internal.h"

/* The strings a device owns; the first INV_S_NFACTS are facts. */
enum inv_str {
	INV_S_VENDOR,
	INV_S_DEVICE,
	INV_S_SUBVENDOR,
	INV_S_SUBDEVICE,
	INV_S_CLASS,
	INV_S_BASE_CLASS,
	INV_S_PROG_IF,
	INV_S_DRIVER,
	INV_S_NFACTS,
	INV_S_ESX_KEY = INV_S_NFACTS,
	INV_S_OWNER_TEXT,
	INV_S_VMKNAME,
	INV_S_COUNT
};

/* One device: the public view, whose strings point into STR. */
struct inv_dev {
	struct vifs_inv_device d;
	char *str[INV_S_COUNT];
	struct vifs_pciaddr *group; /* owned; d.reset_group */
};

struct inv_finding {
	struct vifs_inv_finding f; /* rule and message point below */
	char *rule;
	char *message;
};

/* The strings of the description. */
enum inv_info_str {
	INV_I_SOURCE,
	INV_I_SOURCE_PATH,
	INV_I_HOST,
	INV_I_GENERATOR,
	INV_I_ESXCONF,
	INV_I_PASSTHRU_MAP,
	INV_I_COUNT
};

struct vifs_inventory {
	struct inv_dev **devs;
	size_t ndevs;
	size_t capdevs;
	struct inv_dev **hash; /* open addressing by address */
	size_t hashsize; /* power of two, 0 when none */
	int sorted; /* devs in address order */
	struct inv_finding *findings;
	size_t nfindings;
	size_t capfindings;
	struct vifs_inv_info info; /* strings point into INFO_STR */
	char *info_str[INV_I_COUNT];
	int esx_applied; /* devices carry esx.conf facts */
	vifs_roles *roles_given; /* vifs_inventory_set_roles(), or read */
	vifs_roles *roles; /* given + learned by the analysis */
};

/*
 * Copies S with every byte that is not part of valid UTF-8, every control
 * character and DEL replaced by '?', so that it can be written as XML;
 * NULL for NULL.  Records VIFS_ENOMEM on failure (then *ERR is set).
 */
char *inv_strdup_clean(const char *s, int *err);

/* Replaces string WHICH of R by a cleaned copy of S (NULL clears). */
int inv_dev_set_str(struct inv_dev *r, enum inv_str which, const char *s);

/* Replaces description string WHICH by a cleaned copy of S. */
int inv_info_set_str(vifs_inventory *inv, enum inv_info_str which,
    const char *s);

/* Appends a finding; DEV may be NULL.  Message is printf-formatted. */
int inv_finding_add(vifs_inventory *inv, const char *rule,
    enum vifs_lint_severity severity, const struct vifs_pciaddr *dev,
    size_t line, const char *fmt, ...) VIFS_PRINTF(6, 7);

/* Sorts the findings into their documented order. */
void inv_findings_sort(vifs_inventory *inv);

/*
 * Adds a device like vifs_inventory_add() and returns its record in
 * *out (borrowed from INV) so that the reader can fill the derived part.
 */
int inv_dev_add(struct inv_dev **out, vifs_inventory *inv,
    const struct vifs_inv_device *dev);

/* After reading a document: the roles read become the inventory's
 * roles and are set on their devices. */
int inv_roles_apply(vifs_inventory *inv);

/* Sorts the devices by address (no-op when already sorted). */
void inv_sort(vifs_inventory *inv);

/* Address as "0000:00:1b.0" into BUF (VIFS_PCIADDR_MAX bytes). */
void inv_addr_linux(char *buf, const struct vifs_pciaddr *a);

/* "0000:00:1b.0 (000:27.0)" or the Linux form alone off segment 0. */
void inv_addr_both(char *buf, size_t size, const struct vifs_pciaddr *a);

/* The device at address A, or NULL. */
struct inv_dev *inv_dev_find(const vifs_inventory *inv,
    const struct vifs_pciaddr *a);

/* Forgets what the analysis derived for device R. */
void inv_dev_clear_derived(struct inv_dev *r);

/* Forgets every finding. */
void inv_findings_clear(vifs_inventory *inv);

/* Whether every enumerated fact of DEV is one of its values. */
int inv_facts_in_range(const struct vifs_inv_device *dev);

/* Lookups of the XML names; return 0 and set *out, or -1. */
int inv_fact_parse(enum vifs_fact *out, const char *s);
int inv_pcie_type_parse(enum vifs_pcie_type *out, const char *s);
int inv_reset_parse(enum vifs_inv_reset *out, const char *s);
const char *inv_owner_name(enum vifs_owner o);
int inv_owner_parse(enum vifs_owner *out, const char *s);
const char *inv_map_reset_name(enum vifs_reset_method m);
int inv_map_reset_parse(enum vifs_reset_method *out, const char *s);
const char *inv_shareable_name(enum vifs_shareable s);
int inv_shareable_parse(enum vifs_shareable *out, const char *s);
const char *inv_parent_name(enum vifs_inv_parent p);
int inv_parent_parse(enum vifs_inv_parent *out, const char *s);

#endif
