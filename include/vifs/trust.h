/*
 * vifs/trust.h - certificate thumbprints and the known-hosts file.
 *
 * A thumbprint is the SHA-1, SHA-256 or SHA-512 digest of a server's DER
 * certificate.  As the vCLI 7 esxcli takes them (PROTOCOL.md §6): hex
 * digits of either case, colons optional, the algorithm chosen by the
 * number of digits (40, 64, 128).  vifs shows them upper-case with colons
 * ("AA:BB:...").
 *
 * The known-hosts file (default ~/.config/vifs/known_hosts) has govc's
 * format: one "host thumbprint" line per server, split at the first
 * space; a host without a port is keyed as "host:443"; lines starting
 * with '#' and blank lines are comments; a later line for the same host
 * wins; a missing file is an empty one.
 */
#ifndef VIFS_TRUST_H
#define VIFS_TRUST_H

#include <stddef.h>

#include <vifs/common.h>

enum vifs_thumbprint_alg {
	VIFS_THUMBPRINT_SHA1 = 1,
	VIFS_THUMBPRINT_SHA256,
	VIFS_THUMBPRINT_SHA512,
};

/* Longest formatted thumbprint (SHA-512 with colons) plus NUL. */
#define VIFS_THUMBPRINT_MAX 192

struct vifs_thumbprint {
	enum vifs_thumbprint_alg alg;
	size_t len; /* 20, 32 or 64 */
	unsigned char md[64];
};

/*
 * Parses TEXT (NUL-terminated).  Colons are dropped wherever they stand,
 * then 40, 64 or 128 hex digits of either case are required.  Fails with
 * VIFS_EPARSE and the message "Invalid SHA-1/SHA-256/SHA-512 thumbprint:
 * TEXT".
 */
VIFS_EXTERN int vifs_thumbprint_parse(struct vifs_thumbprint *out,
    const char *text);

/*
 * Writes TP upper-case with colons ("AA:BB:...") into BUF of SIZE bytes
 * (VIFS_THUMBPRINT_MAX is always enough).  VIFS_EINVAL when BUF is too
 * small.
 */
VIFS_EXTERN int vifs_thumbprint_format(char *buf, size_t size,
    const struct vifs_thumbprint *tp);

/* Returns 1 when A and B are the same algorithm and digest, else 0. */
VIFS_EXTERN int vifs_thumbprint_equal(const struct vifs_thumbprint *a,
    const struct vifs_thumbprint *b);

/* Name of ALG for messages: "SHA-1", "SHA-256", "SHA-512". */
VIFS_EXTERN const char *vifs_thumbprint_alg_name(enum vifs_thumbprint_alg alg);

/*
 * Computes the ALG thumbprint of LEN bytes of the DER certificate DER
 * (OpenSSL EVP_Digest).  The bytes are hashed as given; no check that
 * they are a certificate.
 */
VIFS_EXTERN int vifs_thumbprint_from_der(struct vifs_thumbprint *out,
    enum vifs_thumbprint_alg alg, const void *der, size_t len);

/*
 * Same for the first certificate of LEN bytes of PEM text (as libcurl's
 * CURLINFO_CERTINFO gives it).  VIFS_EPARSE when there is none.
 */
VIFS_EXTERN int vifs_thumbprint_from_pem(struct vifs_thumbprint *out,
    enum vifs_thumbprint_alg alg, const char *pem, size_t len);

/* --- known hosts ------------------------------------------------------ */

typedef struct vifs_known_hosts vifs_known_hosts;

/*
 * Writes the default file path into a new string *out (caller frees):
 * $XDG_CONFIG_HOME/vifs/known_hosts when XDG_CONFIG_HOME is an absolute
 * path, else $HOME/.config/vifs/known_hosts.  VIFS_ENOTFOUND when neither
 * is set.
 */
VIFS_EXTERN int vifs_known_hosts_default_path(char **out);

/* Makes an empty set; free with vifs_known_hosts_free(). */
VIFS_EXTERN int vifs_known_hosts_new(vifs_known_hosts **out);

VIFS_EXTERN void vifs_known_hosts_free(vifs_known_hosts *kh);

/*
 * Adds the lines of the file PATH to KH (a later line for a host wins
 * over an earlier one, in this file or one loaded before).  A missing
 * file adds nothing and is no error; other read errors are VIFS_EIO.
 * Lines are kept as read, so that save() writes them back unchanged.
 */
VIFS_EXTERN int vifs_known_hosts_load(vifs_known_hosts *kh, const char *path);

/* Same for LEN bytes of BUF. */
VIFS_EXTERN int vifs_known_hosts_parse(vifs_known_hosts *kh, const char *buf,
    size_t len);

/*
 * Looks up HOST ("esx01", "esx01:443" and "esx01:8443" are different
 * keys, the first two the same).  *out is the thumbprint text as the file
 * has it, borrowed from KH until the next change, or NULL when HOST is
 * unknown.  Parse it with vifs_thumbprint_parse().
 */
VIFS_EXTERN int vifs_known_hosts_lookup(const char **out,
    const vifs_known_hosts *kh, const char *host);

/*
 * Sets the thumbprint of HOST: the line that decides HOST's entry is
 * rewritten in place (other lines for the same key are dropped), else a
 * line is appended.  THUMBPRINT must parse (it is stored formatted,
 * upper-case with colons); HOST must be non-empty, not start with '#'
 * and hold no blank or control character.  VIFS_EINVAL / VIFS_EPARSE
 * otherwise.
 */
VIFS_EXTERN int vifs_known_hosts_set(vifs_known_hosts *kh, const char *host,
    const char *thumbprint);

/* Drops every line for HOST; *found (may be NULL) says whether any was. */
VIFS_EXTERN int vifs_known_hosts_remove(vifs_known_hosts *kh, const char *host,
    int *found);

/*
 * Writes KH (every line, comments included) to PATH atomically with
 * vifs_file_write_atomic (a new file gets mode 0644; the directory is
 * created, mode 0700, when missing).
 */
VIFS_EXTERN int vifs_known_hosts_save(const vifs_known_hosts *kh,
    const char *path);

#endif
