/* SPDX-License-Identifier: GPL-3.0-or-later */
/* name_map: open addressing with linear probing over word-at-a-time hashes, kept at most half full. */
#include "name_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes a step, each step a multiply, then murmur3's finalizer so that every bit of every byte moves
 * the low bits that pick the slot. */
static uint64_t hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The slot holding name, or the empty slot where it would go. */
static struct name_map_slot *find(const struct name_map *m, const char *name)
{
	size_t mask = m->cap - 1, i = (size_t)hash(name) & mask;

	while (m->slots[i].name != NULL && strcmp(m->slots[i].name, name) != 0)
		i = (i + 1) & mask;
	return &m->slots[i];
}

/* Moves the names to a table of cap slots (a power of two, larger than the table's). */
static int grow_to(struct name_map *m, size_t cap)
{
	struct name_map old = *m;

	if (cap < m->cap || (m->slots = calloc(cap, sizeof(m->slots[0]))) == NULL) {
		m->slots = old.slots;
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].name != NULL)
			*find(m, old.slots[i].name) = old.slots[i];
	free(old.slots);
	return 0;
}

static int grow(struct name_map *m)
{
	return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int name_map_reserve(struct name_map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	while (cap < 2 * n && cap * 2 > cap)
		cap *= 2;
	return cap > m->cap ? grow_to(m, cap) : 0;
}

int name_map_put(struct name_map *m, const char *name, size_t value, size_t *value_out)
{
	struct name_map_slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	s = find(m, name);
	if (s->name != NULL) {
		if (value_out != NULL)
			*value_out = s->value;
		return 0;
	}
	s->name = name;
	s->value = value;
	m->n++;
	return 1;
}

int name_map_get(const struct name_map *m, const char *name, size_t *value)
{
	const struct name_map_slot *s;

	if (m->cap == 0)
		return 0;
	s = find(m, name);
	if (s->name == NULL)
		return 0;
	if (value != NULL)
		*value = s->value;
	return 1;
}

void name_map_clear(struct name_map *m)
{
	if (m->cap > 0)
		memset(m->slots, 0, m->cap * sizeof(m->slots[0]));
	m->n = 0;
}

void name_map_free(struct name_map *m)
{
	free(m->slots);
	*m = (struct name_map)NAME_MAP_INIT;
}

int name_map_put_all(struct name_map *m, char *const *names, size_t n)
{
	if (n > 0 && name_map_reserve(m, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (name_map_put(m, names[i], i, NULL) < 0)
			return -1;
	return 0;
}
