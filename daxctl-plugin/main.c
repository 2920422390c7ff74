// SPDX-License-Identifier: GPL-2.0
/* daxctl-rebind-bench, the standalone program behind daxctl rebind-bench. */
#include "rebind-bench.h"

int main(int argc, char **argv)
{
	return cmd_rebind_bench(argc, (const char **)argv, NULL);
}
