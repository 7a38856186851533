/*
 * passthru_int.h - the passthrough list, report and change shared by the
 * passthru_*.c files; not installed.
 */
#ifndef VIFS_PASSTHRU_INT_H
#define VIFS_PASSTHRU_INT_H

#include <stddef.h>

#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#define DEVICE_PREFIX "/device/"
#define DEVICE_PREFIX_LEN (sizeof(DEVICE_PREFIX) - 1)

/* One spelling of a device's address among the /device/ keys. */
struct spelling {
	char *text; /* the address component as written */
	size_t first_line; /* 1-based line of its first key */
	char *owner; /* decoded owner value, or NULL */
	size_t owner_line;
	char *vmkname; /* decoded vmkname value, or NULL */
	size_t vmkname_line;
};

/* A device of the list: the public view plus what backs it. */
struct pdev {
	struct vifs_passthru_dev pub;
	struct spelling *sp;
	size_t nsp;
};

struct vifs_passthru_list {
	struct pdev *d;
	size_t n;
	size_t cap;
	int has_topo;
	/* The ConfigStore of an image (passthru_cs.c): cs_path set when
	 * attached, cs borrowed (NULL when unreadable, cs_error says why). */
	char *cs_path;
	const vifs_configstore *cs;
	char *cs_error;
};

struct strlist {
	char **v;
	size_t n;
};

struct vifs_passthru_report {
	struct strlist refusals;
	struct strlist warnings;
	size_t changes;
};

/*
 * What one change works with: every device of the set being changed, and
 * the one being looked at (ADDR, D).
 */
struct change {
	vifs_passthru_report *r;
	vifs_esxconf *doc;
	const vifs_pci_topology *topo;
	unsigned flags;
	enum vifs_pci_notation key_notation;
	struct vifs_pciaddr *set; /* the devices named, no repeats */
	size_t nset;
	vifs_passthru_list *l;
	struct vifs_pciaddr addr; /* the device at hand */
	const struct pdev *d; /* its entry; NULL when none */
};

/* --- shared between the passthru_*.c files ------------------------------ */

struct vifs_buf;

/* Whether A and B are functions of one device (passthru_list.c). */
int passthru_same_slot(const struct vifs_pciaddr *a,
    const struct vifs_pciaddr *b);
/* Whether bridge BR (from a topology) has ADDR on one of its buses. */
int passthru_covers(const struct vifs_pci_topology_dev *br,
    const struct vifs_pciaddr *addr);
/* The entry of L for ADDR, or NULL. */
const struct pdev *passthru_list_find_pdev(const vifs_passthru_list *l,
    const struct vifs_pciaddr *addr);

/* A report's lists of lines (passthru_report.c): S or B taken over. */
int passthru_strlist_add(struct strlist *sl, char *s);
void passthru_strlist_free(struct strlist *sl);
int passthru_strlist_take(struct strlist *sl, struct vifs_buf *b);

/* The change at hand (passthru_rules.c): whether ADDR is in its set, SET[I]
 * made the device at hand, a device named as the user knows it, a copy of
 * TEXT added to SL. */
int passthru_in_set(const struct change *c, const struct vifs_pciaddr *addr);
void passthru_change_at(struct change *c, size_t i);
void passthru_label(char *out, size_t size, const struct change *c,
    const struct vifs_pciaddr *addr);
int passthru_add_text(struct strlist *sl, const char *text);

/* Checks the safety rules of an enable; each failure is a refusal. */
int passthru_enable_rules(struct change *c, const char *me);
/* The warnings of giving the device at hand back to the VMkernel. */
int passthru_disable_notes(struct change *c, const char *me);

#endif
