/*
 * fuzz_credstore.c - the credential store: store files and obfuscated
 * values.
 *
 * The input is written as a store file, then listed, looked up and
 * changed; an entry just added must read back.  The input also serves as
 * an obfuscated value and, when it holds no NUL, as a password whose
 * obfuscation must round-trip.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vifs/credstore.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char store_dir[256];
static char store_path[300];

static void
no_sleep(unsigned seconds, void *payload)
{
	(void)seconds;
	(void)payload;
}

static void
remove_dir(void)
{
	unlink(store_path);
	rmdir(store_dir);
}

/* A private directory for the store file, removed at exit. */
static const char *
store_file(void)
{
	if (store_path[0] == '\0') {
		snprintf(store_dir, sizeof(store_dir),
		    "/tmp/vifs-fuzz-credstore-XXXXXX");
		if (mkdtemp(store_dir) == NULL)
			abort();
		snprintf(store_path, sizeof(store_path), "%s/store.xml",
		    store_dir);
		atexit(remove_dir);
	}
	return store_path;
}

static void
fuzz_values(const char *text, size_t size)
{
	char *v = NULL, *pw = NULL;

	if (vifs_credstore_deobfuscate(&pw, "esx01", "root", text) == 0)
		vifs_credstore_secret_free(pw);
	(void)vifs_credstore_key(text, text);
	if (strlen(text) != size)
		return;
	if (vifs_credstore_obfuscate(&v, "h\xc3\xa9", "u", text, "x") != 0)
		abort();
	if (vifs_credstore_deobfuscate(&pw, "h\xc3\xa9", "u", v) != 0 ||
	    strcmp(pw, text) != 0)
		abort();
	vifs_credstore_secret_free(pw);
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_credstore *cs = NULL;
	const char *path = store_file();
	char *text, *pw = NULL, **hosts = NULL, **users = NULL;
	FILE *f;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_values(text, size);

	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if (vifs_credstore_new(&cs, path) != 0)
		abort();
	vifs_credstore_set_sleep(cs, no_sleep, NULL);
	if (vifs_credstore_list_hosts(&hosts, NULL, cs) == 0) {
		for (size_t i = 0; hosts[i] != NULL && i < 8; i++) {
			if (vifs_credstore_list_users(&users, NULL, cs,
			        hosts[i]) != 0)
				continue;
			for (size_t j = 0; users[j] != NULL && j < 8; j++) {
				if (vifs_credstore_get_password(&pw, cs,
				        hosts[i], users[j]) == 0)
					vifs_credstore_secret_free(pw);
			}
			vifs_credstore_list_free(users);
		}
		vifs_credstore_list_free(hosts);
		if (vifs_credstore_add(cs, "Fuzz.Host", "fuzz", "pw&<", NULL) !=
		    0)
			abort();
		if (vifs_credstore_get_password(&pw, cs, "fuzz.host", "fuzz") !=
		        0 ||
		    pw == NULL || strcmp(pw, "pw&<") != 0)
			abort();
		vifs_credstore_secret_free(pw);
		if (vifs_credstore_remove(cs, "FUZZ.HOST", "fuzz", NULL) != 0)
			abort();
	}
	vifs_credstore_free(cs);
	unlink(path);
	free(text);
	return 0;
}
