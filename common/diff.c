/*
 * diff.c - unified diff of two texts by lines.
 *
 * Common prefix and suffix lines are trimmed, then Myers' O(ND) greedy
 * algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986)
 * finds a shortest edit script of the middle, keeping one snapshot of the
 * furthest-reaching diagonals per edit step for the backtrack (O(D^2)
 * memory).  Past MAX_D edits the middle is emitted as one replacement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/diff.h>
#include <vifs/error.h>

#include "internal.h"

#define MAX_D 4000

struct line {
	const char *p;
	size_t len; /* with the line ending */
	uint64_t hash;
};

struct lines {
	struct line *v;
	size_t n;
};

/* An edit script entry: ' ' keep, '-' delete from A, '+' insert from B. */
struct op {
	char kind;
	size_t a; /* line index in A (keep, delete) */
	size_t b; /* line index in B (keep, insert) */
};

struct ops {
	struct op *v;
	size_t n, cap;
};

static uint64_t
hash_bytes(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
split_lines(struct lines *out, const char *p, size_t len)
{
	size_t n = 0, i = 0;

	for (const char *q = p; q < p + len;) {
		const char *nl = memchr(q, '\n', (size_t)(p + len - q));

		n++;
		q = nl ? nl + 1 : p + len;
	}
	out->n = n;
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	if (out->v == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (const char *q = p; q < p + len; i++) {
		const char *nl = memchr(q, '\n', (size_t)(p + len - q));
		const char *end = nl ? nl + 1 : p + len;

		out->v[i].p = q;
		out->v[i].len = (size_t)(end - q);
		out->v[i].hash = hash_bytes(q, out->v[i].len);
		q = end;
	}
	return VIFS_OK;
}

static int
line_eq(const struct line *x, const struct line *y)
{
	return x->hash == y->hash && x->len == y->len &&
	    memcmp(x->p, y->p, x->len) == 0;
}

static int
ops_push(struct ops *o, char kind, size_t a, size_t b)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct op *v = realloc(o->v, cap * sizeof(*v));

		if (v == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n].kind = kind;
	o->v[o->n].a = a;
	o->v[o->n].b = b;
	o->n++;
	return VIFS_OK;
}

/* Reverses ops[from..n) in place (the backtrack produces them backwards). */
static void
ops_reverse(struct ops *o, size_t from)
{
	for (size_t i = from, j = o->n; i + 1 < j; i++, j--) {
		struct op t = o->v[i];

		o->v[i] = o->v[j - 1];
		o->v[j - 1] = t;
	}
}

/*
 * Appends the edit script for A[a0..a1) -> B[b0..b1) to OPS.  Returns 1
 * when the script is minimal, 0 when the bound was hit and a plain
 * replacement was appended instead, or a negative error.
 */
static int
myers(struct ops *ops, const struct lines *A, size_t a0, size_t a1,
    const struct lines *B, size_t b0, size_t b1)
{
	long n = (long)(a1 - a0), m = (long)(b1 - b0);
	long max = n + m, dmax = max < MAX_D ? max : MAX_D, d, k;
	long **trace = NULL;
	long *v = NULL;
	size_t from = ops->n;
	int error = 0, found = 0;

	trace = calloc((size_t)dmax + 1, sizeof(*trace));
	v = calloc((size_t)(2 * dmax + 3), sizeof(*v));
	if (trace == NULL || v == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
#define V(k) v[(k) + dmax + 1]
	for (d = 0; d <= dmax && !found; d++) {
		for (k = -d; k <= d; k += 2) {
			long x, y;

			if (k == -d || (k != d && V(k - 1) < V(k + 1)))
				x = V(k + 1);
			else
				x = V(k - 1) + 1;
			y = x - k;
			while (x < n && y < m &&
			    line_eq(&A->v[a0 + (size_t)x],
			        &B->v[b0 + (size_t)y])) {
				x++;
				y++;
			}
			V(k) = x;
			if (x >= n && y >= m) {
				found = 1;
				break;
			}
		}
		trace[d] = malloc((size_t)(2 * d + 1) * sizeof(long));
		if (trace[d] == NULL) {
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
			goto done;
		}
		for (k = -d; k <= d; k++)
			trace[d][k + d] = V(k);
	}
#undef V
	if (!found) {
		/* Too many differences: one replacement block. */
		for (long i = 0; i < n && error == 0; i++)
			error = ops_push(ops, '-', a0 + (size_t)i, b0);
		for (long i = 0; i < m && error == 0; i++)
			error = ops_push(ops, '+', a0 + (size_t)n,
			    b0 + (size_t)i);
		error = error < 0 ? error : 0;
		goto done;
	}
	/* Backtrack from (n, m) through the snapshots. */
	{
		long x = n, y = m;

		for (d = d - 1; d >= 0 && error == 0; d--) {
			long *vd, prev_k, prev_x, prev_y;

			k = x - y;
			if (d == 0) {
				while (x > 0 && y > 0 && error == 0) {
					x--;
					y--;
					error = ops_push(ops, ' ',
					    a0 + (size_t)x, b0 + (size_t)y);
				}
				break;
			}
			vd = trace[d - 1];
#define TV(kk) vd[(kk) + (d - 1)]
			if (k == -d || (k != d && TV(k - 1) < TV(k + 1)))
				prev_k = k + 1;
			else
				prev_k = k - 1;
			prev_x = TV(prev_k);
#undef TV
			prev_y = prev_x - prev_k;
			while (x > prev_x && y > prev_y && error == 0) {
				x--;
				y--;
				error = ops_push(ops, ' ', a0 + (size_t)x,
				    b0 + (size_t)y);
			}
			if (error < 0)
				break;
			if (x == prev_x)
				error = ops_push(ops, '+', a0 + (size_t)x,
				    b0 + (size_t)(y - 1));
			else
				error = ops_push(ops, '-', a0 + (size_t)(x - 1),
				    b0 + (size_t)y);
			x = prev_x;
			y = prev_y;
		}
		if (error == 0)
			ops_reverse(ops, from);
		error = error < 0 ? error : 1;
	}
done:
	if (trace != NULL) {
		for (long i = 0; i <= dmax; i++)
			free(trace[i]);
		free(trace);
	}
	free(v);
	return error;
}

static int
emit_line(struct vifs_buf *out, char mark, const struct line *l)
{
	int error;

	if ((error = vifs_buf_putc(out, mark)) < 0 ||
	    (error = vifs_buf_add(out, l->p, l->len)) < 0)
		return error;
	if (l->len == 0 || l->p[l->len - 1] != '\n')
		error = vifs_buf_puts(out, "\n\\ No newline at end of file\n");
	return error;
}

/* Start line and count in the `@@ -s,c` form: an empty range names the
 * line before it. */
static int
range(struct vifs_buf *out, char sign, size_t first, size_t count)
{
	size_t start = count ? first + 1 : first;

	if (count == 1)
		return vifs_buf_printf(out, "%c%zu", sign, start);
	return vifs_buf_printf(out, "%c%zu,%zu", sign, start, count);
}

static int
emit_hunks(struct vifs_buf *out, const struct ops *o, const struct lines *A,
    const struct lines *B, size_t ctx)
{
	size_t i = 0;
	int error = 0;

	while (i < o->n) {
		size_t first, last, j, start, end, acount = 0, bcount = 0;

		while (i < o->n && o->v[i].kind == ' ')
			i++;
		if (i == o->n)
			break;
		first = i;
		/* Extend while the next change is within 2*ctx keeps. */
		last = i;
		for (j = i; j < o->n; j++) {
			if (o->v[j].kind != ' ') {
				last = j;
				continue;
			}
			if (j - last > 2 * ctx)
				break;
		}
		start = first > ctx ? first - ctx : 0;
		end = last + ctx + 1 < o->n ? last + ctx + 1 : o->n;
		for (j = start; j < end; j++) {
			if (o->v[j].kind != '+')
				acount++;
			if (o->v[j].kind != '-')
				bcount++;
		}
		if ((error = vifs_buf_puts(out, "@@ ")) < 0 ||
		    (error = range(out, '-', o->v[start].a, acount)) < 0 ||
		    (error = vifs_buf_putc(out, ' ')) < 0 ||
		    (error = range(out, '+', o->v[start].b, bcount)) < 0 ||
		    (error = vifs_buf_puts(out, " @@\n")) < 0)
			return error;
		for (j = start; j < end && error == 0; j++) {
			const struct op *op = &o->v[j];

			if (op->kind == '+')
				error = emit_line(out, '+', &B->v[op->b]);
			else
				error = emit_line(out, op->kind, &A->v[op->a]);
		}
		i = end;
	}
	return error;
}

int
vifs_diff_unified(char **out, size_t *out_len, const char *a, size_t a_len,
    const char *b, size_t b_len, const char *label_a, const char *label_b,
    unsigned context)
{
	struct lines A = { NULL, 0 }, B = { NULL, 0 };
	struct ops ops = { NULL, 0, 0 };
	struct vifs_buf buf = VIFS_BUF_INIT;
	size_t pre = 0, suf = 0, ctx = context, i;
	int error = 0;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((error = split_lines(&A, a, a_len)) < 0 ||
	    (error = split_lines(&B, b, b_len)) < 0)
		goto done;
	while (pre < A.n && pre < B.n && line_eq(&A.v[pre], &B.v[pre]))
		pre++;
	while (suf < A.n - pre && suf < B.n - pre &&
	    line_eq(&A.v[A.n - 1 - suf], &B.v[B.n - 1 - suf]))
		suf++;
	if (pre == A.n && pre == B.n) {
		*out = vifs_buf_detach(&buf, out_len);
		goto done;
	}
	/* Only the context lines of the common parts are needed. */
	for (i = pre > ctx ? pre - ctx : 0; i < pre && error == 0; i++)
		error = ops_push(&ops, ' ', i, i);
	if (error < 0 ||
	    (error = myers(&ops, &A, pre, A.n - suf, &B, pre, B.n - suf)) < 0)
		goto done;
	error = 0;
	for (i = 0; i < suf && i < ctx && error == 0; i++)
		error = ops_push(&ops, ' ', A.n - suf + i, B.n - suf + i);
	if (error < 0)
		goto done;
	if ((error = vifs_buf_printf(&buf, "--- %s\n+++ %s\n",
	         label_a ? label_a : "a", label_b ? label_b : "b")) < 0 ||
	    (error = emit_hunks(&buf, &ops, &A, &B, ctx)) < 0)
		goto done;
	*out = vifs_buf_detach(&buf, out_len);
done:
	free(A.v);
	free(B.v);
	free(ops.v);
	vifs_buf_free(&buf);
	return error;
}
