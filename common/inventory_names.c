/*
 * inventory_names.c - the keywords of the inventory's enumerations (the
 * XML names of facts, PCIe types, resets, owners, parents) and their
 * parsers.
 */
#include <string.h>

#include <vifs/inventory.h>

#include "inventory_impl.h"

/* --- names ----------------------------------------------------------- */

static const char *const fact_names[] = {
	[VIFS_FACT_UNKNOWN] = "unknown",
	[VIFS_FACT_NO] = "no",
	[VIFS_FACT_YES] = "yes",
};

static const char *const pcie_names[] = {
	[VIFS_PCIE_UNKNOWN] = "unknown",
	[VIFS_PCIE_NONE] = "none",
	[VIFS_PCIE_ENDPOINT] = "endpoint",
	[VIFS_PCIE_LEGACY_ENDPOINT] = "legacy-endpoint",
	[VIFS_PCIE_ROOT_PORT] = "root-port",
	[VIFS_PCIE_UPSTREAM_PORT] = "upstream-port",
	[VIFS_PCIE_DOWNSTREAM_PORT] = "downstream-port",
	[VIFS_PCIE_PCIE_TO_PCI] = "pcie-to-pci-bridge",
	[VIFS_PCIE_PCI_TO_PCIE] = "pci-to-pcie-bridge",
	[VIFS_PCIE_RC_ENDPOINT] = "rc-integrated-endpoint",
	[VIFS_PCIE_RC_EVENT_COLLECTOR] = "rc-event-collector",
	[VIFS_PCIE_RESERVED] = "reserved",
};

static const char *const reset_names[] = {
	[VIFS_INV_RESET_UNKNOWN] = "unknown",
	[VIFS_INV_RESET_NONE] = "none",
	[VIFS_INV_RESET_FLR] = "flr",
	[VIFS_INV_RESET_D3D0] = "d3d0",
	[VIFS_INV_RESET_LINK] = "link",
	[VIFS_INV_RESET_BRIDGE] = "bridge",
};

static const char *const owner_names[] = {
	[VIFS_OWNER_NONE] = "none",
	[VIFS_OWNER_VMKERNEL] = "vmkernel",
	[VIFS_OWNER_PASSTHRU] = "passthru",
	[VIFS_OWNER_OTHER] = "other",
};

/* The keywords of passthru.map's columns (DOMAIN.md §3). */
static const char *const map_reset_names[] = {
	[VIFS_RESET_DEFAULT] = "default",
	[VIFS_RESET_FLR] = "flr",
	[VIFS_RESET_D3D0] = "d3d0",
	[VIFS_RESET_LINK] = "link",
	[VIFS_RESET_BRIDGE] = "bridge",
};

static const char *const shareable_names[] = {
	[VIFS_SHARE_DEFAULT] = "default",
	[VIFS_SHARE_TRUE] = "true",
	[VIFS_SHARE_FALSE] = "false",
};

static const char *const parent_names[] = {
	[VIFS_INV_PARENT_NONE] = "none",
	[VIFS_INV_PARENT_SOURCE] = "source",
	[VIFS_INV_PARENT_BUS_RANGE] = "bus-range",
};

static const char *
name_of(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : "?";
}

static int
name_parse(unsigned *out, const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	return -1;
}

const char *
vifs_fact_name(enum vifs_fact f)
{
	return name_of(fact_names, NELEM(fact_names), (unsigned)f);
}

const char *
vifs_pcie_type_name(enum vifs_pcie_type t)
{
	return name_of(pcie_names, NELEM(pcie_names), (unsigned)t);
}

const char *
vifs_inv_reset_name(enum vifs_inv_reset r)
{
	return name_of(reset_names, NELEM(reset_names), (unsigned)r);
}

const char *
inv_owner_name(enum vifs_owner o)
{
	return name_of(owner_names, NELEM(owner_names), (unsigned)o);
}

const char *
inv_map_reset_name(enum vifs_reset_method m)
{
	return name_of(map_reset_names, NELEM(map_reset_names), (unsigned)m);
}

const char *
inv_shareable_name(enum vifs_shareable s)
{
	return name_of(shareable_names, NELEM(shareable_names), (unsigned)s);
}

const char *
inv_parent_name(enum vifs_inv_parent p)
{
	return name_of(parent_names, NELEM(parent_names), (unsigned)p);
}

/* One parse function per enumeration, so that each keeps its own type. */
#define DEFINE_PARSE(fn, type, table) \
	int fn(type *out, const char *s) \
	{ \
		unsigned v; \
\
		if (name_parse(&v, table, NELEM(table), s) != 0) \
			return -1; \
		*out = (type)v; \
		return 0; \
	}

DEFINE_PARSE(inv_fact_parse, enum vifs_fact, fact_names)
DEFINE_PARSE(inv_pcie_type_parse, enum vifs_pcie_type, pcie_names)
DEFINE_PARSE(inv_reset_parse, enum vifs_inv_reset, reset_names)
DEFINE_PARSE(inv_owner_parse, enum vifs_owner, owner_names)
DEFINE_PARSE(inv_map_reset_parse, enum vifs_reset_method, map_reset_names)
DEFINE_PARSE(inv_shareable_parse, enum vifs_shareable, shareable_names)
DEFINE_PARSE(inv_parent_parse, enum vifs_inv_parent, parent_names)

int
inv_facts_in_range(const struct vifs_inv_device *dev)
{
	return !((unsigned)dev->pcie_type >= NELEM(pcie_names) ||
	    (unsigned)dev->parent_from >= NELEM(parent_names) ||
	    (unsigned)dev->flr >= NELEM(fact_names) ||
	    (unsigned)dev->af_flr >= NELEM(fact_names) ||
	    (unsigned)dev->pm >= NELEM(fact_names) ||
	    (unsigned)dev->no_soft_reset >= NELEM(fact_names) ||
	    (unsigned)dev->acs >= NELEM(fact_names) ||
	    (unsigned)dev->sriov >= NELEM(fact_names));
}
