/*
 * fleet_int.h - what fleet.c (the fleet, its hosts and their accessors)
 * and fleet_run.c (slots, requests and the loop) share: the three
 * structures and two helpers.  Internal to libvifs.
 */
#ifndef VIFS_FLEET_INT_H
#define VIFS_FLEET_INT_H

#include <stdint.h>
#include <time.h>

#include <curl/curl.h>

#include <vifs/fleet.h>
#include <vifs/trust.h>

#include "http_int.h"
#include "internal.h"

#define DEFAULT_BODY_MAX ((size_t)64 << 20)
#define DEFAULT_RETRY_MS 500L
#define TICK_MS 100
#define REASON_MAX 1000

struct slot;

struct vifs_fleet_host {
	vifs_fleet *fleet;
	char *name;
	char *base_url;
	char *username; /* NULL: the fleet's */
	char *password;
	char *thumbprint;
	char *reason; /* failed or skipped */
	vifs_http *borrowed; /* the caller's handle (vifs_fleet_add_http) */
	void *data;
	struct slot *slot; /* while running */
	size_t index;
	long http_status;
	long long last_modified; /* of the last response, -1: none */
	int error;
	enum vifs_fleet_state state;
};

/* A host in its slot, and its request. */
struct slot {
	vifs_fleet_host *host;
	vifs_http *http;
	int own_http; /* HTTP is the slot's, freed with it */
	int busy; /* a host holds the slot */
	int pending; /* a request is set up or in progress */
	int in_multi; /* its handle is in the multi handle */
	enum method method;
	char *url_path;
	struct sink sink;
	struct source src;
	struct curl_slist *headers;
	struct vifs_buf body; /* get_buf */
	int body_ready; /* BODY holds a finished get_buf */
	int sink_borrowed; /* get_fd: the sink's fd is the caller's */
	int src_borrowed; /* put_fd: the source's fd is the caller's */
	struct vifs_buf tmp; /* get_file: the temporary file */
	char *local_path; /* get_file: the target */
	char *put_data; /* put_buf, post_buf: a copy (a POST's is wiped:
			 * a login's envelope holds a password) */
	size_t put_len;
	char **post_headers; /* post_buf: copies, NULL-terminated */
	char *session_cookie; /* post_buf: the cookie to keep, or NULL */
	unsigned attempt, attempts;
	unsigned get_retries; /* of the fleet, or of a borrowed handle */
	long retry_base_ms;
	long backoff_ms;
	int64_t wake_ms; /* parked for a retry until then; 0: not */
	int64_t deadline_ms; /* 0: none */
	char first[256]; /* the first failure of a retried request */
};

struct vifs_fleet {
	struct vifs_fleet_opts o;
	char *username, *password, *cacert_file, *thumbprint, *known_hosts;
	vifs_known_hosts *kh;
	CURLM *multi;
	vifs_fleet_host **hosts;
	size_t n, cap;
	size_t next; /* first host not started */
	struct slot *slots;
	size_t nslots;
	struct vifs_fleet_stats stats;
	int64_t start_ms;
	int running; /* inside vifs_fleet_run() */
	int stop;
};

/* Milliseconds of the monotonic clock. */
static inline int64_t
fleet_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets the reason of H: one line, control characters made harmless. */
void fleet_set_reason(vifs_fleet_host *h, const char *fmt, ...)
    VIFS_PRINTF(2, 3);

#endif
