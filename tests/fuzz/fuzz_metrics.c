/*
 * fuzz_metrics.c - the reader of an earlier metrics file of vifs audit
 * (the last successful audit time of each host is carried over from it).
 *
 * Invariants checked besides memory safety: every host it gives is at
 * most 1024 bytes, and every time is a number from 0 to 1e12.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(const char *host, double t, void *payload)
{
	(void)payload;
	if (strlen(host) > 1024 || !(t >= 0) || t > 1e12)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	audit_metrics_parse((const char *)data, size, check, NULL);
	return 0;
}
