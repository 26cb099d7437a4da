/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_range: libFuzzer target for the threshold range parser. */
#include "range.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct range r;
	struct error err;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (range_parse(s, &r, &err) == 0) {
		/* the text is kept for perfdata; a bounded range is ordered; an endpoint is inside */
		if (strcmp(r.text, s) != 0 || (!r.start_inf && !r.end_inf && r.start > r.end))
			__builtin_trap();
		if (!r.end_inf && range_alerts(&r, r.end) != r.inside)
			__builtin_trap();
	}
	free(s);
	return 0;
}
