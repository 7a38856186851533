/*
 * vifs/diff.h - unified diffs of two texts, for --dry-run and reports.
 */
#ifndef VIFS_DIFF_H
#define VIFS_DIFF_H

#include <stddef.h>

#include <vifs/common.h>

/*
 * Writes a unified diff (as `diff -u` prints it) that turns A into B into a
 * new NUL-terminated buffer *out of *out_len bytes; free with free().  The
 * header names LABEL_A and LABEL_B (`--- LABEL_A`, `+++ LABEL_B`); CONTEXT
 * is the number of unchanged lines shown around each change (3 is usual).
 * Equal texts give an empty string.  Lines are compared with their line
 * endings, so a CRLF/LF change shows; a last line without a newline is
 * marked `\ No newline at end of file`.  Common leading and trailing lines
 * are skipped first, so a few edits in a large file cost time linear in
 * its size; past a bound on the edit distance the changed middle is shown
 * as one replacement (still a correct diff, only not minimal).
 */
VIFS_EXTERN int vifs_diff_unified(char **out, size_t *out_len, const char *a,
    size_t a_len, const char *b, size_t b_len, const char *label_a,
    const char *label_b, unsigned context);

#endif
