/*
 * topology.c - the PCI devices of a host as the passthru rules need them:
 * an array kept sorted by address, searched by bisection.
 */
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>

struct vifs_pci_topology {
	struct vifs_pci_topology_dev *devs;
	size_t n;
	size_t cap;
};

int
vifs_pci_topology_new(vifs_pci_topology **out)
{
	vifs_pci_topology *topo;

	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "topology: no output");
	*out = NULL;
	if ((topo = calloc(1, sizeof(*topo))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*out = topo;
	return VIFS_OK;
}

/*
 * Returns the index of the first device whose address is not below ADDR;
 * sets *hit when that device is at ADDR.
 */
static size_t
lower_bound(const vifs_pci_topology *topo, const struct vifs_pciaddr *addr,
    int *hit)
{
	size_t lo = 0, hi = topo->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vifs_pciaddr_cmp(&topo->devs[mid].addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*hit = lo < topo->n &&
	    vifs_pciaddr_cmp(&topo->devs[lo].addr, addr) == 0;
	return lo;
}

int
vifs_pci_topology_add(vifs_pci_topology *topo,
    const struct vifs_pci_topology_dev *dev)
{
	size_t at;
	int hit;

	if (topo == NULL || dev == NULL)
		return vifs_error_set(VIFS_EINVAL, "topology: no device");
	if (dev->addr.dev > 31 || dev->addr.func > 7)
		return vifs_error_set(VIFS_EINVAL,
		    "topology: device %u or "
		    "function %u out of range",
		    dev->addr.dev, dev->addr.func);
	at = lower_bound(topo, &dev->addr, &hit);
	if (hit) {
		char a[VIFS_PCIADDR_MAX];

		vifs_pciaddr_format(a, sizeof(a), &dev->addr, VIFS_PCI_LINUX);
		return vifs_error_set(VIFS_EEXISTS,
		    "topology: device %s "
		    "added twice",
		    a);
	}
	if (topo->n == topo->cap) {
		size_t cap = topo->cap ? topo->cap * 2 : 32;
		struct vifs_pci_topology_dev *p;

		if (cap > (size_t)-1 / sizeof(*p))
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		if ((p = realloc(topo->devs, cap * sizeof(*p))) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		topo->devs = p;
		topo->cap = cap;
	}
	memmove(&topo->devs[at + 1], &topo->devs[at],
	    (topo->n - at) * sizeof(*topo->devs));
	topo->devs[at] = *dev;
	/* The name is ours now: make sure it is terminated. */
	topo->devs[at].name[sizeof(topo->devs[at].name) - 1] = '\0';
	topo->n++;
	return VIFS_OK;
}

size_t
vifs_pci_topology_count(const vifs_pci_topology *topo)
{
	return topo ? topo->n : 0;
}

const struct vifs_pci_topology_dev *
vifs_pci_topology_get(const vifs_pci_topology *topo, size_t i)
{
	if (topo == NULL || i >= topo->n)
		return NULL;
	return &topo->devs[i];
}

const struct vifs_pci_topology_dev *
vifs_pci_topology_find(const vifs_pci_topology *topo,
    const struct vifs_pciaddr *addr)
{
	size_t at;
	int hit;

	if (topo == NULL || addr == NULL)
		return NULL;
	at = lower_bound(topo, addr, &hit);
	return hit ? &topo->devs[at] : NULL;
}

void
vifs_pci_topology_free(vifs_pci_topology *topo)
{
	if (topo == NULL)
		return;
	free(topo->devs);
	free(topo);
}
