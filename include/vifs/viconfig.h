/*
 * vifs/viconfig.h - the vSphere CLI configuration file (--config, default
 * ~/.visdkrc) and session file (--sessionfile, --savesessionfile).
 *
 * Configuration file (PROTOCOL.md §1.4): one "VI_NAME = value" per line,
 * the name being the environment variable of an option.  Rules, those of
 * VMware's Perl reader with the clean-ups of its Python port:
 *   - a line is split at its first '='; blanks around the name are
 *     dropped, and blanks after the '=' (a value cannot start with a
 *     blank, as in both originals);
 *   - the value keeps its trailing blanks but not the line end: "\n",
 *     "\r\n" and any trailing "\r" are removed, so CRLF files work (the
 *     Perl reader keeps the '\r');
 *   - a line whose first non-blank character is '#' is a comment; so are
 *     blank lines, lines without '=' and lines with an empty name;
 *   - a UTF-8 byte order mark at the start is ignored, and so is a line
 *     that holds a NUL byte;
 *   - no quoting: quotes are part of the value;
 *   - when a name occurs more than once the first occurrence wins, as the
 *     Perl reader fills only options still unset.
 * Names are not checked here: the caller asks for the ones it knows.  The
 * library never prints; the caller prints the Perl tools' warnings
 * ("\nWarning : The file exists but is empty.\n") from what load reports.
 *
 * Session file (PROTOCOL.md §8): libwww-perl's cookie jar, as saved by
 * the Perl SDK:
 *   #LWP-Cookies-1.0
 *   Set-Cookie3: vmware_soap_session="\"52...\""; path="/"; domain=esx01;
 *     path_spec; secure; discard; HttpOnly; version=0      (one line)
 * For a host name without a dot libwww-perl writes "domain=HOST.local".
 */
#ifndef VIFS_VICONFIG_H
#define VIFS_VICONFIG_H

#include <stddef.h>

#include <vifs/common.h>

typedef struct vifs_viconfig vifs_viconfig;

/* One setting; strings borrowed from the vifs_viconfig that holds it. */
struct vifs_viconfig_entry {
	const char *name;
	const char *value;
	size_t line; /* 1-based */
};

/*
 * Parses LEN bytes of BUF.  Never fails on content (every line is a
 * setting or ignored); fails only with VIFS_ENOMEM.  Free with
 * vifs_viconfig_free().
 */
VIFS_EXTERN int vifs_viconfig_parse(vifs_viconfig **out, const char *buf,
    size_t len);

/*
 * Reads and parses the file PATH.  *empty (may be NULL) is set to 1 when
 * the file exists but has no bytes, the case in which the Perl tools
 * print "The file exists but is empty." (and read nothing).  Fails with
 * VIFS_ENOTFOUND when PATH does not exist (silent for the default file,
 * "Unable to open file" for a given one) and VIFS_EIO when it cannot be
 * read.
 */
VIFS_EXTERN int vifs_viconfig_load(vifs_viconfig **out, const char *path,
    int *empty);

VIFS_EXTERN void vifs_viconfig_free(vifs_viconfig *cfg);

/*
 * Returns the value of the first setting NAME (exact, case-sensitive), or
 * NULL.  Borrowed from CFG.
 */
VIFS_EXTERN const char *vifs_viconfig_get(const vifs_viconfig *cfg,
    const char *name);

/* Number of settings, and setting I in file order (NULL when out of
 * range). */
VIFS_EXTERN size_t vifs_viconfig_count(const vifs_viconfig *cfg);
VIFS_EXTERN const struct vifs_viconfig_entry *
vifs_viconfig_entry(const vifs_viconfig *cfg, size_t i);

/*
 * Writes the default configuration path, $HOME/.visdkrc, into a new
 * string *out (caller frees).  VIFS_ENOTFOUND when HOME is unset.
 */
VIFS_EXTERN int vifs_viconfig_default_path(char **out);

/* --- session file ---------------------------------------------------- */

/*
 * A saved session.  COOKIE is the value of the vmware_soap_session cookie
 * as the Cookie header carries it (ESXi's has double quotes in it:
 * "\"52a1...\"" in C).  DOMAIN is the cookie's domain as written; HOST is
 * the server to connect to: DOMAIN, less a ".local" that libwww-perl
 * added to a dot-less host name (so "esx01.local" reads as "esx01"; the
 * Perl loader meant to do the same but keeps the suffix).
 */
struct vifs_session {
	char *cookie;
	char *domain;
	char *host;
};

/*
 * Parses LEN bytes of a session file.  NAME names it in messages.  Fails
 * with VIFS_EPARSE: "Session file ended unexpectedly" when there is no
 * line after the header; "'NAME' is not an LWP cookie file" when the
 * first line is not "#LWP-Cookies-<version>"; "'NAME' holds no
 * vmware_soap_session cookie"; or a cookie without domain.  Free *out
 * with vifs_session_free().
 */
VIFS_EXTERN int vifs_session_parse(struct vifs_session **out, const char *name,
    const char *buf, size_t len);

/*
 * Reads the session file PATH; VIFS_EIO "Can't open session file 'PATH'"
 * when it cannot be read (VIFS_ENOTFOUND with the same text when it does
 * not exist), else as vifs_session_parse().
 */
VIFS_EXTERN int vifs_session_load(struct vifs_session **out, const char *path);

VIFS_EXTERN void vifs_session_free(struct vifs_session *s);

/*
 * Writes the session file text for a session with HOST (as the user named
 * the server) and COOKIE (the cookie value as the server set it) into a
 * new buffer *out of *out_len bytes (plus a NUL; caller frees).  HOST
 * gets ".local" appended when it has no dot, as libwww-perl does; COOKIE
 * is quoted as libwww-perl quotes values.  HOST and COOKIE must not hold
 * control characters (VIFS_EINVAL).
 */
VIFS_EXTERN int vifs_session_format(char **out, size_t *out_len,
    const char *host, const char *cookie);

/*
 * Saves the session file to PATH atomically, mode 0600 (an existing file
 * is made 0600 too).
 */
VIFS_EXTERN int vifs_session_save(const char *path, const char *host,
    const char *cookie);

#endif
