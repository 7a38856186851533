/*
 * test_credstore.c - the vSphere CLI credential store: obfuscation test
 * vectors, file layout, matching rules, locking, hostile files.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <openssl/evp.h>

#include <vifs/credstore.h>
#include <vifs/error.h>

#include "testutil.h"

/* PROTOCOL.md §7: VMware1! for root@esx01.example.com, filler all 'x'. */
static const char worked_value[] =
    "KjELHQ4ZTV18"
    "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"
    "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"
    "BAQEBAQEBAQEBAQEBAQE"
    "BHw=";

static char *
path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
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

/* Decodes base64 VALUE with OpenSSL, returning the byte count. */
static size_t
b64_bytes(unsigned char *out, const char *value)
{
	size_t len = strlen(value);
	int n = EVP_DecodeBlock(out, (const unsigned char *)value, (int)len);

	assert_true(n >= 0);
	while (len > 0 && value[len - 1] == '=') {
		n--;
		len--;
	}
	return (size_t)n;
}

static void
test_key(void **state)
{
	(void)state;
	assert_int_equal(vifs_credstore_key("esx01.example.com", "root"), 0x7c);
	assert_int_equal(vifs_credstore_key("10.0.0.1",
	                     "administrator@vsphere.local"),
	    0xe7);
	/* Code points for UTF-8 text: U+00E9 hashes as 0xE9, not C3 A9. */
	assert_int_equal(vifs_credstore_key("\xc3\xa9", ""), 0xe9);
	assert_int_equal(vifs_credstore_key("", "\xc3\xa9"), 0xe9);
	/* 'a' (97) * 31 + U+20AC (8364) = 0x2C6B. */
	assert_int_equal(vifs_credstore_key("a", "\xe2\x82\xac"), 0x6b);
	/* Bytes for anything else. */
	assert_int_equal(vifs_credstore_key("\xff", ""), 0xff);
	assert_int_equal(vifs_credstore_key("", ""), 0);
}

static void
test_worked_example(void **state)
{
	char *v, *pw;

	(void)state;
	assert_int_equal(vifs_credstore_obfuscate(&v, "esx01.example.com",
	                     "root", "VMware1!", "x"),
	    0);
	assert_int_equal(strlen(v), 172);
	assert_string_equal(v, worked_value);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "esx01.example.com",
	                     "root", v),
	    0);
	assert_string_equal(pw, "VMware1!");
	vifs_credstore_secret_free(pw);
	free(v);
}

static int
is_filler(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static void
test_random_filler(void **state)
{
	unsigned char bin[200];
	char *v1, *v2, *pw;
	size_t n;
	int seen[256] = { 0 }, distinct = 0;

	(void)state;
	assert_int_equal(vifs_credstore_obfuscate(&v1, "esx01.example.com",
	                     "root", "VMware1!", NULL),
	    0);
	assert_int_equal(vifs_credstore_obfuscate(&v2, "esx01.example.com",
	                     "root", "VMware1!", NULL),
	    0);
	assert_int_equal(strlen(v1), 172);
	assert_memory_equal(v1, "KjELHQ4ZTV18", 12);
	assert_string_not_equal(v1, v2);
	n = b64_bytes(bin, v1);
	assert_int_equal(n, 128);
	for (size_t i = 0; i < n; i++)
		bin[i] ^= 0x7c;
	assert_memory_equal(bin, "VMware1!\0", 9);
	for (size_t i = 9; i < 127; i++) {
		assert_true(is_filler(bin[i]));
		distinct += !seen[bin[i]]++;
	}
	/* 118 draws from 63 characters: a constant filler would be a bug. */
	assert_true(distinct > 20);
	assert_int_equal(bin[127], 0);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "esx01.example.com",
	                     "root", v2),
	    0);
	assert_string_equal(pw, "VMware1!");
	vifs_credstore_secret_free(pw);
	free(v1);
	free(v2);
}

static void
test_lengths(void **state)
{
	static const size_t lens[] = { 0, 1, 125, 126, 127, 128, 129, 300 };
	static const size_t bytes[] = { 128, 128, 128, 128, 128, 129, 130,
		301 };
	unsigned char bin[400];
	char pw[301], *v, *back;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n;

		memset(pw, 'p', lens[i]);
		pw[lens[i]] = '\0';
		assert_int_equal(vifs_credstore_obfuscate(&v, "h", "u", pw,
		                     "x"),
		    0);
		n = b64_bytes(bin, v);
		assert_int_equal(n, bytes[i]);
		/* Always NUL-terminated: the last byte decodes to NUL. */
		assert_int_equal(bin[n - 1] ^ vifs_credstore_key("h", "u"), 0);
		assert_int_equal(vifs_credstore_deobfuscate(&back, "h", "u", v),
		    0);
		assert_string_equal(back, pw);
		vifs_credstore_secret_free(back);
		free(v);
	}
}

static void
test_deobfuscate_errors(void **state)
{
	unsigned char bin[200];
	char enc[300], *pw = (void *)1;
	uint8_t k = vifs_credstore_key("h", "u");

	(void)state;
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "h", "u", "!!!!"),
	    VIFS_EPARSE);
	assert_null(pw);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "h", "u", "QQ=A"),
	    VIFS_EPARSE);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "h", "u", "Q"),
	    VIFS_EPARSE);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "h", "u", ""),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "no terminating NUL"));

	/* What the Perl writer makes of a 128-character password: the
	 * password XORed, then a raw NUL that the reader XORs into the key,
	 * so no NUL is left (PROTOCOL.md §7 quirk). */
	memset(bin, 'q', 128);
	for (int i = 0; i < 128; i++)
		bin[i] ^= k;
	bin[128] = 0;
	EVP_EncodeBlock((unsigned char *)enc, bin, 129);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "h", "u", enc),
	    VIFS_EPARSE);

	/* Blanks inside and missing padding are accepted, as by
	 * MIME::Base64. */
	snprintf(enc, sizeof(enc), " %.*s\n %s", 80, worked_value,
	    worked_value + 80);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "esx01.example.com",
	                     "root", enc),
	    0);
	assert_string_equal(pw, "VMware1!");
	vifs_credstore_secret_free(pw);
	snprintf(enc, sizeof(enc), "%.*s", 170, worked_value);
	assert_int_equal(vifs_credstore_deobfuscate(&pw, "esx01.example.com",
	                     "root", enc),
	    0);
	assert_string_equal(pw, "VMware1!");
	vifs_credstore_secret_free(pw);
	vifs_credstore_secret_free(NULL);
}

/* --- files ------------------------------------------------------------ */

struct fixture {
	char *dir;
	char *path;
	vifs_credstore *cs;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tmpdir_make();
	f->path = path_in(f->dir, "vicredentials.xml");
	assert_int_equal(vifs_credstore_new(&f->cs, f->path), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vifs_credstore_free(f->cs);
	free(f->path);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
copy_fixture(const char *path)
{
	size_t len;
	char *buf = fixture_read("credstore/vicredentials.xml", &len);

	write_file(path, buf, len);
	free(buf);
}

static void
assert_password(vifs_credstore *cs, const char *h, const char *u,
    const char *want)
{
	char *pw = (void *)1;

	assert_int_equal(vifs_credstore_get_password(&pw, cs, h, u), 0);
	if (want == NULL) {
		assert_null(pw);
		return;
	}
	assert_non_null(pw);
	assert_string_equal(pw, want);
	vifs_credstore_secret_free(pw);
}

static void
test_read_reference_store(void **state)
{
	struct fixture *f = *state;

	copy_fixture(f->path);
	assert_password(f->cs, "esx01.example.com", "root", "VMware1!");
	assert_password(f->cs, "10.0.0.1", "administrator@vsphere.local",
	    "S3cret&<pw>");
	assert_password(f->cs, "esx02", "root", "");
	assert_password(f->cs, "ESX02", "backup", "p");
	/* Host case-insensitive, user case-sensitive. */
	assert_password(f->cs, "ESX01.Example.COM", "root", "VMware1!");
	assert_password(f->cs, "esx01.example.com", "Root", NULL);
	/* A short name is another host. */
	assert_password(f->cs, "esx01", "root", NULL);
	assert_string_equal(vifs_credstore_path(f->cs), f->path);
}

static void
test_layout_byte_compatible(void **state)
{
	struct fixture *f = *state;
	size_t len0, len1;
	char *before, *after;
	int found;

	/* Adding and removing an entry gives the reference bytes back:
	 * the writer lays the file out as libxml2 did for the Perl store. */
	copy_fixture(f->path);
	before = slurp(f->path, &len0);
	assert_int_equal(vifs_credstore_add(f->cs, "new.example.com", "u", "pw",
	                     NULL),
	    0);
	assert_int_equal(vifs_credstore_remove(f->cs, "NEW.example.com", "u",
	                     &found),
	    0);
	assert_true(found);
	after = slurp(f->path, &len1);
	assert_int_equal(len0, len1);
	assert_memory_equal(before, after, len0);
	free(before);
	free(after);
}

static void
test_add_creates_file(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char *text, *pw_start, *pw_end;
	int replaced = -1;
	const char *want_head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                        "<viCredentials>\n"
	                        "  <version>1.0</version>\n"
	                        "  <passwordEntry>\n"
	                        "    <host>esx01.example.com</host>\n"
	                        "    <username>root</username>\n"
	                        "    <password>";
	const char *want_tail = "</password>\n"
	                        "  </passwordEntry>\n"
	                        "</viCredentials>\n";

	assert_int_equal(vifs_credstore_add(f->cs, "esx01.example.com", "root",
	                     "VMware1!", &replaced),
	    0);
	assert_int_equal(replaced, 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp(f->path, NULL);
	assert_memory_equal(text, want_head, strlen(want_head));
	pw_start = text + strlen(want_head);
	pw_end = strchr(pw_start, '<');
	assert_non_null(pw_end);
	assert_int_equal(pw_end - pw_start, 172);
	assert_memory_equal(pw_start, "KjELHQ4ZTV18", 12);
	assert_string_equal(pw_end, want_tail);
	free(text);
	assert_password(f->cs, "esx01.example.com", "root", "VMware1!");
}

static void
test_add_replace_respells(void **state)
{
	struct fixture *f = *state;
	char **list;
	size_t n;
	char *text;
	int replaced = -1;

	copy_fixture(f->path);
	assert_int_equal(vifs_credstore_add(f->cs, "ESX01.EXAMPLE.COM", "root",
	                     "n3w", &replaced),
	    0);
	assert_int_equal(replaced, 1);
	assert_password(f->cs, "esx01.example.com", "root", "n3w");
	text = slurp(f->path, NULL);
	assert_non_null(strstr(text, "<host>ESX01.EXAMPLE.COM</host>"));
	assert_null(strstr(text, "<host>esx01.example.com</host>"));
	free(text);
	assert_int_equal(vifs_credstore_list_hosts(&list, &n, f->cs), 0);
	assert_int_equal(n, 3);
	vifs_credstore_list_free(list);

	/* Another user of the same host is a new entry. */
	assert_int_equal(vifs_credstore_add(f->cs, "esx01.example.com", "Root",
	                     "other", &replaced),
	    0);
	assert_int_equal(replaced, 0);
	assert_password(f->cs, "esx01.example.com", "Root", "other");
	assert_password(f->cs, "esx01.example.com", "root", "n3w");
}

static void
test_lists(void **state)
{
	struct fixture *f = *state;
	char **list, *user = (void *)1;
	size_t n;

	copy_fixture(f->path);
	assert_int_equal(vifs_credstore_add(f->cs, "Alpha", "zed", "1", NULL),
	    0);
	assert_int_equal(vifs_credstore_add(f->cs, "esx02", "admin", "2", NULL),
	    0);

	/* De-duplicated case-insensitively, first spelling kept, sorted by
	 * bytes. */
	assert_int_equal(vifs_credstore_list_hosts(&list, &n, f->cs), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "10.0.0.1");
	assert_string_equal(list[1], "Alpha");
	assert_string_equal(list[2], "ESX02");
	assert_string_equal(list[3], "esx01.example.com");
	assert_null(list[4]);
	vifs_credstore_list_free(list);

	assert_int_equal(vifs_credstore_list_users(&list, &n, f->cs, "Esx02"),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "admin");
	assert_string_equal(list[1], "backup");
	assert_string_equal(list[2], "root");
	vifs_credstore_list_free(list);

	assert_int_equal(vifs_credstore_list_users(&list, &n, f->cs, "nowhere"),
	    0);
	assert_int_equal(n, 0);
	assert_null(list[0]);
	vifs_credstore_list_free(list);
	vifs_credstore_list_free(NULL);

	/* The single user of a server, or none when zero or several. */
	assert_int_equal(vifs_credstore_get_user(&user, f->cs, "ALPHA"), 0);
	assert_string_equal(user, "zed");
	free(user);
	assert_int_equal(vifs_credstore_get_user(&user, f->cs, "esx02"), 0);
	assert_null(user);
	assert_int_equal(vifs_credstore_get_user(&user, f->cs, "other"), 0);
	assert_null(user);
}

static void
test_remove_and_clear(void **state)
{
	struct fixture *f = *state;
	char *before, *after, **list;
	size_t n;
	int found = -1;

	copy_fixture(f->path);
	before = slurp(f->path, NULL);
	assert_int_equal(vifs_credstore_remove(f->cs, "esx01.example.com",
	                     "nobody", &found),
	    0);
	assert_int_equal(found, 0);
	after = slurp(f->path, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);

	assert_int_equal(vifs_credstore_remove(f->cs, "10.0.0.1",
	                     "administrator@vsphere.local", &found),
	    0);
	assert_int_equal(found, 1);
	assert_password(f->cs, "10.0.0.1", "administrator@vsphere.local", NULL);
	assert_password(f->cs, "esx01.example.com", "root", "VMware1!");

	assert_int_equal(vifs_credstore_clear(f->cs), 0);
	after = slurp(f->path, NULL);
	assert_string_equal(after,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<viCredentials>\n"
	    "  <version>1.0</version>\n"
	    "</viCredentials>\n");
	free(after);
	assert_int_equal(vifs_credstore_list_hosts(&list, &n, f->cs), 0);
	assert_int_equal(n, 0);
	vifs_credstore_list_free(list);
}

static void
test_special_text(void **state)
{
	struct fixture *f = *state;
	char *text;

	assert_int_equal(vifs_credstore_add(f->cs, "h&<x>", "DOM\\u\"s'", "p",
	                     NULL),
	    0);
	text = slurp(f->path, NULL);
	assert_non_null(strstr(text, "<host>h&amp;&lt;x&gt;</host>"));
	free(text);
	assert_password(f->cs, "H&<X>", "DOM\\u\"s'", "p");
	/* Replacing keeps the text literal too. */
	assert_int_equal(vifs_credstore_add(f->cs, "H&<X>", "DOM\\u\"s'",
	                     "&amp;", NULL),
	    0);
	assert_password(f->cs, "h&<x>", "DOM\\u\"s'", "&amp;");
	text = slurp(f->path, NULL);
	assert_non_null(strstr(text, "<host>H&amp;&lt;X&gt;</host>"));
	free(text);
	/* UTF-8 names hash by code point and round-trip. */
	assert_int_equal(vifs_credstore_add(f->cs, "h\xc3\xb4te", "\xc3\xa9",
	                     "\xe2\x82\xac", NULL),
	    0);
	assert_password(f->cs, "h\xc3\xb4te", "\xc3\xa9", "\xe2\x82\xac");
}

static void
test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	char *pw = (void *)1;

	assert_int_equal(vifs_credstore_add(f->cs, "", "u", "p", NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_credstore_add(f->cs, "h", "", "p", NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_credstore_add(f->cs, "h", "u", NULL, NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_credstore_add(f->cs, "h\n", "u", "p", NULL),
	    VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "control character"));
	assert_int_equal(vifs_credstore_add(f->cs, "h", "\xff", "p", NULL),
	    VIFS_EINVAL);
	assert_int_equal(vifs_credstore_add(f->cs, "h", "u\x01", "p", NULL),
	    VIFS_EINVAL);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "", "u"),
	    VIFS_EINVAL);
	assert_null(pw);
	assert_non_null(strstr(vifs_error_last(), "Invalid argument"));
}

static void
test_missing_file(void **state)
{
	struct fixture *f = *state;
	vifs_credstore *cs;
	char *pw = (void *)1, **list = (void *)1, *missing;

	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "h", "u"),
	    VIFS_ENOTFOUND);
	assert_null(pw);
	assert_non_null(strstr(vifs_error_last(), "does not exist"));
	assert_int_equal(vifs_credstore_list_hosts(&list, NULL, f->cs),
	    VIFS_ENOTFOUND);
	assert_null(list);
	assert_int_equal(vifs_credstore_remove(f->cs, "h", "u", NULL),
	    VIFS_ENOTFOUND);
	assert_int_equal(vifs_credstore_clear(f->cs), VIFS_ENOTFOUND);
	assert_int_equal(access(f->path, F_OK), -1);

	/* Outside the default location the directory must exist. */
	missing = path_in(f->dir, "no/such/dir/vicredentials.xml");
	assert_int_equal(vifs_credstore_new(&cs, missing), 0);
	assert_int_equal(vifs_credstore_add(cs, "h", "u", "p", NULL), VIFS_EIO);
	assert_non_null(strstr(vifs_error_last(), "Operation failed"));
	vifs_credstore_free(cs);
	free(missing);
}

static void
test_default_path(void **state)
{
	struct fixture *f = *state;
	vifs_credstore *cs;
	char *old = getenv("HOME"), *saved = old ? strdup(old) : NULL;
	char *want, *dir;
	struct stat st;

	setenv("HOME", f->dir, 1);
	assert_int_equal(vifs_credstore_new(&cs, NULL), 0);
	want = path_in(f->dir, ".vmware/credstore/vicredentials.xml");
	assert_string_equal(vifs_credstore_path(cs), want);
	assert_int_equal(vifs_credstore_add(cs, "h", "u", "p", NULL), 0);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	dir = path_in(f->dir, ".vmware/credstore");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_password(cs, "h", "u", "p");
	vifs_credstore_free(cs);
	free(dir);
	free(want);

	setenv("HOME", "", 1);
	cs = (void *)1;
	assert_int_equal(vifs_credstore_new(&cs, ""), VIFS_ENOTFOUND);
	assert_null(cs);
	unsetenv("HOME");
	assert_int_equal(vifs_credstore_default_path(&want), VIFS_ENOTFOUND);
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
}

static void
write_store(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

static void
test_hostile_files(void **state)
{
	static const char *bad[] = {
		"not xml at all",
		"<viCredentials>",
		"<?xml version=\"1.0\"?><other/>",
		"<?xml version=\"1.0\"?><x:viCredentials xmlns:x=\"urn:x\"/>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE viCredentials [\n"
		"<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"]>\n<viCredentials><passwordEntry><host>&b;</host>"
		"</passwordEntry></viCredentials>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE viCredentials SYSTEM "
		"\"file:///etc/passwd\"><viCredentials/>",
		"\xef\xbb\xbf<viCredentials><passwordEntry><host>\xff"
		"</host></passwordEntry></viCredentials>",
	};
	struct fixture *f = *state;
	char *pw = (void *)1, **list;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_store(f->path, bad[i]);
		assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "h",
		                     "u"),
		    VIFS_EPARSE);
		assert_null(pw);
		assert_non_null(
		    strstr(vifs_error_last(), "Failed to parse file for"));
		/* A store that cannot be read is never overwritten. */
		assert_int_equal(vifs_credstore_add(f->cs, "h", "u", "p", NULL),
		    VIFS_EPARSE);
	}

	/* Entries that cannot be decoded fail only when asked for. */
	write_store(f->path,
	    "<viCredentials>"
	    "<passwordEntry><host>a</host><username>u</username>"
	    "<password>!!!</password></passwordEntry>"
	    "<passwordEntry><host>b</host><username>u</username>"
	    "</passwordEntry>"
	    "<passwordEntry><username>u</username><password>x</password>"
	    "</passwordEntry>"
	    "<passwordEntry><host>c</host><username>u</username>"
	    "<password>QUJD</password></passwordEntry>"
	    "<junk/>text"
	    "</viCredentials>");
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "a", "u"),
	    VIFS_EPARSE);
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "b", "u"),
	    VIFS_EPARSE);
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "c", "u"),
	    VIFS_EPARSE);
	assert_non_null(strstr(vifs_error_last(), "cannot be decoded"));
	assert_int_equal(vifs_credstore_list_hosts(&list, &n, f->cs), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "");
	vifs_credstore_list_free(list);
	/* Unknown elements survive a rewrite. */
	assert_int_equal(vifs_credstore_add(f->cs, "a", "u", "fixed", NULL), 0);
	assert_password(f->cs, "a", "u", "fixed");
	pw = slurp(f->path, NULL);
	assert_non_null(strstr(pw, "<junk/>"));
	free(pw);

	/* An empty file is an empty store. */
	write_store(f->path, "");
	assert_int_equal(vifs_credstore_list_hosts(&list, &n, f->cs), 0);
	assert_int_equal(n, 0);
	vifs_credstore_list_free(list);
	assert_int_equal(vifs_credstore_add(f->cs, "h", "u", "p", NULL), 0);
	assert_password(f->cs, "h", "u", "p");

	/* A store file that is a directory. */
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs, "h", "u"),
	    VIFS_EIO);
	assert_int_equal(rmdir(f->path), 0);
}

static void
test_too_big(void **state)
{
	struct fixture *f = *state;
	char **list = (void *)1;
	int fd = open(f->path, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	assert_int_equal(vifs_credstore_list_hosts(&list, NULL, f->cs),
	    VIFS_ETOOBIG);
	assert_null(list);
}

static int caller_handler_calls;

static void
caller_handler(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
	caller_handler_calls++;
}

static void
test_never_prints(void **state)
{
	static const char *stores[] = {
		/* Encoding errors that libxml2 reports through its generic
		 * handler, which prints, whatever the parser options. */
		"<?xml version=\"1.0\" encoding=\"UTF-7\"?><viCredentials>"
		"<passwordEntry><host>)5+f\xff</host></passwordEntry>"
		"</viCredentials>",
		"<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>"
		"<viCredentials>\x1b$B\xff\xff</viCredentials>",
		"<viCredentials><unclosed></viCredentials>",
	};
	struct fixture *f = *state;
	char *errpath = path_in(f->dir, "stderr"), *text, *pw;
	int saved, fd;
	size_t len;

	xmlSetGenericErrorFunc(NULL, caller_handler);
	fflush(stderr);
	saved = dup(2);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	for (size_t i = 0; i < sizeof(stores) / sizeof(stores[0]); i++) {
		write_file(f->path, stores[i], strlen(stores[i]));
		(void)vifs_credstore_get_password(&pw, f->cs, "h", "u");
		(void)vifs_credstore_add(f->cs, "h", "u", "p", NULL);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	text = slurp(errpath, &len);
	assert_int_equal(len, 0);
	free(text);
	/* The caller's handler is back, and was not called by us. */
	assert_true(xmlGenericError == caller_handler);
	assert_int_equal(caller_handler_calls, 0);
	xmlSetGenericErrorFunc(NULL, NULL);
	free(errpath);
}

/* --- locking ---------------------------------------------------------- */

struct sleeps {
	unsigned calls[20];
	size_t n;
	int release_after; /* close HOLDER after this many sleeps */
	int holder;
};

static void
record_sleep(unsigned seconds, void *payload)
{
	struct sleeps *s = payload;

	if (s->n < 20)
		s->calls[s->n] = seconds;
	s->n++;
	if (s->release_after > 0 && (int)s->n == s->release_after &&
	    s->holder >= 0) {
		close(s->holder);
		s->holder = -1;
	}
}

static int
hold_lock(const char *path, int op)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(flock(fd, op | LOCK_NB), 0);
	return fd;
}

static void
test_lock_schedule(void **state)
{
	struct fixture *f = *state;
	struct sleeps s;
	char *pw = (void *)1;

	copy_fixture(f->path);
	memset(&s, 0, sizeof(s));
	s.holder = hold_lock(f->path, LOCK_EX);
	vifs_credstore_set_sleep(f->cs, record_sleep, &s);
	assert_int_equal(vifs_credstore_get_password(&pw, f->cs,
	                     "esx01.example.com", "root"),
	    VIFS_ETIMEOUT);
	assert_null(pw);
	assert_non_null(strstr(vifs_error_last(), "Operation failed"));
	/* Sleeps of 1, 2, ... 12 seconds, then failure (78 s in all). */
	assert_int_equal(s.n, 12);
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(s.calls[i], i + 1);
	close(s.holder);
}

static void
test_lock_released(void **state)
{
	struct fixture *f = *state;
	struct sleeps s;

	copy_fixture(f->path);
	memset(&s, 0, sizeof(s));
	s.holder = hold_lock(f->path, LOCK_EX);
	s.release_after = 3;
	vifs_credstore_set_sleep(f->cs, record_sleep, &s);
	assert_password(f->cs, "esx01.example.com", "root", "VMware1!");
	assert_int_equal(s.n, 3);

	/* Readers share: a shared lock held elsewhere does not block a
	 * read, but blocks a write. */
	memset(&s, 0, sizeof(s));
	s.holder = hold_lock(f->path, LOCK_SH);
	assert_password(f->cs, "esx01.example.com", "root", "VMware1!");
	assert_int_equal(s.n, 0);
	assert_int_equal(vifs_credstore_add(f->cs, "x", "y", "z", NULL),
	    VIFS_ETIMEOUT);
	assert_int_equal(s.n, 12);
	close(s.holder);
	assert_password(f->cs, "x", "y", NULL);

	/* NULL restores the default sleep (not exercised: it sleeps). */
	vifs_credstore_set_sleep(f->cs, NULL, NULL);
	assert_int_equal(vifs_credstore_add(f->cs, "x", "y", "z", NULL), 0);
	assert_password(f->cs, "x", "y", "z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_random_filler),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_deobfuscate_errors),
		cmocka_unit_test_setup_teardown(test_read_reference_store,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_byte_compatible,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_creates_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_replace_respells,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_and_clear, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_special_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_prints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_schedule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_released, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
