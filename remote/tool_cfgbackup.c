/*
 * tool_cfgbackup.c - `vifs cfgbackup`: the configuration bundles of many
 * hosts at once (vicfg-cfgbackup -s across a fleet), kept N deep per host,
 * and the restore of one bundle to a host in maintenance mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vifs/connect.h>
#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/firmware.h>
#include <vifs/fleet.h>

#include "fleet_cli.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

#define FAMILY "cfgbackup"

static const char cfgbackup_usage[] =
    "usage: vifs cfgbackup HOSTS --dir DIR [--keep N]\n"
    "       vifs cfgbackup HOST --restore BUNDLE --force\n"
    "HOSTS: --server HOST (repeated), --servers FILE or VI_SERVERS, with\n"
    "the connection options of vifs (see vifs --help).\n"
    "\n"
    "Saves each host's configuration bundle, as vicfg-cfgbackup -s does:\n"
    "the host makes it (BackupFirmwareConfiguration), vifs downloads it and\n"
    "stores it as DIR/HOST/configBundle-YYYYmmddTHHMMSSZ.tgz, complete or\n"
    "not at all, keeping the newest N of each host. The bundles are valid\n"
    "vifs conf/passthru --image inputs. One line per host, then a summary.\n"
    "\n"
    "--restore puts BUNDLE back on one host (QueryFirmwareConfigUploadURL,\n"
    "upload, RestoreFirmwareConfiguration), which must be in maintenance\n"
    "mode; the host reboots. It needs --force.\n"
    "\n"
    "  -d, --dir DIR         where the bundles go (DIR/HOST/)\n"
    "      --keep N          keep the newest N bundles of each host (default\n"
    "                        all)\n"
    "      --restore BUNDLE  put BUNDLE back on the host\n"
    "      --force           needed by --restore\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 every host ok, 1 a host failed, 2 usage error.\n";

struct cfgbackup_job {
	struct fleet_cli fc;
	const char *dir;
	unsigned keep;
	const char *restore; /* BUNDLE */
	char *bundle; /* its bytes */
	size_t bundle_len;
	long long now;
};

/* The login of host H for <vifs/firmware.h>. */
static void
login_of(struct cfgbackup_job *j, vifs_fleet_host *h,
    struct vifs_firmware_login *l)
{
	memset(l, 0, sizeof(*l));
	vifs_fleet_host_credentials(h, &l->username, &l->password);
	l->service_path = j->fc.c.opts.servicepath;
}

/* The whole job of a host, in its slot: blocking SOAP and transfers on
 * the host's own connection. */
static int
cfg_start(vifs_fleet_host *h, void *payload)
{
	struct cfgbackup_job *j = payload;
	struct vifs_firmware_login l;
	struct vifs_firmware_backup_opts o;
	vifs_http *http = vifs_fleet_host_http(h);
	char *path = NULL, *line;
	int error, encrypted = 0;

	if (http == NULL)
		return vifs_error_set(VIFS_ERROR, "no connection to the host");
	login_of(j, h, &l);
	if (j->restore != NULL) {
		if ((error = vifs_firmware_restore(http, &l, j->bundle,
		         j->bundle_len, 0)) < 0)
			return error;
		line = strdup("restored; the host reboots now");
	} else {
		memset(&o, 0, sizeof(o));
		o.dir = j->dir;
		o.host = vifs_fleet_host_name(h);
		o.keep = j->keep;
		o.now = j->now;
		if ((error = vifs_firmware_backup(&path, &encrypted, http, &l,
		         &o)) < 0)
			return error;
		line = malloc(strlen(path) + 64);
		if (line != NULL)
			sprintf(line, "%s%s", path,
			    encrypted ? " (local.tgz encrypted: no --image)" :
			                "");
		free(path);
	}
	if (line == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	vifs_fleet_host_set_data(h, line);
	return 0;
}

static int
cfg_step(vifs_fleet_host *h, int error, void *payload)
{
	(void)h;
	(void)payload;
	return error;
}

static void
cfg_done(vifs_fleet_host *h, void *payload)
{
	struct cfgbackup_job *j = payload;
	char *line = vifs_fleet_host_data(h);

	switch (vifs_fleet_host_state(h)) {
	case VIFS_FLEET_OK:
		fleet_cli_result(&j->fc, h, "ok", line);
		break;
	case VIFS_FLEET_FAILED:
		fleet_cli_result(&j->fc, h, "FAILED", NULL);
		break;
	default:
		break;
	}
	free(line);
	vifs_fleet_host_set_data(h, NULL);
}

static int
parse_keep(unsigned *out, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end != '\0' || v < 1 || v > 100000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
tool_cfgbackup_main(int argc, char **argv)
{
	struct cfgbackup_job j;
	struct vifs_fleet_opts job;
	vifs_fleet *f = NULL;
	char *password = NULL;
	int rc = TOOL_USAGE, force = 0;

	memset(&j, 0, sizeof(j));
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
			fputs(cfgbackup_usage, stdout);
			rc = tool_write_stdout(NULL, 0) ? TOOL_FAILED : TOOL_OK;
			goto done;
		}
		if (strcmp(a, "--force") == 0) {
			force = 1;
			i++;
			continue;
		}
		if (strcmp(a, "-d") != 0 && strcmp(a, "--dir") != 0 &&
		    strcmp(a, "--keep") != 0 && strcmp(a, "--restore") != 0) {
			rc = tool_usagef(FAMILY,
			    "unknown option or argument '%s'", a);
			goto done;
		}
		if (i + 1 >= argc) {
			rc = tool_usagef(FAMILY, "%s needs a value", a);
			goto done;
		}
		if (strcmp(a, "--keep") == 0) {
			if (parse_keep(&j.keep, argv[i + 1]) < 0) {
				rc = tool_usagef(FAMILY,
				    "--keep: '%s' is not a number of bundles "
				    "(1 or more)",
				    argv[i + 1]);
				goto done;
			}
		} else if (strcmp(a, "--restore") == 0)
			j.restore = argv[i + 1];
		else
			j.dir = argv[i + 1];
		i += 2;
	}
	if (j.restore == NULL && j.dir == NULL) {
		rc = tool_usagef(FAMILY,
		    "give --dir DIR (or --restore BUNDLE)");
		goto done;
	}
	if (j.restore != NULL && (j.dir != NULL || j.keep != 0)) {
		rc = tool_usagef(FAMILY,
		    "--restore takes neither --dir nor --keep");
		goto done;
	}
	if (j.restore != NULL && !force) {
		rc = tool_usagef(FAMILY,
		    "--restore replaces the host's whole configuration and "
		    "reboots it: give --force to confirm");
		goto done;
	}
	if (j.restore != NULL &&
	    (j.fc.nservers + j.fc.nfiles != 1 || j.fc.nfiles != 0)) {
		rc = tool_usagef(FAMILY,
		    "--restore puts one bundle on one "
		    "host: give one --server");
		goto done;
	}
	if (fleet_cli_hide_password(&j.fc, &password, argc, argv) < 0) {
		rc = TOOL_FAILED;
		goto done;
	}
	if (j.restore != NULL &&
	    vifs_file_read(&j.bundle, &j.bundle_len, j.restore) < 0) {
		rc = tool_liberror();
		goto done;
	}
	j.now = (long long)time(NULL);
	memset(&job, 0, sizeof(job));
	job.start = cfg_start;
	job.step = cfg_step;
	job.done = cfg_done;
	job.payload = &j;
	if ((rc = fleet_cli_setup(&j.fc, FAMILY, &f, &job)) != TOOL_OK)
		goto done;
	rc = fleet_cli_run(&j.fc, f);
done:
	vifs_fleet_free(f);
	fleet_cli_free(&j.fc);
	free(j.bundle);
	vifs_connect_secret_free(password);
	progress_reraise();
	return rc;
}
