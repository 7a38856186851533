/*
 * esxconf_lint.c - checks of an esx.conf document (malformed lines, keys,
 * duplicates, misspelt top-level components, /device/ addresses and
 * owners, quoting, escapes) and the XML form of the findings.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include <vifs/error.h>
#include <vifs/esxconf.h>
#include <vifs/pciaddr.h>

#include "esxconf_int.h"
#include "internal.h"

#define XC(s) ((const xmlChar *)(s))

struct item {
	struct vifs_lint_finding f;
	char *msg;
	size_t seq;
};

struct vifs_lint {
	struct item *v;
	size_t n, cap, errors;
};

/*
 * Top-level components of esx.conf keys.  Seen in published files: adv
 * and resourceGroups (keys read by fox-it/dissect.target's ESXi plugin),
 * device (ESXi 4.0 VMDirectPath sample, vm-help.com), net and vmkdevmgr
 * (ovh/docs motherboard replacement guide), system (/system/uuid in a
 * VMware installer test), advUserOptions (the sample of the test
 * fixtures).  The others are further sections of ESX/ESXi host
 * configuration (boot, firewall, storage and network services, kernel
 * modules) listed so that their keys are not taken for misspellings.
 */
#define K(s) \
	{ \
		s, sizeof(s) - 1 \
	}
static const struct known {
	const char *name;
	size_t len;
} known[] = {
	K("adv"),
	K("advUserOptions"),
	K("boot"),
	K("device"),
	K("firewall"),
	K("hardware"),
	K("iscsi"),
	K("nas"),
	K("net"),
	K("ntp"),
	K("proxy"),
	K("resourceGroups"),
	K("security"),
	K("snmp"),
	K("storage"),
	K("system"),
	K("user"),
	K("vmkdevmgr"),
	K("vmkernel"),
	K("vmkmodules"),
	K("vsan"),
};
#undef K

#define NKNOWN (sizeof(known) / sizeof(known[0]))
#define MAXCOMP 32 /* longer components cannot be close */

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions) of A and B, both at most MAXCOMP bytes. */
static size_t
osa_distance(const char *a, size_t an, const char *b, size_t bn)
{
	size_t d[MAXCOMP + 1][MAXCOMP + 1];
	size_t i, j;

	for (i = 0; i <= an; i++)
		d[i][0] = i;
	for (j = 0; j <= bn; j++)
		d[0][j] = j;
	for (i = 1; i <= an; i++) {
		for (j = 1; j <= bn; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[an][bn];
}

/*
 * The known component closest to COMP when it is unknown and at most 2
 * edits away, else NULL.  An edit must also leave more than half of the
 * known name intact (2 * d < its length), so that short names (adv, net,
 * nas, ntp, user, ...) accept one edit only and "/a" is no typo of "/adv".
 */
static const char *
near_component(const char *comp, size_t len)
{
	const char *best = NULL;
	size_t i, bestd = 3;

	if (len == 0 || len > MAXCOMP)
		return NULL;
	for (i = 0; i < NKNOWN; i++)
		if (known[i].len == len &&
		    memcmp(known[i].name, comp, len) == 0)
			return NULL;
	for (i = 0; i < NKNOWN; i++) {
		size_t kl = known[i].len, d;

		if (kl > len + 2 || len > kl + 2)
			continue;
		d = osa_distance(comp, len, known[i].name, kl);
		if (d < bestd && 2 * d < kl) {
			bestd = d;
			best = known[i].name;
		}
	}
	return best;
}

/* Appends LEN bytes of P for a message: printable ASCII as is, other
 * bytes as \xHH, cut after 100 bytes. */
static int
put_shown(struct vifs_buf *b, const char *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int error;

	for (i = 0; i < len && i < 100; i++) {
		unsigned char ch = (unsigned char)p[i];
		char e[4] = { '\\', 'x', hex[ch >> 4], hex[ch & 15] };

		if (ch >= 0x20 && ch < 0x7f)
			error = vifs_buf_putc(b, (char)ch);
		else
			error = vifs_buf_add(b, e, 4);
		if (error < 0)
			return error;
	}
	return i < len ? vifs_buf_puts(b, "...") : VIFS_OK;
}

/* Records a finding; MSG is the vifs_buf that holds its text (taken). */
static int
add(vifs_lint *l, const char *rule, enum vifs_lint_severity sev, size_t line,
    struct vifs_buf *msg)
{
	struct item *it;

	if (msg->data == NULL && vifs_buf_grow(msg, 0) < 0)
		return VIFS_ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct item *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n];
	it->msg = vifs_buf_detach(msg, NULL);
	it->f.rule = rule;
	it->f.severity = sev;
	it->f.line = line;
	it->f.message = it->msg;
	it->seq = l->n++;
	if (sev == VIFS_LINT_ERROR)
		l->errors++;
	return VIFS_OK;
}

/* Builds a message from up to three literal parts and two shown byte
 * strings: A X B Y C (X or Y may be NULL). */
static int
addf(vifs_lint *l, const char *rule, enum vifs_lint_severity sev, size_t line,
    const char *a, const char *x, size_t xl, const char *b, const char *y,
    size_t yl, const char *c)
{
	struct vifs_buf m = VIFS_BUF_INIT;
	int error;

	if ((error = vifs_buf_puts(&m, a)) < 0 ||
	    (x != NULL && (error = put_shown(&m, x, xl)) < 0) ||
	    (b != NULL && (error = vifs_buf_puts(&m, b)) < 0) ||
	    (y != NULL && (error = put_shown(&m, y, yl)) < 0) ||
	    (c != NULL && (error = vifs_buf_puts(&m, c)) < 0) ||
	    (error = add(l, rule, sev, line, &m)) < 0) {
		vifs_buf_free(&m);
		return error;
	}
	return VIFS_OK;
}

static const char *
why_text(enum esxconf_why why)
{
	switch (why) {
	case ESXCONF_NO_KEY:
		return "'=' with no key before it";
	case ESXCONF_NO_EQUALS:
		return "no '=' after the key";
	case ESXCONF_OPEN_QUOTE:
		return "the quoted value has no closing '\"'";
	case ESXCONF_TRAILING:
		return "text after the value that is no '#' comment";
	case ESXCONF_WELL_FORMED:
		break;
	}
	return "not an entry, comment or blank line";
}

static int
check_malformed(vifs_lint *l, const struct vifs_esxconf_line *v)
{
	struct esxconf_scan sc;

	esxconf_scan_line(&sc, v->text, v->text_len);
	return addf(l, "malformed-line", VIFS_LINT_ERROR, v->lineno,
	    "malformed line: ", NULL, 0, why_text(sc.why), NULL, 0, NULL);
}

static int
hexdigit(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

static int
check_value(vifs_lint *l, const struct vifs_esxconf_line *v)
{
	const char *p = v->raw_value;
	size_t i, n = v->raw_value_len;
	char at[64];
	int error;

	if (!v->quoted &&
	    (error = addf(l, "unquoted-value", VIFS_LINT_WARNING, v->lineno,
	         "the value of ", v->key, v->key_len,
	         " is not in double quotes", NULL, 0, NULL)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		if (p[i] != '|')
			continue;
		if (i + 2 < n && hexdigit(p[i + 1]) && hexdigit(p[i + 2])) {
			i += 2;
			continue;
		}
		snprintf(at, sizeof(at), "'|' at byte %zu of the value of ",
		    i + 1);
		return addf(l, "bad-escape", VIFS_LINT_WARNING, v->lineno, at,
		    v->key, v->key_len,
		    " is not followed by two hex digits "
		    "and is read as a literal '|'",
		    NULL, 0, NULL);
	}
	return VIFS_OK;
}

/* Parses ADDR in the esx.conf notations; the notation its shape suggests
 * is tried last so that its message is the one left behind. */
static int
pci_ok(const char *addr, size_t len)
{
	static const enum vifs_pci_notation order[3][3] = {
		{ VIFS_PCI_VMX, VIFS_PCI_LINUX, VIFS_PCI_ESXCONF },
		{ VIFS_PCI_ESXCONF, VIFS_PCI_LINUX, VIFS_PCI_VMX },
		{ VIFS_PCI_ESXCONF, VIFS_PCI_VMX, VIFS_PCI_LINUX },
	};
	struct vifs_pciaddr a;
	const char *colon = memchr(addr, ':', len);
	size_t i, row;

	if (colon == NULL ||
	    memchr(colon + 1, ':', len - (size_t)(colon - addr) - 1) == NULL)
		row = 0;
	else if (colon - addr == 5)
		row = 1;
	else
		row = 2;
	/* The usual case first: the notation of its shape reads it. */
	if (vifs_pciaddr_parse_n(&a, NULL, addr, len, order[row][2]) == 0)
		return 1;
	for (i = 0; i < 2; i++)
		if (vifs_pciaddr_parse_n(&a, NULL, addr, len, order[row][i]) ==
		    0)
			return 1;
	(void)vifs_pciaddr_parse_n(&a, NULL, addr, len, order[row][2]);
	return 0;
}

/* Value of the last line of /device/ADDR/vmkname, if any. */
static int
vmkname_of(char **out, size_t *line, const vifs_esxconf *doc, const char *addr,
    size_t len)
{
	struct vifs_buf k = VIFS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = vifs_buf_puts(&k, "/device/")) < 0 ||
	    (error = vifs_buf_add(&k, addr, len)) < 0 ||
	    (error = vifs_buf_puts(&k, "/vmkname")) < 0)
		goto done;
	if (vifs_esxconf_find(line, doc, k.data) < 0) {
		vifs_error_clear();
		goto done;
	}
	error = vifs_esxconf_get(out, doc, k.data);
done:
	vifs_buf_free(&k);
	return error;
}

static int
check_device(vifs_lint *l, const vifs_esxconf *doc,
    const struct vifs_esxconf_line *v, size_t index)
{
	const char *addr = v->key + 8, *end = v->key + v->key_len, *slash;
	char *value = NULL, *vmk = NULL;
	size_t alen, vlen, last, vmkline = 0;
	char lbuf[64];
	int error = 0;

	slash = memchr(addr, '/', (size_t)(end - addr));
	alen = (size_t)((slash ? slash : end) - addr);
	if (!pci_ok(addr, alen))
		return addf(l, "bad-pci-address", VIFS_LINT_ERROR, v->lineno,
		    "/device/ component '", addr, alen,
		    "' is no PCI address "
		    "in an esx.conf notation (BBB:DD.F, SSSSS:BBB:DD.F or "
		    "SSSS:BB:DD.F)",
		    NULL, 0, NULL);
	if (slash == NULL || (size_t)(end - slash) != 6 ||
	    memcmp(slash, "/owner", 6) != 0)
		return VIFS_OK;
	if ((error = vifs_esxconf_unescape(&value, &vlen, v->raw_value,
	         v->raw_value_len)) < 0)
		return error;
	if (strlen(value) != vlen ||
	    (strcmp(value, "vmkernel") != 0 &&
	        strcmp(value, "passthru") != 0)) {
		error = addf(l, "bad-owner", VIFS_LINT_ERROR, v->lineno,
		    "owner of device ", addr, alen, " is \"", value, vlen,
		    "\", not \"vmkernel\" or \"passthru\"");
		goto done;
	}
	if (strcmp(value, "passthru") != 0)
		goto done;
	/* Only the line ESXi reads (the last of the key) counts. */
	{
		char *key = vifs_strndup(v->key, v->key_len);

		if (key == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		error = vifs_esxconf_find(&last, doc, key);
		free(key);
		if (error < 0 || last != index) {
			vifs_error_clear();
			error = 0;
			goto done;
		}
	}
	if ((error = vmkname_of(&vmk, &vmkline, doc, addr, alen)) < 0 ||
	    vmk == NULL || vmk[0] == '\0')
		goto done;
	snprintf(lbuf, sizeof(lbuf), "\" (line %zu), which the host needs",
	    vmkline + 1);
	error = addf(l, "passthru-vmkname", VIFS_LINT_ERROR, v->lineno,
	    "device ", addr, alen, " goes to passthru but holds vmkname \"",
	    vmk, strlen(vmk), lbuf);
done:
	free(value);
	free(vmk);
	return error;
}

static int
check_key(vifs_lint *l, const vifs_esxconf *doc,
    const struct vifs_esxconf_line *v, size_t index)
{
	const char *comp, *slash, *near;
	size_t clen;

	if (v->key[0] != '/')
		return addf(l, "key-no-slash", VIFS_LINT_ERROR, v->lineno,
		    "key '", v->key, v->key_len, "' does not start with '/'",
		    NULL, 0, NULL);
	comp = v->key + 1;
	slash = memchr(comp, '/', v->key_len - 1);
	clen = slash ? (size_t)(slash - comp) : v->key_len - 1;
	if ((near = near_component(comp, clen)) != NULL)
		return addf(l, "unknown-component", VIFS_LINT_ERROR, v->lineno,
		    "unknown component /", comp, clen, ": did you mean /", near,
		    strlen(near), "?");
	if (v->key_len > 8 && memcmp(v->key, "/device/", 8) == 0)
		return check_device(l, doc, v, index);
	return VIFS_OK;
}

struct keyref {
	const char *key;
	size_t len;
	size_t line;
};

static int
keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	int r = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

	if (r != 0)
		return r;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
check_duplicates(vifs_lint *l, struct keyref *refs, size_t n)
{
	size_t i, first = 0;
	char tail[64];
	int error;

	/* ESXi writes its keys in order: then the sort has nothing to do,
	 * and a check of each neighbour is all it costs. */
	for (i = 1; i < n && keyref_cmp(&refs[i - 1], &refs[i]) <= 0; i++)
		;
	if (i < n)
		qsort(refs, n, sizeof(*refs), keyref_cmp);
	for (i = 1; i < n; i++) {
		if (refs[i].len != refs[first].len ||
		    memcmp(refs[i].key, refs[first].key, refs[i].len) != 0) {
			first = i;
			continue;
		}
		snprintf(tail, sizeof(tail),
		    " first set on line %zu; ESXi "
		    "reads the last",
		    refs[first].line);
		if ((error = addf(l, "duplicate-key", VIFS_LINT_ERROR,
		         refs[i].line, "key ", refs[i].key, refs[i].len, tail,
		         NULL, 0, NULL)) < 0)
			return error;
	}
	return VIFS_OK;
}

static int
item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int r;

	if (a->f.line != b->f.line)
		return a->f.line < b->f.line ? -1 : 1;
	if ((r = strcmp(a->f.rule, b->f.rule)) != 0)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int
vifs_esxconf_lint(vifs_lint **out, const vifs_esxconf *doc)
{
	struct vifs_esxconf_line v;
	struct keyref *refs = NULL;
	vifs_lint *l = NULL;
	size_t i, n, nrefs = 0;
	int error = 0;

	if (out == NULL || doc == NULL)
		return vifs_error_set(VIFS_EINVAL, "lint: no document");
	*out = NULL;
	n = vifs_esxconf_line_count(doc);
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (refs = malloc((vifs_esxconf_count(doc) + 1) * sizeof(*refs))) ==
	        NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if ((error = vifs_esxconf_line(&v, doc, i)) < 0)
			goto done;
		if (v.kind == VIFS_ESXCONF_MALFORMED) {
			if ((error = check_malformed(l, &v)) < 0)
				goto done;
			continue;
		}
		if (v.kind != VIFS_ESXCONF_ENTRY)
			continue;
		refs[nrefs].key = v.key;
		refs[nrefs].len = v.key_len;
		refs[nrefs].line = v.lineno;
		nrefs++;
		if ((error = check_value(l, &v)) < 0 ||
		    (error = check_key(l, doc, &v, i)) < 0)
			goto done;
	}
	if ((error = check_duplicates(l, refs, nrefs)) < 0)
		goto done;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), item_cmp);
	*out = l;
	l = NULL;
done:
	free(refs);
	vifs_lint_free(l);
	return error;
}

size_t
vifs_lint_count(const vifs_lint *lint)
{
	return lint ? lint->n : 0;
}

size_t
vifs_lint_errors(const vifs_lint *lint)
{
	return lint ? lint->errors : 0;
}

const struct vifs_lint_finding *
vifs_lint_get(const vifs_lint *lint, size_t i)
{
	if (lint == NULL || i >= lint->n)
		return NULL;
	return &lint->v[i].f;
}

void
vifs_lint_free(vifs_lint *lint)
{
	size_t i;

	if (lint == NULL)
		return;
	for (i = 0; i < lint->n; i++)
		free(lint->v[i].msg);
	free(lint->v);
	free(lint);
}

int
vifs_lint_to_xml(char **out, size_t *out_len, const vifs_lint *lint,
    const char *file)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	size_t i;
	int error = 0;

	if (out == NULL || out_len == NULL || lint == NULL)
		return vifs_error_set(VIFS_EINVAL, "lint: no findings");
	*out = NULL;
	*out_len = 0;
	if (file == NULL)
		file = "esx.conf";
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, XC("  ")) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XC("lint")) < 0)
		goto xmlfail;
	if ((error = esxconf_xml_attr(w, "file", file, strlen(file))) < 0)
		goto done;
	if (xmlTextWriterWriteFormatAttribute(w, XC("errors"), "%zu",
	        lint->errors) < 0 ||
	    xmlTextWriterWriteFormatAttribute(w, XC("warnings"), "%zu",
	        lint->n - lint->errors) < 0)
		goto xmlfail;
	for (i = 0; i < lint->n; i++) {
		const struct vifs_lint_finding *f = &lint->v[i].f;

		if (xmlTextWriterStartElement(w, XC("finding")) < 0 ||
		    xmlTextWriterWriteFormatAttribute(w, XC("line"), "%zu",
		        f->line) < 0 ||
		    xmlTextWriterWriteAttribute(w, XC("rule"), XC(f->rule)) <
		        0 ||
		    xmlTextWriterWriteAttribute(w, XC("severity"),
		        XC(f->severity == VIFS_LINT_ERROR ? "error" :
		                                            "warning")) < 0)
			goto xmlfail;
		if ((error = esxconf_xml_text(w, f->message,
		         strlen(f->message))) < 0)
			goto done;
		if (xmlTextWriterEndElement(w) < 0)
			goto xmlfail;
	}
	if (xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndDocument(w) < 0)
		goto xmlfail;
	xmlFreeTextWriter(w);
	w = NULL;
	error = esxconf_xml_take(out, out_len, buf);
	goto done;
xmlfail:
	error = vifs_error_set(VIFS_ENOMEM, "XML writer failed");
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return error;
}
