/*
 * esxhost_gen.c - a realistic ESXi host for the tests: its esx.conf (a few
 * thousand lines of the key families real files have, DOMAIN.md §1.1) and
 * the vifs-agent inventory of its PCI devices, which agree with each
 * other.
 *
 * Usage: esxhost_gen [--host NAME] [--seed N] ESXCONF INVENTORY
 *
 * The server: two sockets of a Xeon Scalable board.  On the chipset: SATA
 * (vmhba0), sSATA with the SATADOM the host boots from (vmhba1), xHCI
 * (vmhba32, a USB stick), the BMC's PCIe-to-PCI bridge and its VGA (the
 * console), and the usual multi-function slots.  Behind root ports: a
 * four-port I350 (vmnic0-3, vmnic0 the management uplink), a MegaRAID
 * (vmhba2, the datastore), a PCIe switch with a GPU (four functions, free
 * for passthru) on one downstream port and an NVMe drive (vmhba3) on the
 * other, an X710 (vmnic4-5), a ConnectX-4 Lx (vmnic6-7), an NVMe drive
 * (vmhba4) and one NVMe drive already given to a VM.  The same SEED gives
 * the same bytes.  Lines are in byte order of key, as ESXi writes them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/inventory.h>
#include <vifs/pciaddr.h>

struct dev {
	uint8_t bus, slot, fn;
	uint16_t vendor, device;
	uint8_t base, sub, progif;
	int bridge; /* type-1 header */
	uint8_t secondary, subordinate;
	int mf; /* slot holds several functions */
	enum vifs_pcie_type pcie;
	const char *vmkname; /* NULL: none */
	const char *owner; /* NULL: no owner line */
	const char *vendor_name, *device_name;
};

#define INTEL "Intel Corporation"

static const struct dev devs[] = {
	{ 0x00, 0x00, 0, 0x8086, 0x2020, 0x06, 0x00, 0, 0, 0, 0, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E DMI3 Registers" },
	{ 0x00, 0x04, 0, 0x8086, 0x2021, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, "vmkernel", INTEL,
	    "Sky Lake-E CBDMA Registers" },
	{ 0x00, 0x04, 1, 0x8086, 0x2021, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, "vmkernel", INTEL,
	    "Sky Lake-E CBDMA Registers" },
	{ 0x00, 0x04, 2, 0x8086, 0x2021, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, "vmkernel", INTEL,
	    "Sky Lake-E CBDMA Registers" },
	{ 0x00, 0x04, 3, 0x8086, 0x2021, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, "vmkernel", INTEL,
	    "Sky Lake-E CBDMA Registers" },
	{ 0x00, 0x05, 0, 0x8086, 0x2024, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, NULL, INTEL,
	    "Sky Lake-E MM/Vt-d Configuration Registers" },
	{ 0x00, 0x05, 2, 0x8086, 0x2025, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, NULL, INTEL, "Sky Lake-E RAS" },
	{ 0x00, 0x05, 4, 0x8086, 0x2026, 0x08, 0x00, 0x20, 0, 0, 0, 1,
	    VIFS_PCIE_RC_ENDPOINT, NULL, NULL, INTEL, "Sky Lake-E IOAPIC" },
	{ 0x00, 0x08, 0, 0x8086, 0x2014, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL, "Sky Lake-E Ubox Registers" },
	{ 0x00, 0x08, 1, 0x8086, 0x2015, 0x11, 0x01, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL, "Sky Lake-E Ubox Registers" },
	{ 0x00, 0x08, 2, 0x8086, 0x2016, 0x08, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL, "Sky Lake-E Ubox Registers" },
	{ 0x00, 0x11, 0, 0x8086, 0xa1ec, 0xff, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family MROM 0" },
	{ 0x00, 0x11, 5, 0x8086, 0xa1d2, 0x01, 0x06, 0x01, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, "vmhba1", "vmkernel", INTEL,
	    "C620 Series Chipset Family SSATA Controller [AHCI mode]" },
	{ 0x00, 0x14, 0, 0x8086, 0xa1af, 0x0c, 0x03, 0x30, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, "vmhba32", "vmkernel", INTEL,
	    "C620 Series Chipset Family USB 3.0 xHCI Controller" },
	{ 0x00, 0x14, 2, 0x8086, 0xa1b1, 0x11, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family Thermal Subsystem" },
	{ 0x00, 0x16, 0, 0x8086, 0xa1ba, 0x07, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family MEI Controller #1" },
	{ 0x00, 0x16, 1, 0x8086, 0xa1bb, 0x07, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family MEI Controller #2" },
	{ 0x00, 0x16, 4, 0x8086, 0xa1be, 0x07, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family MEI Controller #3" },
	{ 0x00, 0x17, 0, 0x8086, 0xa182, 0x01, 0x06, 0x01, 0, 0, 0, 0,
	    VIFS_PCIE_NONE, "vmhba0", "vmkernel", INTEL,
	    "C620 Series Chipset Family SATA Controller [AHCI mode]" },
	{ 0x00, 0x1c, 0, 0x8086, 0xa190, 0x06, 0x04, 0, 1, 0x01, 0x02, 1,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "C620 Series Chipset Family PCI Express Root Port #1" },
	{ 0x00, 0x1c, 5, 0x8086, 0xa195, 0x06, 0x04, 0, 1, 0x03, 0x03, 1,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "C620 Series Chipset Family PCI Express Root Port #6" },
	{ 0x00, 0x1f, 0, 0x8086, 0xa1c2, 0x06, 0x01, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C621 Series Chipset LPC/eSPI Controller" },
	{ 0x00, 0x1f, 2, 0x8086, 0xa1a1, 0x05, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family Power Management Controller" },
	{ 0x00, 0x1f, 4, 0x8086, 0xa1a3, 0x0c, 0x05, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family SMBus" },
	{ 0x00, 0x1f, 5, 0x8086, 0xa1a4, 0x0c, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_NONE, NULL, NULL, INTEL,
	    "C620 Series Chipset Family SPI Controller" },
	{ 0x01, 0x00, 0, 0x1a03, 0x1150, 0x06, 0x04, 0, 1, 0x02, 0x02, 0,
	    VIFS_PCIE_PCIE_TO_PCI, NULL, NULL, "ASPEED Technology, Inc.",
	    "AST1150 PCI-to-PCI Bridge" },
	{ 0x02, 0x00, 0, 0x1a03, 0x2000, 0x03, 0x00, 0, 0, 0, 0, 0,
	    VIFS_PCIE_NONE, NULL, NULL, "ASPEED Technology, Inc.",
	    "ASPEED Graphics Family" },
	{ 0x03, 0x00, 0, 0x8086, 0x1533, 0x02, 0x00, 0, 0, 0, 0, 0,
	    VIFS_PCIE_ENDPOINT, NULL, NULL, INTEL,
	    "I210 Gigabit Network Connection" },
	{ 0x17, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0x18, 0x18, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0x17, 0x02, 0, 0x8086, 0x2032, 0x06, 0x04, 0, 1, 0x19, 0x19, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port C" },
	{ 0x18, 0x00, 0, 0x8086, 0x1521, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic0", "vmkernel", INTEL,
	    "I350 Gigabit Network Connection" },
	{ 0x18, 0x00, 1, 0x8086, 0x1521, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic1", "vmkernel", INTEL,
	    "I350 Gigabit Network Connection" },
	{ 0x18, 0x00, 2, 0x8086, 0x1521, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic2", "vmkernel", INTEL,
	    "I350 Gigabit Network Connection" },
	{ 0x18, 0x00, 3, 0x8086, 0x1521, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic3", "vmkernel", INTEL,
	    "I350 Gigabit Network Connection" },
	{ 0x19, 0x00, 0, 0x1000, 0x005d, 0x01, 0x04, 0, 0, 0, 0, 0,
	    VIFS_PCIE_ENDPOINT, "vmhba2", "vmkernel", "Broadcom / LSI",
	    "MegaRAID SAS-3 3108 [Invader]" },
	{ 0x3a, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0x3b, 0x3e, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0x3b, 0x00, 0, 0x10b5, 0x8747, 0x06, 0x04, 0, 1, 0x3c, 0x3e, 0,
	    VIFS_PCIE_UPSTREAM_PORT, NULL, NULL, "PLX Technology, Inc.",
	    "PEX 8747 48-Lane, 5-Port PCI Express Gen 3 Switch" },
	{ 0x3c, 0x08, 0, 0x10b5, 0x8747, 0x06, 0x04, 0, 1, 0x3d, 0x3d, 0,
	    VIFS_PCIE_DOWNSTREAM_PORT, NULL, NULL, "PLX Technology, Inc.",
	    "PEX 8747 48-Lane, 5-Port PCI Express Gen 3 Switch" },
	{ 0x3c, 0x10, 0, 0x10b5, 0x8747, 0x06, 0x04, 0, 1, 0x3e, 0x3e, 0,
	    VIFS_PCIE_DOWNSTREAM_PORT, NULL, NULL, "PLX Technology, Inc.",
	    "PEX 8747 48-Lane, 5-Port PCI Express Gen 3 Switch" },
	{ 0x3d, 0x00, 0, 0x10de, 0x1e04, 0x03, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_LEGACY_ENDPOINT, NULL, "vmkernel", "NVIDIA Corporation",
	    "TU102 [GeForce RTX 2080 Ti]" },
	{ 0x3d, 0x00, 1, 0x10de, 0x10f7, 0x04, 0x03, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, NULL, "vmkernel", "NVIDIA Corporation",
	    "TU102 High Definition Audio Controller" },
	{ 0x3d, 0x00, 2, 0x10de, 0x1ad6, 0x0c, 0x03, 0x30, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, NULL, "vmkernel", "NVIDIA Corporation",
	    "TU102 USB 3.1 Host Controller" },
	{ 0x3d, 0x00, 3, 0x10de, 0x1ad7, 0x0c, 0x80, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, NULL, "vmkernel", "NVIDIA Corporation",
	    "TU102 USB Type-C UCSI Controller" },
	{ 0x3e, 0x00, 0, 0x144d, 0xa808, 0x01, 0x08, 0x02, 0, 0, 0, 0,
	    VIFS_PCIE_ENDPOINT, "vmhba3", "vmkernel",
	    "Samsung Electronics Co Ltd",
	    "NVMe SSD Controller SM981/PM981/PM983" },
	{ 0x5d, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0x5e, 0x5e, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0x5e, 0x00, 0, 0x8086, 0x1572, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic4", "vmkernel", INTEL,
	    "Ethernet Controller X710 for 10GbE SFP+" },
	{ 0x5e, 0x00, 1, 0x8086, 0x1572, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic5", "vmkernel", INTEL,
	    "Ethernet Controller X710 for 10GbE SFP+" },
	{ 0x85, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0x86, 0x86, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0x86, 0x00, 0, 0x15b3, 0x1015, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic6", "vmkernel", "Mellanox Technologies",
	    "MT27710 Family [ConnectX-4 Lx]" },
	{ 0x86, 0x00, 1, 0x15b3, 0x1015, 0x02, 0x00, 0, 0, 0, 0, 1,
	    VIFS_PCIE_ENDPOINT, "vmnic7", "vmkernel", "Mellanox Technologies",
	    "MT27710 Family [ConnectX-4 Lx]" },
	{ 0xae, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0xaf, 0xaf, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0xaf, 0x00, 0, 0x8086, 0x0a54, 0x01, 0x08, 0x02, 0, 0, 0, 0,
	    VIFS_PCIE_ENDPOINT, "vmhba4", "vmkernel", INTEL,
	    "NVMe Datacenter SSD [3DNAND, Beta Rock Controller]" },
	{ 0xd7, 0x00, 0, 0x8086, 0x2030, 0x06, 0x04, 0, 1, 0xd8, 0xd8, 0,
	    VIFS_PCIE_ROOT_PORT, NULL, NULL, INTEL,
	    "Sky Lake-E PCI Express Root Port A" },
	{ 0xd8, 0x00, 0, 0x8086, 0x0a54, 0x01, 0x08, 0x02, 0, 0, 0, 0,
	    VIFS_PCIE_ENDPOINT, NULL, "passthru", INTEL,
	    "NVMe Datacenter SSD [3DNAND, Beta Rock Controller]" },
};

#define NDEVS (sizeof(devs) / sizeof(devs[0]))

struct line {
	char *key;
	char *value;
};

static struct line *lines;
static size_t nlines, cap;
static uint64_t rng;

static void
die(const char *what)
{
	fprintf(stderr, "esxhost_gen: %s: %s\n", what, vifs_error_last());
	exit(1);
}

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

static void put(const char *value, const char *fmt, ...) VIFS_PRINTF(2, 3);

static void
put(const char *value, const char *fmt, ...)
{
	char key[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (nlines == cap) {
		cap = cap ? cap * 2 : 1024;
		if ((lines = realloc(lines, cap * sizeof(*lines))) == NULL)
			die("out of memory");
	}
	lines[nlines].key = xstrdup(key);
	lines[nlines++].value = xstrdup(value);
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->key,
	    ((const struct line *)b)->key);
}

static const char *
num(unsigned v)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%u", v);
	return buf;
}

/* Advanced options: real names of ESXi 6.x/7.x groups, then numbered ones
 * up to a realistic count. */
static void
gen_adv(const char *host)
{
	static const char *const named[][2] = {
		{ "/adv/Disk/MaxLUN", "1024" },
		{ "/adv/Disk/QFullSampleSize", "32" },
		{ "/adv/Disk/QFullThreshold", "8" },
		{ "/adv/Misc/BlueScreenTimeout", "0" },
		{ "/adv/Misc/HostIPAddr", "192.0.2.21" },
		{ "/adv/Misc/LogToSerial", "0" },
		{ "/adv/Net/FollowHardwareMac", "1" },
		{ "/adv/Net/ManagementAddr", "192.0.2.21" },
		{ "/adv/Net/ManagementIface", "vmk0" },
		{ "/adv/Net/TcpipHeapMax", "1536" },
		{ "/adv/NFS/MaxVolumes", "256" },
		{ "/adv/SunRPC/MaxConnPerIP", "128" },
		{ "/adv/UserVars/HostClientCEIPOptIn", "2" },
		{ "/adv/UserVars/SuppressShellWarning", "1" },
		{ "/adv/VMFS3/HardwareAcceleratedLocking", "1" },
	};
	static const char *const groups[] = { "BufferCache", "Cpu", "DataMover",
		"Disk", "FSS", "Irq", "LPage", "Mem", "Migrate", "Misc", "Net",
		"Nmp", "Numa", "Power", "RdmFilter", "Scsi", "Security",
		"SunRPC", "Syslog", "UserVars", "VMFS3", "VSAN" };
	size_t i, j;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		put(named[i][1], "%s", named[i][0]);
	put(host, "/adv/Misc/HostName");
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		for (j = 0; j < 24; j++)
			put(num(rnd() % 4096), "/adv/%s/Tunable%02zu",
			    groups[i], j);
}

static void
fmt_addr(char *buf, size_t size, const struct dev *d, enum vifs_pci_notation n)
{
	struct vifs_pciaddr a;

	memset(&a, 0, sizeof(a));
	a.bus = d->bus;
	a.dev = d->slot;
	a.func = d->fn;
	if (vifs_pciaddr_format(buf, size, &a, n) < 0)
		die("address");
}

static void
gen_devices(void)
{
	char addr[VIFS_PCIADDR_MAX];

	for (size_t i = 0; i < NDEVS; i++) {
		const struct dev *d = &devs[i];

		fmt_addr(addr, sizeof(addr), d, VIFS_PCI_ESXCONF);
		if (d->owner != NULL)
			put(d->owner, "/device/%s/owner", addr);
		if (d->vmkname != NULL)
			put(d->vmkname, "/device/%s/vmkname", addr);
		if (d->vmkname != NULL || d->owner != NULL) {
			char id[16];

			snprintf(id, sizeof(id), "%04x:%04x", d->vendor,
			    d->device);
			put(id, "/device/%s/id", addr);
		}
	}
}

static void
gen_vmkdevmgr(void)
{
	char alias[32];

	for (size_t i = 0; i < NDEVS; i++) {
		const struct dev *d = &devs[i];

		if (d->vmkname == NULL)
			continue;
		snprintf(alias, sizeof(alias), "%s", d->vmkname);
		put(alias, "/vmkdevmgr/pci/m%02x%02x%02x%02x/alias",
		    (unsigned)d->bus, (unsigned)d->slot, (unsigned)d->fn, 1u);
	}
}

static void
gen_net(void)
{
	static const char *const pgfields[] = { "name",
		"securityPolicy/allowPromiscuous", "securityPolicy/forgedTx",
		"securityPolicy/macChange", "shapingPolicy/enabled",
		"teamPolicy/failureCriteria/beacon",
		"teamPolicy/notifySwitches", "teamPolicy/rollingOrder",
		"teamPolicy/team", "teamPolicy/uplinks[0000]/pnic",
		"teamPolicy/uplinks[0001]/pnic", "vlanId" };
	char mac[32], v[64];
	size_t i, j, k;

	for (i = 0; i < 8; i++) {
		snprintf(mac, sizeof(mac), "3c:fd:fe:%02x:%02x:%02x",
		    rnd() & 255, rnd() & 255, (unsigned)i);
		put(mac, "/net/pnic/child[%04zu]/mac", i);
		put(i < 4 ? "1000" : "10000",
		    "/net/pnic/child[%04zu]/linkSpeed", i);
		put("full", "/net/pnic/child[%04zu]/duplex", i);
		put("1500", "/net/pnic/child[%04zu]/mtu", i);
		snprintf(v, sizeof(v), "vmnic%zu", i);
		put(v, "/net/pnic/child[%04zu]/name", i);
		put("false", "/net/pnic/child[%04zu]/wakeOnLan", i);
	}
	for (i = 0; i < 4; i++) {
		snprintf(v, sizeof(v), "vmk%zu", i);
		put(v, "/net/vmkernelnic/child[%04zu]/name", i);
		put("true", "/net/vmkernelnic/child[%04zu]/enable", i);
		snprintf(mac, sizeof(mac), "00:50:56:%02x:%02x:%02x",
		    rnd() & 255, rnd() & 255, (unsigned)i);
		put(mac, "/net/vmkernelnic/child[%04zu]/mac", i);
		put(i == 2 ? "9000" : "1500",
		    "/net/vmkernelnic/child[%04zu]/mtu", i);
		snprintf(v, sizeof(v), "192.0.2.%zu", 21 + i * 50);
		put(v, "/net/vmkernelnic/child[%04zu]/ipv4address", i);
		put("255.255.255.0",
		    "/net/vmkernelnic/child[%04zu]/ipv4netmask", i);
		put(i == 0 ? "Management Network" : "vmk services",
		    "/net/vmkernelnic/child[%04zu]/portgroup", i);
		put(i == 1 ? "true" : "false",
		    "/net/vmkernelnic/child[%04zu]/tags/VMotion", i);
	}
	for (i = 0; i < 4; i++) {
		snprintf(v, sizeof(v), "vSwitch%zu", i);
		put(v, "/net/vswitch/child[%04zu]/name", i);
		put(i == 2 ? "9000" : "1500", "/net/vswitch/child[%04zu]/mtu",
		    i);
		put("128", "/net/vswitch/child[%04zu]/numPorts", i);
		for (k = 0; k < 2; k++) {
			snprintf(v, sizeof(v), "vmnic%zu", i * 2 + k);
			put(v, "/net/vswitch/child[%04zu]/uplinks[%04zu]/pnic",
			    i, k);
		}
		for (j = 0; j < 32; j++) {
			for (k = 0; k < sizeof(pgfields) / sizeof(pgfields[0]);
			     k++) {
				if (k == 0 && i == 0 && j == 0)
					snprintf(v, sizeof(v),
					    "Management Network");
				else if (k == 0)
					snprintf(v, sizeof(v), "VLAN %zu",
					    100 + i * 32 + j);
				else if (k < 6)
					snprintf(v, sizeof(v), "%s",
					    rnd() % 3 ? "false" : "true");
				else if (k < 8)
					snprintf(v, sizeof(v), "true");
				else if (k == 8)
					snprintf(v, sizeof(v), "lb_srcid");
				else if (k < 11)
					snprintf(v, sizeof(v), "vmnic%zu",
					    i * 2 + k - 9);
				else
					snprintf(v, sizeof(v), "%zu",
					    100 + i * 32 + j);
				put(v,
				    "/net/vswitch/child[%04zu]/portgroup/"
				    "child[%04zu]/%s",
				    i, j, pgfields[k]);
			}
		}
	}
}

static void
gen_rest(void)
{
	static const char *const services[] = { "CIMHttpServer",
		"CIMHttpsServer", "CIMSLP", "DHCPv6", "DVFilter", "DVSSync",
		"HBR", "NFC", "WOL", "activeDirectoryAll", "cmmds", "dhcp",
		"dns", "esxupdate", "faultTolerance", "ftpClient", "gdbserver",
		"httpClient", "iSCSI", "iofiltervp", "ipfam", "nfs41Client",
		"nfsClient", "ntpClient", "rabbitmqproxy", "rdt",
		"remoteSerialPort", "snmp", "sshClient", "sshServer", "syslog",
		"updateManager", "vMotion", "vSPC", "vSphereClient",
		"vpxHeartbeats", "vsanEncryption", "vsanhealth-multicasttest",
		"vsanvp", "vvold", "webAccess" };
	char v[64];
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		put(rnd() % 4 ? "true" : "false",
		    "/firewall/services/%s/enabled", services[i]);
		put("true", "/firewall/services/%s/allowedall", services[i]);
	}
	for (i = 0; i < 60; i++) {
		snprintf(v, sizeof(v), "pool%zu", i);
		put(v, "/resourceGroups/child[%04zu]/name", i);
		put(num(rnd() % 100), "/resourceGroups/child[%04zu]/cpu/min",
		    i);
		put("-1", "/resourceGroups/child[%04zu]/cpu/max", i);
		put("normal", "/resourceGroups/child[%04zu]/cpu/shares", i);
		put(num(rnd() % 4096), "/resourceGroups/child[%04zu]/mem/min",
		    i);
		put("-1", "/resourceGroups/child[%04zu]/mem/max", i);
		put("normal", "/resourceGroups/child[%04zu]/mem/shares", i);
	}
	put("5", "/resourceGroups/version");
	snprintf(v, sizeof(v), "%08x-%08x-%04x-%012llx", rnd(), rnd(),
	    rnd() & 0xffff, (unsigned long long)rnd() << 16);
	put(v, "/system/uuid");
	put("esx", "/system/bootCmdLine");
	put("Etc/UTC", "/system/timezone");
	put("true", "/vmkernel/hyperthreading");
	put("0x1", "/vmkernel/smallPageMode");
}

static void
add_inventory(vifs_inventory *inv)
{
	for (size_t i = 0; i < NDEVS; i++) {
		const struct dev *d = &devs[i];
		struct vifs_inv_device x;

		memset(&x, 0, sizeof(x));
		x.addr.bus = d->bus;
		x.addr.dev = d->slot;
		x.addr.func = d->fn;
		x.vendor = d->vendor;
		x.device = d->device;
		x.class_base = d->base;
		x.class_sub = d->sub;
		x.prog_if = d->progif;
		x.header_type = (uint8_t)(d->bridge ? 1 : 0);
		x.multifunction_bit = d->mf && d->fn == 0;
		x.vendor_name = d->vendor_name;
		x.device_name = d->device_name;
		x.iommu_group = -1;
		x.primary = d->bus;
		x.secondary = d->secondary;
		x.subordinate = d->subordinate;
		x.config_size = 4096;
		x.pcie_type = d->pcie;
		x.flr = d->pcie == VIFS_PCIE_ENDPOINT ? VIFS_FACT_YES :
		                                        VIFS_FACT_NO;
		x.af_flr = VIFS_FACT_NO;
		x.pm = VIFS_FACT_YES;
		x.no_soft_reset = VIFS_FACT_NO;
		x.acs = d->pcie == VIFS_PCIE_DOWNSTREAM_PORT ||
		        d->pcie == VIFS_PCIE_ROOT_PORT ?
		    VIFS_FACT_YES :
		    VIFS_FACT_NO;
		x.sriov = VIFS_FACT_NO;
		if (vifs_inventory_add(inv, &x) < 0)
			die("inventory");
	}
}

int
main(int argc, char **argv)
{
	const char *host = "esx-gen01.example.com", *conf_path, *inv_path;
	vifs_esxconf *doc = NULL;
	vifs_inventory *inv = NULL;
	struct vifs_inv_info info;
	char *text, *xml = NULL;
	size_t len = 0, xml_len = 0, i, off = 0;
	unsigned long long seed = 1;
	int a = 1, set_host = 0;

	while (a < argc && argv[a][0] == '-') {
		if (strcmp(argv[a], "--host") == 0 && a + 1 < argc) {
			host = argv[a + 1];
			set_host = 1;
			a += 2;
		} else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc) {
			seed = strtoull(argv[a + 1], NULL, 10);
			a += 2;
		} else {
			break;
		}
	}
	if (argc - a != 2) {
		fprintf(stderr,
		    "usage: esxhost_gen [--host NAME] [--seed N] "
		    "ESXCONF INVENTORY\n");
		return 2;
	}
	conf_path = argv[a];
	inv_path = argv[a + 1];
	rng = 0x9e3779b97f4a7c15ULL ^ (seed * 0x2545f4914f6cdd1dULL);
	if (rng == 0)
		rng = 1;

	gen_adv(host);
	gen_devices();
	gen_net();
	gen_rest();
	gen_vmkdevmgr();
	qsort(lines, nlines, sizeof(*lines), by_key);
	for (i = 0; i < nlines; i++)
		len += strlen(lines[i].key) + strlen(lines[i].value) + 7;
	if ((text = malloc(len + 1)) == NULL)
		die("out of memory");
	for (i = 0; i < nlines; i++) {
		off += (size_t)snprintf(text + off, len + 1 - off,
		    "%s = \"%s\"\n", lines[i].key, lines[i].value);
		free(lines[i].key);
		free(lines[i].value);
	}
	free(lines);
	if (vifs_file_write_atomic(conf_path, text, off, 0644) < 0)
		die(conf_path);

	if (vifs_esxconf_parse(&doc, conf_path, text, off) < 0 ||
	    vifs_inventory_new(&inv) < 0)
		die("parse");
	memset(&info, 0, sizeof(info));
	info.source = "sysfs";
	info.source_path = "/sys/bus/pci";
	info.host = set_host ? host : NULL;
	info.generator = "esxhost_gen";
	info.created = -1;
	if (vifs_inventory_set_info(inv, &info) < 0)
		die("inventory");
	add_inventory(inv);
	if (vifs_inventory_analyse(inv, doc, NULL, NULL) < 0 ||
	    vifs_inventory_write(&xml, &xml_len, inv) < 0)
		die("inventory");
	if (vifs_file_write_atomic(inv_path, xml, xml_len, 0644) < 0)
		die(inv_path);
	free(xml);
	free(text);
	vifs_inventory_free(inv);
	vifs_esxconf_free(doc);
	return 0;
}
