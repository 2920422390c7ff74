// SPDX-License-Identifier: GPL-2.0
/*
 * The run state record, the per-target and the host-wide lock, below a
 * temporary RB_SYSROOT: one holder at a time, atomic save, round trip,
 * removal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "run/run-state.h"
#include "unit.h"

int main(void)
{
	char root[] = "/tmp/rb-run-state-XXXXXX", why[256], *text;
	char host_path[PATH_MAX];
	int host, host2;
	struct rb_run_state a, b;
	struct rb_state_record r;

	if (!CHECK(mkdtemp(root), "temporary root"))
		return unit_done();
	CHECK(rb_run_state_lock(&a, root, "namespace0.0", why,
				sizeof(why)) == 0, "lock: first holder");
	CHECK(rb_run_state_lock(&b, root, "namespace0.0", why,
				sizeof(why)) == -EBUSY,
	      "lock: second holder refused: %s", why);
	CHECK(strstr(why, "pid") != NULL, "lock: reason names the holder");
	CHECK(rb_run_state_find_stale(&a, &r) == 0, "record: none at first");

	/* namespace0.0 and dax0.0 are one device: the host lock covers it. */
	host = rb_run_lock_host(root, why, sizeof(why));
	CHECK(host >= 0, "host lock: first run takes it");
	host2 = rb_run_lock_host(root, why, sizeof(why));
	CHECK(host2 == -EBUSY, "host lock: a second run is refused: %s", why);
	snprintf(host_path, sizeof(host_path), "%s%s/run.lock", root,
		 RB_RUN_DIR);
	CHECK(strstr(why, host_path) && !strchr(why, '\n'),
	      "host lock: one line naming %s", host_path);
	if (host >= 0)
		close(host);
	host2 = rb_run_lock_host(root, why, sizeof(why));
	CHECK(host2 >= 0, "host lock: free again after the first run");
	if (host2 >= 0)
		close(host2);
	unlink(host_path);

	a.rec.pid = 42;
	strcpy(a.rec.prog, "ndctl-rebind-bench");
	strcpy(a.rec.dev, "namespace0.0");
	a.rec.target = json_tokener_parse(
		"{\"kind\":\"nd\",\"dev\":\"namespace0.0\",\"mode\":\"fsdax\"}");
	strcpy(a.rec.dyndbg_control, "/proc/dynamic_debug/control");
	strcpy(a.rec.probe_group, "rb_bench_42");
	strcpy(a.rec.probe_inst, "rebind_bench_42");
	CHECK(rb_run_state_phase(&a, "rebind") == 0, "record: saved");
	CHECK(rb_run_state_find_stale(&a, &r) == 1, "record: found again");
	CHECK(r.pid == 42 && !strcmp(r.dev, "namespace0.0") &&
	      !strcmp(r.phase, "rebind") &&
	      !strcmp(r.probe_inst, "rebind_bench_42") &&
	      !strcmp(r.dyndbg_control, "/proc/dynamic_debug/control"),
	      "record: fields round trip");
	CHECK(r.target && !strcmp(json_object_get_string(
		json_object_object_get(r.target, "mode")), "fsdax"),
	      "record: target part round trips");
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

	CHECK(rb_run_state_clear(&a) == 0 && access(a.state_path, F_OK) != 0,
	      "record: removed after a clean restore");
	rb_run_state_unlock(&a);
	CHECK(rb_run_state_lock(&b, root, "namespace0.0", why,
				sizeof(why)) == 0, "lock: free again");
	rb_run_state_unlock(&b);
	unlink(b.lock_path);
	{
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s%s", root, RB_RUN_DIR);
		rmdir(dir);
		snprintf(dir, sizeof(dir), "%s/run", root);
		rmdir(dir);
		rmdir(root);
	}
	return unit_done();
}
