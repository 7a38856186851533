/*
 * vifs/credstore.h - the vSphere CLI credential store (vicredentials.xml).
 *
 * Byte-compatible with VMware's VICredStore.pm and credstore_admin.pl
 * (PROTOCOL.md §7; docs/internals/credstore.md): the same XML shape,
 * pretty printed by libxml2, the same password obfuscation, the same flock
 * protocol, so that vifs and the Perl tools can share one file.
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <viCredentials>
 *     <version>1.0</version>
 *     <passwordEntry>
 *       <host>esx01.example.com</host>
 *       <username>root</username>
 *       <password>KjELHQ4ZTV18...</password>
 *     </passwordEntry>
 *   </viCredentials>
 *
 * Host names match case-insensitively (ASCII), user names exactly.  Every
 * call opens, locks, reads and (for changes) rewrites the file in place
 * under the lock, then closes it: a handle holds no file state.  Passwords
 * handed out are the caller's to free with vifs_credstore_secret_free(),
 * which wipes them first.
 */
#ifndef VIFS_CREDSTORE_H
#define VIFS_CREDSTORE_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>

typedef struct vifs_credstore vifs_credstore;

/*
 * Sleeps SECONDS between two attempts to lock the store (default:
 * nanosleep).  Tests and impatient callers install their own.
 */
typedef void (*vifs_credstore_sleep_fn)(unsigned seconds, void *payload);

/*
 * Writes the default store path, $HOME/.vmware/credstore/vicredentials.xml,
 * into a new string *out (caller frees).  VIFS_ENOTFOUND when HOME is
 * unset or empty.
 */
VIFS_EXTERN int vifs_credstore_default_path(char **out);

/*
 * Makes a handle for the store at PATH (copied), or at the default path
 * when PATH is NULL or "".  Does no I/O.  Only a store at the default
 * path gets its directory created (mode 0700, parents too) when the first
 * entry is added; elsewhere the directory must exist.  Free with
 * vifs_credstore_free().
 */
VIFS_EXTERN int vifs_credstore_new(vifs_credstore **out, const char *path);

/* Frees CS; NULL is allowed. */
VIFS_EXTERN void vifs_credstore_free(vifs_credstore *cs);

/* The path of the store file; borrowed from CS. */
VIFS_EXTERN const char *vifs_credstore_path(const vifs_credstore *cs);

/*
 * Replaces the sleep between lock attempts.  A lock that cannot be had at
 * once is tried again after sleeping 1, 2, ... 12 seconds (as the Perl
 * store does; 78 s in all), then the call fails with VIFS_ETIMEOUT
 * ("Operation failed").  FN NULL restores the default.
 */
VIFS_EXTERN void vifs_credstore_set_sleep(vifs_credstore *cs,
    vifs_credstore_sleep_fn fn, void *payload);

/*
 * Looks up the password stored for SERVER and USERNAME.  On success *out
 * is the password (free with vifs_credstore_secret_free) or NULL when
 * there is no such entry.  Fails with VIFS_ENOTFOUND when the store file
 * does not exist, VIFS_EPARSE when it or the entry cannot be read
 * ("Failed to parse file"), VIFS_EINVAL for an empty SERVER or USERNAME.
 */
VIFS_EXTERN int vifs_credstore_get_password(char **out, vifs_credstore *cs,
    const char *server, const char *username);

/*
 * The user to log in as when only the server is known: *out is the one
 * user stored for SERVER (caller frees), or NULL when there is none or
 * more than one (vifs then prompts).  Errors as get_password.
 */
VIFS_EXTERN int vifs_credstore_get_user(char **out, vifs_credstore *cs,
    const char *server);

/*
 * Lists the hosts of the store (de-duplicated case-insensitively, the
 * first spelling kept, sorted by bytes), or with list_users the users
 * stored for SERVER (sorted).  *out is a NULL-terminated array of *count
 * strings; free it with vifs_credstore_list_free().  A missing store file
 * fails with VIFS_ENOTFOUND.
 */
VIFS_EXTERN int vifs_credstore_list_hosts(char ***out, size_t *count,
    vifs_credstore *cs);
VIFS_EXTERN int vifs_credstore_list_users(char ***out, size_t *count,
    vifs_credstore *cs, const char *server);
VIFS_EXTERN void vifs_credstore_list_free(char **list);

/*
 * Stores PASSWORD for SERVER and USERNAME.  An existing entry for the pair
 * gets the new password and SERVER's spelling in <host>; else a new entry
 * is appended.  *replaced (may be NULL) tells which.  A missing store file
 * is created (mode 0600).  SERVER and USERNAME must be non-empty UTF-8
 * without control characters (VIFS_EINVAL); PASSWORD may be empty.
 */
VIFS_EXTERN int vifs_credstore_add(vifs_credstore *cs, const char *server,
    const char *username, const char *password, int *replaced);

/*
 * Removes the entry for SERVER and USERNAME.  *found (may be NULL) is 0
 * when there was none (the file is then left untouched).  VIFS_ENOTFOUND
 * when the store file does not exist.
 */
VIFS_EXTERN int vifs_credstore_remove(vifs_credstore *cs, const char *server,
    const char *username, int *found);

/*
 * Removes every entry, leaving the file with only its version element.
 * VIFS_ENOTFOUND when the store file does not exist.
 */
VIFS_EXTERN int vifs_credstore_clear(vifs_credstore *cs);

/* Wipes and frees a password returned by the store; NULL is allowed. */
VIFS_EXTERN void vifs_credstore_secret_free(char *secret);

/* --- the obfuscation, for tests and tools ---------------------------- */

/*
 * The XOR key of an entry: the low 8 bits of the Java String.hashCode()
 * of SERVER followed by USERNAME (h = 31 h + c over the characters, 32-bit
 * wrap).  Characters are Unicode code points when the text is valid UTF-8
 * (as the Perl store reads them from the XML), otherwise bytes.
 */
VIFS_EXTERN uint8_t vifs_credstore_key(const char *server,
    const char *username);

/*
 * Obfuscates PASSWORD for SERVER and USERNAME into the base64 text of a
 * <password> element, a new string *out (caller frees): the password, a
 * NUL, filler characters up to 127 bytes, a NUL up to 128 (longer
 * passwords: the password and a NUL), every byte XORed with the key.
 * The filler is random ([A-Za-z0-9_], OpenSSL RAND_bytes) when FILLER is
 * NULL; otherwise the bytes of FILLER repeated (for test vectors).
 */
VIFS_EXTERN int vifs_credstore_obfuscate(char **out, const char *server,
    const char *username, const char *password, const char *filler);

/*
 * Reverses vifs_credstore_obfuscate(): decodes VALUE, XORs it with the
 * key and cuts at the first NUL into *out (free with
 * vifs_credstore_secret_free).  VIFS_EPARSE for invalid base64 or no NUL.
 */
VIFS_EXTERN int vifs_credstore_deobfuscate(char **out, const char *server,
    const char *username, const char *value);

#endif
