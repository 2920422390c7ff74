// SPDX-License-Identifier: GPL-2.0
/*
 * The run state record, the per-target and the host-wide lock, below a
 * temporary RB_SYSROOT: one holder at a time (also across two roots that
 * share one tracefs, as two containers do), atomic save, round trip with
 * the boot id, removal, and the records that are refused: a symbolic link,
 * a symlinked or group-writable directory, a writable or foreign file.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "run/run-state.h"
#include "unit.h"

#define BOOT_ID "0f6e3c4e-8d1b-4c35-9a51-3a6f3c1b2d7e"
#define FIX " not acting on it: check the device by hand (ndctl list / daxctl list) and remove it"
#define BUSY_TAIL "; runs take turns, as concurrent rebinds disturb each other's timings"

static char root[] = "/tmp/rb-run-state-XXXXXX";
static char other[] = "/tmp/rb-run-state-other-XXXXXX";

static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	f = fopen(path, "w");
	if (!CHECK(f, "create %s", path))
		return;
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *dir, const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	for (p = path + strlen(dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* The host lock below @root and below a root that shares its tracefs. */
static void test_host_lock(void)
{
	struct rb_host_lock a, b;
	char why[512], want[1024];

	mkdirs(root, "/sys/kernel/tracing/events");
	mkdirs(other, "/sys/kernel");
	{
		char link[PATH_MAX], target[PATH_MAX];

		snprintf(link, sizeof(link), "%s/sys/kernel/tracing", other);
		snprintf(target, sizeof(target), "%s/sys/kernel/tracing",
			 root);
		CHECK(symlink(target, link) == 0,
		      "host lock: a second root sees the same tracefs");
	}
	CHECK(rb_run_lock_host(root, &a, why, sizeof(why)) == 0 &&
	      a.run_fd >= 0 && a.ns_fd >= 0,
	      "host lock: first run takes /run's lock and tracefs'");
	CHECK(rb_run_lock_host(root, &b, why, sizeof(why)) == -EBUSY &&
	      b.run_fd < 0 && b.ns_fd < 0,
	      "host lock: a second run is refused");
	snprintf(want, sizeof(want),
		 "this host: another rebind-bench run (pid %d) holds %s%s/run.lock%s",
		 getpid(), root, RB_RUN_DIR, BUSY_TAIL);
	CHECK(!strcmp(why, want), "host lock: the line names run.lock: %s",
	      why);
	/* Its own /run, the same tracefs: another container. */
	CHECK(rb_run_lock_host(other, &b, why, sizeof(why)) == -EBUSY &&
	      b.run_fd < 0 && b.ns_fd < 0,
	      "host lock: a run with its own /run is refused too");
	snprintf(want, sizeof(want),
		 "this host: another rebind-bench run holds the lock on %s/sys/kernel/tracing (shared by every mount namespace: the run may be in another container)%s",
		 other, BUSY_TAIL);
	CHECK(!strcmp(why, want),
	      "host lock: the line names the tracefs lock: %s", why);
	rb_run_unlock_host(&a);
	rb_run_unlock_host(&a);
	CHECK(rb_run_lock_host(other, &b, why, sizeof(why)) == 0,
	      "host lock: free again after the first run, its /run lock too");
	rb_run_unlock_host(&b);
}

/* A record for namespace0.0 as a run saves it. */
static void save_record(struct rb_run_state *rs)
{
	rs->rec.pid = 42;
	strcpy(rs->rec.prog, "ndctl-rebind-bench");
	strcpy(rs->rec.dev, "namespace0.0");
	rs->rec.target = json_tokener_parse(
		"{\"kind\":\"nd\",\"dev\":\"namespace0.0\",\"mode\":\"fsdax\"}");
	strcpy(rs->rec.helpers.dyndbg_control, "/proc/dynamic_debug/control");
	strcpy(rs->rec.helpers.probe_group, "rebind_bench_42");
	strcpy(rs->rec.helpers.probe_inst, "rebind_bench_42");
	CHECK(rb_run_state_phase(rs, "rebind") == 0, "record: saved");
}

/* find_stale() on @rs refuses with exactly "<dev>: refusing ...@tail". */
static void check_refused(struct rb_run_state *rs, const char *what,
			  const char *path, const char *problem,
			  const char *name)
{
	struct rb_state_record r;
	char why[512] = "", want[1024];
	int rc = rb_run_state_find_stale(rs, &r, why, sizeof(why));

	snprintf(want, sizeof(want),
		 "namespace0.0: refusing the state %s %s: %s;" FIX, what,
		 path, problem);
	CHECK(rc == -EPERM, "refused (-EPERM): %s (rc %d)", name, rc);
	CHECK(!strcmp(why, want), "refused: %s: the line: %s", name, why);
	if (rc == 1)
		rb_state_record_release(&r);
}

static void test_refused(struct rb_run_state *rs)
{
	char away[PATH_MAX + 8], dir_away[PATH_MAX + 8];

	/* A symbolic link where the record is. */
	snprintf(away, sizeof(away), "%s.real", rs->state_path);
	CHECK(rename(rs->state_path, away) == 0 &&
	      symlink(away, rs->state_path) == 0, "setup: record symlinked");
	check_refused(rs, "record", rs->state_path, "a symbolic link",
		      "symlinked record");
	unlink(rs->state_path);
	rename(away, rs->state_path);

	chmod(rs->state_path, 0620);
	check_refused(rs, "record", rs->state_path,
		      "writable by group or others (mode 0620)",
		      "group-writable record");
	chmod(rs->state_path, 0602);
	check_refused(rs, "record", rs->state_path,
		      "writable by group or others (mode 0602)",
		      "world-writable record");
	chmod(rs->state_path, 0600);

	chmod(rs->state_dir, 0770);
	check_refused(rs, "directory", rs->state_dir,
		      "writable by group or others (mode 0770)",
		      "group-writable directory");
	chmod(rs->state_dir, 0700);

	/* The directory a symbolic link to one that looks right. */
	snprintf(dir_away, sizeof(dir_away), "%s.real", rs->state_dir);
	CHECK(rename(rs->state_dir, dir_away) == 0 &&
	      symlink(dir_away, rs->state_dir) == 0,
	      "setup: record directory symlinked");
	check_refused(rs, "directory", rs->state_dir, "a symbolic link",
		      "record in a symlinked directory");
	unlink(rs->state_dir);
	rename(dir_away, rs->state_dir);

	if (geteuid() == 0) {
		CHECK(chown(rs->state_path, 1, 1) == 0, "setup: chown");
		check_refused(rs, "record", rs->state_path,
			      "owned by uid 1, not 0", "foreign record");
		CHECK(chown(rs->state_path, 0, 0) == 0, "setup: chown back");
	} else {
		printf("ok - foreign record # SKIP needs root to chown\n");
	}
}

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	return remove(path);
}

int main(void)
{
	char why[512], *text;
	struct rb_run_state a, b;
	struct rb_state_record r;
	struct stat st;

	if (!CHECK(mkdtemp(root) && mkdtemp(other), "temporary roots"))
		return unit_done();
	mkdirs(root, "/proc/sys/kernel/random");
	put(root, "/proc/sys/kernel/random/boot_id", BOOT_ID "\n");
	test_host_lock();

	CHECK(rb_run_state_lock(&a, root, "namespace0.0", why,
				sizeof(why)) == 0, "lock: first holder");
	CHECK(rb_run_state_lock(&b, root, "namespace0.0", why,
				sizeof(why)) == -EBUSY,
	      "lock: second holder refused: %s", why);
	CHECK(strstr(why, "pid") != NULL, "lock: reason names the holder");
	CHECK(strstr(a.lock_path, RB_RUN_DIR "/namespace0.0.lock") &&
	      strstr(a.state_path, RB_STATE_DIR "/namespace0.0.json"),
	      "lock in %s, record in %s", a.lock_path, a.state_path);
	CHECK(stat(a.state_dir, &st) == 0 && (st.st_mode & 07777) == 0700,
	      "record directory made with mode 0700");
	CHECK(rb_run_state_find_stale(&a, &r, why, sizeof(why)) == 0,
	      "record: none at first");

	save_record(&a);
	CHECK(stat(a.state_path, &st) == 0 && (st.st_mode & 07777) == 0600,
	      "record: mode 0600");
	CHECK(rb_run_state_find_stale(&a, &r, why, sizeof(why)) == 1,
	      "record: found again");
	CHECK(r.pid == 42 && !strcmp(r.dev, "namespace0.0") &&
	      !strcmp(r.phase, "rebind") && !strcmp(r.boot_id, BOOT_ID) &&
	      !strcmp(r.helpers.probe_inst, "rebind_bench_42") &&
	      !strcmp(r.helpers.dyndbg_control, "/proc/dynamic_debug/control"),
	      "record: fields round trip, this boot's id included");
	CHECK(r.target && !strcmp(json_object_get_string(
		json_object_object_get(r.target, "mode")), "fsdax"),
	      "record: target part round trips");
	rb_state_record_release(&r);
	test_refused(&a);
	CHECK(rb_run_state_find_stale(&a, &r, why, sizeof(why)) == 1,
	      "record: trusted again once put right");
	rb_state_record_release(&r);

	CHECK(rb_state_record_from_json("{\"pid\":1}", &r) == -EINVAL,
	      "record: missing fields refused");
	CHECK(rb_state_record_from_json("not json", &r) == -EINVAL,
	      "record: garbage refused");
	text = rb_state_record_to_json(&a.rec);
	CHECK(text && rb_state_record_from_json(text, &r) == 0,
	      "record: own output parses");
	rb_state_record_release(&r);
	free(text);
	/* Another device's record under this device's name. */
	strcpy(a.rec.dev, "namespace1.0");
	rb_run_state_save(&a);
	CHECK(rb_run_state_find_stale(&a, &r, why, sizeof(why)) == -EINVAL &&
	      strstr(why, "namespace0.0: unreadable state record "),
	      "record: another device's is not acted on: %s", why);

	CHECK(rb_run_state_clear(&a) == 0 && access(a.state_path, F_OK) != 0,
	      "record: removed after a clean restore");
	rb_run_state_unlock(&a);
	CHECK(rb_run_state_lock(&b, root, "namespace0.0", why,
				sizeof(why)) == 0, "lock: free again");
	rb_run_state_unlock(&b);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(other, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return unit_done();
}
