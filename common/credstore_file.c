/*
 * credstore_file.c - the credential store's handle and its file: the
 * default path, opening under VICredStore.pm's lock with its waits, and
 * reading and writing the XML document in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/file.h>

#include "credstore_int.h"
#include "dirs.h"
#include "internal.h"
#include "utf8.h"
#include "xmlquiet.h"

#define STORE_SUFFIX "/.vmware/credstore/vicredentials.xml"
#define LOCK_SLEEP_MAX 12 /* seconds, as LOCKSLEEP */
/* --- handle ----------------------------------------------------------- */

static void
default_sleep(unsigned seconds, void *payload)
{
	struct timespec ts = { (time_t)seconds, 0 };

	(void)payload;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
vifs_credstore_default_path(char **out)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *home = getenv("HOME");
	int error;

	*out = NULL;
	if (home == NULL || *home == '\0')
		return vifs_error_set(VIFS_ENOTFOUND,
		    "HOME is not set: no "
		    "default credential store");
	if ((error = vifs_buf_printf(&b, "%s%s", home, STORE_SUFFIX)) < 0)
		return error;
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

int
vifs_credstore_new(vifs_credstore **out, const char *path)
{
	vifs_credstore *cs;
	int error;

	*out = NULL;
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (path == NULL || *path == '\0') {
		cs->is_default = 1;
		if ((error = vifs_credstore_default_path(&cs->path)) < 0) {
			free(cs);
			return error;
		}
	} else if ((cs->path = vifs_strdup(path)) == NULL) {
		free(cs);
		return VIFS_ENOMEM;
	}
	cs->sleep = default_sleep;
	*out = cs;
	return VIFS_OK;
}

void
vifs_credstore_free(vifs_credstore *cs)
{
	if (cs == NULL)
		return;
	free(cs->path);
	free(cs);
}

const char *
vifs_credstore_path(const vifs_credstore *cs)
{
	return cs->path;
}

void
vifs_credstore_set_sleep(vifs_credstore *cs, vifs_credstore_sleep_fn fn,
    void *payload)
{
	cs->sleep = fn ? fn : default_sleep;
	cs->payload = fn ? payload : NULL;
}

/* --- file and lock ---------------------------------------------------- */

int
credstore_store_open(vifs_credstore *cs, enum store_access access, int *fd_out)
{
	int flags = access == STORE_READ ? O_RDONLY : O_RDWR;
	int op = (access == STORE_READ ? LOCK_SH : LOCK_EX) | LOCK_NB;
	int fd, error;

	*fd_out = -1;
	if (access == STORE_CREATE)
		flags |= O_CREAT;
	/* A store that is written: never through a symbolic link. */
	if (access != STORE_READ)
		flags |= O_NOFOLLOW;
	fd = open(cs->path, flags | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT && access == STORE_CREATE &&
	    cs->is_default) {
		if ((error = vifs_mkdir_parents(cs->path)) < 0)
			return error;
		fd = open(cs->path, flags | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		if (errno == ENOENT && access != STORE_CREATE)
			return vifs_error_set(VIFS_ENOTFOUND,
			    "credential "
			    "store '%s' does not exist",
			    cs->path);
		return vifs_error_set(VIFS_EIO,
		    "credential store '%s': "
		    "Operation failed: %s",
		    cs->path,
		    errno == ELOOP ? "a symbolic link is not followed" :
		                     strerror(errno));
	}
	/* Only this user's store is written, and it is made private. */
	if (access != STORE_READ &&
	    (error = vifs_file_own_secret(fd, cs->path)) < 0) {
		char why[512];

		/* A copy: the message is formatted into the same buffer. */
		snprintf(why, sizeof(why), "%s", vifs_error_last());
		error = vifs_error_set(error, "credential store %s", why);
		close(fd);
		return error;
	}
	/* As the Perl store: try, sleep 1 s, try, sleep 2 s, ... 12 s. */
	for (unsigned t = 1;; t++) {
		if (flock(fd, op) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			error = vifs_error_set(VIFS_EIO,
			    "credential store "
			    "'%s': cannot lock: %s",
			    cs->path, strerror(errno));
			close(fd);
			return error;
		}
		if (t > LOCK_SLEEP_MAX) {
			close(fd);
			return vifs_error_set(VIFS_ETIMEOUT,
			    "credential "
			    "store '%s': Operation failed: the file stays "
			    "locked by another process",
			    cs->path);
		}
		cs->sleep(t, cs->payload);
	}
	*fd_out = fd;
	return VIFS_OK;
}

void
credstore_store_close(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

static int
read_fd_all(struct vifs_buf *b, int fd, const char *path)
{
	int error;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return vifs_error_set(VIFS_EIO, "credential store '%s': %s",
		    path, strerror(errno));
	for (;;) {
		ssize_t n;

		if ((error = vifs_buf_grow(b, 4096)) < 0)
			return error;
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vifs_error_set(VIFS_EIO,
			    "credential store "
			    "'%s': %s",
			    path, strerror(errno));
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
		if (b->len > STORE_MAX)
			return vifs_error_set(VIFS_ETOOBIG,
			    "credential store "
			    "'%s' is larger than %u bytes",
			    path, STORE_MAX);
	}
	return VIFS_OK;
}

/* A new document holding <viCredentials><version>1.0</version>. */
int
credstore_initial_doc(xmlDocPtr *out)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root;

	*out = NULL;
	if (doc == NULL ||
	    (root = xmlNewDocNode(doc, NULL, (const xmlChar *)"viCredentials",
	         NULL)) == NULL) {
		xmlFreeDoc(doc);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	xmlDocSetRootElement(doc, root);
	if (xmlNewTextChild(root, NULL, (const xmlChar *)"version",
	        (const xmlChar *)"1.0") == NULL) {
		xmlFreeDoc(doc);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	*out = doc;
	return VIFS_OK;
}

int
credstore_parse_failed(const char *path, const char *why)
{
	return vifs_error_set(VIFS_EPARSE, "Failed to parse file for %s: %s",
	    path, why);
}

/*
 * Reads the locked store FD into *out.  An empty file reads as an empty
 * store.  A document type declaration is refused: the store has none, and
 * refusing it keeps entity tricks out.
 */
int
credstore_store_load(vifs_credstore *cs, int fd, xmlDocPtr *out)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct vifs_xml_quiet quiet;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int error = 0;

	*out = NULL;
	if ((error = read_fd_all(&b, fd, cs->path)) < 0)
		goto done;
	if (b.len == 0) {
		error = credstore_initial_doc(out);
		goto done;
	}
	vifs_xml_quiet_begin(&quiet);
	doc = xmlReadMemory(b.data, (int)b.len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	        XML_PARSE_NOWARNING);
	vifs_xml_quiet_end(&quiet);
	if (doc == NULL) {
		error = credstore_parse_failed(cs->path, "not well-formed XML");
		goto done;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		error = credstore_parse_failed(cs->path,
		    "a DOCTYPE is not allowed");
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL ||
	    xmlStrcmp(root->name, (const xmlChar *)"viCredentials") != 0 ||
	    root->ns != NULL) {
		error = credstore_parse_failed(cs->path,
		    "the root element is not "
		    "<viCredentials>");
		goto done;
	}
	*out = doc;
	doc = NULL;
done:
	if (doc != NULL)
		xmlFreeDoc(doc);
	vifs_buf_free(&b);
	return error;
}

int
credstore_store_save(vifs_credstore *cs, int fd, xmlDocPtr doc)
{
	struct vifs_xml_quiet quiet;
	xmlChar *mem = NULL;
	int size = 0, error = 0;
	const char *p;
	size_t left;

	vifs_xml_quiet_begin(&quiet);
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	vifs_xml_quiet_end(&quiet);
	if (mem == NULL || size < 0)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	/* In place under the lock, as the Perl store writes: the lock is
	 * on this file, so it cannot be replaced by a rename. */
	if (ftruncate(fd, 0) != 0)
		goto fail;
	for (p = (const char *)mem, left = (size_t)size; left > 0;) {
		ssize_t n = pwrite(fd, p, left, (off_t)(p - (char *)mem));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	goto done;
fail:
	error = vifs_error_set(VIFS_EIO,
	    "credential store '%s': Operation "
	    "failed: %s",
	    cs->path, strerror(errno));
done:
	xmlFree(mem);
	return error;
}
