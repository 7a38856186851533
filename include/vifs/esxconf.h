/*
 * vifs/esxconf.h - lossless model of ESXi's /etc/vmware/esx.conf.
 *
 * A document is the original bytes plus an index of lines.  Parsing accepts
 * any input at all (malformed lines, CRLF, a missing final newline, NUL
 * bytes, invalid UTF-8); serializing an unedited document gives back the
 * input byte for byte, and an edit changes only the lines it touches.
 *
 * Line forms (VMware's "dictionary" grammar, see docs/internals/esxconf.md):
 *   ws key ws '=' ws '"' quoted-value '"' ws [# comment]
 *   ws key ws '=' ws bare-value ws [# comment]
 *   ws key ws '=' ws [# comment]                   (empty value)
 *   ws [# comment]                                 (blank or comment)
 *   anything else                                  (malformed, kept verbatim)
 * Values are stored escaped: '|' followed by two hex digits stands for that
 * byte.  get() decodes, set() encodes '"', '|', DEL and control bytes
 * except TAB, so no value can break a line.  New lines are always written
 * `key = "value"` followed by the document's line ending.
 */
#ifndef VIFS_ESXCONF_H
#define VIFS_ESXCONF_H

#include <stddef.h>

#include <vifs/common.h>

typedef struct vifs_esxconf vifs_esxconf;

/* Where ESXi's file service serves esx.conf, and the largest esx.conf a
 * transfer accepts. */
#define VIFS_ESXCONF_PATH "/host/esx.conf"
#define VIFS_ESXCONF_MAX ((size_t)64 << 20)

/* The kind of one line. */
enum vifs_esxconf_line_kind {
	VIFS_ESXCONF_ENTRY = 0, /* key = value */
	VIFS_ESXCONF_BLANK, /* empty or only blanks */
	VIFS_ESXCONF_COMMENT, /* blanks then '#' */
	VIFS_ESXCONF_MALFORMED, /* anything else; kept verbatim */
};

/*
 * A view of one line.  All pointers borrow from the document and are valid
 * until the document is edited or freed.  Strings are not NUL-terminated:
 * use the lengths.
 */
struct vifs_esxconf_line {
	enum vifs_esxconf_line_kind kind;
	size_t lineno; /* 1-based line number in the current text */
	/* Where the line came from: its 1-based line number in the document
	 * as parsed, 0 for a line an edit added. */
	size_t origin;
	const char *text; /* the whole line without its line ending */
	size_t text_len;
	const char *key; /* ENTRY only, else NULL */
	size_t key_len;
	const char *raw_value; /* ENTRY only: value as stored (escaped, */
	size_t raw_value_len; /* without the quotes) */
	int quoted; /* ENTRY only: value was in double quotes */
};

/*
 * Parses LEN bytes of BUF into a new document (the bytes are copied).
 * NAME is used in diagnostics (e.g. "esx.conf" or "HOST:/host/esx.conf");
 * NULL means "esx.conf".  Never fails on content; fails only with
 * VIFS_ENOMEM or VIFS_ETOOBIG (more than 2^32-2 lines, a line of 4 GiB or
 * more, or 2^48 bytes or more).  Free with vifs_esxconf_free().
 *
 * Lookups build the key index on first use and renumber lines after
 * edits, even through a const document: one document must not be used
 * from two threads at once.
 */
VIFS_EXTERN int vifs_esxconf_parse(vifs_esxconf **out, const char *name,
    const char *buf, size_t len);

/*
 * Same as vifs_esxconf_parse() but takes BUF (LEN bytes from malloc())
 * instead of copying it; the document frees it, and so does a failing
 * call.  For callers that already hold the file in memory, e.g. after a
 * download: saves a copy of the whole file.
 */
VIFS_EXTERN int vifs_esxconf_parse_take(vifs_esxconf **out, const char *name,
    char *buf, size_t len);

/* Reads and parses the file PATH ("-" = standard input); NAME is PATH. */
VIFS_EXTERN int vifs_esxconf_open(vifs_esxconf **out, const char *path);

/* Frees DOC and everything it owns; NULL is allowed. */
VIFS_EXTERN void vifs_esxconf_free(vifs_esxconf *doc);

/* Returns the diagnostic name of DOC; borrowed, lives as long as DOC. */
VIFS_EXTERN const char *vifs_esxconf_name(const vifs_esxconf *doc);

/* Number of lines of every kind (a final line without newline counts). */
VIFS_EXTERN size_t vifs_esxconf_line_count(const vifs_esxconf *doc);

/* Number of ENTRY lines (duplicates counted each time). */
VIFS_EXTERN size_t vifs_esxconf_count(const vifs_esxconf *doc);

/*
 * Fills *out with a view of line INDEX (0-based, file order).  Returns
 * VIFS_ENOTFOUND when INDEX is out of range.
 */
VIFS_EXTERN int vifs_esxconf_line(struct vifs_esxconf_line *out,
    const vifs_esxconf *doc, size_t index);

/*
 * Looks up KEY (exact, case-sensitive) and stores its decoded value in a
 * new NUL-terminated string *out, which the caller frees with free().  When
 * a key occurs more than once the last occurrence wins (as ESXi's reader
 * overwrites).  VIFS_ENOTFOUND when absent.  Average O(1).
 */
VIFS_EXTERN int vifs_esxconf_get(char **out, const vifs_esxconf *doc,
    const char *key);

/*
 * Returns the 0-based line index of the last occurrence of KEY in *out, or
 * VIFS_ENOTFOUND.
 */
VIFS_EXTERN int vifs_esxconf_find(size_t *out, const vifs_esxconf *doc,
    const char *key);

/*
 * Sets KEY to VALUE (a NUL-terminated, unescaped string).  An existing key
 * has its line replaced in place by `KEY = "ESCAPED"`, keeping that line's
 * ending (every other occurrence of a duplicated key is left alone: only
 * the last one, which ESXi reads, is replaced); when the line already
 * reads exactly so, nothing changes.  A new key gets a new line at the
 * position sorted byte order gives it among the ENTRY lines: right after
 * the last entry whose key sorts before it, else right before the first
 * entry, else (no entry at all) at the end.  Fails with VIFS_EINVAL for an
 * invalid key (see vifs_esxconf_key_valid).
 */
VIFS_EXTERN int vifs_esxconf_set(vifs_esxconf *doc, const char *key,
    const char *value);

/*
 * Removes every line that holds KEY.  VIFS_ENOTFOUND when there is none
 * (the document is then unchanged).
 */
VIFS_EXTERN int vifs_esxconf_unset(vifs_esxconf *doc, const char *key);

/*
 * Returns 1 when KEY is acceptable for set(): starts with '/', is not just
 * "/", and holds no blank, control byte, DEL, '=', '"' or '#'; else 0 and
 * records a message saying what is wrong.
 */
VIFS_EXTERN int vifs_esxconf_key_valid(const char *key);

/*
 * Calls CB for each ENTRY line whose key starts with PREFIX (NULL or ""
 * = every entry), in file order.  CB returns 0 to go on; any other value
 * stops the walk and is returned.  The document must not be edited from CB.
 */
typedef int (
    *vifs_esxconf_cb)(const struct vifs_esxconf_line *line, void *payload);
VIFS_EXTERN int vifs_esxconf_foreach(const vifs_esxconf *doc,
    const char *prefix, vifs_esxconf_cb cb, void *payload);

/*
 * Serializes DOC into a new buffer *out of *out_len bytes (plus a NUL that
 * is not counted); free with free().  An unedited document gives back the
 * parsed bytes exactly.
 */
VIFS_EXTERN int vifs_esxconf_serialize(char **out, size_t *out_len,
    const vifs_esxconf *doc);

/*
 * Saves DOC to PATH atomically (vifs_file_write_atomic: temp file in the
 * same directory, fsync, rename, fsync directory; mode and owner kept).
 * On failure PATH is untouched.  "-" writes to standard output.
 */
VIFS_EXTERN int vifs_esxconf_save(const vifs_esxconf *doc, const char *path);

/* Returns 1 when DOC has been edited since it was parsed. */
VIFS_EXTERN int vifs_esxconf_modified(const vifs_esxconf *doc);

/* --- changes --------------------------------------------------------- */

/* What happened to one line. */
enum vifs_esxconf_change_kind {
	VIFS_ESXCONF_REMOVED = 1, /* a line of the original is gone */
	VIFS_ESXCONF_CHANGED, /* a line of the original reads otherwise */
	VIFS_ESXCONF_ADDED, /* a line that was not in the original */
};

/*
 * One changed line.  WAS (REMOVED, CHANGED) is the line as it was in the
 * original: its lineno is its 1-based line number there; NOW (CHANGED,
 * ADDED) is the line as it is, lineno in the current text.  The other is
 * zeroed.  Views borrow from the documents, as vifs_esxconf_line's.
 */
struct vifs_esxconf_change {
	enum vifs_esxconf_change_kind kind;
	struct vifs_esxconf_line was;
	struct vifs_esxconf_line now;
};

typedef struct vifs_esxconf_changes vifs_esxconf_changes;

/*
 * The changes of the edits made to DOC since it was parsed, from the
 * model's record of where each line came from (no text diff): a line set
 * to a new value is CHANGED, a key unset REMOVED, a key added ADDED; a
 * line that gains a line ending because a line follows it now is
 * CHANGED.  A line edited back to what it was is no change, and neither
 * is a line removed and added again reading the same between the same
 * untouched lines.  Changes come in stretches between untouched lines,
 * each stretch's REMOVED lines first, then its CHANGED and ADDED lines,
 * in file order.  Free *out with vifs_esxconf_changes_free(); it lives
 * no longer than DOC unedited.
 */
VIFS_EXTERN int vifs_esxconf_edits(vifs_esxconf_changes **out,
    const vifs_esxconf *doc);

/*
 * The changes that turn BEFORE into AFTER.  When AFTER is an edit of a
 * document parsed from the same bytes as BEFORE, unedited, these are
 * vifs_esxconf_edits(AFTER).  Otherwise the two whole documents are
 * compared by key: the Nth line of a key in BEFORE is the Nth line of
 * that key in AFTER (CHANGED when it reads otherwise, line ending
 * included), and lines that are no entry are matched by their text the
 * same way; what is left over is REMOVED (line numbers of BEFORE) or
 * ADDED (of AFTER).  Where a line stands does not count.  The REMOVED
 * lines come first, then the others in the order of AFTER.
 */
VIFS_EXTERN int vifs_esxconf_compare(vifs_esxconf_changes **out,
    const vifs_esxconf *before, const vifs_esxconf *after);

VIFS_EXTERN size_t vifs_esxconf_changes_count(const vifs_esxconf_changes *ch);
/* Change I, or NULL when out of range; borrowed from CH. */
VIFS_EXTERN const struct vifs_esxconf_change *
vifs_esxconf_changes_get(const vifs_esxconf_changes *ch, size_t i);
/* Lines of the original removed or changed, and lines added or changed:
 * the '-' and '+' lines of a line diff of the two texts. */
VIFS_EXTERN size_t vifs_esxconf_changes_removed(const vifs_esxconf_changes *ch);
VIFS_EXTERN size_t vifs_esxconf_changes_added(const vifs_esxconf_changes *ch);
VIFS_EXTERN void vifs_esxconf_changes_free(vifs_esxconf_changes *ch);

/*
 * Renders the ENTRY lines whose key starts with PREFIX (NULL or "" = all)
 * as XML (docs/schemas/esxconf.xsd) into a new NUL-terminated buffer *out
 * of *out_len bytes; free with free().  Values are decoded.  A file name,
 * key or value that XML cannot carry (control bytes, invalid UTF-8) is
 * written as hex, with an attribute saying so, so the output is always
 * well-formed.
 */
VIFS_EXTERN int vifs_esxconf_to_xml(char **out, size_t *out_len,
    const vifs_esxconf *doc, const char *prefix);

/*
 * The same entries as JSON (docs/schemas/esxconf.schema.json), into a new
 * NUL-terminated buffer *out of *out_len bytes; free with free().  A
 * string JSON cannot carry (invalid UTF-8) is written as hex with a
 * member NAME_encoding = "hex" beside it.
 */
VIFS_EXTERN int vifs_esxconf_to_json(char **out, size_t *out_len,
    const vifs_esxconf *doc, const char *prefix);

/*
 * Value escaping of VMware's dictionary format.  vifs_esxconf_escape()
 * writes VALUE's escaped form into a new string *out; unescape() decodes
 * LEN bytes of RAW ('|' + two hex digits of either case; any other '|'
 * stays literal) into a new string *out of *out_len bytes (NUL-terminated,
 * may contain NUL bytes).  Callers free with free().
 */
VIFS_EXTERN int vifs_esxconf_escape(char **out, const char *value);
VIFS_EXTERN int vifs_esxconf_unescape(char **out, size_t *out_len,
    const char *raw, size_t len);

/* --- lint ------------------------------------------------------------ */

enum vifs_lint_severity {
	VIFS_LINT_WARNING = 1,
	VIFS_LINT_ERROR = 2,
};

/*
 * One finding.  RULE is a stable identifier (see vifs_esxconf_lint), LINE
 * the 1-based line number, MESSAGE one line of English without the
 * "file:line: " prefix.  Borrowed from the vifs_lint that holds it.
 */
struct vifs_lint_finding {
	const char *rule;
	enum vifs_lint_severity severity;
	size_t line;
	const char *message;
};

typedef struct vifs_lint vifs_lint;

/*
 * Checks DOC and stores the findings, sorted by line then rule, in a new
 * *out (free with vifs_lint_free).  Rules:
 *   malformed-line     a line that is no entry, comment or blank (error)
 *   key-no-slash       a key that does not start with '/' (error)
 *   duplicate-key      a key that occurs again; names the first line (error)
 *   unknown-component  a top-level component close to a known one, e.g.
 *                      "/devcie/": "did you mean /device" (error)
 *   bad-pci-address    a /device/<addr>/ component that is no valid PCI
 *                      address in an esx.conf notation (error)
 *   bad-owner          /device/.../owner not "vmkernel" or "passthru" (error)
 *   passthru-vmkname   a device whose owner is "passthru" while it has a
 *                      vmkname: it holds a vmhba/vmnic the host needs (error)
 *   unquoted-value     a value without double quotes, which ESXi never
 *                      writes (warning)
 *   bad-escape         a '|' not followed by two hex digits (warning)
 */
VIFS_EXTERN int vifs_esxconf_lint(vifs_lint **out, const vifs_esxconf *doc);

VIFS_EXTERN size_t vifs_lint_count(const vifs_lint *lint);
/* Number of findings of severity VIFS_LINT_ERROR. */
VIFS_EXTERN size_t vifs_lint_errors(const vifs_lint *lint);
/* Returns finding I (0-based) or NULL when out of range; borrowed. */
VIFS_EXTERN const struct vifs_lint_finding *vifs_lint_get(const vifs_lint *lint,
    size_t i);
VIFS_EXTERN void vifs_lint_free(vifs_lint *lint);

/*
 * Renders LINT, the findings of the file named FILE, as XML
 * (docs/schemas/lint.xsd) into a new NUL-terminated buffer *out of *out_len
 * bytes; free with free().
 */
VIFS_EXTERN int vifs_lint_to_xml(char **out, size_t *out_len,
    const vifs_lint *lint, const char *file);

/* The same findings as JSON (docs/schemas/lint.schema.json); free *out
 * with free(). */
VIFS_EXTERN int vifs_lint_to_json(char **out, size_t *out_len,
    const vifs_lint *lint, const char *file);

#endif
