/*
 * fuzz_listing.c - directory listing pages.
 *
 * Besides memory safety, checks that the text rendering has exactly one
 * line per entry with link text and that the XML rendering is always well-formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <vifs/listing.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const vifs_listing *l)
{
	char *out;
	size_t len, lines = 0, texts = 0;

	if (vifs_listing_format_text(&out, &len, l) != 0)
		return;
	for (size_t i = 0; i < len; i++)
		lines += out[i] == '\n';
	/* One line per link with text (vifs skips links without). */
	for (size_t i = 0; i < vifs_listing_count(l); i++)
		texts += *vifs_listing_get(l, i)->text != '\0';
	if (lines != texts + 4 || strlen(out) != len)
		abort();
	free(out);
}

static void
check_xml(const vifs_listing *l)
{
	xmlDocPtr doc;
	char *out;
	size_t len;

	if (vifs_listing_format_xml(&out, &len, l, "[ds] \x01\xff") != 0)
		return;
	doc = xmlReadMemory(out, (int)len, "listing.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		abort();
	xmlFreeDoc(doc);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_listing *l = NULL;

	if (vifs_listing_parse(&l, (const char *)data, size) != 0)
		return 0;
	for (size_t i = 0; i < vifs_listing_count(l); i++) {
		const struct vifs_listing_entry *e = vifs_listing_get(l, i);

		if (e->name == NULL || e->name[0] == '\0' || e->href == NULL)
			abort();
	}
	check_text(l);
	check_xml(l);
	vifs_listing_free(l);
	return 0;
}
