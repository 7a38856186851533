/*
 * test_audit.c - baselines, the audit of one esx.conf (drift, lint,
 * passthru devices with and without a topology), and the fleet report:
 * written, validated against docs/schemas/audit.xsd, read back for
 * --retry-failed, and hostile reports refused.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/file.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "testutil.h"

static vifs_baseline *
baseline(const char *text)
{
	vifs_baseline *b = NULL;

	assert_int_equal(vifs_baseline_parse(&b, "b.conf", text, strlen(text)),
	    0);
	return b;
}

static vifs_esxconf *
doc_of(const char *text)
{
	vifs_esxconf *d = NULL;

	assert_int_equal(vifs_esxconf_parse(&d, "esx.conf", text, strlen(text)),
	    0);
	return d;
}

static void
test_baseline_parse(void **state)
{
	static const char good[] = "# what every host must have\n"
	                           "/adv/Misc/LogPort = \"514\"\n"
	                           "\n"
	                           "/adv/UserVars/Shell = \"*\"   # any value\n"
	                           "/adv/Star = \"|2a\"\n"
	                           "/adv/Bare = *\n"
	                           "  !/adv/Net/Forbidden   # must be absent\n"
	                           "!/adv/Other\n";
	vifs_baseline *b = baseline(good);

	(void)state;
	assert_int_equal(vifs_baseline_count(b), 6);
	assert_string_equal(vifs_baseline_name(b), "b.conf");
	vifs_baseline_free(b);
	vifs_baseline_free(NULL);
	/* Empty and comment-only baselines have no rules. */
	b = baseline("");
	assert_int_equal(vifs_baseline_count(b), 0);
	vifs_baseline_free(b);
	assert_int_equal(vifs_baseline_parse(&b, NULL, "# x\n\n", 5), 0);
	assert_string_equal(vifs_baseline_name(b), "baseline");
	vifs_baseline_free(b);
}

static void
test_baseline_hostile(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} bad[] = {
		{ "/a = \"1\"\nnot a rule\n", 0, "b.conf:2: not a rule" },
		{ "adv/x = \"1\"\n", 0, "b.conf:1:" },
		{ "!/a = \"1\"\n", 0, "b.conf:1: a '!key' line" },
		{ "!/a /b\n", 0, "b.conf:1: a '!key' line" },
		{ "!\n", 0, "b.conf:1:" },
		{ "/a = \"1\"\n/b = \"2\"\n/a = \"3\"\n", 0,
		    "b.conf:3: /a is already at line 1" },
		{ "!/a\n/a = \"*\"\n", 0, "b.conf:2: /a is already at line 1" },
		{ "/a = \"unterminated\n", 0, "b.conf:1: not a rule" },
		{ "/a\0b = \"1\"\n", 11, "b.conf:1:" },
		{ "/a b = \"1\"\n", 0, "b.conf:1:" },
	};
	vifs_baseline *b = (vifs_baseline *)1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);

		assert_int_equal(vifs_baseline_parse(&b, "b.conf", bad[i].text,
		                     len),
		    VIFS_EPARSE);
		assert_null(b);
		assert_non_null(strstr(vifs_error_last(), bad[i].msg));
	}
	assert_int_equal(vifs_baseline_open(&b, "/nonexistent/b.conf"),
	    VIFS_ENOTFOUND);
}

static void
test_drift(void **state)
{
	vifs_baseline *b = baseline("/a = \"1\"\n"
	                            "/b = \"*\"\n"
	                            "/c = \"x|7cy\"\n"
	                            "!/d\n"
	                            "/e = \"same\"\n"
	                            "!/f\n"
	                            "/g = \"*\"\n"
	                            "/h = \"|2a\"\n");
	vifs_esxconf *d = doc_of("/a = \"2\"\n"
	                         "/c = \"x|7cz\"\n"
	                         "/d = \"there|01\"\n"
	                         "/e = \"same\"\n"
	                         "/g = \"\"\n"
	                         "/h = \"*\"\n");
	vifs_audit *a = NULL;
	const struct vifs_drift *x;

	(void)state;
	assert_int_equal(vifs_audit_new(&a, d, b, NULL), 0);
	assert_int_equal(vifs_audit_drift_count(a), 4);
	x = vifs_audit_drift(a, 0);
	assert_int_equal(x->kind, VIFS_DRIFT_DIFFERS);
	assert_string_equal(x->key, "/a");
	assert_string_equal(x->expected, "1");
	assert_string_equal(x->actual, "2");
	assert_int_equal(x->line, 1);
	assert_int_equal(x->baseline_line, 1);
	x = vifs_audit_drift(a, 1);
	assert_int_equal(x->kind, VIFS_DRIFT_MISSING);
	assert_string_equal(x->key, "/b");
	assert_string_equal(x->expected, "*");
	assert_null(x->actual);
	assert_int_equal(x->line, 0);
	x = vifs_audit_drift(a, 2);
	assert_int_equal(x->kind, VIFS_DRIFT_DIFFERS);
	assert_string_equal(x->expected, "x|y");
	assert_string_equal(x->actual, "x|z");
	x = vifs_audit_drift(a, 3);
	assert_int_equal(x->kind, VIFS_DRIFT_PRESENT);
	assert_string_equal(x->key, "/d");
	assert_null(x->expected);
	assert_int_equal(x->actual_len, 6);
	assert_memory_equal(x->actual, "there\x01", 6);
	assert_int_equal(x->line, 3);
	assert_int_equal(x->baseline_line, 4);
	assert_null(vifs_audit_drift(a, 4));
	assert_int_equal(vifs_audit_problems(a), 4);
	vifs_audit_free(a);

	/* No baseline: no drift. */
	assert_int_equal(vifs_audit_new(&a, d, NULL, NULL), 0);
	assert_int_equal(vifs_audit_drift_count(a), 0);
	vifs_audit_free(a);
	vifs_audit_free(NULL);
	assert_int_equal(vifs_audit_new(&a, NULL, b, NULL), VIFS_EINVAL);
	vifs_esxconf_free(d);
	vifs_baseline_free(b);
}

static void
test_passthru_and_lint(void **state)
{
	size_t len;
	char *text = fixture_read("pci/seed-sample1.esx.conf", &len);
	vifs_esxconf *d = NULL;
	vifs_pci_topology *topo = NULL;
	struct vifs_pci_topology_dev dev;
	vifs_audit *a = NULL;
	char addr[VIFS_PCIADDR_MAX];

	(void)state;
	assert_int_equal(vifs_esxconf_parse(&d, "s1", text, len), 0);
	free(text);
	assert_int_equal(vifs_audit_new(&a, d, NULL, NULL), 0);
	/* 000:27.0, 000:30.0 and 001:00.0 are given to passthru. */
	assert_int_equal(vifs_audit_passthru_count(a), 3);
	vifs_pciaddr_format(addr, sizeof(addr),
	    &vifs_audit_passthru(a, 1)->addr, VIFS_PCI_LINUX);
	assert_string_equal(addr, "0000:00:1e.0");
	assert_int_equal(vifs_audit_has_topology(a), 0);
	assert_int_equal(vifs_lint_errors(vifs_audit_lint(a)), 0);
	assert_int_equal(vifs_audit_problems(a), 0);
	vifs_audit_free(a);

	/* With a topology: the bridge 00:1e.0 covers bus 5, so the device
	 * there is passthru too, through it. */
	assert_int_equal(vifs_pci_topology_new(&topo), 0);
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(vifs_pciaddr_parse(&dev.addr, NULL, "0000:00:1e.0",
	                     VIFS_PCI_LINUX),
	    0);
	dev.is_bridge = 1;
	dev.secondary = 5;
	dev.subordinate = 5;
	assert_int_equal(vifs_pci_topology_add(topo, &dev), 0);
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(vifs_pciaddr_parse(&dev.addr, NULL, "0000:05:00.0",
	                     VIFS_PCI_LINUX),
	    0);
	dev.has_parent = 1;
	assert_int_equal(vifs_pciaddr_parse(&dev.parent, NULL, "0000:00:1e.0",
	                     VIFS_PCI_LINUX),
	    0);
	assert_int_equal(vifs_pci_topology_add(topo, &dev), 0);
	assert_int_equal(vifs_audit_new(&a, d, NULL, topo), 0);
	assert_int_equal(vifs_audit_has_topology(a), 1);
	assert_int_equal(vifs_audit_passthru_count(a), 4);
	assert_int_equal(vifs_audit_passthru(a, 3)->via_bridge, 1);
	assert_null(vifs_audit_passthru(a, 4));
	vifs_audit_free(a);
	vifs_pci_topology_free(topo);
	vifs_esxconf_free(d);

	/* A lint error makes a problem. */
	d = doc_of("/device/000:01.0/owner = \"passthru\"\n"
	           "/device/000:01.0/vmkname = \"vmhba0\"\n");
	assert_int_equal(vifs_audit_new(&a, d, NULL, NULL), 0);
	assert_int_equal(vifs_audit_problems(a), 1);
	vifs_audit_free(a);
	vifs_esxconf_free(d);
}

static char *
xpath_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(o);
	s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void
assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath_str(doc, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s: want '%s', got '%s'", expr, want, got);
	xmlFree(got);
}

static void
test_report(void **state)
{
	char *dir = tmpdir_make(), path[512], *xml = NULL, **failed = NULL;
	vifs_audit_report *r = NULL;
	vifs_baseline *b = baseline("/a = \"1\"\n!/d\n");
	vifs_esxconf *good = doc_of("/a = \"1\"\n");
	vifs_esxconf *bad = doc_of("/a = \"caf\xc3\xa9 \x01|\xff\"\n"
	                           "/d = \"<&>\"\n"
	                           "/device/000:27.0/owner = \"passthru\"\n");
	vifs_audit *ga = NULL, *ba = NULL;
	xmlDocPtr doc;
	size_t len, n;

	(void)state;
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	assert_int_equal(vifs_audit_new(&ga, good, b, NULL), 0);
	assert_int_equal(vifs_audit_new(&ba, bad, b, NULL), 0);
	assert_int_equal(vifs_audit_report_open(&r, path, "b.conf"), 0);
	assert_int_equal(vifs_audit_report_host(r, "esx01", VIFS_AUDIT_OK, ga,
	                     NULL, 0, NULL),
	    0);
	assert_int_equal(vifs_audit_report_host(r, "esx02:8443",
	                     VIFS_AUDIT_DRIFT, ba, "inv/esx02.xml", 0, NULL),
	    0);
	assert_int_equal(vifs_audit_report_host(r, "esx03", VIFS_AUDIT_FAILED,
	                     NULL, NULL, VIFS_EAUTH,
	                     "authentication failed for root@esx03:443"),
	    0);
	assert_int_equal(vifs_audit_report_host(r, "[fe80::1]",
	                     VIFS_AUDIT_SKIPPED, NULL, NULL, VIFS_ERROR,
	                     "skipped: \x1b[31m the run was stopped"),
	    0);
	/* An audited host needs its audit. */
	assert_int_equal(vifs_audit_report_host(r, "x", VIFS_AUDIT_OK, NULL,
	                     NULL, 0, NULL),
	    VIFS_EINVAL);
	/* Until closed, only the temporary file exists. */
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(vifs_audit_report_close(r, 1.5), 0);
	assert_int_equal(vifs_audit_report_close(r, 1.5), VIFS_EINVAL);
	vifs_audit_report_free(r);
	assert_int_equal(count_entries(dir), 1);

	assert_int_equal(vifs_file_read(&xml, &len, path), 0);
	doc = xml_validate(xml, len, "audit.xsd");
	assert_xpath(doc, "string(/audit/@baseline)", "b.conf");
	assert_xpath(doc, "count(/audit/host)", "4");
	assert_xpath(doc, "string(/audit/host[1]/@status)", "ok");
	assert_xpath(doc, "string(/audit/host[2]/@status)", "drift");
	assert_xpath(doc, "string(/audit/host[2]/@inventory)", "inv/esx02.xml");
	assert_xpath(doc, "string(/audit/host[2]/drift/@count)", "2");
	assert_xpath(doc, "string(/audit/host[2]/drift/difference[1]/@actual)",
	    "caf\xc3\xa9 |01|7C|FF");
	assert_xpath(doc, "string(/audit/host[2]/drift/difference[2]/@kind)",
	    "present");
	assert_xpath(doc, "string(/audit/host[2]/drift/difference[2]/@actual)",
	    "<&>");
	assert_xpath(doc, "string(/audit/host[2]/passthru/device/@address)",
	    "0000:00:1b.0");
	assert_xpath(doc, "string(/audit/host[2]/passthru/@topology)", "no");
	assert_xpath(doc, "string(/audit/host[3]/error/@code)", "auth");
	assert_xpath(doc, "string(/audit/host[3]/error)",
	    "authentication failed for root@esx03:443");
	assert_xpath(doc, "string(/audit/host[4]/error)",
	    "skipped: |1B[31m the run was stopped");
	assert_xpath(doc, "string(/audit/summary/@hosts)", "4");
	assert_xpath(doc, "string(/audit/summary/@ok)", "1");
	assert_xpath(doc, "string(/audit/summary/@drift)", "1");
	assert_xpath(doc, "string(/audit/summary/@failed)", "1");
	assert_xpath(doc, "string(/audit/summary/@skipped)", "1");
	assert_xpath(doc, "string(/audit/summary/@seconds)", "1.500");
	xmlFreeDoc(doc);

	/* --retry-failed: the failed and skipped hosts, in order. */
	assert_int_equal(vifs_audit_report_failed(&failed, &n, path), 0);
	assert_int_equal(n, 2);
	assert_string_equal(failed[0], "esx03");
	assert_string_equal(failed[1], "[fe80::1]");
	assert_null(failed[2]);
	vifs_audit_hosts_free(failed);
	free(xml);

	/* A report abandoned before close leaves nothing behind. */
	snprintf(path, sizeof(path), "%s/gone.xml", dir);
	assert_int_equal(vifs_audit_report_open(&r, path, NULL), 0);
	assert_int_equal(count_entries(dir), 2);
	vifs_audit_report_free(r);
	assert_int_equal(count_entries(dir), 1);
	snprintf(path, sizeof(path), "%s/no/such/dir/r.xml", dir);
	assert_int_equal(vifs_audit_report_open(&r, path, NULL), VIFS_EIO);
	assert_null(r);

	vifs_audit_free(ga);
	vifs_audit_free(ba);
	vifs_esxconf_free(good);
	vifs_esxconf_free(bad);
	vifs_baseline_free(b);
	tmpdir_remove(dir);
}

/*
 * The seed's state: sample 2's host booted from a stick on EHCI 000:29.7
 * and its USB controllers went to passthru; with an inventory that knows
 * the boot controller the audit reports an error, in its problems and in
 * the XML report.
 */
static void
test_boot_controller_given_away(void **state)
{
	char *dir = tmpdir_make(), path[512], *xml = NULL;
	vifs_esxconf *d = doc_of("/device/000:29.0/owner = \"passthru\"\n"
	                         "/device/000:29.7/owner = \"passthru\"\n"
	                         "/device/000:30.0/owner = \"passthru\"\n");
	static const char *const addrs[] = { "0000:00:1d.0", "0000:00:1d.1",
		"0000:00:1d.7", "0000:00:1e.0" };
	vifs_pci_topology *topo = NULL;
	vifs_audit *a = NULL;
	vifs_audit_report *r = NULL;
	const struct vifs_audit_danger *g;
	xmlDocPtr doc;
	size_t len;

	(void)state;
	assert_int_equal(vifs_pci_topology_new(&topo), 0);
	for (size_t i = 0; i < 4; i++) {
		struct vifs_pci_topology_dev dev;

		memset(&dev, 0, sizeof(dev));
		assert_int_equal(vifs_pciaddr_parse(&dev.addr, NULL, addrs[i],
		                     VIFS_PCI_LINUX),
		    0);
		if (i == 1) {
			/* A UHCI companion that holds the stick instead. */
			dev.roles = VIFS_ROLE_BOOT;
			snprintf(dev.role_how, sizeof(dev.role_how), "sysfs");
		}
		if (i == 2) {
			dev.roles = VIFS_ROLE_BOOT;
			snprintf(dev.name, sizeof(dev.name), "ICH9 EHCI #1");
			snprintf(dev.role_how, sizeof(dev.role_how),
			    "--boot-device 000:29.7");
		}
		dev.is_bridge = i == 3;
		assert_int_equal(vifs_pci_topology_add(topo, &dev), 0);
	}
	assert_int_equal(vifs_audit_new(&a, d, NULL, topo), 0);
	/* 1d.0 shares the slot of 1d.1; 1d.7 is a boot controller and
	 * shares the slot of 1d.1 too. */
	assert_int_equal(vifs_audit_danger_count(a), 3);
	assert_int_equal(vifs_audit_problems(a), 3);
	g = vifs_audit_danger(a, 1);
	assert_string_equal(g->rule, "passthru-boot-controller");
	assert_int_equal(g->role, VIFS_ROLE_BOOT);
	assert_string_equal(g->message,
	    "0000:00:1d.7 (ICH9 EHCI #1) carries the boot device "
	    "(--boot-device 000:29.7) but is passthru: the host keeps running "
	    "from memory but can no longer save its configuration to the "
	    "boot device (state.tgz), so no later change survives a reboot, "
	    "not even undoing this one, and the datastores on that controller "
	    "disappear");
	assert_non_null(strstr(vifs_audit_danger(a, 0)->message,
	    "0000:00:1d.0 is passthru and shares its slot with 0000:00:1d.1, "
	    "which carries the boot device (sysfs)"));
	assert_non_null(strstr(vifs_audit_danger(a, 2)->message,
	    "0000:00:1d.7 (ICH9 EHCI #1) is passthru and shares its slot with "
	    "0000:00:1d.1"));
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	assert_int_equal(vifs_audit_report_open(&r, path, NULL), 0);
	assert_int_equal(vifs_audit_report_host(r, "esx01", VIFS_AUDIT_DRIFT, a,
	                     "esx01.xml", 0, NULL),
	    0);
	assert_int_equal(vifs_audit_report_close(r, 0.1), 0);
	vifs_audit_report_free(r);
	assert_int_equal(vifs_file_read(&xml, &len, path), 0);
	doc = xml_validate(xml, len, "audit.xsd");
	assert_xpath(doc,
	    "count(//device[@address='0000:00:1d.7']/danger[@rule="
	    "'passthru-boot-controller' and @severity='error' and "
	    "@holder='0000:00:1d.7'])",
	    "1");
	assert_xpath(doc,
	    "string(//device[@address='0000:00:1d.0']/danger[1]/@holder)",
	    "0000:00:1d.1");
	xmlFreeDoc(doc);
	free(xml);
	vifs_audit_free(a);
	/* Without the inventory nothing is known. */
	assert_int_equal(vifs_audit_new(&a, d, NULL, NULL), 0);
	assert_int_equal(vifs_audit_danger_count(a), 0);
	vifs_audit_free(a);
	vifs_pci_topology_free(topo);
	vifs_esxconf_free(d);
	tmpdir_remove(dir);
}

static void
test_report_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"not xml",
		"<audit version=\"1\"><host name=\"a\" status=\"failed\">",
		"<report version=\"1\"/>",
		"<audit version=\"2\"/>",
		"<audit/>",
		"<audit version=\"1\"><host status=\"failed\"/></audit>",
		"<audit version=\"1\"><host name=\"a\" "
		"status=\"bad\"/></audit>",
		"<audit version=\"1\"><host name=\"\" status=\"failed\"/>"
		"</audit>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE audit [\n"
		"<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		"]>\n<audit version=\"1\"><host name=\"&c;\" "
		"status=\"failed\"/></audit>",
		"<!DOCTYPE audit SYSTEM \"http://example.com/x.dtd\">"
		"<audit version=\"1\"/>",
	};
	static const char none[] = "<audit version=\"1\"><host name=\"a\" "
	                           "status=\"ok\"/><summary/></audit>";
	char **hosts = (char **)1, *big;
	size_t n = 99, len = 2000;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vifs_audit_report_failed_parse(&hosts, &n,
		                     bad[i], strlen(bad[i])),
		    VIFS_EPARSE);
		assert_null(hosts);
		assert_int_equal(n, 0);
		assert_non_null(strstr(vifs_error_last(), "audit report"));
	}
	/* A host name longer than any host name. */
	big = malloc(len + 100);
	assert_non_null(big);
	snprintf(big, len + 100, "<audit version=\"1\"><host name=\"");
	memset(big + strlen(big), 'a', len);
	strcpy(big + strlen("<audit version=\"1\"><host name=\"") + len,
	    "\" status=\"failed\"/></audit>");
	assert_int_equal(vifs_audit_report_failed_parse(&hosts, &n, big,
	                     strlen(big)),
	    VIFS_EPARSE);
	free(big);
	/* Nothing failed: an empty list. */
	assert_int_equal(vifs_audit_report_failed_parse(&hosts, &n, none,
	                     strlen(none)),
	    0);
	assert_int_equal(n, 0);
	assert_null(hosts[0]);
	vifs_audit_hosts_free(hosts);
	vifs_audit_hosts_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_parse),
		cmocka_unit_test(test_baseline_hostile),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_passthru_and_lint),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_boot_controller_given_away),
		cmocka_unit_test(test_report_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
