// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util/u64-index.h"

/* splitmix64's finaliser: page counts differ in their high bits only. */
static uint64_t mix(uint64_t k)
{
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	return k ^ (k >> 31);
}

static struct rb_u64_slot *find(const struct rb_u64_index *x, uint64_t key)
{
	size_t mask = x->nr_slots - 1, i = mix(key) & mask;

	while (x->slots[i].head && x->slots[i].key != key)
		i = (i + 1) & mask;
	return &x->slots[i];
}

static int grow(struct rb_u64_index *x)
{
	struct rb_u64_index old = *x;
	size_t i;

	x->nr_slots = old.nr_slots ? 2 * old.nr_slots : 64;
	x->slots = calloc(x->nr_slots, sizeof(*x->slots));
	if (!x->slots) {
		*x = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.nr_slots; i++)
		if (old.slots[i].head)
			*find(x, old.slots[i].key) = old.slots[i];
	free(old.slots);
	return 0;
}

/* Room for one more filing. */
static int reserve(struct rb_u64_index *x)
{
	size_t n = x->alloc ? 2 * x->alloc : 64;
	size_t *next, *idx;

	if (x->nr < x->alloc)
		return 0;
	next = reallocarray(x->next, n, sizeof(*next));
	if (!next)
		return -ENOMEM;
	x->next = next;
	idx = reallocarray(x->idx, n, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	x->idx = idx;
	x->alloc = n;
	return 0;
}

int rb_u64_index_add(struct rb_u64_index *x, uint64_t key, size_t idx)
{
	struct rb_u64_slot *s;

	if ((2 * (x->nr_keys + 1) > x->nr_slots && grow(x)) || reserve(x))
		return -ENOMEM;
	s = find(x, key);
	x->idx[x->nr] = idx;
	x->next[x->nr] = 0;
	x->nr++;
	if (!s->head) {
		s->key = key;
		s->head = x->nr;
		x->nr_keys++;
	} else {
		x->next[s->tail - 1] = x->nr;
	}
	s->tail = x->nr;
	return 0;
}

size_t rb_u64_index_walk(const struct rb_u64_index *x, uint64_t key,
			 size_t *pos)
{
	size_t f;

	if (!x->nr_slots)
		return RB_U64_INDEX_END;
	f = *pos ? x->next[*pos - 1] : find(x, key)->head;
	if (!f)
		return RB_U64_INDEX_END;
	*pos = f;
	return x->idx[f - 1];
}

void rb_u64_index_free(struct rb_u64_index *x)
{
	free(x->slots);
	free(x->next);
	free(x->idx);
	memset(x, 0, sizeof(*x));
}
