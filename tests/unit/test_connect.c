/*
 * test_connect.c - the connection options: table, parser, environment,
 * configuration file, credential store, prompts, session file, base URL,
 * known-hosts default, timeout, opening a host; and that the library
 * prints nothing, handing its notes to the caller.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vifs/connect.h>
#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/http.h>
#include <vifs/viconfig.h>

#include "testutil.h"

#define MAX_NOTES 8
#define MAX_PROMPTS 4

/* What the hooks saw, and what the prompt answers. */
struct seen {
	int nnotes;
	struct {
		enum vifs_connect_note_code code;
		enum vifs_connect_note_level level;
		char text[512];
		char subject[512];
	} notes[MAX_NOTES];
	int nprompts;
	struct {
		char prompt[64];
		int echo;
	} prompts[MAX_PROMPTS];
	const char *answers[MAX_PROMPTS]; /* NULL: no answer */
	int prompt_error; /* returned instead of an answer when set */
};

struct env {
	char *dir;
	char path[1024];
};

static void
note_cb(void *payload, const struct vifs_connect_note *n)
{
	struct seen *s = payload;

	assert_true(s->nnotes < MAX_NOTES);
	assert_non_null(n->text);
	s->notes[s->nnotes].code = n->code;
	s->notes[s->nnotes].level = n->level;
	snprintf(s->notes[s->nnotes].text, sizeof(s->notes[0].text), "%s",
	    n->text);
	snprintf(s->notes[s->nnotes].subject, sizeof(s->notes[0].subject), "%s",
	    n->subject ? n->subject : "(null)");
	s->nnotes++;
}

static int
prompt_cb(void *payload, char **out, const char *prompt, int echo)
{
	struct seen *s = payload;
	int i = s->nprompts++;

	assert_true(i < MAX_PROMPTS);
	snprintf(s->prompts[i].prompt, sizeof(s->prompts[0].prompt), "%s",
	    prompt);
	s->prompts[i].echo = echo;
	if (s->prompt_error)
		return vifs_error_set(s->prompt_error, "stopped at a prompt");
	if (s->answers[i] == NULL)
		return vifs_error_set(VIFS_ENOTFOUND, "no answer");
	*out = strdup(s->answers[i]);
	return *out ? 0 : VIFS_ENOMEM;
}

static void
hooks_init(struct vifs_connect_hooks *h, struct seen *s, int prompt)
{
	memset(h, 0, sizeof(*h));
	memset(s, 0, sizeof(*s));
	h->prompt = prompt ? prompt_cb : NULL;
	h->note = note_cb;
	h->payload = s;
}

/* Every test starts from a clean environment with HOME in a fresh
 * directory. */
static int
setup(void **state)
{
	static const char *const vars[] = { "VI_CACERTFILE", "VI_CONFIG",
		"VI_CREDSTORE", "VI_ENCODING", "VIFS_KNOWN_HOSTS",
		"VI_PASSTHROUGHAUTH", "VI_PASSTHROUGHAUTHPACKAGE",
		"VI_PASSWORD", "VI_PORTNUMBER", "VI_PROTOCOL",
		"VI_SAVESESSIONFILE", "VI_SERVER", "VI_SERVICEPATH",
		"VI_SESSIONFILE", "VI_THUMBPRINT", "VIFS_TIMEOUT", "VI_URL",
		"VI_USERNAME", "VI_VERBOSE", "XDG_CONFIG_HOME" };
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	e->dir = tmpdir_make();
	setenv("HOME", e->dir, 1);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	tmpdir_remove(e->dir);
	free(e);
	return 0;
}

/* DIR/NAME in the test's directory; static until the next call. */
static const char *
path_in(struct env *e, const char *name)
{
	snprintf(e->path, sizeof(e->path), "%s/%s", e->dir, name);
	return e->path;
}

/*
 * Runs vifs_connect_resolve() with standard output and error sent to a
 * file, then checks that the library wrote nothing there.
 */
static int
resolve_quiet(struct env *e, struct vifs_connect *c,
    const struct vifs_connect_opts *o, unsigned flags,
    const struct vifs_connect_hooks *hooks)
{
	char cap[1024];
	struct stat st;
	int fd, save1, save2, rc;

	snprintf(cap, sizeof(cap), "%s/captured", e->dir);
	fflush(stdout);
	fflush(stderr);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	save1 = dup(1);
	save2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	rc = vifs_connect_resolve(c, o, flags, hooks);
	fflush(stdout);
	fflush(stderr);
	dup2(save1, 1);
	dup2(save2, 2);
	close(save1);
	close(save2);
	close(fd);
	assert_int_equal(stat(cap, &st), 0);
	assert_int_equal(st.st_size, 0);
	unlink(cap);
	return rc;
}

static char *argv_buf[8];

/* ARGV of the given words, NULL-terminated. */
static char **
args(const char *a, const char *b, const char *c)
{
	argv_buf[0] = (char *)(uintptr_t)a;
	argv_buf[1] = (char *)(uintptr_t)b;
	argv_buf[2] = (char *)(uintptr_t)c;
	argv_buf[3] = NULL;
	return argv_buf;
}

static int
argc_of(char **argv)
{
	int n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

static int
parse(struct vifs_connect_opts *o, const char *a, const char *b)
{
	char **argv = args(a, b, NULL);

	return vifs_connect_parse_option(o, argc_of(argv), argv);
}

/* --- the table and the parser ------------------------------------------- */

static void
test_optdefs(void **state)
{
	const struct vifs_connect_optdef *d;
	size_t n, letters = 0;

	(void)state;
	d = vifs_connect_optdefs(&n);
	assert_int_equal(n, 21);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(d[i].name);
		assert_non_null(d[i].help);
		if (i > 0)
			assert_true(strcmp(d[i - 1].name, d[i].name) < 0);
		if (d[i].letter)
			letters++;
		if (strcmp(d[i].name, "cacertsfile") == 0)
			assert_int_equal(d[i].letter, 't');
		if (strcmp(d[i].name, "thumbprint") == 0)
			assert_int_equal(d[i].letter, 'd');
		if (strcmp(d[i].name, "server") == 0) {
			assert_string_equal(d[i].env, "VI_SERVER");
			assert_string_equal(d[i].dflt, "localhost");
		}
		if (strcmp(d[i].name, "known-hosts") == 0)
			assert_string_equal(d[i].env, "VIFS_KNOWN_HOSTS");
		if (strcmp(d[i].name, "insecure") == 0) {
			assert_int_equal(d[i].kind, VIFS_CONNECT_FLAG);
			assert_null(d[i].env);
		}
		if (strcmp(d[i].name, "verbose") == 0)
			assert_int_equal(d[i].kind, VIFS_CONNECT_OPTVALUE);
		if (strcmp(d[i].name, "deadline") == 0)
			assert_string_equal(d[i].env, "VIFS_DEADLINE");
	}
	assert_int_equal(letters, 2);
}

static void
test_parse_forms(void **state)
{
	struct vifs_connect_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse(&o, "--server", "esx01"), 2);
	assert_string_equal(o.server, "esx01");
	assert_int_equal(parse(&o, "--server=esx02", "x"), 1);
	assert_string_equal(o.server, "esx02");
	assert_int_equal(parse(&o, "-server", "esx03"), 2);
	assert_string_equal(o.server, "esx03");
	assert_int_equal(parse(&o, "-portnumber=8443", NULL), 1);
	assert_string_equal(o.portnumber, "8443");
	assert_int_equal(parse(&o, "-t", "ca.pem"), 2);
	assert_string_equal(o.cacertsfile, "ca.pem");
	assert_int_equal(parse(&o, "-d", "AA:BB"), 2);
	assert_string_equal(o.thumbprint, "AA:BB");
	assert_int_equal(parse(&o, "--known-hosts", "kh"), 2);
	assert_string_equal(o.known_hosts, "kh");
	assert_int_equal(parse(&o, "--password=", NULL), 1);
	assert_string_equal(o.password, "");
	assert_int_equal(parse(&o, "--url==x", NULL), 1);
	assert_string_equal(o.url, "=x");
	/* A mandatory value is the next argument, whatever it looks like. */
	assert_int_equal(parse(&o, "--username", "--password"), 2);
	assert_string_equal(o.username, "--password");
	assert_int_equal(parse(&o, "--insecure", "next"), 1);
	assert_int_equal(o.insecure, 1);
	assert_int_equal(parse(&o, "-passthroughauth", NULL), 1);
	assert_int_equal(o.passthroughauth, 1);
	/* --verbose: an optional value, not one that looks like an
	 * option. */
	assert_int_equal(parse(&o, "--verbose", "--dir"), 1);
	assert_string_equal(o.verbose, "");
	assert_int_equal(o.verbose_given, 1);
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse(&o, "--verbose", "3"), 2);
	assert_string_equal(o.verbose, "3");
	assert_int_equal(parse(&o, "--verbose=2", "x"), 1);
	assert_string_equal(o.verbose, "2");
	assert_int_equal(parse(&o, "--verbose", NULL), 1);
	assert_string_equal(o.verbose, "");
}

static void
test_parse_not_ours(void **state)
{
	static const char *const words[] = { "--frob", "-x", "-", "--", "word",
		"", "--Server", "--serv", "-tt", "--t", "-help", "--help",
		"--version", "---server", "--=x", "-=", "=", "--output", "-o" };
	struct vifs_connect_opts o, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		memset(&o, 0, sizeof(o));
		assert_int_equal(parse(&o, words[i], "value"), 0);
		assert_memory_equal(&o, &zero, sizeof(o));
	}
	/* Nothing at all. */
	assert_int_equal(vifs_connect_parse_option(&o, 0,
	                     args(NULL, NULL, NULL)),
	    0);
}

static void
test_parse_errors(void **state)
{
	struct vifs_connect_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse(&o, "--server", NULL), VIFS_EINVAL);
	assert_string_equal(vifs_error_last(),
	    "Option server requires an argument");
	assert_null(o.server);
	assert_int_equal(parse(&o, "-t", NULL), VIFS_EINVAL);
	assert_string_equal(vifs_error_last(),
	    "Option cacertsfile requires an argument");
	assert_int_equal(parse(&o, "--insecure=1", NULL), VIFS_EINVAL);
	assert_string_equal(vifs_error_last(),
	    "Option insecure does not take an argument");
	assert_int_equal(o.insecure, 0);
	assert_int_equal(parse(&o, "-passthroughauth=", NULL), VIFS_EINVAL);
}

static void
test_parse_hostile(void **state)
{
	struct vifs_connect_opts o;
	char *big = malloc(70000);
	char **argv;

	(void)state;
	assert_non_null(big);
	memset(big, 's', 69999);
	big[0] = '-';
	big[1] = '-';
	big[69999] = '\0';
	memset(&o, 0, sizeof(o));
	assert_int_equal(parse(&o, big, "v"), 0);
	/* A huge value is kept as given. */
	memcpy(big, "--url=", 6);
	assert_int_equal(parse(&o, big, NULL), 1);
	assert_int_equal(strlen(o.url), 69999 - 6);
	assert_int_equal(parse(&o, "--server=\xff\xfe", NULL), 1);
	assert_string_equal(o.server, "\xff\xfe");
	/* ARGC says one element: the value is never read past it. */
	argv = args("--server", "beyond", NULL);
	assert_int_equal(vifs_connect_parse_option(&o, 1, argv), VIFS_EINVAL);
	argv = args("--verbose", "beyond", NULL);
	memset(&o, 0, sizeof(o));
	assert_int_equal(vifs_connect_parse_option(&o, 1, argv), 1);
	assert_string_equal(o.verbose, "");
	free(big);
}

/* A program's own loop: its options, connection options, a positional
 * argument. */
static void
test_parse_in_a_loop(void **state)
{
	static const struct vifs_connect_optdef own[] = {
		{ "get", 'g', VIFS_CONNECT_VALUE, NULL, NULL, "Get" },
		{ "force", 'f', VIFS_CONNECT_FLAG, NULL, NULL, "Force" },
	};
	const char *words[] = { "prog", "-g", "/host/esx.conf", "--server",
		"esx01", "local.conf", "-f", "-t", "ca.pem", "-get=x",
		"--username=root", NULL };
	char *argv[sizeof(words) / sizeof(words[0])];
	struct vifs_connect_opts o;
	const char *get = NULL, *positional = NULL, *value;
	int argc = (int)(sizeof(words) / sizeof(words[0])) - 1, force = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		argv[i] = (char *)(uintptr_t)words[i];
	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc;) {
		size_t which;
		int n = vifs_connect_parse_option(&o, argc - i, argv + i);

		assert_true(n >= 0);
		if (n == 0) {
			n = vifs_connect_match(&which, &value, own, 2, argc - i,
			    argv + i);
			assert_true(n >= 0);
			if (n == 0) {
				positional = argv[i];
				n = 1;
			} else if (which == 0) {
				get = value;
			} else {
				assert_null(value);
				force = 1;
			}
		}
		i += n;
	}
	assert_string_equal(get, "x");
	assert_int_equal(force, 1);
	assert_string_equal(positional, "local.conf");
	assert_string_equal(o.server, "esx01");
	assert_string_equal(o.cacertsfile, "ca.pem");
	assert_string_equal(o.username, "root");
}

/* --- environment and precedence ------------------------------------------ */

static const char *
table_get(const char *name, void *payload)
{
	const char *const *kv = payload;

	for (; kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

static void
test_fill(void **state)
{
	static const char *const kv[] = { "VI_SERVER", "from-table",
		"VI_USERNAME", "", "VI_PORTNUMBER", "902", "VI_PASSTHROUGHAUTH",
		"0", "VI_VERBOSE", "1", "VIFS_TIMEOUT", "5", "insecure", "1",
		NULL };
	struct vifs_connect_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.server = "cmdline";
	vifs_connect_fill(&o, table_get, (void *)(uintptr_t)kv);
	assert_string_equal(o.server, "cmdline"); /* set first: kept */
	assert_string_equal(o.username, ""); /* empty counts as given */
	assert_string_equal(o.portnumber, "902");
	assert_string_equal(o.timeout, "5");
	assert_int_equal(o.passthroughauth, 0); /* "0" sets no flag */
	assert_string_equal(o.verbose, "1");
	assert_int_equal(o.verbose_given, 1);
	assert_int_equal(o.insecure, 0); /* no variable for --insecure */
	assert_null(o.password);
}

static void
test_env_precedence(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	FILE *f;

	hooks_init(&h, &s, 0);
	setenv("VI_SERVER", "env-server", 1);
	setenv("VI_USERNAME", "env-user", 1);
	setenv("VI_PASSWORD", "env-pw", 1);
	setenv("VI_PASSTHROUGHAUTH", "", 1);
	f = fopen(path_in(e, ".visdkrc"), "w");
	assert_non_null(f);
	fputs("VI_SERVER=cfg-server\nVI_USERNAME=cfg-user\n"
	      "VI_PORTNUMBER=8443\nVI_PROTOCOL=http\n",
	    f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.username = "cmd-user";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	/* command line > environment > ~/.visdkrc */
	assert_string_equal(c.username, "cmd-user");
	assert_string_equal(c.password, "env-pw");
	assert_string_equal(c.opts.server, "env-server");
	assert_string_equal(c.base_url, "http://env-server:8443");
	assert_string_equal(c.lookup_server, "env-server");
	assert_int_equal(c.opts.passthroughauth, 0);
	assert_non_null(c.cfg);
	assert_int_equal(s.nnotes, 0);
	assert_int_equal(s.nprompts, 0);
	vifs_connect_free(&c);
	vifs_connect_free(NULL);
	assert_null(c.base_url);

	/* The environment alone, through vifs_connect_from_env(). */
	memset(&o, 0, sizeof(o));
	vifs_connect_from_env(&o);
	assert_string_equal(o.server, "env-server");
	assert_string_equal(o.password, "env-pw");
	assert_null(o.portnumber);
}

static void
test_config_file(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	char cfg[1024], missing[1024];
	FILE *f;

	snprintf(cfg, sizeof(cfg), "%s", path_in(e, "vi.rc"));
	f = fopen(cfg, "w");
	assert_non_null(f);
	fputs("\xef\xbb\xbfVI_SERVER = esx07\r\n# VI_USERNAME = nobody\r\n"
	      "VI_USERNAME= root\r\nVI_PASSWORD =p w \r\n"
	      "VI_URL\r\nVI_TIMEOUT=9\r\nVIFS_TIMEOUT=12\r\n",
	    f);
	fclose(f);
	hooks_init(&h, &s, 0);
	memset(&o, 0, sizeof(o));
	o.config = cfg;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.opts.server, "esx07");
	assert_string_equal(c.username, "root");
	assert_string_equal(c.password, "p w ");
	assert_null(c.opts.url);
	assert_int_equal(c.timeout_secs, 12);
	assert_string_equal(c.base_url, "https://esx07");
	assert_int_equal(s.nnotes, 0);
	vifs_connect_free(&c);

	/* VI_CONFIG names it too, and the environment wins over it. */
	setenv("VI_CONFIG", cfg, 1);
	setenv("VI_PASSWORD", "from-env", 1);
	memset(&o, 0, sizeof(o));
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.opts.config, cfg);
	assert_string_equal(c.password, "from-env");
	vifs_connect_free(&c);
	unsetenv("VI_CONFIG");
	unsetenv("VI_PASSWORD");

	/* A given file that is missing: a note, then on. */
	snprintf(missing, sizeof(missing), "%s", path_in(e, "none.rc"));
	memset(&o, 0, sizeof(o));
	o.config = missing;
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(s.nnotes, 1);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_CONFIG_UNREADABLE);
	assert_int_equal(s.notes[0].level, VIFS_CONNECT_WARNING);
	assert_string_equal(s.notes[0].subject, missing);
	assert_non_null(strstr(s.notes[0].text, missing));
	assert_string_equal(c.base_url, "https://localhost");
	vifs_connect_free(&c);

	/* The default file missing is no news. */
	hooks_init(&h, &s, 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(s.nnotes, 0);
	assert_null(c.cfg);
	vifs_connect_free(&c);

	/* An empty file: a note. */
	f = fopen(path_in(e, ".visdkrc"), "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(s.nnotes, 1);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_CONFIG_EMPTY);
	assert_string_equal(s.notes[0].subject, path_in(e, ".visdkrc"));
	assert_non_null(strstr(s.notes[0].text, "empty"));
	vifs_connect_free(&c);

	/* Notes go nowhere without a callback: still nothing printed. */
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	vifs_connect_free(&c);
}

/* --- credential store ---------------------------------------------------- */

static void
store_add(const char *path, const char *server, const char *user,
    const char *pw)
{
	vifs_credstore *cs = NULL;

	assert_int_equal(vifs_credstore_new(&cs, path), 0);
	assert_int_equal(vifs_credstore_add(cs, server, user, pw, NULL), 0);
	vifs_credstore_free(cs);
}

static void
test_credstore(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	char store[1024], text[1200];

	snprintf(store, sizeof(store), "%s", path_in(e, "cs.xml"));
	store_add(store, "esx01", "root", "s3cret pw");
	store_add(store, "ESX02:8443", "admin", "adm");
	store_add(store, "esx02:8443", "backup", "bck");

	/* User and password from the store named by --credstore. */
	hooks_init(&h, &s, 1);
	memset(&o, 0, sizeof(o));
	o.credstore = store;
	o.server = "esx01";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.username, "root");
	assert_string_equal(c.password, "s3cret pw");
	assert_int_equal(s.nprompts, 0);
	assert_int_equal(s.nnotes, 0); /* no --verbose, no notes */
	vifs_connect_free(&c);

	/* --verbose: where they came from, as INFO notes. */
	o.verbose = "";
	o.verbose_given = 1;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_int_equal(s.nnotes, 2);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_CREDSTORE_USER);
	assert_int_equal(s.notes[0].level, VIFS_CONNECT_INFO);
	snprintf(text, sizeof(text), "user root from the credential store %s",
	    store);
	assert_string_equal(s.notes[0].text, text);
	assert_int_equal(s.notes[1].code, VIFS_CONNECT_NOTE_CREDSTORE_PASSWORD);
	snprintf(text, sizeof(text),
	    "password of root@esx01 from the credential store %s", store);
	assert_string_equal(s.notes[1].text, text);
	if (strstr(s.notes[1].text, "s3cret") != NULL)
		fail_msg("a note shows the password");
	vifs_connect_free(&c);

	/* With --url the store is searched for its authority; two users:
	 * the user is asked for, then the password read. */
	hooks_init(&h, &s, 1);
	s.answers[0] = "backup";
	memset(&o, 0, sizeof(o));
	setenv("VI_CREDSTORE", store, 1);
	o.url = "https://esx02:8443/sdk/webService";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.lookup_server, "esx02:8443");
	assert_string_equal(c.base_url, "https://esx02:8443");
	assert_int_equal(s.nprompts, 1);
	assert_string_equal(s.prompts[0].prompt, "Enter username: ");
	assert_int_equal(s.prompts[0].echo, 1);
	assert_string_equal(c.username, "backup");
	assert_string_equal(c.password, "bck");
	vifs_connect_free(&c);
	unsetenv("VI_CREDSTORE");

	/* The same without a prompt: no credentials. */
	hooks_init(&h, &s, 0);
	o.credstore = store;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    VIFS_EAUTH);
	assert_non_null(strstr(vifs_error_last(), "esx02:8443"));
	assert_null(c.username);
	vifs_connect_free(&c);

	/* A given password wins over the store; the user still comes from
	 * it. */
	hooks_init(&h, &s, 0);
	memset(&o, 0, sizeof(o));
	o.credstore = store;
	o.server = "esx01";
	o.password = "given";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.username, "root");
	assert_string_equal(c.password, "given");
	vifs_connect_free(&c);

	/* The default store, ~/.vmware/credstore/vicredentials.xml. */
	store_add(NULL, "esx03", "ops", "op-pw");
	memset(&o, 0, sizeof(o));
	o.server = "esx03";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.username, "ops");
	assert_string_equal(c.password, "op-pw");
	assert_int_equal(s.nnotes, 0);
	vifs_connect_free(&c);
}

static void
test_credstore_problems(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	char path[1024];
	FILE *f;

	/* A missing --credstore file: a note, then the prompts. */
	snprintf(path, sizeof(path), "%s", path_in(e, "none.xml"));
	hooks_init(&h, &s, 1);
	s.answers[0] = "typed";
	s.answers[1] = "typed-pw";
	memset(&o, 0, sizeof(o));
	o.credstore = path;
	o.server = "esx01";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_int_equal(s.nnotes, 1);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_CREDSTORE_MISSING);
	assert_int_equal(s.notes[0].level, VIFS_CONNECT_WARNING);
	assert_string_equal(s.notes[0].subject, path);
	assert_int_equal(s.nprompts, 2);
	assert_string_equal(s.prompts[1].prompt, "Enter password: ");
	assert_int_equal(s.prompts[1].echo, 0);
	assert_string_equal(c.username, "typed");
	assert_string_equal(c.password, "typed-pw");
	vifs_connect_free(&c);

	/* A store that cannot be parsed: its error as a note. */
	snprintf(path, sizeof(path), "%s", path_in(e, "bad.xml"));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("<viCredentials><passwordEntry>", f);
	fclose(f);
	hooks_init(&h, &s, 0);
	o.credstore = path;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    VIFS_EAUTH);
	assert_int_equal(s.nnotes, 1);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_CREDSTORE_ERROR);
	assert_true(strlen(s.notes[0].text) > 0);
	vifs_connect_free(&c);
}

/* --- prompts ---------------------------------------------------------------- */

static void
test_prompts(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;

	/* A user given: only the password is asked for, without echo. */
	hooks_init(&h, &s, 1);
	s.answers[0] = "pw";
	memset(&o, 0, sizeof(o));
	o.username = "root";
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_int_equal(s.nprompts, 1);
	assert_string_equal(s.prompts[0].prompt, "Enter password: ");
	assert_int_equal(s.prompts[0].echo, 0);
	assert_string_equal(c.password, "pw");
	vifs_connect_free(&c);

	/* No answer to the user: the password is not asked for. */
	hooks_init(&h, &s, 1);
	memset(&o, 0, sizeof(o));
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    VIFS_EAUTH);
	assert_int_equal(s.nprompts, 1);
	vifs_connect_free(&c);

	/* A prompt that stops: its code, no further prompt. */
	hooks_init(&h, &s, 1);
	s.prompt_error = VIFS_ERROR;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    VIFS_ERROR);
	assert_int_equal(s.nprompts, 1);
	vifs_connect_free(&c);

	/* Without VIFS_CONNECT_CREDENTIALS nobody is asked. */
	hooks_init(&h, &s, 1);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(s.nprompts, 0);
	assert_null(c.username);
	assert_null(c.password);
	vifs_connect_free(&c);
}

/* Without a controlling terminal the terminal prompt has no answer. */
static void
test_prompt_tty_without_terminal(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *out = NULL;
		int rc;

		setsid(); /* no controlling terminal from here on */
		rc = vifs_connect_prompt_tty(NULL, &out, "Enter username: ", 1);
		_exit(rc == VIFS_ENOTFOUND && out == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	vifs_connect_secret_free(NULL);
}

/* --- base URL, session file, known hosts, timeout -------------------------- */

static void
base_ok(const char *protocol, const char *server, const char *port,
    const char *want)
{
	char *url = NULL;

	assert_int_equal(vifs_connect_base_url(&url, protocol, server, port),
	    0);
	assert_string_equal(url, want);
	free(url);
}

static void
base_bad(const char *protocol, const char *server, const char *port,
    const char *why)
{
	static char unset[] = "unset";
	char *url = unset;

	assert_int_equal(vifs_connect_base_url(&url, protocol, server, port),
	    VIFS_EINVAL);
	assert_null(url);
	assert_non_null(strstr(vifs_error_last(), why));
}

static void
test_base_url(void **state)
{
	(void)state;
	base_ok(NULL, "esx01", NULL, "https://esx01");
	base_ok("https", "esx01.example.com", "443",
	    "https://esx01.example.com:443");
	base_ok("HTTP", "10.0.0.5", "80", "http://10.0.0.5:80");
	base_ok("Https", "fe80::1", "8443", "https://[fe80::1]:8443");
	base_ok("https", "[::1]", NULL, "https://[::1]");
	base_ok(NULL, "h", "65535", "https://h:65535");
	base_ok(NULL, "h", "1", "https://h:1");
	/* One colon: host and port, as the vSphere CLI's --server. */
	base_ok(NULL, "esx01:8443", NULL, "https://esx01:8443");
	base_ok("http", "10.0.0.5:8080", "8080", "http://10.0.0.5:8080");
	/* IPv6: two colons or more, or brackets. */
	base_ok(NULL, "::1", NULL, "https://[::1]");
	base_ok(NULL, "2001:db8::5", "443", "https://[2001:db8::5]:443");
	base_ok(NULL, "[2001:db8::5]:8443", NULL, "https://[2001:db8::5]:8443");
	base_bad(NULL, "esx01:8443", "443",
	    "names port 8443, --portnumber 443");
	base_bad(NULL, "esx01:", NULL, "'' is not a port number");
	base_bad(NULL, "esx01:0", NULL, "'0' is not a port number");
	base_bad(NULL, "esx01:x", NULL, "'x' is not a port number");
	base_bad("ftp", "h", NULL, "--protocol: 'ftp'");
	base_bad("", "h", NULL, "--protocol");
	base_bad(NULL, NULL, NULL, "--server: no server name");
	base_bad(NULL, "", NULL, "--server: no server name");
	base_bad(NULL, "a/b", NULL, "--server: 'a/b'");
	base_bad(NULL, "u@h", NULL, "--server");
	base_bad(NULL, "h h", NULL, "--server");
	base_bad(NULL, "h?x", NULL, "--server");
	base_bad(NULL, "h", "0", "--portnumber: '0'");
	base_bad(NULL, "h", "65536", "--portnumber");
	base_bad(NULL, "h", "123456", "--portnumber");
	base_bad(NULL, "h", "", "--portnumber");
	base_bad(NULL, "h", "44a", "--portnumber");
	base_bad(NULL, "h", "-1", "--portnumber");
}

static void
test_resolve_base(void **state)
{
	static const struct {
		const char *url, *protocol, *server, *port, *base, *lookup;
	} cases[] = {
		{ NULL, NULL, NULL, NULL, "https://localhost", "localhost" },
		{ NULL, "http", "esx01", "8080", "http://esx01:8080", "esx01" },
		{ "https://esx01:8443/sdk/webService", "http", "ignored", "1",
		    "https://esx01:8443", "esx01:8443" },
		{ "HTTP://esx01/sdk", NULL, NULL, NULL, "http://esx01",
		    "esx01" },
		{ "https://[fe80::1]:443/sdk", NULL, NULL, NULL,
		    "https://[fe80::1]:443", "[fe80::1]:443" },
	};
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.url = cases[i].url;
		o.protocol = cases[i].protocol;
		o.server = cases[i].server;
		o.portnumber = cases[i].port;
		assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
		assert_string_equal(c.base_url, cases[i].base);
		assert_string_equal(c.lookup_server, cases[i].lookup);
		vifs_connect_free(&c);
	}
	memset(&o, 0, sizeof(o));
	o.url = "https://root@esx01/sdk";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EINVAL);
	vifs_connect_free(&c);
	o.url = "ftp://esx01/sdk";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EINVAL);
	vifs_connect_free(&c);
	memset(&o, 0, sizeof(o));
	o.protocol = "gopher";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EINVAL);
	assert_non_null(strstr(vifs_error_last(), "--protocol"));
	vifs_connect_free(&c);
}

static void
test_session_file(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	char path[1024];

	snprintf(path, sizeof(path), "%s", path_in(e, "session"));
	assert_int_equal(vifs_session_save(path, "esx05", "\"52ab\""), 0);
	hooks_init(&h, &s, 1);
	memset(&o, 0, sizeof(o));
	o.sessionfile = path;
	o.server = "elsewhere";
	o.portnumber = "9443";
	/* A session needs no user nor password: none is asked for. */
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_string_equal(c.base_url, "https://esx05:9443");
	assert_string_equal(c.cookie, "vmware_soap_session=\"52ab\"");
	assert_null(c.username);
	assert_int_equal(s.nprompts, 0);
	vifs_connect_free(&c);

	/* With --url: its scheme and port, the session's host. */
	memset(&o, 0, sizeof(o));
	o.sessionfile = path;
	o.url = "http://other:8080/sdk";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_string_equal(c.base_url, "http://esx05:8080");
	vifs_connect_free(&c);

	o.sessionfile = path_in(e, "no-session");
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_ENOTFOUND);
	vifs_connect_free(&c);
}

static void
test_known_hosts(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	char want[1024];

	memset(&o, 0, sizeof(o));
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	snprintf(want, sizeof(want), "%s/.config/vifs/known_hosts", e->dir);
	assert_string_equal(c.known_hosts, want);
	vifs_connect_free(&c);

	setenv("XDG_CONFIG_HOME", path_in(e, "xdg"), 1);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	snprintf(want, sizeof(want), "%s/xdg/vifs/known_hosts", e->dir);
	assert_string_equal(c.known_hosts, want);
	vifs_connect_free(&c);

	setenv("VIFS_KNOWN_HOSTS", "/env/kh", 1);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_string_equal(c.known_hosts, "/env/kh");
	vifs_connect_free(&c);
	o.known_hosts = "/cmdline/kh";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_string_equal(c.known_hosts, "/cmdline/kh");
	vifs_connect_free(&c);

	/* No home at all: no default file, and no error. */
	unsetenv("VIFS_KNOWN_HOSTS");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	memset(&o, 0, sizeof(o));
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_null(c.known_hosts);
	vifs_connect_free(&c);
	setenv("HOME", e->dir, 1);
}

static void
test_timeout_and_refusals(void **state)
{
	static const char *const bad[] = { "0", "x", "-1", "", "1000001",
		"99999999999999999999", "5s", " 5" };
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;

	memset(&o, 0, sizeof(o));
	o.timeout = "30";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_int_equal(c.timeout_secs, 30);
	vifs_connect_free(&c);
	o.timeout = "1000000";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_int_equal(c.timeout_secs, 1000000);
	vifs_connect_free(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.timeout = bad[i];
		assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL),
		    VIFS_EINVAL);
		assert_non_null(strstr(vifs_error_last(), "--timeout"));
		vifs_connect_free(&c);
	}
	memset(&o, 0, sizeof(o));
	setenv("VIFS_TIMEOUT", "7", 1);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), 0);
	assert_int_equal(c.timeout_secs, 7);
	vifs_connect_free(&c);
	unsetenv("VIFS_TIMEOUT");

	/* What needs a SOAP login is refused. */
	o.passthroughauth = 1;
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EUNSUPPORTED);
	assert_non_null(strstr(vifs_error_last(), "--passthroughauth"));
	vifs_connect_free(&c);
	memset(&o, 0, sizeof(o));
	setenv("VI_PASSTHROUGHAUTH", "1", 1);
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EUNSUPPORTED);
	vifs_connect_free(&c);
	unsetenv("VI_PASSTHROUGHAUTH");
	o.savesessionfile = "s";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, NULL), VIFS_EUNSUPPORTED);
	assert_non_null(strstr(vifs_error_last(), "--savesessionfile"));
	vifs_connect_free(&c);
}

/* --- opening the host ------------------------------------------------------- */

static void
test_open(void **state)
{
	struct env *e = *state;
	struct vifs_connect_opts o;
	struct vifs_connect c;
	struct vifs_connect_hooks h;
	struct seen s;
	vifs_http *http = NULL;

	hooks_init(&h, &s, 0);
	memset(&o, 0, sizeof(o));
	o.server = "esx01";
	o.username = "root";
	o.password = "pw";
	o.insecure = 1;
	assert_int_equal(resolve_quiet(e, &c, &o, VIFS_CONNECT_CREDENTIALS, &h),
	    0);
	assert_int_equal(vifs_connect_open(&http, &c, &h, NULL, NULL), 0);
	assert_string_equal(vifs_http_hostport(http), "esx01:443");
	assert_int_equal(s.nnotes, 1);
	assert_int_equal(s.notes[0].code, VIFS_CONNECT_NOTE_INSECURE);
	assert_int_equal(s.notes[0].level, VIFS_CONNECT_WARNING);
	assert_string_equal(s.notes[0].subject, "esx01:443");
	assert_non_null(strstr(s.notes[0].text, "--insecure: esx01:443: "));
	vifs_http_free(http);
	http = NULL;
	vifs_connect_free(&c);

	/* A CA file that cannot be read. */
	o.insecure = 0;
	o.cacertsfile = path_in(e, "no-ca.pem");
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(vifs_connect_open(&http, &c, &h, NULL, NULL),
	    VIFS_EIO);
	assert_null(http);
	assert_non_null(strstr(vifs_error_last(), "--cacertsfile "));
	vifs_connect_free(&c);

	/* A malformed thumbprint. */
	o.cacertsfile = NULL;
	o.thumbprint = "00:11";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_true(vifs_connect_open(&http, &c, &h, NULL, NULL) < 0);
	assert_null(http);
	assert_string_equal(vifs_error_last(),
	    "Invalid SHA-1/SHA-256/SHA-512 thumbprint: 00:11");
	vifs_connect_free(&c);

	/* Pinned, with a port: no note. */
	hooks_init(&h, &s, 0);
	o.thumbprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:"
	               "EF:01";
	o.portnumber = "8443";
	assert_int_equal(resolve_quiet(e, &c, &o, 0, &h), 0);
	assert_int_equal(vifs_connect_open(&http, &c, &h, NULL, NULL), 0);
	assert_string_equal(vifs_http_hostport(http), "esx01:8443");
	assert_int_equal(s.nnotes, 0);
	vifs_http_free(http);
	vifs_connect_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_optdefs),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_not_ours),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_parse_in_a_loop),
		cmocka_unit_test(test_fill),
		cmocka_unit_test_setup_teardown(test_env_precedence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_credstore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_credstore_problems, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prompts, setup, teardown),
		cmocka_unit_test(test_prompt_tty_without_terminal),
		cmocka_unit_test(test_base_url),
		cmocka_unit_test_setup_teardown(test_resolve_base, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_session_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_known_hosts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout_and_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
