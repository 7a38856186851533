/*
 * test_pciaddr.c - PCI address notations: every notation both ways, the
 * ambiguity rule, ranges, hostile text, and every address of the seed
 * fixtures against the conversion table of tests/fixtures/pci/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/pciaddr.h>

#include "testutil.h"

/*
 * The table "Decimal (ESXi) to hex (Linux) addresses" of
 * tests/fixtures/pci/README.md, one row per function.  AMBIGUOUS marks the
 * Linux spellings that are also a valid, different decimal address.
 */
static const struct row {
	const char *esxi;
	const char *esxconf;
	const char *linux_;
	unsigned bus, dev, func;
	int ambiguous;
} table[] = {
	{ "00:00.00", "000:00.0", "00:00.0", 0x00, 0x00, 0, 0 },
	{ "00:02.00", "000:02.0", "00:02.0", 0x00, 0x02, 0, 0 },
	{ "00:03.00", "000:03.0", "00:03.0", 0x00, 0x03, 0, 0 },
	{ "00:03.02", "000:03.2", "00:03.2", 0x00, 0x03, 2, 0 },
	{ "00:03.03", "000:03.3", "00:03.3", 0x00, 0x03, 3, 0 },
	{ "00:25.00", "000:25.0", "00:19.0", 0x00, 0x19, 0, 1 },
	{ "00:26.00", "000:26.0", "00:1a.0", 0x00, 0x1a, 0, 0 },
	{ "00:26.01", "000:26.1", "00:1a.1", 0x00, 0x1a, 1, 0 },
	{ "00:26.02", "000:26.2", "00:1a.2", 0x00, 0x1a, 2, 0 },
	{ "00:26.07", "000:26.7", "00:1a.7", 0x00, 0x1a, 7, 0 },
	{ "00:27.00", "000:27.0", "00:1b.0", 0x00, 0x1b, 0, 0 },
	{ "00:28.00", "000:28.0", "00:1c.0", 0x00, 0x1c, 0, 0 },
	{ "00:29.00", "000:29.0", "00:1d.0", 0x00, 0x1d, 0, 0 },
	{ "00:29.01", "000:29.1", "00:1d.1", 0x00, 0x1d, 1, 0 },
	{ "00:29.02", "000:29.2", "00:1d.2", 0x00, 0x1d, 2, 0 },
	{ "00:29.07", "000:29.7", "00:1d.7", 0x00, 0x1d, 7, 0 },
	{ "00:30.00", "000:30.0", "00:1e.0", 0x00, 0x1e, 0, 0 },
	{ "00:31.00", "000:31.0", "00:1f.0", 0x00, 0x1f, 0, 0 },
	{ "00:31.02", "000:31.2", "00:1f.2", 0x00, 0x1f, 2, 0 },
	{ "00:31.03", "000:31.3", "00:1f.3", 0x00, 0x1f, 3, 0 },
	{ "00:31.05", "000:31.5", "00:1f.5", 0x00, 0x1f, 5, 0 },
	{ "00:31.06", "000:31.6", "00:1f.6", 0x00, 0x1f, 6, 0 },
	{ "01:00.00", "001:00.0", "01:00.0", 0x01, 0x00, 0, 0 },
	{ "02:00.00", "002:00.0", "02:00.0", 0x02, 0x00, 0, 0 },
	{ "02:00.01", "002:00.1", "02:00.1", 0x02, 0x00, 1, 0 },
	{ "02:00.02", "002:00.2", "02:00.2", 0x02, 0x00, 2, 0 },
	{ "03:00.00", "003:00.0", "03:00.0", 0x03, 0x00, 0, 0 },
	{ "03:01.00", "003:01.0", "03:01.0", 0x03, 0x01, 0, 0 },
};

#define NROWS (sizeof(table) / sizeof(table[0]))

/* Sample 2 addresses from the same README (no ESXi listing for them). */
static const struct row table2[] = {
	{ NULL, "006:00.0", "06:00.0", 0x06, 0x00, 0, 0 },
	{ NULL, "007:00.0", "07:00.0", 0x07, 0x00, 0, 0 },
	{ NULL, "008:03.0", "08:03.0", 0x08, 0x03, 0, 0 },
	{ NULL, "008:03.1", "08:03.1", 0x08, 0x03, 1, 0 },
	{ NULL, "008:01.0", "08:01.0", 0x08, 0x01, 0, 0 },
};

static void
expect_addr(const struct vifs_pciaddr *a, unsigned seg, unsigned bus,
    unsigned dev, unsigned func)
{
	assert_int_equal(a->segment, seg);
	assert_int_equal(a->bus, bus);
	assert_int_equal(a->dev, dev);
	assert_int_equal(a->func, func);
}

static void
expect_row(const struct vifs_pciaddr *a, const struct row *r)
{
	expect_addr(a, 0, r->bus, r->dev, r->func);
}

static struct vifs_pciaddr
parse_ok(const char *text, enum vifs_pci_notation hint,
    enum vifs_pci_notation want_found)
{
	struct vifs_pciaddr a;
	enum vifs_pci_notation found = (enum vifs_pci_notation) - 1;
	int rc;

	rc = vifs_pciaddr_parse(&a, &found, text, hint);
	if (rc != 0)
		fail_msg("parse '%s' (%s): %s", text,
		    vifs_pci_notation_name(hint), vifs_error_last());
	assert_int_equal(found, want_found);
	return a;
}

static const char *
parse_fails(const char *text, enum vifs_pci_notation hint, int want)
{
	struct vifs_pciaddr a;
	int rc;

	memset(&a, 0x5a, sizeof(a));
	rc = vifs_pciaddr_parse(&a, NULL, text, hint);
	if (rc != want)
		fail_msg("parse '%s' (%s) gave %d, want %d", text,
		    vifs_pci_notation_name(hint), rc, want);
	assert_int_equal(vifs_error_last_code(), want);
	/* *out is untouched on failure. */
	assert_int_equal(a.bus, 0x5a);
	return vifs_error_last();
}

static void
expect_format(const struct vifs_pciaddr *a, enum vifs_pci_notation n,
    const char *want)
{
	char buf[VIFS_PCIADDR_MAX];

	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), a, n), 0);
	assert_string_equal(buf, want);
}

static void
test_pciaddr_readme_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *r = &table[i];
		struct vifs_pciaddr a;

		a = parse_ok(r->esxi, VIFS_PCI_ESXI_LSPCI, VIFS_PCI_ESXI_LSPCI);
		expect_row(&a, r);
		a = parse_ok(r->esxi, VIFS_PCI_AUTO, VIFS_PCI_ESXI_LSPCI);
		expect_row(&a, r);
		a = parse_ok(r->esxconf, VIFS_PCI_ESXCONF, VIFS_PCI_ESXCONF);
		expect_row(&a, r);
		a = parse_ok(r->esxconf, VIFS_PCI_AUTO, VIFS_PCI_ESXCONF);
		expect_row(&a, r);
		a = parse_ok(r->linux_, VIFS_PCI_LINUX_SHORT,
		    VIFS_PCI_LINUX_SHORT);
		expect_row(&a, r);
		if (r->ambiguous) {
			parse_fails(r->linux_, VIFS_PCI_AUTO, VIFS_EAMBIGUOUS);
		} else {
			a = parse_ok(r->linux_, VIFS_PCI_AUTO,
			    VIFS_PCI_LINUX_SHORT);
			expect_row(&a, r);
		}
		expect_format(&a, VIFS_PCI_ESXI_LSPCI, r->esxi);
		expect_format(&a, VIFS_PCI_ESXCONF, r->esxconf);
		expect_format(&a, VIFS_PCI_LINUX_SHORT, r->linux_);
	}
	for (size_t i = 0; i < sizeof(table2) / sizeof(table2[0]); i++) {
		struct vifs_pciaddr a;

		a = parse_ok(table2[i].esxconf, VIFS_PCI_AUTO,
		    VIFS_PCI_ESXCONF);
		expect_row(&a, &table2[i]);
		expect_format(&a, VIFS_PCI_LINUX_SHORT, table2[i].linux_);
	}
}

/* The row whose spelling in column COL is TEXT, or a failed test. */
static const struct row *
row_by(const char *text, size_t len, int col)
{
	for (size_t i = 0; i < NROWS; i++) {
		const char *s = col == 0 ? table[i].esxi :
		    col == 1             ? table[i].esxconf :
		                           table[i].linux_;

		if (strlen(s) == len && memcmp(s, text, len) == 0)
			return &table[i];
	}
	for (size_t i = 0; col == 1 && i < 5; i++)
		if (strlen(table2[i].esxconf) == len &&
		    memcmp(table2[i].esxconf, text, len) == 0)
			return &table2[i];
	fail_msg("'%.*s' is not in the README table", (int)len, text);
	return NULL;
}

static void
test_pciaddr_fixture_lspci_headers(void **state)
{
	char *buf = fixture_read("pci/seed-sample1.lspci", NULL);
	size_t headers = 0;

	(void)state;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t tok = strcspn(line, " \n");

		/* Header lines start with "BB:DD.F "; dump lines "00: ". */
		if (tok == 7 && line[2] == ':' && line[5] == '.') {
			struct vifs_pciaddr a;
			enum vifs_pci_notation found;
			const struct row *r = row_by(line, tok, 2);

			assert_int_equal(vifs_pciaddr_parse_n(&a, &found, line,
			                     tok, VIFS_PCI_LINUX_SHORT),
			    0);
			expect_row(&a, r);
			headers++;
		} else if (tok != 0) {
			assert_int_equal(tok, 3);
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	assert_int_equal(headers, 28);
	free(buf);
}

static void
check_esxconf_keys(const char *fixture, size_t want)
{
	char *buf = fixture_read(fixture, NULL);
	size_t keys = 0;

	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, "/device/", 8) == 0) {
			const char *k = line + 8;
			size_t len = strcspn(k, "/");
			const struct row *r = row_by(k, len, 1);
			struct vifs_pciaddr a;
			enum vifs_pci_notation found;

			assert_int_equal(vifs_pciaddr_parse_n(&a, &found, k,
			                     len, VIFS_PCI_AUTO),
			    0);
			assert_int_equal(found, VIFS_PCI_ESXCONF);
			expect_row(&a, r);
			assert_int_equal(vifs_pciaddr_parse_n(&a, NULL, k, len,
			                     VIFS_PCI_ESXCONF),
			    0);
			expect_row(&a, r);
			keys++;
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	assert_int_equal(keys, want);
	free(buf);
}

static void
test_pciaddr_fixture_esxconf_keys(void **state)
{
	(void)state;
	check_esxconf_keys("pci/seed-sample1.esx.conf", 20);
	check_esxconf_keys("pci/seed-sample2.esx.conf", 18);
}

static void
test_pciaddr_fixture_esxi_listing(void **state)
{
	char *buf = fixture_read("pci/seed-sample1.esxi-lspci.txt", NULL);
	size_t lines = 0;

	(void)state;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t tok = strcspn(line, " \n");
		const struct row *r = row_by(line, tok, 0);
		struct vifs_pciaddr a;
		enum vifs_pci_notation found;

		assert_int_equal(vifs_pciaddr_parse_n(&a, &found, line, tok,
		                     VIFS_PCI_AUTO),
		    0);
		assert_int_equal(found, VIFS_PCI_ESXI_LSPCI);
		expect_row(&a, r);
		lines++;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	assert_int_equal(lines, 28);
	free(buf);
}

/* Known spellings from DOMAIN.md §2, each in its notation. */
static const struct spelled {
	const char *text;
	enum vifs_pci_notation n;
	unsigned seg, bus, dev, func;
} spelled[] = {
	{ "026:01.2", VIFS_PCI_ESXCONF, 0, 0x1a, 1, 2 },
	{ "000:11.0", VIFS_PCI_ESXCONF, 0, 0, 0x0b, 0 },
	{ "130:00.0", VIFS_PCI_ESXCONF, 0, 0x82, 0, 0 },
	{ "255:31.7", VIFS_PCI_ESXCONF, 0, 0xff, 0x1f, 7 },
	{ "26:01.02", VIFS_PCI_ESXI_LSPCI, 0, 0x1a, 1, 2 },
	{ "130:00.00", VIFS_PCI_ESXI_LSPCI, 0, 0x82, 0, 0 },
	{ "0000:1a:01.2", VIFS_PCI_LINUX, 0, 0x1a, 1, 2 },
	{ "0000:0d:00.0", VIFS_PCI_LINUX, 0, 0x0d, 0, 0 },
	{ "ffff:ff:1f.7", VIFS_PCI_LINUX, 0xffff, 0xff, 0x1f, 7 },
	{ "0001:00:00.0", VIFS_PCI_LINUX, 1, 0, 0, 0 },
	{ "1a:01.2", VIFS_PCI_LINUX_SHORT, 0, 0x1a, 1, 2 },
	{ "ff:1f.7", VIFS_PCI_LINUX_SHORT, 0, 0xff, 0x1f, 7 },
	{ "00000:026:01.2", VIFS_PCI_VMX, 0, 0x1a, 1, 2 },
	{ "00000:013:00.0", VIFS_PCI_VMX, 0, 0x0d, 0, 0 },
	{ "65535:255:31.7", VIFS_PCI_VMX, 0xffff, 0xff, 0x1f, 7 },
	{ "0:26:1.2", VIFS_PCI_VMX_SHORT, 0, 0x1a, 1, 2 },
	{ "0:66:0.0", VIFS_PCI_VMX_SHORT, 0, 0x42, 0, 0 },
	{ "0:0:0.0", VIFS_PCI_VMX_SHORT, 0, 0, 0, 0 },
};

/* Parses TEXT with HINT and checks the notation found and the address. */
static void
expect_parsed(const char *text, enum vifs_pci_notation hint,
    enum vifs_pci_notation found, unsigned seg, unsigned bus, unsigned dev,
    unsigned func)
{
	struct vifs_pciaddr a = parse_ok(text, hint, found);

	expect_addr(&a, seg, bus, dev, func);
}

static void
test_pciaddr_every_notation_both_ways(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++) {
		const struct spelled *s = &spelled[i];
		struct vifs_pciaddr a;

		a = parse_ok(s->text, s->n, s->n);
		expect_addr(&a, s->seg, s->bus, s->dev, s->func);
		expect_format(&a, s->n, s->text);
	}
	/* Recognised without a hint where the shape says it all. */
	expect_parsed("0000:1a:01.2", VIFS_PCI_AUTO, VIFS_PCI_LINUX, 0, 0x1a, 1,
	    2);
	expect_parsed("00000:026:01.2", VIFS_PCI_AUTO, VIFS_PCI_VMX, 0, 0x1a, 1,
	    2);
	expect_parsed("0:26:1.2", VIFS_PCI_AUTO, VIFS_PCI_VMX_SHORT, 0, 0x1a, 1,
	    2);
	expect_parsed("026:01.2", VIFS_PCI_AUTO, VIFS_PCI_ESXCONF, 0, 0x1a, 1,
	    2);
	expect_parsed("26:01.02", VIFS_PCI_AUTO, VIFS_PCI_ESXI_LSPCI, 0, 0x1a,
	    1, 2);
	expect_parsed("1a:01.2", VIFS_PCI_AUTO, VIFS_PCI_LINUX_SHORT, 0, 0x1a,
	    1, 2);
	/* Upper-case hex is read too; output is lower case. */
	expect_parsed("0000:1A:01.2", VIFS_PCI_AUTO, VIFS_PCI_LINUX, 0, 0x1a, 1,
	    2);
	/* A 4-digit segment with a 2-digit bus is Linux hex (DOMAIN §2). */
	expect_parsed("1000:10:10.0", VIFS_PCI_AUTO, VIFS_PCI_LINUX, 0x1000,
	    0x10, 0x10, 0);
	expect_parsed("1000:10:10.0", VIFS_PCI_VMX_SHORT, VIFS_PCI_VMX_SHORT,
	    1000, 10, 10, 0);
}

static void
test_pciaddr_round_trip_all(void **state)
{
	static const enum vifs_pci_notation all[] = {
		VIFS_PCI_ESXCONF,
		VIFS_PCI_ESXI_LSPCI,
		VIFS_PCI_LINUX,
		VIFS_PCI_LINUX_SHORT,
		VIFS_PCI_VMX,
		VIFS_PCI_VMX_SHORT,
	};
	static const unsigned segs[] = { 0, 1, 9, 10, 4095, 65535 };
	size_t checked = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(segs) / sizeof(segs[0]); s++)
		for (unsigned bus = 0; bus < 256; bus += 17)
			for (unsigned dev = 0; dev < 32; dev += 3)
				for (unsigned func = 0; func < 8; func += 7) {
					struct vifs_pciaddr a = {
						(uint16_t)segs[s], (uint8_t)bus,
						(uint8_t)dev, (uint8_t)func
					};

					for (size_t n = 0;
					     n < sizeof(all) / sizeof(all[0]);
					     n++) {
						char buf[VIFS_PCIADDR_MAX];
						struct vifs_pciaddr b;
						int rc;

						rc = vifs_pciaddr_format(buf,
						    sizeof(buf), &a, all[n]);
						if (segs[s] != 0 &&
						    (all[n] ==
						            VIFS_PCI_ESXCONF ||
						        all[n] ==
						            VIFS_PCI_ESXI_LSPCI ||
						        all[n] ==
						            VIFS_PCI_LINUX_SHORT)) {
							assert_int_equal(rc,
							    VIFS_EINVAL);
							continue;
						}
						assert_int_equal(rc, 0);
						assert_int_equal(
						    vifs_pciaddr_parse(&b, NULL,
						        buf, all[n]),
						    0);
						assert_int_equal(
						    vifs_pciaddr_cmp(&a, &b),
						    0);
						/* The unambiguous spellings also read back bare. */
						if (all[n] !=
						        VIFS_PCI_LINUX_SHORT &&
						    all[n] !=
						        VIFS_PCI_VMX_SHORT) {
							assert_int_equal(
							    vifs_pciaddr_parse(
							        &b, NULL, buf,
							        VIFS_PCI_AUTO),
							    0);
							assert_int_equal(
							    vifs_pciaddr_cmp(&a,
							        &b),
							    0);
						}
						checked++;
					}
				}
	assert_true(checked > 1000);
}

static void
test_pciaddr_ambiguous(void **state)
{
	const char *msg;
	struct vifs_pciaddr a;

	(void)state;
	msg = parse_fails("00:10.0", VIFS_PCI_AUTO, VIFS_EAMBIGUOUS);
	assert_string_equal(msg,
	    "00:10.0 is ambiguous: Linux hex "
	    "0000:00:10.0 (device 16) or decimal 000:10.0 (device 10); name "
	    "the notation");
	msg = parse_fails("10:10.0", VIFS_PCI_AUTO, VIFS_EAMBIGUOUS);
	assert_non_null(strstr(msg, "0000:10:10.0 (bus 16, device 16)"));
	assert_non_null(strstr(msg, "010:10.0 (bus 10, device 10)"));
	msg = parse_fails("99:00.0", VIFS_PCI_AUTO, VIFS_EAMBIGUOUS);
	assert_non_null(strstr(msg, "bus 153"));
	assert_non_null(strstr(msg, "bus 99"));

	/* Only one reading in range: taken. */
	a = parse_ok("00:25.0", VIFS_PCI_AUTO, VIFS_PCI_ESXCONF);
	expect_addr(&a, 0, 0, 25, 0);
	a = parse_ok("00:31.2", VIFS_PCI_AUTO, VIFS_PCI_ESXCONF);
	expect_addr(&a, 0, 0, 0x1f, 2);
	a = parse_ok("00:1f.2", VIFS_PCI_AUTO, VIFS_PCI_LINUX_SHORT);
	expect_addr(&a, 0, 0, 0x1f, 2);
	/* Same address both ways: no ambiguity. */
	a = parse_ok("00:03.2", VIFS_PCI_AUTO, VIFS_PCI_LINUX_SHORT);
	expect_addr(&a, 0, 0, 3, 2);
	a = parse_ok("09:09.7", VIFS_PCI_AUTO, VIFS_PCI_LINUX_SHORT);
	expect_addr(&a, 0, 9, 9, 7);
	/* Naming the notation settles it. */
	a = parse_ok("00:10.0", VIFS_PCI_LINUX_SHORT, VIFS_PCI_LINUX_SHORT);
	expect_addr(&a, 0, 0, 16, 0);
	a = parse_ok("00:10.0", VIFS_PCI_ESXCONF, VIFS_PCI_ESXCONF);
	expect_addr(&a, 0, 0, 10, 0);
}

static void
test_pciaddr_ranges(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("256:00.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "bus 256 out of range 0-255"));
	msg = parse_fails("000:32.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device 32 out of range 0-31"));
	msg = parse_fails("000:00.8", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "function 8 out of range 0-7"));
	msg = parse_fails("00:00.08", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "function 08 out of range 0-7"));
	msg = parse_fails("0000:00:20.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device 0x20 (32) out of range 0-31"));
	msg = parse_fails("65536:000:00.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "segment 65536 out of range 0-65535"));
	msg = parse_fails("0:999:0.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "bus 999"));
	/* Both readings out of range: both named. */
	msg = parse_fails("00:32.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "0x32"));
	assert_non_null(strstr(msg, "device 32 out of range"));
	/* The mixed form users write: hex reading out of range. */
	msg = parse_fails("0000:00:31.2", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device 0x31 (49) out of range"));
	/* Hex digits in a decimal notation. */
	msg = parse_fails("00:1b.00", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device '1b' holds a hex digit"));
	msg = parse_fails("00a:00.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "bus '00a'"));
	msg = parse_fails("00:1b.0", VIFS_PCI_ESXCONF, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device '1b'"));
	/* Widths. */
	msg = parse_fails("000:1.0", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "device '1' must have 2 digits"));
	msg = parse_fails("000:27.0", VIFS_PCI_LINUX_SHORT, VIFS_EPARSE);
	assert_non_null(strstr(msg, "bus '000' must have 2 digits"));
	msg = parse_fails("0:026:1.2", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "leading zero"));
	msg = parse_fails("00000:26:01.2", VIFS_PCI_AUTO, VIFS_EPARSE);
	assert_non_null(strstr(msg, "bus '26' must have 3 digits"));
	msg = parse_fails("000:27.0", VIFS_PCI_LINUX, VIFS_EPARSE);
	assert_non_null(strstr(msg, "needs a segment"));
	msg = parse_fails("0000:00:1b.0", VIFS_PCI_ESXCONF, VIFS_EPARSE);
	assert_non_null(strstr(msg, "has no segment"));
}

static void
test_pciaddr_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"000:27.0 ",
		" 000:27.0",
		"000 :27.0",
		"+00:27.0",
		"-00:27.0",
		"00:+7.0",
		"000:27.0\n",
		"000:27.0\r",
		"\t000:27.0",
		"0x00:27.0",
		"000:27",
		"000:27.",
		":27.0",
		"000:.0",
		"000.27.0",
		"000:27:0",
		"000:27.0.0",
		"0:0:0:0.0",
		"0::0.0",
		"::.",
		".",
		":",
		"000:2g.0",
		"０００:２７.０",
		"000:27.0#",
		"000:27,0",
		"000;27.0",
		"000:27.0x",
		"00000000000000000000:00.0",
		"0000:00:1b.0/owner",
		"\xff\xfe",
		"000:27.0\xc2\xa0",
		"1e3:00.0",
		"0b1:00.0",
	};
	struct vifs_pciaddr a;
	char big[10001];
	char withnul[] = "000:27.0";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *msg = parse_fails(bad[i], VIFS_PCI_AUTO,
		    VIFS_EPARSE);

		assert_true(strlen(msg) > 0 && strlen(msg) < 400);
		for (enum vifs_pci_notation n = VIFS_PCI_ESXCONF;
		     n <= VIFS_PCI_VMX_SHORT; n++)
			parse_fails(bad[i], n, VIFS_EPARSE);
	}
	/* A blank names itself in the message. */
	assert_non_null(
	    strstr(parse_fails("000 :27.0", VIFS_PCI_AUTO, VIFS_EPARSE),
	        "byte 0x20 at offset 3"));
	assert_non_null(
	    strstr(parse_fails("+00:27.0", VIFS_PCI_AUTO, VIFS_EPARSE),
	        "'+' at offset 0"));

	/* A long string: bounded message, no overflow. */
	memset(big, '0', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[100] = ':';
	big[200] = '.';
	assert_true(strlen(parse_fails(big, VIFS_PCI_AUTO, VIFS_EPARSE)) < 400);

	/* parse_n: a NUL inside the length is a bad byte; bytes after LEN
	 * are not looked at. */
	withnul[3] = '\0';
	assert_int_equal(vifs_pciaddr_parse_n(&a, NULL, withnul, 8,
	                     VIFS_PCI_AUTO),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "0x00 at offset 3"));
	assert_int_equal(vifs_pciaddr_parse_n(&a, NULL, "000:27.0junk", 8,
	                     VIFS_PCI_AUTO),
	    0);
	expect_addr(&a, 0, 0, 0x1b, 0);
	assert_int_equal(vifs_pciaddr_parse_n(&a, NULL, "000:27.0", 7,
	                     VIFS_PCI_AUTO),
	    VIFS_EPARSE);
	assert_int_equal(vifs_pciaddr_parse_n(&a, NULL, NULL, 0, VIFS_PCI_AUTO),
	    VIFS_EPARSE);
	assert_int_equal(vifs_pciaddr_parse(&a, NULL, NULL, VIFS_PCI_AUTO),
	    VIFS_EINVAL);
	assert_int_equal(vifs_pciaddr_parse(&a, NULL, "000:27.0",
	                     (enum vifs_pci_notation)42),
	    VIFS_EINVAL);
}

static void
test_pciaddr_format_errors(void **state)
{
	struct vifs_pciaddr a = { 1, 2, 3, 4 };
	struct vifs_pciaddr bad = { 0, 0, 32, 0 };
	char buf[VIFS_PCIADDR_MAX];
	char small[8];

	(void)state;
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_ESXCONF),
	    VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "segment 1"));
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_ESXI_LSPCI),
	    VIFS_EINVAL);
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_LINUX_SHORT),
	    VIFS_EINVAL);
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_AUTO),
	    VIFS_EINVAL);
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &bad,
	                     VIFS_PCI_LINUX),
	    VIFS_EINVAL);
	assert_int_equal(vifs_pciaddr_format(small, sizeof(small), &a,
	                     VIFS_PCI_LINUX),
	    VIFS_EINVAL);
	assert_string_equal(small, "");
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_LINUX),
	    0);
	assert_string_equal(buf, "0001:02:03.4");
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_VMX),
	    0);
	assert_string_equal(buf, "00001:002:03.4");
	assert_int_equal(vifs_pciaddr_format(buf, sizeof(buf), &a,
	                     VIFS_PCI_VMX_SHORT),
	    0);
	assert_string_equal(buf, "1:2:3.4");
}

static void
test_pciaddr_cmp_and_names(void **state)
{
	struct vifs_pciaddr a = { 0, 1, 2, 3 }, b = a;
	enum vifs_pci_notation n;

	(void)state;
	assert_int_equal(vifs_pciaddr_cmp(&a, &b), 0);
	b.func = 4;
	assert_true(vifs_pciaddr_cmp(&a, &b) < 0);
	b.dev = 1;
	assert_true(vifs_pciaddr_cmp(&a, &b) > 0);
	b.bus = 2;
	assert_true(vifs_pciaddr_cmp(&a, &b) < 0);
	b.segment = 0;
	a.segment = 1;
	assert_true(vifs_pciaddr_cmp(&a, &b) > 0);

	for (n = VIFS_PCI_AUTO; n <= VIFS_PCI_VMX_SHORT; n++) {
		enum vifs_pci_notation back;

		assert_int_equal(vifs_pci_notation_parse(&back,
		                     vifs_pci_notation_name(n)),
		    0);
		assert_int_equal(back, n);
	}
	assert_string_equal(vifs_pci_notation_name(VIFS_PCI_ESXCONF),
	    "esxconf");
	assert_string_equal(vifs_pci_notation_name(VIFS_PCI_LINUX), "linux");
	assert_int_equal(vifs_pci_notation_parse(&n, "hex"), VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "'hex'"));
	assert_int_equal(vifs_pci_notation_parse(&n, ""), VIFS_EINVAL);
	assert_string_equal(vifs_pci_notation_name((enum vifs_pci_notation)99),
	    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pciaddr_readme_table),
		cmocka_unit_test(test_pciaddr_fixture_lspci_headers),
		cmocka_unit_test(test_pciaddr_fixture_esxconf_keys),
		cmocka_unit_test(test_pciaddr_fixture_esxi_listing),
		cmocka_unit_test(test_pciaddr_every_notation_both_ways),
		cmocka_unit_test(test_pciaddr_round_trip_all),
		cmocka_unit_test(test_pciaddr_ambiguous),
		cmocka_unit_test(test_pciaddr_ranges),
		cmocka_unit_test(test_pciaddr_hostile),
		cmocka_unit_test(test_pciaddr_format_errors),
		cmocka_unit_test(test_pciaddr_cmp_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
