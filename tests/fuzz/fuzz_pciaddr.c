/*
 * fuzz_pciaddr.c - PCI address parsing in every notation.
 *
 * Besides memory safety it checks that whatever parses formats in the
 * notation found and reads back, in that notation, as the same address;
 * that the Linux, VMX, esx.conf and ESXi lspci spellings of it also read
 * back without a hint; and that a refusal always leaves a message.  The
 * input is tried whole and cut at blanks, '/' and newlines, so replaying
 * an esx.conf or lspci dump exercises every address in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/pciaddr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reads_back(const struct vifs_pciaddr *a, enum vifs_pci_notation n,
    enum vifs_pci_notation hint)
{
	char buf[VIFS_PCIADDR_MAX];
	struct vifs_pciaddr b;

	if (vifs_pciaddr_format(buf, sizeof(buf), a, n) != 0) {
		/* Only a segment the notation cannot hold is refused. */
		if (a->segment == 0 || n == VIFS_PCI_LINUX ||
		    n == VIFS_PCI_VMX || n == VIFS_PCI_VMX_SHORT)
			abort();
		return;
	}
	if (vifs_pciaddr_parse(&b, NULL, buf, hint) != 0)
		abort();
	if (vifs_pciaddr_cmp(a, &b) != 0)
		abort();
}

static void
one(const char *text, size_t len)
{
	for (int h = VIFS_PCI_AUTO; h <= VIFS_PCI_VMX_SHORT; h++) {
		enum vifs_pci_notation hint = (enum vifs_pci_notation)h;
		enum vifs_pci_notation found = VIFS_PCI_AUTO;
		struct vifs_pciaddr a;
		int rc;

		rc = vifs_pciaddr_parse_n(&a, &found, text, len, hint);
		if (rc != 0) {
			if (rc != VIFS_EPARSE && rc != VIFS_EAMBIGUOUS)
				abort();
			if (vifs_error_last()[0] == '\0')
				abort();
			continue;
		}
		if (found == VIFS_PCI_AUTO ||
		    (hint != VIFS_PCI_AUTO && found != hint))
			abort();
		if (a.dev > 31 || a.func > 7)
			abort();
		reads_back(&a, found, found);
		reads_back(&a, VIFS_PCI_LINUX, VIFS_PCI_AUTO);
		reads_back(&a, VIFS_PCI_VMX, VIFS_PCI_AUTO);
		reads_back(&a, VIFS_PCI_ESXCONF, VIFS_PCI_AUTO);
		reads_back(&a, VIFS_PCI_ESXI_LSPCI, VIFS_PCI_AUTO);
		reads_back(&a, VIFS_PCI_LINUX_SHORT, VIFS_PCI_LINUX_SHORT);
		reads_back(&a, VIFS_PCI_VMX_SHORT, VIFS_PCI_VMX_SHORT);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t start = 0, tokens = 0;

	one(text, size);
	for (size_t i = 0; i <= size && tokens < 4096; i++) {
		if (i < size && text[i] != ' ' && text[i] != '\n' &&
		    text[i] != '/' && text[i] != '\t')
			continue;
		if (i > start) {
			one(text + start, i - start);
			tokens++;
		}
		start = i + 1;
	}
	return 0;
}
