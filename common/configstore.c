/*
 * configstore.c - the PCI passthrough records of an ESXi ConfigStore,
 * read from the bytes of its SQLite database (read-only, in memory, with
 * SQLite's defences for untrusted files), their JSON values read with
 * jansson.
 *
 * Format facts (docs/internals/image.md): table Config, rows named by
 * Component, ConfigGroup, Name, Identifier, JSON text in AutoConfValue,
 * UserValue, VitalValue, CachedValue, DesiredValue (fox-it/dissect.target,
 * dissect/target/plugins/os/unix/esxi/configstore.py); PCI devices under
 * esx / hardware / pci_devices with the PCI address as identifier and a
 * dl_bus_address in the value (configstorecli get/delete -c esx -g
 * hardware -k pci_devices -i 0000:65:00.0, after Broadcom's articles).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sqlite3.h>

#include <vifs/configstore.h>
#include <vifs/error.h>

#include "internal.h"

/* Largest database read; a ConfigStore is a few megabytes. */
#define CS_MAX ((size_t)256 << 20)
/* Largest value (or identifier) read from a row. */
#define VALUE_MAX (1 << 20)
/* Rows of pci_devices at most: far more functions than a host has. */
#define ROWS_MAX 65536
/* Longest identifier or member text kept for reports. */
#define TEXT_MAX 128
/* SQLite virtual-machine steps, in thousands, before giving up. */
#define STEPS_MAX 200000

#define COMPONENT "esx"
#define GROUP "hardware"
#define KEY "pci_devices"

static const char *const layer_cols[VIFS_CS_LAYERS] = { "AutoConfValue",
	"UserValue", "VitalValue", "CachedValue", "DesiredValue" };
static const char *const name_cols[] = { "Component", "ConfigGroup", "Name",
	"Identifier" };

struct vifs_configstore {
	char *name;
	struct vifs_cs_device *d;
	size_t n, cap;
	char **owned; /* every string the rows point at */
	size_t nowned, capowned;
	unsigned steps;
};

void
vifs_configstore_free(vifs_configstore *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->nowned; i++)
		free(cs->owned[i]);
	free(cs->owned);
	free(cs->d);
	free(cs->name);
	free(cs);
}

/* Takes S (NULL: out of memory) into the strings of CS; NULL on failure. */
static const char *
keep(vifs_configstore *cs, char *s)
{
	if (s == NULL)
		return NULL;
	if (cs->nowned == cs->capowned) {
		size_t ncap = cs->capowned ? cs->capowned * 2 : 64;
		char **no = realloc(cs->owned, ncap * sizeof(*no));

		if (no == NULL) {
			free(s);
			return NULL;
		}
		cs->owned = no;
		cs->capowned = ncap;
	}
	cs->owned[cs->nowned++] = s;
	return s;
}

/* LEN bytes of S as printable ASCII (others become '?'), cut at
 * TEXT_MAX with "..."; a new string, NULL when out of memory. */
static char *
printable(const char *s, size_t len)
{
	size_t n = len > TEXT_MAX ? TEXT_MAX : len;
	char *t = malloc(n + 4);

	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		t[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(t + n, len > n ? "..." : "");
	return t;
}

static const char *
keep_text(vifs_configstore *cs, const char *s, size_t len)
{
	return keep(cs, printable(s, len));
}

const char *
vifs_cs_layer_name(enum vifs_cs_layer l)
{
	return (unsigned)l < VIFS_CS_LAYERS ? layer_cols[l] : "?";
}

const char *
vifs_cs_state_name(enum vifs_cs_state s)
{
	switch (s) {
	case VIFS_CS_VMKERNEL:
		return "vmkernel";
	case VIFS_CS_PASSTHRU:
		return "passthru";
	case VIFS_CS_UNKNOWN:
		break;
	}
	return "unknown";
}

/* NAME lower-cased without '_', '-' and spaces into BUF (64 bytes). */
static void
squash(char buf[64], const char *name)
{
	size_t j = 0;

	for (; *name && j < 63; name++)
		if (*name != '_' && *name != '-' && *name != ' ')
			buf[j++] = (char)tolower((unsigned char)*name);
	buf[j] = '\0';
}

/*
 * What member KEY = V says, when it is one of the words the other homes
 * of the setting use; VIFS_CS_UNKNOWN otherwise.  *text gets the value
 * as found.
 */
static enum vifs_cs_state
member_state(const char *key, json_t *v, const char **text)
{
	char k[64], s[64];

	squash(k, key);
	if (strcmp(k, "passthruenabled") == 0 ||
	    strcmp(k, "passthroughenabled") == 0) {
		if (!json_is_boolean(v))
			return VIFS_CS_UNKNOWN;
		*text = json_is_true(v) ? "true" : "false";
		return json_is_true(v) ? VIFS_CS_PASSTHRU : VIFS_CS_VMKERNEL;
	}
	if ((strcmp(k, "owner") != 0 && strcmp(k, "configuredowner") != 0) ||
	    !json_is_string(v))
		return VIFS_CS_UNKNOWN;
	*text = json_string_value(v);
	squash(s, *text);
	if (strcmp(s, "passthru") == 0 || strcmp(s, "vmpassthru") == 0)
		return VIFS_CS_PASSTHRU;
	if (strcmp(s, "vmkernel") == 0)
		return VIFS_CS_VMKERNEL;
	return VIFS_CS_UNKNOWN;
}

/* "members: a, b, c" of OBJ, at most a few, for an unknown shape. */
static char *
member_list(json_t *obj)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const char *k;
	json_t *v;
	size_t i = 0;
	int error = vifs_buf_puts(&b,
	    json_object_size(obj) ? "members: " : "an empty JSON object");

	json_object_foreach(obj, k, v)
	{
		char *t;

		if (error < 0)
			break;
		if (i == 8) {
			error = vifs_buf_puts(&b, ", ...");
			break;
		}
		if ((t = printable(k, strlen(k))) == NULL) {
			error = VIFS_ENOMEM;
			break;
		}
		error = vifs_buf_printf(&b, "%s%s", i++ ? ", " : "", t);
		free(t);
	}
	if (error < 0) {
		vifs_buf_free(&b);
		return NULL;
	}
	return vifs_buf_detach(&b, NULL);
}

static const char *
json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_ARRAY:
		return "a JSON array, not an object";
	case JSON_STRING:
		return "a JSON string, not an object";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a JSON number, not an object";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a JSON boolean, not an object";
	case JSON_NULL:
		return "JSON null, not an object";
	case JSON_OBJECT:
		break;
	}
	return "a JSON object";
}

/* Reads the LEN bytes of TEXT of layer L into *v.  Only out of memory is
 * an error: any other shape is an unknown state. */
static int
read_value(vifs_configstore *cs, struct vifs_cs_value *v, enum vifs_cs_layer l,
    const char *text, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(text, len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	const char *k, *found = NULL;
	json_t *m;
	int clash = 0;

	memset(v, 0, sizeof(*v));
	v->layer = l;
	if (j == NULL) {
		v->shape = "not JSON";
		return VIFS_OK;
	}
	if (!json_is_object(j)) {
		v->shape = json_kind(j);
		json_decref(j);
		return VIFS_OK;
	}
	json_object_foreach(j, k, m)
	{
		const char *t = NULL;
		enum vifs_cs_state s = member_state(k, m, &t);

		if (strcmp(k, "dl_bus_address") == 0 && json_is_string(m) &&
		    (v->dl_bus_address = keep_text(cs, json_string_value(m),
		         json_string_length(m))) == NULL)
			goto nomem;
		if (t == NULL)
			continue;
		if (found == NULL) {
			if ((v->field = keep_text(cs, k, strlen(k))) == NULL ||
			    (v->field_value = keep_text(cs, t, strlen(t))) ==
			        NULL)
				goto nomem;
			found = k;
			v->state = s;
		} else if (s != v->state)
			clash = 1;
	}
	if (clash) {
		v->state = VIFS_CS_UNKNOWN;
		v->field = v->field_value = NULL;
		v->shape = "members that disagree on passthrough";
	} else if (found == NULL || v->state == VIFS_CS_UNKNOWN) {
		if ((v->shape = keep(cs, member_list(j))) == NULL)
			goto nomem;
	}
	json_decref(j);
	return VIFS_OK;
nomem:
	json_decref(j);
	return vifs_error_set(VIFS_ENOMEM, "out of memory");
}

/* The error of CS: "NAME: TEXT[: SQLite's message]". */
static int
cs_error(int err, const vifs_configstore *cs, const char *text, sqlite3 *db)
{
	const char *m = db ? sqlite3_errmsg(db) : NULL;
	char *pm = m ? printable(m, strlen(m)) : NULL;
	int error = vifs_error_set(err, "%s: %s%s%s", cs->name, text,
	    pm ? ": " : "", pm ? pm : "");

	free(pm);
	return error;
}

/* Bounds the work of one database: SQLite calls this every 1000 steps. */
static int
progress(void *arg)
{
	vifs_configstore *cs = arg;

	return ++cs->steps > STEPS_MAX;
}

/* Maps the error of a failed SQLite call on DB to the library's. */
static int
sql_error(const vifs_configstore *cs, sqlite3 *db, const char *what)
{
	int rc = sqlite3_errcode(db);

	if (rc == SQLITE_NOMEM)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	if (rc == SQLITE_TOOBIG)
		return cs_error(VIFS_ETOOBIG, cs, "a value larger than 1 MiB",
		    NULL);
	if (rc == SQLITE_INTERRUPT)
		return cs_error(VIFS_ETOOBIG, cs,
		    "takes too long to read (a damaged or hostile database)",
		    NULL);
	return cs_error(VIFS_EPARSE, cs, what, db);
}

/* Big-endian integer of N bytes at P. */
static unsigned long
be(const unsigned char *p, int n)
{
	unsigned long v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * The database header's own size against LEN (format: sqlite.org
 * fileformat2.html, "The Database Header"): SQLite reads a truncated
 * file as if the missing bytes were zeros, which would silently lose
 * rows, so a file shorter than its header says is refused.
 */
static int
check_size(const vifs_configstore *cs, const unsigned char *h, size_t len)
{
	unsigned long page = be(h + 16, 2), pages = be(h + 28, 4);

	if (page == 1)
		page = 65536;
	if (page < 512 || (page & (page - 1)) != 0)
		return cs_error(VIFS_EPARSE, cs,
		    "not a readable SQLite database (bad page size)", NULL);
	if (len % page != 0)
		return cs_error(VIFS_EPARSE, cs,
		    "truncated (not a whole number of database pages)", NULL);
	/* The page count is valid when its change counter matches. */
	if (be(h + 92, 4) == be(h + 24, 4) && pages != 0 &&
	    (unsigned long long)pages * page != len)
		return cs_error(VIFS_EPARSE, cs,
		    "truncated (shorter than its header says)", NULL);
	return VIFS_OK;
}

static int quick_check(sqlite3 *db, const vifs_configstore *cs);

/* The in-memory, read-only database of LEN bytes of DATA in *db. */
static int
open_db(sqlite3 **db, vifs_configstore *cs, const void *data, size_t len)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char *copy;
	int error;

	*db = NULL;
	if (len < 100 || memcmp(data, magic, sizeof(magic)) != 0)
		return cs_error(VIFS_EPARSE, cs,
		    "not an SQLite database (no SQLite header)", NULL);
	if (len > CS_MAX)
		return cs_error(VIFS_ETOOBIG, cs, "larger than 256 MiB", NULL);
	if ((error = check_size(cs, data, len)) < 0)
		return error;
	if (sqlite3_open_v2(":memory:", db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	        NULL) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	/* SQLite's advice for database files from elsewhere: defensive
	 * mode, no trust in the schema, no views or triggers to run, cell
	 * sizes checked, bounded lengths and work. */
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_limit(*db, SQLITE_LIMIT_LENGTH, VALUE_MAX);
	sqlite3_limit(*db, SQLITE_LIMIT_SQL_LENGTH, 4096);
	sqlite3_limit(*db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_progress_handler(*db, 1000, progress, cs);
	if ((copy = sqlite3_malloc64(len)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	memcpy(copy, data, len);
	if (sqlite3_deserialize(*db, "main", copy, (sqlite3_int64)len,
	        (sqlite3_int64)len,
	        SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
	    SQLITE_OK)
		return sql_error(cs, *db, "not a readable SQLite database");
	if (sqlite3_exec(*db, "PRAGMA cell_size_check = ON", NULL, NULL,
	        NULL) != SQLITE_OK)
		return sql_error(cs, *db, "not a readable SQLite database");
	return quick_check(*db, cs);
}

/* SQLite's own check of every page and record, before anything is
 * believed. */
static int
quick_check(sqlite3 *db, const vifs_configstore *cs)
{
	sqlite3_stmt *st = NULL;
	int rc, error = VIFS_OK;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_error(cs, db, "not a readable SQLite database");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		error = sql_error(cs, db, "corrupt database");
	else if (sqlite3_column_text(st, 0) == NULL ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		error = cs_error(VIFS_EPARSE, cs,
		    "corrupt database (SQLite's quick_check fails)", NULL);
	sqlite3_finalize(st);
	return error;
}

/* Which value columns table Config has (*have), after checking it has
 * the columns that name a row. */
static int
check_columns(sqlite3 *db, vifs_configstore *cs, int have[VIFS_CS_LAYERS])
{
	sqlite3_stmt *st = NULL;
	int names = 0, rc, error = VIFS_OK;

	memset(have, 0, VIFS_CS_LAYERS * sizeof(have[0]));
	if (sqlite3_prepare_v2(db,
	        "SELECT name FROM pragma_table_info('Config')", -1, &st,
	        NULL) != SQLITE_OK)
		return sql_error(cs, db, "not a readable SQLite database");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		for (size_t i = 0; c && i < 4; i++)
			if (strcasecmp(c, name_cols[i]) == 0)
				names |= 1 << i;
		for (size_t i = 0; c && i < VIFS_CS_LAYERS; i++)
			if (strcasecmp(c, layer_cols[i]) == 0)
				have[i] = 1;
	}
	if (rc != SQLITE_DONE)
		error = sql_error(cs, db, "corrupt or truncated database");
	else if (names != 0xf)
		error = cs_error(VIFS_EPARSE, cs,
		    "no Config table with Component, ConfigGroup, Name and "
		    "Identifier columns (not a ConfigStore vifs knows)",
		    NULL);
	sqlite3_finalize(st);
	return error;
}

static int
add_device(vifs_configstore *cs, struct vifs_cs_device **out)
{
	if (cs->n == ROWS_MAX)
		return cs_error(VIFS_ETOOBIG, cs,
		    "more than 65536 pci_devices records", NULL);
	if (cs->n == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 32;
		struct vifs_cs_device *nd = realloc(cs->d, ncap * sizeof(*nd));

		if (nd == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		cs->d = nd;
		cs->cap = ncap;
	}
	*out = &cs->d[cs->n++];
	memset(*out, 0, sizeof(**out));
	return VIFS_OK;
}

/* One row of the query: the identifier, then the value columns. */
static int
read_row(vifs_configstore *cs, sqlite3_stmt *st)
{
	struct vifs_cs_device *d = NULL;
	const char *id = (const char *)sqlite3_column_text(st, 0);
	size_t idlen = (size_t)sqlite3_column_bytes(st, 0);
	int error;

	if ((error = add_device(cs, &d)) < 0)
		return error;
	if ((d->identifier = keep_text(cs, id ? id : "", id ? idlen : 0)) ==
	    NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	d->addr_ok = id != NULL && strlen(id) == idlen &&
	    vifs_pciaddr_parse(&d->addr, NULL, id, VIFS_PCI_LINUX) == 0;
	vifs_error_clear();
	for (int l = 0; l < VIFS_CS_LAYERS; l++) {
		const char *t = (const char *)sqlite3_column_text(st, l + 1);
		size_t len = (size_t)sqlite3_column_bytes(st, l + 1);

		if (t == NULL || len == 0)
			continue;
		if ((error = read_value(cs, &d->values[d->nvalues],
		         (enum vifs_cs_layer)l, t, len)) < 0)
			return error;
		d->nvalues++;
	}
	return VIFS_OK;
}

static int
read_rows(sqlite3 *db, vifs_configstore *cs, const int have[VIFS_CS_LAYERS])
{
	struct vifs_buf q = VIFS_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, error = vifs_buf_puts(&q, "SELECT Identifier");

	/* Column names are the fixed ones above, never the file's. */
	for (int l = 0; error == 0 && l < VIFS_CS_LAYERS; l++)
		error = vifs_buf_printf(&q, have[l] ? ", \"%s\"" : ", NULL",
		    layer_cols[l]);
	if (error == 0)
		error = vifs_buf_puts(&q,
		    " FROM Config WHERE Component = '" COMPONENT
		    "' AND ConfigGroup = '" GROUP "' AND Name = '" KEY "'");
	if (error < 0)
		goto done;
	if (sqlite3_prepare_v2(db, q.data, -1, &st, NULL) != SQLITE_OK) {
		error = sql_error(cs, db, "not a readable ConfigStore");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = read_row(cs, st)) < 0)
			goto done;
	if (rc != SQLITE_DONE)
		error = sql_error(cs, db, "corrupt or truncated database");
done:
	sqlite3_finalize(st);
	vifs_buf_free(&q);
	return error;
}

static int
device_cmp(const void *pa, const void *pb)
{
	const struct vifs_cs_device *a = pa, *b = pb;
	int c;

	if (a->addr_ok != b->addr_ok)
		return a->addr_ok ? -1 : 1;
	if (a->addr_ok && (c = vifs_pciaddr_cmp(&a->addr, &b->addr)) != 0)
		return c;
	return strcmp(a->identifier, b->identifier);
}

int
vifs_configstore_parse(vifs_configstore **out, const char *name,
    const void *data, size_t len)
{
	vifs_configstore *cs;
	sqlite3 *db = NULL;
	int have[VIFS_CS_LAYERS];
	int error;

	*out = NULL;
	if ((cs = calloc(1, sizeof(*cs))) == NULL ||
	    (cs->name = vifs_strdup(name ? name : "ConfigStore")) == NULL) {
		free(cs);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	if ((error = open_db(&db, cs, data, len)) < 0 ||
	    (error = check_columns(db, cs, have)) < 0 ||
	    (error = read_rows(db, cs, have)) < 0)
		goto done;
	if (cs->n > 1)
		qsort(cs->d, cs->n, sizeof(cs->d[0]), device_cmp);
	*out = cs;
	cs = NULL;
done:
	sqlite3_close(db);
	vifs_configstore_free(cs);
	return error;
}

size_t
vifs_configstore_count(const vifs_configstore *cs)
{
	return cs ? cs->n : 0;
}

const struct vifs_cs_device *
vifs_configstore_get(const vifs_configstore *cs, size_t i)
{
	return cs && i < cs->n ? &cs->d[i] : NULL;
}

const struct vifs_cs_device *
vifs_configstore_find(const vifs_configstore *cs,
    const struct vifs_pciaddr *addr)
{
	for (size_t i = 0; cs && i < cs->n; i++)
		if (cs->d[i].addr_ok &&
		    vifs_pciaddr_cmp(&cs->d[i].addr, addr) == 0)
			return &cs->d[i];
	return NULL;
}

enum vifs_cs_state
vifs_cs_device_state(const struct vifs_cs_device *d, int *mixed)
{
	int seen[3] = { 0, 0, 0 };

	for (size_t i = 0; i < d->nvalues; i++)
		seen[d->values[i].state] = 1;
	if (mixed != NULL)
		*mixed = seen[VIFS_CS_PASSTHRU] && seen[VIFS_CS_VMKERNEL];
	if (seen[VIFS_CS_PASSTHRU])
		return VIFS_CS_PASSTHRU;
	return seen[VIFS_CS_VMKERNEL] ? VIFS_CS_VMKERNEL : VIFS_CS_UNKNOWN;
}
