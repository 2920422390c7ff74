// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the results loader: any byte string handed to
 * rb_document_load() must give a document or a one-line reason, never a
 * crash, a leak or undefined behaviour. A loaded document is serialised
 * again, because compare reads back what the loader accepted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "results/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reason(const char *err, size_t len)
{
	/* The loader promises one line: a reason must not hold a newline. */
	if (!memchr(err, '\0', len) || strchr(err, '\n'))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_document *doc;
	struct json_object *obj;
	char path[64], err[512];
	int fd;

	/* The loader takes a path; a memfd gives it one without disk I/O. */
	fd = memfd_create("fuzz-load", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	err[0] = '\0';
	doc = rb_document_load(path, err, sizeof(err));
	close(fd);
	if (!doc) {
		check_reason(err, sizeof(err));
		if (!err[0])
			__builtin_trap(); /* refused without saying why */
		return 0;
	}
	obj = rb_document_to_json(doc);
	if (obj)
		json_object_put(obj);
	rb_document_free(doc);
	return 0;
}
