/*
 * vifs/listing.h - directory listing pages of the ESXi file service.
 *
 * A GET of a directory (/folder/dir?..., /folder?dcPath=..., /host)
 * answers with an HTML page of links.  vifs_listing_parse() reads such a
 * page with libxml2's HTML parser (never with patterns) and knows the
 * shapes of ESXi, of nginx's autoindex and of govmomi's simulator:
 *
 *   - an entry is an <a href> anchor; its name is the last segment of the
 *     href, HTML entities resolved and percent-escapes decoded (so "&amp;",
 *     "%2d", "%20" all read right, and truncated anchor texts do not
 *     matter); a directory's href ends with '/';
 *   - a link to "/folder?...dsName=NAME" names a datastore (NAME), a link
 *     to "/folder?dcPath=PATH" without dsName a datacenter;
 *   - skipped: a first anchor whose text starts "Parent Datacenter" or
 *     "Parent Directory", links to ".." or "../", links without a name
 *     (query-only or fragment links) and links of schemes other than
 *     http(s) (javascript:, mailto:);
 *   - sizes: in a table row, the first cell after the link that holds only
 *     digits is a file's size, and a datastore's two cells after the link
 *     are capacity and free space in bytes; in nginx's <pre> layout, the
 *     last word of the text after the link when it is only digits (nginx
 *     prints "1M"-style sizes for big files without autoindex_exact_size;
 *     those stay unknown).
 */
#ifndef VIFS_LISTING_H
#define VIFS_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>

typedef struct vifs_listing vifs_listing;

enum vifs_listing_type {
	VIFS_LISTING_FILE = 0,
	VIFS_LISTING_DIR,
	VIFS_LISTING_DATASTORE,
	VIFS_LISTING_DATACENTER,
};

/*
 * One entry.  Strings are NUL-terminated UTF-8 as the page gave them
 * (NAME may hold any byte but NUL, since it comes from percent-escapes)
 * and borrowed from the listing: valid until vifs_listing_free().
 */
struct vifs_listing_entry {
	const char *name; /* decoded, without trailing '/' */
	enum vifs_listing_type type;
	int is_dir; /* DIR, DATASTORE or DATACENTER */
	const char *href; /* the href, entities resolved */
	const char *text; /* the anchor text, entities resolved */
	int has_size; /* FILE: SIZE is known */
	uint64_t size; /* bytes */
	int has_space; /* DATASTORE: CAPACITY and FREE are known */
	uint64_t capacity; /* bytes */
	uint64_t free; /* bytes */
};

/*
 * The largest listing page read (32 MiB, some 150 000 entries of ESXi's
 * pages): the HTML parser needs many times a page's size in memory, so a
 * host cannot make a listing cost gigabytes.
 */
#define VIFS_LISTING_MAX ((size_t)32 << 20)

/*
 * Parses LEN bytes of the HTML page BUF into a new listing *out (free
 * with vifs_listing_free()).  Any input parses (the HTML parser recovers
 * from errors; a page without links gives an empty listing); fails only
 * with VIFS_ENOMEM, or VIFS_ETOOBIG for more than VIFS_LISTING_MAX bytes.
 * The parser reads nothing from the network or disk.
 */
VIFS_EXTERN int vifs_listing_parse(vifs_listing **out, const char *buf,
    size_t len);

/* Frees L; NULL is allowed. */
VIFS_EXTERN void vifs_listing_free(vifs_listing *l);

/* Number of entries (a skipped parent link does not count). */
VIFS_EXTERN size_t vifs_listing_count(const vifs_listing *l);

/* Entry I in page order, or NULL when out of range; borrowed. */
VIFS_EXTERN const struct vifs_listing_entry *
vifs_listing_get(const vifs_listing *l, size_t i);

/*
 * Returns 1 when the page had a parent link that was skipped ("Parent
 * Directory", "Parent Datacenter", "../").
 */
VIFS_EXTERN int vifs_listing_has_parent(const vifs_listing *l);

/*
 * Writes the listing in vifs's text format (PROTOCOL.md §3, §4.3):
 * "\nContent Listing\n---------------\n\n" then the text of each link,
 * one a line, as VMware's vifs prints it: as the page holds it, '&', '<'
 * and '>' as the entities ESXi writes, a directory's trailing '/' when
 * the server gives one; links without text are left out.  Control
 * characters are written as '?', so that no name can start a line of its
 * own.  The text
 * goes into a new buffer *out of *out_len bytes (plus a NUL), which the
 * caller frees with free().
 */
VIFS_EXTERN int vifs_listing_format_text(char **out, size_t *out_len,
    const vifs_listing *l);

/*
 * Writes the listing as XML (docs/schemas/listing.xsd) into a new buffer
 * *out of *out_len bytes (plus a NUL; caller frees):
 *
 *   <listing version="1">
 *     <path>[datastore1] vm</path>                 (when PATH is given)
 *     <entry type="file" size="123"><name>vm.vmx</name></entry>
 *     <entry type="datastore" capacity="..." free="..."><name>...
 *
 * A name or path that is not valid UTF-8 or holds characters XML cannot
 * carry is written percent-encoded with the attribute encoding="uri".
 * PATH (the remote path that was listed) may be NULL.
 */
VIFS_EXTERN int vifs_listing_format_xml(char **out, size_t *out_len,
    const vifs_listing *l, const char *path);

/* The same listing as JSON (docs/schemas/listing.schema.json); a name
 * that is not valid UTF-8 is written as hex with name_encoding "hex". */
VIFS_EXTERN int vifs_listing_format_json(char **out, size_t *out_len,
    const vifs_listing *l, const char *path);

/*
 * S made safe for a terminal, as vifs_listing_format_text() writes names:
 * valid UTF-8 passes; control characters (C0, DEL, C1 such as U+009B) and
 * every byte of an invalid sequence become '?'.  For any name or path a
 * host sent (--dir --long, --recursive, --listdc).  *out is a new string
 * the caller frees with free().
 */
VIFS_EXTERN int vifs_listing_terminal_text(char **out, const char *s);

/* Name of TYPE in the XML output: "file", "directory", "datastore",
 * "datacenter". */
VIFS_EXTERN const char *vifs_listing_type_name(enum vifs_listing_type type);

#endif
