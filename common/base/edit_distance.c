/* SPDX-License-Identifier: GPL-3.0-or-later */
/* edit_distance: two-row dynamic programming, bounded. */
#include "edit_distance.h"

#include <string.h>

#define NAME_MAX_LEN 256

size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), row[2][NAME_MAX_LEN + 1];

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN || (la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		row[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *prev = row[(i - 1) % 2], *cur = row[i % 2], best;
		cur[0] = best = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1,
			       ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			best = cur[j] < best ? cur[j] : best;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[la % 2][lb] > limit ? limit + 1 : row[la % 2][lb];
}
