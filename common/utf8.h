/*
 * utf8.h - strict UTF-8 decoding for the text formats of libvifs; not
 * installed.
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

/*
 * Returns 1 when the NUL-terminated S is valid UTF-8 made only of
 * characters XML 1.0 can carry (TAB, LF, CR, U+0020-U+D7FF,
 * U+E000-U+FFFD, U+10000-U+10FFFF), else 0.
 */
int vifs_utf8_xml_safe(const char *s);

#endif
