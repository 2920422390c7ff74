// SPDX-License-Identifier: GPL-2.0
/*
 * Drive the target layer (lib/target.h) by hand inside the VM, one step per
 * invocation, printing JSON on stdout so guest-targets.sh can hold each
 * step against ndctl/daxctl list, sysfs and the raw kernel log.
 *
 *   rb-target-check [-f] [-m driver|namespace] KIND CMD NAME [ARGS]
 *   KIND: nd | dax
 *   CMD:  describe                     the target's rb_target_desc
 *         busy                         check_busy(): {"busy":..,"why":..}
 *         rebind N                     N x unbind()+bind(), then describe
 *         reconfigure MODE MAP ALIGN   reconfigure() ("-" keeps a field),
 *                                      describe, bind() (the cold bind),
 *                                      describe
 *         setup MODE MAP ALIGN         reconfigure() only: configured, not
 *                                      bound (a run killed before its cold
 *                                      bind), describe
 *         cycle MODE MAP ALIGN         reconfigure, bind, then restore() in
 *                                      the same process, describe
 *         save FILE                    write ops->save()'s record
 *         restore FILE                 rb_target_from_saved() + restore()
 *         open                         only resolve NAME ("all", "X.Y")
 *         map                          mmap 2M of /dev/NAME, close the fd
 *                                      and sleep (a mapping-only user for
 *                                      the busy check); kill it when done
 * Exit: 0 ok, 1 a step failed (its one-line error on stderr), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <json-c/json.h>
#include "util/log.h"
#include "target/target.h"

static struct json_object *desc_json(const struct rb_target_desc *d)
{
	struct json_object *o = json_object_new_object();

#define STR(k) json_object_object_add(o, #k, d->k ? \
		json_object_new_string(d->k) : NULL)
	STR(dev);
	STR(mode);
	STR(map);
	json_object_object_add(o, "align", json_object_new_uint64(d->align));
	json_object_object_add(o, "size", json_object_new_uint64(d->size));
	json_object_object_add(o, "numa_node",
			       json_object_new_int(d->numa_node));
	STR(bind_dev);
	STR(bind_bus);
	STR(driver);
	STR(region);
	STR(chardev);
	STR(blockdev);
#undef STR
	json_object_object_add(o, "expected_nr_pages",
			       json_object_new_uint64(d->expected_nr_pages));
	return o;
}

static int print_describe(struct rb_target *t)
{
	struct rb_target_desc d = { .numa_node = -1 };
	struct json_object *o;
	int rc;

	rc = t->ops->describe(t, &d);
	if (rc < 0) {
		rb_error("describe: %s", t->err);
		rb_target_desc_clear(&d);
		return rc;
	}
	o = desc_json(&d);
	printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	rb_target_desc_clear(&d);
	return 0;
}

static int print_busy(struct rb_target *t)
{
	struct json_object *o = json_object_new_object();
	char why[256] = "";
	int rc;

	rc = t->ops->check_busy(t, why, sizeof(why));
	json_object_object_add(o, "busy",
			       json_object_new_boolean(rc == -EBUSY));
	json_object_object_add(o, "rc", json_object_new_int(rc));
	json_object_object_add(o, "why", json_object_new_string(why));
	printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return rc == -EBUSY ? 0 : rc;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g': return v << 30;
	case 'M': case 'm': return v << 20;
	case 'K': case 'k': return v << 10;
	default: return v;
	}
}

static const char *keep(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

static int do_rebind(struct rb_target *t, int n)
{
	int i, rc;

	for (i = 0; i < n; i++) {
		rc = t->ops->unbind(t);
		if (rc == 0)
			rc = t->ops->bind(t);
		if (rc < 0) {
			rb_error("rebind %d: %s", i, t->err);
			return rc;
		}
	}
	return print_describe(t);
}

enum step_end {
	END_CONFIGURED, /* reconfigure() only */
	END_BOUND, /* and the cold bind */
	END_RESTORED, /* and restore() */
};

static int do_reconfigure(struct rb_target *t, char **args,
			  enum step_end end)
{
	bool restore = end == END_RESTORED;
	struct rb_config_req req = {
		.mode = keep(args[0]),
		.map = keep(args[1]),
		.align = keep(args[2]) ? parse_size(args[2]) : 0,
	};
	int rc;

	rc = t->ops->reconfigure(t, &req);
	/* configured, not bound: expected_nr_pages comes from geometry */
	if (rc == 0)
		rc = print_describe(t);
	if (rc == 0 && end == END_CONFIGURED)
		return 0;
	if (rc == 0)
		rc = t->ops->bind(t);
	if (rc < 0) {
		rb_error("reconfigure: %s", t->err);
		if (restore && t->ops->restore(t) < 0)
			rb_error("restore: %s", t->err);
		return rc;
	}
	rc = print_describe(t);
	if (rc == 0 && restore) {
		rc = t->ops->restore(t);
		if (rc < 0)
			rb_error("restore: %s", t->err);
		else
			rc = print_describe(t);
	}
	return rc;
}

static int do_save(struct rb_target *t, const char *file)
{
	struct json_object *rec = json_object_new_object();
	int rc;

	rc = t->ops->save(t, rec);
	if (rc == 0 && json_object_to_file(file, rec) < 0)
		rc = -EIO;
	if (rc < 0)
		rb_error("save: cannot write %s", file);
	else
		printf("%s\n", json_object_to_json_string(rec));
	json_object_put(rec);
	return rc;
}

static int do_restore_saved(const struct rb_target_opts *opts,
			    const char *file)
{
	struct json_object *rec = json_object_from_file(file);
	struct rb_target *t;
	char err[256];
	int rc;

	if (!rec) {
		rb_error("restore: cannot read %s", file);
		return -EINVAL;
	}
	rc = rb_target_from_saved(rec, opts, &t, err, sizeof(err));
	json_object_put(rec);
	if (rc < 0) {
		rb_error("%s", err);
		return rc;
	}
	rc = t->ops->restore(t);
	if (rc < 0)
		rb_error("restore: %s", t->err);
	else
		rc = print_describe(t);
	t->ops->close(t);
	return rc;
}

/* Hold a mapping of /dev/@name without an open descriptor. */
static int do_map(const char *name)
{
	char path[128];
	void *addr;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		rb_error("map: cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	addr = mmap(NULL, 2 << 20, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (addr == MAP_FAILED) {
		rb_error("map: cannot map %s: %s", path, strerror(errno));
		return -errno;
	}
	printf("mapped %s\n", path);
	fflush(stdout);
	pause();
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: rb-target-check [-f] [-m driver|namespace] nd|dax CMD NAME [ARGS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct rb_target_opts opts = { .method = RB_METHOD_DRIVER };
	struct rb_target **v = NULL;
	const char *kind, *cmd;
	char err[256];
	int c, nr, rc;

	rb_log_init("rb-target-check");
	while ((c = getopt(argc, argv, "fm:v")) != -1) {
		switch (c) {
		case 'f':
			opts.force = true;
			break;
		case 'm':
			opts.method = strcmp(optarg, "namespace") ?
				RB_METHOD_DRIVER : RB_METHOD_NAMESPACE;
			break;
		case 'v':
			opts.verbose = true;
			rb_set_verbose(true);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 3)
		return usage();
	kind = argv[optind];
	cmd = argv[optind + 1];
	if (!strcmp(cmd, "restore"))
		return do_restore_saved(&opts, argv[optind + 2]) < 0;
	if (!strcmp(cmd, "map"))
		return do_map(argv[optind + 2]) < 0;
	if (!strcmp(kind, "nd"))
		nr = rb_nd_targets_open(&argv[optind + 2], 1, NULL, &opts, &v,
					err, sizeof(err));
	else if (!strcmp(kind, "dax"))
		nr = rb_dax_targets_open(&argv[optind + 2], 1, NULL, &opts,
					 &v, err, sizeof(err));
	else
		return usage();
	if (nr < 0) {
		rb_error("%s", err);
		printf("{\"open\":%d}\n", nr);
		return 1;
	}
	argv += optind + 3;
	argc -= optind + 3;
	if (!strcmp(cmd, "open")) {
		for (c = 0; c < nr; c++)
			printf("%s\n", v[c]->name);
		rc = 0;
	} else if (!strcmp(cmd, "describe")) {
		rc = print_describe(v[0]);
	} else if (!strcmp(cmd, "busy")) {
		rc = print_busy(v[0]);
	} else if (!strcmp(cmd, "rebind") && argc >= 1) {
		rc = do_rebind(v[0], atoi(argv[0]));
	} else if (!strcmp(cmd, "setup") && argc >= 3) {
		rc = do_reconfigure(v[0], argv, END_CONFIGURED);
	} else if (!strcmp(cmd, "reconfigure") && argc >= 3) {
		rc = do_reconfigure(v[0], argv, END_BOUND);
	} else if (!strcmp(cmd, "cycle") && argc >= 3) {
		rc = do_reconfigure(v[0], argv, END_RESTORED);
	} else if (!strcmp(cmd, "save") && argc >= 1) {
		rc = do_save(v[0], argv[0]);
	} else {
		rb_targets_free(v, nr);
		return usage();
	}
	rb_targets_free(v, nr);
	return rc < 0;
}
