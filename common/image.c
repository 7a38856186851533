/*
 * image.c - esx.conf inside a host's saved state (state.tgz, local.tgz,
 * configuration bundles): read every level with libarchive, rebuild the
 * levels around an edited esx.conf losslessly, verify, save with a backup.
 */
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/image.h>
#include <vifs/remoteedit.h>

#include "internal.h"

/* Largest unpacked size of one level; an image is a few megabytes. */
#define LEVEL_MAX ((size_t)256 << 20)
/* Levels: bundle, state.tgz, local.tgz. */
#define LEVELS 3

#define MANIFEST "Manifest.txt"
#define STATE "state.tgz"
#define LOCAL "local.tgz"
#define LOCAL_VE "local.tgz.ve"
#define ESXCONF "etc/vmware/esx.conf"

/* One member of a tar archive, as it must survive a rebuild. */
struct member {
	char *name; /* as stored */
	unsigned type; /* AE_IFREG, AE_IFDIR, ... */
	unsigned mode; /* permission bits, with setuid/setgid/sticky */
	long long uid, gid;
	char *uname, *gname;
	long long mtime;
	long mtime_nsec;
	long long size;
	char *link; /* symlink target or hardlink name, or NULL */
	int hardlink;
	char sha256[VIFS_SHA256_HEX]; /* of the data */
};

/* The names looked for in a level, after any "./". */
static const char *const names[] = { MANIFEST, STATE, LOCAL, LOCAL_VE, ESXCONF,
	VIFS_IMAGE_CONFIGSTORE };
enum { N_MANIFEST, N_STATE, N_LOCAL, N_VE, N_ESXCONF, N_CS, N_ALL };

/* One archive level of an image. */
struct level {
	char *where; /* "" for the file, else the member path inside it */
	char *data; /* the compressed archive */
	size_t len;
	struct member *m;
	size_t n;
	size_t child; /* member holding the next level or esx.conf */
	int gnu, pax; /* header families seen */
	/* Per name of names[]: how often seen, first index, its data
	 * (kept for the members that hold a level or esx.conf). */
	size_t count[N_ALL];
	size_t index[N_ALL];
	size_t size[N_ALL];
	char *keep[N_ALL];
};

struct vifs_image {
	char *name;
	enum vifs_image_kind kind;
	struct level lv[LEVELS];
	size_t nlv;
	char *path; /* esx.conf's path inside the image */
	const char *esxconf; /* borrowed from the last level */
	size_t esxconf_len;
	int configstore;
	size_t configstore_size;
	const char *configstore_data; /* borrowed from the last level */
	char *configstore_path;
};

static const char *
strip_dot(const char *name)
{
	for (;;) {
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '/')
			name++;
		else
			return name;
	}
}

/* 1 when the member name PLAIN (after "./") is TARGET, with or without
 * the trailing slashes of a directory. */
static int
name_is(const char *plain, const char *target)
{
	size_t n = strlen(target);

	if (strncmp(plain, target, n) != 0)
		return 0;
	while (plain[n] == '/')
		n++;
	return plain[n] == '\0';
}

static void
level_free(struct level *lv)
{
	for (size_t i = 0; i < lv->n; i++) {
		free(lv->m[i].name);
		free(lv->m[i].uname);
		free(lv->m[i].gname);
		free(lv->m[i].link);
	}
	for (size_t k = 0; k < N_ALL; k++)
		free(lv->keep[k]);
	free(lv->m);
	free(lv->where);
	free(lv->data);
	memset(lv, 0, sizeof(*lv));
}

void
vifs_image_free(vifs_image *img)
{
	if (img == NULL)
		return;
	for (size_t i = 0; i < img->nlv; i++)
		level_free(&img->lv[i]);
	free(img->name);
	free(img->path);
	free(img->configstore_path);
	free(img);
}

/* The error of a level: "NAME: TEXT[: DETAIL]", with "member WHERE: "
 * after NAME for an inner level. */
static int
level_error(int err, const char *name, const struct level *lv, const char *text,
    const char *detail)
{
	return vifs_error_set(err, "%s: %s%s%s%s%s%s", name,
	    lv->where[0] ? "member " : "", lv->where, lv->where[0] ? ": " : "",
	    text, detail ? ": " : "", detail ? detail : "");
}

static int
is_gzip(struct archive *a)
{
	for (int i = 0; i < archive_filter_count(a); i++)
		if (archive_filter_code(a, i) == ARCHIVE_FILTER_GZIP)
			return 1;
	return 0;
}

/*
 * A reader of gzip-compressed tar on the archive of LV into *out; the
 * error names the level (NAME is the image's).
 */
static int
reader_open(struct archive **out, const struct level *lv, const char *name)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (a == NULL || archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	}
	if (archive_read_open_memory(a, lv->data, lv->len) != ARCHIVE_OK) {
		int error = level_error(VIFS_EPARSE, name, lv,
		    "corrupt, truncated or not a gzip-compressed tar archive",
		    archive_error_string(a));

		archive_read_free(a);
		return error;
	}
	*out = a;
	return 0;
}

static int
record_member(struct member *m, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const char *uname = archive_entry_uname(e);
	const char *gname = archive_entry_gname(e);
	const char *hard = archive_entry_hardlink(e);
	const char *sym = archive_entry_symlink(e);

	if (name == NULL)
		return VIFS_EPARSE;
	m->type = archive_entry_filetype(e);
	m->mode = (unsigned)archive_entry_perm(e);
	m->uid = (long long)archive_entry_uid(e);
	m->gid = (long long)archive_entry_gid(e);
	m->mtime = (long long)archive_entry_mtime(e);
	m->mtime_nsec = archive_entry_mtime_nsec(e);
	m->size = (long long)archive_entry_size(e);
	m->hardlink = hard != NULL;
	if ((m->name = strdup(name)) == NULL ||
	    (uname != NULL && (m->uname = strdup(uname)) == NULL) ||
	    (gname != NULL && (m->gname = strdup(gname)) == NULL) ||
	    ((hard || sym) && (m->link = strdup(hard ? hard : sym)) == NULL))
		return VIFS_ENOMEM;
	return 0;
}

static int
add_member(struct level *lv, size_t *cap)
{
	if (lv->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct member *nm = realloc(lv->m, ncap * sizeof(*nm));

		if (nm == NULL)
			return vifs_error_set(VIFS_ENOMEM, "out of memory");
		lv->m = nm;
		*cap = ncap;
	}
	memset(&lv->m[lv->n], 0, sizeof(lv->m[0]));
	lv->n++;
	return 0;
}

/*
 * Reads every member of LV: metadata, a digest of the data, the names of
 * names[] it holds, and the data of the first state.tgz, local.tgz and
 * esx.conf.  NAME is the image's, for messages.
 */
static int
read_level(struct level *lv, const char *name)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	struct vifs_buf data = VIFS_BUF_INIT;
	size_t total = 0, cap = 0;
	int error = 0;

	if ((error = reader_open(&a, lv, name)) < 0)
		goto done;
	for (;;) {
		struct member *m;
		int r = archive_read_next_header(a, &e);
		const char *plain;
		char chunk[65536];
		la_ssize_t got;

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			error = level_error(VIFS_EPARSE, name, lv,
			    "corrupt or truncated archive",
			    archive_error_string(a));
			goto done;
		}
		if (!is_gzip(a)) {
			error = level_error(VIFS_EPARSE, name, lv,
			    "not gzip-compressed (ESXi's archives are .tgz)",
			    NULL);
			goto done;
		}
		switch (archive_format(a)) {
		case ARCHIVE_FORMAT_TAR_GNUTAR:
			lv->gnu = 1;
			break;
		case ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE:
		case ARCHIVE_FORMAT_TAR_PAX_RESTRICTED:
			lv->pax = 1;
			break;
		default:
			break;
		}
		if ((error = add_member(lv, &cap)) < 0)
			goto done;
		m = &lv->m[lv->n - 1];
		if ((error = record_member(m, e)) < 0) {
			error = error == VIFS_ENOMEM ?
			    vifs_error_set(VIFS_ENOMEM, "out of memory") :
			    level_error(VIFS_EPARSE, name, lv,
			        "a member without a name", NULL);
			goto done;
		}
		data.len = 0;
		while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
			total += (size_t)got;
			if (total > LEVEL_MAX) {
				error = level_error(VIFS_ETOOBIG, name, lv,
				    "unpacks to more than 256 MiB", NULL);
				goto done;
			}
			if ((error = vifs_buf_add(&data, chunk, (size_t)got)) <
			    0)
				goto done;
		}
		if (got < 0) {
			error = level_error(VIFS_EPARSE, name, lv,
			    "corrupt or truncated archive",
			    archive_error_string(a));
			goto done;
		}
		vifs_sha256_hex(m->sha256, data.data ? data.data : "",
		    data.len);
		plain = strip_dot(m->name);
		for (size_t k = 0; k < N_ALL; k++) {
			if (!name_is(plain, names[k]) || lv->count[k]++ > 0)
				continue;
			lv->index[k] = lv->n - 1;
			lv->size[k] = data.len;
			if (k != N_STATE && k != N_LOCAL && k != N_ESXCONF &&
			    k != N_CS)
				continue;
			if ((error = vifs_buf_grow(&data, 0)) < 0)
				goto done;
			lv->keep[k] = vifs_buf_detach(&data, NULL);
		}
	}
	/* An empty or tiny input reads as an empty archive: not ESXi's. */
	if (!is_gzip(a))
		error = level_error(VIFS_EPARSE, name, lv,
		    "not a gzip-compressed tar archive", NULL);
done:
	vifs_buf_free(&data);
	archive_read_free(a);
	return error;
}

/* Appends a level to IMG over LEN bytes of DATA (taken over). */
static int
level_push(vifs_image *img, char *data, size_t len, const char *where)
{
	struct level *lv = &img->lv[img->nlv++];

	memset(lv, 0, sizeof(*lv));
	lv->data = data;
	lv->len = len;
	if ((lv->where = vifs_strdup(where)) == NULL)
		return VIFS_ENOMEM;
	return 0;
}

static char *
join(const char *a, const char *b)
{
	struct vifs_buf p = VIFS_BUF_INIT;

	if (vifs_buf_printf(&p, "%s%s%s", a, *a ? "/" : "", b) < 0)
		return NULL;
	return vifs_buf_detach(&p, NULL);
}

/* Makes member K of LV the child of the level, refusing a duplicate or
 * a member that is no regular file. */
static int
pick_child(struct level *lv, const char *name, size_t k)
{
	const struct member *m;

	if (lv->count[k] > 1)
		return level_error(VIFS_EPARSE, name, lv,
		    "holds a member twice (ESXi would read only one of "
		    "them, so neither is edited)",
		    names[k]);
	m = &lv->m[lv->index[k]];
	if (m->type != AE_IFREG || m->hardlink)
		return level_error(VIFS_EPARSE, name, lv,
		    "a member that should be a regular file is not", m->name);
	lv->child = lv->index[k];
	return 0;
}

int
vifs_image_parse(vifs_image **out, const char *name, const void *data,
    size_t len)
{
	vifs_image *img = NULL;
	char *copy = NULL, *where = NULL;
	int error = 0;

	*out = NULL;
	if ((img = calloc(1, sizeof(*img))) == NULL ||
	    (img->name = strdup(name)) == NULL ||
	    (copy = malloc(len + 1)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	if ((error = level_push(img, copy, len, "")) < 0)
		goto done;
	copy = NULL;
	for (;;) {
		struct level *lv = &img->lv[img->nlv - 1];
		size_t k;

		if ((error = read_level(lv, name)) < 0)
			goto done;
		/* What the file is decides what each level must hold. */
		if (img->nlv == 1) {
			if (lv->count[N_MANIFEST] && lv->count[N_STATE])
				img->kind = VIFS_IMAGE_BUNDLE;
			else if (lv->count[N_LOCAL] || lv->count[N_VE])
				img->kind = VIFS_IMAGE_STATE;
			else if (lv->count[N_ESXCONF])
				img->kind = VIFS_IMAGE_LOCAL;
			else {
				error = vifs_error_set(VIFS_ENOTFOUND,
				    "%s: no esx.conf inside: it is neither "
				    "a state.tgz (local.tgz inside), a "
				    "local.tgz (etc/vmware/esx.conf inside) "
				    "nor a configuration bundle (Manifest.txt "
				    "and state.tgz inside)",
				    name);
				goto done;
			}
		}
		if (img->kind == VIFS_IMAGE_BUNDLE && img->nlv == 1)
			k = N_STATE;
		else if ((img->kind == VIFS_IMAGE_LOCAL && img->nlv == 1) ||
		    (img->kind == VIFS_IMAGE_STATE && img->nlv == 2) ||
		    img->nlv == 3)
			k = N_ESXCONF;
		else
			k = N_LOCAL;
		if (lv->count[k] == 0) {
			if (k == N_LOCAL && lv->count[N_VE])
				error = vifs_error_set(VIFS_EUNSUPPORTED,
				    "%s: %s%slocal.tgz is encrypted "
				    "(local.tgz.ve: ESXi 7.0 U2 or later with "
				    "a TPM); its esx.conf can only be changed "
				    "on the host itself",
				    name, lv->where, lv->where[0] ? "/" : "");
			else
				error = vifs_error_set(VIFS_ENOTFOUND,
				    "%s: no %s inside%s%s", name, names[k],
				    lv->where[0] ? " " : "", lv->where);
			goto done;
		}
		if ((error = pick_child(lv, name, k)) < 0)
			goto done;
		if ((where = join(lv->where, lv->m[lv->child].name)) == NULL) {
			error = VIFS_ENOMEM;
			goto done;
		}
		if (k == N_ESXCONF) {
			img->path = where;
			where = NULL;
			img->esxconf = lv->keep[k];
			img->esxconf_len = lv->size[k];
			img->configstore = lv->count[N_CS] > 0;
			img->configstore_size = lv->size[N_CS];
			img->configstore_data = lv->keep[N_CS];
			if (img->configstore &&
			    (img->configstore_path = join(lv->where,
			         lv->m[lv->index[N_CS]].name)) == NULL) {
				error = VIFS_ENOMEM;
				goto done;
			}
			break;
		}
		/* The member's bytes become the next level's archive. */
		copy = lv->keep[k];
		lv->keep[k] = NULL;
		if ((error = level_push(img, copy, lv->size[k], where)) < 0)
			goto done;
		copy = NULL;
		free(where);
		where = NULL;
	}
	*out = img;
	img = NULL;
done:
	free(copy);
	free(where);
	vifs_image_free(img);
	return error;
}

int
vifs_image_open(vifs_image **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = vifs_file_read(&data, &len, path)) < 0)
		return error;
	error = vifs_image_parse(out, path, data, len);
	free(data);
	return error;
}

enum vifs_image_kind
vifs_image_kind(const vifs_image *img)
{
	return img->kind;
}

const char *
vifs_image_kind_name(enum vifs_image_kind k)
{
	switch (k) {
	case VIFS_IMAGE_LOCAL:
		return "local.tgz";
	case VIFS_IMAGE_STATE:
		return "state.tgz";
	case VIFS_IMAGE_BUNDLE:
		return "configuration bundle";
	}
	return "image";
}

const char *
vifs_image_name(const vifs_image *img)
{
	return img->name;
}

const char *
vifs_image_esxconf_path(const vifs_image *img)
{
	return img->path;
}

const char *
vifs_image_esxconf(const vifs_image *img, size_t *len)
{
	*len = img->esxconf_len;
	return img->esxconf;
}

int
vifs_image_has_configstore(const vifs_image *img, size_t *size)
{
	if (size != NULL)
		*size = img->configstore_size;
	return img->configstore;
}

const char *
vifs_image_configstore(const vifs_image *img, size_t *len, const char **path)
{
	*len = img->configstore ? img->configstore_size : 0;
	if (path != NULL)
		*path = img->configstore ? img->configstore_path : NULL;
	return img->configstore ? img->configstore_data : NULL;
}

/* --- rebuild --------------------------------------------------------- */

static la_ssize_t
write_cb(struct archive *a, void *payload, const void *buf, size_t len)
{
	(void)a;
	if (vifs_buf_add(payload, buf, len) < 0)
		return -1;
	return (la_ssize_t)len;
}

static int
write_all(struct archive *w, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		la_ssize_t n = archive_write_data(w, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes level LV again into OUT with its child member's data replaced
 * by LEN bytes of DATA and its mtime by NOW; every other member's header
 * and data are copied from the original.
 */
static int
write_level(struct vifs_buf *out, const struct level *lv, const char *name,
    const char *data, size_t len, long long now)
{
	struct archive *r = NULL, *w = NULL;
	struct archive_entry *e, *edited = NULL;
	size_t i = 0;
	int error = 0;

	if ((error = reader_open(&r, lv, name)) < 0)
		goto done;
	if ((w = archive_write_new()) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	/* No zero padding after the gzip stream: gunzip would take it
	 * for trailing garbage. */
	if (archive_write_add_filter_gzip(w) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w, 1) != ARCHIVE_OK ||
	    (lv->gnu        ? archive_write_set_format_gnutar(w) :
	            lv->pax ? archive_write_set_format_pax(w) :
	                      archive_write_set_format_pax_restricted(w)) !=
	        ARCHIVE_OK ||
	    archive_write_open2(w, out, NULL, write_cb, NULL, NULL) !=
	        ARCHIVE_OK)
		goto fail;
	for (;; i++) {
		int rr = archive_read_next_header(r, &e);
		char chunk[65536];
		la_ssize_t got;

		if (rr == ARCHIVE_EOF)
			break;
		if (rr != ARCHIVE_OK)
			goto fail_read;
		if (i == lv->child) {
			if ((edited = archive_entry_clone(e)) == NULL)
				goto fail;
			archive_entry_set_size(edited, (la_int64_t)len);
			archive_entry_set_mtime(edited, (time_t)now, 0);
			if (archive_write_header(w, edited) != ARCHIVE_OK ||
			    write_all(w, data, len) != 0)
				goto fail;
			archive_entry_free(edited);
			edited = NULL;
			continue;
		}
		if (archive_write_header(w, e) != ARCHIVE_OK)
			goto fail;
		while ((got = archive_read_data(r, chunk, sizeof(chunk))) > 0)
			if (write_all(w, chunk, (size_t)got) != 0)
				goto fail;
		if (got < 0)
			goto fail_read;
	}
	if (archive_write_close(w) != ARCHIVE_OK)
		goto fail;
	goto done;
fail_read:
	error = level_error(VIFS_EPARSE, name, lv,
	    "corrupt or truncated archive", archive_error_string(r));
	goto done;
fail:
	error = level_error(VIFS_ERROR, name, lv, "cannot write the archive",
	    w ? archive_error_string(w) : NULL);
done:
	archive_entry_free(edited);
	archive_write_free(w);
	archive_read_free(r);
	return error;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b || (a ? *a : *b) == '\0';
	return strcmp(a, b) == 0;
}

/* 1 when members A and B agree in everything a rebuild keeps; a changed
 * member (CHANGED) may differ in data and mtime. */
static int
same_member(const struct member *a, const struct member *b, int changed)
{
	if (strcmp(a->name, b->name) != 0 || a->type != b->type ||
	    a->mode != b->mode || a->uid != b->uid || a->gid != b->gid ||
	    !same_str(a->uname, b->uname) || !same_str(a->gname, b->gname) ||
	    a->hardlink != b->hardlink || !same_str(a->link, b->link))
		return 0;
	if (changed)
		return 1;
	return a->mtime == b->mtime && a->mtime_nsec == b->mtime_nsec &&
	    a->size == b->size && strcmp(a->sha256, b->sha256) == 0;
}

/* Compares the rebuilt image NEW with the original IMG and the esx.conf
 * that was meant to go in. */
static int
verify(const vifs_image *img, const vifs_image *new, const void *esxconf,
    size_t len)
{
	if (new->kind != img->kind || new->nlv != img->nlv ||
	    new->esxconf_len != len ||
	    (len > 0 && memcmp(new->esxconf, esxconf, len) != 0))
		return vifs_error_set(VIFS_ERROR,
		    "%s: the rebuilt image does not hold the edited esx.conf",
		    img->name);
	for (size_t l = 0; l < img->nlv; l++) {
		const struct level *a = &img->lv[l], *b = &new->lv[l];

		if (a->n != b->n || a->child != b->child)
			return vifs_error_set(VIFS_ERROR,
			    "%s: the rebuilt image has other members than "
			    "the original%s%s",
			    img->name, a->where[0] ? " in " : "", a->where);
		for (size_t i = 0; i < a->n; i++)
			if (!same_member(&a->m[i], &b->m[i], i == a->child))
				return vifs_error_set(VIFS_ERROR,
				    "%s: the rebuilt image would change "
				    "member %s%s%s, which the edit does not "
				    "touch; nothing written",
				    img->name, a->where, a->where[0] ? "/" : "",
				    a->m[i].name);
	}
	return 0;
}

int
vifs_image_rebuild(char **out, size_t *out_len, const vifs_image *img,
    const void *esxconf, size_t len, long long now)
{
	struct vifs_buf cur = VIFS_BUF_INIT, next = VIFS_BUF_INIT;
	vifs_image *check = NULL;
	int error = 0;

	*out = NULL;
	*out_len = 0;
	if (now == 0)
		now = (long long)time(NULL);
	if ((error = vifs_buf_add(&cur, esxconf, len)) < 0)
		goto done;
	/* From esx.conf outwards: each level around the one inside it. */
	for (size_t l = img->nlv; l-- > 0;) {
		next.len = 0;
		if ((error = write_level(&next, &img->lv[l], img->name,
		         cur.data ? cur.data : "", cur.len, now)) < 0)
			goto done;
		vifs_buf_free(&cur);
		cur = next;
		next = (struct vifs_buf)VIFS_BUF_INIT;
	}
	if ((error = vifs_image_parse(&check, img->name, cur.data, cur.len)) <
	    0) {
		error = vifs_error_wrap(VIFS_ERROR,
		    "the rebuilt image does not read back");
		goto done;
	}
	if ((error = verify(img, check, esxconf, len)) < 0)
		goto done;
	*out = vifs_buf_detach(&cur, out_len);
done:
	vifs_image_free(check);
	vifs_buf_free(&cur);
	vifs_buf_free(&next);
	return error;
}

/* --- save ------------------------------------------------------------ */

int
vifs_image_save(char **backup, const vifs_image *img, const char *path,
    const void *esxconf, size_t len, const struct vifs_image_save_opts *opts)
{
	char *now_bytes = NULL, *image = NULL, *dcopy = NULL, *bcopy = NULL;
	const char *dir, *base;
	size_t now_len = 0, image_len = 0;
	long long now = opts && opts->now ? opts->now : (long long)time(NULL);
	const struct level *top = &img->lv[0];
	struct stat st;
	int error = 0;

	*backup = NULL;
	if ((error = vifs_image_rebuild(&image, &image_len, img, esxconf, len,
	         now)) < 0)
		goto done;
	/* The file must still be what was read and edited. */
	if ((error = vifs_file_read(&now_bytes, &now_len, path)) < 0)
		goto done;
	if (now_len != top->len || memcmp(now_bytes, top->data, now_len) != 0) {
		error = vifs_error_set(VIFS_ECONFLICT,
		    "%s changed while it was being edited; nothing written",
		    path);
		goto done;
	}
	if ((dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	dir = opts && opts->backup_dir ? opts->backup_dir : dirname(dcopy);
	base = basename(bcopy);
	if ((error = vifs_remoteedit_backup(backup, dir, base, now, top->data,
	         top->len)) < 0)
		goto done;
	/* A new file would get 0644; the image keeps its mode. */
	if (stat(path, &st) != 0)
		st.st_mode = 0644;
	if ((error = vifs_file_write_atomic(path, image, image_len,
	         st.st_mode & 07777)) < 0) {
		free(*backup);
		*backup = NULL;
		goto done;
	}
done:
	free(now_bytes);
	free(image);
	free(dcopy);
	free(bcopy);
	return error;
}
