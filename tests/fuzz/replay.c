/*
 * replay.c - runs a fuzz target over files, for builds without libFuzzer.
 *
 * Each argument is a file or a directory (walked one level deep); every
 * file is fed to LLVMFuzzerTestOneInput once whole and once cut at a few
 * lengths, so truncated inputs are covered too.  A missing argument is an
 * error: the replay must never pass by finding nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t runs;

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	size_t cuts[4];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			if ((p = realloc(buf, cap)) == NULL) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	cuts[0] = len;
	cuts[1] = len / 2;
	cuts[2] = len > 0 ? len - 1 : 0;
	cuts[3] = len > 7 ? 7 : len;
	for (size_t i = 0; i < 4; i++) {
		/* A private copy of exactly that length, so ASan sees reads
		 * past the end of what the target was given. */
		uint8_t *copy = malloc(cuts[i] ? cuts[i] : 1);

		if (copy == NULL)
			break;
		memcpy(copy, buf, cuts[i]);
		LLVMFuzzerTestOneInput(copy, cuts[i]);
		free(copy);
		runs++;
	}
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			failed = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed |= replay_file(argv[i]) != 0;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			failed = 1;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    e->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				failed |= replay_file(path) != 0;
		}
		closedir(d);
	}
	printf("%zu inputs replayed\n", runs);
	if (runs == 0) {
		fprintf(stderr, "no input replayed\n");
		return 1;
	}
	return failed;
}
