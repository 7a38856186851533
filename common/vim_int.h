/*
 * vim_int.h - the transport seam of the VIM client, for the unit tests and
 * the fuzz target; not installed.
 *
 * A client made with vim_new_transport() hands every request to POST
 * instead of a vifs_http: the tests read the envelopes it builds and
 * answer with responses captured from a host.
 */
#ifndef VIFS_VIM_INT_H
#define VIFS_VIM_INT_H

#include <stddef.h>

#include <vifs/vim.h>

/* What one exchange brought back; filled by the transport. */
struct vim_reply {
	char *body; /* malloc'd; the client frees it */
	size_t len;
	long status; /* HTTP status */
	const char *cookie; /* vmware_soap_session the answer set, or NULL;
	                     * borrowed until the next exchange */
};

/*
 * Sends LEN bytes of the envelope REQ.  Returns 0 with *reply filled, or
 * a negative vifs_error after vifs_error_set() when no answer came.
 */
typedef int (*vim_post_fn)(void *arg, const char *req, size_t len,
    struct vim_reply *reply);

/* As vifs_vim_new(), over POST; WHERE names the host in messages. */
int vim_new_transport(vifs_vim **out, vim_post_fn post, void *arg,
    const char *where, const struct vifs_vim_opts *opts);

#endif
