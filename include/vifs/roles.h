/*
 * vifs/roles.h - the devices a host cannot give away: the controller of
 * its boot device, the NICs of its management network and the controller
 * of its coredump device, each with how it was learned.
 *
 * A role list is filled from a live Linux system (or a copy of its sysfs
 * and proc trees) by vifs_roles_scan_linux(), from an esx.conf by
 * vifs_roles_from_esxconf(), and from what the user names with
 * vifs_roles_resolve() + vifs_roles_add().  The inventory takes the list
 * (vifs_inventory_set_roles()), writes it on the devices of its XML, and
 * the passthru rules refuse these devices, the functions of their slots
 * and the bridges above them.  docs/internals/roles.md lists the sources.
 */
#ifndef VIFS_ROLES_H
#define VIFS_ROLES_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/esxconf.h>
#include <vifs/pciaddr.h>

/* A role; the values are bits so that a device can hold several. */
enum vifs_role {
	VIFS_ROLE_BOOT = 1 << 0, /* controller of the boot device */
	VIFS_ROLE_MGMT_NIC = 1 << 1, /* NIC of the management network */
	VIFS_ROLE_COREDUMP = 1 << 2, /* controller of the coredump device */
};

/*
 * One device found to hold a role.  LEARNED says from where ("sysfs",
 * "esxconf", "option"); HOW is one line that shows the chain, for example
 * "/ is on /dev/vda1; vda1 is a partition of vda; vda is behind PCI
 * 0000:00:02.0".  Strings borrow from the list.
 */
struct vifs_role_mark {
	enum vifs_role role;
	struct vifs_pciaddr device;
	const char *learned;
	const char *how;
};

/* Why a role was not found (or only partly), one line each. */
struct vifs_role_note {
	enum vifs_role role;
	const char *text;
};

typedef struct vifs_roles vifs_roles;

VIFS_EXTERN int vifs_roles_new(vifs_roles **out);
VIFS_EXTERN void vifs_roles_free(vifs_roles *r);

/*
 * Adds a mark (strings copied).  A device that already holds ROLE keeps
 * its first mark; the call then succeeds without a change.
 */
VIFS_EXTERN int vifs_roles_add(vifs_roles *r, enum vifs_role role,
    const struct vifs_pciaddr *device, const char *learned, const char *how);

/* Adds a note (copied) saying why ROLE is not known, or not fully. */
VIFS_EXTERN int vifs_roles_note(vifs_roles *r, enum vifs_role role,
    const char *text);

/* Copies every mark and note of FROM into R. */
VIFS_EXTERN int vifs_roles_merge(vifs_roles *r, const vifs_roles *from);

/* Marks in the order added; borrowed until R changes. */
VIFS_EXTERN size_t vifs_roles_count(const vifs_roles *r);
VIFS_EXTERN const struct vifs_role_mark *vifs_roles_get(const vifs_roles *r,
    size_t i);
VIFS_EXTERN size_t vifs_roles_note_count(const vifs_roles *r);
VIFS_EXTERN const struct vifs_role_note *
vifs_roles_note_get(const vifs_roles *r, size_t i);

/* The roles DEVICE holds (bits of enum vifs_role), 0 for none. */
VIFS_EXTERN unsigned vifs_roles_of(const vifs_roles *r,
    const struct vifs_pciaddr *device);

/*
 * Finds the roles of a running Linux system from its sysfs tree SYSFS
 * (normally "/sys") and its proc tree PROC (normally "/proc"):
 *   boot:  the block devices that hold /, /boot, /boot/efi and /bootbank
 *          (PROC/self/mountinfo gives each one's major:minor), followed
 *          through partitions, device-mapper and md (the "slaves" of
 *          SYSFS/dev/block/M:m) down to disks, and from each disk up its
 *          SYSFS/devices path to the last PCI function on it: the xHCI
 *          or EHCI controller of a USB stick (through its hubs), the NVMe
 *          function, the SAS/SATA HBA behind its bridges and switches,
 *          the virtio function;
 *   management NIC: the interfaces of the default routes in
 *          PROC/net/route, through bonds, bridges and VLANs (their
 *          "lower_*" links in SYSFS/class/net) down to PCI functions.
 * What cannot be followed (a root on overlayfs or tmpfs, a disk on no
 * PCI function, a missing file) becomes a note, not an error.  Fails only
 * when out of memory.
 */
VIFS_EXTERN int vifs_roles_scan_linux(vifs_roles *r, const char *sysfs,
    const char *proc);

/*
 * Adds the management NICs of an ESXi esx.conf: the management vmkernel
 * interface (/adv/Net/ManagementIface, else the /net/vmkernelnic child
 * whose portgroup is "Management Network"), the uplinks of its portgroup
 * (teamPolicy/uplinks[N]/pnic of the portgroup, else of its vSwitch, else
 * the vSwitch's uplinks[N]/pnic) and, for each vmnic, the device whose
 * /device/ADDR/vmkname names it.  Learned "esxconf"; what is missing
 * becomes a note.
 */
VIFS_EXTERN int vifs_roles_from_esxconf(vifs_roles *r, const vifs_esxconf *doc);

/*
 * Reads TEXT as a device the user names for a role: a PCI address in any
 * notation; a vmkname ("vmhba32", "vmnic0") looked up in DOC's
 * /device/ADDR/vmkname lines; or an ESXi disk or partition name that
 * holds its adapter ("mpx.vmhba32:C0:T0:L0:5", "vmhba1:C0:T0:L0"), as
 * `vmkfstools -P /bootbank` and `esxcli system coredump partition get`
 * print them.  Fills *out; *how gets a new string that says how the text
 * was read (caller frees).  Fails with VIFS_EPARSE, VIFS_EAMBIGUOUS or
 * VIFS_ENOTFOUND (a vmkname DOC does not hold, or no DOC) and a message.
 */
VIFS_EXTERN int vifs_roles_resolve(struct vifs_pciaddr *out, char **how,
    const vifs_esxconf *doc, const char *text);

/* "boot-controller", "management-nic", "coredump-controller"; static. */
VIFS_EXTERN const char *vifs_role_name(enum vifs_role role);
/* The role of a name above; -1 when none. */
VIFS_EXTERN int vifs_role_parse(enum vifs_role *out, const char *name);
/* What giving a device of ROLE to passthru does, one clause; static. */
VIFS_EXTERN const char *vifs_role_consequence(enum vifs_role role);
/* "the boot device", "the management network", "the coredump device". */
VIFS_EXTERN const char *vifs_role_carries(enum vifs_role role);

#endif
