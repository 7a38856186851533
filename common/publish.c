/*
 * publish.c - the place of the inventory a host carries and the judgement
 * of what a remote edit or audit finds there (include/vifs/publish.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vifs/error.h>
#include <vifs/inventory.h>
#include <vifs/publish.h>
#include <vifs/remotepath.h>

#include "internal.h"

static const char *
datastore(void)
{
	const char *ds = getenv("VIFS_INVENTORY_DATASTORE");

	return ds != NULL && ds[0] != '\0' ? ds : VIFS_PUBLISH_DATASTORE;
}

int
vifs_publish_remote(char **out)
{
	struct vifs_buf b = VIFS_BUF_INIT;
	int error;

	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "publish: no output");
	*out = NULL;
	if (strchr(datastore(), ']') != NULL)
		return vifs_error_set(VIFS_EINVAL,
		    "VIFS_INVENTORY_DATASTORE '%s' is no datastore name",
		    datastore());
	if ((error = vifs_buf_printf(&b, "[%s] %s", datastore(),
	         VIFS_PUBLISH_FILE)) < 0)
		return error;
	*out = vifs_buf_detach(&b, NULL);
	return VIFS_OK;
}

int
vifs_publish_url_path(char **out)
{
	static const char base[] = "https://host";
	struct vifs_remotepath *rp = NULL;
	char *remote = NULL, *url = NULL;
	int error;

	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "publish: no output");
	*out = NULL;
	if ((error = vifs_publish_remote(&remote)) < 0 ||
	    (error = vifs_remotepath_parse(&rp, remote)) < 0 ||
	    (error = vifs_remotepath_url(&url, rp, base, 0)) < 0)
		goto done;
	if ((*out = vifs_strdup(url + sizeof(base) - 1)) == NULL)
		error = VIFS_ENOMEM;
done:
	free(url);
	free(remote);
	vifs_remotepath_free(rp);
	return error;
}

/* "2026-12-04T05:10:00Z" into BUF, or "an unknown time". */
static void
utc(char *buf, size_t size, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "an unknown time");
}

void
vifs_published_clear(struct vifs_published *p)
{
	if (p == NULL)
		return;
	vifs_inventory_free(p->inv);
	memset(p, 0, sizeof(*p));
}

int
vifs_published_judge(struct vifs_published *out, const char *body, size_t len,
    int fetch_error, long long esxconf_mtime)
{
	const struct vifs_inv_info *info;
	char *remote = NULL, made[32], changed[32];
	int error;

	if (out == NULL)
		return vifs_error_set(VIFS_EINVAL, "publish: no output");
	memset(out, 0, sizeof(*out));
	out->created = -1;
	out->esxconf_mtime = esxconf_mtime;
	if ((error = vifs_publish_remote(&remote)) < 0)
		return error;
	snprintf(out->where, sizeof(out->where), "%s", remote);
	free(remote);
	if (fetch_error == VIFS_ENOTFOUND) {
		out->state = VIFS_PUBLISHED_MISSING;
		snprintf(out->message, sizeof(out->message),
		    "no inventory published on the host at %s "
		    "(vifs-agent inventory --publish puts it there)",
		    out->where);
		return VIFS_OK;
	}
	if (fetch_error < 0) {
		out->state = VIFS_PUBLISHED_MISSING;
		snprintf(out->message, sizeof(out->message),
		    "the inventory published on the host at %s could not be "
		    "read: %s",
		    out->where, vifs_error_last());
		return VIFS_OK;
	}
	if (vifs_inventory_parse(&out->inv, out->where, body, len) < 0) {
		if (vifs_error_last_code() == VIFS_ENOMEM)
			return VIFS_ENOMEM;
		out->state = VIFS_PUBLISHED_BAD;
		snprintf(out->message, sizeof(out->message),
		    "the file published on the host at %s is no inventory: "
		    "%s",
		    out->where, vifs_error_last());
		return VIFS_OK;
	}
	info = vifs_inventory_info(out->inv);
	out->created = info->created;
	utc(made, sizeof(made), out->created);
	utc(changed, sizeof(changed), esxconf_mtime);
	if (esxconf_mtime >= 0 &&
	    (out->created < 0 || out->created < esxconf_mtime)) {
		vifs_inventory_free(out->inv);
		out->inv = NULL;
		out->state = VIFS_PUBLISHED_STALE;
		snprintf(out->message, sizeof(out->message),
		    "the inventory published on the host at %s (made %s) is "
		    "older than its esx.conf (changed %s): not used; run "
		    "vifs-agent inventory --publish again",
		    out->where, made, changed);
		return VIFS_OK;
	}
	out->state = VIFS_PUBLISHED_USED;
	snprintf(out->message, sizeof(out->message),
	    "using the inventory published on the host at %s (made %s%s%s)%s",
	    out->where, made, info->generator ? " by " : "",
	    info->generator ? info->generator : "",
	    esxconf_mtime < 0 ? "; its age against esx.conf is unknown: the "
	                        "host gave no Last-Modified" :
	                        "");
	return VIFS_OK;
}
