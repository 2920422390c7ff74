/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Indices filed under 64-bit keys: a small open-addressing hash table
 * (linear probing, grown at half full) whose every key holds the chain of
 * indices filed under it, in the order they were filed. compare finds a
 * configuration's counterparts by page count with it, in constant time
 * instead of a scan of all of them.
 */
#ifndef RB_U64_INDEX_H
#define RB_U64_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define RB_U64_INDEX_END SIZE_MAX

struct rb_u64_index {
	struct rb_u64_slot {
		uint64_t key;
		size_t head, tail; /* first and last index + 1; 0: empty */
	} *slots;
	size_t nr_slots, nr_keys;
	size_t *next; /* per filing: the next filing's number + 1, or 0 */
	size_t *idx; /* per filing: the index filed */
	size_t nr, alloc;
};

/* File @idx under @key (an index may be filed under several). 0 or -ENOMEM. */
int rb_u64_index_add(struct rb_u64_index *x, uint64_t key, size_t idx);

/*
 * Walk the indices filed under @key: @*pos starts at 0; each call gives
 * the next index, RB_U64_INDEX_END after the last.
 */
size_t rb_u64_index_walk(const struct rb_u64_index *x, uint64_t key,
			 size_t *pos);

void rb_u64_index_free(struct rb_u64_index *x);

#endif /* RB_U64_INDEX_H */
