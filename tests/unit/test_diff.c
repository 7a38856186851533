/*
 * test_diff.c - unified diffs: exact output on small cases, and on random
 * edits a diff that, applied back, turns A into B.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>

#include "testutil.h"

/* Not inlined: GCC 12 at -O3 then takes the returned buffer for the
 * address of the local it was returned through (-Wdangling-pointer). */
static __attribute__((noinline)) char *
diff(const char *a, const char *b, unsigned ctx)
{
	char *out = NULL;
	size_t len;

	assert_int_equal(vifs_diff_unified(&out, &len, a, strlen(a), b,
	                     strlen(b), "a", "b", ctx),
	    0);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
test_diff_equal_is_empty(void **state)
{
	char *d;

	(void)state;
	d = diff("x\ny\n", "x\ny\n", 3);
	assert_string_equal(d, "");
	free(d);
	d = diff("", "", 3);
	assert_string_equal(d, "");
	free(d);
}

static void
test_diff_one_change(void **state)
{
	char *d;

	(void)state;
	d = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
	    3);
	assert_string_equal(d,
	    "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n"
	    "-5\n+X\n 6\n 7\n 8\n");
	free(d);
}

static void
test_diff_insert_at_start_and_end(void **state)
{
	char *d;

	(void)state;
	d = diff("a\nb\n", "0\na\nb\nc\n", 1);
	assert_string_equal(d,
	    "--- a\n+++ b\n@@ -1,2 +1,4 @@\n+0\n a\n"
	    " b\n+c\n");
	free(d);
	/* Changes further apart than twice the context: two hunks. */
	d = diff("a\nb\nc\nd\n", "0\na\nb\nc\nd\ne\n", 1);
	assert_string_equal(d,
	    "--- a\n+++ b\n@@ -1 +1,2 @@\n+0\n a\n"
	    "@@ -4 +5,2 @@\n d\n+e\n");
	free(d);
	d = diff("", "new\n", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
	free(d);
	d = diff("old\n", "", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1 +0,0 @@\n-old\n");
	free(d);
}

static void
test_diff_no_newline_at_end(void **state)
{
	char *d;

	(void)state;
	d = diff("a\nb", "a\nb\n", 3);
	assert_string_equal(d,
	    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n");
	free(d);
}

static void
test_diff_crlf_change_shows(void **state)
{
	char *d;

	(void)state;
	d = diff("k\r\n", "k\n", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1 +1 @@\n-k\r\n+k\n");
	free(d);
}

/* Applies a unified diff of ours to A; returns the result (malloc). */
static char *
apply(const char *a, const char *d)
{
	size_t cap = strlen(a) + strlen(d) + 1, olen = 0;
	const char *ap = a;
	size_t aline = 1;
	char *out;

	if (*d == '\0') /* equal texts */
		return strdup(a);
	d = strchr(d, '\n') + 1; /* --- */
	d = strchr(d, '\n') + 1; /* +++ */
	out = malloc(cap);
	assert_non_null(out);
	while (*d) {
		unsigned long s, c = 1;
		char *nl;

		assert_true(strncmp(d, "@@ -", 4) == 0);
		s = strtoul(d + 4, &nl, 10);
		if (*nl == ',')
			c = strtoul(nl + 1, NULL, 10);
		if (c == 0)
			s++; /* empty range names the line before */
		while (aline < s) { /* copy unchanged lines */
			const char *e = strchr(ap, '\n');
			size_t n = e ? (size_t)(e - ap) + 1 : strlen(ap);

			memcpy(out + olen, ap, n);
			olen += n;
			ap += n;
			aline++;
		}
		d = strchr(d, '\n') + 1;
		while (*d && *d != '@') {
			const char *e = strchr(d, '\n');
			size_t n = (size_t)(e - d);
			int nonl = strncmp(e + 1, "\\ No newline", 12) == 0;

			if (*d == ' ' || *d == '-') {
				size_t an = n - 1 + (nonl ? 0 : 1);

				assert_memory_equal(ap, d + 1, an);
				ap += an;
				aline++;
			}
			if (*d == ' ' || *d == '+') {
				memcpy(out + olen, d + 1, n - 1);
				olen += n - 1;
				if (!nonl)
					out[olen++] = '\n';
			}
			d = e + 1;
			if (nonl)
				d = strchr(d, '\n') + 1;
		}
	}
	memcpy(out + olen, ap, strlen(ap));
	olen += strlen(ap);
	out[olen] = '\0';
	return out;
}

static void
random_text(char *buf, size_t lines, unsigned *seed)
{
	char *p = buf;

	for (size_t i = 0; i < lines; i++)
		p += sprintf(p, "l%d\n", rand_r(seed) % 8);
	*p = '\0';
}

static void
test_diff_random_edits_apply_back(void **state)
{
	static char a[4096], b[4096];
	unsigned seed = 42;

	(void)state;
	for (int round = 0; round < 500; round++) {
		char *d, *r;

		random_text(a, (size_t)(rand_r(&seed) % 40), &seed);
		random_text(b, (size_t)(rand_r(&seed) % 40), &seed);
		if (round % 3 == 0) /* shared prefix and suffix */
			memcpy(b, a,
			    strlen(a) / 2 < strlen(b) ? strlen(a) / 2 : 0);
		if (round % 5 == 0 && strlen(a) > 0)
			a[strlen(a) - 1] = '\0'; /* no final newline */
		d = diff(a, b, (unsigned)(round % 4));
		r = apply(a, d);
		assert_string_equal(r, b);
		free(d);
		free(r);
	}
}

static void
test_diff_large_file_few_edits(void **state)
{
	size_t n = 200000, len = 0;
	char *a = malloc(n * 16), *b, *d, *r;

	(void)state;
	assert_non_null(a);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(a + len, "/k/%zu = \"v\"\n", i);
	b = strdup(a);
	assert_non_null(b);
	memcpy(strstr(b, "/k/100000 ="), "/k/X", 4);
	d = diff(a, b, 3);
	assert_non_null(strstr(d, "-/k/100000 = \"v\"\n+/k/X00000 = \"v\"\n"));
	r = apply(a, d);
	assert_string_equal(r, b);
	free(a);
	free(b);
	free(d);
	free(r);
}

static void
test_diff_bound_gives_replacement(void **state)
{
	/* 5000 differing lines exceed the edit bound: still a correct diff. */
	size_t n = 5000, la = 0, lb = 0;
	char *a = malloc(n * 12), *b = malloc(n * 12), *d, *r;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		la += (size_t)sprintf(a + la, "a%zu\n", i);
		lb += (size_t)sprintf(b + lb, "b%zu\n", i);
	}
	d = diff(a, b, 3);
	r = apply(a, d);
	assert_string_equal(r, b);
	free(a);
	free(b);
	free(d);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_equal_is_empty),
		cmocka_unit_test(test_diff_one_change),
		cmocka_unit_test(test_diff_insert_at_start_and_end),
		cmocka_unit_test(test_diff_no_newline_at_end),
		cmocka_unit_test(test_diff_crlf_change_shows),
		cmocka_unit_test(test_diff_random_edits_apply_back),
		cmocka_unit_test(test_diff_large_file_few_edits),
		cmocka_unit_test(test_diff_bound_gives_replacement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
