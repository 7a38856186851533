/*
 * testutil.h - helpers for the cmocka unit tests.
 */
#ifndef VIFS_TESTUTIL_H
#define VIFS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a file under tests/fixtures (VIFS_FIXTURES); static buffer. */
const char *fixture_path(const char *name);

/* Reads a fixture into a new NUL-terminated buffer; fails the test if it
 * cannot.  Caller frees. */
char *fixture_read(const char *name, size_t *len);

/* Makes a fresh private directory for one test; caller removes it with
 * tmpdir_remove (recursive). Returns a static-lifetime copy. */
char *tmpdir_make(void);
void tmpdir_remove(char *dir);

/*
 * Parses LEN bytes of XML and validates them against docs/schemas/SCHEMA
 * (under VIFS_SRCDIR), failing the test on any error.  Returns the parsed
 * document (an xmlDocPtr; the caller frees it with xmlFreeDoc).
 */
void *xml_validate(const char *xml, size_t len, const char *schema);

/* The Nth (0-based) element child of PARENT (an xmlNodePtr), or NULL. */
void *xml_nth_elem(void *parent, int n);

/* Attribute NAME of element NODE must be WANT (NULL: absent). */
void xml_assert_prop(void *node, const char *name, const char *want);

/* Number of entries of DIR other than "." and "..". */
int count_entries(const char *dir);

/*
 * A TCP socket bound to a free port of 127.0.0.1, listening or not (a port
 * that refuses, or accepts and never answers); *port gets its number.
 */
int local_socket(int listening, unsigned *port);

/* Writes LEN bytes to PATH, failing the test on error. */
void write_file(const char *path, const void *data, size_t len);

#endif
