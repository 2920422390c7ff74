// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helper for guest-reliability.sh: device-dax has no read() or
 * write(), only mmap(), and busybox cannot map a file.
 *
 *   rb-map-hold hold PATH LEN   open and map LEN bytes, touch them, print
 *                               "held" and wait for a signal
 *   rb-map-hold fill PATH LEN SEED   write a pattern derived from SEED
 *   rb-map-hold sum PATH LEN    print an FNV-1a hash of the first LEN bytes
 *
 * LEN must be a multiple of the device alignment (2M covers 4K and 2M).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *map_dev(const char *path, size_t len, int prot)
{
	void *p;
	int fd;

	fd = open(path, (prot & PROT_WRITE) ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "rb-map-hold: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/* device-dax accepts only shared mappings. */
	p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "rb-map-hold: mmap %s: %s\n", path,
			strerror(errno));
		exit(1);
	}
	close(fd); /* the mapping keeps the device in use */
	return p;
}

int main(int argc, char **argv)
{
	volatile const unsigned char *c;
	unsigned long long seed;
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char *p;
	size_t len, i;

	if (argc < 4) {
		fprintf(stderr,
			"usage: rb-map-hold hold|fill|sum PATH LEN [SEED]\n");
		return 2;
	}
	len = strtoull(argv[3], NULL, 0);
	if (!strcmp(argv[1], "hold")) {
		c = map_dev(argv[2], len, PROT_READ);
		for (i = 0; i < len; i += 4096)
			(void)c[i];
		printf("held\n");
		fflush(stdout);
		pause();
		return 0;
	}
	if (!strcmp(argv[1], "fill") && argc == 5) {
		seed = strtoull(argv[4], NULL, 0);
		p = map_dev(argv[2], len, PROT_READ | PROT_WRITE);
		for (i = 0; i < len; i++)
			p[i] = (unsigned char)((i * 2654435761ULL + seed) >> 7);
		/* device-dax stores reach the media without msync(). */
		return 0;
	}
	if (!strcmp(argv[1], "sum")) {
		c = map_dev(argv[2], len, PROT_READ);
		for (i = 0; i < len; i++)
			h = (h ^ c[i]) * 0x100000001b3ULL;
		printf("%016" PRIx64 "\n", h);
		return 0;
	}
	fprintf(stderr, "rb-map-hold: unknown command %s\n", argv[1]);
	return 2;
}
