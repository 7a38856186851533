/*
 * conn.c - the vifs command's side of <vifs/connect.h>: prompts that a
 * stop signal interrupts (the user name on standard input as VILib reads
 * it, the password on the terminal), the vSphere CLI's messages as
 * the Perl tools print them, --verbose traces on standard error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/error.h>
#include <vifs/http.h>

#include "conn.h"
#include "msg.h"
#include "progress.h"

/*
 * A prompt with echo (the user name), as VILib asks it: the prompt on
 * standard output, the answer one line of standard input, terminal or
 * not.  Reads byte by byte so that nothing after the line is taken.
 */
static int
prompt_stdin(char **out, const char *prompt)
{
	char line[1024];
	size_t n = 0;
	int eof = 1;

	*out = NULL;
	fputs(prompt, stdout);
	fflush(stdout);
	for (;;) {
		char ch;
		ssize_t r = read(STDIN_FILENO, &ch, 1);

		if (r < 0 && errno == EINTR && !progress_stopped())
			continue;
		if (r <= 0)
			break;
		if (ch == '\n') {
			eof = 0;
			break;
		}
		if (n + 1 >= sizeof(line))
			return vifs_error_set(VIFS_EINVAL,
			    "the answer to '%s' is too long", prompt);
		line[n++] = ch;
	}
	if (eof && n == 0)
		return vifs_error_set(VIFS_ENOTFOUND, "no answer");
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	if ((*out = strdup(line)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	return 0;
}

/* The prompts: the user name on standard input, the password on the
 * terminal with echo off; a stop signal that arrived while it waited
 * stops the resolution. */
static int
prompt_cb(void *payload, char **out, const char *prompt, int echo)
{
	int error = echo ? prompt_stdin(out, prompt) :
	                   vifs_connect_prompt_tty(payload, out, prompt, echo);

	if (progress_stopped()) {
		vifs_connect_secret_free(*out);
		*out = NULL;
		return vifs_error_set(VIFS_ERROR, "interrupted");
	}
	return error;
}

/* The library's notes, in the words and layout of the vSphere CLI. */
static void
note_cb(void *payload, const struct vifs_connect_note *n)
{
	(void)payload;
	switch (n->code) {
	case VIFS_CONNECT_NOTE_CONFIG_UNREADABLE:
		fprintf(stderr, "\nWarning: Unable to open file '%s'.\n",
		    n->subject);
		break;
	case VIFS_CONNECT_NOTE_CONFIG_EMPTY:
		fprintf(stderr, "\nWarning : The file exists but is empty.\n");
		break;
	case VIFS_CONNECT_NOTE_CREDSTORE_MISSING:
		fprintf(stderr,
		    "Note: credential store file '%s' does not exist \n",
		    n->subject);
		break;
	case VIFS_CONNECT_NOTE_CREDSTORE_UNREADABLE:
		fprintf(stderr,
		    "Note: credential store file '%s' is not readable.\n",
		    n->subject);
		break;
	case VIFS_CONNECT_NOTE_CREDSTORE_DEFAULT_UNREADABLE:
		fprintf(stderr,
		    "Note: Default credential store file is not readable.\n");
		break;
	case VIFS_CONNECT_NOTE_CREDSTORE_ERROR:
		fprintf(stderr, "Error ::  %s\n", n->text);
		break;
	case VIFS_CONNECT_NOTE_INSECURE:
	case VIFS_CONNECT_NOTE_CLEARTEXT:
		tool_warnf("%s", n->text);
		break;
	default:
		fprintf(stderr, "%s: %s\n", tool_progname, n->text);
		break;
	}
}

static void
trace_stderr(void *payload, const char *line)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

static const struct vifs_connect_hooks hooks = {
	prompt_cb,
	note_cb,
	trace_stderr,
	NULL,
};

/* Struct conn is struct vifs_connect under the names of the commands. */
static void
to_conn(struct conn *c, const struct vifs_connect *v)
{
	c->opts = v->opts;
	c->base_url = v->base_url;
	c->lookup_server = v->lookup_server;
	c->username = v->username;
	c->password = v->password;
	c->cookie = v->cookie;
	c->known_hosts = v->known_hosts;
	c->timeout_secs = v->timeout_secs;
	c->cfg = v->cfg;
	c->deadline_secs = v->deadline_secs;
}

static void
from_conn(struct vifs_connect *v, const struct conn *c)
{
	v->opts = c->opts;
	v->base_url = c->base_url;
	v->lookup_server = c->lookup_server;
	v->username = c->username;
	v->password = c->password;
	v->cookie = c->cookie;
	v->known_hosts = c->known_hosts;
	v->timeout_secs = c->timeout_secs;
	v->cfg = c->cfg;
	v->deadline_secs = c->deadline_secs;
}

int
conn_resolve(struct conn *c, const struct conn_opts *cmdline, unsigned flags)
{
	struct vifs_connect v;
	int error;

	error = vifs_connect_resolve(&v, cmdline,
	    ((flags & CONN_CREDENTIALS) ? VIFS_CONNECT_CREDENTIALS : 0) |
	        ((flags & CONN_SAVE_SESSION) ? VIFS_CONNECT_SAVE_SESSION : 0),
	    &hooks);
	to_conn(c, &v);
	if (error == 0)
		return CONN_OK;
	if (error == VIFS_EAUTH && (flags & CONN_CREDENTIALS))
		return CONN_NO_CREDENTIALS;
	if (!progress_stopped()) /* ^C at a prompt: no more words */
		tool_liberror();
	return CONN_FAILED;
}

int
conn_open(vifs_http **out, const struct conn *c, vifs_http_progress_fn fn,
    void *payload)
{
	struct vifs_connect v;

	from_conn(&v, c);
	if (vifs_connect_open(out, &v, &hooks, fn, payload) < 0)
		return tool_liberror();
	return CONN_OK;
}

void
conn_free(struct conn *c)
{
	struct vifs_connect v;

	from_conn(&v, c);
	vifs_connect_free(&v);
	memset(c, 0, sizeof(*c));
}

int
conn_prompt(char **out, const char *prompt, int echo)
{
	return vifs_connect_prompt_tty(NULL, out, prompt, echo) < 0 ? -1 : 0;
}

void
conn_secret_free(char *s)
{
	vifs_connect_secret_free(s);
}

int
conn_base_url(char **out, const char *protocol, const char *server,
    const char *port)
{
	if (vifs_connect_base_url(out, protocol, server, port) < 0) {
		tool_liberror();
		return -1;
	}
	return 0;
}
