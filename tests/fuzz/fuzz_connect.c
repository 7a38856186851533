/*
 * fuzz_connect.c - the connection options: the command-line parser, the
 * fill from VI_* settings and the base URL.
 *
 * The input is split at newlines into words, read as a command line the
 * way a program's option loop reads it.  Invariants checked besides
 * memory safety: the parser uses 0, 1 or 2 words and never more than
 * there are, leaves a message when it refuses, and every value it stores
 * points into the words; a base URL that is made starts with its scheme
 * and holds the server.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/connect.h>
#include <vifs/error.h>

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct words {
	char *argv[MAX_WORDS + 1];
	int argc;
};

/* Returns 1 when P is NULL or points into one of W's words. */
static int
borrowed(const struct words *w, const char *p)
{
	uintptr_t a = (uintptr_t)p;

	if (p == NULL)
		return 1;
	for (int i = 0; i < w->argc; i++) {
		uintptr_t b = (uintptr_t)w->argv[i];

		if (a >= b && a <= b + strlen(w->argv[i]))
			return 1;
	}
	return 0;
}

static void
check_borrowed(const struct words *w, const struct vifs_connect_opts *o)
{
	const char *const v[] = { o->config, o->protocol, o->server,
		o->portnumber, o->servicepath, o->url, o->username, o->password,
		o->credstore, o->sessionfile, o->savesessionfile,
		o->cacertsfile, o->thumbprint, o->known_hosts, o->encoding,
		o->passthroughauthpackage, o->timeout };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!borrowed(w, v[i]))
			abort();
	/* --verbose's bare value is a literal "". */
	if (o->verbose != NULL && *o->verbose != '\0' &&
	    !borrowed(w, o->verbose))
		abort();
}

/* Words "NAME=VALUE" are settings for vifs_connect_fill(). */
static const char *
get_word(const char *name, void *payload)
{
	const struct words *w = payload;
	size_t n = strlen(name);

	for (int i = 0; i < w->argc; i++)
		if (strncmp(w->argv[i], name, n) == 0 && w->argv[i][n] == '=')
			return w->argv[i] + n + 1;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vifs_connect_opts o;
	struct words w;
	char *text, *p, *url = NULL;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&w, 0, sizeof(w));
	for (p = text; w.argc < MAX_WORDS;) {
		char *nl = strchr(p, '\n');

		w.argv[w.argc++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}

	memset(&o, 0, sizeof(o));
	for (int i = 0; i < w.argc;) {
		int n = vifs_connect_parse_option(&o, w.argc - i, w.argv + i);

		if (n > 2 || n > w.argc - i)
			abort();
		if (n < 0 && *vifs_error_last() == '\0')
			abort();
		i += n > 0 ? n : 1;
	}
	check_borrowed(&w, &o);
	vifs_connect_fill(&o, get_word, &w);
	check_borrowed(&w, &o);

	if (w.argc >= 2) {
		const char *port = w.argc >= 3 ? w.argv[2] : NULL;

		if (vifs_connect_base_url(&url, w.argv[0], w.argv[1], port) ==
		    0) {
			if ((strncmp(url, "https://", 8) != 0 &&
			        strncmp(url, "http://", 7) != 0) ||
			    strstr(url, w.argv[1]) == NULL)
				abort();
			free(url);
		} else if (url != NULL) {
			abort();
		}
	}
	free(text);
	return 0;
}
