/*
 * json_int.h - building JSON documents with jansson for the writers of
 * libvifs (one per document, beside its XML writer); not installed.
 */
#ifndef VIFS_JSON_INT_H
#define VIFS_JSON_INT_H

#include <stddef.h>

#include <jansson.h>

#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

/* Sets the error VIFS_ENOMEM ("out of memory") and returns it. */
int vifs_json_nomem(void);

/* Member NAME of OBJ = the new value V, which OBJ takes (V NULL is
 * VIFS_ENOMEM, as from a failed json_object()). */
int vifs_json_put(json_t *obj, const char *name, json_t *v);

/*
 * Sets member NAME of OBJ to the LEN bytes of S.  Valid UTF-8 (NUL and
 * control bytes included, which JSON escapes) is stored as a string;
 * anything else as upper-case hex, two digits a byte, with a member
 * NAME_encoding = "hex" beside it, as the XML documents do.  S NULL
 * leaves NAME out.  Returns VIFS_OK or VIFS_ENOMEM.
 */
int vifs_json_set_bytes(json_t *obj, const char *name, const char *s,
    size_t len);

/* The same for the NUL-terminated S (NULL leaves NAME out). */
int vifs_json_set_str(json_t *obj, const char *name, const char *s);

/* Member NAME = the unsigned integer N. */
int vifs_json_set_uint(json_t *obj, const char *name, unsigned long long n);

/* Member NAME = true or false. */
int vifs_json_set_bool(json_t *obj, const char *name, int b);

/* Member NAME = the PCI address A in the Linux notation. */
int vifs_json_set_addr(json_t *obj, const char *name,
    const struct vifs_pciaddr *a);

/* Appends the new value V to the array ARR, which takes it (V NULL is
 * VIFS_ENOMEM). */
int vifs_json_append(json_t *arr, json_t *v);

/*
 * Serializes ROOT (two-space indentation, members in insertion order, a
 * final newline) into a new NUL-terminated buffer *out of *out_len bytes
 * (OUT_LEN may be NULL); free with free().  ROOT is left to the caller.
 */
int vifs_json_take(char **out, size_t *out_len, const json_t *root);

/* The end of a writer: when ERROR is 0, ROOT serialized as
 * vifs_json_take() does; ROOT is released either way.  Returns the
 * error. */
int vifs_json_finish(char **out, size_t *out_len, json_t *root, int error);

/* V on one line, compact, members in insertion order, into a new *out. */
int vifs_json_compact(char **out, const json_t *v);

/*
 * A document written in pieces, so that a report of many hosts needs
 * the memory of one at a time: the start ("{", the members of HEAD one a
 * line, then member ARRAY opened), each item of ARRAY on a line of its
 * own (INDEX 0 for the first), and the end (the array closed, the
 * members of TAIL, "}" and a newline).  Each piece is a new *out.
 */
int vifs_json_stream_start(char **out, json_t *head, const char *array);
int vifs_json_stream_item(char **out, size_t index, const json_t *item);
int vifs_json_stream_end(char **out, json_t *tail);

/* The findings of LINT as a new JSON array *out (lint.schema.json's
 * "findings"); the caller releases it with json_decref() even on error. */
int vifs_lint_json_findings(json_t **out, const vifs_lint *lint);

/* Device D of a passthru list or audit as a new JSON object *out
 * (passthru.schema.json's "device"). */
int vifs_json_passthru_dev(json_t **out, const struct vifs_passthru_dev *d);

/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into BUF (32 bytes). */
void vifs_json_utc(char buf[32], long long t);

#endif
