// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for `import`: a captured kernel log turned into a
 * results document. The first byte picks the options (HZ, ranges per bind),
 * the rest is the log. Whatever the log, the import must return a
 * documented exit status with either a document or a one-line reason, and
 * a document it makes must survive the trip through JSON and the loader,
 * because compare reads imports back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "util/exit-codes.h"
#include "klog/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(cond)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static const long hz_choice[] = { 0, 100, 250, 300, 1000, 24, 1200, 0 };

static void check_round_trip(const struct rb_document *doc)
{
	struct json_object *obj, *back;
	struct rb_document *again;
	char err[512];

	obj = rb_document_to_json(doc);
	fuzz_assert(obj);
	/* Through text, as compare sees it. */
	back = json_tokener_parse(json_object_to_json_string_ext(obj,
						JSON_C_TO_STRING_PLAIN));
	json_object_put(obj);
	fuzz_assert(back);
	again = rb_document_from_json(back, err, sizeof(err));
	json_object_put(back);
	fuzz_assert(again);
	fuzz_assert(again->nr_configs == doc->nr_configs);
	rb_document_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_import_opts opts = { 0 };
	struct rb_document *doc = NULL;
	char err[512];
	FILE *f;
	int ret;

	if (size < 2)
		return 0;
	opts.hz = hz_choice[data[0] & 7];
	opts.ranges_per_bind = (data[0] >> 3) & 3;
	data++;
	size--;

	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	err[0] = '\0';
	ret = rb_import_stream(f, "fuzz.log", "ndctl-rebind-bench", &opts,
			       &doc, err, sizeof(err));
	fclose(f);

	fuzz_assert(ret >= RB_EXIT_OK && ret <= RB_EXIT_RESTORE);
	if (ret != RB_EXIT_OK) {
		fuzz_assert(!doc);
		fuzz_assert(memchr(err, '\0', sizeof(err)) && err[0]);
		fuzz_assert(!strchr(err, '\n'));
		return 0;
	}
	fuzz_assert(doc);
	check_round_trip(doc);
	rb_document_free(doc);
	return 0;
}
