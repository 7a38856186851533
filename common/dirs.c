/*
 * dirs.c - mkdir -p for the directories of the credential store and the
 * known-hosts file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vifs/error.h>

#include "dirs.h"
#include "internal.h"

int
vifs_mkdir_parents(const char *path)
{
	char *dir = vifs_strdup(path), *slash;
	int error = 0;

	if (dir == NULL)
		return VIFS_ENOMEM;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		free(dir);
		return VIFS_OK;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			error = vifs_error_set(VIFS_EIO,
			    "cannot create "
			    "directory '%s': %s",
			    dir, strerror(errno));
			break;
		}
		if (c == '\0')
			break;
		*p = c;
	}
	free(dir);
	return error;
}
