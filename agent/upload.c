/*
 * upload.c - `vifs-agent inventory --upload REMOTE`: vifs's connection
 * options on the agent's command line, resolved by the library, and the
 * document PUT to the host's file service.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/remotepath.h>

#include "msg.h"
#include "upload.h"

/* Returns 1 when the command's own option A (of LONGOPTS / SHORTOPTS, as
 * getopt_long reads them) takes the next argument as its value. */
static int
own_value_follows(const char *a, const struct option *longopts,
    const char *shortopts)
{
	const struct option *hit = NULL;
	const char *name, *s;
	size_t len;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	if (a[1] != '-') {
		/* A cluster of letters: the value follows the one that
		 * takes it, or is the next argument when it ends A. */
		for (const char *p = a + 1; *p != '\0'; p++) {
			if (*p == ':' || (s = strchr(shortopts, *p)) == NULL)
				return 0;
			if (s[1] == ':')
				return s[2] != ':' && p[1] == '\0';
		}
		return 0;
	}
	name = a + 2;
	if (strchr(name, '=') != NULL)
		return 0;
	len = strlen(name);
	/* An exact name, else a prefix of only one name, as getopt_long. */
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o->has_arg == required_argument;
	for (const struct option *o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (hit != NULL)
			return 0;
		hit = o;
	}
	return hit != NULL && hit->has_arg == required_argument;
}

/* Copies the --password value just parsed from ARGV's N elements and
 * wipes it there. */
static int
hide_password(struct agent_upload *u, char **argv, int n)
{
	const char *pw = u->opts.password;

	for (int k = 0; k < n; k++) {
		/* Addresses as integers: the value lies in one of the
		 * elements ("--password=V" points into it). */
		uintptr_t a = (uintptr_t)argv[k], p = (uintptr_t)pw;

		if (p < a || p > a + strlen(argv[k]))
			continue;
		vifs_connect_secret_free(u->password);
		if ((u->password = strdup(pw)) == NULL)
			return -1;
		memset(argv[k] + (p - a), 0, strlen(pw));
		u->opts.password = u->password;
		return 0;
	}
	return 0;
}

int
agent_upload_args(struct agent_upload *u, int argc, char **argv,
    const struct option *longopts, const char *shortopts, const char *command)
{
	int i = 1, out = 1;

	while (i < argc) {
		const char *pw = u->opts.password;
		int n;

		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		n = vifs_connect_parse_option(&u->opts, argc - i, argv + i);
		if (n < 0) {
			msg_usage(command, "%s", vifs_error_last());
			return -1;
		}
		if (n > 0) {
			if (u->first_opt == NULL)
				u->first_opt = argv[i];
			if (u->opts.password != pw &&
			    hide_password(u, argv + i, n) < 0) {
				msg_err("out of memory");
				return -1;
			}
			i += n;
			continue;
		}
		n = own_value_follows(argv[i], longopts, shortopts) &&
		        i + 1 < argc ?
		    2 :
		    1;
		while (n-- > 0)
			argv[out++] = argv[i++];
	}
	argv[out] = NULL;
	return out;
}

void
agent_upload_usage(FILE *f)
{
	const struct vifs_connect_optdef *d;
	size_t n;

	fputs("Upload:\n"
	      "      --upload REMOTE      put the document on an ESXi host: "
	      "/tmp/FILE,\n"
	      "                           \"[DATASTORE] PATH\" or /host/FILE; "
	      "with these options\n"
	      "                           of vifs(1), each also from the "
	      "variable shown, a\n"
	      "                           --config file or the credential "
	      "store:\n",
	    f);
	d = vifs_connect_optdefs(&n);
	for (size_t i = 0; i < n; i++) {
		int w;

		if (d[i].letter)
			fprintf(f, "  -%c, ", d[i].letter);
		else
			fputs("      ", f);
		w = fprintf(f, "--%s%s", d[i].name,
		    d[i].kind == VIFS_CONNECT_FLAG         ? "" :
		        d[i].kind == VIFS_CONNECT_OPTVALUE ? " [N]" :
		                                             " ARG");
		if (d[i].env != NULL)
			fprintf(f, "%*s%s", w < 21 ? 21 - w : 1, "", d[i].env);
		fputc('\n', f);
	}
}

/* --- notes, traces, prompts ------------------------------------------- */

static void
note_cb(void *payload, const struct vifs_connect_note *n)
{
	(void)payload;
	if (n->level == VIFS_CONNECT_WARNING)
		msg_warn("%s", n->text);
	else
		msg_note("%s", n->text);
}

static void
trace_cb(void *payload, const char *line)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

/*
 * The terminal prompt, with the stop signals caught while it waits (so
 * that the terminal gets its echo back); a signal that came then ends
 * the program as it would have.
 */
static int
prompt_cb(void *payload, char **out, const char *prompt, int echo)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old[sizeof(sigs) / sizeof(sigs[0])];
	int error, caught[sizeof(sigs) / sizeof(sigs[0])];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: the read stops */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		caught[i] = sigaction(sigs[i], NULL, &old[i]) == 0 &&
		    old[i].sa_handler != SIG_IGN &&
		    sigaction(sigs[i], &sa, NULL) == 0;
	}
	error = vifs_connect_prompt_tty(payload, out, prompt, echo);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (caught[i])
			sigaction(sigs[i], &old[i], NULL);
	if (stop_signal != 0) {
		vifs_connect_secret_free(*out);
		*out = NULL;
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
		return vifs_error_set(VIFS_ERROR, "interrupted");
	}
	return error;
}

static void
hooks_init(struct vifs_connect_hooks *h)
{
	memset(h, 0, sizeof(*h));
	/* Only a person at a terminal is asked. */
	if (isatty(STDIN_FILENO))
		h->prompt = prompt_cb;
	h->note = note_cb;
	h->trace = trace_cb;
}

/* --- the upload --------------------------------------------------------- */

static const char *
last_error(void)
{
	const char *m = vifs_error_last();

	return *m ? m : vifs_strerror(vifs_error_last_code());
}

/* The option the messages name: --upload or --publish. */
static const char *
opt_name(const struct agent_upload *u)
{
	return u->option != NULL ? u->option : "--upload";
}

int
agent_upload_prepare(struct agent_upload *u, const char *remote,
    const char *command)
{
	struct vifs_connect_hooks hooks;
	const char *p;

	if (vifs_remotepath_parse(&u->rp, remote) < 0)
		return msg_usage(command, "%s: %s", opt_name(u), last_error());
	p = u->rp->path;
	if (*p == '\0' || p[strlen(p) - 1] == '/')
		return msg_usage(command,
		    "%s: '%s' names a directory, not the file to write",
		    opt_name(u), remote);
	hooks_init(&hooks);
	if (vifs_connect_resolve(&u->conn, &u->opts, VIFS_CONNECT_CREDENTIALS,
	        &hooks) < 0) {
		msg_err("%s %s: %s", opt_name(u), remote, last_error());
		return AGENT_EXIT_FAIL;
	}
	return AGENT_EXIT_OK;
}

int
agent_upload_put(struct agent_upload *u, const char *remote, const void *data,
    size_t len)
{
	struct vifs_connect_hooks hooks;
	vifs_http *h = NULL;
	char *url = NULL;
	int status = AGENT_EXIT_OK;

	hooks_init(&hooks);
	if (vifs_remotepath_url(&url, u->rp, u->conn.base_url, 0) < 0 ||
	    vifs_connect_open(&h, &u->conn, &hooks, NULL, NULL) < 0 ||
	    vifs_http_put_buf(h, url + strlen(u->conn.base_url), data, len) <
	        0) {
		msg_err("%s %s: %s", opt_name(u), remote, last_error());
		status = AGENT_EXIT_FAIL;
	}
	vifs_http_free(h);
	free(url);
	return status;
}

void
agent_upload_free(struct agent_upload *u)
{
	vifs_remotepath_free(u->rp);
	vifs_connect_free(&u->conn);
	vifs_connect_secret_free(u->password);
	memset(u, 0, sizeof(*u));
}
