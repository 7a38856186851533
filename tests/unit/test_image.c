/*
 * test_image.c - esx.conf inside state.tgz, local.tgz and configuration
 * bundles: archives built here with libarchive in GNU, pax and ustar
 * form with varied members, round trips checked member by member with an
 * independent reader, and every kind of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sqlite3.h>

#include <vifs/configstore.h>
#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/image.h>

#include "testutil.h"

enum fmt { F_USTAR, F_GNU, F_PAX };

/* One member of a test archive. */
struct spec {
	const char *name;
	unsigned type; /* AE_IFREG, AE_IFDIR, AE_IFLNK */
	unsigned mode;
	const char *data; /* regular files; NULL with DATA_LEN for bytes */
	size_t len;
	const char *link;
	long long mtime;
	long nsec;
	long long uid;
	const char *uname;
};

struct blob {
	char *data;
	size_t len;
};

static la_ssize_t
blob_write(struct archive *a, void *payload, const void *buf, size_t len)
{
	struct blob *b = payload;

	(void)a;
	b->data = realloc(b->data, b->len + len + 1);
	assert_non_null(b->data);
	memcpy(b->data + b->len, buf, len);
	b->len += len;
	return (la_ssize_t)len;
}

/* A .tgz of the N members of S, in format F. */
static struct blob
make_tgz(const struct spec *s, size_t n, enum fmt f)
{
	struct archive *w = archive_write_new();
	struct blob b = { NULL, 0 };

	assert_int_equal(archive_write_add_filter_gzip(w), ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(w, 1);
	if (f == F_GNU)
		archive_write_set_format_gnutar(w);
	else if (f == F_PAX)
		archive_write_set_format_pax(w);
	else
		archive_write_set_format_ustar(w);
	assert_int_equal(archive_write_open2(w, &b, NULL, blob_write, NULL,
	                     NULL),
	    ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, s[i].name);
		archive_entry_set_filetype(e, s[i].type);
		archive_entry_set_perm(e, s[i].mode);
		archive_entry_set_mtime(e, (time_t)s[i].mtime, s[i].nsec);
		archive_entry_set_uid(e, s[i].uid);
		archive_entry_set_gid(e, s[i].uid);
		archive_entry_set_uname(e, s[i].uname ? s[i].uname : "root");
		archive_entry_set_gname(e, s[i].uname ? s[i].uname : "root");
		if (s[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, s[i].link);
		archive_entry_set_size(e,
		    s[i].type == AE_IFREG ? (la_int64_t)s[i].len : 0);
		assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
		if (s[i].type == AE_IFREG && s[i].len > 0)
			assert_int_equal(archive_write_data(w, s[i].data,
			                     s[i].len),
			    (la_ssize_t)s[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(w), ARCHIVE_OK);
	archive_write_free(w);
	return b;
}

#define REG(n, m, d) \
	{ \
		n, AE_IFREG, m, d, sizeof(d) - 1, NULL, 1600000000, 0, 0, NULL \
	}
#define DIR(n, m) \
	{ \
		n, AE_IFDIR, m, NULL, 0, NULL, 1600000001, 0, 0, NULL \
	}
#define LNK(n, t) \
	{ \
		n, AE_IFLNK, 0777, NULL, 0, t, 1600000002, 0, 0, NULL \
	}

static const char esxconf[] = "/adv/Misc/HostName = \"esx01\"\n"
                              "/device/000:29.7/owner = \"vmkernel\"\n";
static const char longname[] =
    "etc/vmware/a-directory-with-a-rather-long-name-that-ustar-cannot-"
    "hold-in-its-hundred-bytes/and-a-file-inside-it.cfg";

/* local.tgz with every kind of member; *n gets the count. */
static struct blob
make_local(enum fmt f, struct spec *out, size_t *n)
{
	struct spec s[] = {
		DIR("etc/", 0755),
		DIR("etc/vmware/", 0755),
		REG("etc/vmware/esx.conf", 0644, esxconf),
		REG("etc/shadow", 0400, "root:x:1:::::\n"),
		REG("etc/empty", 0644, ""),
		REG("etc/rc.local.d/local.sh", 0755, "#!/bin/sh\nexit 0\n"),
		LNK("etc/vm", "vmware"),
		REG("var/lib/vmware/configstore/backup/current-store-1", 0600,
		    "SQLite format 3\0..."),
		REG(longname, 0640, "long\n"),
	};
	size_t k = sizeof(s) / sizeof(s[0]);

	s[3].uid = 5;
	s[3].uname = "daemon";
	s[4].nsec = f == F_PAX ? 123456789 : 0;
	if (f == F_USTAR)
		k--; /* ustar cannot hold the long name */
	memcpy(out, s, k * sizeof(s[0]));
	*n = k;
	return make_tgz(s, k, f);
}

static struct blob
make_state(const struct blob *local, enum fmt f, struct spec *out, size_t *n)
{
	struct spec s[] = {
		{ "local.tgz", AE_IFREG, 0644, local->data, local->len, NULL,
		    1600000003, 0, 0, NULL },
		REG("jumpstrt.gz", 0644, "\x1f\x8b not really"),
		REG(longname, 0444, "x"),
	};
	size_t k = f == F_USTAR ? 2 : 3;

	memcpy(out, s, k * sizeof(s[0]));
	*n = k;
	return make_tgz(s, k, f);
}

/* Reads the members of LEN bytes of DATA with libarchive (independently
 * of the library) and compares them with the N of S; member EDITED (or
 * -1) may differ in data and mtime; its data goes to *child. */
static void
check_members(const char *data, size_t len, const struct spec *s, size_t n,
    long edited, struct blob *child)
{
	struct archive *r = archive_read_new();
	struct archive_entry *e;
	size_t i = 0;

	archive_read_support_filter_gzip(r);
	archive_read_support_format_tar(r);
	assert_int_equal(archive_read_open_memory(r, data, len), ARCHIVE_OK);
	while (archive_read_next_header(r, &e) == ARCHIVE_OK) {
		char buf[65536];
		la_ssize_t got;
		struct blob b = { NULL, 0 };

		assert_true(i < n);
		assert_string_equal(archive_entry_pathname(e), s[i].name);
		assert_int_equal(archive_entry_filetype(e), s[i].type);
		assert_int_equal(archive_entry_perm(e), s[i].mode);
		assert_int_equal(archive_entry_uid(e), s[i].uid);
		assert_string_equal(archive_entry_uname(e),
		    s[i].uname ? s[i].uname : "root");
		if (s[i].type == AE_IFLNK)
			assert_string_equal(archive_entry_symlink(e),
			    s[i].link);
		while ((got = archive_read_data(r, buf, sizeof(buf))) > 0)
			blob_write(NULL, &b, buf, (size_t)got);
		assert_true(got == 0);
		if ((long)i != edited) {
			assert_int_equal(archive_entry_mtime(e), s[i].mtime);
			assert_int_equal(archive_entry_mtime_nsec(e),
			    s[i].nsec);
			assert_int_equal(b.len,
			    s[i].type == AE_IFREG ? s[i].len : 0);
			if (b.len > 0)
				assert_memory_equal(b.data, s[i].data, b.len);
			free(b.data);
		} else {
			assert_int_equal(archive_entry_mtime(e), 1700000000);
			*child = b;
		}
		i++;
	}
	assert_int_equal(i, n);
	archive_read_free(r);
}

static void
round_trip(enum fmt lf, enum fmt sf)
{
	struct spec ls[16], ss[4];
	size_t ln, sn, len, out_len;
	struct blob local = make_local(lf, ls, &ln);
	struct blob state = make_state(&local, sf, ss, &sn);
	struct blob new_local = { NULL, 0 }, new_conf = { NULL, 0 };
	static const char edited[] = "/adv/Misc/HostName = \"esx02\"\n";
	vifs_image *img = NULL;
	const char *conf;
	char *out = NULL;

	assert_int_equal(vifs_image_parse(&img, "state.tgz", state.data,
	                     state.len),
	    0);
	assert_int_equal(vifs_image_kind(img), VIFS_IMAGE_STATE);
	assert_string_equal(vifs_image_esxconf_path(img),
	    "local.tgz/etc/vmware/esx.conf");
	conf = vifs_image_esxconf(img, &len);
	assert_int_equal(len, sizeof(esxconf) - 1);
	assert_memory_equal(conf, esxconf, len);
	assert_true(vifs_image_has_configstore(img, &len));
	assert_int_equal(len, 19);
	assert_int_equal(vifs_image_rebuild(&out, &out_len, img, edited,
	                     sizeof(edited) - 1, 1700000000),
	    0);
	/* Every member of both levels as it was, but the edited chain. */
	check_members(out, out_len, ss, sn, 0, &new_local);
	check_members(new_local.data, new_local.len, ls, ln, 2, &new_conf);
	assert_int_equal(new_conf.len, sizeof(edited) - 1);
	assert_memory_equal(new_conf.data, edited, new_conf.len);
	/* The output is one gzip stream with nothing after it. */
	assert_int_equal((unsigned char)out[0], 0x1f);
	assert_int_equal((unsigned char)out[1], 0x8b);
	free(new_local.data);
	free(new_conf.data);
	free(out);
	vifs_image_free(img);
	free(local.data);
	free(state.data);
}

static void
test_image_round_trip_gnu_in_pax(void **state)
{
	(void)state;
	round_trip(F_PAX, F_GNU);
}

static void
test_image_round_trip_ustar(void **state)
{
	(void)state;
	round_trip(F_USTAR, F_USTAR);
	round_trip(F_GNU, F_PAX);
}

static void
test_image_bundle_and_bare_local(void **state)
{
	struct spec ls[16], ss[4];
	size_t ln, sn, len, out_len;
	struct blob local = make_local(F_GNU, ls, &ln);
	struct blob st = make_state(&local, F_GNU, ss, &sn);
	struct spec bs[] = {
		REG("Manifest.txt", 0644, "UUID=abc\nBUILD=1\n"),
		{ "state.tgz", AE_IFREG, 0644, st.data, st.len, NULL,
		    1600000004, 0, 0, NULL },
	};
	struct blob bundle = make_tgz(bs, 2, F_USTAR);
	struct blob nstate = { NULL, 0 }, nlocal = { NULL, 0 },
	            nconf = { NULL, 0 };
	vifs_image *img = NULL;
	char *out = NULL;

	(void)state;
	assert_int_equal(vifs_image_parse(&img, "b.tgz", bundle.data,
	                     bundle.len),
	    0);
	assert_int_equal(vifs_image_kind(img), VIFS_IMAGE_BUNDLE);
	assert_string_equal(vifs_image_esxconf_path(img),
	    "state.tgz/local.tgz/etc/vmware/esx.conf");
	assert_int_equal(vifs_image_rebuild(&out, &out_len, img, "x\n", 2,
	                     1700000000),
	    0);
	check_members(out, out_len, bs, 2, 1, &nstate);
	check_members(nstate.data, nstate.len, ss, sn, 0, &nlocal);
	check_members(nlocal.data, nlocal.len, ls, ln, 2, &nconf);
	assert_int_equal(nconf.len, 2);
	free(nstate.data);
	free(nlocal.data);
	free(nconf.data);
	free(out);
	vifs_image_free(img);

	assert_int_equal(vifs_image_parse(&img, "local.tgz", local.data,
	                     local.len),
	    0);
	assert_int_equal(vifs_image_kind(img), VIFS_IMAGE_LOCAL);
	assert_string_equal(vifs_image_esxconf_path(img),
	    "etc/vmware/esx.conf");
	assert_non_null(vifs_image_esxconf(img, &len));
	vifs_image_free(img);
	free(bundle.data);
	free(st.data);
	free(local.data);
}

/* Parsing must fail with ERR and a message holding WANT. */
static void
expect_bad(const void *data, size_t len, int err, const char *want)
{
	vifs_image *img = (vifs_image *)1;

	if (vifs_image_parse(&img, "bad.tgz", data, len) != err)
		fail_msg("%s: got \"%s\"", want, vifs_error_last());
	assert_null(img);
	if (strstr(vifs_error_last(), want) == NULL)
		fail_msg("message '%s' lacks '%s'", vifs_error_last(), want);
	assert_null(strchr(vifs_error_last(), '\n'));
}

static void
test_image_hostile_inputs(void **state)
{
	struct spec ls[16], ss[4];
	size_t ln, sn;
	struct blob local = make_local(F_GNU, ls, &ln);
	struct blob st = make_state(&local, F_GNU, ss, &sn);
	struct spec ve[] = { REG("local.tgz.ve", 0644, "encrypted"),
		REG("encryption.info", 0644, "x") };
	struct spec none[] = { DIR("etc/", 0755), REG("etc/motd", 0644, "hi") };
	struct spec dup[] = { REG("etc/vmware/esx.conf", 0644, "a = \"1\"\n"),
		REG("./etc/vmware/esx.conf", 0644, "a = \"2\"\n") };
	struct spec sym[] = { LNK("etc/vmware/esx.conf", "/tmp/x") };
	struct spec dir[] = { DIR("etc/vmware/esx.conf", 0755) };
	struct spec badlocal[] = { REG("local.tgz", 0644, "not gzip at all") };
	struct blob b;
	char *mangled;

	(void)state;
	expect_bad("", 0, VIFS_EPARSE, "bad.tgz");
	expect_bad("plain text\n", 11, VIFS_EPARSE, "bad.tgz");
	/* Every truncation of a real state.tgz fails cleanly. */
	for (size_t cut = 0; cut < st.len; cut++) {
		vifs_image *img = NULL;
		int err = vifs_image_parse(&img, "cut.tgz", st.data, cut);

		if (err >= 0)
			fail_msg("cut %zu of %zu parsed", cut, st.len);
		assert_null(img);
	}
	expect_bad(st.data, st.len / 2, VIFS_EPARSE, "truncated");
	/* Flipped bytes inside the deflate stream: a CRC or data error. */
	mangled = malloc(st.len);
	memcpy(mangled, st.data, st.len);
	for (size_t i = 20; i < st.len - 8; i += 13)
		mangled[i] = (char)(mangled[i] ^ 0x5a);
	expect_bad(mangled, st.len, VIFS_EPARSE, "bad.tgz");
	free(mangled);
	b = make_tgz(ve, 2, F_USTAR);
	expect_bad(b.data, b.len, VIFS_EUNSUPPORTED, "local.tgz.ve");
	free(b.data);
	b = make_tgz(none, 2, F_USTAR);
	expect_bad(b.data, b.len, VIFS_ENOTFOUND, "no esx.conf inside");
	free(b.data);
	b = make_tgz(dup, 2, F_USTAR);
	expect_bad(b.data, b.len, VIFS_EPARSE, "twice");
	free(b.data);
	b = make_tgz(sym, 1, F_USTAR);
	expect_bad(b.data, b.len, VIFS_EPARSE, "not");
	free(b.data);
	b = make_tgz(dir, 1, F_USTAR);
	expect_bad(b.data, b.len, VIFS_EPARSE, "regular file");
	free(b.data);
	b = make_tgz(badlocal, 1, F_USTAR);
	expect_bad(b.data, b.len, VIFS_EPARSE, "member local.tgz");
	free(b.data);
	/* An uncompressed tar is not what ESXi writes. */
	{
		struct archive *w = archive_write_new();
		struct blob t = { NULL, 0 };
		struct archive_entry *e = archive_entry_new();

		archive_write_set_format_ustar(w);
		archive_write_open2(w, &t, NULL, blob_write, NULL, NULL);
		archive_entry_set_pathname(e, "etc/vmware/esx.conf");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, 0);
		archive_write_header(w, e);
		archive_write_close(w);
		archive_write_free(w);
		archive_entry_free(e);
		expect_bad(t.data, t.len, VIFS_EPARSE, "gzip");
		free(t.data);
	}
	free(st.data);
	free(local.data);
}

static void
test_image_save_backup_and_conflict(void **state)
{
	struct spec ls[16], ss[4];
	size_t ln, sn, got_len, back_len;
	struct blob local = make_local(F_PAX, ls, &ln);
	struct blob st = make_state(&local, F_GNU, ss, &sn);
	struct vifs_image_save_opts so = { NULL, 1700000000 };
	char *dir = tmpdir_make(), path[512], bdir[600], *backup = NULL;
	char *got = NULL, *back = NULL;
	vifs_image *img = NULL, *again = NULL;
	const char *conf;
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/state.tgz", dir);
	write_file(path, st.data, st.len);
	chmod(path, 0755);
	assert_int_equal(vifs_image_open(&img, path), 0);
	assert_int_equal(vifs_image_save(&backup, img, path, "a = \"1\"\n", 8,
	                     &so),
	    0);
	/* Beside the image, named after the time, the original bytes. */
	assert_non_null(strstr(backup, "/20231114T221320Z-state.tgz"));
	assert_int_equal(strncmp(backup, dir, strlen(dir)), 0);
	assert_int_equal(vifs_file_read(&back, &back_len, backup), 0);
	assert_int_equal(back_len, st.len);
	assert_memory_equal(back, st.data, st.len);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0755);
	assert_int_equal(vifs_image_open(&again, path), 0);
	conf = vifs_image_esxconf(again, &got_len);
	assert_int_equal(got_len, 8);
	assert_memory_equal(conf, "a = \"1\"\n", 8);
	free(backup);
	backup = NULL;
	/* IMG was read before the save: the file changed since. */
	assert_int_equal(vifs_image_save(&backup, img, path, "b\n", 2, &so),
	    VIFS_ECONFLICT);
	assert_null(backup);
	/* A backup that cannot be written leaves the image alone. */
	assert_int_equal(vifs_file_read(&got, &got_len, path), 0);
	snprintf(bdir, sizeof(bdir), "%s/file", dir);
	write_file(bdir, "x", 1);
	so.backup_dir = bdir;
	assert_int_equal(vifs_image_save(&backup, again, path, "c\n", 2, &so),
	    VIFS_EIO);
	assert_null(backup);
	free(back);
	assert_int_equal(vifs_file_read(&back, &back_len, path), 0);
	assert_int_equal(back_len, got_len);
	assert_memory_equal(back, got, got_len);
	free(back);
	free(got);
	vifs_image_free(img);
	vifs_image_free(again);
	tmpdir_remove(dir);
	free(st.data);
	free(local.data);
}

/* A real ConfigStore (built with SQLite) inside local.tgz inside
 * state.tgz: found, read, and carried byte for byte through an edit. */
static void
test_image_configstore_inside(void **state)
{
	static const char sql[] =
	    "CREATE TABLE Config (Component TEXT, ConfigGroup TEXT, Name "
	    "TEXT, Identifier TEXT, UserValue TEXT, VitalValue TEXT);"
	    "INSERT INTO Config VALUES ('esx', 'hardware', 'pci_devices', "
	    "'0000:00:1d.7', '{\"dl_bus_address\": \"s1\", \"owner\": "
	    "\"passthru\"}', NULL);";
	static const char edited[] = "/device/000:29.7/owner = \"vmkernel\"\n";
	sqlite3 *db = NULL;
	sqlite3_int64 dblen = 0;
	unsigned char *bytes;
	vifs_image *img = NULL, *again = NULL;
	vifs_configstore *cs = NULL;
	const char *data, *path;
	char *out = NULL;
	size_t len, out_len;
	struct blob local, st;
	struct spec ls[2], ss[1];

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_non_null(bytes = sqlite3_serialize(db, "main", &dblen, 0));
	ls[0] = (struct spec)REG("etc/vmware/esx.conf", 0644, esxconf);
	ls[1] = (struct spec)REG(VIFS_IMAGE_CONFIGSTORE, 0600, "");
	ls[1].data = (const char *)bytes;
	ls[1].len = (size_t)dblen;
	local = make_tgz(ls, 2, F_GNU);
	ss[0] = (struct spec)REG("local.tgz", 0644, "");
	ss[0].data = local.data;
	ss[0].len = local.len;
	st = make_tgz(ss, 1, F_GNU);
	assert_int_equal(vifs_image_parse(&img, "state.tgz", st.data, st.len),
	    0);
	data = vifs_image_configstore(img, &len, &path);
	assert_non_null(data);
	assert_int_equal(len, (size_t)dblen);
	assert_memory_equal(data, bytes, len);
	assert_string_equal(path, "local.tgz/" VIFS_IMAGE_CONFIGSTORE);
	assert_int_equal(vifs_configstore_parse(&cs, path, data, len), 0);
	assert_int_equal(vifs_configstore_count(cs), 1);
	assert_int_equal(vifs_configstore_get(cs, 0)->values[0].state,
	    VIFS_CS_PASSTHRU);
	/* An edit of esx.conf leaves the ConfigStore as it was. */
	assert_int_equal(vifs_image_rebuild(&out, &out_len, img, edited,
	                     sizeof(edited) - 1, 1700000000),
	    0);
	assert_int_equal(vifs_image_parse(&again, "again", out, out_len), 0);
	data = vifs_image_configstore(again, &len, NULL);
	assert_int_equal(len, (size_t)dblen);
	assert_memory_equal(data, bytes, len);
	vifs_configstore_free(cs);
	vifs_image_free(again);
	vifs_image_free(img);
	free(out);
	free(local.data);
	/* A bare local.tgz without one: NULL. */
	local = make_tgz(ls, 1, F_GNU);
	assert_int_equal(vifs_image_parse(&img, "local.tgz", local.data,
	                     local.len),
	    0);
	assert_null(vifs_image_configstore(img, &len, &path));
	assert_int_equal(len, 0);
	assert_null(path);
	vifs_image_free(img);
	free(local.data);
	free(st.data);
	sqlite3_free(bytes);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_round_trip_gnu_in_pax),
		cmocka_unit_test(test_image_round_trip_ustar),
		cmocka_unit_test(test_image_bundle_and_bare_local),
		cmocka_unit_test(test_image_hostile_inputs),
		cmocka_unit_test(test_image_save_backup_and_conflict),
		cmocka_unit_test(test_image_configstore_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
