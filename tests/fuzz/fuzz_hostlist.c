/*
 * fuzz_hostlist.c - the hosts of a fleet: list files and VI_SERVERS words.
 *
 * Invariants checked besides memory safety: a list that parses has no
 * two entries for one host, each entry added again is found as a
 * duplicate, its name is no longer than a line and holds no blank, and
 * its path-safe form is never empty, ".", "..", hidden, nor holds a '/'.
 * A refused list leaves the list as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/hostlist.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_entries(vifs_hostlist *l)
{
	size_t n = vifs_hostlist_count(l);

	for (size_t i = 0; i < n; i++) {
		const struct vifs_hostlist_entry *e = vifs_hostlist_get(l, i);
		char *safe = NULL;
		int added = -1;

		if (e == NULL || *e->name == '\0' || *e->host == '\0' ||
		    strpbrk(e->name, " \t\r\n/#") != NULL || e->port > 65535)
			abort();
		if (vifs_hostlist_add(l, e->name, &added) != 0 || added != 0)
			abort();
		if (vifs_hostlist_safe_name(&safe, e->name) != 0)
			abort();
		if (*safe == '\0' || safe[0] == '.' || strchr(safe, '/'))
			abort();
		free(safe);
	}
	if (vifs_hostlist_count(l) != n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_hostlist *l = NULL;
	char *text;

	if (vifs_hostlist_new(&l, 443) != 0)
		return 0;
	if (vifs_hostlist_add(l, "esx00", NULL) != 0)
		abort();
	if (vifs_hostlist_parse(l, "fuzz", (const char *)data, size) == 0)
		check_entries(l);
	else if (vifs_hostlist_count(l) != 1)
		abort();
	vifs_hostlist_free(l);

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vifs_hostlist_new(&l, 80) == 0) {
		if (vifs_hostlist_add_words(l, text) == 0)
			check_entries(l);
		vifs_hostlist_free(l);
	}
	free(text);
	return 0;
}
