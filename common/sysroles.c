/*
 * sysroles.c - the boot controller and the management NICs of a running
 * Linux system, read from its sysfs and proc trees (or copies of them):
 * mounts to block devices, block devices through partitions,
 * device-mapper and md to disks, disks and interfaces up their sysfs
 * paths to the PCI functions they hang off.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vifs/error.h>
#include <vifs/file.h>
#include <vifs/roles.h>

#include "internal.h"

/* Mount points whose devices hold what the host boots from. */
static const char *const boot_mounts[] = { "/", "/boot", "/boot/efi",
	"/bootbank" };

/* Stacked block devices (dm on md on partitions) deeper than this are
 * not followed. */
#define MAX_DEPTH 16

struct scan {
	vifs_roles *r;
	const char *sysfs;
	const char *proc;
	char sysreal[PATH_MAX]; /* realpath of SYSFS */
};

/* "SYSFS/REST" into OUT; 0, or -1 when it does not fit. */
static int
join(char *out, size_t size, const char *a, const char *b)
{
	int n = snprintf(out, size, "%s/%s", a, b);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Reads a small text file into BUF (one line, newline cut); 0 or -1. */
static int
read_line(char *buf, size_t size, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -1;
	if (fgets(buf, (int)size, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* Whether NAME is a PCI function in sysfs's spelling "0000:00:1f.2". */
static int
is_pci_name(const char *name, size_t len)
{
	static const char shape[] = "####:##:##.#";

	if (len != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (shape[i] == '#' ?
		        !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) :
		        c != shape[i])
			return 0;
	}
	return name[len - 1] <= '7';
}

/*
 * The path of REAL below the sysfs root ("devices/pci0000:00/…"), or REAL
 * itself when it is outside.
 */
static const char *
below_sysfs(const struct scan *s, const char *real)
{
	size_t n = strlen(s->sysreal);

	if (strncmp(real, s->sysreal, n) == 0 && real[n] == '/')
		return real + n + 1;
	return real;
}

/*
 * The last PCI function on the sysfs path REAL into *OUT; 1 when found,
 * 0 when the path holds none.
 */
static int
last_pci(struct vifs_pciaddr *out, const char *real)
{
	const char *p = real, *best = NULL;

	while (*p != '\0') {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (is_pci_name(p, len))
			best = p;
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (best == NULL)
		return 0;
	return vifs_pciaddr_parse_n(out, NULL, best, 12, VIFS_PCI_LINUX) == 0;
}

/* How a disk hangs off its controller, from the components of its path. */
static void
transport(char *out, size_t size, const char *real)
{
	const char *kind = NULL;
	int hubs = -1;
	const char *p = real;

	while (*p != '\0') {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		/* USB devices: "1-1", "1-1.2"; interfaces "1-1.2:1.0". */
		if (len >= 3 && p[0] >= '0' && p[0] <= '9' &&
		    strcspn(p, "-/") < len && memchr(p, ':', len) == NULL) {
			kind = "USB";
			hubs++;
		} else if (len == 4 && strncmp(p, "nvme", 4) == 0) {
			kind = "NVMe";
		} else if (len > 6 && strncmp(p, "virtio", 6) == 0) {
			kind = "virtio";
		} else if (len > 3 && strncmp(p, "ata", 3) == 0 &&
		    p[3] >= '0' && p[3] <= '9' && kind == NULL) {
			kind = "ATA";
		} else if (len > 9 && strncmp(p, "end_device", 10) == 0) {
			kind = "SAS";
		} else if (len > 4 && strncmp(p, "host", 4) == 0 &&
		    p[4] >= '0' && p[4] <= '9' && kind == NULL) {
			kind = "SCSI";
		} else if (len > 3 && strncmp(p, "mmc", 3) == 0 &&
		    kind == NULL) {
			kind = "MMC/SD";
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (kind != NULL && strcmp(kind, "USB") == 0 && hubs > 0)
		snprintf(out, size, "USB device behind %d hub%s", hubs,
		    hubs == 1 ? "" : "s");
	else if (kind != NULL && strcmp(kind, "USB") == 0)
		snprintf(out, size, "USB device");
	else
		snprintf(out, size, "%s disk", kind ? kind : "disk");
}

/*
 * Follows the block device at sysfs directory DIR (a realpath) down to
 * its disks and adds their controllers; CHAIN is the text so far.
 */
static int
follow_block(struct scan *s, const char *dir, const char *chain, int depth,
    int *found)
{
	struct vifs_buf how = VIFS_BUF_INIT;
	char path[PATH_MAX], real[PATH_MAX], name[256];
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	struct vifs_pciaddr a;
	struct stat st;
	DIR *d = NULL;
	int error = 0, slaves = 0;

	if (depth > MAX_DEPTH)
		return vifs_roles_note(s->r, VIFS_ROLE_BOOT,
		    "block devices stacked too deep to follow");
	/* device-mapper and md: the devices below are its slaves. */
	if (join(path, sizeof(path), dir, "slaves") == 0 &&
	    (d = opendir(path)) != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			char sub[PATH_MAX], subreal[PATH_MAX];
			const char *kind = "a slave";

			if (e->d_name[0] == '.')
				continue;
			if (join(sub, sizeof(sub), path, e->d_name) < 0 ||
			    realpath(sub, subreal) == NULL)
				continue;
			if (join(sub, sizeof(sub), dir, "dm/name") == 0 &&
			    read_line(name, sizeof(name), sub) == 0)
				kind = "device-mapper";
			else if (join(sub, sizeof(sub), dir, "md") == 0 &&
			    stat(sub, &st) == 0)
				kind = "md";
			how.len = 0;
			if ((error = vifs_buf_printf(&how, "%s; %s is %s on %s",
			         chain, base, kind, e->d_name)) < 0 ||
			    (error = follow_block(s, subreal, how.data,
			         depth + 1, found)) < 0)
				goto done;
			slaves++;
		}
	}
	if (slaves > 0)
		goto done;
	/* A partition: its disk is the directory above. */
	if (join(path, sizeof(path), dir, "partition") == 0 &&
	    stat(path, &st) == 0) {
		char up[PATH_MAX];

		snprintf(up, sizeof(up), "%s", dir);
		if (strrchr(up, '/') != NULL)
			*strrchr(up, '/') = '\0';
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s; %s is a partition of %s", chain, base,
		         strrchr(up, '/') ? strrchr(up, '/') + 1 : up)) < 0)
			goto done;
		error = follow_block(s, up, how.data, depth + 1, found);
		goto done;
	}
	snprintf(real, sizeof(real), "%s", dir);
	if (!last_pci(&a, below_sysfs(s, real))) {
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s; %s is on no PCI function (sysfs %s)", chain, base,
		         below_sysfs(s, real))) < 0)
			goto done;
		error = vifs_roles_note(s->r, VIFS_ROLE_BOOT, how.data);
		goto done;
	}
	{
		char kind[64], lx[VIFS_PCIADDR_MAX];

		transport(kind, sizeof(kind), below_sysfs(s, real));
		vifs_pciaddr_format(lx, sizeof(lx), &a, VIFS_PCI_LINUX);
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s; %s is a %s on PCI %s (sysfs %s)", chain, base,
		         kind, lx, below_sysfs(s, real))) < 0 ||
		    (error = vifs_roles_add(s->r, VIFS_ROLE_BOOT, &a, "sysfs",
		         how.data)) < 0)
			goto done;
		(*found)++;
	}
done:
	if (d != NULL)
		closedir(d);
	vifs_buf_free(&how);
	return error;
}

/* Undoes the octal escapes of mountinfo ("\040" for a space) in place. */
static void
unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
			    (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

/* One mount as mountinfo gives it. */
struct mount {
	unsigned major, minor;
	char point[PATH_MAX];
	char fstype[64];
	char source[PATH_MAX];
};

/*
 * Parses one mountinfo line: id parent major:minor root point options
 * [optional fields] - fstype source superoptions.  0, or -1.
 */
static int
parse_mount(struct mount *m, char *line)
{
	char *f[6], *save = NULL, *tok;
	int n = 0, dash = 0;

	for (tok = strtok_r(line, " \n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (n < 5) {
			f[n++] = tok;
		} else if (!dash && strcmp(tok, "-") == 0) {
			dash = 1;
		} else if (dash == 1) {
			snprintf(m->fstype, sizeof(m->fstype), "%s", tok);
			dash = 2;
		} else if (dash == 2) {
			snprintf(m->source, sizeof(m->source), "%s", tok);
			dash = 3;
		}
	}
	if (n < 5 || dash < 3 ||
	    sscanf(f[2], "%u:%u", &m->major, &m->minor) != 2)
		return -1;
	snprintf(m->point, sizeof(m->point), "%s", f[4]);
	unescape(m->point);
	unescape(m->source);
	return 0;
}

/*
 * The sysfs block directory of a mount whose major is 0 (btrfs, a
 * filesystem on several devices) from its source "/dev/NAME" or
 * "/dev/mapper/NAME"; 0 and REAL filled, or -1.
 */
static int
block_by_source(const struct scan *s, const char *source, char *real)
{
	char path[PATH_MAX], name[PATH_MAX], dm[256];
	const char *base;
	DIR *d;
	struct dirent *e;
	int result = -1;

	if (strncmp(source, "/dev/", 5) != 0)
		return -1;
	base = strrchr(source, '/') + 1;
	if (strncmp(source, "/dev/mapper/", 12) != 0) {
		snprintf(name, sizeof(name), "class/block/%s", base);
		if (join(path, sizeof(path), s->sysfs, name) < 0 ||
		    realpath(path, real) == NULL)
			return -1;
		return 0;
	}
	if (join(path, sizeof(path), s->sysfs, "class/block") < 0 ||
	    (d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && result < 0) {
		char sub[PATH_MAX];

		if (strncmp(e->d_name, "dm-", 3) != 0)
			continue;
		snprintf(name, sizeof(name), "%s/dm/name", e->d_name);
		if (join(sub, sizeof(sub), path, name) == 0 &&
		    read_line(dm, sizeof(dm), sub) == 0 &&
		    strcmp(dm, base) == 0 &&
		    join(sub, sizeof(sub), path, e->d_name) == 0 &&
		    realpath(sub, real) != NULL)
			result = 0;
	}
	closedir(d);
	return result;
}

static int
scan_boot(struct scan *s)
{
	struct mount mounts[NELEM(boot_mounts)];
	int have[NELEM(boot_mounts)] = { 0 };
	struct vifs_buf how = VIFS_BUF_INIT;
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	int error = 0, found = 0;

	if (join(path, sizeof(path), s->proc, "self/mountinfo") < 0 ||
	    vifs_file_read(&buf, &len, path) < 0) {
		error = vifs_roles_note(s->r, VIFS_ROLE_BOOT,
		    "the mounts are unknown: proc self/mountinfo is not "
		    "readable");
		goto done;
	}
	for (char *p = buf, *nl; p < buf + len; p = nl + 1) {
		struct mount m;

		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		*nl = '\0';
		memset(&m, 0, sizeof(m));
		if (parse_mount(&m, p) < 0)
			continue;
		/* A later mount on the same point hides the earlier one. */
		for (size_t i = 0; i < NELEM(boot_mounts); i++) {
			if (strcmp(m.point, boot_mounts[i]) == 0) {
				mounts[i] = m;
				have[i] = 1;
			}
		}
	}
	for (size_t i = 0; i < NELEM(boot_mounts); i++) {
		const struct mount *m = &mounts[i];
		char real[PATH_MAX], rel[64];

		if (!have[i])
			continue;
		how.len = 0;
		if ((error = vifs_buf_printf(&how, "%s is %s on %s (%u:%u)",
		         m->point, m->fstype, m->source, m->major, m->minor)) <
		    0)
			goto done;
		snprintf(rel, sizeof(rel), "dev/block/%u:%u", m->major,
		    m->minor);
		if ((m->major == 0 ||
		        join(path, sizeof(path), s->sysfs, rel) < 0 ||
		        realpath(path, real) == NULL) &&
		    block_by_source(s, m->source, real) < 0) {
			if ((error = vifs_buf_printf(&how,
			         ", which is no block device: %s",
			         m->major == 0 ?
			             "a filesystem in memory or of a container "
			             "(overlayfs, tmpfs), not on a disk" :
			             "it has no entry in sysfs dev/block")) <
			        0 ||
			    (error = vifs_roles_note(s->r, VIFS_ROLE_BOOT,
			         how.data)) < 0)
				goto done;
			continue;
		}
		if ((error = follow_block(s, real, how.data, 0, &found)) < 0)
			goto done;
	}
	if (found == 0 &&
	    (error = vifs_roles_note(s->r, VIFS_ROLE_BOOT,
	         "no boot controller found: none of /, /boot, /boot/efi and "
	         "/bootbank is on a disk behind a PCI function")) < 0)
		goto done;
done:
	vifs_buf_free(&how);
	free(buf);
	return error;
}

/* Follows the interface IF down to PCI functions (bonds, bridges, VLANs
 * through their lower_* links). */
static int
follow_net(struct scan *s, const char *ifname, const char *chain, int depth,
    int *found)
{
	struct vifs_buf how = VIFS_BUF_INIT;
	char path[PATH_MAX], real[PATH_MAX], rel[300];
	struct vifs_pciaddr a;
	DIR *d = NULL;
	int error = 0, lower = 0;

	if (depth > MAX_DEPTH)
		return VIFS_OK;
	snprintf(rel, sizeof(rel), "class/net/%s", ifname);
	if (join(path, sizeof(path), s->sysfs, rel) < 0 ||
	    realpath(path, real) == NULL) {
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s; %s has no entry in sysfs class/net", chain,
		         ifname)) == 0)
			error = vifs_roles_note(s->r, VIFS_ROLE_MGMT_NIC,
			    how.data);
		goto done;
	}
	if (last_pci(&a, below_sysfs(s, real))) {
		char lx[VIFS_PCIADDR_MAX];

		vifs_pciaddr_format(lx, sizeof(lx), &a, VIFS_PCI_LINUX);
		if ((error = vifs_buf_printf(&how,
		         "%s; %s is on PCI %s (sysfs %s)", chain, ifname, lx,
		         below_sysfs(s, real))) == 0 &&
		    (error = vifs_roles_add(s->r, VIFS_ROLE_MGMT_NIC, &a,
		         "sysfs", how.data)) == 0)
			(*found)++;
		goto done;
	}
	if ((d = opendir(real)) != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, "lower_", 6) != 0)
				continue;
			how.len = 0;
			if ((error = vifs_buf_printf(&how, "%s; %s is on %s",
			         chain, ifname, e->d_name + 6)) < 0 ||
			    (error = follow_net(s, e->d_name + 6, how.data,
			         depth + 1, found)) < 0)
				goto done;
			lower++;
		}
	}
	if (lower == 0) {
		how.len = 0;
		if ((error = vifs_buf_printf(&how,
		         "%s; %s is on no PCI function (sysfs %s)", chain,
		         ifname, below_sysfs(s, real))) == 0)
			error = vifs_roles_note(s->r, VIFS_ROLE_MGMT_NIC,
			    how.data);
	}
done:
	if (d != NULL)
		closedir(d);
	vifs_buf_free(&how);
	return error;
}

/*
 * Adds the interface IF of a default route unless it was seen; SEEN is a
 * list of names separated by '/' (no interface name holds one).
 */
static int
default_route(struct scan *s, struct vifs_buf *seen, const char *ifname,
    const char *family, int *found)
{
	struct vifs_buf chain = VIFS_BUF_INIT;
	char key[64];
	int error;

	if (strcmp(ifname, "lo") == 0 || strlen(ifname) > 32)
		return VIFS_OK;
	snprintf(key, sizeof(key), "/%s/", ifname);
	if (seen->data != NULL && strstr(seen->data, key) != NULL)
		return VIFS_OK;
	if ((error = vifs_buf_printf(seen, "%s%s/", seen->len ? "" : "/",
	         ifname)) < 0 ||
	    (error = vifs_buf_printf(&chain, "the %s default route is on %s",
	         family, ifname)) < 0)
		goto done;
	error = follow_net(s, ifname, chain.data, 0, found);
done:
	vifs_buf_free(&chain);
	return error;
}

static int
scan_mgmt(struct scan *s)
{
	struct vifs_buf seen = VIFS_BUF_INIT;
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	int error = 0, found = 0, routes = 0;

	/* IPv4: Iface Destination Gateway Flags … Mask (hex). */
	if (join(path, sizeof(path), s->proc, "net/route") == 0 &&
	    vifs_file_read(&buf, &len, path) == 0) {
		for (char *p = buf, *nl; p < buf + len; p = nl + 1) {
			char ifname[64], dest[16], mask[16];
			unsigned flags;

			if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) ==
			    NULL)
				nl = buf + len;
			*nl = '\0';
			if (sscanf(p, "%63s %15s %*s %x %*s %*s %*s %15s",
			        ifname, dest, &flags, mask) != 4 ||
			    strcmp(dest, "00000000") != 0 ||
			    strcmp(mask, "00000000") != 0 || !(flags & 1))
				continue;
			routes++;
			if ((error = default_route(s, &seen, ifname, "IPv4",
			         &found)) < 0)
				goto done;
		}
	}
	free(buf);
	buf = NULL;
	/* IPv6: dest prefix src prefix next-hop metric ref use flags iface. */
	if (join(path, sizeof(path), s->proc, "net/ipv6_route") == 0 &&
	    vifs_file_read(&buf, &len, path) == 0) {
		for (char *p = buf, *nl; p < buf + len; p = nl + 1) {
			char dest[40], plen[4], ifname[64];
			unsigned flags;

			if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) ==
			    NULL)
				nl = buf + len;
			*nl = '\0';
			if (sscanf(p,
			        "%39s %3s %*s %*s %*s %*s %*s %*s %x %63s",
			        dest, plen, &flags, ifname) != 4 ||
			    strspn(dest, "0") != 32 ||
			    strcmp(plen, "00") != 0 || !(flags & 1) ||
			    (flags & 0x200))
				continue;
			routes++;
			if ((error = default_route(s, &seen, ifname, "IPv6",
			         &found)) < 0)
				goto done;
		}
	}
	if (routes == 0)
		error = vifs_roles_note(s->r, VIFS_ROLE_MGMT_NIC,
		    "no default route in proc net/route or net/ipv6_route");
done:
	free(buf);
	vifs_buf_free(&seen);
	return error;
}

int
vifs_roles_scan_linux(vifs_roles *r, const char *sysfs, const char *proc)
{
	struct scan s;
	int error;

	if (r == NULL || sysfs == NULL || proc == NULL)
		return vifs_error_set(VIFS_EINVAL, "roles: no sysfs or proc");
	memset(&s, 0, sizeof(s));
	s.r = r;
	s.sysfs = sysfs;
	s.proc = proc;
	if (realpath(sysfs, s.sysreal) == NULL)
		snprintf(s.sysreal, sizeof(s.sysreal), "%s", sysfs);
	if ((error = scan_boot(&s)) < 0)
		return error;
	return scan_mgmt(&s);
}
