/*
 * fuzz_remotepath.c - remote path parsing and URL building.
 *
 * Checks two invariants besides memory safety: percent-encoding then
 * decoding gives the input back, and the URL built for a /folder path
 * parses back to the same datastore, path and dcPath.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/remotepath.h>

#define BASE "https://h"

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
check_url_roundtrip(const struct vifs_remotepath *rp, const char *url)
{
	struct vifs_remotepath *back = NULL;

	if (rp->mode != VIFS_REMOTEPATH_FOLDER)
		return;
	if (vifs_remotepath_parse(&back, url + strlen(BASE)) != 0)
		abort();
	if (!same(back->datastore, rp->datastore) ||
	    !same(back->dcpath, rp->dcpath) || !same(back->path, rp->path))
		abort();
	vifs_remotepath_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vifs_remotepath *rp = NULL;
	char *text, *s = NULL, *d = NULL;
	size_t n;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	/* Decoding refuses %00 on purpose, so the round trip holds for
	 * inputs without NUL bytes. */
	if (vifs_remotepath_encode(&s, text, size, 0) == 0) {
		if (memchr(text, '\0', size) == NULL) {
			if (vifs_remotepath_decode(&d, &n, s, strlen(s)) != 0 ||
			    n != size || memcmp(d, text, size) != 0)
				abort();
			free(d);
		}
		free(s);
	}
	if (vifs_remotepath_decode(&d, &n, text, size) == 0)
		free(d);

	if (vifs_remotepath_parse(&rp, text) == 0) {
		if (vifs_remotepath_url(&s, rp, BASE, 0) == 0) {
			check_url_roundtrip(rp, s);
			free(s);
		}
		if (vifs_remotepath_url(&s, rp, BASE "/",
		        VIFS_REMOTEPATH_AMP_TWICE) == 0)
			free(s);
		if (vifs_remotepath_dspath(&s, rp) == 0)
			free(s);
		if (vifs_remotepath_basename(&s, rp) == 0)
			free(s);
		(void)vifs_remotepath_display(rp);
		vifs_remotepath_free(rp);
	}
	if (vifs_remotepath_base(&s, text) == 0)
		free(s);
	free(text);
	return 0;
}
