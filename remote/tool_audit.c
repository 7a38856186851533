/*
 * tool_audit.c - `vifs audit`: fetch /host/esx.conf from every host of a
 * fleet, lint it, list the devices given to passthru (through bridges too
 * when the host's inventory is at hand), compare it with a baseline, and
 * report: one line per host on standard output as it finishes, a summary,
 * and with --report one XML document of the whole fleet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vifs/audit.h>
#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/fleet.h>
#include <vifs/hostlist.h>
#include <vifs/inventory.h>
#include <vifs/passthru.h>
#include <vifs/publish.h>

#include "fleet_cli.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

#define FAMILY "audit"
#define SHOWN_MAX 60

static const char audit_usage[] =
    "usage: vifs audit [--server HOST]... [--servers FILE] [--baseline "
    "FILE]\n"
    "                  [--inventory-dir DIR] [--report FILE]\n"
    "                  [--output xml|json] [--metrics FILE]\n"
    "                  [--retry-failed REPORT] [connection options]\n"
    "\n"
    "Fetches /host/esx.conf from every host, lints it, lists the devices\n"
    "given to passthru and compares it with a baseline: an esx.conf\n"
    "fragment of KEY = \"VALUE\" lines every host must have, KEY = \"*\"\n"
    "for keys that must exist whatever their value, and !KEY for keys that\n"
    "must be absent.  One line per host as it finishes: HOST ok, HOST\n"
    "DRIFT: what differs first (drift from the baseline or lint errors),\n"
    "HOST FAILED: why it could not be audited; then a summary.\n"
    "\n"
    "  --baseline FILE        the baseline to compare with\n"
    "  --inventory-dir DIR    inventories of the hosts (vifs-agent\n"
    "                         inventory): DIR/HOST.xml, for the devices\n"
    "                         given to passthru through a bridge and the\n"
    "                         boot controller, management NICs and\n"
    "                         coredump controller they must not take;\n"
    "                         without it, the inventory each host\n"
    "                         publishes (vifs-agent inventory --publish)\n"
    "  --report FILE          write the report of the fleet, XML\n"
    "                         (docs/schemas/audit.xsd) or JSON\n"
    "                         (audit.schema.json)\n"
    "  --output xml|json      the format of the report (default xml)\n"
    "  --metrics FILE         write Prometheus metrics of the run (for\n"
    "                         node_exporter's textfile collector),\n"
    "                         replaced atomically\n"
    "  --retry-failed REPORT  audit only the hosts that failed or were\n"
    "                         skipped in an earlier report\n"
    "  -h, --help             this help\n"
    "Hosts and fleet options:\n";

static const char audit_usage_tail[] =
    "and the connection options of vifs (--username, --password,\n"
    "--credstore, --cacertsfile, --thumbprint, --known-hosts, --timeout,\n"
    "--protocol, --portnumber ...).\n"
    "\n"
    "Exit status: 0 every host audited without drift, 1 a host failed,\n"
    "drifted or was skipped, 2 usage error.\n";

struct audit_job {
	struct fleet_cli fc; /* first: fleet_cli_setup() needs it there */
	vifs_fleet *fleet;
	vifs_baseline *baseline;
	const char *inventory_dir;
	char *pub_path; /* URL path of the published inventory */
	vifs_audit_report *report;
	int report_failed; /* writing the report failed: stop */
};

/* What STEP found, for DONE's line. */
struct host_result {
	int reported; /* its element is in the report */
	int drift;
	char line[512];
	/* Between the GET of esx.conf and that of the published
	 * inventory: esx.conf's bytes and Last-Modified. */
	char *conf;
	size_t conf_len;
	long long conf_mtime;
	/* What the published inventory was: said before the host's line. */
	char note[800];
	int note_is_warning;
};

/* Up to SHOWN_MAX bytes of LEN bytes of S, quoted, control bytes as
 * '?', for a line on a terminal. */
static void
shown(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = len > SHOWN_MAX ? SHOWN_MAX : len, o = 0;

	if (size < SHOWN_MAX + 8)
		return;
	buf[o++] = '"';
	for (size_t i = 0; i < n; i++)
		buf[o++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		                                                        s[i];
	buf[o++] = '"';
	if (len > n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* The DRIFT line: the first problem, then how many more. */
static void
drift_line(struct host_result *hr, const vifs_audit *a)
{
	size_t nd = vifs_audit_drift_count(a);
	size_t ne = vifs_lint_errors(vifs_audit_lint(a));
	char v1[SHOWN_MAX + 8], v2[SHOWN_MAX + 8];
	int o = 0;

	/* A device the host cannot give away comes first. */
	if (vifs_audit_danger_count(a) > 0) {
		size_t ng = vifs_audit_danger_count(a);
		const struct vifs_audit_danger *g = vifs_audit_danger(a, 0);

		o = snprintf(hr->line, sizeof(hr->line), "error: %s: %s",
		    g->rule, g->message);
		if (ng > 1 && o >= 0 && (size_t)o < sizeof(hr->line))
			snprintf(hr->line + o, sizeof(hr->line) - (size_t)o,
			    "; %zu more such error%s", ng - 1,
			    ng > 2 ? "s" : "");
		return;
	}
	if (nd > 0) {
		const struct vifs_drift *d = vifs_audit_drift(a, 0);

		switch (d->kind) {
		case VIFS_DRIFT_DIFFERS:
			shown(v1, sizeof(v1), d->actual, d->actual_len);
			shown(v2, sizeof(v2), d->expected, strlen(d->expected));
			o = snprintf(hr->line, sizeof(hr->line),
			    "%s is %s, baseline %s", d->key, v1, v2);
			break;
		case VIFS_DRIFT_MISSING:
			shown(v2, sizeof(v2), d->expected, strlen(d->expected));
			o = snprintf(hr->line, sizeof(hr->line),
			    "%s is missing (baseline %s)", d->key, v2);
			break;
		case VIFS_DRIFT_PRESENT:
			o = snprintf(hr->line, sizeof(hr->line),
			    "%s is present (baseline: absent)", d->key);
			break;
		}
		if (nd > 1 && o >= 0 && (size_t)o < sizeof(hr->line))
			o += snprintf(hr->line + o,
			    sizeof(hr->line) - (size_t)o,
			    "; %zu more difference%s", nd - 1,
			    nd > 2 ? "s" : "");
		if (ne > 0 && o >= 0 && (size_t)o < sizeof(hr->line))
			snprintf(hr->line + o, sizeof(hr->line) - (size_t)o,
			    "; %zu lint error%s", ne, ne > 1 ? "s" : "");
		return;
	}
	for (size_t i = 0; i < vifs_lint_count(vifs_audit_lint(a)); i++) {
		const struct vifs_lint_finding
		    *f = vifs_lint_get(vifs_audit_lint(a), i);

		if (f->severity != VIFS_LINT_ERROR)
			continue;
		o = snprintf(hr->line, sizeof(hr->line),
		    "esx.conf:%zu: %s (%s)", f->line, f->message, f->rule);
		if (ne > 1 && o >= 0 && (size_t)o < sizeof(hr->line))
			snprintf(hr->line + o, sizeof(hr->line) - (size_t)o,
			    "; %zu more lint error%s", ne - 1,
			    ne > 2 ? "s" : "");
		break;
	}
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The inventory of host H in --inventory-dir: DIR/NAME.xml, else
 * DIR/HOST.xml (the name without its port); *path NULL when none. */
static int
find_inventory(char **path, struct audit_job *j, vifs_fleet_host *h)
{
	const struct vifs_hostlist_entry *e = vifs_hostlist_get(j->fc.hosts,
	    vifs_fleet_host_index(h));
	const char *names[2] = { vifs_fleet_host_name(h), e ? e->host : NULL };
	int error = 0;

	*path = NULL;
	for (size_t i = 0; i < 2 && *path == NULL && names[i]; i++) {
		char *safe = NULL, *p;
		size_t len;

		if ((error = vifs_hostlist_safe_name(&safe, names[i])) < 0)
			return error;
		len = strlen(j->inventory_dir) + strlen(safe) + 6;
		if ((p = malloc(len)) == NULL) {
			free(safe);
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		}
		snprintf(p, len, "%s/%s.xml", j->inventory_dir, safe);
		free(safe);
		if (is_file(p))
			*path = p;
		else
			free(p);
	}
	return VIFS_OK;
}

static int
audit_start(vifs_fleet_host *h, void *payload)
{
	(void)payload;
	return vifs_fleet_get_buf(h, VIFS_ESXCONF_PATH, VIFS_ESXCONF_MAX);
}

/*
 * Audits the esx.conf HR holds with the topology of INV (the published
 * one; NULL: from --inventory-dir when it has the host's) and writes the
 * host's report element; PUBLISHED names where INV came from.
 */
static int
audit_host(struct audit_job *j, vifs_fleet_host *h, struct host_result *hr,
    const vifs_inventory *published_inv, const char *published)
{
	vifs_esxconf *doc = NULL;
	vifs_inventory *inv = NULL;
	vifs_pci_topology *topo = NULL;
	vifs_audit *a = NULL;
	char *name = NULL, *invpath = NULL;
	size_t nlen;
	int error;

	nlen = strlen(vifs_fleet_host_name(h)) + sizeof(VIFS_ESXCONF_PATH) + 1;
	if ((name = malloc(nlen)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(name, nlen, "%s:%s", vifs_fleet_host_name(h),
	    VIFS_ESXCONF_PATH);
	error = vifs_esxconf_parse_take(&doc, name, hr->conf, hr->conf_len);
	hr->conf = NULL;
	if (error < 0)
		goto done;
	if (j->inventory_dir != NULL &&
	    (error = find_inventory(&invpath, j, h)) < 0)
		goto done;
	if (invpath != NULL &&
	    ((error = vifs_inventory_open(&inv, invpath)) < 0 ||
	        (error = vifs_inventory_topology(&topo, inv)) < 0)) {
		error = vifs_error_wrap(error, "inventory %s", invpath);
		goto done;
	}
	if (published_inv != NULL &&
	    (error = vifs_inventory_topology(&topo, published_inv)) < 0)
		goto done;
	if ((error = vifs_audit_new(&a, doc, j->baseline, topo)) < 0)
		goto done;
	hr->drift = vifs_audit_problems(a) > 0;
	if (hr->drift)
		drift_line(hr, a);
	if (j->report != NULL) {
		if (vifs_audit_report_host(j->report, vifs_fleet_host_name(h),
		        hr->drift ? VIFS_AUDIT_DRIFT : VIFS_AUDIT_OK, a,
		        invpath ? invpath : published, 0, NULL) < 0) {
			j->report_failed = 1;
			tool_liberror();
			vifs_fleet_stop(j->fleet);
		}
		hr->reported = 1;
	}
done:
	vifs_audit_free(a);
	vifs_pci_topology_free(topo);
	vifs_inventory_free(inv);
	vifs_esxconf_free(doc);
	free(name);
	free(invpath);
	return error;
}

/*
 * First esx.conf, then, without --inventory-dir, the inventory the host
 * publishes (<vifs/publish.h>); then the audit of the host.
 */
static int
audit_step(vifs_fleet_host *h, int error, void *payload)
{
	struct audit_job *j = payload;
	struct host_result *hr = vifs_fleet_host_data(h);
	struct vifs_published pub;
	char *body = NULL;
	size_t len = 0;

	if (hr == NULL) {
		if (error < 0)
			return error;
		if ((hr = calloc(1, sizeof(*hr))) == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		vifs_fleet_host_set_data(h, hr);
		if ((error = vifs_fleet_host_take_body(h, &hr->conf,
		         &hr->conf_len)) < 0)
			return error;
		hr->conf_mtime = vifs_fleet_host_last_modified(h);
		if (j->pub_path != NULL)
			return vifs_fleet_get_buf(h, j->pub_path,
			    VIFS_PUBLISH_MAX);
		return audit_host(j, h, hr, NULL, NULL);
	}
	/* The published inventory: any failure to get it is told, not
	 * the host's failure. */
	if (error == 0 &&
	    (error = vifs_fleet_host_take_body(h, &body, &len)) < 0)
		return error;
	if ((error = vifs_published_judge(&pub, body, len, error,
	         hr->conf_mtime)) < 0) {
		free(body);
		return error;
	}
	free(body);
	snprintf(hr->note, sizeof(hr->note), "%s", pub.message);
	hr->note_is_warning = pub.state != VIFS_PUBLISHED_USED;
	error = audit_host(j, h, hr,
	    pub.state == VIFS_PUBLISHED_USED ? pub.inv : NULL,
	    pub.state == VIFS_PUBLISHED_USED ? pub.where : NULL);
	vifs_published_clear(&pub);
	return error;
}

static void
audit_done(vifs_fleet_host *h, void *payload)
{
	struct audit_job *j = payload;
	struct host_result *hr = vifs_fleet_host_data(h);
	enum vifs_fleet_state st = vifs_fleet_host_state(h);
	enum vifs_audit_status as = VIFS_AUDIT_FAILED;

	if (hr != NULL && hr->note[0] != '\0' && hr->note_is_warning)
		tool_warnf("%s: %s", vifs_fleet_host_name(h), hr->note);
	else if (hr != NULL && hr->note[0] != '\0')
		tool_notef("%s: %s", vifs_fleet_host_name(h), hr->note);
	if (hr != NULL) {
		free(hr->conf);
		hr->conf = NULL;
	}
	if (st == VIFS_FLEET_OK && hr != NULL && hr->drift) {
		j->fc.drift++;
		fleet_cli_result(&j->fc, h, "DRIFT", hr->line, NULL);
	} else if (st == VIFS_FLEET_OK) {
		fleet_cli_result(&j->fc, h, NULL, NULL, NULL);
	} else if (st == VIFS_FLEET_FAILED) {
		fleet_cli_result(&j->fc, h, "FAILED", NULL, NULL);
	} else {
		as = VIFS_AUDIT_SKIPPED;
	}
	if (j->report != NULL && !j->report_failed &&
	    (hr == NULL || !hr->reported) && st != VIFS_FLEET_OK &&
	    vifs_audit_report_host(j->report, vifs_fleet_host_name(h), as, NULL,
	        NULL, vifs_fleet_host_error(h),
	        vifs_fleet_host_reason(h)) < 0) {
		j->report_failed = 1;
		tool_liberror();
		vifs_fleet_stop(j->fleet);
	}
	free(hr);
	vifs_fleet_host_set_data(h, NULL);
}

static void
usage(FILE *f)
{
	fputs(audit_usage, f);
	fleet_cli_usage(f);
	fputs(audit_usage_tail, f);
}

/* --retry-failed REPORT: its failed and skipped hosts become the hosts.
 * Returns TOOL_OK, TOOL_USAGE, or TOOL_FAILED after printing; *none is 1
 * when the report has no such host. */
static int
retry_hosts(struct audit_job *j, const char *report, char ***hosts, int *none)
{
	size_t n = 0;

	*none = 0;
	if (j->fc.nservers > 0 || j->fc.nfiles > 0)
		return tool_usagef(FAMILY,
		    "--retry-failed takes its hosts "
		    "from the report, not from --server "
		    "or --servers");
	if (vifs_audit_report_failed(hosts, &n, report) < 0)
		return tool_liberror();
	if (n == 0) {
		*none = 1;
		return TOOL_OK;
	}
	for (size_t i = 0; i < n; i++) {
		const char **p = realloc(j->fc.servers,
		    (j->fc.nservers + 1) * sizeof(*p));

		if (p == NULL) {
			tool_errorf("out of memory");
			return TOOL_FAILED;
		}
		p[j->fc.nservers++] = (*hosts)[i];
		j->fc.servers = p;
	}
	return TOOL_OK;
}

int
tool_audit_main(int argc, char **argv)
{
	struct audit_job j;
	struct vifs_fleet_opts job;
	struct vifs_fleet_stats st;
	const char *baseline = NULL, *retry = NULL;
	struct vifs_audit_report_opts ro;
	char **retry_list = NULL, *password = NULL;
	int rc = TOOL_USAGE, none = 0;

	memset(&j, 0, sizeof(j));
	memset(&ro, 0, sizeof(ro));
	for (int i = 1; i < argc;) {
		const char *a = argv[i];
		int n;

		if ((n = fleet_cli_option(&j.fc, FAMILY, argc - i, argv + i)) <
		    0)
			goto done;
		if (n > 0) {
			i += n;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			rc = tool_write_stdout(NULL, 0) ? TOOL_FAILED : TOOL_OK;
			goto done;
		}
		if (i + 1 >= argc &&
		    (strcmp(a, "--baseline") == 0 ||
		        strcmp(a, "--inventory-dir") == 0 ||
		        strcmp(a, "--report") == 0 ||
		        strcmp(a, "--output") == 0 ||
		        strcmp(a, "--metrics") == 0 ||
		        strcmp(a, "--retry-failed") == 0)) {
			rc = tool_usagef(FAMILY, "%s needs a value", a);
			goto done;
		}
		if (strcmp(a, "--baseline") == 0)
			baseline = argv[i + 1];
		else if (strcmp(a, "--inventory-dir") == 0)
			j.inventory_dir = argv[i + 1];
		else if (strcmp(a, "--report") == 0)
			ro.path = argv[i + 1];
		else if (strcmp(a, "--metrics") == 0)
			ro.metrics = argv[i + 1];
		else if (strcmp(a, "--output") == 0) {
			if (strcmp(argv[i + 1], "xml") == 0)
				ro.format = VIFS_AUDIT_FORMAT_XML;
			else if (strcmp(argv[i + 1], "json") == 0)
				ro.format = VIFS_AUDIT_FORMAT_JSON;
			else {
				rc = tool_usagef(FAMILY,
				    "--output: '%s' is neither xml nor json",
				    argv[i + 1]);
				goto done;
			}
		} else if (strcmp(a, "--retry-failed") == 0)
			retry = argv[i + 1];
		else {
			rc = tool_usagef(FAMILY,
			    "unknown option or argument "
			    "'%s'",
			    a);
			goto done;
		}
		i += 2;
	}
	if (fleet_cli_hide_password(&j.fc, &password, argc, argv) < 0) {
		rc = TOOL_FAILED;
		goto done;
	}
	if (retry != NULL &&
	    (rc = retry_hosts(&j, retry, &retry_list, &none)) != TOOL_OK)
		goto done;
	if (none) {
		printf("%s: no host failed or was skipped; nothing to retry\n",
		    retry);
		rc = TOOL_OK;
		goto done;
	}
	if (j.inventory_dir != NULL && access(j.inventory_dir, R_OK | X_OK)) {
		tool_errorf("--inventory-dir %s: %s", j.inventory_dir,
		    strerror(errno));
		rc = TOOL_FAILED;
		goto done;
	}
	if (baseline != NULL && vifs_baseline_open(&j.baseline, baseline) < 0) {
		rc = tool_liberror();
		goto done;
	}
	/* Without --inventory-dir, each host's published inventory. */
	if (j.inventory_dir == NULL && vifs_publish_url_path(&j.pub_path) < 0) {
		rc = tool_liberror();
		goto done;
	}
	memset(&job, 0, sizeof(job));
	job.start = audit_start;
	job.step = audit_step;
	job.done = audit_done;
	job.payload = &j;
	if ((rc = fleet_cli_setup(&j.fc, FAMILY, &j.fleet, &job)) != TOOL_OK)
		goto done;
	ro.baseline = baseline;
	if ((ro.path != NULL || ro.metrics != NULL) &&
	    vifs_audit_report_start(&j.report, &ro) < 0) {
		rc = tool_liberror();
		goto done;
	}
	rc = fleet_cli_run(&j.fc, j.fleet);
	if (j.report != NULL && !j.report_failed) {
		vifs_fleet_stats(j.fleet, &st);
		if (vifs_audit_report_close(j.report,
		        (double)st.elapsed_ms / 1000.0) < 0) {
			tool_liberror();
			j.report_failed = 1;
		}
	}
	if (j.report_failed)
		rc = TOOL_FAILED;
done:
	vifs_audit_report_free(j.report);
	vifs_fleet_free(j.fleet);
	vifs_baseline_free(j.baseline);
	free(j.pub_path);
	fleet_cli_free(&j.fc);
	vifs_audit_hosts_free(retry_list);
	vifs_connect_secret_free(password);
	progress_reraise();
	return rc;
}
