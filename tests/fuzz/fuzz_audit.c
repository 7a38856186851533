/*
 * fuzz_audit.c - the parsers of the audit: baselines and audit reports
 * (read back for --retry-failed).
 *
 * Invariants checked besides memory safety: a baseline that parses,
 * applied to the same text read as an esx.conf, finds no drift (its
 * KEY = "VALUE" lines are there with their values, its KEY = "*" lines
 * exist, and its !KEY lines are no entries); the host names a report
 * gives back are non-empty and at most 1024 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/audit.h>
#include <vifs/esxconf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_baseline(const char *data, size_t size)
{
	vifs_baseline *b = NULL;
	vifs_esxconf *doc = NULL;
	vifs_audit *a = NULL;

	if (vifs_baseline_parse(&b, "fuzz", data, size) != 0)
		return;
	if (vifs_esxconf_parse(&doc, "fuzz", data, size) != 0)
		abort();
	if (vifs_audit_new(&a, doc, b, NULL) != 0)
		abort();
	if (vifs_audit_drift_count(a) != 0)
		abort();
	vifs_audit_free(a);
	vifs_esxconf_free(doc);
	vifs_baseline_free(b);
}

static void
fuzz_report(const char *data, size_t size)
{
	char **hosts = NULL;
	size_t n = 0;

	if (vifs_audit_report_failed_parse(&hosts, &n, data, size) != 0) {
		if (hosts != NULL || n != 0)
			abort();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(hosts[i]);

		if (len == 0 || len > 1024)
			abort();
	}
	if (hosts[n] != NULL)
		abort();
	vifs_audit_hosts_free(hosts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_baseline((const char *)data, size);
	fuzz_report((const char *)data, size);
	return 0;
}
