/*
 * test_passthru.c - passthrough on esx.conf: the facts of the seed samples
 * (tests/fixtures/pci/README.md), the owner in effect behind bridges with a
 * topology built from the README's topology section, every safety rule
 * with and without force, the spelling of keys, disable, and the XML list
 * checked against docs/schemas/passthru.xsd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>

#include "testutil.h"

#define XC(s) ((const xmlChar *)(s))

/* --- helpers ---------------------------------------------------------- */

static vifs_esxconf *
load_fixture(const char *name)
{
	vifs_esxconf *doc = NULL;
	size_t len;
	char *buf = fixture_read(name, &len);

	assert_int_equal(vifs_esxconf_parse(&doc, name, buf, len), 0);
	free(buf);
	return doc;
}

static vifs_esxconf *
load_text(const char *text)
{
	vifs_esxconf *doc = NULL;

	assert_int_equal(vifs_esxconf_parse(&doc, "t.conf", text, strlen(text)),
	    0);
	return doc;
}

static char *
serialize(const vifs_esxconf *doc)
{
	char *out = NULL;
	size_t len;

	assert_int_equal(vifs_esxconf_serialize(&out, &len, doc), 0);
	return out;
}

/* Whether the serialized DOC has LINE as a whole line. */
static int
has_line(const vifs_esxconf *doc, const char *line)
{
	char *text = serialize(doc);
	size_t n = strlen(line);
	int found = 0;

	for (char *p = text; (p = strstr(p, line)) != NULL; p++) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0')) {
			found = 1;
			break;
		}
	}
	free(text);
	return found;
}

static struct vifs_pciaddr
pa(unsigned bus, unsigned dev, unsigned func)
{
	struct vifs_pciaddr a = { 0, (uint8_t)bus, (uint8_t)dev,
		(uint8_t)func };

	return a;
}

/* Report helpers: whether some refusal or warning holds every string. */
static int
report_has(const vifs_passthru_report *r, int refusals, const char *s1,
    const char *s2)
{
	size_t n = refusals ? vifs_passthru_report_refusals(r) :
	                      vifs_passthru_report_warnings(r);

	for (size_t i = 0; i < n; i++) {
		const char *t = refusals ? vifs_passthru_report_refusal(r, i) :
		                           vifs_passthru_report_warning(r, i);

		if (strstr(t, s1) && (s2 == NULL || strstr(t, s2)))
			return 1;
	}
	return 0;
}

#define REFUSED(r, a, b) report_has((r), 1, (a), (b))
#define WARNED(r, a, b) report_has((r), 0, (a), (b))

/*
 * The topology of seed-sample1.lspci, by hand from the README: bridges
 * 00:1c.0 (buses 01-02), 01:00.0 (bus 02) and 00:1e.0 (bus 03); the IDs of
 * the conversion table.
 */
static const struct {
	unsigned bus, dev, func;
	unsigned vendor, device;
	int bridge;
	unsigned sec, sub;
	int has_parent;
	unsigned pbus, pdev, pfunc;
} sample1_topo[] = {
	{ 0x00, 0x00, 0, 0x8086, 0x29b0, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x02, 0, 0x8086, 0x29b2, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x03, 0, 0x8086, 0x29b4, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x03, 2, 0x8086, 0x29b6, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x03, 3, 0x8086, 0x29b7, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x19, 0, 0x8086, 0x10bd, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1a, 0, 0x8086, 0x2937, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1a, 1, 0x8086, 0x2938, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1a, 2, 0x8086, 0x2939, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1a, 7, 0x8086, 0x293c, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1b, 0, 0x8086, 0x293e, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1c, 0, 0x8086, 0x2940, 1, 1, 2, 0, 0, 0, 0 },
	{ 0x00, 0x1d, 0, 0x8086, 0x2934, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1d, 1, 0x8086, 0x2935, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1d, 2, 0x8086, 0x2936, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1d, 7, 0x8086, 0x293a, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1e, 0, 0x8086, 0x244e, 1, 3, 3, 0, 0, 0, 0 },
	{ 0x00, 0x1f, 0, 0x8086, 0x2914, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1f, 2, 0x8086, 0x2920, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1f, 3, 0x8086, 0x2930, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1f, 5, 0x8086, 0x2926, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x00, 0x1f, 6, 0x8086, 0x2932, 0, 0, 0, 0, 0, 0, 0 },
	{ 0x01, 0x00, 0, 0x104c, 0x8231, 1, 2, 2, 1, 0x00, 0x1c, 0 },
	{ 0x02, 0x00, 0, 0x1033, 0x0035, 0, 0, 0, 1, 0x01, 0x00, 0 },
	{ 0x02, 0x00, 1, 0x1033, 0x0035, 0, 0, 0, 1, 0x01, 0x00, 0 },
	{ 0x02, 0x00, 2, 0x1033, 0x00e0, 0, 0, 0, 1, 0x01, 0x00, 0 },
	{ 0x03, 0x00, 0, 0x10de, 0x0322, 0, 0, 0, 1, 0x00, 0x1e, 0 },
	{ 0x03, 0x01, 0, 0x9004, 0x6178, 0, 0, 0, 1, 0x00, 0x1e, 0 },
};

#define NTOPO (sizeof(sample1_topo) / sizeof(sample1_topo[0]))

static vifs_pci_topology *
make_topology(void)
{
	vifs_pci_topology *topo = NULL;

	assert_int_equal(vifs_pci_topology_new(&topo), 0);
	/* Added in reverse to check that the topology sorts. */
	for (size_t k = NTOPO; k-- > 0;) {
		struct vifs_pci_topology_dev d;

		memset(&d, 0, sizeof(d));
		d.addr = pa(sample1_topo[k].bus, sample1_topo[k].dev,
		    sample1_topo[k].func);
		d.vendor = (uint16_t)sample1_topo[k].vendor;
		d.device = (uint16_t)sample1_topo[k].device;
		d.is_bridge = sample1_topo[k].bridge;
		d.secondary = (uint8_t)sample1_topo[k].sec;
		d.subordinate = (uint8_t)sample1_topo[k].sub;
		d.has_parent = sample1_topo[k].has_parent;
		d.parent = pa(sample1_topo[k].pbus, sample1_topo[k].pdev,
		    sample1_topo[k].pfunc);
		assert_int_equal(vifs_pci_topology_add(topo, &d), 0);
	}
	return topo;
}

static vifs_passthru_list *
list_of(const vifs_esxconf *doc, const vifs_pci_topology *topo)
{
	vifs_passthru_list *l = NULL;

	assert_int_equal(vifs_passthru_list_new(&l, doc, topo), 0);
	return l;
}

static const struct vifs_passthru_dev *
dev_at(const vifs_passthru_list *l, unsigned bus, unsigned dev, unsigned func)
{
	struct vifs_pciaddr a = pa(bus, dev, func);
	const struct vifs_passthru_dev *d = vifs_passthru_list_find(l, &a);

	if (d == NULL)
		fail_msg("no device %02x:%02x.%x in the list", bus, dev, func);
	return d;
}

static void
expect_bridge(const struct vifs_passthru_dev *d, unsigned bus, unsigned dev)
{
	struct vifs_pciaddr a = pa(bus, dev, 0);

	assert_int_equal(d->effective, VIFS_OWNER_PASSTHRU);
	assert_true(d->via_bridge);
	assert_int_equal(vifs_pciaddr_cmp(&d->bridge, &a), 0);
}

/* --- topology --------------------------------------------------------- */

static void
test_passthru_topology(void **state)
{
	vifs_pci_topology *topo = make_topology();
	struct vifs_pci_topology_dev dup;
	const struct vifs_pci_topology_dev *t;
	struct vifs_pciaddr a = pa(0x00, 0x1e, 0), none = pa(0x00, 0x04, 0);

	(void)state;
	assert_int_equal(vifs_pci_topology_count(topo), NTOPO);
	for (size_t i = 1; i < NTOPO; i++)
		assert_true(
		    vifs_pciaddr_cmp(&vifs_pci_topology_get(topo, i - 1)->addr,
		        &vifs_pci_topology_get(topo, i)->addr) < 0);
	assert_null(vifs_pci_topology_get(topo, NTOPO));
	t = vifs_pci_topology_find(topo, &a);
	assert_non_null(t);
	assert_true(t->is_bridge);
	assert_int_equal(t->secondary, 3);
	assert_int_equal(t->device, 0x244e);
	assert_null(vifs_pci_topology_find(topo, &none));
	dup = *t;
	assert_int_equal(vifs_pci_topology_add(topo, &dup), VIFS_EEXISTS);
	assert_non_null(strstr(vifs_error_last(), "0000:00:1e.0"));
	dup.addr.dev = 32;
	assert_int_equal(vifs_pci_topology_add(topo, &dup), VIFS_EINVAL);
	assert_int_equal(vifs_pci_topology_count(topo), NTOPO);
	vifs_pci_topology_free(topo);
	assert_int_equal(vifs_pci_topology_count(NULL), 0);
	vifs_pci_topology_free(NULL);
}

/* --- the list --------------------------------------------------------- */

static void
test_passthru_list_sample1(void **state)
{
	static const struct {
		unsigned bus, dev, func;
		enum vifs_owner owner;
		const char *key;
	} want[] = {
		{ 0x00, 0x03, 2, VIFS_OWNER_VMKERNEL, "000:03.2" },
		{ 0x00, 0x19, 0, VIFS_OWNER_NONE, "000:25.0" },
		{ 0x00, 0x1a, 0, VIFS_OWNER_VMKERNEL, "000:26.0" },
		{ 0x00, 0x1a, 1, VIFS_OWNER_VMKERNEL, "000:26.1" },
		{ 0x00, 0x1a, 2, VIFS_OWNER_VMKERNEL, "000:26.2" },
		{ 0x00, 0x1a, 7, VIFS_OWNER_VMKERNEL, "000:26.7" },
		{ 0x00, 0x1b, 0, VIFS_OWNER_PASSTHRU, "000:27.0" },
		{ 0x00, 0x1d, 0, VIFS_OWNER_VMKERNEL, "000:29.0" },
		{ 0x00, 0x1d, 1, VIFS_OWNER_VMKERNEL, "000:29.1" },
		{ 0x00, 0x1d, 2, VIFS_OWNER_VMKERNEL, "000:29.2" },
		{ 0x00, 0x1d, 7, VIFS_OWNER_VMKERNEL, "000:29.7" },
		{ 0x00, 0x1e, 0, VIFS_OWNER_PASSTHRU, "000:30.0" },
		{ 0x00, 0x1f, 2, VIFS_OWNER_VMKERNEL, "000:31.2" },
		{ 0x00, 0x1f, 5, VIFS_OWNER_VMKERNEL, "000:31.5" },
		{ 0x01, 0x00, 0, VIFS_OWNER_PASSTHRU, "001:00.0" },
		{ 0x02, 0x00, 0, VIFS_OWNER_VMKERNEL, "002:00.0" },
		{ 0x02, 0x00, 1, VIFS_OWNER_VMKERNEL, "002:00.1" },
		{ 0x02, 0x00, 2, VIFS_OWNER_VMKERNEL, "002:00.2" },
	};
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_list *l = list_of(doc, NULL);
	const struct vifs_passthru_dev *d;

	(void)state;
	assert_int_equal(vifs_passthru_list_count(l), 18);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		d = vifs_passthru_list_get(l, i);
		assert_int_equal(d->addr.bus, want[i].bus);
		assert_int_equal(d->addr.dev, want[i].dev);
		assert_int_equal(d->addr.func, want[i].func);
		assert_int_equal(d->owner, want[i].owner);
		assert_string_equal(d->key_addr, want[i].key);
		/* Without a topology: effective is the owner, none reads
		 * as vmkernel, no bridge. */
		assert_int_equal(d->effective,
		    want[i].owner == VIFS_OWNER_NONE ? VIFS_OWNER_VMKERNEL :
		                                       want[i].owner);
		assert_false(d->via_bridge);
		assert_false(d->in_topology);
	}
	assert_null(vifs_passthru_list_get(l, 18));

	d = dev_at(l, 0x00, 0x19, 0);
	assert_string_equal(d->vmkname, "vmnic0");
	assert_int_equal(d->vmkname_line, 2);
	assert_null(d->owner_text);
	assert_int_equal(d->owner_line, 0);
	d = dev_at(l, 0x00, 0x1f, 2);
	assert_string_equal(d->vmkname, "vmhba0");
	assert_int_equal(d->vmkname_line, 14);
	assert_string_equal(d->owner_text, "vmkernel");
	assert_int_equal(d->owner_line, 13);
	d = dev_at(l, 0x00, 0x1f, 5);
	assert_string_equal(d->vmkname, "vmhba1");
	d = dev_at(l, 0x00, 0x1b, 0);
	assert_int_equal(d->owner_line, 7);
	assert_null(d->vmkname);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
}

static void
test_passthru_list_sample1_topology(void **state)
{
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_pci_topology *topo = make_topology();
	vifs_passthru_list *l = list_of(doc, topo);
	const struct vifs_passthru_dev *d;
	size_t passthru = 0;

	(void)state;
	/* Every function of the dump; esx.conf names none outside it. */
	assert_int_equal(vifs_passthru_list_count(l), NTOPO);
	for (size_t i = 0; i < NTOPO; i++) {
		d = vifs_passthru_list_get(l, i);
		assert_true(d->in_topology);
		passthru += d->effective == VIFS_OWNER_PASSTHRU;
	}
	/* 3 direct, 3 behind 01:00.0, 2 behind 00:1e.0. */
	assert_int_equal(passthru, 8);
	/* The README's functions without any line, and only those. */
	for (size_t i = 0; i < NTOPO; i++) {
		static const char *const nolines[] = {
			"00:00.0",
			"00:02.0",
			"00:03.0",
			"00:03.3",
			"00:1c.0",
			"00:1f.0",
			"00:1f.3",
			"00:1f.6",
			"03:00.0",
			"03:01.0",
		};
		char name[VIFS_PCIADDR_MAX];
		int listed = 0;

		d = vifs_passthru_list_get(l, i);
		assert_int_equal(vifs_pciaddr_format(name, sizeof(name),
		                     &d->addr, VIFS_PCI_LINUX_SHORT),
		    0);
		for (size_t k = 0; k < 10; k++)
			listed |= strcmp(nolines[k], name) == 0;
		assert_int_equal(d->key_addr == NULL, listed);
		assert_int_equal(d->owner == VIFS_OWNER_NONE &&
		        d->vmkname == NULL,
		    listed);
	}

	/* Behind the TI bridge 01:00.0 although their lines say
	 * vmkernel. */
	for (unsigned f = 0; f < 3; f++) {
		d = dev_at(l, 0x02, 0x00, f);
		assert_int_equal(d->owner, VIFS_OWNER_VMKERNEL);
		expect_bridge(d, 0x01, 0x00);
	}
	/* Behind the 82801 PCI bridge 00:1e.0, without lines. */
	d = dev_at(l, 0x03, 0x00, 0);
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_null(d->key_addr);
	expect_bridge(d, 0x00, 0x1e);
	expect_bridge(dev_at(l, 0x03, 0x01, 0), 0x00, 0x1e);
	/* Direct passthru: no bridge named. */
	d = dev_at(l, 0x01, 0x00, 0);
	assert_int_equal(d->effective, VIFS_OWNER_PASSTHRU);
	assert_false(d->via_bridge);
	d = dev_at(l, 0x00, 0x1b, 0);
	assert_int_equal(d->effective, VIFS_OWNER_PASSTHRU);
	/* The root port above 01:00.0 stays with the VMkernel. */
	d = dev_at(l, 0x00, 0x1c, 0);
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_int_equal(d->effective, VIFS_OWNER_VMKERNEL);
	d = dev_at(l, 0x00, 0x1f, 2);
	assert_int_equal(d->effective, VIFS_OWNER_VMKERNEL);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

static void
test_passthru_list_nested_bridges(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc;
	vifs_passthru_list *l;

	(void)state;
	/* Only the root port 00:1c.0 (buses 01-02): everything below it,
	 * the inner bridge and what is behind that, is passthru via it. */
	doc = load_text("/device/000:28.0/owner = \"passthru\"\n"
	                "/device/001:00.0/owner = \"vmkernel\"\n");
	l = list_of(doc, topo);
	expect_bridge(dev_at(l, 0x01, 0x00, 0), 0x00, 0x1c);
	expect_bridge(dev_at(l, 0x02, 0x00, 0), 0x00, 0x1c);
	expect_bridge(dev_at(l, 0x02, 0x00, 2), 0x00, 0x1c);
	assert_int_equal(dev_at(l, 0x03, 0x00, 0)->effective,
	    VIFS_OWNER_VMKERNEL);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);

	/* Both: the nearest bridge is named. */
	doc = load_text("/device/000:28.0/owner = \"passthru\"\n"
	                "/device/001:00.0/owner = \"passthru\"\n");
	l = list_of(doc, topo);
	assert_false(dev_at(l, 0x01, 0x00, 0)->via_bridge);
	expect_bridge(dev_at(l, 0x02, 0x00, 1), 0x01, 0x00);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

static void
test_passthru_list_sample2(void **state)
{
	vifs_esxconf *doc = load_fixture("pci/seed-sample2.esx.conf");
	vifs_passthru_list *l = list_of(doc, NULL);
	struct vifs_pciaddr typo = pa(0x08, 0x01, 0);
	struct vifs_pciaddr bridge = pa(0x01, 0x00, 0);
	const struct vifs_passthru_dev *d;

	(void)state;
	assert_int_equal(vifs_passthru_list_count(l), 16);
	assert_int_equal(dev_at(l, 0x00, 0x1b, 0)->owner, VIFS_OWNER_PASSTHRU);
	assert_int_equal(dev_at(l, 0x00, 0x1e, 0)->owner, VIFS_OWNER_PASSTHRU);
	/* No 001:00.0 line in this sample. */
	assert_null(vifs_passthru_list_find(l, &bridge));
	/* The /devcie/ line is no device. */
	assert_null(vifs_passthru_list_find(l, &typo));
	d = dev_at(l, 0x06, 0x00, 0);
	assert_string_equal(d->vmkname, "vmnic0");
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_string_equal(dev_at(l, 0x07, 0x00, 0)->vmkname, "vmnic1");
	assert_string_equal(dev_at(l, 0x08, 0x03, 0)->vmkname, "vmnic2");
	assert_string_equal(dev_at(l, 0x08, 0x03, 1)->vmkname, "vmnic3");
	assert_string_equal(dev_at(l, 0x00, 0x1f, 2)->vmkname, "vmhba0");
	assert_string_equal(dev_at(l, 0x00, 0x1f, 5)->vmkname, "vmhba1");
	assert_int_equal(dev_at(l, 0x00, 0x1a, 7)->owner, VIFS_OWNER_VMKERNEL);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
}

static void
test_passthru_list_spellings_and_odd_lines(void **state)
{
	vifs_esxconf *doc;
	vifs_passthru_list *l;
	const struct vifs_passthru_dev *d;

	(void)state;
	doc = load_text(
	    "/device/0000:00:1b.0/owner = \"vmkernel\"\n" /* Linux */
	    "/device/0000:00:31.2/vmkname = \"vmhba0\"\n" /* mixed */
	    "/device/000:31.2/owner = \"vmkernel\"\n" /* esx.conf */
	    "/device/000:27.0/owner = \"passthru\"\n" /* later */
	    "/device/00:10.0/owner = \"passthru\"\n" /* ambiguous */
	    "/device/zz:00.0/owner = \"passthru\"\n" /* no address */
	    "/device/000:26.0/owner = \"VMkernel\"\n" /* other */
	    "/device/000:26.1/owner = \"a|7Cb\"\n" /* escaped */
	    "/device/000:26.1/owner = \"pass\"\n" /* repeated */
	    "/device/000:26.2/foo = \"bar\"\n" /* other key */
	    "/device/000:26.7\n" /* malformed */
	    "/device/000:29.0 = \"x\"\n"); /* no '/' */
	l = list_of(doc, NULL);
	assert_int_equal(vifs_passthru_list_count(l), 5);
	/* Two spellings of 00:1b.0: the later owner line wins and names
	 * the key. */
	d = dev_at(l, 0x00, 0x1b, 0);
	assert_int_equal(d->owner, VIFS_OWNER_PASSTHRU);
	assert_string_equal(d->key_addr, "000:27.0");
	assert_int_equal(d->owner_line, 4);
	/* The mixed spelling reads as decimal 00:1f.2. */
	d = dev_at(l, 0x00, 0x1f, 2);
	assert_string_equal(d->vmkname, "vmhba0");
	assert_string_equal(d->key_addr, "000:31.2");
	d = dev_at(l, 0x00, 0x1a, 0);
	assert_int_equal(d->owner, VIFS_OWNER_OTHER);
	assert_int_equal(d->effective, VIFS_OWNER_OTHER);
	assert_string_equal(d->owner_text, "VMkernel");
	d = dev_at(l, 0x00, 0x1a, 1);
	assert_string_equal(d->owner_text, "pass");
	assert_int_equal(d->owner_line, 9);
	d = dev_at(l, 0x00, 0x1a, 2);
	assert_int_equal(d->owner, VIFS_OWNER_NONE);
	assert_string_equal(d->key_addr, "000:26.2");
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
}

/* --- enable: the safety rules ------------------------------------------ */

static void
test_passthru_enable_vmkname(void **state)
{
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	char *before = serialize(doc);
	char *after;
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts force = { VIFS_PASSTHRU_FORCE, VIFS_PCI_AUTO,
		VIFS_PCI_AUTO, NULL };

	(void)state;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:31.2", NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r,
	    "000:31.2 holds vmhba0, which the host uses; "
	    "giving it to passthru",
	    "use --force to override"));
	/* Its sibling 000:31.5 stays with the VMkernel and is named, with
	 * the vmhba it holds. */
	assert_true(REFUSED(r,
	    "000:31.2 shares its slot with 000:31.5 "
	    "(vmhba1), which stays with the VMkernel",
	    "--force"));
	assert_int_equal(vifs_passthru_report_refusals(r), 2);
	assert_true(
	    WARNED(r, "bridge coverage not checked: no inventory", NULL));
	assert_int_equal(vifs_passthru_report_changes(r), 0);
	assert_int_equal(vifs_error_last_code(), VIFS_EREFUSED);
	assert_non_null(strstr(vifs_error_last(), "000:31.2 holds vmhba0"));
	assert_false(vifs_esxconf_modified(doc));
	after = serialize(doc);
	assert_string_equal(before, after);
	free(after);
	vifs_passthru_report_free(r);

	/* The Linux spelling names the same device. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "0000:00:1f.2", NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r, "000:31.2 holds vmhba0", NULL));
	vifs_passthru_report_free(r);

	/* Forced: done, and the overridden refusals are told. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:31.2", &force), 0);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	assert_true(
	    WARNED(r, "overridden by force: 000:31.2 holds vmhba0", NULL));
	assert_true(WARNED(r,
	    "overridden by force: 000:31.2 shares its "
	    "slot",
	    NULL));
	assert_int_equal(vifs_passthru_report_changes(r), 1);
	assert_true(has_line(doc, "/device/000:31.2/owner = \"passthru\""));
	assert_false(has_line(doc, "/device/000:31.2/owner = \"vmkernel\""));
	vifs_passthru_report_free(r);

	/* A vmnic without owner line: refused, forced gives a new line. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:25.0", NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r, "000:25.0 holds vmnic0", NULL));
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:25.0", &force), 0);
	assert_true(has_line(doc, "/device/000:25.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	free(before);
	vifs_esxconf_free(doc);
}

static void
test_passthru_enable_bridge(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc;
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_AUTO, VIFS_PCI_AUTO, NULL };

	(void)state;
	o.topo = topo;
	/* A device behind the root port 00:1c.0 holds a vmhba. */
	doc = load_text("/device/001:00.0/owner = \"vmkernel\"\n"
	                "/device/002:00.0/owner = \"vmkernel\"\n"
	                "/device/002:00.2/vmkname = \"vmhba2\"\n");
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:28.0", &o),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r, "000:28.0 is a bridge",
	    "002:00.2 (vmhba2); "
	    "use --force to override"));
	assert_int_equal(vifs_passthru_report_refusals(r), 1);
	assert_false(WARNED(r, "bridge coverage not checked", NULL));
	assert_false(vifs_esxconf_modified(doc));
	vifs_passthru_report_free(r);
	/* In Linux notation too, with the notation named. */
	o.notation = VIFS_PCI_LINUX_SHORT;
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:1c.0", &o),
	    VIFS_EREFUSED);
	vifs_passthru_report_free(r);
	o.notation = VIFS_PCI_AUTO;

	/* Forced: a new line for the bridge, and the devices that go with
	 * it are listed (nested bridge included). */
	o.flags = VIFS_PASSTHRU_FORCE;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:28.0", &o), 0);
	assert_true(WARNED(r,
	    "000:28.0 is a bridge: the devices behind it "
	    "go to passthru with it: 001:00.0, 002:00.0, 002:00.1, "
	    "002:00.2",
	    NULL));
	assert_true(
	    WARNED(r, "overridden by force: 000:28.0 is a bridge", NULL));
	assert_true(has_line(doc, "/device/000:28.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);

	/* Sample 1 as is: nothing behind 00:1e.0 holds a vmkname, and the
	 * bridge is passthru already. */
	o.flags = 0;
	doc = load_fixture("pci/seed-sample1.esx.conf");
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:30.0", &o), 0);
	assert_true(WARNED(r, "000:30.0 is already given to passthru", NULL));
	assert_int_equal(vifs_passthru_report_changes(r), 0);
	vifs_passthru_report_free(r);
	/* The root port 00:1c.0: no vmkname below, single function. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:28.0", &o), 0);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	assert_true(WARNED(r,
	    "devices behind it go to passthru with it: "
	    "001:00.0, 002:00.0, 002:00.1, 002:00.2",
	    NULL));
	assert_int_equal(vifs_passthru_report_changes(r), 1);
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

static void
test_passthru_enable_multifunction(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_AUTO, VIFS_PCI_AUTO, NULL };

	(void)state;
	/* Without topology, siblings come from the esx.conf lines. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:26.0", NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r,
	    "000:26.0 shares its slot with 000:26.1, "
	    "000:26.2, 000:26.7, which stay with the VMkernel",
	    "use --force to override"));
	assert_int_equal(vifs_passthru_report_refusals(r), 1);
	vifs_passthru_report_free(r);
	/* 00:03.0 has no line; esx.conf only knows 000:03.2. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:03.0", NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r,
	    "000:03.0 shares its slot with 000:03.2, "
	    "which stays with the VMkernel",
	    NULL));
	assert_true(WARNED(r, "000:03.0 has no line in esx.conf", NULL));
	vifs_passthru_report_free(r);
	/* With the topology 00:03.3 is a sibling too. */
	o.topo = topo;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:03.0", &o),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r,
	    "000:03.0 shares its slot with 000:03.2, "
	    "000:03.3, which stay with the VMkernel",
	    NULL));
	vifs_passthru_report_free(r);
	/* 02:00.0's siblings are passthru through their bridge already. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "002:00.0", &o), 0);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	assert_true(has_line(doc, "/device/002:00.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	/* Forced. */
	o.flags = VIFS_PASSTHRU_FORCE;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:26.0", &o), 0);
	assert_true(WARNED(r,
	    "overridden by force: 000:26.0 shares its slot "
	    "with 000:26.1, 000:26.2, 000:26.7",
	    NULL));
	assert_true(has_line(doc, "/device/000:26.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	/* The last function of the slot then goes without refusal. */
	o.flags = 0;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:26.1", &o),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r, "000:26.2, 000:26.7", NULL));
	assert_false(REFUSED(r, "000:26.0,", NULL));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

static void
test_passthru_enable_unknown_device(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_AUTO, VIFS_PCI_AUTO, NULL };

	(void)state;
	o.topo = topo;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:04.0", &o),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r,
	    "000:04.0 (Linux 0000:00:04.0) is not in the "
	    "inventory",
	    "--force"));
	vifs_passthru_report_free(r);
	o.flags = VIFS_PASSTHRU_FORCE;
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:04.0", &o), 0);
	assert_true(has_line(doc, "/device/000:04.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);

	/* Addresses that do not parse: an error, not a refusal. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:10.0", NULL),
	    VIFS_EAMBIGUOUS);
	assert_non_null(r);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_enable(&r, doc, "vmhba0", NULL),
	    VIFS_EPARSE);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_disable(&r, doc, "", NULL), VIFS_EPARSE);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_enable(NULL, doc, "000:04.0", NULL),
	    VIFS_EINVAL);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

/* --- enable: which key is written -------------------------------------- */

static void
test_passthru_enable_keeps_spelling(void **state)
{
	vifs_esxconf *doc;
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_LINUX_SHORT, VIFS_PCI_AUTO,
		NULL };

	(void)state;
	doc = load_text("/device/0000:00:31.2/owner = \"vmkernel\"\n"
	                "/device/0000:00:1b.0/owner = \"vmkernel\"\n"
	                "/device/0000:00:19.0/vmkname = \"vmnic0\"\n");
	/* The mixed spelling of 00:1f.2, named in Linux notation. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:1f.2", &o), 0);
	assert_true(has_line(doc, "/device/0000:00:31.2/owner = \"passthru\""));
	assert_false(has_line(doc, "/device/000:31.2/owner = \"passthru\""));
	assert_int_equal(vifs_passthru_report_changes(r), 1);
	vifs_passthru_report_free(r);
	/* The Linux spelling of 00:1b.0, named in esx.conf notation. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:27.0", NULL), 0);
	assert_true(has_line(doc, "/device/0000:00:1b.0/owner = \"passthru\""));
	assert_false(has_line(doc, "/device/000:27.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	/* A device with only a vmkname line gets its owner in the same
	 * spelling. */
	o.flags = VIFS_PASSTHRU_FORCE;
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:19.0", &o), 0);
	assert_true(has_line(doc, "/device/0000:00:19.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);

	/* Two spellings with owner lines: both are set. */
	doc = load_text("/device/000:27.0/owner = \"vmkernel\"\n"
	                "/device/0000:00:1b.0/owner = \"vmkernel\"\n");
	assert_int_equal(vifs_passthru_enable(&r, doc, "000:27.0", NULL), 0);
	assert_int_equal(vifs_passthru_report_changes(r), 2);
	assert_true(has_line(doc, "/device/000:27.0/owner = \"passthru\""));
	assert_true(has_line(doc, "/device/0000:00:1b.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);
}

static void
test_passthru_enable_new_key(void **state)
{
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_AUTO, VIFS_PCI_LINUX,
		NULL };
	char *text;

	(void)state;
	/* Default: the documented decimal form, placed in key order. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:02.0", NULL), 0);
	assert_true(WARNED(r, "000:02.0 has no line in esx.conf", NULL));
	assert_true(
	    WARNED(r, "bridge coverage not checked: no inventory", NULL));
	assert_int_equal(vifs_passthru_report_changes(r), 1);
	text = serialize(doc);
	assert_non_null(strstr(text,
	    "/device/000:02.0/owner = \"passthru\"\n"
	    "/device/000:03.2/owner = \"vmkernel\"\n"));
	free(text);
	vifs_passthru_report_free(r);
	/* Configured: Linux notation. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "00:00.0", &o), 0);
	assert_true(has_line(doc, "/device/0000:00:00.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	/* A segment esx.conf's notation cannot hold. */
	assert_int_equal(vifs_passthru_enable(&r, doc, "0001:00:02.0", NULL),
	    VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "0001:00:02.0"));
	vifs_passthru_report_free(r);
	o.new_key_notation = VIFS_PCI_VMX;
	assert_int_equal(vifs_passthru_enable(&r, doc, "0001:00:02.0", &o), 0);
	assert_true(
	    has_line(doc, "/device/00001:000:02.0/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);
}

static void
test_passthru_enable_many(void **state)
{
	static const char *const slot[] = {
		"0000:00:1a.0",
		"000:26.1",
		"00:26.02",
		"00000:000:26.7",
		"000:26.0",
	};
	static const char *const mixed[] = { "000:27.0", "000:31.2" };
	static const char *const bad[] = { "000:29.0", "zz", "000:29.1" };
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_report *r = NULL;
	char *before = serialize(doc), *after;

	(void)state;
	/* A slot's functions together: no sibling refusal; the device named
	 * twice is changed once. */
	assert_int_equal(vifs_passthru_enable_many(&r, doc, slot, 5, NULL), 0);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	assert_int_equal(vifs_passthru_report_changes(r), 4);
	assert_true(has_line(doc, "/device/000:26.0/owner = \"passthru\""));
	assert_true(has_line(doc, "/device/000:26.7/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);

	/* One refusal stops the whole set. */
	doc = load_fixture("pci/seed-sample1.esx.conf");
	assert_int_equal(vifs_passthru_enable_many(&r, doc, mixed, 2, NULL),
	    VIFS_EREFUSED);
	assert_true(REFUSED(r, "000:31.2 holds vmhba0", NULL));
	assert_non_null(strstr(vifs_error_last(), "(and 1 more refusal)"));
	assert_false(vifs_esxconf_modified(doc));
	vifs_passthru_report_free(r);
	/* So does an address that does not parse. */
	assert_int_equal(vifs_passthru_enable_many(&r, doc, bad, 3, NULL),
	    VIFS_EPARSE);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_disable_many(&r, doc, bad, 3, NULL),
	    VIFS_EPARSE);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_enable_many(&r, doc, slot, 0, NULL),
	    VIFS_EINVAL);
	vifs_passthru_report_free(r);
	after = serialize(doc);
	assert_string_equal(before, after);
	free(after);

	/* Disable a whole slot: no warning about siblings left behind. */
	assert_int_equal(vifs_passthru_enable_many(&r, doc, slot, 5, NULL), 0);
	vifs_passthru_report_free(r);
	assert_int_equal(vifs_passthru_disable_many(&r, doc, slot, 5, NULL), 0);
	assert_int_equal(vifs_passthru_report_changes(r), 4);
	assert_false(WARNED(r, "shares its slot", NULL));
	vifs_passthru_report_free(r);
	after = serialize(doc);
	assert_string_equal(before, after);
	free(after);
	free(before);
	vifs_esxconf_free(doc);
}

/* --- disable ----------------------------------------------------------- */

static void
test_passthru_disable(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_report *r = NULL;
	struct vifs_passthru_opts o = { 0, VIFS_PCI_AUTO, VIFS_PCI_AUTO, NULL };

	(void)state;
	assert_int_equal(vifs_passthru_disable(&r, doc, "000:27.0", NULL), 0);
	assert_int_equal(vifs_passthru_report_changes(r), 1);
	assert_int_equal(vifs_passthru_report_refusals(r), 0);
	assert_true(has_line(doc, "/device/000:27.0/owner = \"vmkernel\""));
	assert_false(WARNED(r, "bridge coverage", NULL));
	vifs_passthru_report_free(r);
	/* Already with the VMkernel: nothing changes. */
	assert_int_equal(vifs_passthru_disable(&r, doc, "000:26.0", NULL), 0);
	assert_int_equal(vifs_passthru_report_changes(r), 0);
	assert_true(WARNED(r, "000:26.0 is already with the VMkernel", NULL));
	vifs_passthru_report_free(r);
	/* No owner line: one is written. */
	assert_int_equal(vifs_passthru_disable(&r, doc, "000:25.0", NULL), 0);
	assert_true(has_line(doc, "/device/000:25.0/owner = \"vmkernel\""));
	assert_true(has_line(doc, "/device/000:25.0/vmkname = \"vmnic0\""));
	vifs_passthru_report_free(r);
	/* Behind a passthru bridge: it stays passthru, and the user is
	 * told which bridge to give back. */
	o.topo = topo;
	assert_int_equal(vifs_passthru_disable(&r, doc, "003:00.0", &o), 0);
	assert_true(WARNED(r,
	    "003:00.0 stays with passthru: it is behind "
	    "bridge 000:30.0",
	    NULL));
	assert_true(has_line(doc, "/device/003:00.0/owner = \"vmkernel\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);

	/* A sibling left with passthru is told. */
	doc = load_text("/device/000:26.0/owner = \"passthru\"\n"
	                "/device/000:26.1/owner = \"passthru\"\n");
	assert_int_equal(vifs_passthru_disable(&r, doc, "000:26.0", NULL), 0);
	assert_true(WARNED(r,
	    "000:26.0 shares its slot with 000:26.1, which "
	    "stays with passthru",
	    NULL));
	assert_true(has_line(doc, "/device/000:26.0/owner = \"vmkernel\""));
	assert_true(has_line(doc, "/device/000:26.1/owner = \"passthru\""));
	vifs_passthru_report_free(r);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

/* --- XML ---------------------------------------------------------------- */

static void
validate(const char *xml, size_t len)
{
	xmlFreeDoc(xml_validate(xml, len, "passthru.xsd"));
}

/* The value of attribute NAME of the device element at ADDRESS. */
static char *
xml_device_attr(const char *xml, size_t len, const char *address,
    const char *name)
{
	xmlDocPtr d = xmlReadMemory(xml, (int)len, "p.xml", NULL,
	    XML_PARSE_NONET);
	char *value = NULL;

	assert_non_null(d);
	for (xmlNodePtr n = xmlDocGetRootElement(d)->children; n; n = n->next) {
		xmlChar *a;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		a = xmlGetProp(n, XC("address"));
		if (a && strcmp((const char *)a, address) == 0) {
			xmlChar *v = xmlGetProp(n, XC(name));

			if (v)
				value = strdup((const char *)v);
			xmlFree(v);
		}
		xmlFree(a);
	}
	xmlFreeDoc(d);
	return value;
}

static void
expect_attr(const char *xml, size_t len, const char *address, const char *name,
    const char *want)
{
	char *v = xml_device_attr(xml, len, address, name);

	if (want == NULL) {
		assert_null(v);
		return;
	}
	if (v == NULL)
		fail_msg("%s has no %s", address, name);
	assert_string_equal(v, want);
	free(v);
}

static void
test_passthru_xml(void **state)
{
	vifs_pci_topology *topo = make_topology();
	vifs_esxconf *doc = load_fixture("pci/seed-sample1.esx.conf");
	vifs_passthru_list *l = list_of(doc, topo);
	char *xml = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(vifs_passthru_list_to_xml(&xml, &len, l,
	                     "seed-sample1.esx.conf"),
	    0);
	assert_int_equal(strlen(xml), len);
	validate(xml, len);
	assert_non_null(strstr(xml,
	    "<passthru version=\"1\" "
	    "file=\"seed-sample1.esx.conf\" inventory=\"yes\" "
	    "count=\"28\">"));
	expect_attr(xml, len, "0000:02:00.1", "owner", "vmkernel");
	expect_attr(xml, len, "0000:02:00.1", "effective", "passthru");
	expect_attr(xml, len, "0000:02:00.1", "via-bridge", "0000:01:00.0");
	expect_attr(xml, len, "0000:02:00.1", "key", "002:00.1");
	expect_attr(xml, len, "0000:02:00.1", "owner-line", "19");
	expect_attr(xml, len, "0000:03:01.0", "owner", "none");
	expect_attr(xml, len, "0000:03:01.0", "key", NULL);
	expect_attr(xml, len, "0000:03:01.0", "via-bridge", "0000:00:1e.0");
	expect_attr(xml, len, "0000:00:1f.2", "vmkname", "vmhba0");
	expect_attr(xml, len, "0000:00:1f.2", "vmkname-line", "14");
	expect_attr(xml, len, "0000:00:1f.2", "esxconf-address", "000:31.2");
	expect_attr(xml, len, "0000:00:1f.2", "in-inventory", "yes");
	expect_attr(xml, len, "0000:00:1b.0", "effective", "passthru");
	expect_attr(xml, len, "0000:00:1b.0", "via-bridge", NULL);
	free(xml);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);

	/* Hostile values: control bytes, '|', invalid UTF-8, markup. */
	doc = load_text("/device/000:27.0/owner = \"<&>|01\"\n"
	                "/device/000:27.0/vmkname = \"a|7Cb\xff\xc3\xa9\"\n"
	                "/device/0001:00:00.0/owner = \"passthru\"\n");
	l = list_of(doc, NULL);
	assert_int_equal(vifs_passthru_list_to_xml(&xml, NULL, l, "a\"b\x01"),
	    0);
	len = strlen(xml);
	validate(xml, len);
	expect_attr(xml, len, "0000:00:1b.0", "owner", "other");
	expect_attr(xml, len, "0000:00:1b.0", "owner-text", "<&>|01");
	expect_attr(xml, len, "0000:00:1b.0", "vmkname", "a|7Cb|FF\xc3\xa9");
	expect_attr(xml, len, "0000:00:1b.0", "in-inventory", "no");
	/* No esx.conf form for a segment other than 0. */
	expect_attr(xml, len, "0001:00:00.0", "esxconf-address", NULL);
	expect_attr(xml, len, "0001:00:00.0", "key", "0001:00:00.0");
	assert_non_null(strstr(xml, "file=\"a&quot;b|01\""));
	assert_non_null(strstr(xml, "inventory=\"no\""));
	free(xml);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);

	/* An empty list is a valid document too. */
	doc = load_text("");
	l = list_of(doc, NULL);
	assert_int_equal(vifs_passthru_list_to_xml(&xml, &len, l, NULL), 0);
	validate(xml, len);
	assert_non_null(strstr(xml, "count=\"0\""));
	free(xml);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
	vifs_pci_topology_free(topo);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passthru_topology),
		cmocka_unit_test(test_passthru_list_sample1),
		cmocka_unit_test(test_passthru_list_sample1_topology),
		cmocka_unit_test(test_passthru_list_nested_bridges),
		cmocka_unit_test(test_passthru_list_sample2),
		cmocka_unit_test(test_passthru_list_spellings_and_odd_lines),
		cmocka_unit_test(test_passthru_enable_vmkname),
		cmocka_unit_test(test_passthru_enable_bridge),
		cmocka_unit_test(test_passthru_enable_multifunction),
		cmocka_unit_test(test_passthru_enable_unknown_device),
		cmocka_unit_test(test_passthru_enable_keeps_spelling),
		cmocka_unit_test(test_passthru_enable_new_key),
		cmocka_unit_test(test_passthru_enable_many),
		cmocka_unit_test(test_passthru_disable),
		cmocka_unit_test(test_passthru_xml),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
