/*
 * tool_cfgbackup.c - `vifs cfgbackup`: the configuration bundles of many
 * hosts at once (vicfg-cfgbackup -s across a fleet), kept N deep per host,
 * and the restore of one bundle to a host in maintenance mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    "usage: vifs cfgbackup HOSTS --dir DIR [--keep N] [-o json]\n"
    "       vifs cfgbackup HOST --restore BUNDLE --force [-o json]\n"
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
    "      --force           needed by --restore; also applies a bundle\n"
    "                        made for another host or build\n"
    "  -o, --output FMT      text (default) or json: the results of the\n"
    "                        run as one document\n"
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
	int force;
	long long now;
};

/* What a host holds while it runs: its login and the library's job. */
struct cfg_host {
	struct vifs_firmware_login login;
	struct vifs_firmware_backup_opts backup;
	vifs_firmware_job *job;
	char *line; /* the result shown after "ok: " */
};

static void
cfg_host_free(struct cfg_host *c)
{
	if (c == NULL)
		return;
	vifs_firmware_job_free(c->job);
	free(c->line);
	free(c);
}

/* Once the host's job is over: the line its result shows. */
static int
cfg_result(vifs_fleet_host *h, struct cfgbackup_job *j, int error)
{
	struct cfg_host *c = vifs_fleet_host_data(h);
	const char *path;
	int encrypted = 0;

	if (error < 0 || !vifs_firmware_job_over(c->job))
		return error;
	if (j->restore != NULL) {
		c->line = strdup("restored; the host reboots now");
	} else {
		path = vifs_firmware_job_path(c->job, &encrypted);
		c->line = malloc(strlen(path) + 64);
		if (c->line != NULL)
			sprintf(c->line, "%s%s", path,
			    encrypted ? " (local.tgz encrypted: no --image)" :
			                "");
	}
	if (c->line == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return 0;
}

/* A host's backup or restore: the library's job, as requests of the
 * host's own. */
static int
cfg_start(vifs_fleet_host *h, void *payload)
{
	struct cfgbackup_job *j = payload;
	struct vifs_firmware_job_opts o;
	struct cfg_host *c = calloc(1, sizeof(*c));
	int error;

	if (c == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	vifs_fleet_host_set_data(h, c);
	vifs_fleet_host_credentials(h, &c->login.username, &c->login.password);
	c->login.service_path = j->fc.c.opts.servicepath;
	memset(&o, 0, sizeof(o));
	o.login = &c->login;
	if (j->restore != NULL) {
		o.what = VIFS_FIRMWARE_RESTORE;
		o.bundle = j->bundle;
		o.bundle_len = j->bundle_len;
		o.force = j->force;
	} else {
		o.what = VIFS_FIRMWARE_BACKUP;
		c->backup.dir = j->dir;
		c->backup.host = vifs_fleet_host_name(h);
		c->backup.keep = j->keep;
		c->backup.now = j->now;
		o.backup = &c->backup;
	}
	if ((error = vifs_firmware_job_new(&c->job, &o)) < 0)
		return error;
	return cfg_result(h, j, vifs_firmware_job_start(c->job, h));
}

static int
cfg_step(vifs_fleet_host *h, int error, void *payload)
{
	struct cfg_host *c = vifs_fleet_host_data(h);

	return cfg_result(h, payload, vifs_firmware_job_step(c->job, h, error));
}

static void
cfg_done(vifs_fleet_host *h, void *payload)
{
	struct cfgbackup_job *j = payload;
	struct cfg_host *c = vifs_fleet_host_data(h);
	enum vifs_fleet_state state = vifs_fleet_host_state(h);
	struct vifs_fleet_file_facts file;
	struct vifs_fleet_result op;
	struct stat st;

	/* The bundle: the one saved for this host, or the one put back. */
	memset(&file, 0, sizeof(file));
	memset(&op, 0, sizeof(op));
	file.bytes = -1;
	if (j->restore != NULL) {
		file.local = j->restore;
		file.bytes = (long long)j->bundle_len;
	} else if (state == VIFS_FLEET_OK && c != NULL && c->job != NULL) {
		file.local = vifs_firmware_job_path(c->job, &file.encrypted);
		if (file.local != NULL && stat(file.local, &st) == 0)
			file.bytes = (long long)st.st_size;
	}
	if (file.local != NULL)
		op.file = &file;
	fleet_cli_result(&j->fc, h, state == VIFS_FLEET_OK ? "ok" : "FAILED",
	    state == VIFS_FLEET_OK && c != NULL ? c->line : NULL, &op);
	cfg_host_free(c);
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
	int rc = TOOL_USAGE;

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
			j.force = 1;
			i++;
			continue;
		}
		if (strcmp(a, "-d") != 0 && strcmp(a, "--dir") != 0 &&
		    strcmp(a, "--keep") != 0 && strcmp(a, "--restore") != 0 &&
		    strcmp(a, "-o") != 0 && strcmp(a, "--output") != 0) {
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
		} else if (strcmp(a, "--restore") == 0) {
			j.restore = argv[i + 1];
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (strcmp(argv[i + 1], "json") != 0 &&
			    strcmp(argv[i + 1], "text") != 0) {
				rc = tool_usagef(FAMILY,
				    "--output: '%s' is neither text nor json",
				    argv[i + 1]);
				goto done;
			}
			j.fc.json = strcmp(argv[i + 1], "json") == 0;
		} else {
			j.dir = argv[i + 1];
		}
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
	if (j.restore != NULL && !j.force) {
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
	j.fc.command = j.restore != NULL ? "cfgbackup restore" : "cfgbackup";
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
