/*
 * passthru_edit.c - enable and disable: a passthrough change applied to
 * esx.conf, the owner keys written under the rules of passthru_rules.c.
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
/* The key "/device/SPELLING/owner" in a new string, or NULL. */
static char *
owner_key(const char *spelling)
{
	struct vifs_buf b = VIFS_BUF_INIT;

	if (vifs_buf_printf(&b, "%s%s/owner", DEVICE_PREFIX, spelling) < 0)
		return NULL;
	return vifs_buf_detach(&b, NULL);
}

/*
 * Sets the owner of the device to VALUE: on every spelling that has an
 * owner line whose value differs, or, when no spelling has an owner line,
 * on a new line in the spelling the file uses for the device (or
 * KEY_NOTATION).  Counts the keys changed in the report.
 */
static int
write_owner(struct change *c, const char *value)
{
	const struct pdev *d = c->d;
	char key_text[VIFS_PCIADDR_MAX];
	const char *spell = NULL;
	char *key = NULL;
	int has_owner = 0, error = 0;

	for (size_t i = 0; d != NULL && i < d->nsp; i++) {
		if (d->sp[i].owner == NULL)
			continue;
		has_owner = 1;
		if (strcmp(d->sp[i].owner, value) == 0)
			continue;
		if ((key = owner_key(d->sp[i].text)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		if ((error = vifs_esxconf_set(c->doc, key, value)) < 0)
			goto done;
		free(key);
		key = NULL;
		c->r->changes++;
	}
	if (has_owner)
		goto done;
	if (d != NULL && d->pub.key_addr != NULL) {
		spell = d->pub.key_addr;
	} else {
		if ((error = vifs_pciaddr_format(key_text, sizeof(key_text),
		         &c->addr, c->key_notation)) < 0) {
			char lx[VIFS_PCIADDR_MAX];

			vifs_pciaddr_format(lx, sizeof(lx), &c->addr,
			    VIFS_PCI_LINUX);
			error = vifs_error_set(VIFS_EINVAL,
			    "%s cannot be "
			    "written as an esx.conf key in %s notation; "
			    "choose a notation with a segment",
			    lx, vifs_pci_notation_name(c->key_notation));
			goto done;
		}
		spell = key_text;
	}
	if ((key = owner_key(spell)) == NULL) {
		error = VIFS_ENOMEM;
		goto done;
	}
	if ((error = vifs_esxconf_set(c->doc, key, value)) < 0)
		goto done;
	c->r->changes++;
done:
	free(key);
	return error;
}

/* Whether every owner line of the device already says VALUE. */
static int
owner_is(const struct pdev *d, const char *value)
{
	int any = 0;

	for (size_t i = 0; d != NULL && i < d->nsp; i++) {
		if (d->sp[i].owner == NULL)
			continue;
		if (strcmp(d->sp[i].owner, value) != 0)
			return 0;
		any = 1;
	}
	return any;
}

/*
 * Common start of enable and disable: report, options, addresses, list.
 * On success fills *c; *report is set in every case but out of memory.
 */
static int
change_begin(struct change *c, vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	enum vifs_pci_notation hint = VIFS_PCI_AUTO;
	int error;

	memset(c, 0, sizeof(*c));
	if (report == NULL)
		return vifs_error_set(VIFS_EINVAL, "passthru: no report");
	*report = NULL;
	if ((c->r = calloc(1, sizeof(*c->r))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	*report = c->r;
	if (doc == NULL || addrs == NULL || n == 0)
		return vifs_error_set(VIFS_EINVAL,
		    "passthru: no document or "
		    "address");
	c->doc = doc;
	c->key_notation = VIFS_PCI_ESXCONF;
	if (opts != NULL) {
		c->flags = opts->flags;
		c->topo = opts->topo;
		hint = opts->notation;
		if (opts->new_key_notation != VIFS_PCI_AUTO)
			c->key_notation = opts->new_key_notation;
	}
	if (strcmp(vifs_pci_notation_name(c->key_notation), "unknown") == 0)
		return vifs_error_set(VIFS_EINVAL,
		    "passthru: unknown key "
		    "notation %d",
		    (int)c->key_notation);
	if (n > (size_t)-1 / sizeof(*c->set) ||
	    (c->set = calloc(n, sizeof(*c->set))) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct vifs_pciaddr a;

		if (addrs[i] == NULL)
			return vifs_error_set(VIFS_EINVAL,
			    "passthru: no "
			    "address");
		if ((error = vifs_pciaddr_parse(&a, NULL, addrs[i], hint)) < 0)
			return error;
		/* The same device named twice is changed once. */
		if (!passthru_in_set(c, &a))
			c->set[c->nset++] = a;
	}
	if ((error = vifs_passthru_list_new(&c->l, doc, c->topo)) < 0)
		return error;
	return VIFS_OK;
}

static void
change_end(struct change *c)
{
	vifs_passthru_list_free(c->l);
	free(c->set);
}

/* Adds "ME is already ..." to the warnings. */
static int
warn_already(struct change *c, const char *me, const char *where)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if ((error = vifs_buf_printf(&b, "%s is already %s", me, where)) < 0)
		return error;
	return passthru_strlist_take(&c->r->warnings, &b);
}

/*
 * Gives every device of the change to OWNER; one already there gets the
 * warning "... is already ALREADY".  DISABLE: the notes of a device taken
 * back from passthru come first.
 */
static int
give_all(struct change *c, const char *owner, const char *already, int disable)
{
	char me[64];
	int error;

	for (size_t i = 0; i < c->nset; i++) {
		passthru_change_at(c, i);
		passthru_label(me, sizeof(me), c, &c->addr);
		if (disable && (error = passthru_disable_notes(c, me)) < 0)
			return error;
		error = owner_is(c->d, owner) ? warn_already(c, me, already) :
		                                write_owner(c, owner);
		if (error < 0)
			return error;
	}
	return VIFS_OK;
}

int
vifs_passthru_enable_many(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	struct change c;
	char me[64];
	int error;

	if ((error = change_begin(&c, report, doc, addrs, n, opts)) < 0)
		goto done;
	if (c.topo == NULL &&
	    (error = passthru_add_text(&c.r->warnings,
	         "bridge "
	         "coverage not checked: no inventory")) < 0)
		goto done;
	for (size_t i = 0; i < c.nset; i++) {
		passthru_change_at(&c, i);
		passthru_label(me, sizeof(me), &c, &c.addr);
		if (owner_is(c.d, "passthru"))
			continue;
		if (c.topo == NULL &&
		    (c.d == NULL || c.d->pub.key_addr == NULL)) {
			char msg[160];

			snprintf(msg, sizeof(msg),
			    "%s has no line in esx.conf "
			    "and no inventory says it exists: check the "
			    "address",
			    me);
			if ((error = passthru_add_text(&c.r->warnings, msg)) <
			    0)
				goto done;
		}
		if ((error = passthru_enable_rules(&c, me)) < 0)
			goto done;
	}
	if (c.r->refusals.n > 0 && !(c.flags & VIFS_PASSTHRU_FORCE)) {
		if (c.r->refusals.n > 1)
			error = vifs_error_set(VIFS_EREFUSED,
			    "%s (and %zu "
			    "more refusal%s)",
			    c.r->refusals.v[0], c.r->refusals.n - 1,
			    c.r->refusals.n > 2 ? "s" : "");
		else
			error = vifs_error_set(VIFS_EREFUSED, "%s",
			    c.r->refusals.v[0]);
		goto done;
	}
	/* Forced: what would have been refused is told as a warning. */
	for (size_t i = 0; i < c.r->refusals.n; i++) {
		struct vifs_buf b = VIFS_BUF_INIT;

		if ((error = vifs_buf_printf(&b, "overridden by force: %s",
		         c.r->refusals.v[i])) < 0 ||
		    (error = passthru_strlist_take(&c.r->warnings, &b)) < 0) {
			vifs_buf_free(&b);
			goto done;
		}
	}
	passthru_strlist_free(&c.r->refusals);
	error = give_all(&c, "passthru", "given to passthru", 0);
done:
	change_end(&c);
	return error;
}

int
vifs_passthru_enable(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *addr, const struct vifs_passthru_opts *opts)
{
	return vifs_passthru_enable_many(report, doc, &addr, 1, opts);
}

int
vifs_passthru_disable_many(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *const *addrs, size_t n, const struct vifs_passthru_opts *opts)
{
	struct change c;
	int error;

	if ((error = change_begin(&c, report, doc, addrs, n, opts)) == 0)
		error = give_all(&c, "vmkernel", "with the VMkernel", 1);
	change_end(&c);
	return error;
}

int
vifs_passthru_disable(vifs_passthru_report **report, vifs_esxconf *doc,
    const char *addr, const struct vifs_passthru_opts *opts)
{
	return vifs_passthru_disable_many(report, doc, &addr, 1, opts);
}
