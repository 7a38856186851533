/*
 * credstore.c - the vSphere CLI credential store, compatible with VMware's
 * VICredStore.pm (PROTOCOL.md §7, docs/internals/credstore.md).
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

#include "dirs.h"
#include "internal.h"
#include "utf8.h"
#include "xmlquiet.h"

#define STORE_SUFFIX "/.vmware/credstore/vicredentials.xml"
#define MIN_OBFUSCATED 128 /* bytes, as MINPASSLENGTH */
#define LOCK_SLEEP_MAX 12 /* seconds, as LOCKSLEEP */
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

static const char filler_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/* --- obfuscation ------------------------------------------------------ */

uint8_t
vifs_credstore_key(const char *server, const char *username)
{
	const char *parts[2] = { server, username };
	uint32_t h = 0;

	for (int i = 0; i < 2; i++) {
		const char *s = parts[i];
		size_t len = strlen(s);
		int utf8 = 1;

		for (size_t j = 0; j < len && utf8;) {
			uint32_t c;
			int n = vifs_utf8_next(s + j, len - j, &c);

			if (n < 0)
				utf8 = 0;
			else
				j += (size_t)n;
		}
		while (len > 0) {
			uint32_t c = (unsigned char)*s;
			int n = 1;

			if (utf8)
				n = vifs_utf8_next(s, len, &c);
			h = h * 31u + c;
			s += n;
			len -= (size_t)n;
		}
	}
	return (uint8_t)(h & 0xff);
}

/* Fills BUF with N characters of [A-Za-z0-9_] from OpenSSL's generator. */
static int
random_filler(char *buf, size_t n)
{
	unsigned char r[64];
	size_t i = 0;

	while (i < n) {
		if (RAND_bytes(r, (int)sizeof(r)) != 1)
			return vifs_error_set(VIFS_ERROR,
			    "cannot obtain "
			    "random bytes from OpenSSL");
		/* 252 = 4 * 63: drop the rest so that no character is
		 * likelier than another. */
		for (size_t j = 0; j < sizeof(r) && i < n; j++)
			if (r[j] < 252)
				buf[i++] = filler_chars[r[j] % 63];
	}
	OPENSSL_cleanse(r, sizeof(r));
	return VIFS_OK;
}

int
vifs_credstore_obfuscate(char **out, const char *server, const char *username,
    const char *password, const char *filler)
{
	size_t plen = strlen(password), n, flen;
	unsigned char *buf = NULL;
	char *b64 = NULL;
	uint8_t key = vifs_credstore_key(server, username);
	int error = 0;

	*out = NULL;
	if (plen > (size_t)INT_MAX / 2)
		return vifs_error_set(VIFS_ETOOBIG, "password too long");
	n = plen + 1 > MIN_OBFUSCATED ? plen + 1 : MIN_OBFUSCATED;
	if ((buf = calloc(1, n)) == NULL ||
	    (b64 = malloc(4 * ((n + 2) / 3) + 1)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(buf, password, plen);
	/* The password, a NUL, filler up to byte n - 2, and a NUL that the
	 * Perl store gets from XORing strings of unequal length. */
	flen = n - 1 > plen + 1 ? n - 1 - (plen + 1) : 0;
	if (filler == NULL) {
		if ((error = random_filler((char *)buf + plen + 1, flen)) < 0)
			goto done;
	} else {
		size_t fl = strlen(filler);

		for (size_t i = 0; i < flen; i++)
			buf[plen + 1 + i] = (unsigned char)(fl ?
			        filler[i % fl] :
			        '_');
	}
	for (size_t i = 0; i < n; i++)
		buf[i] ^= key;
	EVP_EncodeBlock((unsigned char *)b64, buf, (int)n);
	*out = b64;
	b64 = NULL;
done:
	if (buf != NULL)
		OPENSSL_clear_free(buf, n);
	free(b64);
	return error;
}

/* Decodes base64 TEXT as MIME::Base64 does: blanks ignored, padding
 * optional.  *out holds *out_len bytes; the caller wipes and frees it. */
static int
base64_decode(unsigned char **out, size_t *out_len, const char *text)
{
	size_t len = strlen(text), n = 0, pad = 0;
	char *clean = NULL;
	unsigned char *bin = NULL;
	int rc, error = 0;

	*out = NULL;
	*out_len = 0;
	if (len > STORE_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "password too long");
	if ((clean = malloc(len + 4)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			error = vifs_error_set(VIFS_EPARSE, "invalid base64");
			goto done;
		}
		clean[n++] = c;
	}
	if (pad > 2 || n % 4 == 1) {
		error = vifs_error_set(VIFS_EPARSE, "invalid base64");
		goto done;
	}
	pad = (4 - n % 4) % 4;
	for (size_t i = 0; i < pad; i++)
		clean[n + i] = '=';
	if ((bin = malloc((n + pad) / 4 * 3 + 1)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	rc = n + pad > 0 ?
	    EVP_DecodeBlock(bin, (unsigned char *)clean, (int)(n + pad)) :
	    0;
	if (rc < 0) {
		error = vifs_error_set(VIFS_EPARSE, "invalid base64");
		goto done;
	}
	/* EVP_DecodeBlock counts the bytes the padding stands for. */
	*out_len = (size_t)rc - pad;
	*out = bin;
	bin = NULL;
done:
	free(clean);
	free(bin);
	return error;
}

int
vifs_credstore_deobfuscate(char **out, const char *server, const char *username,
    const char *value)
{
	unsigned char *bin = NULL;
	size_t len = 0, end;
	uint8_t key = vifs_credstore_key(server, username);
	int error;

	*out = NULL;
	if ((error = base64_decode(&bin, &len, value)) < 0)
		return error;
	for (end = 0; end < len && (bin[end] ^ key) != 0; end++)
		;
	if (end == len) {
		error = vifs_error_set(VIFS_EPARSE,
		    "obfuscated password "
		    "holds no terminating NUL");
		goto done;
	}
	for (size_t i = 0; i < end; i++)
		bin[i] ^= key;
	bin[end] = '\0';
	if ((*out = vifs_strndup((char *)bin, end)) == NULL)
		error = VIFS_ENOMEM;
done:
	OPENSSL_clear_free(bin, len + 1);
	return error;
}

void
vifs_credstore_secret_free(char *secret)
{
	if (secret != NULL)
		OPENSSL_clear_free(secret, strlen(secret));
}

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

static int
store_open(vifs_credstore *cs, enum store_access access, int *fd_out)
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

static void
store_close(int fd)
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
static int
initial_doc(xmlDocPtr *out)
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

static int
parse_failed(const char *path, const char *why)
{
	return vifs_error_set(VIFS_EPARSE, "Failed to parse file for %s: %s",
	    path, why);
}

/*
 * Reads the locked store FD into *out.  An empty file reads as an empty
 * store.  A document type declaration is refused: the store has none, and
 * refusing it keeps entity tricks out.
 */
static int
store_load(vifs_credstore *cs, int fd, xmlDocPtr *out)
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
		error = initial_doc(out);
		goto done;
	}
	vifs_xml_quiet_begin(&quiet);
	doc = xmlReadMemory(b.data, (int)b.len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	        XML_PARSE_NOWARNING);
	vifs_xml_quiet_end(&quiet);
	if (doc == NULL) {
		error = parse_failed(cs->path, "not well-formed XML");
		goto done;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		error = parse_failed(cs->path, "a DOCTYPE is not allowed");
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL ||
	    xmlStrcmp(root->name, (const xmlChar *)"viCredentials") != 0 ||
	    root->ns != NULL) {
		error = parse_failed(cs->path,
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

static int
store_save(vifs_credstore *cs, int fd, xmlDocPtr doc)
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

/* --- entries ---------------------------------------------------------- */

static int
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

/* Text of the first NAME child of ENTRY ("" when there is none); caller
 * frees with xmlFree.  NULL only when out of memory. */
static char *
child_text(xmlNodePtr entry, const char *name)
{
	xmlNodePtr n = child(entry, name);
	xmlChar *s;

	s = n ? xmlNodeGetContent(n) : xmlStrdup((const xmlChar *)"");
	if (s == NULL)
		vifs_error_set(VIFS_ENOMEM, "out of memory");
	return (char *)s;
}

static int
ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

/* Finds the entry for SERVER and USER; *out NULL when there is none. */
static int
find_entry(xmlNodePtr *out, xmlDocPtr doc, const char *server, const char *user)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	*out = NULL;
	for (xmlNodePtr e = root->children; e != NULL; e = e->next) {
		char *h, *u;
		int match;

		if (!is_elem(e, "passwordEntry"))
			continue;
		if ((h = child_text(e, "host")) == NULL)
			return VIFS_ENOMEM;
		if ((u = child_text(e, "username")) == NULL) {
			xmlFree(h);
			return VIFS_ENOMEM;
		}
		match = ascii_casecmp(h, server) == 0 && strcmp(u, user) == 0;
		xmlFree(h);
		xmlFree(u);
		if (match) {
			*out = e;
			return VIFS_OK;
		}
	}
	return VIFS_OK;
}

static int
check_name(const char *what, const char *s)
{
	if (s == NULL || *s == '\0')
		return vifs_error_set(VIFS_EINVAL,
		    "Invalid argument "
		    "specified: empty %s",
		    what);
	if (!vifs_utf8_xml_safe(s))
		return vifs_error_set(VIFS_EINVAL,
		    "Invalid argument "
		    "specified: %s is not valid UTF-8 text",
		    what);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return vifs_error_set(VIFS_EINVAL,
			    "Invalid argument "
			    "specified: %s holds a control character",
			    what);
	return VIFS_OK;
}

/* Opens, locks, loads and closes the store for reading. */
static int
load_for_read(vifs_credstore *cs, xmlDocPtr *doc)
{
	int fd, error;

	if ((error = store_open(cs, STORE_READ, &fd)) < 0)
		return error;
	error = store_load(cs, fd, doc);
	store_close(fd);
	return error;
}

int
vifs_credstore_get_password(char **out, vifs_credstore *cs, const char *server,
    const char *username)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr e;
	char *h = NULL, *u = NULL, *p = NULL;
	int error;

	*out = NULL;
	if ((error = check_name("server", server)) < 0 ||
	    (error = check_name("username", username)) < 0)
		return error;
	if ((error = load_for_read(cs, &doc)) < 0)
		return error;
	if ((error = find_entry(&e, doc, server, username)) < 0 || e == NULL)
		goto done;
	if ((h = child_text(e, "host")) == NULL ||
	    (u = child_text(e, "username")) == NULL ||
	    (p = child_text(e, "password")) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	/* The key comes from the stored spellings, as the Perl reader's. */
	if ((error = vifs_credstore_deobfuscate(out, h, u, p)) < 0) {
		if (error != VIFS_ENOMEM)
			error = parse_failed(cs->path,
			    "the password of an "
			    "entry cannot be decoded");
		goto done;
	}
done:
	xmlFree(h);
	xmlFree(u);
	if (p != NULL)
		OPENSSL_cleanse(p, strlen(p));
	xmlFree(p);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return error;
}

/* A growable NULL-terminated array of strings. */
struct strv {
	char **v;
	size_t n, cap;
};

static int
strv_add(struct strv *sv, const char *s)
{
	if (sv->n + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **p = realloc(sv->v, cap * sizeof(*p));

		if (p == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		sv->v = p;
		sv->cap = cap;
	}
	if ((sv->v[sv->n] = vifs_strdup(s)) == NULL)
		return VIFS_ENOMEM;
	sv->v[++sv->n] = NULL;
	return VIFS_OK;
}

void
vifs_credstore_list_free(char **list)
{
	if (list == NULL)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hosts (SERVER NULL) or the users of SERVER, sorted, into SV. */
static int
collect(struct strv *sv, xmlDocPtr doc, const char *server)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int error = 0;

	for (xmlNodePtr e = root->children; e != NULL; e = e->next) {
		char *h = NULL, *u = NULL;
		int dup = 0;

		if (!is_elem(e, "passwordEntry"))
			continue;
		if ((h = child_text(e, "host")) == NULL)
			return VIFS_ENOMEM;
		if (server == NULL) {
			for (size_t i = 0; i < sv->n && !dup; i++)
				dup = ascii_casecmp(sv->v[i], h) == 0;
			if (!dup)
				error = strv_add(sv, h);
		} else if (ascii_casecmp(h, server) == 0) {
			if ((u = child_text(e, "username")) == NULL)
				error = VIFS_ENOMEM;
			else
				error = strv_add(sv, u);
		}
		xmlFree(h);
		xmlFree(u);
		if (error < 0)
			return error;
	}
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
	return VIFS_OK;
}

static int
list(char ***out, size_t *count, vifs_credstore *cs, const char *server)
{
	struct strv sv = { NULL, 0, 0 };
	xmlDocPtr doc = NULL;
	int error;

	*out = NULL;
	if (count)
		*count = 0;
	if ((error = load_for_read(cs, &doc)) < 0)
		return error;
	if ((error = collect(&sv, doc, server)) < 0 ||
	    (sv.v == NULL && (sv.v = calloc(1, sizeof(*sv.v))) == NULL)) {
		if (error == 0)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		vifs_credstore_list_free(sv.v);
		goto done;
	}
	*out = sv.v;
	if (count)
		*count = sv.n;
done:
	xmlFreeDoc(doc);
	return error;
}

int
vifs_credstore_list_hosts(char ***out, size_t *count, vifs_credstore *cs)
{
	return list(out, count, cs, NULL);
}

int
vifs_credstore_list_users(char ***out, size_t *count, vifs_credstore *cs,
    const char *server)
{
	int error;

	*out = NULL;
	if (count)
		*count = 0;
	if ((error = check_name("server", server)) < 0)
		return error;
	return list(out, count, cs, server);
}

int
vifs_credstore_get_user(char **out, vifs_credstore *cs, const char *server)
{
	char **users = NULL;
	size_t n = 0;
	int error;

	*out = NULL;
	if ((error = vifs_credstore_list_users(&users, &n, cs, server)) < 0)
		return error;
	if (n == 1 && (*out = vifs_strdup(users[0])) == NULL)
		error = VIFS_ENOMEM;
	vifs_credstore_list_free(users);
	return error;
}

/* Replaces the text of element N by TEXT (taken literally). */
static int
set_text(xmlNodePtr n, const char *text)
{
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, (const xmlChar *)text);
	if (n->children == NULL && *text != '\0')
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return VIFS_OK;
}

/* Sets the NAME child of entry E (appended when missing) to TEXT. */
static int
set_child(xmlNodePtr e, const char *name, const char *text)
{
	xmlNodePtr n = child(e, name);

	if (n == NULL) {
		if (xmlNewTextChild(e, NULL, (const xmlChar *)name,
		        (const xmlChar *)text) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		return VIFS_OK;
	}
	return set_text(n, text);
}

int
vifs_credstore_add(vifs_credstore *cs, const char *server, const char *username,
    const char *password, int *replaced)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr e, root;
	char *value = NULL;
	int fd = -1, error;

	if (replaced)
		*replaced = 0;
	if ((error = check_name("server", server)) < 0 ||
	    (error = check_name("username", username)) < 0)
		return error;
	if (password == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "Invalid argument "
		    "specified: no password");
	if ((error = vifs_credstore_obfuscate(&value, server, username,
	         password, NULL)) < 0)
		return error;
	if ((error = store_open(cs, STORE_CREATE, &fd)) < 0 ||
	    (error = store_load(cs, fd, &doc)) < 0 ||
	    (error = find_entry(&e, doc, server, username)) < 0)
		goto done;
	if (e != NULL) {
		if ((error = set_child(e, "password", value)) < 0 ||
		    (error = set_child(e, "host", server)) < 0)
			goto done;
		if (replaced)
			*replaced = 1;
	} else {
		root = xmlDocGetRootElement(doc);
		if ((e = xmlNewChild(root, NULL,
		         (const xmlChar *)"passwordEntry", NULL)) == NULL ||
		    xmlNewTextChild(e, NULL, (const xmlChar *)"host",
		        (const xmlChar *)server) == NULL ||
		    xmlNewTextChild(e, NULL, (const xmlChar *)"username",
		        (const xmlChar *)username) == NULL ||
		    xmlNewTextChild(e, NULL, (const xmlChar *)"password",
		        (const xmlChar *)value) == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
	}
	error = store_save(cs, fd, doc);
done:
	store_close(fd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	free(value);
	return error;
}

int
vifs_credstore_remove(vifs_credstore *cs, const char *server,
    const char *username, int *found)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr e;
	int fd = -1, error;

	if (found)
		*found = 0;
	if ((error = check_name("server", server)) < 0 ||
	    (error = check_name("username", username)) < 0)
		return error;
	if ((error = store_open(cs, STORE_WRITE, &fd)) < 0 ||
	    (error = store_load(cs, fd, &doc)) < 0 ||
	    (error = find_entry(&e, doc, server, username)) < 0 || e == NULL)
		goto done;
	xmlUnlinkNode(e);
	xmlFreeNode(e);
	if (found)
		*found = 1;
	error = store_save(cs, fd, doc);
done:
	store_close(fd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return error;
}

int
vifs_credstore_clear(vifs_credstore *cs)
{
	xmlDocPtr doc = NULL;
	int fd = -1, error;

	if ((error = store_open(cs, STORE_WRITE, &fd)) < 0 ||
	    (error = initial_doc(&doc)) < 0)
		goto done;
	error = store_save(cs, fd, doc);
done:
	store_close(fd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return error;
}
