/*
 * credstore.c - the vSphere CLI credential store, compatible with VMware's
 * VICredStore.pm (PROTOCOL.md §7, docs/internals/credstore.md): its
 * entries found, listed, added, removed and cleared.
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

	if ((error = credstore_store_open(cs, STORE_READ, &fd)) < 0)
		return error;
	error = credstore_store_load(cs, fd, doc);
	credstore_store_close(fd);
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
			error = credstore_parse_failed(cs->path,
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
	if ((error = credstore_store_open(cs, STORE_CREATE, &fd)) < 0 ||
	    (error = credstore_store_load(cs, fd, &doc)) < 0 ||
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
	error = credstore_store_save(cs, fd, doc);
done:
	credstore_store_close(fd);
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
	if ((error = credstore_store_open(cs, STORE_WRITE, &fd)) < 0 ||
	    (error = credstore_store_load(cs, fd, &doc)) < 0 ||
	    (error = find_entry(&e, doc, server, username)) < 0 || e == NULL)
		goto done;
	xmlUnlinkNode(e);
	xmlFreeNode(e);
	if (found)
		*found = 1;
	error = credstore_store_save(cs, fd, doc);
done:
	credstore_store_close(fd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return error;
}

int
vifs_credstore_clear(vifs_credstore *cs)
{
	xmlDocPtr doc = NULL;
	int fd = -1, error;

	if ((error = credstore_store_open(cs, STORE_WRITE, &fd)) < 0 ||
	    (error = credstore_initial_doc(&doc)) < 0)
		goto done;
	error = credstore_store_save(cs, fd, doc);
done:
	credstore_store_close(fd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return error;
}
