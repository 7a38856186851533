/*
 * fleet_cli.c - hosts, options, credentials and output of the fleet
 * commands of vifs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/fleet.h>
#include <vifs/hostlist.h>

#include "fleet_cli.h"
#include "msg.h"
#include "progress.h"
#include "tool.h"

#define BAR_MS 250
#define BAR_WIDTH 24
#define PARALLEL_MAX 4096

enum fleet_opt {
	OPT_SERVER,
	OPT_SERVERS,
	OPT_PARALLEL,
	OPT_HOST_TIMEOUT,
	OPT_FLEET,
};

/* The fleet options; --server here takes every occurrence. */
static const struct vifs_connect_optdef fleet_defs[] = {
	[OPT_SERVER] = { "server", 0, VIFS_CONNECT_VALUE, "VI_SERVER", NULL,
	    "A host; repeat for several" },
	[OPT_FLEET] = { "fleet", 0, VIFS_CONNECT_FLAG, NULL, NULL,
	    "Each --server adds a host (without it the last one wins, as in "
	    "VMware's vifs)" },
	[OPT_SERVERS] = { "servers", 0, VIFS_CONNECT_VALUE, "VI_SERVERS", NULL,
	    "File of hosts, one host[:port] a line, '#' comments; the "
	    "variable holds hosts separated by commas or blanks" },
	[OPT_PARALLEL] = { "parallel", 0, VIFS_CONNECT_VALUE, NULL, "32",
	    "Hosts worked on at once" },
	[OPT_HOST_TIMEOUT] = { "host-timeout", 0, VIFS_CONNECT_VALUE, NULL,
	    "300",
	    "Seconds one host may take for its whole job; 0 for no limit" },
};

#define NFLEET_DEFS (sizeof(fleet_defs) / sizeof(fleet_defs[0]))

static int tick(const struct vifs_fleet_stats *st, void *payload);

static int
push(const char ***v, size_t *n, const char *s)
{
	const char **p = realloc(*v, (*n + 1) * sizeof(**v));

	if (p == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	p[(*n)++] = s;
	*v = p;
	return 0;
}

int
fleet_cli_fleet_option(struct fleet_cli *fc, const char *family, int argc,
    char **argv)
{
	const char *value;
	size_t which;
	int n;

	n = vifs_connect_match(&which, &value, fleet_defs, NFLEET_DEFS, argc,
	    argv);
	if (n < 0) {
		tool_usagef(family, "%s", vifs_error_last());
		return -1;
	}
	if (n == 0)
		return 0;
	switch ((enum fleet_opt)which) {
	case OPT_SERVER:
		return push(&fc->servers, &fc->nservers, value) ? -1 : n;
	case OPT_SERVERS:
		return push(&fc->files, &fc->nfiles, value) ? -1 : n;
	case OPT_PARALLEL:
		fc->parallel = value;
		break;
	case OPT_HOST_TIMEOUT:
		fc->host_timeout = value;
		break;
	case OPT_FLEET:
		break; /* chose the fleet command: fleet_cli_wanted() */
	}
	return n;
}

int
fleet_cli_option(struct fleet_cli *fc, const char *family, int argc,
    char **argv)
{
	int n;

	if ((n = fleet_cli_fleet_option(fc, family, argc, argv)) != 0)
		return n;
	n = vifs_connect_parse_option(&fc->conn, argc, argv);
	if (n < 0) {
		tool_usagef(family, "%s", vifs_error_last());
		return -1;
	}
	return n;
}

int
fleet_cli_split(struct fleet_cli *fc, const char *family, int argc, char **argv,
    char ***rest, int *nrest)
{
	char **r;
	int n = 1, dashdash = 0;

	*rest = NULL;
	*nrest = 0;
	if ((r = calloc((size_t)argc + 1, sizeof(*r))) == NULL) {
		tool_errorf("out of memory");
		return TOOL_FAILED;
	}
	r[0] = argv[0];
	for (int i = 1; i < argc;) {
		int used = 0;

		if (strcmp(argv[i], "--") == 0)
			dashdash = 1;
		if (!dashdash &&
		    (used = fleet_cli_fleet_option(fc, family, argc - i,
		         argv + i)) < 0) {
			free(r);
			return TOOL_USAGE;
		}
		if (used > 0) {
			i += used;
			continue;
		}
		r[n++] = argv[i++];
	}
	*rest = r;
	*nrest = n;
	return TOOL_OK;
}

int
fleet_cli_wanted(int argc, char **argv)
{
	int url = 0, server = 0;
	const char *env;

	for (int i = 1; i < argc; i++) {
		const char *value;
		size_t which;
		int n;

		if (strcmp(argv[i], "--") == 0)
			break;
		n = vifs_connect_match(&which, &value, fleet_defs, NFLEET_DEFS,
		    argc - i, argv + i);
		if (n > 0) {
			if (which != OPT_SERVER)
				return 1;
			server = 1;
			i += n - 1;
			continue;
		}
		if (strcmp(argv[i], "--url") == 0 ||
		    strncmp(argv[i], "--url=", 6) == 0 ||
		    strcmp(argv[i], "-url") == 0)
			url = 1;
	}
	/* --server repeated is one host, the last (VMware's vifs); a
	 * fleet needs --servers, VI_SERVERS or --fleet. */
	env = getenv("VI_SERVERS");
	return !server && !url && env != NULL && *env != '\0';
}

int
fleet_cli_subcommand(int argc, char **argv)
{
	const struct vifs_connect_optdef *conn;
	size_t nconn;

	conn = vifs_connect_optdefs(&nconn);
	for (int i = 1; i < argc;) {
		const char *value;
		size_t which;
		int n;

		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			return strcmp(argv[i], "audit") == 0 ||
			        strcmp(argv[i], "cfgbackup") == 0 ||
			        strcmp(argv[i], "conf") == 0 ||
			        strcmp(argv[i], "passthru") == 0 ?
			    i :
			    0;
		n = vifs_connect_match(&which, &value, fleet_defs, NFLEET_DEFS,
		    argc - i, argv + i);
		if (n == 0)
			n = vifs_connect_match(&which, &value, conn, nconn,
			    argc - i, argv + i);
		if (n <= 0)
			return 0; /* an option of vifs's own, or an error */
		i += n;
	}
	return 0;
}

/* --- setup ------------------------------------------------------------ */

static void
note(void *payload, const struct vifs_connect_note *n)
{
	const struct fleet_cli *fc = payload;

	if (n->level == VIFS_CONNECT_INFO && !fc->verbose)
		return;
	tool_warnf("%s", n->text);
}

static void
trace_stderr(void *payload, const char *line)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

/* Reads a count of N from TEXT into *out; -1 when it is none. */
static int
parse_count(long *out, const char *text, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
collect_hosts(struct fleet_cli *fc, const char *family)
{
	const char *env;
	unsigned dport = 443;
	long port;

	if (fc->c.opts.protocol != NULL &&
	    strcasecmp(fc->c.opts.protocol, "http") == 0)
		dport = 80;
	if (fc->conn.portnumber != NULL &&
	    parse_count(&port, fc->conn.portnumber, 1, 65535) == 0)
		dport = (unsigned)port;
	if (vifs_hostlist_new(&fc->hosts, dport) < 0)
		return tool_liberror();
	for (size_t i = 0; i < fc->nservers; i++)
		if (vifs_hostlist_add(fc->hosts, fc->servers[i], NULL) < 0)
			return tool_usagef(family, "--server: %s",
			    vifs_error_last());
	for (size_t i = 0; i < fc->nfiles; i++)
		if (vifs_hostlist_load(fc->hosts, fc->files[i]) < 0)
			return tool_usagef(family, "--servers: %s",
			    vifs_error_last());
	if (fc->nservers == 0 && fc->nfiles == 0 &&
	    (env = getenv("VI_SERVERS")) != NULL &&
	    vifs_hostlist_add_words(fc->hosts, env) < 0)
		return tool_usagef(family, "VI_SERVERS: %s", vifs_error_last());
	if (vifs_hostlist_count(fc->hosts) == 0)
		return tool_usagef(family,
		    "no hosts: give --server (with --fleet repeatable), "
		    "--servers FILE or VI_SERVERS");
	return TOOL_OK;
}

/*
 * The user and password of host E from the credential store CS (may be
 * NULL): under "host:port" first, then "host".  USER is the user already
 * known, or NULL.  *pw is a secret.
 */
static void
from_store(vifs_credstore *cs, const struct vifs_hostlist_entry *e,
    const char *user, char **out_user, char **out_pw)
{
	const char *keys[2] = { e->name, e->host };

	*out_user = NULL;
	*out_pw = NULL;
	if (cs == NULL)
		return;
	for (size_t k = 0; k < 2 && *out_pw == NULL; k++) {
		char *u = NULL, *pw = NULL;

		if (k == 1 && strcmp(keys[0], keys[1]) == 0)
			break;
		if (user == NULL &&
		    (vifs_credstore_get_user(&u, cs, keys[k]) < 0 || u == NULL))
			continue;
		if (vifs_credstore_get_password(&pw, cs, keys[k],
		        user ? user : u) < 0 ||
		    pw == NULL) {
			free(u);
			continue;
		}
		*out_user = u;
		*out_pw = pw;
	}
}

/* The credential store to read: --credstore, or the default when it
 * exists; NULL when there is none. */
static vifs_credstore *
open_store(const struct fleet_cli *fc)
{
	vifs_credstore *cs = NULL;
	char *path = NULL;

	if (fc->c.opts.credstore != NULL) {
		if (access(fc->c.opts.credstore, R_OK) != 0) {
			tool_warnf("--credstore %s: %s", fc->c.opts.credstore,
			    strerror(errno));
			return NULL;
		}
		path = strdup(fc->c.opts.credstore);
	} else if (vifs_credstore_default_path(&path) == 0 &&
	    access(path, R_OK) != 0) {
		free(path);
		path = NULL;
	}
	if (path == NULL)
		return NULL;
	if (vifs_credstore_new(&cs, path) < 0)
		cs = NULL;
	free(path);
	return cs;
}

/* Base URL of host E under the shared settings. */
static char *
base_url(const struct fleet_cli *fc, const struct vifs_hostlist_entry *e)
{
	char port[16], *url = NULL;
	const char *p = fc->c.opts.portnumber;

	if (e->port != 0) {
		snprintf(port, sizeof(port), "%u", e->port);
		p = port;
	}
	if (vifs_connect_base_url(&url, fc->c.opts.protocol, e->host, p) < 0)
		return NULL;
	return url;
}

/* Adds every host to F with its URL and credentials. */
static int
add_hosts(struct fleet_cli *fc, vifs_fleet *f)
{
	const char *user = fc->c.opts.username, *pw = fc->c.opts.password;
	vifs_credstore *cs = NULL;
	size_t n = vifs_hostlist_count(fc->hosts), missing = 0;
	int rc = TOOL_OK;

	/* Credentials of the command line, environment or --config go to
	 * every host; otherwise each host's come from the store. */
	if (user == NULL || pw == NULL)
		cs = open_store(fc);
	for (size_t i = 0; i < n && rc == TOOL_OK; i++) {
		const struct vifs_hostlist_entry
		    *e = vifs_hostlist_get(fc->hosts, i);
		struct vifs_fleet_target t;
		char *url, *su = NULL, *spw = NULL;

		if ((url = base_url(fc, e)) == NULL) {
			tool_errorf("%s: %s", e->name, vifs_error_last());
			rc = TOOL_FAILED;
			break;
		}
		memset(&t, 0, sizeof(t));
		t.name = e->name;
		t.base_url = url;
		if (user == NULL || pw == NULL) {
			from_store(cs, e, user, &su, &spw);
			t.username = su;
			t.password = spw;
			if (spw == NULL)
				missing++;
		}
		if (vifs_fleet_add(f, &t) < 0)
			rc = tool_liberror();
		free(url);
		free(su);
		vifs_credstore_secret_free(spw);
	}
	vifs_credstore_free(cs);
	if (rc != TOOL_OK || missing == 0 || (user != NULL && pw != NULL))
		return rc;
	/* Hosts the store does not know: ask once, for all of them. */
	if (user == NULL &&
	    vifs_connect_prompt_tty(NULL, &fc->prompted_user,
	        "Enter username: ", 1) < 0)
		fc->prompted_user = NULL;
	if ((user != NULL || fc->prompted_user != NULL) &&
	    vifs_connect_prompt_tty(NULL, &fc->prompted_password,
	        "Enter password: ", 0) < 0)
		fc->prompted_password = NULL;
	if (progress_stopped())
		return TOOL_FAILED;
	if ((fc->prompted_user != NULL || fc->prompted_password != NULL) &&
	    vifs_fleet_set_credentials(f, user ? user : fc->prompted_user,
	        fc->prompted_password) < 0)
		return tool_liberror();
	return TOOL_OK;
}

int
fleet_cli_setup(struct fleet_cli *fc, const char *family, vifs_fleet **out,
    const struct vifs_fleet_opts *job)
{
	struct vifs_connect_hooks hooks;
	struct vifs_fleet_opts o;
	long v;
	int rc;

	*out = NULL;
	fc->verbose = fc->conn.verbose_given;
	if (fc->conn.url != NULL)
		return tool_usagef(family,
		    "--url names one host; for several give --server, "
		    "--servers or VI_SERVERS (with --protocol and "
		    "--portnumber)");
	if (fc->conn.sessionfile != NULL)
		return tool_usagef(family,
		    "--sessionfile is one host's session; a fleet logs in to "
		    "each host with its credentials");
	memset(&hooks, 0, sizeof(hooks));
	hooks.note = note;
	hooks.payload = fc;
	if (vifs_connect_resolve(&fc->c, &fc->conn, 0, &hooks) < 0) {
		int code = vifs_error_last_code();

		tool_liberror();
		return code == VIFS_EINVAL ? TOOL_USAGE : TOOL_FAILED;
	}
	if ((rc = collect_hosts(fc, family)) != TOOL_OK)
		return rc;
	o = *job;
	o.parallel = VIFS_FLEET_PARALLEL_DEFAULT;
	if (fc->parallel != NULL) {
		if (parse_count(&v, fc->parallel, 1, PARALLEL_MAX) < 0)
			return tool_usagef(family,
			    "--parallel: '%s' is not a number of hosts "
			    "(1-%d)",
			    fc->parallel, PARALLEL_MAX);
		o.parallel = (unsigned)v;
	}
	o.host_timeout_ms = FLEET_HOST_TIMEOUT_DEFAULT * 1000L;
	if (fc->host_timeout != NULL) {
		if (parse_count(&v, fc->host_timeout, 0, 1000000) < 0)
			return tool_usagef(family,
			    "--host-timeout: '%s' is not a number of seconds",
			    fc->host_timeout);
		o.host_timeout_ms = v * 1000L;
	}
	if (fc->c.opts.protocol != NULL &&
	    strcasecmp(fc->c.opts.protocol, "http") == 0)
		tool_warnf("plain http (--protocol http): passwords cross the "
		           "network in cleartext: anyone on the network path "
		           "can read them and log in to the hosts; use https");
	if (fc->c.opts.insecure) {
		o.insecure = 1;
		tool_warnf("--insecure: certificates are not checked: anyone "
		           "on the network path can read and change what is "
		           "sent, passwords included");
	} else {
		/* CA file and pin are both enforced (vifs_connect_open). */
		if (fc->c.opts.cacertsfile != NULL) {
			if (access(fc->c.opts.cacertsfile, R_OK) != 0) {
				tool_errorf("--cacertsfile %s: %s",
				    fc->c.opts.cacertsfile, strerror(errno));
				return TOOL_FAILED;
			}
			o.cacert_file = fc->c.opts.cacertsfile;
		}
		if (fc->c.opts.thumbprint != NULL)
			o.thumbprint = fc->c.opts.thumbprint;
		else
			o.known_hosts = fc->c.known_hosts;
	}
	o.connect_timeout_ms = fc->c.timeout_secs * 1000;
	o.low_speed_secs = fc->c.timeout_secs;
	o.get_retries = VIFS_HTTP_RETRIES_DEFAULT;
	if (fc->verbose)
		o.trace = trace_stderr;
	o.username = fc->c.opts.username;
	o.password = fc->c.opts.password;
	o.tick = tick;
	o.tick_payload = fc;
	if (vifs_fleet_new(out, &o) < 0)
		return tool_liberror();
	if ((rc = add_hosts(fc, *out)) != TOOL_OK) {
		vifs_fleet_free(*out);
		*out = NULL;
	}
	return rc;
}

/* --- output ------------------------------------------------------------ */

static void
bar_clear(struct fleet_cli *fc)
{
	if (!fc->bar_drawn)
		return;
	fputs("\r\033[K", fc->bar_out);
	fc->bar_drawn = 0;
}

static void
bar_draw(struct fleet_cli *fc, const struct vifs_fleet_stats *st)
{
	FILE *out = fc->bar_out;
	size_t done = st->ok + st->failed + st->skipped;
	double secs = (double)st->elapsed_ms / 1000.0;
	double rate = secs > 0 ? (double)done / secs : 0;
	size_t fill = st->total ? done * BAR_WIDTH / st->total : 0;
	char eta[32] = "?";

	if (rate > 0 && done < st->total)
		snprintf(eta, sizeof(eta), "%.0f s",
		    (double)(st->total - done) / rate);
	else if (done >= st->total)
		snprintf(eta, sizeof(eta), "0 s");
	fputs("\r[", out);
	for (size_t i = 0; i < BAR_WIDTH; i++)
		fputc(i < fill ? '=' : ' ', out);
	fprintf(out, "] %zu/%zu hosts, %zu failed, %.1f hosts/s, ETA %s\033[K",
	    done, st->total, st->failed, rate, eta);
	fflush(out);
	fc->bar_drawn = 1;
}

/* Writes a piece of the JSON document (freed here) to standard output;
 * ERROR is that of making it.  Returns -1 once anything failed. */
static int
json_piece(int *failed, char *text, int error)
{
	if (error < 0) {
		if (!*failed)
			tool_liberror();
		*failed = 1;
	} else if (!*failed && tool_write_stdout(text, strlen(text)) != 0) {
		*failed = 1;
	}
	free(text);
	return *failed ? -1 : 0;
}

/* Fills R with what the fleet knows of H, and OP's facts. */
static void
facts_of(struct vifs_fleet_result *r, vifs_fleet_host *h,
    const struct vifs_fleet_result *op)
{
	memset(r, 0, sizeof(*r));
	if (op != NULL)
		*r = *op;
	r->name = vifs_fleet_host_name(h);
	r->state = vifs_fleet_host_state(h);
	r->error = vifs_fleet_host_error(h);
	r->reason = vifs_fleet_host_reason(h);
	r->http_status = vifs_fleet_host_http_status(h);
}

void
fleet_cli_result(struct fleet_cli *fc, vifs_fleet_host *h, const char *word,
    const char *detail, const struct vifs_fleet_result *op)
{
	enum vifs_fleet_state state = vifs_fleet_host_state(h);

	bar_clear(fc);
	if (fc->json) {
		struct vifs_fleet_result r;
		char *text = NULL;
		int error;

		facts_of(&r, h, op);
		r.detail = state == VIFS_FLEET_OK ? detail : NULL;
		error = vifs_fleet_results_host(&text, fc->json_hosts, &r);
		if (json_piece(&fc->json_failed, text, error) == 0)
			fc->json_hosts++;
		return;
	}
	if (state == VIFS_FLEET_SKIPPED)
		return; /* counted in the summary */
	if (word == NULL) {
		printf("%s ok\n", vifs_fleet_host_name(h));
	} else {
		if (detail == NULL)
			detail = vifs_fleet_host_reason(h);
		printf("%s %s: %s\n", vifs_fleet_host_name(h), word, detail);
	}
	fflush(stdout);
}

int
fleet_cli_json_one(const char *command, const struct vifs_fleet_result *r,
    int64_t elapsed_ms)
{
	struct vifs_fleet_stats st;
	char *text = NULL;
	int failed = 0;

	memset(&st, 0, sizeof(st));
	st.total = 1;
	st.ok = r->state == VIFS_FLEET_OK;
	st.failed = r->state == VIFS_FLEET_FAILED;
	st.skipped = r->state == VIFS_FLEET_SKIPPED;
	st.elapsed_ms = elapsed_ms;
	if (json_piece(&failed, text,
	        vifs_fleet_results_start(&text, command)) < 0 ||
	    json_piece(&failed, text, vifs_fleet_results_host(&text, 0, r)) <
	        0 ||
	    json_piece(&failed, text, vifs_fleet_results_end(&text, &st)) < 0)
		return TOOL_FAILED;
	return TOOL_OK;
}

/* TICK of every fleet command: the bar, and the stop signals. */
static int
tick(const struct vifs_fleet_stats *st, void *payload)
{
	struct fleet_cli *fc = payload;
	int64_t t = progress_now_ms();

	if (progress_stopped())
		return 1;
	if (fc->bar && t - fc->bar_last_ms >= BAR_MS) {
		fc->bar_last_ms = t;
		bar_draw(fc, st);
	}
	return 0;
}

/* The summary: a line, or the end of the JSON document. */
static void
summary(struct fleet_cli *fc, const struct vifs_fleet_stats *st)
{
	char *text = NULL;

	if (fc->json) {
		json_piece(&fc->json_failed, text,
		    vifs_fleet_results_end(&text, st));
		return;
	}
	if (fc->drift > 0)
		printf("%zu hosts: %zu ok, %zu drift, %zu failed, %zu skipped "
		       "in %.1f s\n",
		    st->total, st->ok - fc->drift, fc->drift, st->failed,
		    st->skipped, (double)st->elapsed_ms / 1000.0);
	else
		printf("%zu hosts: %zu ok, %zu failed, %zu skipped in %.1f s\n",
		    st->total, st->ok, st->failed, st->skipped,
		    (double)st->elapsed_ms / 1000.0);
	fflush(stdout);
}

int
fleet_cli_run(struct fleet_cli *fc, vifs_fleet *f)
{
	struct vifs_fleet_stats st;
	char *text = NULL;
	int error;

	/* The bar never mixes with the document on standard output. */
	fc->bar_out = fc->json ? stderr : stdout;
	fc->bar = isatty(fileno(fc->bar_out)) && !fc->verbose;
	progress_catch_signals();
	if (fc->json)
		json_piece(&fc->json_failed, text,
		    vifs_fleet_results_start(&text, fc->command));
	error = vifs_fleet_run(f);
	bar_clear(fc);
	vifs_fleet_stats(f, &st);
	summary(fc, &st);
	if (error < 0)
		tool_liberror();
	if (progress_stopped())
		tool_errorf("stopped by a signal; %zu hosts were not started",
		    st.skipped);
	return error < 0 || st.failed > 0 || st.skipped > 0 || fc->drift > 0 ||
	        fc->json_failed ?
	    TOOL_FAILED :
	    TOOL_OK;
}

void
fleet_cli_free(struct fleet_cli *fc)
{
	free(fc->servers);
	free(fc->files);
	vifs_hostlist_free(fc->hosts);
	vifs_connect_free(&fc->c);
	free(fc->prompted_user);
	vifs_connect_secret_free(fc->prompted_password);
	memset(fc, 0, sizeof(*fc));
}

int
fleet_cli_hide_password(struct fleet_cli *fc, char **copy, int argc,
    char **argv)
{
	const char *pw = fc->conn.password;

	*copy = NULL;
	if (pw == NULL)
		return 0;
	if ((*copy = strdup(pw)) == NULL) {
		tool_errorf("out of memory");
		return -1;
	}
	/* Every --password given, not only the one in use. */
	vifs_connect_wipe_passwords(argc - 1, argv + 1);
	fc->conn.password = *copy;
	return 0;
}

void
fleet_cli_usage(FILE *f)
{
	fputs("  --server HOST[:PORT]     a host; repeat it for several (the\n"
	      "                           options of VMware's vifs need\n"
	      "                           --fleet for that)\n"
	      "  --fleet                  run VMware's vifs options as a "
	      "fleet\n"
	      "                           command (DIR/HOST/ for --get)\n"
	      "  --servers FILE           hosts, one host[:port] a line, '#'\n"
	      "                           comments (or VI_SERVERS: hosts\n"
	      "                           separated by commas or blanks)\n"
	      "  --parallel N             hosts worked on at once (default "
	      "32)\n"
	      "  --host-timeout SECS      limit of one host's whole job\n"
	      "                           (default 300; 0: none)\n",
	    f);
}
