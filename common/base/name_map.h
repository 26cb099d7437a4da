/* SPDX-License-Identifier: GPL-3.0-or-later */
/* name_map: a hash map from names (NUL-terminated strings the caller keeps alive) to indexes, so that
 * finding a worker or a queue by name costs the same with 10 of them as with 10,000. */
#ifndef CELERY_NAME_MAP_H
#define CELERY_NAME_MAP_H

#include <stddef.h>

struct name_map_slot {
	const char *name; /* NULL: an empty slot */
	size_t value;
};

struct name_map {
	struct name_map_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

#define NAME_MAP_INIT                                                                                        \
	{                                                                                                    \
		NULL, 0, 0                                                                                   \
	}

/* Maps each of the n names to its index (a name given twice keeps its first). -1 when out of memory. */
int name_map_put_all(struct name_map *m, char *const *names, size_t n);
/* Makes room for n names at once, so that no growing comes while they are put. -1 when out of memory. */
int name_map_reserve(struct name_map *m, size_t n);
/* Maps name to value unless it is mapped already: 1 when added, 0 when it was there (*value_out, if not
 * NULL, then holds its value), -1 when out of memory. */
int name_map_put(struct name_map *m, const char *name, size_t value, size_t *value_out);
/* 1 and *value (if not NULL) when name is mapped, 0 when not. */
int name_map_get(const struct name_map *m, const char *name, size_t *value);
/* Forgets every name; the memory is kept for reuse. */
void name_map_clear(struct name_map *m);
void name_map_free(struct name_map *m);

#endif
