/*
 * vifs/hostlist.h - the hosts of a fleet: names given one by one (--server),
 * in a file (--servers), or in a variable (VI_SERVERS).
 *
 * An entry is "host" or "host:port": a DNS name or IPv4 address (letters,
 * digits, '.', '-', '_'), or an IPv6 address in brackets ("[fe80::1]:443";
 * an address with several ':' and no brackets is read as an IPv6 address
 * without a port).  A list file has one entry a line; blanks around it are
 * ignored, '#' starts a comment (a whole line or after the entry), blank
 * lines are skipped.  A host named twice is kept once, the first spelling:
 * names compare without regard to ASCII case, and a missing port counts as
 * the list's default port.
 */
#ifndef VIFS_HOSTLIST_H
#define VIFS_HOSTLIST_H

#include <stddef.h>

#include <vifs/common.h>

typedef struct vifs_hostlist vifs_hostlist;

/* One host of a list; the strings are borrowed from the list. */
struct vifs_hostlist_entry {
	const char *name; /* as given, normalised: "esx01", "esx01:8443",
			   * "[fe80::1]:443" */
	const char *host; /* the host alone, without brackets: "fe80::1" */
	unsigned port; /* 1-65535, or 0 when none was given */
};

/*
 * Makes an empty list in which a host without a port means DEFAULT_PORT
 * (443 for https, 80 for http) when duplicates are sought.  Free with
 * vifs_hostlist_free().
 */
VIFS_EXTERN int vifs_hostlist_new(vifs_hostlist **out, unsigned default_port);

/* Frees L; NULL is allowed. */
VIFS_EXTERN void vifs_hostlist_free(vifs_hostlist *l);

/*
 * Adds the entry TEXT (no blanks, no comment).  *added (may be NULL) is 0
 * when the host was in the list already.  Fails with VIFS_EPARSE and a
 * message naming TEXT when it is no valid entry.
 */
VIFS_EXTERN int vifs_hostlist_add(vifs_hostlist *l, const char *text,
    int *added);

/*
 * Adds the entries of LEN bytes of list-file text BUF (need not be
 * NUL-terminated; a NUL byte is an error).  NAME is used in messages
 * ("NAME:LINE: ..."); NULL means "servers".  On a bad line nothing of BUF
 * is added and the call fails with VIFS_EPARSE.
 */
VIFS_EXTERN int vifs_hostlist_parse(vifs_hostlist *l, const char *name,
    const char *buf, size_t len);

/* Reads the list file PATH ("-" = standard input) and adds its entries. */
VIFS_EXTERN int vifs_hostlist_load(vifs_hostlist *l, const char *path);

/*
 * Adds the entries of TEXT separated by commas and/or blanks, as the
 * VI_SERVERS variable holds them ("esx01,esx02:8443 esx03").
 */
VIFS_EXTERN int vifs_hostlist_add_words(vifs_hostlist *l, const char *text);

/* Number of hosts in L. */
VIFS_EXTERN size_t vifs_hostlist_count(const vifs_hostlist *l);

/* Host I (0-based, in the order added), or NULL past the end; borrowed
 * until L is freed. */
VIFS_EXTERN const struct vifs_hostlist_entry *
vifs_hostlist_get(const vifs_hostlist *l, size_t i);

/*
 * Writes into a new string *out (caller frees) a form of the entry NAME
 * that is safe as one component of a local path: every byte other than
 * ASCII letters, digits, '.', '-', '_' and ':' becomes '_', and a leading
 * '.' becomes '_', so that the result is never empty, ".", "..", hidden,
 * nor holds a '/'.  Different hosts of one list may map to the same
 * name only when they differ in the bytes replaced (IPv6 brackets).
 */
VIFS_EXTERN int vifs_hostlist_safe_name(char **out, const char *name);

#endif
