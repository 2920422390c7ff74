// SPDX-License-Identifier: GPL-2.0
/*
 * What nd and dax targets share: sysfs attribute and driver-file access,
 * library log routing, name parsing, and the generic constructors and
 * destructors of target.h.
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
#include <ndctl/libndctl.h>
#include <daxctl/libdaxctl.h>
#include "util/log.h"
#include "target/target-priv.h"

char *rb_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return dst;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

int rb_fail(struct rb_target *t, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return rc;
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

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", bus, driver,
		 file);
	return rb_sysfs_write(path, dev);
}

int rb_driver_bind(const char *bus, const char *driver, const char *dev)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s", bus, driver);
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

	snprintf(path, sizeof(path), RB_ND_DEVICES "/%s/wait_probe", bus_dev);
	rc = rb_sysfs_read(path, buf, sizeof(buf));
	return rc < 0 ? rc : 0;
}

static void ndctl_log(struct ndctl_ctx *ctx, int prio, const char *file,
		      int line, const char *fn, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	rb_dbg("libndctl: %s: %s", fn, msg);
}

static void daxctl_log(struct daxctl_ctx *ctx, int prio, const char *file,
		       int line, const char *fn, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	rb_dbg("libdaxctl: %s: %s", fn, msg);
}

void rb_ndctl_quiet(struct ndctl_ctx *ctx)
{
	ndctl_set_log_fn(ctx, ndctl_log);
	ndctl_set_log_priority(ctx, rb_verbose() ? 7 : 3);
	rb_daxctl_quiet(ndctl_get_daxctl_ctx(ctx));
}

void rb_daxctl_quiet(struct daxctl_ctx *ctx)
{
	if (!ctx)
		return;
	daxctl_set_log_fn(ctx, daxctl_log);
	daxctl_set_log_priority(ctx, rb_verbose() ? 7 : 3);
}

bool rb_parse_devname(const char *name, const char *prefix,
		      unsigned int *region, unsigned int *id)
{
	size_t plen = strlen(prefix);
	int n = -1;

	if (strncmp(name, prefix, plen) == 0)
		name += plen;
	if (name[0] < '0' || name[0] > '9')
		return false;
	if (sscanf(name, "%u.%u%n", region, id, &n) != 2 || n < 0)
		return false;
	return name[n] == '\0' && strchr(name, '-') == NULL;
}

const char *rb_json_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

bool rb_json_u64(struct json_object *obj, const char *key, uint64_t *val)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*val = json_object_get_uint64(v);
	return true;
}

bool rb_json_bool(struct json_object *obj, const char *key, bool *val)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return false;
	*val = json_object_get_boolean(v);
	return true;
}

void rb_targets_free(struct rb_target **targets, int nr)
{
	int i;

	if (!targets)
		return;
	for (i = 0; i < nr; i++)
		if (targets[i])
			targets[i]->ops->close(targets[i]);
	free(targets);
}

int rb_target_from_saved(struct json_object *rec,
			 const struct rb_target_opts *opts,
			 struct rb_target **out, char *err, size_t errlen)
{
	const char *kind = rec ? rb_json_str(rec, "kind") : NULL;

	if (kind && strcmp(kind, "nd") == 0)
		return rb_nd_target_from_saved(rec, opts, out, err, errlen);
	if (kind && strcmp(kind, "dax") == 0)
		return rb_dax_target_from_saved(rec, opts, out, err, errlen);
	snprintf(err, errlen, "saved target record has no valid \"kind\"");
	return -EINVAL;
}

