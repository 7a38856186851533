/*
 * test_roles.c - the boot controller and the management NIC found in sysfs
 * and proc trees the tests build (USB stick behind a hub on xHCI, EHCI
 * with UHCI companions, NVMe, SAS HBA behind a PCIe switch, virtio, LVM on
 * md, overlayfs root, a bond), the management uplinks of an esx.conf, the
 * names a user gives, and the passthru rules that refuse these devices,
 * their slots and the bridges above them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "testutil.h"

/* --- building trees -------------------------------------------------- */

static void
mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", buf, strerror(errno));
}

/* ROOT/REL into P (PATH_MAX bytes); its directory into D when D is not
 * NULL. */
static void
path_at(char *p, char *d, const char *root, const char *rel)
{
	int n = snprintf(p, PATH_MAX, "%s/%s", root, rel);

	if (n < 0 || n >= PATH_MAX)
		fail_msg("path too long: %s/%s", root, rel);
	if (d != NULL) {
		memcpy(d, p, (size_t)n + 1);
		*strrchr(d, '/') = '\0';
	}
}

/* ROOT/REL as a directory. */
static void
dir_at(const char *root, const char *rel)
{
	char p[PATH_MAX];

	path_at(p, NULL, root, rel);
	mkdirs(p);
}

/* ROOT/REL holding TEXT. */
static void
file_at(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX], d[PATH_MAX];

	path_at(p, d, root, rel);
	mkdirs(d);
	write_file(p, text, strlen(text));
}

/* ROOT/LINK -> TARGET, relative to the link's directory as sysfs does. */
static void
link_at(const char *root, const char *link, const char *target)
{
	char p[PATH_MAX], d[PATH_MAX];

	path_at(p, d, root, link);
	mkdirs(d);
	assert_int_equal(symlink(target, p), 0);
}

/* A block device: sys/devices/PATH dir and sys/dev/block/MAJMIN link. */
static void
block(const char *root, const char *path, const char *majmin)
{
	char rel[PATH_MAX], link[128], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/devices/%s", path);
	dir_at(root, rel);
	snprintf(link, sizeof(link), "sys/dev/block/%s", majmin);
	snprintf(target, sizeof(target), "../../devices/%s", path);
	link_at(root, link, target);
	snprintf(rel, sizeof(rel), "sys/devices/%s/dev", path);
	file_at(root, rel, majmin);
}

/* A partition NAME of the disk at PATH. */
static void
partition(const char *root, const char *path, const char *name,
    const char *majmin)
{
	char p[PATH_MAX / 2], rel[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", path, name);
	block(root, p, majmin);
	snprintf(rel, sizeof(rel), "sys/devices/%s/partition", p);
	file_at(root, rel, "1\n");
}

/* proc/self/mountinfo with one mount per line of MOUNTS ("point majmin
 * fstype source"). */
static void
mounts(const char *root, const char *const *m, size_t n)
{
	char buf[4096] = "", line[512];

	for (size_t i = 0; i < n; i++) {
		char point[128], mm[32], fs[32], src[128];

		assert_int_equal(sscanf(m[i], "%127s %31s %31s %127s", point,
		                     mm, fs, src),
		    4);
		snprintf(line, sizeof(line),
		    "%zu 1 %s / %s rw,relatime shared:1 - %s %s rw\n", 20 + i,
		    mm, point, fs, src);
		strcat(buf, line);
	}
	file_at(root, "proc/self/mountinfo", buf);
}

static vifs_roles *
scan(const char *root)
{
	char sys[PATH_MAX], proc[PATH_MAX];
	vifs_roles *r = NULL;

	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	assert_int_equal(vifs_roles_new(&r), 0);
	assert_int_equal(vifs_roles_scan_linux(r, sys, proc), 0);
	return r;
}

/* The only device holding ROLE, in Linux notation. */
static const char *
only(const vifs_roles *r, enum vifs_role role)
{
	static char buf[VIFS_PCIADDR_MAX];
	const struct vifs_role_mark *hit = NULL;

	for (size_t i = 0; i < vifs_roles_count(r); i++) {
		const struct vifs_role_mark *m = vifs_roles_get(r, i);

		if (m->role != role)
			continue;
		if (hit != NULL)
			fail_msg("two devices hold %s", vifs_role_name(role));
		hit = m;
	}
	if (hit == NULL)
		return "";
	assert_string_equal(hit->learned, "sysfs");
	vifs_pciaddr_format(buf, sizeof(buf), &hit->device, VIFS_PCI_LINUX);
	return buf;
}

static const char *
how_of(const vifs_roles *r, enum vifs_role role)
{
	for (size_t i = 0; i < vifs_roles_count(r); i++)
		if (vifs_roles_get(r, i)->role == role)
			return vifs_roles_get(r, i)->how;
	return "";
}

/* --- boot controller ------------------------------------------------- */

static void
test_usb_stick_behind_hub_on_xhci(void **state)
{
	/* 0000:00:14.0 xHCI, root hub usb1, hub 1-1, stick 1-1.2. */
	static const char disk[] =
	    "pci0000:00/0000:00:14.0/usb1/1-1/1-1.2/1-1.2:1.0/host6/"
	    "target6:0:0/6:0:0:0/block/sdb";
	static const char *const m[] = { "/ 8:18 ext4 /dev/sdb2",
		"/boot/efi 8:17 vfat /dev/sdb1" };
	char *root = tmpdir_make();
	char path[PATH_MAX];
	vifs_roles *r;

	(void)state;
	block(root, disk, "8:16");
	partition(root, disk, "sdb1", "8:17");
	partition(root, disk, "sdb2", "8:18");
	mounts(root, m, 2);
	r = scan(root);
	assert_string_equal(only(r, VIFS_ROLE_BOOT), "0000:00:14.0");
	assert_non_null(strstr(how_of(r, VIFS_ROLE_BOOT),
	    "sdb2 is a partition of sdb; sdb is a USB device behind 1 hub on "
	    "PCI 0000:00:14.0"));
	/* No route file: the management NIC is a note, not an error. */
	assert_int_equal(vifs_roles_of(r,
	                     &(struct vifs_pciaddr){ 0, 0, 0x14, 0 }),
	    VIFS_ROLE_BOOT);
	assert_true(vifs_roles_note_count(r) >= 1);
	snprintf(path, sizeof(path), "%s", root);
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_ehci_with_uhci_companions(void **state)
{
	/* A stick on EHCI 00:1d.7; UHCI companions 00:1d.0-2 exist too. */
	static const char disk[] = "pci0000:00/0000:00:1d.7/usb2/2-3/2-3:1.0/"
	                           "host2/target2:0:0/2:0:0:0/block/sda";
	static const char *const m[] = { "/bootbank 8:1 vfat /dev/sda1" };
	char *root = tmpdir_make();
	vifs_roles *r;

	(void)state;
	dir_at(root, "sys/devices/pci0000:00/0000:00:1d.0/usb3");
	dir_at(root, "sys/devices/pci0000:00/0000:00:1d.1/usb4");
	block(root, disk, "8:0");
	partition(root, disk, "sda1", "8:1");
	mounts(root, m, 1);
	r = scan(root);
	assert_string_equal(only(r, VIFS_ROLE_BOOT), "0000:00:1d.7");
	assert_non_null(strstr(how_of(r, VIFS_ROLE_BOOT),
	    "/bootbank is vfat on /dev/sda1"));
	assert_non_null(strstr(how_of(r, VIFS_ROLE_BOOT), "a USB device on"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_nvme(void **state)
{
	static const char disk[] =
	    "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1";
	static const char *const m[] = { "/ 259:2 xfs /dev/nvme0n1p2",
		"/boot 259:1 ext4 /dev/nvme0n1p1" };
	char *root = tmpdir_make();
	vifs_roles *r;

	(void)state;
	block(root, disk, "259:0");
	partition(root, disk, "nvme0n1p1", "259:1");
	partition(root, disk, "nvme0n1p2", "259:2");
	mounts(root, m, 2);
	r = scan(root);
	assert_string_equal(only(r, VIFS_ROLE_BOOT), "0000:3d:00.0");
	assert_non_null(strstr(how_of(r, VIFS_ROLE_BOOT), "NVMe disk"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_sas_behind_switch(void **state)
{
	/* Root port 00:01.0, switch upstream 01:00.0, downstream 02:08.0,
	 * HBA 05:00.0. */
	static const char disk[] =
	    "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:08.0/0000:05:00.0/"
	    "host0/port-0:0/end_device-0:0/target0:0:0/0:0:0:0/block/sda";
	static const char *const m[] = { "/ 8:2 ext4 /dev/sda2" };
	char *root = tmpdir_make();
	vifs_roles *r;

	(void)state;
	block(root, disk, "8:0");
	partition(root, disk, "sda2", "8:2");
	mounts(root, m, 1);
	r = scan(root);
	assert_string_equal(only(r, VIFS_ROLE_BOOT), "0000:05:00.0");
	assert_non_null(strstr(how_of(r, VIFS_ROLE_BOOT), "SAS disk"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_virtio_and_default_route(void **state)
{
	static const char *const m[] = { "/ 254:0 ext4 /dev/vda" };
	char *root = tmpdir_make();
	vifs_roles *r;

	(void)state;
	block(root, "pci0000:00/0000:00:02.0/virtio1/block/vda", "254:0");
	mounts(root, m, 1);
	dir_at(root, "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
	link_at(root, "sys/class/net/eth0",
	    "../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
	file_at(root, "proc/net/route",
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
	    "Mask\t\tMTU\tWindow\tIRTT\n"
	    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
	r = scan(root);
	assert_string_equal(only(r, VIFS_ROLE_BOOT), "0000:00:02.0");
	assert_string_equal(only(r, VIFS_ROLE_MGMT_NIC), "0000:00:03.0");
	assert_non_null(strstr(how_of(r, VIFS_ROLE_MGMT_NIC),
	    "the IPv4 default route is on eth0; eth0 is on PCI 0000:00:03.0"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_lvm_on_md(void **state)
{
	/* / on dm-0 (LVM) on md0 (RAID1) on sda1 (AHCI 00:17.0) and sdb1
	 * (SAS HBA 03:00.0). */
	static const char sda[] = "pci0000:00/0000:00:17.0/ata1/host0/"
	                          "target0:0:0/0:0:0:0/block/sda";
	static const char sdb[] = "pci0000:00/0000:00:1c.0/0000:03:00.0/host1/"
	                          "target1:0:0/1:0:0:0/block/sdb";
	static const char *const m[] = { "/ 254:0 ext4 /dev/mapper/vg-root" };
	char *root = tmpdir_make();
	vifs_roles *r;
	struct vifs_pciaddr ahci = { 0, 0, 0x17, 0 }, hba = { 0, 3, 0, 0 };

	(void)state;
	block(root, sda, "8:0");
	partition(root, sda, "sda1", "8:1");
	block(root, sdb, "8:16");
	partition(root, sdb, "sdb1", "8:17");
	block(root, "virtual/block/md0", "9:0");
	dir_at(root, "sys/devices/virtual/block/md0/md");
	link_at(root, "sys/devices/virtual/block/md0/slaves/sda1",
	    "../../../../pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/"
	    "0:0:0:0/block/sda/sda1");
	link_at(root, "sys/devices/virtual/block/md0/slaves/sdb1",
	    "../../../../pci0000:00/0000:00:1c.0/0000:03:00.0/host1/"
	    "target1:0:0/1:0:0:0/block/sdb/sdb1");
	block(root, "virtual/block/dm-0", "254:0");
	file_at(root, "sys/devices/virtual/block/dm-0/dm/name", "vg-root\n");
	link_at(root, "sys/devices/virtual/block/dm-0/slaves/md0", "../../md0");
	mounts(root, m, 1);
	r = scan(root);
	assert_int_equal(vifs_roles_count(r), 2);
	assert_int_equal(vifs_roles_of(r, &ahci), VIFS_ROLE_BOOT);
	assert_int_equal(vifs_roles_of(r, &hba), VIFS_ROLE_BOOT);
	assert_non_null(strstr(vifs_roles_get(r, 0)->how,
	    "dm-0 is device-mapper on md0; md0 is md on sd"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_overlay_root_is_told(void **state)
{
	static const char *const m[] = { "/ 0:52 overlay overlay" };
	char *root = tmpdir_make();
	vifs_roles *r;
	int told = 0;

	(void)state;
	dir_at(root, "sys/dev/block");
	mounts(root, m, 1);
	r = scan(root);
	assert_int_equal(vifs_roles_count(r), 0);
	for (size_t i = 0; i < vifs_roles_note_count(r); i++) {
		const struct vifs_role_note *n = vifs_roles_note_get(r, i);

		if (n->role == VIFS_ROLE_BOOT &&
		    strstr(n->text, "/ is overlay on overlay") != NULL &&
		    strstr(n->text, "no block device") != NULL)
			told = 1;
	}
	assert_true(told);
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_bond_to_its_slaves(void **state)
{
	char *root = tmpdir_make();
	vifs_roles *r;
	struct vifs_pciaddr p0 = { 0, 0x18, 0, 0 }, p1 = { 0, 0x18, 0, 1 };

	(void)state;
	dir_at(root,
	    "sys/devices/pci0000:00/0000:00:03.0/0000:18:00.0/net/"
	    "eno1");
	dir_at(root,
	    "sys/devices/pci0000:00/0000:00:03.0/0000:18:00.1/net/"
	    "eno2");
	link_at(root, "sys/class/net/eno1",
	    "../../devices/pci0000:00/0000:00:03.0/0000:18:00.0/net/eno1");
	link_at(root, "sys/class/net/eno2",
	    "../../devices/pci0000:00/0000:00:03.0/0000:18:00.1/net/eno2");
	dir_at(root, "sys/devices/virtual/net/bond0");
	link_at(root, "sys/class/net/bond0", "../../devices/virtual/net/bond0");
	link_at(root, "sys/devices/virtual/net/bond0/lower_eno1",
	    "../../../pci0000:00/0000:00:03.0/0000:18:00.0/net/eno1");
	link_at(root, "sys/devices/virtual/net/bond0/lower_eno2",
	    "../../../pci0000:00/0000:00:03.0/0000:18:00.1/net/eno2");
	file_at(root, "proc/net/ipv6_route",
	    "00000000000000000000000000000000 00 "
	    "00000000000000000000000000000000 00 "
	    "fe800000000000000000000000000001 00000400 00000001 00000000 "
	    "00000003    bond0\n");
	r = scan(root);
	assert_int_equal(vifs_roles_of(r, &p0), VIFS_ROLE_MGMT_NIC);
	assert_int_equal(vifs_roles_of(r, &p1), VIFS_ROLE_MGMT_NIC);
	assert_non_null(strstr(how_of(r, VIFS_ROLE_MGMT_NIC),
	    "the IPv6 default route is on bond0; bond0 is on eno"));
	vifs_roles_free(r);
	tmpdir_remove(root);
}

static void
test_missing_proc_is_a_note(void **state)
{
	vifs_roles *r = NULL;

	(void)state;
	assert_int_equal(vifs_roles_new(&r), 0);
	assert_int_equal(vifs_roles_scan_linux(r, "/nonexistent/sys",
	                     "/nonexistent/proc"),
	    0);
	assert_int_equal(vifs_roles_count(r), 0);
	assert_true(vifs_roles_note_count(r) >= 2);
	vifs_roles_free(r);
}

/* --- esx.conf and names ---------------------------------------------- */

static vifs_esxconf *
doc_of(const char *text)
{
	vifs_esxconf *doc = NULL;

	assert_int_equal(vifs_esxconf_parse(&doc, "esx.conf", text,
	                     strlen(text)),
	    0);
	return doc;
}

static void
test_esxconf_management_uplinks(void **state)
{
	vifs_esxconf *doc = doc_of(
	    "/adv/Net/ManagementIface = \"vmk0\"\n"
	    "/device/006:00.0/vmkname = \"vmnic0\"\n"
	    "/device/007:00.0/vmkname = \"vmnic1\"\n"
	    "/device/008:03.0/vmkname = \"vmnic2\"\n"
	    "/net/vmkernelnic/child[0000]/name = \"vmk0\"\n"
	    "/net/vmkernelnic/child[0000]/portgroup = \"Management "
	    "Network\"\n"
	    "/net/vswitch/child[0000]/name = \"vSwitch0\"\n"
	    "/net/vswitch/child[0000]/portgroup/child[0000]/name = \"VM "
	    "Network\"\n"
	    "/net/vswitch/child[0000]/portgroup/child[0001]/name = "
	    "\"Management Network\"\n"
	    "/net/vswitch/child[0000]/teamPolicy/uplinks[0000]/pnic = "
	    "\"vmnic0\"\n"
	    "/net/vswitch/child[0000]/teamPolicy/uplinks[0001]/pnic = "
	    "\"vmnic1\"\n"
	    "/net/vswitch/child[0001]/uplinks[0000]/pnic = \"vmnic2\"\n");
	vifs_roles *r = NULL;
	struct vifs_pciaddr n0 = { 0, 6, 0, 0 }, n1 = { 0, 7, 0, 0 },
	                    n2 = { 0, 8, 3, 0 };

	(void)state;
	assert_int_equal(vifs_roles_new(&r), 0);
	assert_int_equal(vifs_roles_from_esxconf(r, doc), 0);
	assert_int_equal(vifs_roles_of(r, &n0), VIFS_ROLE_MGMT_NIC);
	assert_int_equal(vifs_roles_of(r, &n1), VIFS_ROLE_MGMT_NIC);
	assert_int_equal(vifs_roles_of(r, &n2), 0);
	assert_string_equal(vifs_roles_get(r, 0)->learned, "esxconf");
	assert_non_null(strstr(vifs_roles_get(r, 0)->how,
	    "vmk0 carries portgroup 'Management Network' of esx.conf; uplink "
	    "vmnic0; vmnic0 is /device/006:00.0 (esx.conf:2)"));
	vifs_roles_free(r);
	vifs_esxconf_free(doc);
}

static void
test_resolve_names(void **state)
{
	vifs_esxconf *doc = doc_of("/device/000:31.2/vmkname = \"vmhba0\"\n"
	                           "/device/000:29.7/vmkname = \"vmhba32\"\n");
	struct vifs_pciaddr a;
	char *how = NULL;

	(void)state;
	assert_int_equal(vifs_roles_resolve(&a, &how, doc,
	                     "mpx.vmhba32:C0:T0:L0:5"),
	    0);
	assert_int_equal(a.bus, 0);
	assert_int_equal(a.dev, 0x1d);
	assert_int_equal(a.func, 7);
	assert_non_null(strstr(how, "is on adapter vmhba32"));
	free(how);
	assert_int_equal(vifs_roles_resolve(&a, &how, doc, "0000:00:1f.2"), 0);
	assert_int_equal(a.dev, 0x1f);
	free(how);
	assert_int_equal(vifs_roles_resolve(&a, &how, doc, "vmhba9"),
	    VIFS_ENOTFOUND);
	assert_null(how);
	assert_int_equal(vifs_roles_resolve(&a, &how, NULL, "vmnic0"),
	    VIFS_ENOTFOUND);
	assert_int_equal(vifs_roles_resolve(&a, &how, doc, "not-an-address"),
	    VIFS_EPARSE);
	vifs_esxconf_free(doc);
}

/* --- passthru rules -------------------------------------------------- */

/* The sample 1 host, USB-booted from a stick on EHCI 00:1d.7, as a
 * topology (tests/fixtures/pci/README.md). */
static vifs_pci_topology *
usb_booted_topology(void)
{
	static const struct {
		unsigned bus, dev, fn, bridge, sec, sub;
		const char *name;
	} devs[] = {
		{ 0, 0x1c, 0, 1, 1, 2, "ICH9 PCI Express Port 1" },
		{ 0, 0x1d, 0, 0, 0, 0, "ICH9 UHCI #1" },
		{ 0, 0x1d, 1, 0, 0, 0, "ICH9 UHCI #2" },
		{ 0, 0x1d, 2, 0, 0, 0, "ICH9 UHCI #3" },
		{ 0, 0x1d, 7, 0, 0, 0, "ICH9 EHCI #1" },
		{ 0, 0x1b, 0, 0, 0, 0, "ICH9 HD Audio" },
		{ 1, 0, 0, 1, 2, 2, "XIO2000A PCIe-to-PCI bridge" },
		{ 2, 0, 2, 0, 0, 0, "NEC USB 2.0" },
	};
	vifs_pci_topology *t = NULL;

	assert_int_equal(vifs_pci_topology_new(&t), 0);
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		struct vifs_pci_topology_dev d;

		memset(&d, 0, sizeof(d));
		d.addr.bus = (uint8_t)devs[i].bus;
		d.addr.dev = (uint8_t)devs[i].dev;
		d.addr.func = (uint8_t)devs[i].fn;
		d.is_bridge = (int)devs[i].bridge;
		d.secondary = (uint8_t)devs[i].sec;
		d.subordinate = (uint8_t)devs[i].sub;
		snprintf(d.name, sizeof(d.name), "%s", devs[i].name);
		if (devs[i].dev == 0x1d && devs[i].fn == 7) {
			d.roles = VIFS_ROLE_BOOT;
			snprintf(d.role_how, sizeof(d.role_how),
			    "--boot-device 000:29.7");
		}
		if (devs[i].bus == 2) {
			d.roles = VIFS_ROLE_COREDUMP;
			snprintf(d.role_how, sizeof(d.role_how), "test");
		}
		assert_int_equal(vifs_pci_topology_add(t, &d), 0);
	}
	return t;
}

static int
refused_with(vifs_esxconf *doc, const vifs_pci_topology *t, const char *addr,
    const char *needle, unsigned flags)
{
	struct vifs_passthru_opts o;
	vifs_passthru_report *rep = NULL;
	int rc, hit = 0;

	memset(&o, 0, sizeof(o));
	o.topo = t;
	o.flags = flags;
	rc = vifs_passthru_enable(&rep, doc, addr, &o);
	for (size_t i = 0; i < vifs_passthru_report_refusals(rep); i++)
		hit |= strstr(vifs_passthru_report_refusal(rep, i), needle) !=
		    NULL;
	for (size_t i = 0; i < vifs_passthru_report_warnings(rep); i++)
		hit |= flags &&
		    strstr(vifs_passthru_report_warning(rep, i), needle) !=
		        NULL;
	vifs_passthru_report_free(rep);
	if (!hit)
		fail_msg("%s: no refusal with '%s'", addr, needle);
	return rc;
}

static void
test_passthru_refuses_boot_controller_slot_and_bridges(void **state)
{
	size_t len;
	char *text = fixture_read("pci/seed-sample2.esx.conf", &len);
	vifs_esxconf *doc = NULL;
	vifs_pci_topology *t = usb_booted_topology();
	char *before = NULL, *after = NULL;
	size_t blen, alen;

	(void)state;
	assert_int_equal(vifs_esxconf_parse(&doc, "esx.conf", text, len), 0);
	assert_int_equal(vifs_esxconf_serialize(&before, &blen, doc), 0);
	/* The EHCI itself. */
	assert_int_equal(refused_with(doc, t, "000:29.7",
	                     "000:29.7 (0000:00:1d.7, ICH9 EHCI #1) carries "
	                     "the boot device (--boot-device 000:29.7); given "
	                     "to passthru, the host keeps running from memory "
	                     "but can no longer save its configuration",
	                     0),
	    VIFS_EREFUSED);
	/* A UHCI companion: same slot. */
	assert_int_equal(refused_with(doc, t, "0000:00:1d.0",
	                     "000:29.0 shares its slot (the functions of a "
	                     "slot are reset and assigned together) with "
	                     "000:29.7 (0000:00:1d.7, ICH9 EHCI #1), which "
	                     "carries the boot device",
	                     0),
	    VIFS_EREFUSED);
	/* The whole slot at once is still refused for the EHCI. */
	{
		const char *all[] = { "000:29.0", "000:29.1", "000:29.2",
			"000:29.7" };
		struct vifs_passthru_opts o;
		vifs_passthru_report *rep = NULL;

		memset(&o, 0, sizeof(o));
		o.topo = t;
		assert_int_equal(vifs_passthru_enable_many(&rep, doc, all, 4,
		                     &o),
		    VIFS_EREFUSED);
		vifs_passthru_report_free(rep);
	}
	/* Bridges above the coredump controller on bus 2. */
	assert_int_equal(refused_with(doc, t, "0000:00:1c.0",
	                     "is a bridge with, behind it, 002:00.2 "
	                     "(0000:02:00.2, NEC USB 2.0), which carries the "
	                     "coredump device",
	                     0),
	    VIFS_EREFUSED);
	assert_int_equal(refused_with(doc, t, "0000:01:00.0",
	                     "carries the coredump device", 0),
	    VIFS_EREFUSED);
	assert_int_equal(vifs_esxconf_serialize(&after, &alen, doc), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	/* Forced: done, and the warning still says what it carries. */
	assert_int_equal(refused_with(doc, t, "000:29.7",
	                     "overridden by force: 000:29.7 (0000:00:1d.7, "
	                     "ICH9 EHCI #1) carries the boot device",
	                     VIFS_PASSTHRU_FORCE),
	    0);
	/* The audio device in its own slot is fine. */
	{
		struct vifs_passthru_opts o;
		vifs_passthru_report *rep = NULL;

		memset(&o, 0, sizeof(o));
		o.topo = t;
		assert_int_equal(vifs_passthru_enable(&rep, doc, "000:27.0",
		                     &o),
		    0);
		vifs_passthru_report_free(rep);
	}
	free(before);
	vifs_pci_topology_free(t);
	vifs_esxconf_free(doc);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usb_stick_behind_hub_on_xhci),
		cmocka_unit_test(test_ehci_with_uhci_companions),
		cmocka_unit_test(test_nvme),
		cmocka_unit_test(test_sas_behind_switch),
		cmocka_unit_test(test_virtio_and_default_route),
		cmocka_unit_test(test_lvm_on_md),
		cmocka_unit_test(test_overlay_root_is_told),
		cmocka_unit_test(test_bond_to_its_slaves),
		cmocka_unit_test(test_missing_proc_is_a_note),
		cmocka_unit_test(test_esxconf_management_uplinks),
		cmocka_unit_test(test_resolve_names),
		cmocka_unit_test(
		    test_passthru_refuses_boot_controller_slot_and_bridges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
