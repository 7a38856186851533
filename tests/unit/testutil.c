/*
 * testutil.c - helpers for the cmocka unit tests.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "testutil.h"

const char *
fixture_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("VIFS_FIXTURES");

	if (dir == NULL)
		fail_msg("VIFS_FIXTURES is not set; run the tests with ctest");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

char *
fixture_read(const char *name, size_t *len)
{
	const char *path = fixture_path(name);
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)size;
	return buf;
}

char *
tmpdir_make(void)
{
	char tmpl[] = "/tmp/vifs-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tmpdir_remove(char *dir)
{
	if (dir == NULL)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void *
xml_validate(const char *xml, size_t len, const char *schema)
{
	char path[4096];
	const char *src = getenv("VIFS_SRCDIR");
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr s;
	xmlDocPtr d;

	if (src == NULL)
		fail_msg("VIFS_SRCDIR is not set; run the tests with ctest");
	snprintf(path, sizeof(path), "%s/docs/schemas/%s", src, schema);
	d = xmlReadMemory(xml, (int)len, schema, NULL, XML_PARSE_NONET);
	assert_non_null(d);
	pc = xmlSchemaNewParserCtxt(path);
	assert_non_null(pc);
	s = xmlSchemaParse(pc);
	assert_non_null(s);
	vc = xmlSchemaNewValidCtxt(s);
	assert_non_null(vc);
	assert_int_equal(xmlSchemaValidateDoc(vc, d), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(s);
	xmlSchemaFreeParserCtxt(pc);
	return d;
}

void *
xml_nth_elem(void *parent, int n)
{
	xmlNodePtr c;

	for (c = ((xmlNodePtr)parent)->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && n-- == 0)
			return c;
	return NULL;
}

void
xml_assert_prop(void *node, const char *name, const char *want)
{
	xmlChar *v = xmlGetProp((xmlNodePtr)node, (const xmlChar *)name);

	if (want == NULL) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal((const char *)v, want);
	xmlFree(v);
}

int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

int
local_socket(int listening, unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (listening)
		assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}
