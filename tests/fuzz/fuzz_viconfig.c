/*
 * fuzz_viconfig.c - the small text formats around a connection: the
 * --config file, the session file, the known-hosts file and thumbprints.
 *
 * Invariants checked besides memory safety: configuration names are
 * non-empty and trimmed, values carry no line end; a session cookie read
 * back from a written session file is the same; a thumbprint that parses
 * formats and parses to the same digest; a host set in the known-hosts
 * list is found with that thumbprint, and gone after remove.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/trust.h>
#include <vifs/viconfig.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_config(const char *data, size_t size)
{
	vifs_viconfig *cfg = NULL;

	if (vifs_viconfig_parse(&cfg, data, size) != 0)
		return;
	for (size_t i = 0; i < vifs_viconfig_count(cfg); i++) {
		const struct vifs_viconfig_entry *e = vifs_viconfig_entry(cfg,
		    i);
		size_t n = strlen(e->name), v = strlen(e->value);

		if (n == 0 || strchr(e->name, '=') != NULL ||
		    e->name[0] == ' ' || e->name[n - 1] == ' ' ||
		    (v > 0 &&
		        (e->value[v - 1] == '\n' || e->value[v - 1] == '\r')) ||
		    e->value[0] == ' ')
			abort();
		if (vifs_viconfig_get(cfg, e->name) == NULL)
			abort();
	}
	vifs_viconfig_free(cfg);
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void
fuzz_session(const char *data, size_t size)
{
	struct vifs_session *s = NULL, *back = NULL;
	char *text = NULL;
	size_t len;

	if (vifs_session_parse(&s, "fuzz", data, size) != 0)
		return;
	if (s->cookie[0] != '\0' && !has_control(s->cookie) &&
	    vifs_session_format(&text, &len, "esx01", s->cookie) == 0) {
		if (vifs_session_parse(&back, "back", text, len) != 0 ||
		    strcmp(back->cookie, s->cookie) != 0 ||
		    strcmp(back->host, "esx01") != 0)
			abort();
		vifs_session_free(back);
		free(text);
	}
	vifs_session_free(s);
}

static void
fuzz_thumbprint(const char *text)
{
	struct vifs_thumbprint tp, back;
	char buf[VIFS_THUMBPRINT_MAX];

	if (vifs_thumbprint_parse(&tp, text) != 0)
		return;
	if (vifs_thumbprint_format(buf, sizeof(buf), &tp) != 0 ||
	    vifs_thumbprint_parse(&back, buf) != 0 ||
	    !vifs_thumbprint_equal(&tp, &back))
		abort();
}

static void
fuzz_known_hosts(const char *data, size_t size)
{
	static const char tp[] =
	    "46:77:A7:47:61:28:0B:25:87:D5:43:AA:87:51:E4:6E:8E:FB:16:94";
	vifs_known_hosts *kh = NULL;
	const char *found;
	char host[64];
	size_t n = 0;
	int removed;

	if (vifs_known_hosts_new(&kh) != 0)
		return;
	if (vifs_known_hosts_parse(kh, data, size) != 0)
		goto done;
	/* The first word of the input as a host name. */
	while (n < size && n < sizeof(host) - 1 &&
	    (unsigned char)data[n] > ' ' && data[n] != 0x7f) {
		host[n] = data[n];
		n++;
	}
	host[n] = '\0';
	(void)vifs_known_hosts_lookup(&found, kh, host);
	if (vifs_known_hosts_set(kh, host, tp) == 0) {
		if (vifs_known_hosts_lookup(&found, kh, host) != 0 ||
		    found == NULL || strcmp(found, tp) != 0)
			abort();
		if (vifs_known_hosts_remove(kh, host, &removed) != 0 ||
		    !removed ||
		    vifs_known_hosts_lookup(&found, kh, host) != 0 ||
		    found != NULL)
			abort();
	}
done:
	vifs_known_hosts_free(kh);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	char *text;

	fuzz_config(d, size);
	fuzz_session(d, size);
	fuzz_known_hosts(d, size);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_thumbprint(text);
	free(text);
	return 0;
}
