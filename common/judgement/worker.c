/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker: parsing node names. */
#include "worker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int worker_name_parse(const char *node, struct worker_name *out, struct error *err)
{
	const char *at = strchr(node, '@');
	size_t name_len = at ? (size_t)(at - node) : strlen(node);
	const char *tag = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i + 2 < name_len; i++)
		if (node[i] == '-' && node[i + 1] == 'v' && isdigit((unsigned char)node[i + 2]))
			tag = node + i;
	out->base = strndup(node, tag ? (size_t)(tag - node) : name_len);
	out->host = strdup(at ? at + 1 : "");
	if (tag != NULL)
		out->version = strndup(tag + 2, name_len - (size_t)(tag + 2 - node));
	if (out->base == NULL || out->host == NULL || (tag != NULL && out->version == NULL)) {
		worker_name_free(out);
		return error_set(err, ERROR_NOMEM, "out of memory parsing a node name");
	}
	return 0;
}

void worker_name_free(struct worker_name *wn)
{
	free(wn->base);
	free(wn->version);
	free(wn->host);
	memset(wn, 0, sizeof(*wn));
}
