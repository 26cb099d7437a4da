/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_node_name: libFuzzer target for node name parsing: the parts must put the name back together. */
#include "worker.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *node = malloc(size + 1), *back = malloc(size + 4);
	struct worker_name wn;
	struct error err;

	if (node == NULL || back == NULL)
		goto out;
	memcpy(node, data, size);
	node[size] = '\0';
	if (worker_name_parse(node, &wn, &err) < 0)
		goto out;
	snprintf(back, size + 4, "%s%s%s%s%s", wn.base, wn.version ? "-v" : "", wn.version ? wn.version : "",
	         strchr(node, '@') ? "@" : "", wn.host);
	if (strcmp(back, node) != 0 || (wn.version != NULL && (wn.version[0] < '0' || wn.version[0] > '9')))
		__builtin_trap();
	worker_name_free(&wn);
out:
	free(node);
	free(back);
	return 0;
}
