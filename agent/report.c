/*
 * report.c - `vifs-agent inventory`: the PCI inventory as XML or JSON, to
 * standard output, a file, or a host's file service (--upload).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>

#include "cmd.h"
#include "msg.h"
#include "scan.h"
#include "upload.h"

enum {
	OPT_STRICT = OPT_FIRST_OWN,
	OPT_UPLOAD,
	OPT_PUBLISH,
	OPT_FORMAT,
	OPT_FROM,
};

static void
usage(FILE *f)
{
	fputs("Usage: vifs-agent inventory [options] [--upload REMOTE | "
	      "--publish]\n"
	      "                            [connection options]\n"
	      "Write the PCI inventory of this host, or of a dump, as XML "
	      "(schema: vifs-agent\nschema) or JSON "
	      "(inventory.schema.json beside the XSDs).\n"
	      "\n"
	      "      --format FMT         xml (default) or json\n"
	      "      --from FILE          read an inventory document (a "
	      "published one, say)\n"
	      "                           instead of a source, and write it "
	      "again\n"
	      "  -o, --output FILE        write to FILE (replaced atomically) "
	      "instead of\n"
	      "                           standard output (- for standard "
	      "output, which\n"
	      "                           --upload alone does not write)\n"
	      "  -q, --quiet              do not print the findings on "
	      "standard error\n"
	      "      --strict             exit 1 when a finding has severity "
	      "error\n"
	      "      --publish            upload the report to the host's "
	      "published place,\n"
	      "                           [datastore1] vifs-inventory.xml "
	      "(datastore:\n"
	      "                           VIFS_INVENTORY_DATASTORE), where "
	      "vifs "
	      "passthru and\n"
	      "                           vifs audit fetch it\n"
	      "  -h, --help               show this help\n",
	    f);
	fputs(agent_source_help, f);
	agent_upload_usage(f);
}

/* Findings on standard error, one a line. */
static void
print_findings(const vifs_inventory *inv)
{
	const struct vifs_inv_info *info = vifs_inventory_info(inv);

	for (size_t i = 0; i < vifs_inventory_finding_count(inv); i++) {
		const struct vifs_inv_finding *f = vifs_inventory_finding(inv,
		    i);
		const char *sev = f->severity == VIFS_LINT_ERROR ? "error" :
		                                                   "warning";

		if (f->line && info->esxconf != NULL)
			msg_err("%s:%zu: %s: %s: %s", info->esxconf, f->line,
			    sev, f->rule, f->message);
		else
			msg_err("%s: %s: %s", sev, f->rule, f->message);
	}
}

int
cmd_inventory(int argc, char **argv)
{
	static const struct option own[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "upload", required_argument, NULL, OPT_UPLOAD },
		{ "publish", no_argument, NULL, OPT_PUBLISH },
		{ NULL, 0, NULL, 0 },
	};
	static const char shortopts[] = ":ho:q";
	struct option opts[AGENT_MAX_OPTIONS];
	struct agent_source src;
	struct agent_upload up;
	const char *output = NULL, *upload = NULL, *from = NULL;
	vifs_inventory *inv = NULL;
	char *xml = NULL, *published = NULL;
	int publish = 0;
	size_t len = 0;
	int c, quiet = 0, strict = 0, json = 0, status = AGENT_EXIT_FAIL;

	memset(&src, 0, sizeof(src));
	memset(&up, 0, sizeof(up));
	opterr = 0;
	agent_options(opts, own);
	/* vifs's connection options first: getopt_long cannot read them. */
	if ((argc = agent_upload_args(&up, argc, argv, opts, shortopts,
	         "inventory")) < 0) {
		status = AGENT_EXIT_USAGE;
		goto done;
	}
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (agent_source_option(&src, c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			status = AGENT_EXIT_OK;
			goto done;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_UPLOAD:
			upload = optarg;
			break;
		case OPT_PUBLISH:
			publish = 1;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "xml") != 0 &&
			    strcmp(optarg, "json") != 0) {
				status = msg_usage("inventory",
				    "--format: '%s' is neither xml nor json",
				    optarg);
				goto done;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case ':':
			status = msg_usage("inventory",
			    "option '%s' needs an argument", argv[optind - 1]);
			goto done;
		default:
			status = msg_usage("inventory", "unknown option '%s'",
			    argv[optind - 1]);
			goto done;
		}
	}
	if (optind < argc) {
		status = msg_usage("inventory", "unexpected argument '%s'",
		    argv[optind]);
		goto done;
	}
	if (publish && upload != NULL) {
		status = msg_usage("inventory",
		    "--publish and --upload exclude each other");
		goto done;
	}
	if (publish && json) {
		status = msg_usage("inventory",
		    "--publish places the XML that vifs reads: no --format "
		    "json");
		goto done;
	}
	if (publish) {
		if (vifs_publish_remote(&published) < 0) {
			status = msg_usage("inventory", "--publish: %s",
			    vifs_error_last());
			goto done;
		}
		upload = published;
		up.option = "--publish";
	}
	if (up.first_opt != NULL && upload == NULL) {
		status = msg_usage("inventory",
		    "'%s' is a connection option, for --upload and --publish "
		    "only",
		    up.first_opt);
		goto done;
	}
	if (from != NULL &&
	    (src.dump != NULL || src.sysfs != NULL || src.esxconf != NULL ||
	        src.map != NULL || src.nboot > 0 || src.ncoredump > 0)) {
		status = msg_usage("inventory",
		    "--from reads a finished inventory: no source or "
		    "analysis options");
		goto done;
	}
	if (agent_source_check(&src, "inventory") != 0) {
		status = AGENT_EXIT_USAGE;
		goto done;
	}
	if (output == NULL && upload == NULL)
		output = "-";
	/* Credentials are settled before the scan, and nothing goes on the
	 * network without --upload. */
	if (upload != NULL &&
	    (status = agent_upload_prepare(&up, upload, "inventory")) != 0)
		goto done;
	status = AGENT_EXIT_FAIL;
	if (from != NULL ? vifs_inventory_open(&inv, from) < 0 :
	                   agent_load(&inv, &src) < 0) {
		if (from != NULL)
			msg_lib();
		goto done;
	}
	if ((json ? vifs_inventory_write_json(&xml, &len, inv) :
	            vifs_inventory_write(&xml, &len, inv)) < 0 ||
	    (output != NULL &&
	        vifs_file_write_atomic(output, xml, len, 0644) < 0)) {
		msg_lib();
		goto done;
	}
	if (upload != NULL && agent_upload_put(&up, upload, xml, len) != 0)
		goto done;
	if (publish)
		msg_note("published on %s at %s", up.conn.base_url, published);
	if (!quiet)
		print_findings(inv);
	status = strict && vifs_inventory_errors(inv) > 0 ? AGENT_EXIT_FAIL :
	                                                    AGENT_EXIT_OK;
done:
	free(xml);
	free(published);
	vifs_inventory_free(inv);
	agent_upload_free(&up);
	return status;
}
