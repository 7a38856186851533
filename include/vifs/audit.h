/*
 * vifs/audit.h - audits of esx.conf against a baseline, and the report
 * of a fleet's audit.
 *
 * A baseline is an esx.conf fragment of what every host must have:
 *
 *   /adv/Misc/LogPort = "514"        the key must have this value
 *   /adv/UserVars/SuppressShellWarning = "*"   the key must exist
 *   !/adv/Net/FollowHardwareMac      the key must be absent
 *   # comments and blank lines
 *
 * Values are written as in esx.conf (quoted, '|' escapes); a value that is
 * exactly '*' (quoted or not) means "any"; write "|2a" for a literal '*'.
 *
 * An audit of one host's esx.conf is its lint findings, the devices given
 * to passthru (directly, or through a bridge when a topology from the
 * host's inventory is known) and its drift from the baseline.  A host is
 * "drift" when it has drift or a lint error, "ok" otherwise.
 *
 * The report (docs/schemas/audit.xsd, or audit.schema.json as JSON) is
 * written host by host as results arrive, to a temporary file renamed
 * into place when it is closed, so its memory does not grow with the
 * fleet; vifs_audit_report_failed() reads one back (XML with libxml2's
 * streaming reader, JSON with jansson) for the hosts to try again.  The
 * same report can also give Prometheus metrics of the run.
 */
#ifndef VIFS_AUDIT_H
#define VIFS_AUDIT_H

#include <stddef.h>

#include <vifs/common.h>
#include <vifs/esxconf.h>
#include <vifs/passthru.h>
#include <vifs/roles.h>

/* --- baselines ---------------------------------------------------------- */

typedef struct vifs_baseline vifs_baseline;

enum vifs_baseline_rule {
	VIFS_BASELINE_EQUALS = 1, /* key = "value" */
	VIFS_BASELINE_EXISTS, /* key = "*" */
	VIFS_BASELINE_ABSENT, /* !key */
};

/*
 * Parses LEN bytes of BUF into a new *out (free with
 * vifs_baseline_free()).  NAME is used in messages (NULL: "baseline").
 * Fails with VIFS_EPARSE and "NAME:LINE: ..." for a line that is no rule,
 * comment or blank, a key that esx.conf cannot hold, a "!key" line with
 * a value, or a key given twice.
 */
VIFS_EXTERN int vifs_baseline_parse(vifs_baseline **out, const char *name,
    const char *buf, size_t len);

/* Reads and parses the file PATH. */
VIFS_EXTERN int vifs_baseline_open(vifs_baseline **out, const char *path);

VIFS_EXTERN void vifs_baseline_free(vifs_baseline *b);

/* Number of rules; the name given to parse (borrowed). */
VIFS_EXTERN size_t vifs_baseline_count(const vifs_baseline *b);
VIFS_EXTERN const char *vifs_baseline_name(const vifs_baseline *b);

/* --- the audit of one host ---------------------------------------------- */

enum vifs_drift_kind {
	VIFS_DRIFT_MISSING = 1, /* an EQUALS or EXISTS key is absent */
	VIFS_DRIFT_DIFFERS, /* an EQUALS key has another value */
	VIFS_DRIFT_PRESENT, /* an ABSENT key is there */
};

/*
 * One difference from the baseline.  Strings borrow from the audit:
 * EXPECTED is the baseline's value (decoded; "*" for EXISTS, NULL for
 * ABSENT), ACTUAL the host's (decoded; NULL when missing), LINE the
 * host's line (0 when missing), BASELINE_LINE the rule's line.
 */
struct vifs_drift {
	enum vifs_drift_kind kind;
	const char *key;
	const char *expected;
	const char *actual;
	size_t actual_len; /* ACTUAL may hold NUL bytes */
	size_t line;
	size_t baseline_line;
};

typedef struct vifs_audit vifs_audit;

/*
 * Audits DOC: lint, the devices given to passthru (with TOPO when known;
 * may be NULL), and the drift from BASELINE (may be NULL: no drift).
 * DOC, BASELINE and TOPO must outlive *out (free with vifs_audit_free()).
 */
VIFS_EXTERN int vifs_audit_new(vifs_audit **out, const vifs_esxconf *doc,
    const vifs_baseline *baseline, const vifs_pci_topology *topo);

VIFS_EXTERN void vifs_audit_free(vifs_audit *a);

/* The lint of the document; borrowed. */
VIFS_EXTERN const vifs_lint *vifs_audit_lint(const vifs_audit *a);

/* Drift I of vifs_audit_drift_count(), in baseline order; borrowed. */
VIFS_EXTERN size_t vifs_audit_drift_count(const vifs_audit *a);
VIFS_EXTERN const struct vifs_drift *vifs_audit_drift(const vifs_audit *a,
    size_t i);

/* The devices whose effective owner is passthru, in address order;
 * borrowed. */
VIFS_EXTERN size_t vifs_audit_passthru_count(const vifs_audit *a);
VIFS_EXTERN const struct vifs_passthru_dev *
vifs_audit_passthru(const vifs_audit *a, size_t i);

/* Whether a topology was used. */
VIFS_EXTERN int vifs_audit_has_topology(const vifs_audit *a);

/*
 * A device the host cannot give away that passthru takes from it (needs a
 * topology with roles, from an inventory): DEVICE is passthru and is the
 * device HOLDER that holds ROLE (itself, or through a bridge), or shares
 * HOLDER's slot.  RULE is "passthru-boot-controller",
 * "passthru-management-nic" or "passthru-coredump-controller"; MESSAGE
 * names both, the role and what it does to the host.  Always an error.
 */
struct vifs_audit_danger {
	const char *rule;
	struct vifs_pciaddr device;
	struct vifs_pciaddr holder;
	enum vifs_role role;
	const char *message;
};

/* Dangers in the order of the passthru devices; borrowed. */
VIFS_EXTERN size_t vifs_audit_danger_count(const vifs_audit *a);
VIFS_EXTERN const struct vifs_audit_danger *
vifs_audit_danger(const vifs_audit *a, size_t i);

/* Drift, lint errors and dangers: non-zero makes the host "drift". */
VIFS_EXTERN size_t vifs_audit_problems(const vifs_audit *a);

/* --- the report of a fleet ---------------------------------------------- */

enum vifs_audit_status {
	VIFS_AUDIT_OK = 0, /* audited, no problem */
	VIFS_AUDIT_DRIFT, /* audited, drift or lint errors */
	VIFS_AUDIT_FAILED, /* could not be audited */
	VIFS_AUDIT_SKIPPED, /* not tried (the run was stopped) */
};

typedef struct vifs_audit_report vifs_audit_report;

/*
 * Starts the report at PATH: a temporary file beside it, with the
 * document's start (BASELINE, the baseline's name, may be NULL).  Free
 * with vifs_audit_report_free(), which removes the temporary file unless
 * vifs_audit_report_close() renamed it into place.
 */
VIFS_EXTERN int vifs_audit_report_open(vifs_audit_report **out,
    const char *path, const char *baseline);

enum vifs_audit_format {
	VIFS_AUDIT_FORMAT_XML = 0, /* docs/schemas/audit.xsd */
	VIFS_AUDIT_FORMAT_JSON, /* docs/schemas/audit.schema.json */
};

/*
 * What a run's report goes to: the document at PATH (NULL: none) in
 * FORMAT, beside it a temporary file until it is closed; and METRICS
 * (NULL: none), a file of Prometheus metrics in the text exposition
 * format for node_exporter's textfile collector, written atomically when
 * the report is closed, carrying each host's last successful audit time
 * over from the file it replaces.  BASELINE names the baseline file.
 */
struct vifs_audit_report_opts {
	const char *path;
	enum vifs_audit_format format;
	const char *metrics;
	const char *baseline;
};

/* Starts a report as O says (at least one of PATH and METRICS). */
VIFS_EXTERN int vifs_audit_report_start(vifs_audit_report **out,
    const struct vifs_audit_report_opts *o);

/*
 * Appends the element of host NAME.  For OK and DRIFT, AUDIT holds what
 * was found (INVENTORY, the inventory file used, may be NULL); for FAILED
 * and SKIPPED, ERROR is the vifs_error code and REASON one line.  The
 * element is flushed to the file before the call returns.
 */
VIFS_EXTERN int vifs_audit_report_host(vifs_audit_report *r, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit,
    const char *inventory, int error, const char *reason);

/*
 * Ends the document with the summary (counted from the hosts written and
 * SECONDS, the wall time of the run), syncs it and renames it over PATH;
 * then writes the metrics file.
 */
VIFS_EXTERN int vifs_audit_report_close(vifs_audit_report *r, double seconds);

VIFS_EXTERN void vifs_audit_report_free(vifs_audit_report *r);

/* Names used in the report and messages: "ok", "drift", "failed",
 * "skipped"; "missing", "differs", "present"; static. */
VIFS_EXTERN const char *vifs_audit_status_name(enum vifs_audit_status s);
VIFS_EXTERN const char *vifs_drift_kind_name(enum vifs_drift_kind k);

/*
 * Reads a report (LEN bytes of BUF, or the file PATH) and lists the hosts
 * it has as failed or skipped, in report order: *out is a NULL-terminated
 * array of *count strings (free with vifs_audit_hosts_free()).  The
 * document must be an audit report: a DTD is refused, external entities
 * are never loaded, and a host name longer than 1024 bytes is an error
 * (VIFS_EPARSE, with the line).
 */
VIFS_EXTERN int vifs_audit_report_failed_parse(char ***out, size_t *count,
    const char *buf, size_t len);
VIFS_EXTERN int vifs_audit_report_failed(char ***out, size_t *count,
    const char *path);
VIFS_EXTERN void vifs_audit_hosts_free(char **hosts);

#endif
