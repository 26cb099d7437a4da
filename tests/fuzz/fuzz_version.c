/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_version: libFuzzer target for versions and --accept specs: the input's first line is a spec, the
 * rest versions. Parsing never crashes; the order is a total order on what parses (antisymmetric, each
 * version equal to itself); a spec that parses judges every version without crashing. */
#include "version_policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	struct version prev, v;
	struct version_policy policy;
	struct error err;
	int have_prev = 0, first = 1;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&policy, 0, sizeof(policy));
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (first) {
			first = 0;
			if (version_policy_accept(&policy, line, &err) < 0 && err.kind != ERROR_USAGE)
				__builtin_trap();
			continue;
		}
		version_verdict(&policy, line);
		if (version_parse(line, &v, &err) < 0)
			continue;
		if (version_cmp(&v, &v) != 0)
			__builtin_trap();
		if (have_prev && (version_cmp(&prev, &v) > 0) != (version_cmp(&v, &prev) < 0))
			__builtin_trap();
		prev = v;
		have_prev = 1;
	}
	version_policy_free(&policy);
	free(text);
	return 0;
}
