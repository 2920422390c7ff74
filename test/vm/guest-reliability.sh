# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh PART: faults a run must survive (issue 8).
#
#   signals-fsdax-rebind, signals-fsdax-reconf
#                   SIGINT/SIGTERM at random points of plain and of
#                   reconfiguring runs on an fsdax namespace (10 each)
#   signals-devdax-nd, signals-devdax-dax
#                   the same on a devdax namespace, through ndctl- (12) and
#                   daxctl-rebind-bench (8)
#   busy            SIGKILL then the next invocation; busy devices: mapped
#                   and open /dev/daxX.Y, system-ram mode, held or mounted
#                   /dev/pmemX; each refused without --force, data unchanged
#   gaps            kernel-side gaps: tracefs/debugfs unmounted, kprobes off,
#                   dynamic debug unavailable, /dev/kmsg overrun, a driver
#                   bind the kernel refuses
#   containers      two runs in two containers, each with its own /run: the
#                   second refused, the first's dyndbg flag and kprobes kept
#
# The fault framework is guest-fault-lib.sh, each part reliability-*.sh.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"
# shellcheck source=guest-fault-lib.sh
. "$RB_GUEST/guest-fault-lib.sh"

part=${1:-}
require_tool $ND
mount_tracefs

case $part in
signals-*)	. "$RB_GUEST/reliability-signals.sh" ;;
busy|gaps|containers)	. "$RB_GUEST/reliability-$part.sh" ;;
esac
case $part in
signals-fsdax-rebind)	part_signals_fsdax rebind ;;
signals-fsdax-reconf)	part_signals_fsdax reconf ;;
signals-devdax-nd)	part_signals_devdax nd ;;
signals-devdax-dax)	part_signals_devdax dax ;;
busy)			part_busy ;;
gaps)			part_gaps ;;
containers)		part_containers ;;
*)
	t_bail "usage: guest-reliability.sh signals-fsdax-rebind|" \
		"signals-fsdax-reconf|signals-devdax-nd|signals-devdax-dax|" \
		"busy|gaps|containers"
	;;
esac
t_done
