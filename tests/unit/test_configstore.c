/*
 * test_configstore.c - the pci_devices records of an ESXi ConfigStore:
 * real SQLite databases built here with the sqlite3 library (the table
 * and columns dissect.target reads), values of every shape, how records
 * compare with esx.conf, and hostile databases (not SQLite, truncated,
 * corrupted page by page, other tables, views, huge values).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include <vifs/configstore.h>
#include <vifs/error.h>
#include <vifs/passthru.h>

#include "testutil.h"

#define TABLE \
	"CREATE TABLE Config (Component TEXT, ConfigGroup TEXT, Name " \
	"TEXT, Identifier TEXT, ModifiedTime TEXT, CreationTime TEXT, " \
	"Version TEXT, Success INTEGER, AutoConfValue TEXT, UserValue " \
	"TEXT, VitalValue TEXT, CachedValue TEXT, DesiredValue TEXT, " \
	"Revision INTEGER);"
#define ROW(id, col, json) \
	"INSERT INTO Config (Component, ConfigGroup, Name, Identifier, " col \
	") VALUES ('esx', 'hardware', 'pci_devices', '" id "', '" json "');"

/* The bytes of a database made by SQL; *len gets their count. */
static unsigned char *
make_db(const char *sql, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_int64 n = 0;
	unsigned char *bytes, *copy;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	bytes = sqlite3_serialize(db, "main", &n, 0);
	assert_non_null(bytes);
	copy = malloc((size_t)n);
	assert_non_null(copy);
	memcpy(copy, bytes, (size_t)n);
	sqlite3_free(bytes);
	sqlite3_close(db);
	*len = (size_t)n;
	return copy;
}

/* Parses SQL's database and expects failure ERR with one line. */
static void
expect_refused(const void *data, size_t len, int err)
{
	vifs_configstore *cs = NULL;

	assert_int_equal(vifs_configstore_parse(&cs, "cs", data, len), err);
	assert_null(cs);
	assert_non_null(strstr(vifs_error_last(), "cs: "));
	assert_null(strchr(vifs_error_last(), '\n'));
}

static void
test_cs_records(void **state)
{
	static const char sql[] = TABLE
	    "INSERT INTO Config (Component, ConfigGroup, Name, Identifier, "
	    "UserValue) VALUES ('esx', 'syslog', 'global_settings', '', "
	    "'{\"log_dir\": \"/scratch/log\"}'),"
	    "('vsan', 'hardware', 'pci_devices', '0000:00:02.0', "
	    "'{\"owner\": \"passthru\"}');" ROW("0000:00:1d.7", "UserValue",
	        "{\"dl_bus_address\": \"s1.07\", \"owner\": \"passthru\"}")
	        ROW("0000:00:1b.0", "DesiredValue",
	            "{\"passthru_enabled\": false}") ROW("0000:03:00.0",
	            "VitalValue",
	            "{\"dl_bus_address\": \"s3\", \"vendor\": 1}") ROW("zz",
	            "CachedValue",
	            "[1]") "INSERT INTO Config (Component, ConfigGroup, Name, "
	                   "Identifier, UserValue, VitalValue) VALUES ('esx', "
	                   "'hardware', 'pci_devices', '0000:00:1d.0', "
	                   "'{\"owner\": \"VM Passthru\"}', "
	                   "'{\"passthruEnabled\": false}');";
	const struct vifs_cs_device *d;
	struct vifs_pciaddr a;
	vifs_configstore *cs = NULL;
	unsigned char *db;
	size_t len;
	int mixed;

	(void)state;
	db = make_db(sql, &len);
	assert_int_equal(vifs_configstore_parse(&cs, "cs", db, len), 0);
	assert_int_equal(vifs_configstore_count(cs), 5);
	/* Sorted by address; the identifier that is none comes last. */
	d = vifs_configstore_get(cs, 0);
	assert_string_equal(d->identifier, "0000:00:1b.0");
	assert_int_equal(d->nvalues, 1);
	assert_int_equal(d->values[0].layer, VIFS_CS_DESIRED);
	assert_int_equal(d->values[0].state, VIFS_CS_VMKERNEL);
	assert_string_equal(d->values[0].field, "passthru_enabled");
	assert_string_equal(d->values[0].field_value, "false");
	d = vifs_configstore_get(cs, 1);
	assert_string_equal(d->identifier, "0000:00:1d.0");
	assert_int_equal(d->nvalues, 2);
	assert_int_equal(vifs_cs_device_state(d, &mixed), VIFS_CS_PASSTHRU);
	assert_true(mixed);
	assert_int_equal(vifs_passthru_cs_match(d, VIFS_OWNER_VMKERNEL),
	    VIFS_CS_DISAGREES);
	d = vifs_configstore_get(cs, 2);
	assert_string_equal(d->identifier, "0000:00:1d.7");
	assert_int_equal(d->values[0].layer, VIFS_CS_USER);
	assert_int_equal(d->values[0].state, VIFS_CS_PASSTHRU);
	assert_string_equal(d->values[0].dl_bus_address, "s1.07");
	assert_int_equal(vifs_passthru_cs_match(d, VIFS_OWNER_PASSTHRU),
	    VIFS_CS_AGREES);
	assert_int_equal(vifs_passthru_cs_match(d, VIFS_OWNER_NONE),
	    VIFS_CS_DISAGREES);
	d = vifs_configstore_get(cs, 3);
	assert_int_equal(d->values[0].state, VIFS_CS_UNKNOWN);
	assert_string_equal(d->values[0].shape,
	    "members: dl_bus_address, vendor");
	assert_string_equal(d->values[0].dl_bus_address, "s3");
	assert_int_equal(vifs_passthru_cs_match(d, VIFS_OWNER_VMKERNEL),
	    VIFS_CS_STATE_UNKNOWN);
	d = vifs_configstore_get(cs, 4);
	assert_false(d->addr_ok);
	assert_string_equal(d->values[0].shape, "a JSON array, not an object");
	/* Lookup by address; none for an address without a record. */
	assert_int_equal(vifs_pciaddr_parse(&a, NULL, "00:1d.7", VIFS_PCI_AUTO),
	    0);
	assert_ptr_equal(vifs_configstore_find(cs, &a),
	    vifs_configstore_get(cs, 2));
	assert_int_equal(vifs_pciaddr_parse(&a, NULL, "00:02.0", VIFS_PCI_AUTO),
	    0);
	assert_null(vifs_configstore_find(cs, &a));
	assert_int_equal(vifs_passthru_cs_match(NULL, VIFS_OWNER_PASSTHRU),
	    VIFS_CS_NO_RECORD);
	vifs_configstore_free(cs);
	free(db);
}

/* Values of every shape are read, never an error. */
static void
test_cs_value_shapes(void **state)
{
	static const char sql[] = TABLE ROW("0000:00:01.0", "UserValue",
	    "not json") ROW("0000:00:02.0", "UserValue", "\"text\"")
	    ROW("0000:00:03.0", "UserValue", "{}")
	        ROW("0000:00:04.0", "UserValue",
	            "{\"owner\": \"vmkernel\", \"passthruEnabled\": true}")
	            ROW("0000:00:05.0", "UserValue",
	                "{\"owner\": \"a\", \"owner\": \"b\"}")
	                ROW("0000:00:06.0", "UserValue",
	                    "{\"owner\": \"somebody\"}") ROW("0000:00:07.0",
	                    "UserValue", "{\"passthruEnabled\": \"yes\"}")
	                    ROW("0000:00:08.0", "UserValue",
	                        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,"
	                        "\"f\":6,\"g\":7,\"h\":8,\"i\":9}")
	                        ROW("0000:00:09.0", "UserValue",
	                            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")
	                            ROW("0000:00:0a.0", "UserValue", "");
	static const char *const shapes[] = { "not JSON",
		"a JSON string, not an object", "an empty JSON object",
		"members that disagree on passthrough", "not JSON",
		"members: owner", "members: passthruEnabled",
		"members: a, b, c, d, e, f, g, h, ...", "not JSON" };
	vifs_configstore *cs = NULL;
	unsigned char *db;
	size_t len;

	(void)state;
	db = make_db(sql, &len);
	assert_int_equal(vifs_configstore_parse(&cs, "cs", db, len), 0);
	assert_int_equal(vifs_configstore_count(cs), 10);
	for (size_t i = 0; i < 9; i++) {
		const struct vifs_cs_device *d = vifs_configstore_get(cs, i);

		assert_int_equal(d->nvalues, 1);
		assert_int_equal(d->values[0].state, VIFS_CS_UNKNOWN);
		assert_string_equal(d->values[0].shape, shapes[i]);
	}
	/* An empty value is no value. */
	assert_int_equal(vifs_configstore_get(cs, 9)->nvalues, 0);
	vifs_configstore_free(cs);
	free(db);
}

static void
test_cs_hostile(void **state)
{
	static const char good[] = TABLE ROW("0000:00:1d.7", "UserValue",
	    "{\"owner\": \"passthru\"}")
	    ROW("0000:00:1d.0", "UserValue", "{\"owner\": \"vmkernel\"}");
	vifs_configstore *cs = NULL;
	unsigned char *db, *bad;
	size_t len, blen;

	(void)state;
	expect_refused("", 0, VIFS_EPARSE);
	expect_refused("PK\003\004 not an SQLite database at all, really "
	               "not, not at all, no, not in the least, not even a "
	               "little bit, nope",
	    100, VIFS_EPARSE);
	db = make_db(good, &len);
	/* Truncated anywhere after the header. */
	for (size_t cut = 100; cut < len; cut += 512)
		expect_refused(db, cut, VIFS_EPARSE);
	/* Every byte of the second page flipped in turn: read or refused
	 * with one line, never a crash (ASan watches). */
	bad = malloc(len);
	assert_non_null(bad);
	for (size_t i = 0; i < len; i += 7) {
		memcpy(bad, db, len);
		bad[i] ^= 0x5a;
		if (vifs_configstore_parse(&cs, "cs", bad, len) == 0) {
			assert_true(vifs_configstore_count(cs) <= 2);
			vifs_configstore_free(cs);
			cs = NULL;
		} else {
			assert_null(cs);
			assert_null(strchr(vifs_error_last(), '\n'));
		}
	}
	free(bad);
	free(db);
	/* SQLite, but no Config table, or one without the naming columns. */
	db = make_db("CREATE TABLE Other (x);", &blen);
	expect_refused(db, blen, VIFS_EPARSE);
	free(db);
	db = make_db("CREATE TABLE Config (Key TEXT, Value TEXT);", &blen);
	expect_refused(db, blen, VIFS_EPARSE);
	free(db);
	/* Config as a view: views are not run on a file from elsewhere. */
	db = make_db("CREATE TABLE T (Component, ConfigGroup, Name, "
	             "Identifier, UserValue); CREATE VIEW Config AS SELECT * "
	             "FROM T;",
	    &blen);
	expect_refused(db, blen, VIFS_EPARSE);
	free(db);
	/* A value over 1 MiB. */
	db = make_db(TABLE "INSERT INTO Config (Component, ConfigGroup, Name, "
	                   "Identifier, UserValue) VALUES ('esx', 'hardware', "
	                   "'pci_devices', '0000:00:1d.7', "
	                   "hex(zeroblob(600000)));",
	    &blen);
	expect_refused(db, blen, VIFS_ETOOBIG);
	free(db);
	/* Unexpected columns are ignored, missing value columns empty;
	 * an identifier with control bytes is made printable. */
	db = make_db("CREATE TABLE Config (identifier TEXT, component TEXT, "
	             "configgroup TEXT, name TEXT, Extra BLOB, VitalValue "
	             "TEXT); INSERT INTO Config VALUES (char(1) || 'x', "
	             "'esx', 'hardware', 'pci_devices', x'00', "
	             "'{\"owner\": \"passthru\"}');",
	    &blen);
	assert_int_equal(vifs_configstore_parse(&cs, "cs", db, blen), 0);
	assert_int_equal(vifs_configstore_count(cs), 1);
	assert_string_equal(vifs_configstore_get(cs, 0)->identifier, "?x");
	assert_int_equal(vifs_configstore_get(cs, 0)->values[0].layer,
	    VIFS_CS_VITAL);
	vifs_configstore_free(cs);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cs_records),
		cmocka_unit_test(test_cs_value_shapes),
		cmocka_unit_test(test_cs_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
