/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a live run must be able to undo: signal flag, one run per host
 * and one per target (lock files under /run/rebind-bench/), and a small
 * record of the original state under /var/lib/rebind-bench/, on the disk
 * and synced before anything is changed, so that the next invocation can
 * repair what a SIGKILL, a crash or a power loss left behind.
 */
#ifndef RB_RUN_STATE_H
#define RB_RUN_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "run/timing.h"

/* The locks: gone with the boot, as the runs holding them are. */
#define RB_RUN_DIR "/run/rebind-bench"
/* The records: they must outlive the boot, as the device's state does. */
#define RB_STATE_DIR "/var/lib/rebind-bench"

/*
 * SIGINT, SIGTERM and SIGHUP only set a flag (no SA_RESTART, so blocking
 * reads return EINTR); the loop polls it between steps.
 */
int rb_signals_install(void);
bool rb_interrupted(void);
int rb_interrupt_signal(void); /* the signal received, 0 if none */

/*
 * The state found before the run and the helpers this run set up. The
 * target part comes from the target's ops->save() and is handed back to
 * rb_target_from_saved() for the repair.
 */
struct rb_state_record {
	int pid;
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id of the run */
	char prog[32]; /* ndctl-rebind-bench */
	char dev[64]; /* namespace0.0, dax0.0 */
	struct json_object *target; /* owned; NULL until saved */
	struct rb_timing_helpers helpers; /* what timing set up */
	char phase[32]; /* last step started: "reconfigure", "rebind"... */
};

/* Free what a record owns. */
void rb_state_record_release(struct rb_state_record *rec);

struct rb_run_state {
	char dev[64];
	char lock_path[PATH_MAX];
	char state_dir[PATH_MAX - 80]; /* room for "/<dev>.json" */
	char state_path[PATH_MAX];
	char boot_id[40]; /* this boot's, "" when unreadable */
	int lock_fd;
	bool saved;
	struct rb_state_record rec;
};

/* The host-wide lock: both fds -1 when not held. */
struct rb_host_lock {
	int run_fd; /* <root>/run/rebind-bench/run.lock */
	int ns_fd; /* the tracefs or debugfs root, -1 when neither is mounted */
};

/*
 * Take the host-wide lock that every live run of either tool holds: one
 * run at a time, so that no two runs rebind one device under two names
 * (namespace0.0 and its dax0.0) or time each other's binds. It is a flock
 * on <root>/run/rebind-bench/run.lock and one on the root of tracefs (else
 * debugfs): those are single-superblock filesystems, one inode in every
 * mount namespace that mounts them, so that runs in two containers, each
 * with its own /run, exclude each other too. Returns 0, or -EBUSY / -errno
 * with a one-line reason naming the lock in @why.
 */
int rb_run_lock_host(const char *root, struct rb_host_lock *hl, char *why,
		     size_t len);

/* Release what rb_run_lock_host() took; safe on a lock not held. */
void rb_run_unlock_host(struct rb_host_lock *hl);

/*
 * Take the per-target lock (directory below @root, see sysroot.h) and
 * create the record directory (mode 0700) if it is missing. Returns 0, or
 * -EBUSY when another run holds it, -errno otherwise, with a one-line
 * reason in @why.
 */
int rb_run_state_lock(struct rb_run_state *rs, const char *root,
		      const char *dev, char *why, size_t len);

/*
 * A record left by an earlier run that did not finish: 1 and *@out
 * filled (release it), 0 when there is none. A record says how to
 * reconfigure a device as root, so it is trusted only in a directory and
 * a file that are no symbolic links, owned by the euid and not writable by
 * group or others: -EPERM when they are not, -errno when the record cannot
 * be read or parsed; the record is then not to be acted on, and @why holds
 * one line saying why and what to do.
 */
int rb_run_state_find_stale(struct rb_run_state *rs,
			    struct rb_state_record *out, char *why,
			    size_t len);

/*
 * Write rs->rec (with this boot's id) atomically: temp file + fsync +
 * rename + fsync of the directory, so that it is on the disk before the
 * change it describes.
 */
int rb_run_state_save(struct rb_run_state *rs);

/* Update the phase field and save; cheap enough for every step. */
int rb_run_state_phase(struct rb_run_state *rs, const char *phase);

/* Remove the record after a clean restore. */
int rb_run_state_clear(struct rb_run_state *rs);

/* Release the lock and free rs->rec; the record file (if any) stays. */
void rb_run_state_unlock(struct rb_run_state *rs);

/* JSON round trip of a record (exposed for unit tests). */
char *rb_state_record_to_json(const struct rb_state_record *rec);
int rb_state_record_from_json(const char *text, struct rb_state_record *rec);

#endif /* RB_RUN_STATE_H */
