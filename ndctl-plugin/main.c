// SPDX-License-Identifier: GPL-2.0
/* ndctl-rebind-bench, the standalone program behind ndctl rebind-bench. */
#include "rebind-bench.h"

int main(int argc, char **argv)
{
	return cmd_rebind_bench(argc, (const char **)argv, NULL);
}
