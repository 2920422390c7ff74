// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs attributes and driver files, every path below rb_sysroot(): "" in
 * a live run, a fake tree in the unit tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/sysroot.h"
#include "target/target-priv.h"

char *rb_sys_path(char *buf, size_t len, const char *fmt, ...)
{
	const char *root = rb_sysroot();
	size_t n;
	va_list ap;

	n = snprintf(buf, len, "%s", root);
	if (n >= len)
		return buf;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return buf;
}

int rb_sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strlen(buf);
}

int rb_sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int rc;

	rc = rb_sysfs_read(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int rb_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	rc = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return rc;
}

int rb_sysfs_driver(const char *devpath, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", devpath);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(buf, len, "%s", base ? base + 1 : link);
	return 0;
}

/* Load @name (and its dependencies) the way modprobe would. */
static int load_module(const char *name)
{
	struct kmod_module *mod;
	struct kmod_ctx *kctx;
	int rc;

	kctx = kmod_new(NULL, NULL);
	if (!kctx)
		return -ENOMEM;
	rb_kmod_quiet(kctx);
	rc = kmod_module_new_from_name(kctx, name, &mod);
	if (rc == 0) {
		rc = kmod_module_probe_insert_module(mod,
				KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
				NULL);
		kmod_module_unref(mod);
	}
	kmod_unref(kctx);
	return rc < 0 ? rc : rc > 0 ? -ENOENT : 0;
}

static int driver_write(const char *bus, const char *driver,
			const char *file, const char *dev)
{
	char path[PATH_MAX];

	rb_sys_path(path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", bus,
		    driver, file);
	return rb_sysfs_write(path, dev);
}

int rb_driver_bind(const char *bus, const char *driver, const char *dev)
{
	char path[PATH_MAX];
	int rc;

	rb_sys_path(path, sizeof(path), "/sys/bus/%s/drivers/%s", bus, driver);
	if (access(path, F_OK) != 0) {
		rc = load_module(driver);
		if (rc < 0)
			return rc;
	}
	return driver_write(bus, driver, "bind", dev);
}

int rb_driver_unbind(const char *bus, const char *driver, const char *dev)
{
	return driver_write(bus, driver, "unbind", dev);
}

int rb_nd_wait_probe(const char *bus_dev)
{
	char path[PATH_MAX], buf[16];
	int rc;

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/wait_probe",
		    bus_dev);
	rc = rb_sysfs_read(path, buf, sizeof(buf));
	return rc < 0 ? rc : 0;
}
