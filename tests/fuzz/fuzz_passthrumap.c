/*
 * fuzz_passthrumap.c - passthru.map parsing.
 *
 * Besides memory safety it checks that a parsed map is consistent: every
 * entry has a line number in order and names a known reset method and
 * shareable value, a lookup of each entry's own ids finds an entry of the
 * same vendor that is not overridden by a later exact line, and a refusal
 * always carries a "NAME:LINE: " message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_passthru_map *map = NULL;
	size_t n, last = 0;
	int rc;

	rc = vifs_passthru_map_parse(&map, "fuzz.map", (const char *)data,
	    size);
	if (rc != 0) {
		if (rc != VIFS_EPARSE || map != NULL)
			abort();
		if (strncmp(vifs_error_last(), "fuzz.map:", 9) != 0)
			abort();
		return 0;
	}
	n = vifs_passthru_map_count(map);
	for (size_t i = 0; i < n; i++) {
		const struct vifs_passthru_map_entry *e, *f;

		e = vifs_passthru_map_get(map, i);
		if (e == NULL || e->line <= last)
			abort();
		last = e->line;
		if (strcmp(vifs_reset_method_name(e->reset), "unknown") == 0 ||
		    strcmp(vifs_shareable_name(e->shareable), "unknown") == 0)
			abort();
		if (e->device_any != (e->device == 0xffff))
			abort();
		f = vifs_passthru_map_lookup(map, e->vendor, e->device);
		if (f == NULL || f->vendor != e->vendor)
			abort();
		/* An exact entry is found by itself or a later exact one. */
		if (!e->device_any && (f->device_any || f->line < e->line))
			abort();
	}
	if (vifs_passthru_map_get(map, n) != NULL)
		abort();
	vifs_passthru_map_free(map);
	return 0;
}
