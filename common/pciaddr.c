/*
 * pciaddr.c - PCI addresses in the notations of esx.conf, ESXi, Linux and
 * .vmx files: parse (with recognition of the notation), format, compare.
 *
 * Parsing works in two steps.  The text is first cut into its groups of
 * digits ("SEGMENT:" is optional, then "BUS:DEVICE.FUNCTION"); then every
 * notation whose shape (number of groups, width of each, radix, padding)
 * fits is asked for its reading.  With a hint only that notation is asked.
 * Without one, the readings that are in range are compared: one reading,
 * or several that name the same address, is a success; different readings
 * are refused as ambiguous.  Sources of the notations are in
 * docs/internals/pciaddr.md.
 */
#include <stdio.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/pciaddr.h>

enum { SEG, BUS, DEV, FUNC };

static const char *const part_name[4] = { "segment", "bus", "device",
	"function" };

static const unsigned part_max[4] = { 65535, 255, 31, 7 };

/* One group of digits of the text. */
struct group {
	const char *p;
	size_t len;
	int hexletter; /* holds a-f or A-F */
};

/* The text cut into groups: 3 (no segment) or 4. */
struct shape {
	struct group g[4];
	size_t n;
};

/*
 * What a notation looks like.  For three-group notations the widths are
 * those of bus, device and function (index 1..3); index 0 is unused.
 */
struct spec {
	enum vifs_pci_notation notation;
	const char *name; /* for vifs_pci_notation_name */
	const char *title; /* in messages */
	const char *example;
	size_t groups;
	int hex;
	int minimal; /* no leading zeros (printf %u) */
	unsigned char minw[4];
	unsigned char maxw[4];
};

static const struct spec specs[] = {
	{ VIFS_PCI_ESXCONF, "esxconf", "esx.conf decimal", "000:27.0", 3, 0, 0,
	    { 0, 2, 2, 1 }, { 0, 3, 2, 1 } },
	{ VIFS_PCI_ESXI_LSPCI, "esxi-lspci", "ESXi lspci decimal", "00:27.00",
	    3, 0, 0, { 0, 2, 2, 2 }, { 0, 3, 2, 2 } },
	{ VIFS_PCI_LINUX, "linux", "Linux hex", "0000:00:1b.0", 4, 1, 0,
	    { 4, 2, 2, 1 }, { 4, 2, 2, 1 } },
	{ VIFS_PCI_LINUX_SHORT, "linux-short", "Linux hex", "00:1b.0", 3, 1, 0,
	    { 0, 2, 2, 1 }, { 0, 2, 2, 1 } },
	{ VIFS_PCI_VMX, "vmx", "VMX decimal", "00000:000:27.0", 4, 0, 0,
	    { 5, 3, 2, 1 }, { 5, 3, 2, 1 } },
	{ VIFS_PCI_VMX_SHORT, "vmx-short", "VMX short decimal", "0:0:27.0", 4,
	    0, 1, { 1, 1, 1, 1 }, { 5, 3, 2, 1 } },
};

#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/*
 * Order in which readings of the same address are preferred when naming
 * the notation found: the notation whose canonical spelling the text has.
 */
static const enum vifs_pci_notation preference[] = {
	VIFS_PCI_LINUX,
	VIFS_PCI_VMX,
	VIFS_PCI_LINUX_SHORT,
	VIFS_PCI_ESXCONF,
	VIFS_PCI_ESXI_LSPCI,
	VIFS_PCI_VMX_SHORT,
};

static const struct spec *
spec_of(enum vifs_pci_notation n)
{
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].notation == n)
			return &specs[i];
	return NULL;
}

/*
 * Writes LEN bytes of TEXT into OUT as a printable, bounded quotation:
 * bytes outside printable ASCII as \xHH, at most 40 input bytes.
 */
static void
quote(char *out, size_t size, const char *text, size_t len)
{
	size_t o = 0, i;

	static const char hex[] = "0123456789abcdef";

	/* Byte by byte without printf: every parse quotes its text. */
	for (i = 0; i < len && i < 40; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 2 > size)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 5 > size)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 <= size) {
		memcpy(out + o, "...", 4);
		o += 3;
	}
	out[o < size ? o : size - 1] = '\0';
}

static int
is_hexletter(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Cuts TEXT into groups.  Fails with a message into MSG when a byte is
 * not a hex digit or separator, when the separators are not ':' [':'] '.'
 * in that order, or when a group is empty or too long for any notation.
 */
static int
cut(struct shape *s, char *msg, size_t msgsize, const char *text, size_t len)
{
	char seps[4];
	size_t nsep = 0, start = 0, i;

	memset(s, 0, sizeof(*s));
	if (len == 0) {
		snprintf(msg, msgsize, "empty address");
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (c == ':' || c == '.') {
			if (nsep == 3) {
				snprintf(msg, msgsize, "too many separators");
				return -1;
			}
			seps[nsep] = c;
			s->g[nsep].p = text + start;
			s->g[nsep].len = i - start;
			nsep++;
			start = i + 1;
			continue;
		}
		if (!is_digit(c) && !is_hexletter(c)) {
			unsigned char u = (unsigned char)c;

			if (u > 0x20 && u < 0x7f)
				snprintf(msg, msgsize,
				    "unexpected character "
				    "'%c' at offset %zu",
				    c, i);
			else
				snprintf(msg, msgsize,
				    "unexpected byte "
				    "0x%02x at offset %zu",
				    u, i);
			return -1;
		}
		if (is_hexletter(c))
			s->g[nsep].hexletter = 1;
	}
	s->g[nsep].p = text + start;
	s->g[nsep].len = len - start;
	s->n = nsep + 1;
	if (!((nsep == 2 && seps[0] == ':' && seps[1] == '.') ||
	        (nsep == 3 && seps[0] == ':' && seps[1] == ':' &&
	            seps[2] == '.'))) {
		snprintf(msg, msgsize,
		    "expected BUS:DEVICE.FUNCTION or "
		    "SEGMENT:BUS:DEVICE.FUNCTION");
		return -1;
	}
	if (s->n == 3) {
		/* Store as bus, device, function at indices 1..3. */
		s->g[3] = s->g[2];
		s->g[2] = s->g[1];
		s->g[1] = s->g[0];
		memset(&s->g[0], 0, sizeof(s->g[0]));
	}
	for (i = s->n == 3 ? 1 : 0; i < 4; i++) {
		if (s->g[i].len == 0) {
			snprintf(msg, msgsize, "empty %s", part_name[i]);
			return -1;
		}
		if (s->g[i].len > 5) {
			snprintf(msg, msgsize,
			    "%s has %zu digits, too many "
			    "for any notation",
			    part_name[i], s->g[i].len);
			return -1;
		}
	}
	return 0;
}

/*
 * Checks that S has the shape of notation SP.  Fails with a message
 * saying which part does not fit.
 */
static int
shape_fits(const struct spec *sp, const struct shape *s, char *msg,
    size_t msgsize)
{
	size_t first = sp->groups == 3 ? 1 : 0;

	/* No message is made when MSGSIZE is 0. */
#define SAY(...) (void)(msgsize ? snprintf(msg, msgsize, __VA_ARGS__) : 0)

	if (s->n != sp->groups) {
		SAY("%s notation (%s) %s", sp->title, sp->example,
		    sp->groups == 3 ? "has no segment" : "needs a segment");
		return -1;
	}
	for (size_t i = first; i < 4; i++) {
		const struct group *g = &s->g[i];

		if (g->hexletter && !sp->hex) {
			SAY("%s '%.*s' holds a hex digit, "
			    "but %s notation (%s) is decimal",
			    part_name[i], (int)g->len, g->p, sp->title,
			    sp->example);
			return -1;
		}
		if (g->len < sp->minw[i] || g->len > sp->maxw[i]) {
			if (sp->minw[i] == sp->maxw[i])
				SAY("%s '%.*s' must have "
				    "%u digit%s in %s notation (%s)",
				    part_name[i], (int)g->len, g->p,
				    sp->minw[i], sp->minw[i] == 1 ? "" : "s",
				    sp->title, sp->example);
			else
				SAY("%s '%.*s' must have "
				    "%u to %u digits in %s notation (%s)",
				    part_name[i], (int)g->len, g->p,
				    sp->minw[i], sp->maxw[i], sp->title,
				    sp->example);
			return -1;
		}
		if (sp->minimal && g->len > 1 && g->p[0] == '0') {
			SAY("%s '%.*s' has a leading zero, "
			    "which %s notation (%s) does not write",
			    part_name[i], (int)g->len, g->p, sp->title,
			    sp->example);
			return -1;
		}
	}
	return 0;
#undef SAY
}

static unsigned
digit_value(char c)
{
	if (is_digit(c))
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/*
 * Reads S (which fits SP) into *out.  Fails with a message naming the
 * part that is out of range.
 */
static int
reading(struct vifs_pciaddr *out, const struct spec *sp, const struct shape *s,
    char *msg, size_t msgsize)
{
	unsigned v[4] = { 0, 0, 0, 0 };
	unsigned radix = sp->hex ? 16 : 10;

	for (size_t i = sp->groups == 3 ? 1 : 0; i < 4; i++) {
		const struct group *g = &s->g[i];

		/* At most 5 digits: no overflow. */
		for (size_t k = 0; k < g->len; k++)
			v[i] = v[i] * radix + digit_value(g->p[k]);
		if (v[i] <= part_max[i])
			continue;
		if (sp->hex)
			snprintf(msg, msgsize,
			    "%s 0x%.*s (%u) out of range "
			    "0-%u",
			    part_name[i], (int)g->len, g->p, v[i], part_max[i]);
		else
			snprintf(msg, msgsize, "%s %.*s out of range 0-%u",
			    part_name[i], (int)g->len, g->p, part_max[i]);
		return -1;
	}
	out->segment = (uint16_t)v[SEG];
	out->bus = (uint8_t)v[BUS];
	out->dev = (uint8_t)v[DEV];
	out->func = (uint8_t)v[FUNC];
	return 0;
}

/* The notation to blame when no notation fits the shape of S. */
static const struct spec *
likely_spec(const struct shape *s)
{
	if (s->n == 4) {
		if (s->g[SEG].len == 4)
			return spec_of(VIFS_PCI_LINUX);
		if (s->g[SEG].len == 5)
			return spec_of(VIFS_PCI_VMX);
		return spec_of(VIFS_PCI_VMX_SHORT);
	}
	if (s->g[FUNC].len == 2)
		return spec_of(VIFS_PCI_ESXI_LSPCI);
	if (s->g[BUS].len == 3)
		return spec_of(VIFS_PCI_ESXCONF);
	if (s->g[BUS].hexletter || s->g[DEV].hexletter || s->g[FUNC].hexletter)
		return spec_of(VIFS_PCI_LINUX_SHORT);
	return spec_of(VIFS_PCI_ESXCONF);
}

/* Describes the parts in which A and B differ: "bus 16, device 16". */
static void
differing_parts(char *out, size_t size, const struct vifs_pciaddr *a,
    const struct vifs_pciaddr *b)
{
	unsigned va[4] = { a->segment, a->bus, a->dev, a->func };
	unsigned vb[4] = { b->segment, b->bus, b->dev, b->func };
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < 4; i++) {
		int n;

		if (va[i] == vb[i])
			continue;
		n = snprintf(out + o, size - o, "%s%s %u", o ? ", " : "",
		    part_name[i], va[i]);
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

static int
parse_auto(struct vifs_pciaddr *out, enum vifs_pci_notation *found,
    const struct shape *s, const char *q)
{
	struct vifs_pciaddr addr[NSPECS];
	const struct spec *sp[NSPECS];
	char why[NSPECS][160];
	size_t nfit = 0, nok = 0, first = 0, other = 0;
	int linux_claims;

	/* DOMAIN rule: a 4-digit segment with a 2-digit bus is Linux hex. */
	linux_claims = s->n == 4 && s->g[SEG].len == 4 && s->g[BUS].len == 2;
	for (size_t i = 0; i < NSPECS; i++) {
		const struct spec *cand = spec_of(preference[i]);

		if (linux_claims && cand->notation != VIFS_PCI_LINUX)
			continue;
		/* A candidate that does not fit is skipped: no message. */
		if (shape_fits(cand, s, NULL, 0) != 0)
			continue;
		sp[nfit] = cand;
		if (reading(&addr[nfit], cand, s, why[nfit],
		        sizeof(why[nfit])) == 0) {
			if (nok == 0)
				first = nfit;
			else if (vifs_pciaddr_cmp(&addr[first], &addr[nfit]) !=
			        0 &&
			    other == 0)
				other = nfit;
			nok++;
		}
		nfit++;
	}
	if (nfit == 0) {
		char msg[160];

		shape_fits(likely_spec(s), s, msg, sizeof(msg));
		return vifs_error_set(VIFS_EPARSE, "PCI address '%s': %s", q,
		    msg);
	}
	if (nok == 0) {
		if (nfit == 1)
			return vifs_error_set(VIFS_EPARSE,
			    "PCI address '%s': %s", q, why[0]);
		return vifs_error_set(VIFS_EPARSE,
		    "PCI address '%s': no "
		    "valid reading: as %s, %s; as %s, %s",
		    q, sp[0]->title, why[0], sp[1]->title, why[1]);
	}
	if (other != 0) {
		char a[VIFS_PCIADDR_MAX], b[VIFS_PCIADDR_MAX];
		char da[64], db[64];
		enum vifs_pci_notation na = sp[first]->notation;
		enum vifs_pci_notation nb = sp[other]->notation;

		/* Show each reading in its full spelling. */
		if (na == VIFS_PCI_LINUX_SHORT)
			na = VIFS_PCI_LINUX;
		if (nb == VIFS_PCI_LINUX_SHORT)
			nb = VIFS_PCI_LINUX;
		if (vifs_pciaddr_format(a, sizeof(a), &addr[first], na) != 0 ||
		    vifs_pciaddr_format(b, sizeof(b), &addr[other], nb) != 0)
			return vifs_error_set(VIFS_EAMBIGUOUS,
			    "%s is ambiguous; name the notation", q);
		differing_parts(da, sizeof(da), &addr[first], &addr[other]);
		differing_parts(db, sizeof(db), &addr[other], &addr[first]);
		return vifs_error_set(VIFS_EAMBIGUOUS,
		    "%s is ambiguous: %s %s "
		    "(%s) or %s %s (%s); name the notation",
		    q, sp[first]->hex ? "Linux hex" : "decimal", a, da,
		    sp[other]->hex ? "Linux hex" : "decimal", b, db);
	}
	*out = addr[first];
	if (found)
		*found = sp[first]->notation;
	return VIFS_OK;
}

int
vifs_pciaddr_parse_n(struct vifs_pciaddr *out, enum vifs_pci_notation *found,
    const char *text, size_t len, enum vifs_pci_notation hint)
{
	struct shape s;
	struct vifs_pciaddr addr;
	const struct spec *sp = NULL;
	char q[200], msg[160];

	if (out == NULL || (text == NULL && len != 0))
		return vifs_error_set(VIFS_EINVAL, "PCI address: no text");
	if (hint != VIFS_PCI_AUTO && (sp = spec_of(hint)) == NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "PCI address: unknown notation %d", (int)hint);
	quote(q, sizeof(q), text, len);
	if (cut(&s, msg, sizeof(msg), text, len) != 0)
		return vifs_error_set(VIFS_EPARSE, "PCI address '%s': %s", q,
		    msg);
	if (sp == NULL)
		return parse_auto(out, found, &s, q);
	if (shape_fits(sp, &s, msg, sizeof(msg)) != 0 ||
	    reading(&addr, sp, &s, msg, sizeof(msg)) != 0)
		return vifs_error_set(VIFS_EPARSE, "PCI address '%s': %s", q,
		    msg);
	*out = addr;
	if (found)
		*found = hint;
	return VIFS_OK;
}

int
vifs_pciaddr_parse(struct vifs_pciaddr *out, enum vifs_pci_notation *found,
    const char *text, enum vifs_pci_notation hint)
{
	if (text == NULL)
		return vifs_error_set(VIFS_EINVAL, "PCI address: no text");
	return vifs_pciaddr_parse_n(out, found, text, strlen(text), hint);
}

int
vifs_pciaddr_format(char *buf, size_t size, const struct vifs_pciaddr *addr,
    enum vifs_pci_notation notation)
{
	unsigned s, b, d, f;
	int n;

	if (buf == NULL || addr == NULL || size == 0)
		return vifs_error_set(VIFS_EINVAL, "PCI address: no buffer");
	buf[0] = '\0';
	s = addr->segment;
	b = addr->bus;
	d = addr->dev;
	f = addr->func;
	if (d > 31 || f > 7)
		return vifs_error_set(VIFS_EINVAL,
		    "PCI address: device %u or "
		    "function %u out of range",
		    d, f);
	switch (notation) {
	case VIFS_PCI_ESXCONF:
	case VIFS_PCI_ESXI_LSPCI:
	case VIFS_PCI_LINUX_SHORT:
		if (s != 0)
			return vifs_error_set(VIFS_EINVAL,
			    "PCI address: "
			    "segment %u cannot be written in %s notation",
			    s, vifs_pci_notation_name(notation));
		if (notation == VIFS_PCI_ESXCONF)
			n = snprintf(buf, size, "%03u:%02u.%u", b, d, f);
		else if (notation == VIFS_PCI_ESXI_LSPCI)
			n = snprintf(buf, size, "%02u:%02u.%02u", b, d, f);
		else
			n = snprintf(buf, size, "%02x:%02x.%x", b, d, f);
		break;
	case VIFS_PCI_LINUX:
		n = snprintf(buf, size, "%04x:%02x:%02x.%x", s, b, d, f);
		break;
	case VIFS_PCI_VMX:
		n = snprintf(buf, size, "%05u:%03u:%02u.%u", s, b, d, f);
		break;
	case VIFS_PCI_VMX_SHORT:
		n = snprintf(buf, size, "%u:%u:%u.%u", s, b, d, f);
		break;
	case VIFS_PCI_AUTO:
	default:
		return vifs_error_set(VIFS_EINVAL,
		    "PCI address: no notation "
		    "to format in");
	}
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return vifs_error_set(VIFS_EINVAL,
		    "PCI address: buffer of %zu "
		    "bytes too small",
		    size);
	}
	return VIFS_OK;
}

int
vifs_pciaddr_cmp(const struct vifs_pciaddr *a, const struct vifs_pciaddr *b)
{
	if (a->segment != b->segment)
		return a->segment < b->segment ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

const char *
vifs_pci_notation_name(enum vifs_pci_notation n)
{
	const struct spec *sp;

	if (n == VIFS_PCI_AUTO)
		return "auto";
	if ((sp = spec_of(n)) == NULL)
		return "unknown";
	return sp->name;
}

int
vifs_pci_notation_parse(enum vifs_pci_notation *out, const char *name)
{
	char q[200];

	if (out == NULL || name == NULL)
		return vifs_error_set(VIFS_EINVAL, "PCI notation: no name");
	if (strcmp(name, "auto") == 0) {
		*out = VIFS_PCI_AUTO;
		return VIFS_OK;
	}
	for (size_t i = 0; i < NSPECS; i++) {
		if (strcmp(name, specs[i].name) == 0) {
			*out = specs[i].notation;
			return VIFS_OK;
		}
	}
	quote(q, sizeof(q), name, strlen(name));
	return vifs_error_set(VIFS_EINVAL,
	    "unknown PCI notation '%s' (auto, "
	    "esxconf, esxi-lspci, linux, linux-short, vmx, vmx-short)",
	    q);
}
