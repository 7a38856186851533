/*
 * vifs/passthru.h - VMDirectPath passthrough on top of esx.conf, the PCI
 * topology of a host when it is known, and /etc/vmware/passthru.map.
 *
 * Devices live under /device/<addr>/ in esx.conf with the keys "owner"
 * ("vmkernel" or "passthru") and "vmkname" (the vmhba/vmnic alias the
 * VMkernel gave it).  A device that holds a vmkname is one the host itself
 * uses; giving it to passthru can leave a host that cannot save its
 * configuration or cannot be reached, so such changes are refused unless
 * forced.
 */
#ifndef VIFS_PASSTHRU_H
#define VIFS_PASSTHRU_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>
#include <vifs/configstore.h>
#include <vifs/esxconf.h>
#include <vifs/pciaddr.h>

/* --- topology (from an inventory of the host; optional) -------------- */

/*
 * What the safety rules need to know about the host's PCI devices beyond
 * esx.conf: which devices exist, which are bridges and what buses they
 * cover, which functions share a slot.  Built by the caller (for example
 * from a vifs-agent inventory) with vifs_pci_topology_add().
 */
typedef struct vifs_pci_topology vifs_pci_topology;

struct vifs_pci_topology_dev {
	struct vifs_pciaddr addr;
	int is_bridge; /* type-1 header */
	uint8_t secondary; /* bridges: secondary bus */
	uint8_t subordinate; /* bridges: subordinate bus */
	int has_parent; /* the device sits behind PARENT */
	struct vifs_pciaddr parent;
	uint16_t vendor;
	uint16_t device;
	char name[96]; /* "vendor device" description, may be "" */
	/* The roles the device holds (bits of enum vifs_role of
	 * <vifs/roles.h>) and how the first was learned, may be "". */
	unsigned roles;
	char role_how[256];
};

VIFS_EXTERN int vifs_pci_topology_new(vifs_pci_topology **out);
/* Copies DEV in; VIFS_EEXISTS when that address is already there. */
VIFS_EXTERN int vifs_pci_topology_add(vifs_pci_topology *topo,
    const struct vifs_pci_topology_dev *dev);
VIFS_EXTERN size_t vifs_pci_topology_count(const vifs_pci_topology *topo);
/* Device I in address order, or NULL; borrowed until the next add. */
VIFS_EXTERN const struct vifs_pci_topology_dev *
vifs_pci_topology_get(const vifs_pci_topology *topo, size_t i);
/* Device at ADDR, or NULL; borrowed until the next add. */
VIFS_EXTERN const struct vifs_pci_topology_dev *
vifs_pci_topology_find(const vifs_pci_topology *topo,
    const struct vifs_pciaddr *addr);
VIFS_EXTERN void vifs_pci_topology_free(vifs_pci_topology *topo);

/* --- the devices of an esx.conf ------------------------------------- */

enum vifs_owner {
	VIFS_OWNER_NONE = 0, /* no owner line */
	VIFS_OWNER_VMKERNEL,
	VIFS_OWNER_PASSTHRU,
	VIFS_OWNER_OTHER, /* an owner value that is neither */
};

/*
 * One device of an esx.conf.  KEY_ADDR is the address component exactly as
 * the file spells it (e.g. "000:27.0"); OWNER_TEXT and VMKNAME are the
 * decoded values or NULL when absent.  EFFECTIVE is the owner after bridges
 * are taken into account: a device behind a bridge given to passthru is
 * passthru too (needs a topology; without one EFFECTIVE == OWNER except
 * that NONE reads as VMKERNEL).  VIA_BRIDGE names that bridge.
 */
struct vifs_passthru_dev {
	struct vifs_pciaddr addr;
	const char *key_addr;
	enum vifs_owner owner;
	const char *owner_text;
	const char *vmkname;
	size_t owner_line; /* 1-based, 0 when absent */
	size_t vmkname_line;
	enum vifs_owner effective;
	int via_bridge;
	struct vifs_pciaddr bridge;
	int in_topology; /* the device exists in the given topology */
};

typedef struct vifs_passthru_list vifs_passthru_list;

/*
 * Collects every /device/<addr>/ entry of DOC whose address parses, plus,
 * when TOPO is given, every device of TOPO (with OWNER_NONE when esx.conf
 * has no line for it), sorted by address.  Free with
 * vifs_passthru_list_free().  Strings borrow from the list.
 */
VIFS_EXTERN int vifs_passthru_list_new(vifs_passthru_list **out,
    const vifs_esxconf *doc, const vifs_pci_topology *topo);
VIFS_EXTERN size_t vifs_passthru_list_count(const vifs_passthru_list *l);
/* Whether the list was made with a topology (an inventory of the host). */
VIFS_EXTERN int vifs_passthru_list_has_topology(const vifs_passthru_list *l);
VIFS_EXTERN const struct vifs_passthru_dev *
vifs_passthru_list_get(const vifs_passthru_list *l, size_t i);
VIFS_EXTERN const struct vifs_passthru_dev *
vifs_passthru_list_find(const vifs_passthru_list *l,
    const struct vifs_pciaddr *addr);
VIFS_EXTERN void vifs_passthru_list_free(vifs_passthru_list *l);

/*
 * Writes L as an XML document of docs/schemas/passthru.xsd into a new
 * NUL-terminated buffer *out of *out_len bytes (OUT_LEN may be NULL);
 * FILE, when not NULL, is recorded as the esx.conf the list was read from.
 * The caller frees *out with free().
 */
VIFS_EXTERN int vifs_passthru_list_to_xml(char **out, size_t *out_len,
    const vifs_passthru_list *l, const char *file);

/* The same list as JSON (docs/schemas/passthru.schema.json); free *out
 * with free(). */
VIFS_EXTERN int vifs_passthru_list_to_json(char **out, size_t *out_len,
    const vifs_passthru_list *l, const char *file);

/* --- the ConfigStore of an image ---------------------------------------- */

/* How a ConfigStore record compares with esx.conf's owner of a device. */
enum vifs_cs_match {
	VIFS_CS_NO_RECORD = 0, /* no pci_devices record for the device */
	VIFS_CS_AGREES, /* its known values give the device as esx.conf does */
	VIFS_CS_DISAGREES, /* a known value gives it the other way */
	VIFS_CS_STATE_UNKNOWN, /* a record whose state vifs cannot read */
};

/*
 * Compares record D (NULL: none) with the owner OWNER esx.conf gives the
 * device (VIFS_OWNER_PASSTHRU or anything else, which is the VMkernel).
 */
VIFS_EXTERN enum vifs_cs_match
vifs_passthru_cs_match(const struct vifs_cs_device *d, enum vifs_owner owner);

/* "no-record", "agrees", "disagrees", "unknown"; static storage. */
VIFS_EXTERN const char *vifs_cs_match_name(enum vifs_cs_match m);

/*
 * Attaches the ConfigStore of an image to L, for its XML and JSON
 * documents, which then carry its pci_devices records beside esx.conf's
 * devices.  PATH is the member inside the image; CS is borrowed (it
 * must outlive L) or NULL when it could not be read, ERROR then saying
 * why (copied).
 */
VIFS_EXTERN int vifs_passthru_list_set_configstore(vifs_passthru_list *l,
    const char *path, const vifs_configstore *cs, const char *error);

/* --- changes ---------------------------------------------------------- */

enum vifs_passthru_flags {
	VIFS_PASSTHRU_FORCE = 1 << 0, /* override every safety refusal */
};

/*
 * Options of an enable/disable.  NOTATION is the notation ADDR is given in
 * (VIFS_PCI_AUTO to recognise it).  NEW_KEY_NOTATION is the spelling used
 * when the device has no line yet (default VIFS_PCI_ESXCONF, the
 * documented decimal form); an existing device keeps the spelling the file
 * already uses for it.
 */
struct vifs_passthru_opts {
	unsigned flags;
	enum vifs_pci_notation notation;
	enum vifs_pci_notation new_key_notation;
	const vifs_pci_topology *topo; /* NULL when unknown */
};

/*
 * What a change did or would do: one line of English per item, borrowed
 * from the report.  REFUSALS name the device, the reason and the override
 * ("--force"); WARNINGS are things the caller should tell the user (for
 * example that bridge coverage was not checked without a topology).
 */
typedef struct vifs_passthru_report vifs_passthru_report;

VIFS_EXTERN size_t vifs_passthru_report_refusals(const vifs_passthru_report *r);
VIFS_EXTERN const char *
vifs_passthru_report_refusal(const vifs_passthru_report *r, size_t i);
VIFS_EXTERN size_t vifs_passthru_report_warnings(const vifs_passthru_report *r);
VIFS_EXTERN const char *
vifs_passthru_report_warning(const vifs_passthru_report *r, size_t i);
/* Number of keys changed in the document. */
VIFS_EXTERN size_t vifs_passthru_report_changes(const vifs_passthru_report *r);
VIFS_EXTERN void vifs_passthru_report_free(vifs_passthru_report *r);

/*
 * Gives the device at ADDR to passthru (owner = "passthru").  Safety rules,
 * each a refusal unless VIFS_PASSTHRU_FORCE:
 *   - the device holds a vmkname (a vmhba/vmnic the host uses);
 *   - with a topology: the device is a bridge and a device behind it holds
 *     a vmkname;
 *   - the device is one function of a multi-function slot whose other
 *     functions stay with the VMkernel (siblings from the topology, or
 *     from esx.conf lines when there is none); the refusal names them;
 *   - with a topology: the device holds a role (the controller of the
 *     boot device, a NIC of the management network, the controller of
 *     the coredump device), shares its slot with a function that holds
 *     one, or is a bridge with such a device behind it; the refusal
 *     names the device, the role and what passthrough would do;
 *   - with a topology: the address is not in it.
 * On a refusal the document is unchanged and the call returns
 * VIFS_EREFUSED; *report (always set on return except when out of memory
 * or REPORT is NULL; free it) says why.  Forced, the refusals become
 * warnings "overridden by force: ...".  Without a topology the report
 * warns "bridge coverage not checked: no inventory".  An address that does
 * not parse fails with VIFS_EPARSE or VIFS_EAMBIGUOUS; a device already
 * passthru is left alone with a warning and no change.  Every owner line
 * of the device is set in its own spelling; a device without one gets a
 * new line in the spelling of its other keys, else NEW_KEY_NOTATION.
 */
VIFS_EXTERN int vifs_passthru_enable(vifs_passthru_report **report,
    vifs_esxconf *doc, const char *addr, const struct vifs_passthru_opts *opts);

/*
 * Same for the N devices ADDRS (NULL-free) as one change: the safety rules
 * count the devices of the set as going to passthru together, so a whole
 * multi-function slot can be given at once; any refusal leaves the
 * document unchanged.  A device named twice is changed once.
 */
VIFS_EXTERN int vifs_passthru_enable_many(vifs_passthru_report **report,
    vifs_esxconf *doc, const char *const *addrs, size_t n,
    const struct vifs_passthru_opts *opts);

/*
 * Gives the device at ADDR back to the VMkernel (owner = "vmkernel"), with
 * the same key spelling rules; no refusals.  Warns when the device stays
 * passthru through a bridge or leaves a sibling function with passthru.
 */
VIFS_EXTERN int vifs_passthru_disable(vifs_passthru_report **report,
    vifs_esxconf *doc, const char *addr, const struct vifs_passthru_opts *opts);

/* Same for the N devices ADDRS as one change (siblings in the set are not
 * warned about). */
VIFS_EXTERN int vifs_passthru_disable_many(vifs_passthru_report **report,
    vifs_esxconf *doc, const char *const *addrs, size_t n,
    const struct vifs_passthru_opts *opts);

/* --- passthru.map ----------------------------------------------------- */

enum vifs_reset_method {
	VIFS_RESET_DEFAULT = 0,
	VIFS_RESET_FLR,
	VIFS_RESET_D3D0,
	VIFS_RESET_LINK,
	VIFS_RESET_BRIDGE,
};

/* The fptShareable column; ESXi reads "default" as "true". */
enum vifs_shareable {
	VIFS_SHARE_DEFAULT = 0, /* "default" */
	VIFS_SHARE_TRUE, /* "true" */
	VIFS_SHARE_FALSE, /* "false" */
};

struct vifs_passthru_map_entry {
	uint16_t vendor;
	uint16_t device;
	int device_any; /* device id was ffff */
	enum vifs_reset_method reset;
	enum vifs_shareable shareable;
	size_t line; /* 1-based line in the file */
};

typedef struct vifs_passthru_map vifs_passthru_map;

/*
 * Parses passthru.map text: one `vendor device reset shareable` line per
 * device (4 hex digits each, ffff as device wildcard), '#' comments to end
 * of line, blank lines.  A bad line fails the whole parse with VIFS_EPARSE
 * and a "NAME:LINE: message" error.
 */
VIFS_EXTERN int vifs_passthru_map_parse(vifs_passthru_map **out,
    const char *name, const char *buf, size_t len);
VIFS_EXTERN int vifs_passthru_map_open(vifs_passthru_map **out,
    const char *path);
VIFS_EXTERN size_t vifs_passthru_map_count(const vifs_passthru_map *map);
VIFS_EXTERN const struct vifs_passthru_map_entry *
vifs_passthru_map_get(const vifs_passthru_map *map, size_t i);
/*
 * Finds the entry for VENDOR:DEVICE; an exact device id wins over the
 * ffff wildcard, and a later line over an earlier one.  NULL when none.
 */
VIFS_EXTERN const struct vifs_passthru_map_entry *
vifs_passthru_map_lookup(const vifs_passthru_map *map, uint16_t vendor,
    uint16_t device);
VIFS_EXTERN void vifs_passthru_map_free(vifs_passthru_map *map);

VIFS_EXTERN const char *vifs_reset_method_name(enum vifs_reset_method m);
VIFS_EXTERN const char *vifs_shareable_name(enum vifs_shareable s);
VIFS_EXTERN const char *vifs_owner_name(enum vifs_owner o);

#endif
