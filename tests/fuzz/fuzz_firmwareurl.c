/*
 * fuzz_firmwareurl.c - the path of a URL a host returns for a
 * configuration bundle (BackupFirmwareConfiguration,
 * QueryFirmwareConfigUploadURL: "http://STAR/downloads/.../x.tgz").
 *
 * Besides memory safety: a path taken is the URL's tail, absolute, and
 * plain (no empty, "." or ".." component, also percent-encoded, no query,
 * fragment, blank, backslash or control character); a URL refused gives
 * VIFS_EPARSE with a message of one line without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>

#include "firmware_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when the path P breaks a promise of firmware_url_path(). */
static int
bad_path(const char *p)
{
	const char *c;

	if (*p != '/' || strstr(p, "//") != NULL || p[strlen(p) - 1] == '/')
		return 1;
	for (c = p; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '?' ||
		    *c == '#' || *c == '\\')
			return 1;
	for (c = p; *c; c++) {
		const char *e;
		size_t n;

		if (*c != '/')
			continue;
		e = strchr(c + 1, '/');
		n = e ? (size_t)(e - c - 1) : strlen(c + 1);
		if ((n == 1 && c[1] == '.') ||
		    (n == 2 && c[1] == '.' && c[2] == '.'))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url, *path = NULL;
	int rc;

	if ((url = malloc(size + 1)) == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	rc = firmware_url_path(&path, url, "backup");
	if (rc == 0) {
		size_t n = strlen(path), u = strlen(url);

		if (bad_path(path) || n > u || strcmp(url + u - n, path) != 0)
			abort();
		free(path);
	} else {
		const char *m = vifs_error_last();

		if (rc != VIFS_EPARSE && rc != VIFS_ENOMEM)
			abort();
		if (path != NULL)
			abort();
		for (; *m; m++)
			if ((unsigned char)*m < ' ' || *m == 0x7f)
				abort();
	}
	free(url);
	return 0;
}
