/*
 * vifs/inventory.h - the PCI inventory of a host: its devices with the
 * facts that decide what can be given to passthru, the devices reset or
 * moved with each one, and what esx.conf and passthru.map say about them.
 *
 * A producer (vifs-agent, which reads them with libpci) adds the facts of
 * each device with vifs_inventory_add(); vifs_inventory_analyse() then
 * derives everything else: parent bridges where the source did not name
 * them, the reset method ESXi would use, reset groups, owners from
 * esx.conf and findings.  vifs_inventory_write() gives the XML document
 * described by docs/schemas/inventory.xsd (stable element order);
 * vifs_inventory_parse() reads such a document back with every field, so
 * that a remote run can check changes against the host's topology
 * (vifs_inventory_topology()).  docs/internals/inventory.md explains the
 * rules.
 */
#ifndef VIFS_INVENTORY_H
#define VIFS_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>
#include <vifs/roles.h>

typedef struct vifs_inventory vifs_inventory;

/* A fact read from configuration space, or not readable there. */
enum vifs_fact {
	VIFS_FACT_UNKNOWN = 0, /* the bytes needed were not readable */
	VIFS_FACT_NO,
	VIFS_FACT_YES,
};

/* Device/port type of the PCI Express capability (PCIe base spec). */
enum vifs_pcie_type {
	VIFS_PCIE_UNKNOWN = 0, /* capability list not readable */
	VIFS_PCIE_NONE, /* conventional PCI: no PCIe capability */
	VIFS_PCIE_ENDPOINT,
	VIFS_PCIE_LEGACY_ENDPOINT,
	VIFS_PCIE_ROOT_PORT,
	VIFS_PCIE_UPSTREAM_PORT,
	VIFS_PCIE_DOWNSTREAM_PORT,
	VIFS_PCIE_PCIE_TO_PCI, /* PCIe-to-PCI/PCI-X bridge */
	VIFS_PCIE_PCI_TO_PCIE, /* PCI/PCI-X-to-PCIe bridge */
	VIFS_PCIE_RC_ENDPOINT, /* root complex integrated endpoint */
	VIFS_PCIE_RC_EVENT_COLLECTOR,
	VIFS_PCIE_RESERVED, /* a type value the spec reserves */
};

/*
 * The reset ESXi applies to a device: one of the methods of passthru.map,
 * NONE when the device has no way to be reset (no function-level reset
 * and no bridge above it), UNKNOWN when the facts needed are unknown.
 */
enum vifs_inv_reset {
	VIFS_INV_RESET_UNKNOWN = 0,
	VIFS_INV_RESET_NONE,
	VIFS_INV_RESET_FLR,
	VIFS_INV_RESET_D3D0,
	VIFS_INV_RESET_LINK,
	VIFS_INV_RESET_BRIDGE,
};

/* Where the parent bridge of a device comes from. */
enum vifs_inv_parent {
	VIFS_INV_PARENT_NONE = 0, /* on a root bus, or not found */
	VIFS_INV_PARENT_SOURCE, /* named by the source (sysfs) */
	VIFS_INV_PARENT_BUS_RANGE, /* bridge whose secondary is its bus */
};

/*
 * One device.  The first part holds facts the producer gives to
 * vifs_inventory_add(); the second part is filled by
 * vifs_inventory_analyse() (and by the reader) and ignored by add().
 * Strings are NULL when unknown; in a device returned by the inventory
 * they borrow from it and live until the inventory is freed or analysed
 * again.  Text that is not valid UTF-8 or holds control characters is
 * stored with '?' in place of each bad byte, so every string can be
 * written as XML.
 *
 * Configuration space offsets: revision 0x08, prog-if 0x09, subclass
 * 0x0a, base class 0x0b, header type 0x0e (low 7 bits: 0 device, 1
 * bridge, 2 CardBus bridge; bit 7: multi-function), bridge bus numbers
 * 0x18 (primary), 0x19 (secondary), 0x1a (subordinate).
 */
struct vifs_inv_device {
	/* --- facts ------------------------------------------------------ */
	struct vifs_pciaddr addr;
	uint16_t vendor;
	uint16_t device;
	int has_subsystem; /* subvendor/subdevice are meaningful */
	uint16_t subvendor;
	uint16_t subdevice;
	uint8_t class_base;
	uint8_t class_sub;
	uint8_t prog_if;
	uint8_t revision;
	uint8_t header_type;
	int multifunction_bit; /* bit 7 of the header type, this function */
	/* Names from pci.ids; class_name is the subclass's ("Audio
	 * device"), base_class_name the base class's ("Multimedia
	 * controller"). */
	const char *vendor_name;
	const char *device_name;
	const char *subvendor_name;
	const char *subdevice_name;
	const char *class_name;
	const char *base_class_name;
	const char *prog_if_name;
	const char *driver; /* kernel driver bound, when the source says */
	int iommu_group; /* -1 when unknown or none */
	enum vifs_inv_parent parent_from;
	struct vifs_pciaddr parent; /* when parent_from is not NONE */
	uint8_t primary; /* bridges (header types 1 and 2) */
	uint8_t secondary;
	uint8_t subordinate;
	/* Bytes of configuration space the source gave: 64, 256 or 4096. */
	unsigned config_size;
	enum vifs_pcie_type pcie_type;
	enum vifs_fact flr; /* PCIe DevCap FLReset */
	enum vifs_fact af_flr; /* Advanced Features capability FLR */
	enum vifs_fact pm; /* Power Management capability */
	/* PMCSR NoSoftRst: going from D3hot to D0 does not reset it. */
	enum vifs_fact no_soft_reset;
	enum vifs_fact acs; /* ACS extended capability */
	enum vifs_fact sriov; /* SR-IOV extended capability */
	unsigned sriov_total_vfs; /* when sriov is YES */

	/* --- derived by vifs_inventory_analyse() ------------------------ */
	/* The slot holds several functions, or function 0 has bit 7. */
	int multifunction;
	enum vifs_inv_reset reset_caps; /* chosen from the capabilities */
	/* The passthru.map line for the device, when there is one. */
	int has_map_entry;
	enum vifs_reset_method map_reset;
	enum vifs_shareable map_shareable;
	size_t map_line;
	/* In effect: the map's method unless it is "default", else
	 * reset_caps. */
	enum vifs_inv_reset reset;
	/* The other devices reset or moved with this one, in address
	 * order; when reset is UNKNOWN, RESET_WORST_CASE is set and the
	 * group assumes a bus reset. */
	const struct vifs_pciaddr *reset_group;
	size_t reset_group_len;
	int reset_worst_case;
	/* From esx.conf, when the analysis had one: the address as the file
	 * spells it (NULL: no line), owner and vmkname with their 1-based
	 * lines (0: absent), and the owner once bridges are counted
	 * (via_bridge: passthru because the bridge at BRIDGE is). */
	const char *esx_key;
	enum vifs_owner owner;
	const char *owner_text;
	size_t owner_line;
	const char *vmkname;
	size_t vmkname_line;
	enum vifs_owner effective;
	int via_bridge;
	struct vifs_pciaddr bridge;
	/* The roles the device holds (bits of enum vifs_role): marks given
	 * with vifs_inventory_set_roles(), or learned from esx.conf. */
	unsigned roles;
};

/*
 * One finding.  RULE is a stable identifier: the rules of
 * vifs_esxconf_lint() (except passthru-vmkname, which the inventory
 * reports with the device instead) and
 *   passthru-vmkname        a device that is passthru holds a vmkname
 *   bridge-covers-vmkname   a bridge given to passthru has a device with a
 *                           vmkname behind it
 *   owner-overridden        a device esx.conf gives to the VMkernel is
 *                           passthru through its bridge (warning)
 *   split-multifunction     the functions of one slot are split between
 *                           passthru and the VMkernel
 *   device-not-present      a /device/ entry for an address the inventory
 *                           does not have (warning)
 *   acs-missing             a PCIe switch downstream port without ACS:
 *                           ESXi refuses passthrough behind it (warning)
 *   passthru-boot-controller, passthru-management-nic,
 *   passthru-coredump-controller
 *                           a device that holds the role is passthru
 *                           (itself or through a bridge above it), or
 *                           shares its slot with a function that is
 *                           (the functions of a slot are reset together)
 *   role-not-found          a role was looked for and not found; the
 *                           message says why (warning)
 *   role-device-not-present a role names an address the inventory does
 *                           not have (warning)
 *   config-space-limited    some devices with a capability list gave
 *                           only 64 bytes of configuration space (an
 *                           unprivileged read), so their capability
 *                           facts are unknown (warning)
 * HAS_DEVICE says whether DEVICE names the device concerned; LINE is the
 * esx.conf line or 0.  Strings borrow from the inventory.
 */
struct vifs_inv_finding {
	const char *rule;
	enum vifs_lint_severity severity;
	int has_device;
	struct vifs_pciaddr device;
	size_t line;
	const char *message;
};

/*
 * What the inventory was made from.  SOURCE is "sysfs" (a live system or
 * another sysfs tree) or "dump" (an `lspci -xxx` dump); SOURCE_PATH the
 * sysfs directory or dump file; HOST the host name when known; GENERATOR
 * the program and version; CREATED seconds since the epoch or -1.
 * ESXCONF and PASSTHRU_MAP name the files the analysis used (set by
 * vifs_inventory_analyse()).  NULL means absent.
 */
struct vifs_inv_info {
	const char *source;
	const char *source_path;
	const char *host;
	const char *generator;
	long long created;
	const char *esxconf;
	const char *passthru_map;
};

/* Creates an empty inventory; free with vifs_inventory_free(). */
VIFS_EXTERN int vifs_inventory_new(vifs_inventory **out);

/* Frees INV and everything it owns; NULL is allowed. */
VIFS_EXTERN void vifs_inventory_free(vifs_inventory *inv);

/*
 * Sets the description of the source (SOURCE, SOURCE_PATH, HOST,
 * GENERATOR, CREATED of INFO; the strings are copied, the other members
 * are ignored).
 */
VIFS_EXTERN int vifs_inventory_set_info(vifs_inventory *inv,
    const struct vifs_inv_info *info);

/* Returns the description; borrowed, valid until INV changes. */
VIFS_EXTERN const struct vifs_inv_info *vifs_inventory_info(
    const vifs_inventory *inv);

/*
 * Copies the facts of DEV (the first part of the structure, strings
 * included) into INV.  Fails with VIFS_EEXISTS when INV already has a
 * device at that address, VIFS_EINVAL for an address out of range (device
 * above 31, function above 7).
 */
VIFS_EXTERN int vifs_inventory_add(vifs_inventory *inv,
    const struct vifs_inv_device *dev);

/*
 * Derives the second part of every device and the findings, replacing
 * what an earlier analysis derived: sorts the devices by address, finds
 * parents by bus ranges where the source named none, chooses reset
 * methods (with MAP's overrides when MAP is not NULL; MAP_NAME names the
 * file in the output), computes reset groups and, when DOC is not NULL,
 * owners, vmknames, effective owners and the esx.conf findings.
 */
VIFS_EXTERN int vifs_inventory_analyse(vifs_inventory *inv,
    const vifs_esxconf *doc, const vifs_passthru_map *map,
    const char *map_name);

/*
 * Gives INV the roles of ROLES (copied): which devices hold the boot
 * device, the management network, the coredump device, and how that was
 * learned.  vifs_inventory_analyse() adds the management NICs its esx.conf
 * names and derives the device's ROLES and the findings.
 */
VIFS_EXTERN int vifs_inventory_set_roles(vifs_inventory *inv,
    const vifs_roles *roles);

/* The roles of the devices (given and learned); borrowed until INV
 * changes; NULL when there are none. */
VIFS_EXTERN const vifs_roles *vifs_inventory_roles(const vifs_inventory *inv);

/* Number of devices. */
VIFS_EXTERN size_t vifs_inventory_count(const vifs_inventory *inv);

/*
 * Device I (address order once analysed or parsed, else the order of
 * addition), or NULL when out of range.  Borrowed until INV changes.
 */
VIFS_EXTERN const struct vifs_inv_device *
vifs_inventory_get(const vifs_inventory *inv, size_t i);

/* Device at ADDR or NULL; borrowed until INV changes. */
VIFS_EXTERN const struct vifs_inv_device *
vifs_inventory_find(const vifs_inventory *inv, const struct vifs_pciaddr *addr);

/* Findings, in the order of the devices and lines they concern. */
VIFS_EXTERN size_t vifs_inventory_finding_count(const vifs_inventory *inv);
VIFS_EXTERN const struct vifs_inv_finding *
vifs_inventory_finding(const vifs_inventory *inv, size_t i);
/* Number of findings of severity VIFS_LINT_ERROR. */
VIFS_EXTERN size_t vifs_inventory_errors(const vifs_inventory *inv);

/*
 * Writes INV as an XML document (UTF-8, two-space indentation, elements in
 * the order of the schema) into a new buffer *out of *out_len bytes plus
 * a NUL that is not counted; free with free().  The same inventory always
 * gives the same bytes.
 */
VIFS_EXTERN int vifs_inventory_write(char **out, size_t *out_len,
    const vifs_inventory *inv);

/*
 * Writes INV as a JSON document (docs/schemas/inventory.schema.json): the
 * same facts as the XML, in the same order.  Free *out with free().
 */
VIFS_EXTERN int vifs_inventory_write_json(char **out, size_t *out_len,
    const vifs_inventory *inv);

/*
 * Reads an inventory document of LEN bytes from BUF into a new *out.
 * NAME is used in messages (NULL: "inventory").  The document must follow
 * the schema's structure and value formats; a DTD is refused, external
 * entities are never loaded.  Fails with VIFS_EPARSE and a message that
 * names the line, or VIFS_ETOOBIG beyond 256 MiB.
 */
VIFS_EXTERN int vifs_inventory_parse(vifs_inventory **out, const char *name,
    const char *buf, size_t len);

/* Reads and parses the file PATH ("-" = standard input). */
VIFS_EXTERN int vifs_inventory_open(vifs_inventory **out, const char *path);

/*
 * Builds the topology the passthru safety rules use from INV (analysed or
 * parsed): every device with its bridge bus range and parent.  Free with
 * vifs_pci_topology_free().
 */
VIFS_EXTERN int vifs_inventory_topology(vifs_pci_topology **out,
    const vifs_inventory *inv);

/* Names used in the XML ("yes", "root-port", "d3d0", ...); static. */
VIFS_EXTERN const char *vifs_fact_name(enum vifs_fact f);
VIFS_EXTERN const char *vifs_pcie_type_name(enum vifs_pcie_type t);
VIFS_EXTERN const char *vifs_inv_reset_name(enum vifs_inv_reset r);

#endif
