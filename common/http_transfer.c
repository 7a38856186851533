/*
 * http_transfer.c - the blocking requests of the public API: GET into a
 * buffer, PUT of a buffer, DELETE, HEAD and the POST the SOAP client
 * uses; and the temporary file a download to a file goes through (created
 * beside it, renamed once complete), which the fleet engine's transfers
 * use (vifs/transfer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include <vifs/error.h>
#include <vifs/http.h>

#include "http_int.h"
#include "internal.h"

#define POST_MAX ((size_t)64 << 20)

int
vifs_http_get_buf(vifs_http *h, const char *url_path, char **out,
    size_t *out_len, size_t max)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct sink s = { h, -1, &b, max ? max : (size_t)1 << 30, 0, 0, 0, 0,
		0 };
	int error;

	*out = NULL;
	*out_len = 0;
	error = http_perform(h, M_GET, url_path, &s, NULL, http_rewind_buf);
	if (error == 0) {
		*out = vifs_buf_detach(&b, out_len);
		if (*out == NULL)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	vifs_buf_free(&b);
	return error;
}

int
http_tmp_open(struct vifs_buf *tmp, int *fd, const char *local_path)
{
	int error;

	*fd = -1;
	tmp->len = 0;
	if ((error = vifs_buf_printf(tmp, "%s.vifs-part-XXXXXX", local_path)) <
	    0)
		return error;
	if ((*fd = mkstemp(tmp->data)) < 0)
		return vifs_error_set(VIFS_EIO,
		    "%s: cannot create a "
		    "temporary file beside it: %s",
		    local_path, strerror(errno));
	/* 0600 whatever the umask: a host's files (esx.conf, a
	 * configuration bundle) can hold secrets; share them on purpose. */
	if (fchmod(*fd, 0600) != 0) {
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp->data,
		    strerror(errno));
		close(*fd);
		*fd = -1;
		unlink(tmp->data);
		return error;
	}
	return VIFS_OK;
}

int
http_tmp_commit(vifs_http *h, const char *url_path, struct sink *sink,
    const char *tmp, const char *local_path, int sync)
{
	curl_off_t expected = -1;
	int error = 0;

	curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
	    &expected);
	if (expected >= 0 && (uint64_t)expected != sink->received) {
		error = vifs_error_set(VIFS_ENET,
		    "%s: %s: received %llu of "
		    "%lld bytes",
		    h->hostport, url_path, (unsigned long long)sink->received,
		    (long long)expected);
		goto done;
	}
	if ((sync && fsync(sink->fd) != 0) || close(sink->fd) != 0) {
		sink->fd = -1;
		error = vifs_error_set(VIFS_EIO, "%s: %s", tmp,
		    strerror(errno));
		goto done;
	}
	sink->fd = -1;
	if (rename(tmp, local_path) != 0)
		error = vifs_error_set(VIFS_EIO, "%s: %s", local_path,
		    strerror(errno));
done:
	if (sink->fd >= 0)
		close(sink->fd);
	sink->fd = -1;
	if (error < 0)
		unlink(tmp);
	return error;
}

int
vifs_http_put_buf(vifs_http *h, const char *url_path, const void *data,
    size_t len)
{
	struct sink s = { h, -1, NULL, 0, 0, 0, 0, 0, 0 };
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct source src = { -1, data, len, 0, NULL };
	int error;

	s.buf = &discard;
	s.max = (size_t)1 << 20;
	error = http_perform(h, M_PUT, url_path, &s, &src, NULL);
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_delete(vifs_http *h, const char *url_path)
{
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct sink s = { h, -1, &discard, (size_t)1 << 20, 0, 0, 0, 0, 0 };
	int error;

	error = http_perform(h, M_DELETE, url_path, &s, NULL, NULL);
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_head(vifs_http *h, const char *url_path, int64_t *size)
{
	struct vifs_buf discard = VIFS_BUF_INIT;
	struct sink s = { h, -1, &discard, (size_t)1 << 20, 0, 0, 0, 0, 0 };
	curl_off_t len = -1;
	int error;

	*size = -1;
	error = http_perform(h, M_HEAD, url_path, &s, NULL, http_rewind_buf);
	if (error == 0) {
		curl_easy_getinfo(h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
		    &len);
		*size = len;
	}
	vifs_buf_free(&discard);
	return error;
}

int
vifs_http_post(vifs_http *h, const char *url_path, const char *const *headers,
    const void *body, size_t len, char **out, size_t *out_len, size_t max)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	struct sink s = { h, -1, &b, max ? max : POST_MAX, 0, 0, 0, 0, 1 };
	struct source src = { -1, body, len, 0, headers };
	int error;

	*out = NULL;
	*out_len = 0;
	error = http_perform(h, M_POST, url_path, &s, &src, NULL);
	if (error == 0) {
		*out = vifs_buf_detach(&b, out_len);
		if (*out == NULL)
			error = vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	vifs_buf_free(&b);
	return error;
}
