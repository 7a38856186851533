/*
 * fuzz_remoteedit.c - the lint of an edit (vifs_remoteedit_check) and the
 * changes the esx.conf model records, on arbitrary esx.conf bytes.  The
 * first byte picks the edit: a set or an unset of a key taken from the
 * input (the first token of a line chosen by the second byte, so
 * malformed lines get their key edited too), or of a fixed key; with bit
 * 1 a second edit follows, of the next line's key, after a compaction;
 * with bit 2 the check compares with a parse of the edited text instead
 * (two whole documents, by key).  Aborts when a finding names a line
 * outside the document, when a SAME_KEY finding is not on a malformed
 * line, when the counts disagree with the lint or with the line counts
 * of the two documents, when a change's line is not the line it names,
 * or when an edit that changes nothing is said to touch something.
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

/* Sets KEY (UNSET 0) or removes it; 1 when the call succeeded. */
static int
edit(vifs_esxconf *doc, const char *key, int unset)
{
	if (unset)
		return vifs_esxconf_unset(doc, key) == 0;
	return vifs_esxconf_set(doc, key, "fuzz") == 0;
}

/* LINE is line LINENO of DOC, byte for byte. */
static void
check_line(const vifs_esxconf *doc, const struct vifs_esxconf_line *line)
{
	struct vifs_esxconf_line l;

	check(line->lineno >= 1);
	check(vifs_esxconf_line(&l, doc, line->lineno - 1) == 0);
	check(l.kind == line->kind && l.text_len == line->text_len);
	check(l.text_len == 0 || memcmp(l.text, line->text, l.text_len) == 0);
}

/* The changes from BEFORE to AFTER name lines that are what they say,
 * and account for every line of both. */
static void
check_changes(const vifs_esxconf *before, const vifs_esxconf *after)
{
	vifs_esxconf_changes *ch = NULL;
	size_t i, removed = 0, added = 0;

	check(vifs_esxconf_compare(&ch, before, after) == 0);
	for (i = 0; i < vifs_esxconf_changes_count(ch); i++) {
		const struct vifs_esxconf_change
		    *x = vifs_esxconf_changes_get(ch, i);

		if (x->kind != VIFS_ESXCONF_ADDED) {
			check_line(before, &x->was);
			removed++;
		}
		if (x->kind != VIFS_ESXCONF_REMOVED) {
			check_line(after, &x->now);
			added++;
		}
	}
	check(removed == vifs_esxconf_changes_removed(ch));
	check(added == vifs_esxconf_changes_added(ch));
	check(vifs_esxconf_line_count(before) - removed + added ==
	    vifs_esxconf_line_count(after));
	vifs_esxconf_changes_free(ch);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vifs_esxconf *before = NULL, *after = NULL;
	vifs_esxconf *whole = NULL;
	vifs_editcheck *c = NULL;
	vifs_lint *lint = NULL;
	struct vifs_esxconf_line first;
	char *text = NULL;
	size_t text_len = 0;
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
	changed = edit(after, key, op & 1);
	if ((op & 2) && lines > 1) {
		free(key);
		key = token_of(before, (pick + 1u) % lines);
		if (key != NULL && vifs_esxconf_key_valid(key)) {
			/* A compaction between the two edits. */
			check(vifs_esxconf_line(&first, after, 0) == 0 ||
			    vifs_esxconf_line_count(after) == 0);
			changed |= edit(after, key, !(op & 1));
		}
	}
	if (op & 4) {
		check(vifs_esxconf_serialize(&text, &text_len, after) == 0);
		check(vifs_esxconf_parse(&whole, "fuzz", text, text_len) == 0);
	}
	check_changes(before, whole ? whole : after);
	check(vifs_remoteedit_check(&c, before, whole ? whole : after) == 0);
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
	check(lines - vifs_editcheck_lines_removed(c) +
	        vifs_editcheck_lines_added(c) ==
	    vifs_esxconf_line_count(after));
	if (!changed || !vifs_esxconf_modified(after)) {
		check(vifs_editcheck_lines_removed(c) == 0);
		check(vifs_editcheck_lines_added(c) == 0);
		check(vifs_editcheck_refusals(c) == 0);
	}
	vifs_editcheck_free(c);
	vifs_lint_free(lint);
	vifs_esxconf_free(before);
	vifs_esxconf_free(after);
	vifs_esxconf_free(whole);
	free(text);
	free(key);
	vifs_error_clear();
	return 0;
}
