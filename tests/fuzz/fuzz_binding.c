/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_binding: libFuzzer target for learning kombu's separator from binding members (the input split at
 * '\n' into members) and for --transport-option parsing (the whole input). */
#include "binding.h"
#include "transport_options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *members[64];
	size_t lens[64], n = 0, start = 0;
	char sep[KOMBU_SEP_MAX + 1] = KOMBU_SEP;
	struct kombu_names names;
	struct binding_fields f;
	struct error err;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0; i <= size && n < 64; i++)
		if (i == size || s[i] == '\n') {
			members[n] = s + start;
			lens[n++] = i - start;
			start = i + 1;
		}
	/* a learned separator reads every member as three fields, or as SEP SEP QUEUE (a pidbox binding whose
	 * node name holds the separator) */
	if (binding_learn_sep(members, lens, n, sep, &err) == 1)
		for (size_t i = 0; i < n; i++)
			if (binding_split_bound(members[i], lens[i], sep, &f) < 0 ||
			    f.routing_key_len + f.pattern_len + f.queue_len + 2 * strlen(sep) != lens[i] ||
			    (binding_split(members[i], lens[i], sep, &f) < 0 &&
			     (memcmp(members[i], sep, strlen(sep)) != 0 ||
			      memcmp(members[i] + strlen(sep), sep, strlen(sep)) != 0)))
				__builtin_trap();
	kombu_names_default(&names);
	if (kombu_transport_option(&names, s, &err) == 0) {
		/* accepted values stay in bounds: a non-empty separator, ascending steps */
		if (names.sep[0] == '\0' || names.nsteps < 1 || names.nsteps > KOMBU_MAX_STEPS)
			__builtin_trap();
		for (int i = 1; i < names.nsteps; i++)
			if (names.steps[i] <= names.steps[i - 1])
				__builtin_trap();
	}
	free(s);
	return 0;
}
