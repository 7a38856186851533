/*
 * audit_int.h - what the files of the audit share: the inside of a
 * baseline (audit_baseline.c, read by audit_host.c), and the parts of the
 * fleet's report that audit_report.c and audit_report_read.c share with
 * audit_json.c (the JSON report) and audit_metrics.c (the Prometheus
 * metrics); not installed.
 */
#ifndef VIFS_AUDIT_INT_H
#define VIFS_AUDIT_INT_H

#include <stddef.h>

#include <jansson.h>

#include <vifs/audit.h>

/* One rule of a baseline. */
struct audit_rule {
	enum vifs_baseline_rule kind;
	char *key;
	char *value; /* decoded; EQUALS only */
	size_t value_len;
	size_t line;
};

/* A parsed baseline: its name and rules. */
struct vifs_baseline {
	char *name;
	struct audit_rule *v;
	size_t n, cap;
};

/*
 * The host element of the JSON report (docs/schemas/audit.schema.json) as
 * a new object *out: NAME, STATUS and, for an audited host, AUDIT (with
 * INVENTORY, may be NULL), else CODE (the error code's name) and REASON.
 */
int audit_json_host(json_t **out, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit,
    const char *inventory, const char *code, const char *reason);

/* The start of the JSON report, up to the opening of "hosts", into a new
 * string *out (caller frees). */
int audit_json_start(char **out, const char *started, const char *baseline);

/* The end of the JSON report: the summary and the closing brackets. */
int audit_json_end(char **out, const size_t counts[4], double seconds,
    const char *finished);

/* The failed and skipped hosts of a JSON report, as
 * vifs_audit_report_failed_parse() gives them. */
int audit_json_failed(char ***out, size_t *count, const char *buf, size_t len);

/* --- metrics ------------------------------------------------------------ */

typedef struct audit_metrics audit_metrics;

/*
 * Starts the metrics of a run that go to PATH; the last successful audit
 * time of each host is carried over from the file PATH has now (a missing
 * file is no error; one that cannot be read is).
 */
int audit_metrics_open(audit_metrics **out, const char *path);

/* Records host NAME: STATUS, AUDIT for audited hosts, ERROR for failed. */
int audit_metrics_host(audit_metrics *m, const char *name,
    enum vifs_audit_status status, const vifs_audit *audit, int error,
    long long now);

/* Writes the file atomically, with the run's duration SECONDS. */
int audit_metrics_write(audit_metrics *m, double seconds, long long now);

void audit_metrics_free(audit_metrics *m);

/*
 * Reads the last successful audit times from LEN bytes of BUF, a metrics
 * file written before, calling CB for each host; lines that are not such
 * a sample are skipped.  Fails with VIFS_EPARSE for a sample whose host
 * label is broken.
 */
typedef int (*audit_metrics_cb)(const char *host, double t, void *payload);
int audit_metrics_parse(const char *buf, size_t len, audit_metrics_cb cb,
    void *payload);

#endif
