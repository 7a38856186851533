/*
 * tool_passthru.c - `vifs passthru list|enable|disable`: which PCI devices
 * are given to VMs, and safe changes of that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/inventory.h>
#include <vifs/passthru.h>
#include <vifs/pciaddr.h>

#include "msg.h"
#include "tool.h"

#define usage_error(...) tool_usagef("passthru", __VA_ARGS__)

static const char passthru_usage[] =
    "usage: vifs passthru list    WHERE [--inventory FILE] [--output "
    "text|xml|json]\n"
    "       vifs passthru enable  WHERE [--dry-run] [--force] [--inventory "
    "FILE]\n"
    "                             [--notation N] [--key-notation N] ADDR...\n"
    "       vifs passthru disable WHERE [--dry-run] [--inventory FILE]\n"
    "                             [--notation N] ADDR...\n"
    "WHERE is --file FILE, --image FILE (esx.conf inside a state.tgz,\n"
    "local.tgz or configBundle-*.tgz, edited losslessly with a backup),\n"
    "or the connection options of a host (--server HOST [--username U\n"
    "--password P] ...; see vifs --help), whose /host/esx.conf is then\n"
    "read and edited (with a backup, a conflict check and a verify; see\n"
    "vifs conf --help).\n"
    "\n"
    "Lists and changes the owner (vmkernel or passthru) of PCI devices in\n"
    "esx.conf. ADDR may be written in any notation: esx.conf 000:27.0,\n"
    "Linux 0000:00:1b.0 or 00:1b.0, ESXi lspci 00:27.00, vmx\n"
    "00000:000:27.0; text that reads as two different addresses is refused\n"
    "unless --notation names one. Enabling passthru on a device that holds\n"
    "a vmkname (a vmhba or vmnic the host uses), on a bridge with such a\n"
    "device behind it (known from --inventory), on one function of a\n"
    "multi-function device while the others stay with the VMkernel, and\n"
    "on the boot controller, a management NIC or the coredump controller,\n"
    "their slots and the bridges above them (roles of the inventory), is\n"
    "refused unless --force. On a host without --inventory, the inventory\n"
    "the host publishes (vifs-agent inventory --publish) is used when it\n"
    "is not older than its esx.conf. Changes take effect at the next\n"
    "reboot. With --image on ESXi 7.0 and later, list also shows the\n"
    "passthrough records of the image's ConfigStore (read, never\n"
    "written) beside esx.conf, and enable/disable say where it disagrees\n"
    "with the edited esx.conf and what to run after the boot.\n"
    "\n"
    "  -f, --file FILE         the esx.conf to read (and write back)\n"
    "      --image FILE        state.tgz, local.tgz or configBundle-*.tgz\n"
    "  -n, --dry-run           print the unified diff, change nothing\n"
    "      --force             override the safety refusals (and, on a\n"
    "                          host, the conflict check)\n"
    "      --inventory FILE    the host's PCI inventory (vifs-agent\n"
    "                          inventory): bridges, slots and roles for the\n"
    "                          checks, instead of the one the host publishes\n"
    "      --backup-dir DIR    where backups of a host's esx.conf or of an\n"
    "                          --image go\n"
    "      --no-persist        after an edit of a host, do not ask it to\n"
    "                          write its configuration to the boot device\n"
    "      --notation N        ADDR notation: esxconf, esxi-lspci, linux,\n"
    "                          linux-short, vmx, vmx-short\n"
    "      --key-notation N    notation of new /device/ keys (default\n"
    "                          esxconf); existing keys keep their spelling\n"
    "  -o, --output FMT        text (default), xml or json (list);\n"
    "                          text or json (the results of an edit of\n"
    "                          hosts)\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 ok, 1 failed or refused, 2 usage error.\n";

struct passthru_args {
	struct tool_doc_opts doc;
	struct vifs_passthru_opts popts;
	int enable;
	size_t changes; /* keys the edit changed */
	int argc;
	char **argv;
	vifs_pci_topology *published; /* the host's, fetched */
};

static const char *
owner_text(const struct vifs_passthru_dev *d)
{
	if (d->owner == VIFS_OWNER_OTHER && d->owner_text != NULL)
		return d->owner_text;
	if (d->owner == VIFS_OWNER_NONE)
		return "-";
	return vifs_owner_name(d->owner);
}

static int
passthru_list(struct passthru_args *a)
{
	vifs_esxconf *doc = NULL;
	vifs_passthru_list *list = NULL;
	struct image_cs cs;
	size_t i, n;
	int rc;

	memset(&cs, 0, sizeof(cs));
	a->doc.cs = &cs;
	if ((rc = tool_load(&doc, &a->doc)) != TOOL_OK)
		goto done;
	if (a->popts.topo == NULL)
		a->popts.topo = a->published;
	if (vifs_passthru_list_new(&list, doc, a->popts.topo) < 0 ||
	    (cs.path != NULL &&
	        vifs_passthru_list_set_configstore(list, cs.path, cs.cs,
	            cs.error) < 0)) {
		rc = tool_liberror();
		goto done;
	}
	if (a->doc.output != TOOL_OUTPUT_TEXT) {
		char *xml = NULL;
		size_t len;

		if ((a->doc.output == TOOL_OUTPUT_JSON ?
		            vifs_passthru_list_to_json(&xml, &len, list,
		                vifs_esxconf_name(doc)) :
		            vifs_passthru_list_to_xml(&xml, &len, list,
		                vifs_esxconf_name(doc))) < 0)
			rc = tool_liberror();
		else
			rc = tool_write_stdout(xml, len);
		free(xml);
		/* An unreadable ConfigStore: the document says so, and the
		 * command fails. */
		if (rc == TOOL_OK && cs.path != NULL && cs.cs == NULL) {
			tool_errorf("%s", cs.error);
			rc = TOOL_FAILED;
		}
		goto done;
	}
	n = vifs_passthru_list_count(list);
	printf("%-14s %-12s %-9s %-9s %-8s %s\n", "ADDRESS", "LINUX", "OWNER",
	    "EFFECTIVE", "VMKNAME", "NOTE");
	for (i = 0; i < n; i++) {
		const struct vifs_passthru_dev *d = vifs_passthru_list_get(list,
		    i);
		char linux_addr[VIFS_PCIADDR_MAX];
		char bridge[VIFS_PCIADDR_MAX] = "";

		vifs_pciaddr_format(linux_addr, sizeof(linux_addr), &d->addr,
		    VIFS_PCI_LINUX);
		if (d->via_bridge)
			vifs_pciaddr_format(bridge, sizeof(bridge), &d->bridge,
			    VIFS_PCI_ESXCONF);
		printf("%-14s %-12s %-9s %-9s %s",
		    d->key_addr ? d->key_addr : "-", linux_addr, owner_text(d),
		    vifs_owner_name(d->effective),
		    d->vmkname ? d->vmkname : "-");
		if (d->via_bridge) {
			int used = d->vmkname ? (int)strlen(d->vmkname) : 1;

			printf("%*svia bridge %s", used < 8 ? 9 - used : 1, "",
			    bridge);
		}
		putchar('\n');
	}
	rc = image_cs_print(&cs, list);
	if (a->popts.topo == NULL)
		tool_notef("bridge coverage not shown: no inventory given");
	if (tool_write_stdout(NULL, 0) != TOOL_OK)
		rc = TOOL_FAILED;
done:
	a->doc.cs = NULL;
	vifs_passthru_list_free(list);
	image_cs_clear(&cs);
	vifs_esxconf_free(doc);
	return rc;
}

static void
print_report(const struct tool_msg *m, const vifs_passthru_report *r)
{
	size_t i;

	for (i = 0; i < vifs_passthru_report_warnings(r); i++)
		tool_msg_warnf(m, "%s", vifs_passthru_report_warning(r, i));
	for (i = 0; i < vifs_passthru_report_refusals(r); i++)
		tool_msg_errorf(m, "refused: %s",
		    vifs_passthru_report_refusal(r, i));
}

static int
change_edit(const struct tool_msg *m, vifs_esxconf *doc, void *arg)
{
	struct passthru_args *a = arg;
	vifs_passthru_report *r = NULL;
	const char *const *addrs = (const char *const *)a->argv;
	size_t n = (size_t)a->argc;
	int err, rc = TOOL_OK;

	/* The host's published inventory unless --inventory was given;
	 * across hosts it is each host's own, for this call only. */
	struct vifs_passthru_opts o = a->popts;

	if (o.topo == NULL)
		o.topo = a->published;
	/* One change for all addresses: the functions of a slot may be
	 * given to passthru together, and a refusal stops them all. */
	if (a->enable)
		err = vifs_passthru_enable_many(&r, doc, addrs, n, &o);
	else
		err = vifs_passthru_disable_many(&r, doc, addrs, n, &o);
	if (r != NULL)
		print_report(m, r);
	if (err == VIFS_EREFUSED)
		rc = TOOL_FAILED;
	else if (err == VIFS_EAMBIGUOUS) {
		rc = tool_msg_liberror(m);
		tool_msg_notef(m,
		    "name the notation of the address with --notation "
		    "(linux-short, vmx-short, ...)");
	} else if (err < 0)
		rc = tool_msg_liberror(m);
	else
		a->changes = vifs_passthru_report_changes(r);
	vifs_passthru_report_free(r);
	return rc;
}

/* Loads the inventory FILE into the topology of A; prints errors. */
static int
load_inventory(struct passthru_args *a, vifs_pci_topology **topo,
    const char *file)
{
	vifs_inventory *inv = NULL;
	const struct vifs_inv_info *info;
	const char *server = a->doc.conn.server;
	int rc = TOOL_OK;

	if (vifs_inventory_open(&inv, file) < 0 ||
	    vifs_inventory_topology(topo, inv) < 0) {
		rc = tool_liberror();
		goto done;
	}
	/* An inventory of another host would check the wrong topology. */
	info = vifs_inventory_info(inv);
	if (a->doc.remote && server != NULL && info->host != NULL &&
	    strcasecmp(info->host, server) != 0)
		tool_warnf("%s is the inventory of %s, not of %s", file,
		    info->host, server);
	a->popts.topo = *topo;
done:
	vifs_inventory_free(inv);
	return rc;
}

int
tool_passthru_main(int argc, char **argv, struct fleet_edit *fleet)
{
	enum { OPT_NOTATION = 1, OPT_KEY_NOTATION, OPT_INVENTORY };
	static const struct tool_opt opts[] = {
		TOOL_DOC_OPTS,
		{ "inventory", 0, 1, OPT_INVENTORY },
		{ "key-notation", 0, 1, OPT_KEY_NOTATION },
		{ "notation", 0, 1, OPT_NOTATION },
		{ NULL, 0, 0, 0 },
	};
	struct tool_args args;
	struct passthru_args a;
	vifs_pci_topology *topo = NULL;
	const char *verb, *inventory = NULL;
	int c, rc;

	memset(&a, 0, sizeof(a));
	a.doc.fleet = fleet;
	a.doc.passthru = 1;
	a.popts.notation = VIFS_PCI_AUTO;
	a.popts.new_key_notation = VIFS_PCI_ESXCONF;
	tool_args_init(&args, argc, argv, "passthru", opts, &a.doc.conn);
	while ((c = tool_args_next(&args)) > 0) {
		rc = tool_doc_option(&a.doc, c, args.arg, "passthru",
		    passthru_usage);
		if (rc >= 0)
			return rc;
		if (rc == TOOL_DOC_TAKEN)
			continue;
		switch (c) {
		case OPT_NOTATION:
			if (vifs_pci_notation_parse(&a.popts.notation,
			        args.arg) < 0 ||
			    a.popts.notation == VIFS_PCI_AUTO)
				return usage_error("unknown notation '%s'",
				    args.arg);
			break;
		case OPT_KEY_NOTATION:
			if (vifs_pci_notation_parse(&a.popts.new_key_notation,
			        args.arg) < 0 ||
			    a.popts.new_key_notation == VIFS_PCI_AUTO)
				return usage_error("unknown notation '%s'",
				    args.arg);
			break;
		case OPT_INVENTORY:
			inventory = args.arg;
			break;
		}
	}
	if (c < 0)
		return TOOL_USAGE;
	if (a.doc.force)
		a.popts.flags |= VIFS_PASSTHRU_FORCE;
	if (args.npos < 1)
		return usage_error("missing subcommand (list, enable or "
		                   "disable)");
	if ((rc = tool_doc_mode(&a.doc, "passthru")) != TOOL_OK)
		return rc;
	verb = args.pos[0];
	a.argc = args.npos - 1;
	a.argv = args.pos + 1;
	if (strcmp(verb, "list") == 0) {
		if (a.argc > 0)
			return usage_error("list takes no argument, not '%s'",
			    a.argv[0]);
	} else if (strcmp(verb, "enable") == 0 ||
	    strcmp(verb, "disable") == 0) {
		a.enable = strcmp(verb, "enable") == 0;
		a.doc.command = a.enable ? "passthru enable" :
		                           "passthru disable";
		if (a.argc < 1)
			return usage_error("%s needs a device address", verb);
		if ((rc = tool_edit_output(&a.doc, "passthru")) != TOOL_OK)
			return rc;
	} else {
		return usage_error("unknown subcommand '%s'", verb);
	}
	if (inventory != NULL &&
	    (rc = load_inventory(&a, &topo, inventory)) != TOOL_OK)
		goto done;
	/* On a host without --inventory: the one it publishes. */
	if (inventory == NULL && a.doc.remote)
		a.doc.published = &a.published;
	if (strcmp(verb, "list") == 0) {
		rc = passthru_list(&a);
		goto done;
	}
	a.doc.addrs = a.argv;
	a.doc.naddrs = (size_t)a.argc;
	a.doc.notation = a.popts.notation;
	rc = tool_edit(&a.doc, change_edit, &a);
	if (rc == TOOL_OK && a.changes > 0 && !a.doc.dry_run)
		tool_notef("passthrough changes take effect at the next "
		           "reboot of the host");
done:
	vifs_pci_topology_free(topo);
	vifs_pci_topology_free(a.published);
	return rc;
}
