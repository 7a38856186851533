/*
 * test_inventory.c - the inventory model: analysis (parents, resets,
 * reset groups, esx.conf owners and findings), the XML writer against the
 * published schema, the reader (round trip and hostile documents) and
 * the topology handed to the passthru rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/inventory.h>
#include <vifs/passthru.h>

#include "testutil.h"

static struct vifs_inv_device
mkdev(unsigned seg, unsigned bus, unsigned dev, unsigned fn)
{
	struct vifs_inv_device d;

	memset(&d, 0, sizeof(d));
	d.addr.segment = (uint16_t)seg;
	d.addr.bus = (uint8_t)bus;
	d.addr.dev = (uint8_t)dev;
	d.addr.func = (uint8_t)fn;
	d.vendor = 0x8086;
	d.device = (uint16_t)(0x1000 + bus * 0x100 + dev * 8 + fn);
	d.class_base = 0x02;
	d.config_size = 256;
	d.pcie_type = VIFS_PCIE_NONE;
	d.flr = d.af_flr = d.pm = d.no_soft_reset = VIFS_FACT_NO;
	d.acs = d.sriov = VIFS_FACT_NO;
	d.iommu_group = -1;
	return d;
}

static void
mkbridge(struct vifs_inv_device *d, unsigned sec, unsigned sub)
{
	d->header_type = 1;
	d->class_base = 0x06;
	d->class_sub = 0x04;
	d->primary = d->addr.bus;
	d->secondary = (uint8_t)sec;
	d->subordinate = (uint8_t)sub;
}

static struct vifs_pciaddr
A(unsigned seg, unsigned bus, unsigned dev, unsigned fn) {
	struct vifs_pciaddr a = { (uint16_t)seg, (uint8_t)bus, (uint8_t)dev,
		(uint8_t)fn };

	return a;
}

static const struct vifs_inv_device *
get(const vifs_inventory *inv, unsigned seg, unsigned bus, unsigned dev,
    unsigned fn)
{
	struct vifs_pciaddr a = A(seg, bus, dev, fn);
	const struct vifs_inv_device *d = vifs_inventory_find(inv, &a);

	if (d == NULL)
		fail_msg("no device %04x:%02x:%02x.%u", seg, bus, dev, fn);
	return d;
}

/* Checks that D's reset group is exactly the N addresses given. */
static void
check_group(const struct vifs_inv_device *d, size_t n,
    const struct vifs_pciaddr *want)
{
	if (d->reset_group_len != n)
		fail_msg("%02x:%02x.%u: group of %zu, want %zu", d->addr.bus,
		    d->addr.dev, d->addr.func, d->reset_group_len, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(vifs_pciaddr_cmp(&d->reset_group[i], &want[i]),
		    0);
}

/* Returns the finding with RULE about device DEV (NULL: no device). */
static const struct vifs_inv_finding *
finding(const vifs_inventory *inv, const char *rule,
    const struct vifs_pciaddr *dev)
{
	for (size_t i = 0; i < vifs_inventory_finding_count(inv); i++) {
		const struct vifs_inv_finding *f = vifs_inventory_finding(inv,
		    i);

		if (strcmp(f->rule, rule) != 0)
			continue;
		if (dev == NULL && !f->has_device)
			return f;
		if (dev != NULL && f->has_device &&
		    vifs_pciaddr_cmp(&f->device, dev) == 0)
			return f;
	}
	return NULL;
}

static size_t
rule_count(const vifs_inventory *inv, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < vifs_inventory_finding_count(inv); i++)
		n += strcmp(vifs_inventory_finding(inv, i)->rule, rule) == 0;
	return n;
}

/*
 * A host with a root port (buses 1-2) holding a dual-function endpoint and
 * a PCIe-to-PCI bridge (bus 2), a multi-function slot on bus 0, and a
 * second segment with a switch port whose parent the source named.
 */
static vifs_inventory *
build_host(void)
{
	vifs_inventory *inv;
	struct vifs_inv_device d;

	assert_int_equal(vifs_inventory_new(&inv), 0);
	/* Added in no particular order: the analysis sorts. */
	d = mkdev(0, 2, 1, 0); /* facts unknown */
	d.config_size = 64;
	d.pcie_type = VIFS_PCIE_UNKNOWN;
	d.flr = d.af_flr = d.pm = d.no_soft_reset = VIFS_FACT_UNKNOWN;
	d.acs = d.sriov = VIFS_FACT_UNKNOWN;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 1, 0, 0); /* FLR, multi-function */
	d.pcie_type = VIFS_PCIE_ENDPOINT;
	d.flr = VIFS_FACT_YES;
	d.multifunction_bit = 1;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0, 0); /* host bridge */
	d.class_base = 0x06;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 1, 0); /* root port */
	mkbridge(&d, 1, 2);
	d.pcie_type = VIFS_PCIE_ROOT_PORT;
	d.pm = VIFS_FACT_YES;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 1, 0, 1); /* nothing: reset by link */
	d.pcie_type = VIFS_PCIE_ENDPOINT;
	d.pm = VIFS_FACT_YES;
	d.no_soft_reset = VIFS_FACT_YES;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 1, 1, 0); /* PCIe-to-PCI bridge */
	mkbridge(&d, 2, 2);
	d.pcie_type = VIFS_PCIE_PCIE_TO_PCI;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 2, 0, 0); /* conventional device */
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0x1f, 3);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0x1f, 0);
	d.pm = VIFS_FACT_YES;
	d.multifunction_bit = 1;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(1, 0, 3, 0); /* switch port without ACS */
	mkbridge(&d, 5, 5);
	d.pcie_type = VIFS_PCIE_DOWNSTREAM_PORT;
	d.config_size = 4096;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(1, 5, 0, 0);
	d.pcie_type = VIFS_PCIE_ENDPOINT;
	d.af_flr = VIFS_FACT_NO;
	d.parent_from = VIFS_INV_PARENT_SOURCE;
	d.parent = A(1, 0, 3, 0);
	d.driver = "e1000e";
	d.iommu_group = 7;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	return inv;
}

static void
test_add_checks(void **state)
{
	vifs_inventory *inv;
	struct vifs_inv_device d = mkdev(0, 0, 2, 0);

	(void)state;
	assert_int_equal(vifs_inventory_new(&inv), 0);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EEXISTS);
	assert_non_null(strstr(vifs_error_last(), "0000:00:02.0"));
	d = mkdev(0, 0, 32, 0);
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EINVAL);
	d = mkdev(0, 0, 3, 8);
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EINVAL);
	d = mkdev(0, 0, 3, 0);
	d.config_size = 128;
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EINVAL);
	d = mkdev(0, 0, 3, 0);
	d.flr = (enum vifs_fact)9;
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EINVAL);
	d = mkdev(0, 0, 3, 0);
	d.header_type = 0x81;
	assert_int_equal(vifs_inventory_add(inv, &d), VIFS_EINVAL);
	assert_int_equal(vifs_inventory_count(inv), 1);
	/* Lookups by address, also of devices that are not there. */
	assert_non_null(get(inv, 0, 0, 2, 0));
	d.addr = A(0, 0, 2, 1);
	assert_null(vifs_inventory_find(inv, &d.addr));
	assert_null(vifs_inventory_get(inv, 1));
	vifs_inventory_free(inv);
}

static void
test_parents_and_slots(void **state)
{
	vifs_inventory *inv = build_host();
	const struct vifs_inv_device *d;

	(void)state;
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);
	assert_int_equal(vifs_inventory_count(inv), 11);
	/* Address order after the analysis. */
	for (size_t i = 1; i < vifs_inventory_count(inv); i++)
		assert_true(
		    vifs_pciaddr_cmp(&vifs_inventory_get(inv, i - 1)->addr,
		        &vifs_inventory_get(inv, i)->addr) < 0);

	d = get(inv, 0, 0, 0, 0);
	assert_int_equal(d->parent_from, VIFS_INV_PARENT_NONE);
	d = get(inv, 0, 1, 0, 1);
	assert_int_equal(d->parent_from, VIFS_INV_PARENT_BUS_RANGE);
	assert_int_equal(vifs_pciaddr_cmp(&d->parent,
	                     &get(inv, 0, 0, 1, 0)->addr),
	    0);
	d = get(inv, 0, 2, 1, 0);
	assert_int_equal(d->parent_from, VIFS_INV_PARENT_BUS_RANGE);
	assert_int_equal(vifs_pciaddr_cmp(&d->parent,
	                     &get(inv, 0, 1, 1, 0)->addr),
	    0);
	d = get(inv, 1, 5, 0, 0);
	assert_int_equal(d->parent_from, VIFS_INV_PARENT_SOURCE);
	assert_string_equal(d->driver, "e1000e");
	assert_int_equal(d->iommu_group, 7);

	assert_true(get(inv, 0, 1, 0, 0)->multifunction);
	assert_true(get(inv, 0, 1, 0, 1)->multifunction);
	assert_false(get(inv, 0, 1, 0, 1)->multifunction_bit);
	assert_true(get(inv, 0, 0, 0x1f, 3)->multifunction);
	assert_false(get(inv, 0, 2, 0, 0)->multifunction);
	vifs_inventory_free(inv);
}

static void
test_resets_and_groups(void **state)
{
	vifs_inventory *inv = build_host();
	const struct vifs_inv_device *d;

	(void)state;
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);

	d = get(inv, 0, 0, 0, 0);
	assert_int_equal(d->reset, VIFS_INV_RESET_NONE);
	check_group(d, 0, NULL);

	d = get(inv, 0, 0, 1, 0); /* root port: its subtree */
	assert_int_equal(d->reset, VIFS_INV_RESET_D3D0);
	{
		const struct vifs_pciaddr want[] = { A(0, 1, 0, 0),
			A(0, 1, 0, 1), A(0, 1, 1, 0), A(0, 2, 0, 0),
			A(0, 2, 1, 0) };
		check_group(d, 5, want);
	}
	d = get(inv, 0, 1, 0, 0); /* FLR: its slot only */
	assert_int_equal(d->reset, VIFS_INV_RESET_FLR);
	{
		const struct vifs_pciaddr want[] = { A(0, 1, 0, 1) };
		check_group(d, 1, want);
	}
	d = get(inv, 0, 1, 0, 1); /* link: all below the port */
	assert_int_equal(d->reset, VIFS_INV_RESET_LINK);
	assert_int_equal(d->reset_caps, VIFS_INV_RESET_LINK);
	{
		const struct vifs_pciaddr want[] = { A(0, 1, 0, 0),
			A(0, 1, 1, 0), A(0, 2, 0, 0), A(0, 2, 1, 0) };
		check_group(d, 4, want);
	}
	d = get(inv, 0, 1, 1, 0);
	assert_int_equal(d->reset, VIFS_INV_RESET_LINK);
	{
		const struct vifs_pciaddr want[] = { A(0, 1, 0, 0),
			A(0, 1, 0, 1), A(0, 2, 0, 0), A(0, 2, 1, 0) };
		check_group(d, 4, want);
	}
	d = get(inv, 0, 2, 0, 0); /* secondary bus reset */
	assert_int_equal(d->reset, VIFS_INV_RESET_BRIDGE);
	{
		const struct vifs_pciaddr want[] = { A(0, 2, 1, 0) };
		check_group(d, 1, want);
	}
	d = get(inv, 0, 2, 1, 0);
	assert_int_equal(d->reset, VIFS_INV_RESET_UNKNOWN);
	assert_true(d->reset_worst_case);
	{
		const struct vifs_pciaddr want[] = { A(0, 2, 0, 0) };
		check_group(d, 1, want);
	}
	d = get(inv, 0, 0, 0x1f, 0);
	assert_int_equal(d->reset, VIFS_INV_RESET_D3D0);
	{
		const struct vifs_pciaddr want[] = { A(0, 0, 0x1f, 3) };
		check_group(d, 1, want);
	}
	d = get(inv, 0, 0, 0x1f, 3);
	assert_int_equal(d->reset, VIFS_INV_RESET_NONE);
	d = get(inv, 1, 0, 3, 0);
	{
		const struct vifs_pciaddr want[] = { A(1, 5, 0, 0) };
		check_group(d, 1, want);
	}
	d = get(inv, 1, 5, 0, 0); /* parent named by the source */
	assert_int_equal(d->reset, VIFS_INV_RESET_LINK);
	check_group(d, 0, NULL);

	/* Hardware findings. */
	{
		struct vifs_pciaddr port = A(1, 0, 3, 0);
		const struct vifs_inv_finding *f;

		f = finding(inv, "acs-missing", &port);
		assert_non_null(f);
		assert_int_equal(f->severity, VIFS_LINT_WARNING);
		assert_non_null(strstr(f->message, "0001:00:03.0"));
		f = finding(inv, "config-space-limited", NULL);
		assert_non_null(f);
		assert_non_null(strstr(f->message, "1 of 11 devices"));
		assert_int_equal(vifs_inventory_errors(inv), 0);
	}
	vifs_inventory_free(inv);
}

static void
test_passthru_map(void **state)
{
	static const char map_text[] =
	    "# overrides\n"
	    "8086  1100  bridge  false\n" /* 01:00.0: FLR capable */
	    "8086  1000  default true\n" /* 00:00.0 */
	    "8086  ffff  d3d0    default\n"; /* every other Intel */
	vifs_inventory *inv = build_host();
	vifs_passthru_map *map;
	const struct vifs_inv_device *d;

	(void)state;
	assert_int_equal(vifs_passthru_map_parse(&map, "passthru.map", map_text,
	                     strlen(map_text)),
	    0);
	assert_int_equal(vifs_inventory_analyse(inv, NULL, map, "pm"), 0);
	assert_string_equal(vifs_inventory_info(inv)->passthru_map, "pm");

	d = get(inv, 0, 1, 0, 0);
	assert_true(d->has_map_entry);
	assert_int_equal(d->map_reset, VIFS_RESET_BRIDGE);
	assert_int_equal(d->map_shareable, VIFS_SHARE_FALSE);
	assert_int_equal(d->map_line, 2);
	assert_int_equal(d->reset_caps, VIFS_INV_RESET_FLR);
	assert_int_equal(d->reset, VIFS_INV_RESET_BRIDGE);
	{
		/* A bridge reset takes everything below the root port. */
		const struct vifs_pciaddr want[] = { A(0, 1, 0, 1),
			A(0, 1, 1, 0), A(0, 2, 0, 0), A(0, 2, 1, 0) };
		check_group(d, 4, want);
	}
	d = get(inv, 0, 0, 0, 0); /* "default" keeps caps */
	assert_true(d->has_map_entry);
	assert_int_equal(d->map_reset, VIFS_RESET_DEFAULT);
	assert_int_equal(d->reset, VIFS_INV_RESET_NONE);
	d = get(inv, 0, 2, 1, 0); /* wildcard line */
	assert_int_equal(d->map_line, 4);
	assert_int_equal(d->reset, VIFS_INV_RESET_D3D0);
	assert_false(d->reset_worst_case);

	/* Analysing again without the map forgets it. */
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);
	d = get(inv, 0, 1, 0, 0);
	assert_false(d->has_map_entry);
	assert_int_equal(d->reset, VIFS_INV_RESET_FLR);
	assert_null(vifs_inventory_info(inv)->passthru_map);
	vifs_passthru_map_free(map);
	vifs_inventory_free(inv);
}

/* The esx.conf of the findings test; line numbers matter. */
static const char esx_text[] =
    "/device/000:30.0/owner = \"passthru\"\n" /* 1 */
    "/device/003:01.0/vmkname = \"vmnic1\"\n" /* 2 */
    "/device/000:31.2/owner = \"passthru\"\n" /* 3 */
    "/device/000:25.0/owner = \"passthru\"\n" /* 4 */
    "/device/000:25.0/vmkname = \"vmnic0\"\n" /* 5 */
    "/device/006:00.0/owner = \"vmkernel\"\n" /* 6 */
    "/device/003:00.0/owner = \"vmkernel\"\n" /* 7 */
    "/devcie/008:01.0/owner = \"vmkernel\"\n"; /* 8 */

static vifs_inventory *
build_esx_host(void)
{
	vifs_inventory *inv;
	struct vifs_inv_device d;

	assert_int_equal(vifs_inventory_new(&inv), 0);
	d = mkdev(0, 0, 0x1e, 0);
	mkbridge(&d, 3, 3);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 3, 0, 0);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 3, 1, 0);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0x1f, 0);
	d.multifunction_bit = 1;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0x1f, 2);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	d = mkdev(0, 0, 0x19, 0);
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	return inv;
}

static void
test_esxconf_findings(void **state)
{
	vifs_inventory *inv = build_esx_host();
	vifs_esxconf *doc;
	const struct vifs_inv_device *d;
	const struct vifs_inv_finding *f;
	struct vifs_pciaddr a;

	(void)state;
	assert_int_equal(vifs_esxconf_parse(&doc, "esx.conf", esx_text,
	                     strlen(esx_text)),
	    0);
	assert_int_equal(vifs_inventory_analyse(inv, doc, NULL, NULL), 0);
	assert_string_equal(vifs_inventory_info(inv)->esxconf, "esx.conf");

	d = get(inv, 0, 0, 0x1e, 0);
	assert_string_equal(d->esx_key, "000:30.0");
	assert_int_equal(d->owner, VIFS_OWNER_PASSTHRU);
	assert_int_equal(d->owner_line, 1);
	assert_int_equal(d->effective, VIFS_OWNER_PASSTHRU);
	d = get(inv, 0, 3, 0, 0);
	assert_int_equal(d->owner, VIFS_OWNER_VMKERNEL);
	assert_int_equal(d->effective, VIFS_OWNER_PASSTHRU);
	assert_true(d->via_bridge);
	a = A(0, 0, 0x1e, 0);
	assert_int_equal(vifs_pciaddr_cmp(&d->bridge, &a), 0);
	d = get(inv, 0, 3, 1, 0);
	assert_string_equal(d->vmkname, "vmnic1");
	assert_int_equal(d->vmkname_line, 2);
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_null(d->owner_text);
	d = get(inv, 0, 0, 0x1f, 0);
	assert_null(d->esx_key);
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_int_equal(d->effective, VIFS_OWNER_VMKERNEL);

	a = A(0, 0, 0x19, 0);
	f = finding(inv, "passthru-vmkname", &a);
	assert_non_null(f);
	assert_int_equal(f->severity, VIFS_LINT_ERROR);
	assert_int_equal(f->line, 5);
	assert_non_null(strstr(f->message, "vmnic0"));
	/* Not reported a second time by the lint rule of the same name. */
	assert_int_equal(rule_count(inv, "passthru-vmkname"), 1);

	a = A(0, 3, 1, 0);
	f = finding(inv, "bridge-covers-vmkname", &a);
	assert_non_null(f);
	assert_int_equal(f->severity, VIFS_LINT_ERROR);
	assert_int_equal(f->line, 2);
	assert_non_null(strstr(f->message, "0000:00:1e.0 (000:30.0)"));

	a = A(0, 0, 0x1f, 0);
	f = finding(inv, "split-multifunction", &a);
	assert_non_null(f);
	assert_int_equal(f->severity, VIFS_LINT_ERROR);
	assert_non_null(strstr(f->message, "0000:00:1f.2 (000:31.2) passthru"));
	assert_non_null(strstr(f->message, "0000:00:1f.0 (000:31.0) vmkernel"));

	a = A(0, 3, 0, 0);
	f = finding(inv, "owner-overridden", &a);
	assert_non_null(f);
	assert_int_equal(f->severity, VIFS_LINT_WARNING);
	assert_int_equal(f->line, 7);

	f = finding(inv, "device-not-present", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, VIFS_LINT_WARNING);
	assert_int_equal(f->line, 6);
	assert_non_null(strstr(f->message, "006:00.0"));
	assert_int_equal(rule_count(inv, "device-not-present"), 1);

	f = finding(inv, "unknown-component", NULL);
	assert_non_null(f);
	assert_int_equal(f->line, 8);
	assert_int_equal(vifs_inventory_errors(inv), 4);

	/* Device findings come first, by address. */
	f = vifs_inventory_finding(inv, 0);
	assert_string_equal(f->rule, "passthru-vmkname");
	vifs_esxconf_free(doc);
	vifs_inventory_free(inv);
}

static void
set_info(vifs_inventory *inv)
{
	struct vifs_inv_info info;

	memset(&info, 0, sizeof(info));
	info.source = "dump";
	info.source_path = "host & <lab>.lspci";
	info.generator = "test";
	info.created = 1700000000;
	assert_int_equal(vifs_inventory_set_info(inv, &info), 0);
}

static char *
write_xml(const vifs_inventory *inv, size_t *len)
{
	char *xml = NULL;

	assert_int_equal(vifs_inventory_write(&xml, len, inv), 0);
	assert_non_null(xml);
	assert_int_equal(strlen(xml), *len);
	return xml;
}

static void
validate(const char *xml, size_t len)
{
	xmlFreeDoc(xml_validate(xml, len, "inventory.xsd"));
}

static void
test_xml_schema_and_round_trip(void **state)
{
	vifs_inventory *inv = build_esx_host(), *back = NULL;
	vifs_passthru_map *map;
	vifs_esxconf *doc;
	char *xml, *xml2;
	size_t len, len2;
	const struct vifs_inv_device *d;
	static const char map_text[] = "8086 1308 link false\n";

	(void)state;
	/* Add the hardware case too, and a name with characters XML
	 * escapes. */
	{
		vifs_inventory *hw = build_host();

		for (size_t i = 0; i < vifs_inventory_count(hw); i++) {
			struct vifs_inv_device e = *vifs_inventory_get(hw, i);

			if (vifs_inventory_find(inv, &e.addr) != NULL)
				continue;
			e.vendor_name = "A & B <\"corp\">";
			e.device_name = "dev\xc3\xa9"; /* UTF-8 */
			e.sriov = VIFS_FACT_YES;
			e.sriov_total_vfs = 63;
			assert_int_equal(vifs_inventory_add(inv, &e), 0);
		}
		vifs_inventory_free(hw);
	}
	set_info(inv);
	assert_int_equal(vifs_esxconf_parse(&doc, "esx.conf", esx_text,
	                     strlen(esx_text)),
	    0);
	assert_int_equal(vifs_passthru_map_parse(&map, "passthru.map", map_text,
	                     strlen(map_text)),
	    0);
	assert_int_equal(vifs_inventory_analyse(inv, doc, map, "map"), 0);
	xml = write_xml(inv, &len);
	validate(xml, len);
	assert_non_null(strstr(xml, "created=\"2023-11-14T22:13:20Z\""));
	assert_non_null(strstr(xml, "path=\"host &amp; &lt;lab&gt;.lspci\""));
	assert_non_null(strstr(xml,
	    "<device address=\"0000:00:1e.0\" esxconf-address=\"000:30.0\">"));

	/* Same inventory, same bytes. */
	xml2 = write_xml(inv, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(xml, xml2, len);
	free(xml2);

	/* Read back: every field survives. */
	assert_int_equal(vifs_inventory_parse(&back, "inv.xml", xml, len), 0);
	xml2 = write_xml(back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(xml, xml2, len);
	assert_int_equal(vifs_inventory_count(back), vifs_inventory_count(inv));
	assert_int_equal(vifs_inventory_finding_count(back),
	    vifs_inventory_finding_count(inv));
	assert_int_equal(vifs_inventory_info(back)->created, 1700000000);
	assert_string_equal(vifs_inventory_info(back)->source_path,
	    "host & <lab>.lspci");
	d = get(back, 0, 3, 0, 0);
	assert_true(d->via_bridge);
	assert_int_equal(d->owner_line, 7);
	d = get(back, 0, 1, 0, 0);
	assert_string_equal(d->vendor_name, "A & B <\"corp\">");
	assert_string_equal(d->device_name, "dev\xc3\xa9");
	assert_int_equal(d->sriov_total_vfs, 63);
	assert_int_equal(d->reset_group_len, 1);
	d = get(back, 0, 3, 1, 0);
	assert_int_equal(d->map_line, 1);
	assert_int_equal(d->map_reset, VIFS_RESET_LINK);
	assert_int_equal(d->reset, VIFS_INV_RESET_LINK);
	d = get(back, 1, 5, 0, 0);
	assert_string_equal(d->driver, "e1000e");
	assert_int_equal(d->parent_from, VIFS_INV_PARENT_SOURCE);
	free(xml2);
	free(xml);
	vifs_inventory_free(back);
	vifs_passthru_map_free(map);
	vifs_esxconf_free(doc);
	vifs_inventory_free(inv);
}

static void
test_strings_cleaned(void **state)
{
	vifs_inventory *inv, *back;
	struct vifs_inv_device d = mkdev(0, 0, 1, 0);
	const struct vifs_inv_device *got;
	char *xml;
	size_t len;

	(void)state;
	assert_int_equal(vifs_inventory_new(&inv), 0);
	/* Control bytes, bad UTF-8 (lone continuation, overlong, surrogate,
	 * U+FFFE) all become '?'. */
	d.vendor_name = "a\x01"
	                "b\x7f"
	                "c\x80"
	                "d\xc0\xaf"
	                "e\xed\xa0\x80"
	                "f\xef\xbf\xbe"
	                "g\xe2\x82";
	d.driver = "drv\tx";
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	got = vifs_inventory_get(inv, 0);
	assert_string_equal(got->vendor_name, "a?b?c?d??e???f???g??");
	assert_string_equal(got->driver, "drv?x");
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);
	xml = write_xml(inv, &len);
	assert_int_equal(vifs_inventory_parse(&back, NULL, xml, len), 0);
	assert_string_equal(vifs_inventory_get(back, 0)->vendor_name,
	    "a?b?c?d??e???f???g??");
	free(xml);
	vifs_inventory_free(back);
	vifs_inventory_free(inv);
}

static void
test_info_checks(void **state)
{
	vifs_inventory *inv;
	struct vifs_inv_info info;

	(void)state;
	assert_int_equal(vifs_inventory_new(&inv), 0);
	memset(&info, 0, sizeof(info));
	info.source = "usb";
	info.created = -1;
	assert_int_equal(vifs_inventory_set_info(inv, &info), VIFS_EINVAL);
	info.source = "sysfs";
	info.created = 253402300800LL; /* year 10000 */
	assert_int_equal(vifs_inventory_set_info(inv, &info), VIFS_EINVAL);
	info.created = -1;
	info.host = "esx01";
	assert_int_equal(vifs_inventory_set_info(inv, &info), 0);
	assert_string_equal(vifs_inventory_info(inv)->host, "esx01");
	assert_int_equal(vifs_inventory_info(inv)->created, -1);
	vifs_inventory_free(inv);
}

static void
test_topology(void **state)
{
	vifs_inventory *inv = build_host();
	vifs_pci_topology *topo;
	const struct vifs_pci_topology_dev *t;
	struct vifs_pciaddr a;
	struct vifs_inv_device d = mkdev(0, 0, 2, 0);
	char longname[300];

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[88] = '\xc3'; /* a two-byte character across */
	longname[89] = '\xa9'; /* the limit of 96 bytes */
	d.vendor_name = "Intel";
	d.device_name = longname;
	assert_int_equal(vifs_inventory_add(inv, &d), 0);
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);
	assert_int_equal(vifs_inventory_topology(&topo, inv), 0);
	assert_int_equal(vifs_pci_topology_count(topo), 12);
	a = A(0, 0, 1, 0);
	assert_non_null(t = vifs_pci_topology_find(topo, &a));
	assert_true(t->is_bridge);
	assert_int_equal(t->secondary, 1);
	assert_int_equal(t->subordinate, 2);
	assert_false(t->has_parent);
	a = A(0, 2, 0, 0);
	assert_non_null(t = vifs_pci_topology_find(topo, &a));
	assert_false(t->is_bridge);
	assert_true(t->has_parent);
	a = A(0, 1, 1, 0);
	assert_int_equal(vifs_pciaddr_cmp(&t->parent, &a), 0);
	a = A(0, 0, 2, 0);
	assert_non_null(t = vifs_pci_topology_find(topo, &a));
	assert_int_equal(t->vendor, 0x8086);
	/* "Intel " + 88 x: the cut does not split the two-byte character
	 * that would straddle the end. */
	assert_int_equal(strlen(t->name), 94);
	assert_memory_equal(t->name, "Intel xxx", 9);
	vifs_pci_topology_free(topo);
	vifs_inventory_free(inv);
}

static void
test_open_file(void **state)
{
	vifs_inventory *inv = build_host(), *back = NULL;
	char *dir = tmpdir_make(), path[4096], *xml;
	size_t len;

	(void)state;
	set_info(inv);
	assert_int_equal(vifs_inventory_analyse(inv, NULL, NULL, NULL), 0);
	xml = write_xml(inv, &len);
	snprintf(path, sizeof(path), "%s/inventory.xml", dir);
	write_file(path, xml, len);
	assert_int_equal(vifs_inventory_open(&back, path), 0);
	assert_int_equal(vifs_inventory_count(back), 11);
	vifs_inventory_free(back);
	snprintf(path, sizeof(path), "%s/missing.xml", dir);
	assert_true(vifs_inventory_open(&back, path) < 0);
	assert_null(back);
	assert_non_null(strstr(vifs_error_last(), "missing.xml"));
	free(xml);
	tmpdir_remove(dir);
	vifs_inventory_free(inv);
}

struct hostile {
	const char *doc;
	const char *message; /* part of the error message */
};

#define HEAD "<inventory version=\"1\"><source kind=\"dump\"/>"
#define DEV_OPEN "<device address=\"0000:00:01.0\">"
#define DEV_BODY \
	"<id vendor=\"8086\" device=\"1234\" class=\"0200\" prog-if=\"00\" " \
	"revision=\"01\"/><name/>" \
	"<header type=\"0\" multifunction-bit=\"no\" multifunction=\"no\"/>" \
	"<capabilities config-bytes=\"256\" pcie=\"none\" flr=\"no\" " \
	"af-flr=\"no\" pm=\"no\" no-soft-reset=\"no\" acs=\"no\" " \
	"sriov=\"no\"/>"
#define RESET "<reset method=\"none\" capabilities=\"none\"/>"
#define TAIL "<findings count=\"0\"/></inventory>"
#define ONE(body) \
	HEAD "<devices count=\"1\">" DEV_OPEN body "</device></devices>" TAIL

static const struct hostile hostile[] = {
	{ "", "inv.xml:" },
	{ "not xml at all", "inv.xml:1:" },
	{ "<inventory version=\"1\">", "inv.xml:1:" },
	{ "<lshw/>", "not <inventory>" },
	{ "<inventory version=\"2\"/>", "version '2'" },
	{ "<inventory/>", "needs attribute 'version'" },
	{ "<!DOCTYPE inventory [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
	  "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><inventory "
	  "version=\"1\">&b;</inventory>",
	    "DTD" },
	{ "<!DOCTYPE inventory SYSTEM \"http://127.0.0.1:9/x.dtd\"><inventory "
	  "version=\"1\"/>",
	    "DTD" },
	{ "<inventory version=\"1\" xmlns=\"urn:x\"/>", "not <inventory>" },
	{ "<inventory version=\"1\" extra=\"1\"/>", "no attribute 'extra'" },
	{ "<inventory version=\"1\"/>", "must start with <source>" },
	{ "<inventory version=\"1\"><source kind=\"usb\"/></inventory>",
	    "source kind" },
	{ HEAD "</inventory>", "<devices> expected" },
	{ HEAD "<devices count=\"1\"/>" TAIL, "count says 1 but there are 0" },
	{ HEAD "<devices count=\"0\">text</devices>" TAIL,
	    "unexpected content" },
	{ HEAD "<devices count=\"0\"><disk/></devices>" TAIL,
	    "unexpected <disk>" },
	{ HEAD "<devices count=\"0\"/></inventory>", "<findings> expected" },
	{ HEAD "<devices count=\"0\"/>" TAIL "<x/>", "inv.xml:1:" },
	{ HEAD "<devices count=\"0\"/><findings count=\"0\"/><x/></inventory>",
	    "after <findings>" },
	{ HEAD "<devices count=\"01\"/>" TAIL, "not a number" },
	{ HEAD "<devices count=\"-1\"/>" TAIL, "not a number" },
	{ HEAD "<devices count=\"99999999999999999999999\"/>" TAIL,
	    "not a number" },
	{ ONE(DEV_BODY), "needs <reset>" },
	{ ONE(RESET DEV_BODY), "unexpected <id>" },
	{ ONE(DEV_BODY DEV_BODY RESET), "unexpected <id>" },
	{ HEAD "<devices count=\"1\"><device address=\"0000:00:20.0\">" DEV_BODY
	        RESET "</device></devices>" TAIL,
	    "no PCI address" },
	{ HEAD "<devices count=\"1\"><device address=\"0000:00:01.0\" "
	       "esxconf-address=\"000:02.0\">" DEV_BODY RESET
	       "</device></devices>" TAIL,
	    "esxconf-address" },
	{ HEAD "<devices count=\"2\">" DEV_OPEN DEV_BODY RESET
	       "</device>" DEV_OPEN DEV_BODY RESET "</device></devices>" TAIL,
	    "added twice" },
	{ ONE("<id vendor=\"80866\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/>"),
	    "not 4 hex digits" },
	{ ONE("<id vendor=\"ABCD\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/>"),
	    "not 4 hex digits" },
	{ ONE("<id device=\"1234\" class=\"0200\" prog-if=\"00\" "
	      "revision=\"01\"/>"),
	    "needs attribute 'vendor'" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" subvendor=\"8086\" "
	      "class=\"0200\" prog-if=\"00\" revision=\"01\"/>"),
	    "go together" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"><x/></id>"),
	    "unexpected <x>" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"200\" "
	      "multifunction-bit=\"no\" multifunction=\"no\"/>"),
	    "not a number from 0 to 127" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"maybe\" multifunction=\"no\"/>"),
	    "not yes or no" },
	{ ONE(DEV_BODY "<reset method=\"reboot\" capabilities=\"none\"/>"),
	    "no reset method" },
	{ ONE(DEV_BODY "<reset method=\"none\" capabilities=\"none\" "
	               "map-method=\"flr\"/>"),
	    "go together" },
	{ ONE(DEV_BODY "<reset method=\"none\" capabilities=\"none\"><with "
	               "address=\"0000:00:02.0\"/><with "
	               "address=\"0000:00:02.0\"/></reset>"),
	    "ascending" },
	{ ONE(DEV_BODY "<reset method=\"none\" capabilities=\"none\"><with "
	               "address=\"0000:00:01.0\"/></reset>"),
	    "ascending" },
	{ ONE(DEV_BODY RESET "<esx owner=\"none\" effective=\"none\"/>"),
	    "without <esxconf>" },
	{ ONE(DEV_BODY RESET
	      "<bridge primary=\"00\" secondary=\"01\" subordinate=\"01\"/>"),
	    "unexpected <bridge>" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" multifunction=\"no\"/><bridge "
	      "primary=\"00\" secondary=\"01\" "
	      "subordinate=\"01\"/><capabilities config-bytes=\"256\" "
	      "pcie=\"none\" flr=\"no\" af-flr=\"no\" pm=\"no\" "
	      "no-soft-reset=\"no\" acs=\"no\" sriov=\"no\"/>" RESET),
	    "header types 1 and 2" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" multifunction=\"no\"/><capabilities "
	      "config-bytes=\"128\" pcie=\"none\" flr=\"no\" af-flr=\"no\" "
	      "pm=\"no\" no-soft-reset=\"no\" acs=\"no\" sriov=\"no\"/>" RESET),
	    "64, 256 or 4096" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" multifunction=\"no\"/><capabilities "
	      "config-bytes=\"256\" pcie=\"none\" flr=\"perhaps\" "
	      "af-flr=\"no\" pm=\"no\" no-soft-reset=\"no\" acs=\"no\" "
	      "sriov=\"no\"/>" RESET),
	    "not yes, no or unknown" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" multifunction=\"no\"/><capabilities "
	      "config-bytes=\"256\" pcie=\"none\" flr=\"no\" af-flr=\"no\" "
	      "pm=\"no\" no-soft-reset=\"no\" acs=\"no\" sriov=\"no\" "
	      "sriov-total-vfs=\"4\"/>" RESET),
	    "sriov-total-vfs without sriov" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" "
	      "multifunction=\"no\"/><driver>e1000<b/></driver>"),
	    "may hold only text" },
	{ ONE("<id vendor=\"8086\" device=\"1234\" class=\"0200\" "
	      "prog-if=\"00\" revision=\"01\"/><name/><header type=\"0\" "
	      "multifunction-bit=\"no\" "
	      "multifunction=\"no\"/><iommu-group>x</iommu-group>"),
	    "iommu-group 'x'" },
	{ HEAD
	    "<devices count=\"0\"/><findings count=\"1\"><finding rule=\"r\" "
	    "severity=\"fatal\">m</finding></findings></inventory>",
	    "severity 'fatal'" },
	{ HEAD "<devices count=\"0\"/><findings count=\"1\"><finding rule=\"\" "
	       "severity=\"error\">m</finding></findings></inventory>",
	    "empty rule" },
	{ HEAD
	    "<devices count=\"0\"/><findings count=\"1\"><finding rule=\"r\" "
	    "severity=\"error\" line=\"0\">m</finding></findings></inventory>",
	    "line '0'" },
	{ "<inventory version=\"1\" created=\"2023-02-30T00:00:00Z\"><source "
	  "kind=\"dump\"/></inventory>",
	    "not a UTC time" },
	{ "<inventory version=\"1\" created=\"2023-01-01 00:00:00\"><source "
	  "kind=\"dump\"/></inventory>",
	    "not a UTC time" },
};

static void
test_xml_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		vifs_inventory *inv = (vifs_inventory *)&inv;
		const char *doc = hostile[i].doc;
		int rc = vifs_inventory_parse(&inv, "inv.xml", doc,
		    strlen(doc));

		if (rc != VIFS_EPARSE || inv != NULL ||
		    strstr(vifs_error_last(), hostile[i].message) == NULL)
			fail_msg("case %zu: rc %d, message '%s', want '%s'", i,
			    rc, vifs_error_last(), hostile[i].message);
	}
}

static void
test_xml_minimal_and_limits(void **state)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?>\n<!-- a comment -->\n"
	    "<inventory version=\"1\"><source kind=\"sysfs\"/><devices "
	    "count=\"0\"/><findings count=\"1\"><finding rule=\"r\" "
	    "severity=\"warning\">a &amp; "
	    "<![CDATA[b<c]]></finding></findings></inventory>";
	vifs_inventory *inv;

	(void)state;
	assert_int_equal(vifs_inventory_parse(&inv, NULL, doc, sizeof(doc) - 1),
	    0);
	assert_int_equal(vifs_inventory_count(inv), 0);
	assert_string_equal(vifs_inventory_finding(inv, 0)->message, "a & b<c");
	assert_int_equal(vifs_inventory_info(inv)->created, -1);
	vifs_inventory_free(inv);
	assert_int_equal(vifs_inventory_parse(&inv, NULL, doc,
	                     (size_t)300 * 1024 * 1024),
	    VIFS_ETOOBIG);
	assert_null(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_checks),
		cmocka_unit_test(test_parents_and_slots),
		cmocka_unit_test(test_resets_and_groups),
		cmocka_unit_test(test_passthru_map),
		cmocka_unit_test(test_esxconf_findings),
		cmocka_unit_test(test_xml_schema_and_round_trip),
		cmocka_unit_test(test_strings_cleaned),
		cmocka_unit_test(test_info_checks),
		cmocka_unit_test(test_topology),
		cmocka_unit_test(test_open_file),
		cmocka_unit_test(test_xml_hostile),
		cmocka_unit_test(test_xml_minimal_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
