/*
 * image_cs.c - the ConfigStore of an --image (ESXi 7.0 and later) beside
 * its esx.conf: read, listed after esx.conf's passthrough owners, and
 * compared with esx.conf after a passthru edit, with what to do when the
 * two disagree (docs/internals/image.md, docs/rescue.md step 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/configstore.h>
#include <vifs/error.h>
#include <vifs/image.h>
#include <vifs/passthru.h>

#include "msg.h"
#include "tool.h"

void
image_cs_clear(struct image_cs *c)
{
	free(c->path);
	free(c->error);
	vifs_configstore_free(c->cs);
	memset(c, 0, sizeof(*c));
}

int
image_cs_load(struct image_cs *out, const vifs_image *img, const char *image)
{
	const char *member, *data;
	size_t len, need;

	memset(out, 0, sizeof(*out));
	if ((data = vifs_image_configstore(img, &len, &member)) == NULL)
		return TOOL_OK;
	need = strlen(image) + strlen(member) + 2;
	if ((out->path = malloc(need)) == NULL) {
		tool_errorf("out of memory");
		return TOOL_FAILED;
	}
	snprintf(out->path, need, "%s:%s", image, member);
	if (vifs_configstore_parse(&out->cs, out->path, data, len) == 0)
		return TOOL_OK;
	if (vifs_error_last_code() == VIFS_ENOMEM ||
	    (out->error = strdup(vifs_error_last())) == NULL) {
		tool_errorf("out of memory");
		image_cs_clear(out);
		return TOOL_FAILED;
	}
	return TOOL_OK;
}

/* "UserValue owner = passthru, VitalValue unknown (members: a, b)" for
 * the values of D, into BUF of SIZE bytes. */
static void
values_text(char *buf, size_t size, const struct vifs_cs_device *d)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->nvalues && used < size; i++) {
		const struct vifs_cs_value *v = &d->values[i];
		int n;

		if (v->state != VIFS_CS_UNKNOWN)
			n = snprintf(buf + used, size - used, "%s%s %s = %s",
			    i ? ", " : "", vifs_cs_layer_name(v->layer),
			    v->field, v->field_value);
		else
			n = snprintf(buf + used, size - used,
			    "%s%s unknown (%s)", i ? ", " : "",
			    vifs_cs_layer_name(v->layer), v->shape);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (d->nvalues == 0)
		snprintf(buf, size, "no values");
}

int
image_cs_print(const struct image_cs *c, const vifs_passthru_list *l)
{
	size_t n;

	if (c->path == NULL)
		return TOOL_OK;
	printf("\n");
	if (c->cs == NULL) {
		printf("CONFIGSTORE %s: unreadable\n", c->path);
		tool_errorf("%s", c->error);
		return TOOL_FAILED;
	}
	n = vifs_configstore_count(c->cs);
	printf("CONFIGSTORE %s (esx/hardware/pci_devices): %zu record%s\n",
	    c->path, n, n == 1 ? "" : "s");
	if (n == 0)
		return TOOL_OK;
	printf("%-14s %-9s %-9s %-10s %s\n", "RECORD", "STATE", "ESXCONF",
	    "MATCH", "VALUES");
	for (size_t i = 0; i < n; i++) {
		const struct vifs_cs_device *d = vifs_configstore_get(c->cs, i);
		const struct vifs_passthru_dev *e = d->addr_ok ?
		    vifs_passthru_list_find(l, &d->addr) :
		    NULL;
		enum vifs_owner owner = e ? e->effective : VIFS_OWNER_NONE;
		char id[VIFS_PCIADDR_MAX], vals[1024];

		if (d->addr_ok)
			vifs_pciaddr_format(id, sizeof(id), &d->addr,
			    VIFS_PCI_LINUX);
		values_text(vals, sizeof(vals), d);
		printf("%-14s %-9s %-9s %-10s %s\n",
		    d->addr_ok ? id : d->identifier,
		    vifs_cs_state_name(vifs_cs_device_state(d, NULL)),
		    vifs_owner_name(owner),
		    vifs_cs_match_name(vifs_passthru_cs_match(d, owner)), vals);
	}
	return TOOL_OK;
}

/* The owner esx.conf gives ADDR in L (the VMkernel when it is not
 * named). */
static enum vifs_owner
owner_of(const vifs_passthru_list *l, const struct vifs_pciaddr *addr)
{
	const struct vifs_passthru_dev *d = vifs_passthru_list_find(l, addr);

	return d && d->effective == VIFS_OWNER_PASSTHRU ? VIFS_OWNER_PASSTHRU :
	                                                  VIFS_OWNER_VMKERNEL;
}

/* What record D (maybe NULL) of ADDR means for the edit that gives the
 * device to OWNER. */
static void
report(const struct image_cs *c, const struct vifs_pciaddr *addr,
    const struct vifs_cs_device *d, enum vifs_owner owner)
{
	char a[VIFS_PCIADDR_MAX], vals[1024];
	int pt = owner == VIFS_OWNER_PASSTHRU;

	vifs_pciaddr_format(a, sizeof(a), addr, VIFS_PCI_LINUX);
	if (d != NULL)
		values_text(vals, sizeof(vals), d);
	switch (vifs_passthru_cs_match(d, owner)) {
	case VIFS_CS_NO_RECORD:
		tool_notef("%s: ConfigStore holds no passthrough record for "
		           "%s: nothing in the image contradicts the esx.conf "
		           "edit",
		    c->path, a);
		break;
	case VIFS_CS_AGREES:
		tool_notef("%s: ConfigStore agrees that %s goes to %s (%s): "
		           "as far as the image tells, the esx.conf edit is "
		           "enough",
		    c->path, a, pt ? "passthru" : "the VMkernel", vals);
		break;
	case VIFS_CS_DISAGREES:
		tool_warnf("ConfigStore still gives %s to %s (%s, in %s): "
		           "ESXi 7.0 and later keep passthrough there, so the "
		           "esx.conf edit alone may not be enough; after the "
		           "boot, if the device is still %s, run 'esxcli "
		           "hardware pci pcipassthru set -d %s -e %s' on the "
		           "host and reboot once more (docs/rescue.md, step 6)",
		    a, pt ? "the VMkernel" : "passthru", vals, c->path,
		    pt ? "with the VMkernel" : "given to passthru", a,
		    pt ? "true" : "false");
		break;
	case VIFS_CS_STATE_UNKNOWN:
		tool_warnf("ConfigStore holds a record for %s whose "
		           "passthrough state vifs cannot read (%s, in %s): "
		           "whether the esx.conf edit alone is enough is "
		           "unknown; after the boot, check it with 'esxcli "
		           "hardware pci pcipassthru list' and, if needed, "
		           "'esxcli hardware pci pcipassthru set -d %s -e %s' "
		           "and one more reboot (docs/rescue.md, step 6)",
		    a, vals, c->path, a, pt ? "true" : "false");
		break;
	}
}

/* Whether ADDR is one of the devices OPTS names. */
static int
named(const struct tool_doc_opts *opts, const struct vifs_pciaddr *addr)
{
	for (size_t i = 0; i < opts->naddrs; i++) {
		struct vifs_pciaddr a;

		if (vifs_pciaddr_parse(&a, NULL, opts->addrs[i],
		        opts->notation) == 0 &&
		    vifs_pciaddr_cmp(&a, addr) == 0)
			return 1;
	}
	vifs_error_clear();
	return 0;
}

void
image_cs_compare(const struct image_cs *c, const struct tool_doc_opts *opts,
    const vifs_esxconf *before, const vifs_esxconf *after)
{
	vifs_passthru_list *lb = NULL, *la = NULL;

	if (c->path == NULL)
		return;
	if (c->cs == NULL) {
		tool_warnf("%s; whether the esx.conf edit alone is enough is "
		           "unknown: after the boot, check the devices with "
		           "'esxcli hardware pci pcipassthru list' "
		           "(docs/rescue.md, step 6)",
		    c->error);
		return;
	}
	if (vifs_passthru_list_new(&lb, before, NULL) < 0 ||
	    vifs_passthru_list_new(&la, after, NULL) < 0) {
		tool_liberror();
		goto done;
	}
	/* Every device the edit changes or names, whatever its record
	 * says. */
	for (size_t i = 0; i < vifs_passthru_list_count(la); i++) {
		const struct vifs_passthru_dev *d = vifs_passthru_list_get(la,
		    i);
		enum vifs_owner now = owner_of(la, &d->addr);

		if (owner_of(lb, &d->addr) != now || named(opts, &d->addr))
			report(c, &d->addr,
			    vifs_configstore_find(c->cs, &d->addr), now);
	}
	/* And every other record that gives a device the other way. */
	for (size_t i = 0; i < vifs_configstore_count(c->cs); i++) {
		const struct vifs_cs_device *r = vifs_configstore_get(c->cs, i);
		enum vifs_owner now;

		if (!r->addr_ok)
			continue;
		now = owner_of(la, &r->addr);
		if (owner_of(lb, &r->addr) == now &&
		    !(vifs_passthru_list_find(la, &r->addr) &&
		        named(opts, &r->addr)) &&
		    vifs_passthru_cs_match(r, now) == VIFS_CS_DISAGREES)
			report(c, &r->addr, r, now);
	}
done:
	vifs_passthru_list_free(lb);
	vifs_passthru_list_free(la);
}
