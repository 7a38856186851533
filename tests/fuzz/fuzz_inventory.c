/*
 * fuzz_inventory.c - the inventory XML reader.
 *
 * Besides memory safety it checks the reader's contract: a refusal is
 * VIFS_EPARSE or VIFS_ETOOBIG with a "NAME:" message and no inventory; an
 * accepted document is written back, read again and written again, and
 * both writes are the same bytes (the reader keeps every field the writer
 * writes); the devices are in address order and convert to a topology
 * with one entry per device.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/inventory.h>
#include <vifs/passthru.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_inventory *inv = NULL, *back = NULL;
	vifs_pci_topology *topo = NULL;
	char *x1 = NULL, *x2 = NULL;
	size_t l1 = 0, l2 = 0, n;
	int rc;

	rc = vifs_inventory_parse(&inv, "fuzz.xml", (const char *)data, size);
	if (rc != 0) {
		if ((rc != VIFS_EPARSE && rc != VIFS_ETOOBIG) || inv != NULL)
			abort();
		if (strncmp(vifs_error_last(), "fuzz.xml:", 9) != 0)
			abort();
		return 0;
	}
	n = vifs_inventory_count(inv);
	for (size_t i = 1; i < n; i++)
		if (vifs_pciaddr_cmp(&vifs_inventory_get(inv, i - 1)->addr,
		        &vifs_inventory_get(inv, i)->addr) >= 0)
			abort();
	if (vifs_inventory_write(&x1, &l1, inv) != 0 ||
	    vifs_inventory_parse(&back, "again.xml", x1, l1) != 0 ||
	    vifs_inventory_write(&x2, &l2, back) != 0)
		abort();
	if (l1 != l2 || memcmp(x1, x2, l1) != 0)
		abort();
	if (vifs_inventory_count(back) != n ||
	    vifs_inventory_finding_count(back) !=
	        vifs_inventory_finding_count(inv))
		abort();
	if (vifs_inventory_topology(&topo, inv) != 0 ||
	    vifs_pci_topology_count(topo) != n)
		abort();
	vifs_pci_topology_free(topo);
	free(x1);
	free(x2);
	vifs_inventory_free(back);
	vifs_inventory_free(inv);
	return 0;
}
