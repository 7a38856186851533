/*
 * fuzz_configstore.c - the ConfigStore reader on arbitrary bytes (SQLite
 * databases and anything else).  When the bytes read, every record must
 * be whole (identifier, states and layers in range, a shape for every
 * unknown state), and the passthru list's XML and JSON documents with
 * the ConfigStore attached must be written; a failure must leave one
 * line.  Aborts otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/configstore.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_records(const vifs_configstore *cs)
{
	for (size_t i = 0; i < vifs_configstore_count(cs); i++) {
		const struct vifs_cs_device *d = vifs_configstore_get(cs, i);

		check(d != NULL && d->identifier != NULL);
		check(d->nvalues <= VIFS_CS_LAYERS);
		for (size_t k = 0; k < d->nvalues; k++) {
			const struct vifs_cs_value *v = &d->values[k];

			check((unsigned)v->layer < VIFS_CS_LAYERS);
			check(v->state == VIFS_CS_UNKNOWN ||
			    v->state == VIFS_CS_PASSTHRU ||
			    v->state == VIFS_CS_VMKERNEL);
			check(v->state == VIFS_CS_UNKNOWN ?
			        v->shape != NULL :
			        v->field != NULL && v->field_value != NULL);
		}
		if (d->addr_ok)
			check(vifs_configstore_find(cs, &d->addr) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char conf[] = "/device/000:29.7/owner = \"passthru\"\n"
	                           "/device/000:27.0/owner = \"vmkernel\"\n";
	vifs_configstore *cs = NULL;
	vifs_esxconf *doc = NULL;
	vifs_passthru_list *l = NULL;
	char *out = NULL;
	size_t len;

	if (vifs_configstore_parse(&cs, "fuzz", data, size) < 0) {
		check(cs == NULL);
		check(*vifs_error_last() != '\0');
		check(strchr(vifs_error_last(), '\n') == NULL);
		return 0;
	}
	check_records(cs);
	check(
	    vifs_esxconf_parse(&doc, "esx.conf", conf, sizeof(conf) - 1) == 0);
	check(vifs_passthru_list_new(&l, doc, NULL) == 0);
	check(vifs_passthru_list_set_configstore(l, "fuzz", cs, NULL) == 0);
	check(vifs_passthru_list_to_xml(&out, &len, l, "esx.conf") == 0);
	free(out);
	check(vifs_passthru_list_to_json(&out, &len, l, "esx.conf") == 0);
	free(out);
	vifs_passthru_list_free(l);
	vifs_esxconf_free(doc);
	vifs_configstore_free(cs);
	return 0;
}
