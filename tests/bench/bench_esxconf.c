/*
 * bench_esxconf.c - speed and memory of the esx.conf model on a generated
 * 100 MB file, against a plain memchr line scan of the same bytes.
 *
 * Usage: bench_esxconf [MEGABYTES]   (default 100)
 *        bench_esxconf --generate KILOBYTES > esx.conf
 *
 * --generate writes one host's esx.conf of about that size instead, for
 * the benchmarks that need many realistic hosts (tests/bench/
 * bench_fleet.sh): the same families at the counts of a real host, a few
 * dozen devices (NICs and HBAs with their vmknames, two devices free for
 * passthru, one given to it), the rest port groups.
 *
 * The file is made of the key families of real hosts (/adv/, /device/,
 * /net/pnic/, /net/vswitch/.../portgroup/..., /system/uuid,
 * /vmkdevmgr/pci/), in byte order of key as ESXi writes them.
 *
 * Every figure is measured twice.  Cold: the memory written is fresh
 * from the kernel (glibc maps blocks this large anew each time), so its
 * page faults are counted in; the run prints how many there were.  Warm:
 * the allocator keeps what was freed (mmap off, trimming off), so the
 * same runs write memory that is already there, and the figure is the
 * work itself.  Targets, warm against warm baselines of the same run:
 * parse (bytes taken) at least half as fast as a memchr line scan,
 * serialize of the unedited document at least half as fast as memcpy of
 * the file into a buffer; at most 32 bytes per line of memory beyond the
 * file itself, hash index included.  After the edits it prints the
 * renumbering and the changes of the edits (what the lint of an edit
 * reads), without targets.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <vifs/error.h>
#include <vifs/esxconf.h>

struct gen {
	char *buf;
	size_t len, cap;
	size_t *keys; /* offset of each key */
	size_t *klens;
	size_t nkeys, kcap;
};

static void
die(const char *what)
{
	fprintf(stderr, "bench_esxconf: %s: %s\n", what, vifs_error_last());
	exit(1);
}

static void
put_line(struct gen *g, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);

	if (g->len + kl + vl + 8 > g->cap) {
		g->cap = g->cap * 2 + kl + vl + 8;
		if ((g->buf = realloc(g->buf, g->cap)) == NULL)
			die("out of memory");
	}
	if (g->nkeys == g->kcap) {
		g->kcap = g->kcap ? g->kcap * 2 : 4096;
		g->keys = realloc(g->keys, g->kcap * sizeof(*g->keys));
		g->klens = realloc(g->klens, g->kcap * sizeof(*g->klens));
		if (g->keys == NULL || g->klens == NULL)
			die("out of memory");
	}
	g->keys[g->nkeys] = g->len;
	g->klens[g->nkeys++] = kl;
	memcpy(g->buf + g->len, key, kl);
	g->len += kl;
	memcpy(g->buf + g->len, " = \"", 4);
	g->len += 4;
	memcpy(g->buf + g->len, value, vl);
	g->len += vl;
	memcpy(g->buf + g->len, "\"\n", 2);
	g->len += 2;
}

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *const pgfields[] = { "name",
	"securityPolicy/allowPromiscuous", "securityPolicy/forgedTx",
	"securityPolicy/macChange", "teamPolicy/uplinks[0000]/pnic",
	"teamPolicy/uplinks[0001]/pnic", "vlanId" };

/* PER options in each of the usual /adv groups. */
static void
put_adv(struct gen *g, size_t per)
{
	static const char *const groups[] = { "Cpu", "Disk", "Mem", "Misc",
		"Net", "Nmp", "Scsi", "UserVars", "VMFS3" };
	char key[256], val[64];

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		for (size_t j = 0; j < per; j++) {
			snprintf(key, sizeof(key), "/adv/%s/Option%04zu",
			    groups[i], j);
			snprintf(val, sizeof(val), "%u", rnd() % 100000);
			put_line(g, key, val);
		}
	}
}

/* N physical NICs: MAC and name each. */
static void
put_pnics(struct gen *g, size_t n)
{
	char key[256], val[64];

	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/net/pnic/child[%04zu]/mac", i);
		snprintf(val, sizeof(val), "00:50:56:%02x:%02x:%02x",
		    rnd() & 255, rnd() & 255, rnd() & 255);
		put_line(g, key, val);
		snprintf(key, sizeof(key), "/net/pnic/child[%04zu]/name", i);
		snprintf(val, sizeof(val), "vmnic%zu", i);
		put_line(g, key, val);
	}
}

/*
 * Virtual switches with port groups (7 keys each) until G holds TARGET
 * bytes: at most SWITCHES switches of GROUPS port groups, uplinks among
 * NICS vmnics; NUMPORTS adds each switch's numPorts key.
 */
static void
put_vswitches(struct gen *g, size_t target, size_t switches, size_t groups,
    unsigned nics, int numports)
{
	char key[256], val[64];
	size_t v, j, k;

	for (v = 0; v < switches && g->len < target; v++) {
		snprintf(key, sizeof(key), "/net/vswitch/child[%04zu]/mtu", v);
		put_line(g, key, "1500");
		snprintf(key, sizeof(key), "/net/vswitch/child[%04zu]/name", v);
		snprintf(val, sizeof(val), "vSwitch%zu", v);
		put_line(g, key, val);
		if (numports) {
			snprintf(key, sizeof(key),
			    "/net/vswitch/child[%04zu]/numPorts", v);
			put_line(g, key, "128");
		}
		for (j = 0; j < groups && g->len < target; j++) {
			for (k = 0; k < 7; k++) {
				snprintf(key, sizeof(key),
				    "/net/vswitch/"
				    "child[%04zu]/portgroup/child[%04zu]/%s",
				    v, j, pgfields[k]);
				if (k == 0)
					snprintf(val, sizeof(val),
					    "VM Network %zu-%zu", v, j);
				else if (k < 4)
					snprintf(val, sizeof(val), "%s",
					    rnd() % 2 ? "true" : "false");
				else if (k < 6)
					snprintf(val, sizeof(val), "vmnic%u",
					    rnd() % nics);
				else
					snprintf(val, sizeof(val), "%u",
					    rnd() % 4095);
				put_line(g, key, val);
			}
		}
	}
}

/* The system UUID, then COUNT vmkdevmgr aliases. */
static void
put_uuid_aliases(struct gen *g, size_t count)
{
	char key[256], val[64];

	put_line(g, "/system/uuid", "473027ac-5705f21d-6d09-000c2918f3dd");
	for (size_t i = 0; i < count; i++) {
		snprintf(key, sizeof(key), "/vmkdevmgr/pci/m%08zx/alias",
		    0x8000 + i);
		snprintf(val, sizeof(val), "vmnic%zu", i);
		put_line(g, key, val);
	}
}

/* Families in byte order: /adv < /device < /net < /system < /vmkdevmgr. */
static void
generate(struct gen *g, size_t target)
{
	char key[256], val[128];
	size_t i, j;

	put_adv(g, 200);
	for (i = 0; i < 256; i++) {
		for (j = 0; j < 32; j += 3) {
			snprintf(key, sizeof(key),
			    "/device/%03zu:%02zu.0/owner", i, j);
			put_line(g, key, rnd() % 8 ? "vmkernel" : "passthru");
			snprintf(key, sizeof(key),
			    "/device/%03zu:%02zu.0/vmkname", i, j);
			snprintf(val, sizeof(val), "vmhba%zu", i * 32 + j);
			put_line(g, key, val);
		}
	}
	put_pnics(g, 512);
	/* The bulk: port groups of virtual switches, until TARGET. */
	put_vswitches(g, target, 10000, 256, 512, 1);
	put_uuid_aliases(g, 4096);
}

/* One host's esx.conf of about TARGET bytes; keys in byte order. */
static void
generate_host(struct gen *g, size_t target)
{
	char key[256], val[128];
	size_t j;

	put_adv(g, 24);
	/* Bus 0: the chipset; bus 2: a four-port NIC; bus 3: the HBA;
	 * buses 5 and 6: devices free for passthru; bus 7: one given. */
	for (j = 0; j < 32; j += 2) {
		snprintf(key, sizeof(key), "/device/000:%02zu.0/owner", j);
		put_line(g, key, "vmkernel");
	}
	for (j = 0; j < 4; j++) {
		snprintf(key, sizeof(key), "/device/002:00.%zu/owner", j);
		put_line(g, key, "vmkernel");
		snprintf(key, sizeof(key), "/device/002:00.%zu/vmkname", j);
		snprintf(val, sizeof(val), "vmnic%zu", j);
		put_line(g, key, val);
	}
	put_line(g, "/device/003:00.0/owner", "vmkernel");
	put_line(g, "/device/003:00.0/vmkname", "vmhba0");
	put_line(g, "/device/005:00.0/owner", "vmkernel");
	put_line(g, "/device/006:00.0/owner", "vmkernel");
	put_line(g, "/device/007:00.0/owner", "passthru");
	put_pnics(g, 4);
	/* Port groups of a few virtual switches make up the rest. */
	put_vswitches(g, target, 100, 64, 4, 0);
	put_uuid_aliases(g, 16);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes the allocator has handed out. */
static long long
heap_used(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();

	return (long long)(mi.uordblks + mi.hblkhd);
#else
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (long long)ru.ru_maxrss * 1024;
#endif
}

/* Minor page faults so far. */
static long
faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static size_t
memchr_scan(const char *p, size_t len)
{
	const char *end = p + len, *nl;
	size_t lines = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lines++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return lines;
}

static char *
key_at(const struct gen *g, size_t i)
{
	char *k = malloc(g->klens[i] + 1);

	if (k == NULL)
		die("out of memory");
	memcpy(k, g->buf + g->keys[i], g->klens[i]);
	k[g->klens[i]] = '\0';
	return k;
}

#define RUNS 5
#define LOOKUPS 100000
#define EDITS 1000

/* The best of RUNS timings of one job, and its page faults. */
struct fig {
	double best;
	long faults; /* of the best run */
};

static void
fig_take(struct fig *f, double t, long nf)
{
	if (f->best == 0 || t < f->best) {
		f->best = t;
		f->faults = nf;
	}
}

/* The jobs, each measured cold and warm. */
enum { J_COPY, J_PARSE, J_TAKE, J_SER, NJOBS };

static void
run_job(int job, const struct gen *g, struct fig *f)
{
	vifs_esxconf *doc = NULL;
	char *copy = NULL, *out;
	size_t outlen;
	double t;
	long nf;

	if (job == J_TAKE || job == J_SER) {
		if ((copy = malloc(g->len)) == NULL)
			die("out of memory");
		memcpy(copy, g->buf, g->len);
	}
	if (job == J_SER) {
		if (vifs_esxconf_parse_take(&doc, "bench", copy, g->len) < 0)
			die("parse_take");
		copy = NULL;
	}
	nf = faults();
	t = now();
	switch (job) {
	case J_COPY:
		if ((out = malloc(g->len)) == NULL)
			die("out of memory");
		memcpy(out, g->buf, g->len);
		/* Keep the compiler from dropping the copy. */
		__asm__ volatile("" : : "r"(out) : "memory");
		t = now() - t;
		free(out);
		break;
	case J_PARSE:
		if (vifs_esxconf_parse(&doc, "bench", g->buf, g->len) < 0)
			die("parse");
		t = now() - t;
		break;
	case J_TAKE:
		if (vifs_esxconf_parse_take(&doc, "bench", copy, g->len) < 0)
			die("parse_take");
		t = now() - t;
		break;
	default:
		if (vifs_esxconf_serialize(&out, &outlen, doc) < 0)
			die("serialize");
		t = now() - t;
		if (outlen != g->len || memcmp(out, g->buf, g->len) != 0)
			die("unedited serialization differs from the input");
		free(out);
		break;
	}
	nf = faults() - nf;
	vifs_esxconf_free(doc);
	fig_take(f, t, nf);
}

static int
met(double ratio, double target)
{
	return ratio >= target;
}

int
main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct fig cold[NJOBS] = { { 0 } }, warm[NJOBS] = { { 0 } };
	vifs_esxconf *doc = NULL;
	size_t target = 100, lines = 0, i, outlen;
	double t, best_scan = 1e9, t_index, t_get, t_edit, t_ser, t_chg, mb;
	vifs_esxconf_changes *changes = NULL;
	struct vifs_esxconf_line view;
	double t_fold;
	long long before, after_parse, after_index;
	char **keys, *out, *value, *copy;
	int r, job, ok;

	if (argc > 2 && strcmp(argv[1], "--generate") == 0) {
		generate_host(&g, (size_t)strtoul(argv[2], NULL, 10) * 1024);
		if (fwrite(g.buf, 1, g.len, stdout) != g.len ||
		    fflush(stdout) != 0)
			die("writing the file");
		free(g.buf);
		free(g.keys);
		free(g.klens);
		return 0;
	}
	if (argc > 1)
		target = (size_t)strtoul(argv[1], NULL, 10);
	target *= 1024 * 1024;
	generate(&g, target);
	mb = (double)g.len / (1024.0 * 1024.0);
	for (i = 1; i < g.nkeys; i++) {
		size_t a = g.klens[i - 1], b = g.klens[i];
		int c = memcmp(g.buf + g.keys[i - 1], g.buf + g.keys[i],
		    a < b ? a : b);

		if (c > 0 || (c == 0 && a >= b)) {
			fprintf(stderr,
			    "bench_esxconf: generator out of "
			    "order at key %zu\n",
			    i);
			return 1;
		}
	}
	printf("esx.conf: %zu bytes (%.1f MB), %zu lines, keys sorted\n", g.len,
	    mb, g.nkeys);

	for (r = 0; r < RUNS; r++) {
		t = now();
		lines = memchr_scan(g.buf, g.len);
		t = now() - t;
		if (t < best_scan)
			best_scan = t;
	}
	if (lines != g.nkeys)
		die("memchr scan miscounted");

	/* Cold: glibc maps blocks this large fresh and unmaps them on
	 * free, so every run writes new pages. */
	for (r = 0; r < RUNS; r++)
		for (job = 0; job < NJOBS; job++)
			run_job(job, &g, &cold[job]);
#ifdef __GLIBC__
	/* Warm: everything from the heap, nothing given back. */
	if (!mallopt(M_MMAP_MAX, 0) || !mallopt(M_TRIM_THRESHOLD, INT32_MAX))
		die("mallopt");
	for (r = 0; r < RUNS + 1; r++)
		for (job = 0; job < NJOBS; job++) {
			struct fig f = { 0 };

			run_job(job, &g, &f);
			/* The first round only fills the heap. */
			if (r > 0)
				fig_take(&warm[job], f.best, f.faults);
		}
#else
	memcpy(warm, cold, sizeof(warm));
#endif

	/* Memory, lookups and edits on one document. */
	keys = malloc(LOOKUPS * sizeof(*keys));
	if (keys == NULL)
		die("out of memory");
	for (i = 0; i < LOOKUPS; i++)
		keys[i] = key_at(&g, rnd() % g.nkeys);
	before = heap_used();
	if ((copy = malloc(g.len)) == NULL)
		die("out of memory");
	memcpy(copy, g.buf, g.len);
	if (vifs_esxconf_parse_take(&doc, "bench", copy, g.len) < 0)
		die("parse_take");
	after_parse = heap_used();
	if (vifs_esxconf_line_count(doc) != g.nkeys ||
	    vifs_esxconf_count(doc) != g.nkeys)
		die("parse miscounted");
	t = now();
	if (vifs_esxconf_get(&value, doc, keys[0]) < 0)
		die("get");
	t_index = now() - t;
	after_index = heap_used();
	free(value);
	t = now();
	for (i = 0; i < LOOKUPS; i++) {
		if (vifs_esxconf_get(&value, doc, keys[i]) < 0)
			die("get");
		free(value);
	}
	t_get = now() - t;
	for (i = 0; i < LOOKUPS; i++)
		free(keys[i]);
	free(keys);

	t = now();
	for (i = 0; i < EDITS; i++) {
		size_t n = rnd() % g.nkeys;
		char *k = key_at(&g, n), nk[300];

		switch (i % 3) {
		case 0:
			if (vifs_esxconf_set(doc, k, "edited") < 0)
				die("set existing");
			break;
		case 1:
			snprintf(nk, sizeof(nk), "%s/new%zu", k, i);
			if (vifs_esxconf_set(doc, nk, "new") < 0)
				die("set new");
			break;
		default:
			/* Random keys may repeat: an earlier unset is fine. */
			if (vifs_esxconf_unset(doc, k) < 0 &&
			    vifs_error_last_code() != VIFS_ENOTFOUND)
				die("unset");
			break;
		}
		free(k);
	}
	t_edit = now() - t;
	t = now();
	if (vifs_esxconf_serialize(&out, &outlen, doc) < 0)
		die("serialize");
	t_ser = now() - t;
	/* What the edits changed, from the model (the lint of an edit),
	 * after the renumbering any line number asks for. */
	t = now();
	if (vifs_esxconf_line(&view, doc, 0) < 0)
		die("line");
	t_fold = now() - t;
	t = now();
	if (vifs_esxconf_edits(&changes, doc) < 0)
		die("changes");
	t_chg = now() - t;
	free(out);

	{
		static const char *const names[NJOBS] = { "malloc + memcpy",
			"parse (copying)", "parse (bytes taken)",
			"serialize unedited" };
		double rp = best_scan / warm[J_TAKE].best;
		double rs = warm[J_COPY].best / warm[J_SER].best;
		double per_line = (double)(after_index - before -
		                      (long long)g.len) /
		    (double)g.nkeys;
		double per_line_parse = (double)(after_parse - before -
		                            (long long)g.len) /
		    (double)g.nkeys;
		int p1 = met(rp, 0.5), p2 = met(rs, 0.5), p3 = per_line <= 32.0;

		printf("%-22s %9s %9s %9s %9s %8s\n", "best of 5", "cold ms",
		    "cold MB/s", "warm ms", "warm MB/s", "faults");
		printf("%-22s %9s %9s %9.1f %9.0f %8s\n", "memchr line scan",
		    "", "", best_scan * 1e3, mb / best_scan, "");
		for (job = 0; job < NJOBS; job++)
			printf("%-22s %9.1f %9.0f %9.1f %9.0f %8ld\n",
			    names[job], cold[job].best * 1e3,
			    mb / cold[job].best, warm[job].best * 1e3,
			    mb / warm[job].best, cold[job].faults);
		printf("(faults: page faults of the best cold run; warm "
		       "runs write memory already mapped)\n");
		printf("warm parse (bytes taken) / memchr scan  %.2f "
		       "(target >= 0.50) %s\n",
		    rp, p1 ? "PASS" : "MISS");
		printf("warm serialize unedited / memcpy        %.2f "
		       "(target >= 0.50) %s\n",
		    rs, p2 ? "PASS" : "MISS");
		printf("index build (1st get)%8.1f ms\n", t_index * 1e3);
		printf("%d lookups        %8.1f ms %8.0f ns/lookup\n", LOOKUPS,
		    t_get * 1e3, t_get * 1e9 / LOOKUPS);
		printf("%d edits           %8.1f ms %8.1f us/edit "
		       "(set, set new, unset)\n",
		    EDITS, t_edit * 1e3, t_edit * 1e6 / EDITS);
		printf("serialize edited     %8.1f ms %8.0f MB/s (warm)\n",
		    t_ser * 1e3, mb / t_ser);
		printf("renumber after edits %8.1f ms\n", t_fold * 1e3);
		printf("changes of the edits %8.1f ms (%zu lines removed, %zu "
		       "added)\n",
		    t_chg * 1e3, vifs_esxconf_changes_removed(changes),
		    vifs_esxconf_changes_added(changes));
		printf("memory after parse   %8.1f B/line beyond the file\n",
		    per_line_parse);
		printf("memory with index    %8.1f B/line beyond the file "
		       "(target <= 32) %s\n",
		    per_line, p3 ? "PASS" : "MISS");
		ok = p1 && p2 && p3;
	}
	vifs_esxconf_changes_free(changes);
	vifs_esxconf_free(doc);
	free(g.buf);
	free(g.keys);
	free(g.klens);
	printf("%s\n", ok ? "PASS" : "MISS");
	return 0;
}
