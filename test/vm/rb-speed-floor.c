// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for guest-speed.sh: the floor of a rebind cycle, i.e. the
 * raw sysfs unbind and bind writes and nothing else, timed without the
 * fork of a shell command per timestamp.
 *
 *   rb-speed-floor now
 *	print CLOCK_MONOTONIC in nanoseconds (an outside clock for the
 *	other methods; busybox date has no %N)
 *   rb-speed-floor loop BUS DRIVER DEVICE N
 *	N times: write DEVICE to /sys/bus/BUS/drivers/DRIVER/unbind, then
 *	to .../bind; print "unbind_ns bind_ns" per iteration, then
 *	"total_ns T" for the whole loop
 *
 * Each write opens and closes the file, as `echo dev > file` does.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int write_attr(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

/* Write @dev to @path; its duration goes to @ns. Nonzero on failure. */
static int timed_write(const char *path, const char *dev, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int rc = write_attr(path, dev);

	*ns = now_ns() - t0;
	if (rc)
		fprintf(stderr, "rb-speed-floor: %s: %s\n", path,
			strerror(-rc));
	return rc;
}

static int loop(const char *bus, const char *driver, const char *dev,
		unsigned long n)
{
	char unbind[256], bind[256];
	uint64_t start, un_ns, bind_ns;
	unsigned long i;

	snprintf(unbind, sizeof(unbind), "/sys/bus/%s/drivers/%s/unbind",
		 bus, driver);
	snprintf(bind, sizeof(bind), "/sys/bus/%s/drivers/%s/bind", bus,
		 driver);
	start = now_ns();
	for (i = 0; i < n; i++) {
		if (timed_write(unbind, dev, &un_ns) ||
		    timed_write(bind, dev, &bind_ns))
			return 1;
		printf("%" PRIu64 " %" PRIu64 "\n", un_ns, bind_ns);
	}
	printf("total_ns %" PRIu64 "\n", now_ns() - start);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n;
	char *end;

	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%" PRIu64 "\n", now_ns());
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "loop")) {
		errno = 0;
		n = strtoul(argv[5], &end, 10);
		if (!errno && *end == '\0' && end != argv[5] && n > 0)
			return loop(argv[2], argv[3], argv[4], n);
	}
	fprintf(stderr,
		"usage: rb-speed-floor now | loop BUS DRIVER DEVICE N\n");
	return 2;
}
