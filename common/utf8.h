/*
 * utf8.h - strict UTF-8 decoding, and the one place where text is made
 * safe for XML, for the text formats of libvifs; not installed.
 */
#ifndef VIFS_UTF8_H
#define VIFS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the character at the start of the LEN bytes of S into *cp and
 * returns its length in bytes (1-4), or -1 for an invalid sequence:
 * truncated, overlong, a surrogate, or beyond U+10FFFF.
 */
int vifs_utf8_next(const char *s, size_t len, uint32_t *cp);

/* 1 when XML 1.0 can carry the character CP: TAB, LF, CR, U+0020-U+D7FF,
 * U+E000-U+FFFD, U+10000-U+10FFFF. */
int vifs_xml_char(uint32_t cp);

/*
 * Returns 1 when the LEN bytes of S are valid UTF-8 made only of
 * characters XML 1.0 can carry (no NUL), else 0.
 */
int vifs_xml_text_ok(const char *s, size_t len);

/* vifs_xml_text_ok() of the NUL-terminated S. */
int vifs_utf8_xml_safe(const char *s);

/*
 * Replaces B's content with the LEN bytes of S made safe for XML:
 * characters XML can carry pass, every other byte and '|' itself become
 * '|' and two upper-case hex digits (esx.conf's own escape, as the
 * schemas have it).  B stays NUL-terminated.
 */
struct vifs_buf;
int vifs_xml_escape(struct vifs_buf *b, const char *s, size_t len);

/*
 * Writes LEN bytes of S on the libxml2 text writer W, made safe with
 * vifs_xml_escape() (in TMP): as attribute NAME, or as text when NAME is
 * NULL.  VIFS_EIO when the writer fails.
 */
struct _xmlTextWriter;
int vifs_xml_write(struct _xmlTextWriter *w, struct vifs_buf *tmp,
    const char *name, const char *s, size_t len);

#endif
