/*
 * vifs/configstore.h - the PCI passthrough records of an ESXi ConfigStore
 * (the SQLite database local.tgz keeps as
 * var/lib/vmware/configstore/backup/current-store-1 from ESXi 7.0 on),
 * read-only, from its bytes.
 *
 * What the sources establish (docs/internals/image.md): a table Config
 * whose rows are named by Component, ConfigGroup, Name and Identifier and
 * carry JSON in up to five value columns (AutoConfValue, UserValue,
 * VitalValue, CachedValue, DesiredValue); PCI devices live under
 * component "esx", group "hardware", key "pci_devices", one row per
 * device with its PCI address as identifier ("0000:65:00.0") and a
 * dl_bus_address in the value.  Which member of a value says whether the
 * device goes to passthru is not documented: the reader recognises only
 * the words the other places of the same setting use (esx.conf's owner =
 * "passthru" | "vmkernel", esxcli's Configured Owner "VM Passthru", the
 * VIM API's passthruEnabled) and reports any other shape as unknown,
 * with the names of the members it found.  Nothing is ever written.
 */
#ifndef VIFS_CONFIGSTORE_H
#define VIFS_CONFIGSTORE_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/pciaddr.h>

/* The value columns of a Config row, in the order of the table. */
enum vifs_cs_layer {
	VIFS_CS_AUTOCONF = 0, /* AutoConfValue */
	VIFS_CS_USER, /* UserValue */
	VIFS_CS_VITAL, /* VitalValue */
	VIFS_CS_CACHED, /* CachedValue */
	VIFS_CS_DESIRED, /* DesiredValue */
	VIFS_CS_LAYERS
};

/* What one value says about passthrough. */
enum vifs_cs_state {
	VIFS_CS_UNKNOWN = 0, /* no member vifs recognises */
	VIFS_CS_VMKERNEL, /* the device stays with the VMkernel */
	VIFS_CS_PASSTHRU, /* the device goes to passthru */
};

/* One non-empty value column of a pci_devices row. */
struct vifs_cs_value {
	enum vifs_cs_layer layer;
	enum vifs_cs_state state;
	/* The member the state was read from ("owner", ...), NULL when
	 * unknown. */
	const char *field;
	/* Its value as found (a string or true/false), NULL when unknown. */
	const char *field_value;
	/* The value's dl_bus_address when it is a string, else NULL. */
	const char *dl_bus_address;
	/* When the state is unknown: why, in a few words ("not JSON", "a
	 * JSON array, not an object", "members: a, b, c"). */
	const char *shape;
};

/* One row of esx/hardware/pci_devices. */
struct vifs_cs_device {
	const char *identifier; /* as stored (decoded to printable text) */
	int addr_ok; /* the identifier reads as a PCI address */
	struct vifs_pciaddr addr;
	size_t nvalues; /* non-empty value columns, in layer order */
	struct vifs_cs_value values[VIFS_CS_LAYERS];
};

typedef struct vifs_configstore vifs_configstore;

/*
 * Reads LEN bytes of DATA (copied; never written) as a ConfigStore named
 * NAME (for messages) into *out; free with vifs_configstore_free().
 * Fails with one line naming NAME: VIFS_EPARSE when the bytes are not an
 * SQLite database, are corrupt or truncated, or hold no Config table
 * with the columns above (an unexpected value column is ignored; a
 * missing one is simply empty); VIFS_ETOOBIG when a value is larger
 * than 1 MiB or the database larger than 256 MiB, or reading it takes
 * too many steps.  A value that is no JSON, or JSON of another shape,
 * is no error: its state is VIFS_CS_UNKNOWN.
 */
VIFS_EXTERN int vifs_configstore_parse(vifs_configstore **out, const char *name,
    const void *data, size_t len);

/* The rows of esx/hardware/pci_devices, sorted by address (rows whose
 * identifier is no address last, by identifier). */
VIFS_EXTERN size_t vifs_configstore_count(const vifs_configstore *cs);
VIFS_EXTERN const struct vifs_cs_device *
vifs_configstore_get(const vifs_configstore *cs, size_t i);

/* The row for ADDR, or NULL. */
VIFS_EXTERN const struct vifs_cs_device *
vifs_configstore_find(const vifs_configstore *cs,
    const struct vifs_pciaddr *addr);

/*
 * The state of D when its known values agree: VIFS_CS_PASSTHRU or
 * VIFS_CS_VMKERNEL; VIFS_CS_UNKNOWN when no value is known.  *mixed
 * (when MIXED is not NULL) is set when known values disagree, in which
 * case the result is VIFS_CS_PASSTHRU (the one that matters for a
 * rescue).
 */
VIFS_EXTERN enum vifs_cs_state
vifs_cs_device_state(const struct vifs_cs_device *d, int *mixed);

/* "AutoConfValue", "UserValue", ...; static storage. */
VIFS_EXTERN const char *vifs_cs_layer_name(enum vifs_cs_layer l);

/* "unknown", "vmkernel", "passthru"; static storage. */
VIFS_EXTERN const char *vifs_cs_state_name(enum vifs_cs_state s);

/* Frees CS; NULL is allowed. */
VIFS_EXTERN void vifs_configstore_free(vifs_configstore *cs);

#endif
