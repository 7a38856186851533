/*
 * vifs/remotepath.h - remote paths of the ESXi file service and their URLs.
 *
 * vifs names remote files in five ways (PROTOCOL.md §2):
 *
 *   [datastore1] dir/file.vmdk          a file on a datastore
 *   /folder/dir/f?dsName=ds&dcPath=dc   the URL form of the same
 *   /folder?dcPath=ha-datacenter        the datastores of a datacenter
 *   /host, /host/esx.conf               host configuration files
 *   /tmp/bundle.zip                     the upload area /tmp
 *   dir/file                            a path without datastore
 *
 * Parsing follows the corrected rules of PROTOCOL.md §2.3, not the quirks
 * of VMware's vifs: the datastore name ends at the first ']', "/host" and
 * "/tmp" are recognised only when followed by '/' or the end (so
 * "/hostfoo" is a plain path), and URLs are percent-encoded completely.
 * docs/internals/remotepath.md lists every rule and what is refused.
 */
#ifndef VIFS_REMOTEPATH_H
#define VIFS_REMOTEPATH_H

#include <stddef.h>

#include <vifs/common.h>

/* Which tree of the file service a path lives in. */
enum vifs_remotepath_mode {
	VIFS_REMOTEPATH_FOLDER = 0, /* /folder: datastores */
	VIFS_REMOTEPATH_HOST, /* /host: configuration files */
	VIFS_REMOTEPATH_TMP, /* /tmp: upload area */
};

/*
 * A parsed remote path.  Every string is owned by the structure, decoded
 * (no percent-escapes) and NUL-terminated; PATH never starts with '/' and
 * is "" for the top of the tree.  DATASTORE and DCPATH are NULL when not
 * given.  Treat the structure as read-only: change it only through the
 * functions below.  Free it with vifs_remotepath_free().
 */
struct vifs_remotepath {
	enum vifs_remotepath_mode mode;
	char *datastore; /* "[ds] ..." or dsName=; FOLDER only */
	char *path; /* "dir/file.vmdk", "esx.conf", "" */
	char *dcpath; /* dcPath= of a /folder URL; FOLDER only */
	int url_form; /* given as "/folder..." */
};

/*
 * Parses TEXT (NUL-terminated; leading blanks are skipped).  Fails with
 * VIFS_EINVAL and a message naming the input for: an empty path, "[ds"
 * without ']', an empty datastore name "[]", a '.' or '..' segment, a
 * "%00" or malformed percent-escape in the /folder form, and a query of
 * the /folder form that is not "name=value" pairs.  Unknown query
 * parameters of the /folder form are ignored, as vifs ignores them.
 */
VIFS_EXTERN int vifs_remotepath_parse(struct vifs_remotepath **out,
    const char *text);

/*
 * Makes a remote path from its parts (strings are copied; DATASTORE and
 * DCPATH may be NULL; PATH NULL means "").  A leading '/' of PATH is
 * dropped.  Fails with VIFS_EINVAL for a datastore or dcPath outside
 * mode FOLDER, an empty datastore name, and '.' or '..' segments.
 */
VIFS_EXTERN int vifs_remotepath_new(struct vifs_remotepath **out,
    enum vifs_remotepath_mode mode, const char *datastore, const char *path,
    const char *dcpath);

/* Frees RP and its strings; NULL is allowed. */
VIFS_EXTERN void vifs_remotepath_free(struct vifs_remotepath *rp);

/*
 * Replaces the dcPath of RP by DCPATH (copied; NULL removes it), e.g. for
 * vifs --listds --dc.  VIFS_EINVAL outside mode FOLDER.
 */
VIFS_EXTERN int vifs_remotepath_set_dcpath(struct vifs_remotepath *rp,
    const char *dcpath);

/* Flags of vifs_remotepath_url(). */
enum vifs_remotepath_url_flags {
	/*
	 * Encode '&' in query values as "%2526" instead of "%26", the
	 * work-around ansible's vsphere_copy uses for vCenter releases that
	 * decode query values twice.  Off by default.
	 */
	VIFS_REMOTEPATH_AMP_TWICE = 1 << 0,
};

/*
 * Builds the URL of RP on the server BASE ("https://host[:port]", a
 * trailing '/' allowed; see vifs_remotepath_base()) into a new string
 * *out, which the caller frees with free():
 *
 *   BASE "/folder" ["/" PATH] ["?dsName=" DS] ["&dcPath=" DC]
 *   BASE "/host" ["/" PATH]          BASE "/tmp" ["/" PATH]
 *
 * (with '?' before the first parameter).  Each path segment is
 * percent-encoded, '/' between segments kept; query values are encoded
 * completely (only RFC 3986 unreserved characters stay).  VIFS_EINVAL
 * for a BASE that is not http(s)://authority.
 */
VIFS_EXTERN int vifs_remotepath_url(char **out,
    const struct vifs_remotepath *rp, const char *base, unsigned flags);

/*
 * Extracts "scheme://host[:port]" from a service URL such as
 * "https://esx01:8443/sdk/webService" into a new string *out (caller
 * frees).  The scheme must be http or https (any case; written lower
 * case); user information ("user@") is refused.  VIFS_EINVAL otherwise.
 */
VIFS_EXTERN int vifs_remotepath_base(char **out, const char *service_url);

/*
 * Returns the path vifs shows in its messages ("Uploaded file L to P"):
 * the path without "[ds]" or /folder, /host, /tmp prefix.  Borrowed from
 * RP.
 */
VIFS_EXTERN const char *vifs_remotepath_display(
    const struct vifs_remotepath *rp);

/*
 * Returns the last segment of the path ("file.vmdk" for "dir/file.vmdk",
 * "" for the top), without a trailing '/'.  Written into a new string
 * *out; the caller frees it.
 */
VIFS_EXTERN int vifs_remotepath_basename(char **out,
    const struct vifs_remotepath *rp);

/*
 * Writes the datastore path "[ds] path" that the FileManager SOAP calls
 * take ("[ds]" alone for the top of a datastore) into a new string *out
 * (caller frees).  VIFS_EINVAL when RP names no datastore.
 */
VIFS_EXTERN int vifs_remotepath_dspath(char **out,
    const struct vifs_remotepath *rp);

/* Flags of vifs_remotepath_encode(). */
enum vifs_remotepath_encode_flags {
	VIFS_REMOTEPATH_KEEP_SLASH = 1 << 0, /* leave '/' as is */
};

/*
 * Percent-encodes LEN bytes of S: every byte outside the RFC 3986
 * unreserved set (ALPHA DIGIT - . _ ~) becomes "%XX" (upper-case hex),
 * '/' too unless VIFS_REMOTEPATH_KEEP_SLASH.  The result is a new string
 * *out; the caller frees it.
 */
VIFS_EXTERN int vifs_remotepath_encode(char **out, const char *s, size_t len,
    unsigned flags);

/*
 * Decodes the percent-escapes (either case) of LEN bytes of S into a new
 * string *out of *out_len bytes (plus a NUL); the caller frees it.  '+'
 * stays '+'.  Fails with VIFS_EINVAL for '%' not followed by two hex
 * digits and for an escape that decodes to a NUL byte.
 */
VIFS_EXTERN int vifs_remotepath_decode(char **out, size_t *out_len,
    const char *s, size_t len);

#endif
