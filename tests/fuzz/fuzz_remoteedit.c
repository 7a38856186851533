/*
 * fuzz_remoteedit.c - the lint of an edit (vifs_remoteedit_check) on
 * arbitrary esx.conf bytes.  The first byte picks the edit: a set or an
 * unset of a key taken from the input (the first token of a line chosen by
 * the second byte, so malformed lines get their key edited too), or of a
 * fixed key.  Aborts when a finding names a line outside the document,
 * when a SAME_KEY finding is not on a malformed line, when the counts
 * disagree with the lint, or when an edit that changes nothing is said to
 * touch something.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/remoteedit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* The first token (up to a blank, '=', '"' or '#') of line INDEX, as a
 * new string, or NULL. */
static char *
token_of(const vifs_esxconf *doc, size_t index)
{
	struct vifs_esxconf_line l;
	size_t i = 0, n;
	char *s;

	if (vifs_esxconf_line(&l, doc, index) < 0)
		return NULL;
	while (i < l.text_len && (l.text[i] == ' ' || l.text[i] == '\t'))
		i++;
	n = i;
	while (n < l.text_len && strchr(" \t=\"#", l.text[n]) == NULL &&
	    l.text[n] != '\0')
		n++;
	if (n == i || (s = malloc(n - i + 1)) == NULL)
		return NULL;
	memcpy(s, l.text + i, n - i);
	s[n - i] = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_editcheck *c = NULL;
	vifs_lint *lint = NULL;
	const char *buf = (const char *)data + (size > 2 ? 2 : size);
	size_t len = size > 2 ? size - 2 : 0, lines, i, refusals = 0;
	unsigned op = size > 0 ? data[0] : 0, pick = size > 1 ? data[1] : 0;
	char *key = NULL;
	int changed = 0;

	check(vifs_esxconf_parse(&before, "fuzz", buf, len) == 0);
	check(vifs_esxconf_parse(&after, "fuzz", buf, len) == 0);
	lines = vifs_esxconf_line_count(before);
	if (lines > 0)
		key = token_of(before, pick % lines);
	if (key == NULL || !vifs_esxconf_key_valid(key)) {
		static const char fixed[] = "/adv/Misc/HostName";

		free(key);
		key = malloc(sizeof(fixed));
		check(key != NULL);
		memcpy(key, fixed, sizeof(fixed));
	}
	if (op & 1)
		changed = vifs_esxconf_unset(after, key) == 0;
	else
		changed = vifs_esxconf_set(after, key, "fuzz") == 0;
	check(vifs_remoteedit_check(&c, before, after) == 0);
	check(vifs_esxconf_lint(&lint, before) == 0);
	check(vifs_editcheck_count(c) == vifs_lint_count(lint));
	for (i = 0; i < vifs_editcheck_count(c); i++) {
		const struct vifs_editcheck_item *it = vifs_editcheck_get(c, i);
		struct vifs_esxconf_line l;

		check(it != NULL && it->rule != NULL && it->message != NULL);
		check(it->line >= 1 && it->line <= lines);
		if (it->touched == VIFS_EDIT_SAME_KEY) {
			check(vifs_esxconf_line(&l, before, it->line - 1) == 0);
			check(l.kind == VIFS_ESXCONF_MALFORMED);
		}
		if (it->touched && it->severity == VIFS_LINT_ERROR)
			refusals++;
	}
	check(refusals == vifs_editcheck_refusals(c));
	check(vifs_editcheck_lines_removed(c) <= lines);
	if (!changed || !vifs_esxconf_modified(after)) {
		check(vifs_editcheck_lines_removed(c) == 0);
		check(vifs_editcheck_lines_added(c) == 0);
		check(vifs_editcheck_refusals(c) == 0);
	}
	vifs_editcheck_free(c);
	vifs_lint_free(lint);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	free(key);
	vifs_error_clear();
	return 0;
}
