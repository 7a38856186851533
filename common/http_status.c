/*
 * http_status.c - judges a request that ended: libcurl's result, the
 * status and the sink's state become an error code and one message
 * (refused certificates, timeouts, refused connections, 401/403/404...),
 * and says whether the failure may be tried again.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include <vifs/error.h>
#include <vifs/http.h>

#include "http_int.h"

static const char *
method_name(enum method m)
{
	switch (m) {
	case M_GET:
		return "GET";
	case M_PUT:
		return "PUT";
	case M_DELETE:
		return "DELETE";
	case M_HEAD:
		return "HEAD";
	case M_POST:
		return "POST";
	}
	return "?";
}

/*
 * A short text from the error body for messages: the first line of a plain
 * body, or the <title> of an HTML page when the status line does not say
 * the same already; "" when there is nothing useful.  Control characters
 * become '?', so a server cannot send escape sequences to a terminal.
 */
static const char *
errbody_line(vifs_http *h)
{
	char *p = h->errbody, *end;
	size_t n;

	while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
		p++;
	if (*p == '<') {
		char *t = strstr(p, "<title>");

		if (t == NULL)
			t = strstr(p, "<TITLE>");
		if (t == NULL)
			return "";
		p = t + 7;
		if ((end = strchr(p, '<')) != NULL)
			*end = '\0';
	}
	n = strcspn(p, "\r\n");
	p[n] = '\0';
	for (char *q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	if (*p == '\0' || strstr(h->status_line, p) != NULL)
		return "";
	return p;
}

static const char *
privilege_for(const char *url_path)
{
	if (strncmp(url_path, "/host", 5) == 0)
		return "Host.Config.AdvancedConfig";
	if (strncmp(url_path, "/tmp", 4) == 0)
		return "Host.Config.SystemManagement";
	return "Datastore.Browse and Datastore.FileManagement";
}

/* Turns the outcome of a request into an error code and message. */
static int
outcome(vifs_http *h, enum method m, const char *url_path, CURLcode rc)
{
	const char *meth = method_name(m);

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->status);
	/* An error body cut short: the status is the news. */
	if (rc == CURLE_WRITE_ERROR && h->errbody_cut)
		rc = CURLE_OK;
	if (rc != CURLE_OK) {
		const char *why = *h->curl_error ? h->curl_error :
		                                   curl_easy_strerror(rc);

		if (h->tls_refused || rc == CURLE_PEER_FAILED_VERIFICATION) {
			if (h->pin_mismatch)
				return vifs_error_set(VIFS_ETLS,
				    "%s: "
				    "certificate does not match the pinned "
				    "thumbprint (%s); host SHA-256 "
				    "thumbprint %s, SHA-1 %s; if the host's "
				    "certificate was replaced on purpose: "
				    "vifs trust %s",
				    h->hostport, h->pin_source, h->peer_sha256,
				    h->peer_sha1, h->hostport);
			return vifs_error_set(VIFS_ETLS,
			    "%s: certificate "
			    "not trusted (%s); host SHA-256 thumbprint %s, "
			    "SHA-1 %s; to trust it: vifs trust %s (or "
			    "--thumbprint %s)",
			    h->hostport, *h->tls_why ? h->tls_why : why,
			    *h->peer_sha256 ? h->peer_sha256 : "unknown",
			    *h->peer_sha1 ? h->peer_sha1 : "unknown",
			    h->hostport,
			    *h->peer_sha256 ? h->peer_sha256 : "...");
		}
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			if (http_deadline_reached(h))
				return http_deadline_passed(h, url_path);
			return vifs_error_set(VIFS_ETIMEOUT,
			    "%s: %s %s: "
			    "timed out (%s)",
			    h->hostport, meth, url_path, why);
		case CURLE_ABORTED_BY_CALLBACK:
			return vifs_error_set(VIFS_ERROR,
			    "%s: %s %s: "
			    "aborted",
			    h->hostport, meth, url_path);
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			return vifs_error_set(VIFS_ETLS, "%s: TLS: %s",
			    h->hostport, why);
		case CURLE_COULDNT_CONNECT: {
			long oserr = 0;

			curl_easy_getinfo(h->curl, CURLINFO_OS_ERRNO, &oserr);
			if (oserr != 0)
				return vifs_error_set(VIFS_ENET,
				    "%s: cannot "
				    "connect: %s",
				    h->hostport, strerror((int)oserr));
			return vifs_error_set(VIFS_ENET,
			    "%s: cannot connect: %s", h->hostport, why);
		}
		case CURLE_COULDNT_RESOLVE_HOST:
			return vifs_error_set(VIFS_ENET,
			    "%s: unknown host "
			    "(%s)",
			    h->hostport, why);
		default:
			return vifs_error_set(VIFS_ENET, "%s: %s %s: %s",
			    h->hostport, meth, url_path, why);
		}
	}
	/* A POST's answer is the caller's to judge, whatever its status. */
	if (http_is_success(h->status) || m == M_POST)
		return VIFS_OK;
	switch (h->status) {
	case 401:
		return vifs_error_set(VIFS_EAUTH,
		    "authentication failed for "
		    "%s@%s",
		    h->username ? h->username : "(no user)", h->hostport);
	case 403:
		return vifs_error_set(VIFS_EPERM,
		    "%s: permission denied for "
		    "%s %s: the user needs the privilege %s",
		    h->hostport, meth, url_path, privilege_for(url_path));
	case 404:
		if (m == M_PUT && strncmp(url_path, "/host", 5) == 0)
			return vifs_error_set(VIFS_ENOTFOUND,
			    "%s: PUT %s: no such file; files in /host can be "
			    "replaced but not created",
			    h->hostport, url_path);
		if (m == M_PUT)
			return vifs_error_set(VIFS_ENOTFOUND,
			    "%s: PUT %s: not found (no such datastore, "
			    "datacenter or directory)",
			    h->hostport, url_path);
		return vifs_error_set(VIFS_ENOTFOUND, "%s: no such file: %s",
		    h->hostport, url_path);
	case 405:
		if (m == M_DELETE)
			return vifs_error_set(VIFS_EUNSUPPORTED,
			    "%s: DELETE %s: "
			    "%s (the file service deletes files only; a "
			    "directory is deleted through the VIM API)",
			    h->hostport, url_path,
			    *h->status_line ? h->status_line : "405");
		/* FALLTHROUGH */
	default: {
		const char *body = errbody_line(h);

		return vifs_error_set(VIFS_EHTTP, "%s: %s %s: %s%s%s",
		    h->hostport, meth, url_path,
		    *h->status_line ? h->status_line : "no status line",
		    *body ? ": " : "", body);
	}
	}
}

int
http_req_retryable(vifs_http *h, CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return !h->tls_refused;
	case CURLE_OK:
		return h->status == 502 || h->status == 503 || h->status == 504;
	default:
		return 0;
	}
}

int
http_req_end(vifs_http *h, enum method m, const char *url_path,
    struct sink *sink, CURLcode rc)
{
	curl_off_t filetime = -1;

	if (curl_easy_getinfo(h->curl, CURLINFO_FILETIME_T, &filetime) ==
	        CURLE_OK &&
	    filetime >= 0)
		h->last_modified = (long long)filetime;
	if (sink->too_big)
		return vifs_error_set(VIFS_ETOOBIG,
		    "%s: %s is larger "
		    "than %zu bytes",
		    h->hostport, url_path, sink->max);
	if (sink->write_failed)
		return vifs_error_set(VIFS_EIO,
		    "writing the body of "
		    "%s: %s",
		    url_path, strerror(sink->write_errno));
	return outcome(h, m, url_path, rc);
}
