/*
 * credstore_int.h - the credential store handle and its locked file as the
 * credstore_*.c files share them; not installed.
 */
#ifndef VIFS_CREDSTORE_INT_H
#define VIFS_CREDSTORE_INT_H

#include <libxml/tree.h>

#include <vifs/credstore.h>

#define STORE_MAX (16u << 20) /* bytes; far beyond any real store */

struct vifs_credstore {
	char *path;
	int is_default;
	vifs_credstore_sleep_fn sleep;
	void *payload;
};

enum store_access {
	STORE_READ, /* shared lock; the file must exist */
	STORE_WRITE, /* exclusive lock; the file must exist */
	STORE_CREATE, /* exclusive lock; created when missing */
};

/* Opens and locks the store of CS for ACCESS into *fd_out. */
int credstore_store_open(vifs_credstore *cs, enum store_access access,
    int *fd_out);
/* Unlocks and closes FD. */
void credstore_store_close(int fd);
/* A new document holding <viCredentials><version>1.0</version>. */
int credstore_initial_doc(xmlDocPtr *out);
/* The error of a store at PATH that does not parse, for WHY. */
int credstore_parse_failed(const char *path, const char *why);
/* Reads the locked store FD into *out (credstore_file.c). */
int credstore_store_load(vifs_credstore *cs, int fd, xmlDocPtr *out);
/* Writes DOC over the locked store FD, in place, and syncs it. */
int credstore_store_save(vifs_credstore *cs, int fd, xmlDocPtr doc);

#endif
