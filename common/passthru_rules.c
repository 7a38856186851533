/*
 * passthru_rules.c - the safety rules of DOMAIN.md §4 for a passthrough
 * change: which enables are refused and what each enable or disable
 * warns about, with the devices named as the user knows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

#include "internal.h"
#include "passthru_int.h"
#include "utf8.h"
/* --- enable / disable ------------------------------------------------- */

int
passthru_in_set(const struct change *c, const struct vifs_pciaddr *addr)
{
	for (size_t i = 0; i < c->nset; i++)
		if (vifs_pciaddr_cmp(&c->set[i], addr) == 0)
			return 1;
	return 0;
}

/* Makes SET[I] the device at hand. */
void
passthru_change_at(struct change *c, size_t i)
{
	c->addr = c->set[i];
	c->d = passthru_list_find_pdev(c->l, &c->addr);
}

/*
 * Writes how the user knows the device at ADDR into OUT: the spelling of
 * its esx.conf keys, else the spelling a new key would get, else Linux.
 */
void
passthru_label(char *out, size_t size, const struct change *c,
    const struct vifs_pciaddr *addr)
{
	const struct vifs_passthru_dev *d = vifs_passthru_list_find(c->l, addr);

	if (d != NULL && d->key_addr != NULL) {
		size_t n = strlen(d->key_addr);

		if (n >= size)
			n = size - 1;
		memcpy(out, d->key_addr, n);
		out[n] = '\0';
		return;
	}
	if (vifs_pciaddr_format(out, size, addr, c->key_notation) != 0 &&
	    vifs_pciaddr_format(out, size, addr, VIFS_PCI_LINUX) != 0)
		out[0] = '\0';
	vifs_error_clear();
}

int
passthru_add_text(struct strlist *sl, const char *text)
{
	char *s = vifs_strdup(text);

	if (s == NULL)
		return VIFS_ENOMEM;
	return passthru_strlist_add(sl, s);
}

/*
 * Appends ", "-separated labels of the devices of the list for which
 * PICK(dev, arg) holds, with "(vmkname)" after each when WITH_VMK; returns
 * how many were written, or a negative error.
 */
typedef int (*pick_fn)(const struct vifs_passthru_dev *dev,
    const struct change *c, const void *arg);

static long
append_devices(struct vifs_buf *b, const struct change *c, pick_fn pick,
    const void *arg, int with_vmk)
{
	long count = 0;

	for (size_t i = 0; i < c->l->n; i++) {
		const struct vifs_passthru_dev *d = &c->l->d[i].pub;
		char name[64];
		int error;

		if (!pick(d, c, arg))
			continue;
		passthru_label(name, sizeof(name), c, &d->addr);
		error = vifs_buf_printf(b, "%s%s", count ? ", " : "", name);
		if (error == 0 && with_vmk && d->vmkname)
			error = vifs_buf_printf(b, " (%s)", d->vmkname);
		if (error < 0)
			return error;
		count++;
	}
	return count;
}

/* Devices behind bridge ARG that hold a vmkname. */
static int
pick_behind_vmk(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)c;
	return d->vmkname != NULL && passthru_covers(arg, &d->addr);
}

/* Every device behind bridge ARG. */
static int
pick_behind(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)c;
	return passthru_covers(arg, &d->addr);
}

/*
 * The other functions of the slot of the device being changed: from the
 * topology when there is one, else from the esx.conf lines.
 */
static int
is_sibling(const struct vifs_passthru_dev *d, const struct change *c)
{
	if (!passthru_same_slot(&d->addr, &c->addr) ||
	    d->addr.func == c->addr.func)
		return 0;
	return c->topo != NULL ? d->in_topology : d->key_addr != NULL;
}

/* Siblings that stay with the VMkernel: not passthru, not in the set. */
static int
pick_sibling_not_passthru(const struct vifs_passthru_dev *d,
    const struct change *c, const void *arg)
{
	(void)arg;
	return is_sibling(d, c) && d->effective != VIFS_OWNER_PASSTHRU &&
	    !passthru_in_set(c, &d->addr);
}

/* Siblings that stay with passthru: passthru, not in the set. */
static int
pick_sibling_passthru(const struct vifs_passthru_dev *d, const struct change *c,
    const void *arg)
{
	(void)arg;
	return is_sibling(d, c) && d->owner == VIFS_OWNER_PASSTHRU &&
	    !passthru_in_set(c, &d->addr);
}

/* "0000:00:1d.7 (000:29.7, Intel Corporation 82801I EHCI #1)" */
static void
topo_label(char *out, size_t size, const struct change *c,
    const struct vifs_pci_topology_dev *t)
{
	char lx[VIFS_PCIADDR_MAX], key[64];

	vifs_pciaddr_format(lx, sizeof(lx), &t->addr, VIFS_PCI_LINUX);
	passthru_label(key, sizeof(key), c, &t->addr);
	if (strcmp(key, lx) == 0)
		snprintf(out, size, "%s%s%s%s", lx, t->name[0] ? " (" : "",
		    t->name, t->name[0] ? ")" : "");
	else
		snprintf(out, size, "%s (%s%s%s)", key, lx,
		    t->name[0] ? ", " : "", t->name);
}

/*
 * One refusal for each role of device T: ME (the device being changed)
 * is T, shares T's slot, or is a bridge with T behind it (WHY says which).
 */
static int
role_refusals(struct change *c, const char *me,
    const struct vifs_pci_topology_dev *t, const char *why)
{
	static const enum vifs_role roles[] = { VIFS_ROLE_BOOT,
		VIFS_ROLE_MGMT_NIC, VIFS_ROLE_COREDUMP };
	struct vifs_buf b = VIFS_BUF_INIT;
	char it[256];
	int error = 0;

	topo_label(it, sizeof(it), c, t);
	for (size_t i = 0; i < NELEM(roles); i++) {
		if (!(t->roles & (unsigned)roles[i]))
			continue;
		if (why == NULL)
			error = vifs_buf_printf(&b,
			    "%s carries %s (%s); given to passthru, %s; use "
			    "--force to override",
			    it, vifs_role_carries(roles[i]),
			    t->role_how[0] ? t->role_how : "inventory",
			    vifs_role_consequence(roles[i]));
		else
			error = vifs_buf_printf(&b,
			    "%s %s %s, which carries %s (%s); given to "
			    "passthru with it, %s; use --force to override",
			    me, why, it, vifs_role_carries(roles[i]),
			    t->role_how[0] ? t->role_how : "inventory",
			    vifs_role_consequence(roles[i]));
		if (error < 0 ||
		    (error = passthru_strlist_take(&c->r->refusals, &b)) < 0)
			break;
	}
	vifs_buf_free(&b);
	return error;
}

/* The role rules: the device, the functions of its slot, and, for a
 * bridge, every device behind it. */
static int
role_rules(struct change *c, const char *me,
    const struct vifs_pci_topology_dev *t)
{
	int error = 0;

	if (t->roles && (error = role_refusals(c, me, t, NULL)) < 0)
		return error;
	for (size_t i = 0; i < vifs_pci_topology_count(c->topo); i++) {
		const struct vifs_pci_topology_dev
		    *o = vifs_pci_topology_get(c->topo, i);

		if (o->roles == 0 ||
		    vifs_pciaddr_cmp(&o->addr, &t->addr) == 0 ||
		    passthru_in_set(c, &o->addr))
			continue;
		if (passthru_same_slot(&o->addr, &t->addr))
			error = role_refusals(c, me, o,
			    "shares its slot (the functions of a slot are "
			    "reset and assigned together) with");
		else if (passthru_covers(t, &o->addr))
			error = role_refusals(c, me, o,
			    "is a bridge with, behind it,");
		if (error < 0)
			break;
	}
	return error;
}

/* Checks the safety rules of an enable; each failure is a refusal. */
int
passthru_enable_rules(struct change *c, const char *me)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	const struct vifs_pci_topology_dev *t = NULL;
	const struct vifs_passthru_dev *d = c->d ? &c->d->pub : NULL;
	long n;
	int error = 0;

	if (c->topo != NULL &&
	    (t = vifs_pci_topology_find(c->topo, &c->addr)) == NULL) {
		char lx[VIFS_PCIADDR_MAX];

		vifs_pciaddr_format(lx, sizeof(lx), &c->addr, VIFS_PCI_LINUX);
		if ((error = vifs_buf_printf(&b,
		         "%s (Linux %s) is not in the "
		         "inventory of the host, so it names no device there; "
		         "check the address and its notation, or use --force "
		         "to "
		         "override",
		         me, lx)) < 0 ||
		    (error = passthru_strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
	if (d != NULL && d->vmkname != NULL) {
		if ((error = vifs_buf_printf(&b,
		         "%s holds %s, which the host "
		         "uses; giving it to passthru can leave a host that "
		         "cannot "
		         "save its configuration or cannot be reached; use "
		         "--force "
		         "to override",
		         me, d->vmkname)) < 0 ||
		    (error = passthru_strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
	if (t != NULL && (error = role_rules(c, me, t)) < 0)
		goto done;
	if (t != NULL && t->is_bridge) {
		if ((error = vifs_buf_printf(&b,
		         "%s is a bridge, and devices "
		         "behind it that the host uses would go to passthru "
		         "with "
		         "it: ",
		         me)) < 0 ||
		    (n = append_devices(&b, c, pick_behind_vmk, t, 1)) < 0) {
			error = error < 0 ? error : (int)n;
			goto done;
		}
		if (n > 0) {
			if ((error = vifs_buf_puts(&b,
			         "; use --force to "
			         "override")) < 0 ||
			    (error = passthru_strlist_take(&c->r->refusals,
			         &b)) < 0)
				goto done;
		}
		vifs_buf_free(&b);
		if ((error = vifs_buf_printf(&b,
		         "%s is a bridge: the devices "
		         "behind it go to passthru with it: ",
		         me)) < 0 ||
		    (n = append_devices(&b, c, pick_behind, t, 0)) < 0) {
			error = error < 0 ? error : (int)n;
			goto done;
		}
		if (n > 0 &&
		    (error = passthru_strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
		vifs_buf_free(&b);
	}
	if ((error = vifs_buf_printf(&b, "%s shares its slot with ", me)) < 0 ||
	    (n = append_devices(&b, c, pick_sibling_not_passthru, NULL, 1)) <
	        0) {
		error = error < 0 ? error : (int)n;
		goto done;
	}
	if (n > 0) {
		if ((error = vifs_buf_printf(&b,
		         ", which stay%s with the "
		         "VMkernel; the functions of one slot are reset and "
		         "assigned together, so give them all to passthru or "
		         "use "
		         "--force to override",
		         n == 1 ? "s" : "")) < 0 ||
		    (error = passthru_strlist_take(&c->r->refusals, &b)) < 0)
			goto done;
	}
done:
	vifs_buf_free(&b);
	return error;
}

/* The warnings of giving the device at hand back to the VMkernel. */
int
passthru_disable_notes(struct change *c, const char *me)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	long n;
	int error = 0;

	if (c->topo != NULL &&
	    vifs_pci_topology_find(c->topo, &c->addr) == NULL) {
		if ((error = vifs_buf_printf(&b,
		         "%s is not in the inventory "
		         "of the host",
		         me)) < 0 ||
		    (error = passthru_strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
	}
	if (c->d != NULL && c->d->pub.via_bridge &&
	    !passthru_in_set(c, &c->d->pub.bridge)) {
		char br[64];

		passthru_label(br, sizeof(br), c, &c->d->pub.bridge);
		if ((error = vifs_buf_printf(&b,
		         "%s stays with passthru: it "
		         "is behind bridge %s, which is given to passthru; "
		         "give %s "
		         "back too",
		         me, br, br)) < 0 ||
		    (error = passthru_strlist_take(&c->r->warnings, &b)) < 0)
			goto done;
	}
	if ((error = vifs_buf_printf(&b, "%s shares its slot with ", me)) < 0 ||
	    (n = append_devices(&b, c, pick_sibling_passthru, NULL, 0)) < 0) {
		error = error < 0 ? error : (int)n;
		goto done;
	}
	if (n > 0 &&
	    ((error = vifs_buf_printf(&b,
	          ", which stay%s with "
	          "passthru; the functions of one slot are reset and assigned "
	          "together",
	          n == 1 ? "s" : "")) < 0 ||
	        (error = passthru_strlist_take(&c->r->warnings, &b)) < 0))
		goto done;
done:
	vifs_buf_free(&b);
	return error;
}
