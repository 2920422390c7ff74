// SPDX-License-Identifier: GPL-2.0
/*
 * Is a pmem block device or a device-dax character device in use? Unbinding
 * under a mounted DAX filesystem or a live mapping waits for the pgmap
 * references to drain (or revokes them), so the benchmark refuses unless the
 * user forces it. libndctl only checks O_EXCL on the block device; this also
 * names the mount point, the holder or the process.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "target/target-priv.h"

/* "major:minor" attribute of a block or dax device. */
static int read_devt(const char *path, dev_t *devt)
{
	unsigned int maj, min;
	char buf[32];
	int rc;

	rc = rb_sysfs_read(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	*devt = makedev(maj, min);
	return 0;
}

/* The disk and its partitions: at most @max device numbers. */
static int disk_devts(const char *disk, dev_t *devts, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	int nr = 0;
	DIR *dir;

	rb_sys_path(path, sizeof(path), "/sys/class/block/%s/dev", disk);
	if (read_devt(path, &devts[nr]) == 0)
		nr++;
	rb_sys_path(path, sizeof(path), "/sys/class/block/%s", disk);
	dir = opendir(path);
	if (!dir)
		return nr;
	while ((de = readdir(dir)) != NULL && nr < max) {
		if (strncmp(de->d_name, disk, strlen(disk)) != 0)
			continue;
		rb_sys_path(path, sizeof(path), "/sys/class/block/%s/%s/dev",
			 disk, de->d_name);
		if (read_devt(path, &devts[nr]) == 0)
			nr++;
	}
	closedir(dir);
	return nr;
}

static bool devt_in(dev_t devt, const dev_t *devts, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (devts[i] == devt)
			return true;
	return false;
}

/* Field 3 of mountinfo is the major:minor of the mounted device. */
static bool find_mount(const dev_t *devts, int nr, char *where, size_t len)
{
	unsigned int maj, min;
	char line[4096], mnt[PATH_MAX], path[PATH_MAX];
	bool found = false;
	FILE *f;

	f = fopen(rb_sys_path(path, sizeof(path), "/proc/self/mountinfo"),
		  "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min,
			   mnt) != 3)
			continue;
		if (devt_in(makedev(maj, min), devts, nr)) {
			snprintf(where, len, "%s", mnt);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool first_holder(const char *disk, char *holder, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	rb_sys_path(path, sizeof(path), "/sys/class/block/%s/holders", disk);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		rb_copy(holder, len, de->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

static void proc_comm(const char *pid, char *comm, size_t len)
{
	char path[PATH_MAX];

	rb_sys_path(path, sizeof(path), "/proc/%s/comm", pid);
	if (rb_sysfs_read(path, comm, len) < 0)
		snprintf(comm, len, "?");
}

static bool fd_uses(const char *pid, mode_t type, const dev_t *devts, int nr)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	struct stat st;
	DIR *dir;

	rb_sys_path(path, sizeof(path), "/proc/%s/fd", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		rb_sys_path(path, sizeof(path), "/proc/%s/fd/%s", pid,
			 de->d_name);
		if (stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type &&
		    devt_in(st.st_rdev, devts, nr))
			found = true;
	}
	closedir(dir);
	return found;
}

/* Mappings of device files: the pathname column, checked by st_rdev. */
static bool maps_use(const char *pid, mode_t type, const dev_t *devts, int nr)
{
	char path[PATH_MAX], line[4096 + 128];
	bool found = false;
	struct stat st;
	char *name;
	FILE *f;

	rb_sys_path(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		name = strstr(line, " /dev/");
		if (!name)
			continue;
		name++;
		name[strcspn(name, " \n")] = '\0';
		if (stat(name, &st) == 0 && (st.st_mode & S_IFMT) == type &&
		    devt_in(st.st_rdev, devts, nr))
			found = true;
	}
	fclose(f);
	return found;
}

/* First process (not this one) with one of @devts open or mapped. */
static bool find_user(mode_t type, const dev_t *devts, int nr, char *why,
		      size_t len, const char *name)
{
	char self[16], comm[64], path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(self, sizeof(self), "%d", (int)getpid());
	dir = opendir(rb_sys_path(path, sizeof(path), "/proc"));
	if (!dir)
		return false;
	while (!found && (de = readdir(dir)) != NULL) {
		const char *how = NULL;

		if (!isdigit((unsigned char)de->d_name[0]) ||
		    strcmp(de->d_name, self) == 0)
			continue;
		if (fd_uses(de->d_name, type, devts, nr))
			how = "open";
		else if (maps_use(de->d_name, type, devts, nr))
			how = "mapped";
		if (!how)
			continue;
		proc_comm(de->d_name, comm, sizeof(comm));
		snprintf(why, len, "/dev/%s is %s by pid %s (%s)", name, how,
			 de->d_name, comm);
		found = true;
	}
	closedir(dir);
	return found;
}

int rb_busy_blockdev(const char *disk, char *why, size_t len)
{
	char where[PATH_MAX], holder[64], dev[PATH_MAX];
	dev_t devts[64];
	int nr, fd;

	nr = disk_devts(disk, devts, 64);
	if (nr == 0)
		return 0;
	if (find_mount(devts, nr, where, sizeof(where))) {
		snprintf(why, len, "/dev/%s is mounted on %s", disk, where);
		return -EBUSY;
	}
	if (first_holder(disk, holder, sizeof(holder))) {
		snprintf(why, len, "/dev/%s is held by %s", disk, holder);
		return -EBUSY;
	}
	if (find_user(S_IFBLK, devts, nr, why, len, disk))
		return -EBUSY;
	/* Catches in-kernel exclusive holders the checks above miss. */
	rb_sys_path(dev, sizeof(dev), "/dev/%s", disk);
	fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) {
		snprintf(why, len, "/dev/%s is held exclusively", disk);
		return -EBUSY;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int rb_busy_chardev(const char *dax, char *why, size_t len)
{
	char path[PATH_MAX];
	dev_t devt;

	rb_sys_path(path, sizeof(path), RB_DAX_DEVICES "/%s/dev", dax);
	if (read_devt(path, &devt) < 0)
		return 0;
	if (find_user(S_IFCHR, &devt, 1, why, len, dax))
		return -EBUSY;
	return 0;
}
