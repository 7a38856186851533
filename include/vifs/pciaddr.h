/*
 * vifs/pciaddr.h - PCI addresses in the notations ESXi, Linux and VMX use.
 *
 * One address is segment (domain) 0-65535, bus 0-255, device (slot) 0-31,
 * function 0-7.  Notations (docs/internals/pciaddr.md has the sources):
 *
 *   ESXCONF      "000:27.0"        esx.conf /device/ key: bus 3, device 2,
 *                                  function 1 digit, all decimal; also
 *                                  read with a 2-digit bus ("06:00.0",
 *                                  .vmx of the ESX 4 era)
 *   ESXI_LSPCI   "00:27.00"        ESXi 4 lspci: decimal, 2-digit function
 *   LINUX        "0000:00:1b.0"    lspci -D, sysfs, libpci: hex
 *   LINUX_SHORT  "00:1b.0"         lspci without domain: hex
 *   VMX          "00000:026:01.2"  .vmx pciPassthruN.id: decimal, 5-digit
 *                                  segment
 *   VMX_SHORT    "0:26:1.2"        .vmx of hardware v21: decimal, unpadded
 *
 * Parsing with VIFS_PCI_AUTO recognises the notation from the shape and
 * refuses, with VIFS_EAMBIGUOUS and a message that shows every reading,
 * text that means different addresses in two notations (e.g. "00:10.0":
 * Linux hex device 16, or decimal device 10).  When only one reading is in
 * range ("00:25.0") it is taken; when both name the same address
 * ("00:03.2") LINUX_SHORT is reported.  A 4-digit segment with a 2-digit
 * bus is always LINUX.  Hex digits may be either case on input.
 */
#ifndef VIFS_PCIADDR_H
#define VIFS_PCIADDR_H

#include <stddef.h>
#include <stdint.h>

#include <vifs/common.h>

struct vifs_pciaddr {
	uint16_t segment;
	uint8_t bus;
	uint8_t dev;
	uint8_t func;
};

enum vifs_pci_notation {
	VIFS_PCI_AUTO = 0,
	VIFS_PCI_ESXCONF,
	VIFS_PCI_ESXI_LSPCI,
	VIFS_PCI_LINUX,
	VIFS_PCI_LINUX_SHORT,
	VIFS_PCI_VMX,
	VIFS_PCI_VMX_SHORT,
};

/* Longest formatted address plus NUL. */
#define VIFS_PCIADDR_MAX 20

/*
 * Parses TEXT (NUL-terminated, no surrounding blanks) in notation HINT, or
 * any notation when HINT is VIFS_PCI_AUTO.  On success fills *out and, when
 * FOUND is not NULL, the notation recognised.  Fails with VIFS_EPARSE
 * (message says what is wrong: shape, out-of-range part) or
 * VIFS_EAMBIGUOUS.
 */
VIFS_EXTERN int vifs_pciaddr_parse(struct vifs_pciaddr *out,
    enum vifs_pci_notation *found, const char *text,
    enum vifs_pci_notation hint);

/* Same for LEN bytes of TEXT that need not be NUL-terminated. */
VIFS_EXTERN int vifs_pciaddr_parse_n(struct vifs_pciaddr *out,
    enum vifs_pci_notation *found, const char *text, size_t len,
    enum vifs_pci_notation hint);

/*
 * Writes ADDR in NOTATION (not AUTO) into BUF of SIZE bytes (at least
 * VIFS_PCIADDR_MAX is always enough).  Returns VIFS_EINVAL for a notation
 * that cannot hold the address (a segment other than 0 in ESXCONF,
 * ESXI_LSPCI or LINUX_SHORT) or a too-small buffer.
 */
VIFS_EXTERN int vifs_pciaddr_format(char *buf, size_t size,
    const struct vifs_pciaddr *addr, enum vifs_pci_notation notation);

/* Returns <0, 0, >0 ordering by segment, bus, device, function. */
VIFS_EXTERN int vifs_pciaddr_cmp(const struct vifs_pciaddr *a,
    const struct vifs_pciaddr *b);

/* Name of NOTATION ("esxconf", "linux", ...); parse_notation is its inverse
 * (returns VIFS_EINVAL for an unknown name). */
VIFS_EXTERN const char *vifs_pci_notation_name(enum vifs_pci_notation n);
VIFS_EXTERN int vifs_pci_notation_parse(enum vifs_pci_notation *out,
    const char *name);

#endif
