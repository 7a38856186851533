/*
 * listing.c - directory listing pages (ESXi, nginx autoindex, govmomi's
 * simulator) read with libxml2's HTML parser; text and XML renderings.
 * PROTOCOL.md §3 (output) and §4.3 (what is known of the pages).
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/listing.h>
#include <vifs/remotepath.h>

#include "internal.h"
#include "utf8.h"
#include "xmlquiet.h"

struct vifs_listing {
	struct vifs_listing_entry *entries;
	size_t count;
	size_t cap;
	int has_parent;
};

static void
entry_clear(struct vifs_listing_entry *e)
{
	free((char *)(uintptr_t)e->name);
	free((char *)(uintptr_t)e->href);
	free((char *)(uintptr_t)e->text);
}

void
vifs_listing_free(vifs_listing *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++)
		entry_clear(&l->entries[i]);
	free(l->entries);
	free(l);
}

size_t
vifs_listing_count(const vifs_listing *l)
{
	return l->count;
}

const struct vifs_listing_entry *
vifs_listing_get(const vifs_listing *l, size_t i)
{
	return i < l->count ? &l->entries[i] : NULL;
}

int
vifs_listing_has_parent(const vifs_listing *l)
{
	return l->has_parent;
}

const char *
vifs_listing_type_name(enum vifs_listing_type type)
{
	switch (type) {
	case VIFS_LISTING_FILE:
		return "file";
	case VIFS_LISTING_DIR:
		return "directory";
	case VIFS_LISTING_DATASTORE:
		return "datastore";
	case VIFS_LISTING_DATACENTER:
		return "datacenter";
	}
	return "file";
}

/* Parses LEN bytes of S as a decimal byte count: digits only, no overflow. */
static int
parse_count(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* Trims S in place to its non-blank span: *start and *len. */
static void
trim_span(const char *s, const char **start, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	*start = s;
	*len = n;
}

/* Text of a table cell, trimmed, as a byte count. */
static int
cell_count(uint64_t *out, xmlNode *cell)
{
	xmlChar *content = xmlNodeGetContent(cell);
	const char *s;
	size_t n;
	int ok;

	if (content == NULL)
		return 0;
	trim_span((const char *)content, &s, &n);
	ok = parse_count(out, s, n);
	xmlFree(content);
	return ok;
}

static int
is_element(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* The table cell that holds anchor A (a few levels up at most), or NULL. */
static xmlNode *
enclosing_cell(xmlNode *a)
{
	xmlNode *n = a->parent;

	for (int depth = 0; n != NULL && depth < 4; depth++, n = n->parent) {
		if (is_element(n, "td") || is_element(n, "th"))
			return n;
		if (is_element(n, "tr") || is_element(n, "table"))
			return NULL;
	}
	return NULL;
}

static xmlNode *
next_cell(xmlNode *n)
{
	for (n = n->next; n != NULL; n = n->next)
		if (is_element(n, "td") || is_element(n, "th"))
			return n;
	return NULL;
}

/* Sizes from the cells after the anchor's cell. */
static void
sizes_from_row(struct vifs_listing_entry *e, xmlNode *cell)
{
	xmlNode *c1 = next_cell(cell), *c2;
	uint64_t a, b;

	if (e->type == VIFS_LISTING_DATASTORE) {
		if (c1 != NULL && (c2 = next_cell(c1)) != NULL &&
		    cell_count(&a, c1) && cell_count(&b, c2)) {
			e->has_space = 1;
			e->capacity = a;
			e->free = b;
		}
		return;
	}
	if (e->type != VIFS_LISTING_FILE)
		return;
	for (; c1 != NULL; c1 = next_cell(c1)) {
		if (cell_count(&a, c1)) {
			e->has_size = 1;
			e->size = a;
			return;
		}
	}
}

/* nginx: "   11-Jan-2024 10:00     123\n" after the anchor. */
static void
size_from_text(struct vifs_listing_entry *e, xmlNode *a)
{
	xmlNode *t = a->next;
	const char *s, *end, *w;
	uint64_t v;

	if (e->type != VIFS_LISTING_FILE || t == NULL ||
	    t->type != XML_TEXT_NODE || t->content == NULL)
		return;
	s = (const char *)t->content;
	if ((end = strchr(s, '\n')) == NULL)
		end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		end--;
	for (w = end; w > s && !is_blank(w[-1]); w--)
		;
	while (s < w && is_blank(*s))
		s++;
	/* The size is the last of several words (date, time, size). */
	if (w == s)
		return;
	if (parse_count(&v, w, (size_t)(end - w))) {
		e->has_size = 1;
		e->size = v;
	}
}

/*
 * Looks up KEY in the query Q (LEN bytes, '&'-separated) and stores its
 * decoded value in a new string *out (NULL when absent or malformed).
 */
static int
query_get(char **out, const char *q, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = q, *end = q + len;

	*out = NULL;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);

		if (n > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			free(*out);
			*out = NULL;
			if (vifs_remotepath_decode(out, NULL, p + klen + 1,
			        n - klen - 1) == VIFS_ENOMEM)
				return VIFS_ENOMEM;
		}
		p += n + 1;
	}
	return VIFS_OK;
}

/*
 * Classifies HREF and fills E->name and E->type.  Returns 1 for an entry,
 * 2 for a link to the parent, 0 for another link to skip, or a negative
 * error.
 */
static int
classify(struct vifs_listing_entry *e, const char *href)
{
	size_t hlen = strcspn(href, "#");
	size_t plen = strcspn(href, "?#");
	const char *path = href, *q = href + plen, *seg;
	size_t end, start;
	char *name = NULL;
	int error;

	/*
	 * An absolute URL: drop "http(s)://authority"; skip other schemes
	 * (javascript:, mailto:).  RFC 3986: scheme = ALPHA *(ALPHA / DIGIT
	 * / "+" / "-" / ".") ":".
	 */
	for (size_t i = 0; i < plen; i++) {
		char c = href[i];

		if (c == ':' && i > 0) {
			const char *a = href + i + 1;

			if (!((i == 4 && strncasecmp(href, "http", 4) == 0) ||
			        (i == 5 &&
			            strncasecmp(href, "https", 5) == 0)) ||
			    plen - i < 3 || a[0] != '/' || a[1] != '/')
				return 0;
			for (a += 2; a < href + plen && *a != '/'; a++)
				;
			plen -= (size_t)(a - path);
			path = a;
			break;
		}
		if (!(isalpha((unsigned char)c) ||
		        (i > 0 &&
		            (isdigit((unsigned char)c) || c == '+' ||
		                c == '-' || c == '.'))))
			break;
	}
	if (*q == '?')
		q++;
	end = plen;
	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 7 && memcmp(path, "/folder", 7) == 0) {
		size_t qlen = (size_t)(href + hlen - q);

		if (q > href + hlen)
			qlen = 0;
		if ((error = query_get(&name, q, qlen, "dsName")) < 0)
			return error;
		if (name != NULL && *name != '\0') {
			e->type = VIFS_LISTING_DATASTORE;
		} else {
			free(name);
			name = NULL;
			if ((error = query_get(&name, q, qlen, "dcPath")) < 0)
				return error;
			if (name == NULL || *name == '\0') {
				free(name);
				return 0;
			}
			e->type = VIFS_LISTING_DATACENTER;
		}
		e->is_dir = 1;
		e->name = name;
		return 1;
	}
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	seg = path + start;
	if (end - start == 2 && seg[0] == '.' && seg[1] == '.')
		return 2;
	if (end == start || (end - start == 1 && seg[0] == '.'))
		return 0;
	error = vifs_remotepath_decode(&name, NULL, seg, end - start);
	if (error == VIFS_ENOMEM)
		return error;
	/* A malformed escape: keep the segment as the page wrote it. */
	if (error < 0 && (name = vifs_strndup(seg, end - start)) == NULL)
		return VIFS_ENOMEM;
	e->is_dir = end < plen;
	e->type = e->is_dir ? VIFS_LISTING_DIR : VIFS_LISTING_FILE;
	e->name = name;
	return 1;
}

static int
starts_with_parent(const char *text)
{
	while (is_blank(*text))
		text++;
	return strncmp(text, "Parent Datacenter", 17) == 0 ||
	    strncmp(text, "Parent Directory", 16) == 0;
}

static int
add_anchor(vifs_listing *l, xmlNode *a, size_t *anchors)
{
	struct vifs_listing_entry e;
	xmlChar *href = NULL, *text = NULL;
	xmlNode *cell;
	int rc, error = 0;

	memset(&e, 0, sizeof(e));
	if ((href = xmlGetProp(a, (const xmlChar *)"href")) == NULL)
		return VIFS_OK;
	if ((text = xmlNodeGetContent(a)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if ((*anchors)++ == 0 && starts_with_parent((const char *)text)) {
		l->has_parent = 1;
		goto done;
	}
	if ((rc = classify(&e, (const char *)href)) != 1) {
		if (rc == 2)
			l->has_parent = 1;
		error = rc < 0 ? rc : 0;
		goto done;
	}
	if ((e.href = vifs_strdup((const char *)href)) == NULL ||
	    (e.text = vifs_strdup((const char *)text)) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((cell = enclosing_cell(a)) != NULL)
		sizes_from_row(&e, cell);
	else
		size_from_text(&e, a);
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct vifs_listing_entry *p;

		p = realloc(l->entries, cap * sizeof(*p));
		if (p == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
		l->entries = p;
		l->cap = cap;
	}
	l->entries[l->count++] = e;
	memset(&e, 0, sizeof(e));
done:
	entry_clear(&e);
	xmlFree(href);
	xmlFree(text);
	return error;
}

int
vifs_listing_parse(vifs_listing **out, const char *buf, size_t len)
{
	vifs_listing *l = NULL;
	struct vifs_xml_quiet quiet;
	htmlDocPtr doc = NULL;
	xmlNode *n;
	size_t anchors = 0;
	int error = 0;

	*out = NULL;
	if (len > VIFS_LISTING_MAX)
		return vifs_error_set(VIFS_ETOOBIG,
		    "listing page of %zu bytes is too large (more than %zu)",
		    len, VIFS_LISTING_MAX);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	vifs_xml_quiet_begin(&quiet);
	if (len > 0)
		doc = htmlReadMemory(buf, (int)len, NULL, "UTF-8",
		    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
		        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	vifs_xml_quiet_end(&quiet);
	/* Depth-first walk without recursion: pages may nest deeply. */
	for (n = doc ? xmlDocGetRootElement(doc) : NULL; n != NULL;) {
		if (is_element(n, "a") &&
		    (error = add_anchor(l, n, &anchors)) < 0)
			goto done;
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
	*out = l;
	l = NULL;
done:
	if (doc != NULL)
		xmlFreeDoc(doc);
	vifs_listing_free(l);
	return error;
}

/*
 * Appends the name S for a terminal: valid UTF-8 passes, but control
 * characters (C0, DEL, C1 such as U+009B, the 8-bit CSI) and every byte
 * of an invalid sequence become '?', so that a host's file names cannot
 * drive the terminal or break its decoding.
 */
static int
put_terminal_safe(struct vifs_buf *b, const char *s)
{
	size_t len = strlen(s);
	int error;

	while (len > 0) {
		uint32_t cp;
		int n = vifs_utf8_next(s, len, &cp);

		if (n < 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			if ((error = vifs_buf_putc(b, '?')) < 0)
				return error;
			n = n < 0 ? 1 : n;
		} else if ((error = vifs_buf_add(b, s, (size_t)n)) < 0) {
			return error;
		}
		s += n;
		len -= (size_t)n;
	}
	return VIFS_OK;
}

int
vifs_listing_terminal_text(char **out, const char *s)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = put_terminal_safe(&b, s)) < 0) {
		vifs_buf_free(&b);
		return error;
	}
	if ((*out = vifs_buf_detach(&b, NULL)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

/* TEXT with '&', '<' and '>' as the entities ESXi writes, then
 * terminal-safe. */
static int
put_link_text(struct vifs_buf *b, const char *text)
{
	struct vifs_buf t = VIFS_BUF_INIT;
	char *esc;
	int error = 0;

	for (const char *p = text; *p && error == 0; p++) {
		if (*p == '&')
			error = vifs_buf_puts(&t, "&amp;");
		else if (*p == '<')
			error = vifs_buf_puts(&t, "&lt;");
		else if (*p == '>')
			error = vifs_buf_puts(&t, "&gt;");
		else
			error = vifs_buf_putc(&t, *p);
	}
	if (error < 0) {
		vifs_buf_free(&t);
		return error;
	}
	if ((esc = vifs_buf_detach(&t, NULL)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	error = put_terminal_safe(b, esc);
	free(esc);
	return error;
}

int
vifs_listing_format_text(char **out, size_t *out_len, const vifs_listing *l)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((error = vifs_buf_puts(&b,
	         "\nContent Listing\n---------------\n\n")) < 0)
		goto done;
	/* VMware's vifs prints each link's text as the page holds it:
	 * entities as ESXi writes them ("&amp;"), a directory's trailing
	 * '/' as the server put it; a link without text it skips. */
	for (size_t i = 0; i < l->count; i++) {
		const struct vifs_listing_entry *e = &l->entries[i];

		if (*e->text == '\0')
			continue;
		if ((error = put_link_text(&b, e->text)) < 0)
			goto done;
		if ((error = vifs_buf_putc(&b, '\n')) < 0)
			goto done;
	}
	*out = vifs_buf_detach(&b, out_len);
done:
	vifs_buf_free(&b);
	return error;
}

/* Writes <ELEM>S</ELEM>, percent-encoded when XML cannot carry S. */
static int
write_text_element(xmlTextWriterPtr w, const char *elem, const char *s)
{
	char *enc = NULL;
	int rc;

	if (vifs_utf8_xml_safe(s))
		return xmlTextWriterWriteElement(w, (const xmlChar *)elem,
		    (const xmlChar *)s);
	if (vifs_remotepath_encode(&enc, s, strlen(s), 0) < 0)
		return -1;
	if ((rc = xmlTextWriterStartElement(w, (const xmlChar *)elem)) >= 0 &&
	    (rc = xmlTextWriterWriteAttribute(w, (const xmlChar *)"encoding",
	         (const xmlChar *)"uri")) >= 0 &&
	    (rc = xmlTextWriterWriteString(w, (const xmlChar *)enc)) >= 0)
		rc = xmlTextWriterEndElement(w);
	free(enc);
	return rc;
}

static int
write_entry(xmlTextWriterPtr w, const struct vifs_listing_entry *e)
{
	const xmlChar *x;

	if (xmlTextWriterStartElement(w, (const xmlChar *)"entry") < 0)
		return -1;
	x = (const xmlChar *)vifs_listing_type_name(e->type);
	if (xmlTextWriterWriteAttribute(w, (const xmlChar *)"type", x) < 0)
		return -1;
	if (e->has_size &&
	    xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)"size",
	        "%" PRIu64, e->size) < 0)
		return -1;
	if (e->has_space &&
	    (xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)"capacity",
	         "%" PRIu64, e->capacity) < 0 ||
	        xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)"free",
	            "%" PRIu64, e->free) < 0))
		return -1;
	if (write_text_element(w, "name", e->name) < 0)
		return -1;
	return xmlTextWriterEndElement(w);
}

int
vifs_listing_format_xml(char **out, size_t *out_len, const vifs_listing *l,
    const char *path)
{
	struct vifs_xml_quiet quiet;
	xmlBufferPtr xb = NULL;
	xmlTextWriterPtr w = NULL;
	int error = 0;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	vifs_xml_quiet_begin(&quiet);
	if ((xb = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, (const xmlChar *)"  ") < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, (const xmlChar *)"listing") < 0 ||
	    xmlTextWriterWriteAttribute(w, (const xmlChar *)"version",
	        (const xmlChar *)"1") < 0 ||
	    (path != NULL && write_text_element(w, "path", path) < 0))
		goto fail;
	for (size_t i = 0; i < l->count; i++)
		if (write_entry(w, &l->entries[i]) < 0)
			goto fail;
	if (xmlTextWriterEndDocument(w) < 0)
		goto fail;
	xmlFreeTextWriter(w);
	w = NULL;
	if ((*out = vifs_strndup((const char *)xmlBufferContent(xb),
	         (size_t)xmlBufferLength(xb))) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if (out_len)
		*out_len = (size_t)xmlBufferLength(xb);
	goto done;
fail:
	error = vifs_error_set(VIFS_ENOMEM,
	    "cannot write the listing as "
	    "XML: out of memory");
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (xb != NULL)
		xmlBufferFree(xb);
	vifs_xml_quiet_end(&quiet);
	return error;
}
