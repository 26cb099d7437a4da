/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker: parsing node names. */
#include "worker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int worker_name_parse(const char *node, struct worker_name *out, struct error *err)
{
	const char *at = strchr(node, '@'), *host = at ? at + 1 : "";
	size_t name_len = at ? (size_t)(at - node) : strlen(node), host_len = strlen(host), base_len;
	const char *tag = NULL;
	char *block;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i + 2 < name_len; i++)
		if (node[i] == '-' && node[i + 1] == 'v' && isdigit((unsigned char)node[i + 2]))
			tag = node + i;
	base_len = tag ? (size_t)(tag - node) : name_len;
	/* one block: base, host, then the version */
	if ((block = malloc(name_len + host_len + 3)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory parsing a node name");
	out->base = memcpy(block, node, base_len);
	out->base[base_len] = '\0';
	out->host = memcpy(block + base_len + 1, host, host_len + 1);
	if (tag != NULL) {
		size_t version_len = name_len - (size_t)(tag + 2 - node);
		out->version = memcpy(out->host + host_len + 1, tag + 2, version_len);
		out->version[version_len] = '\0';
	}
	return 0;
}

void worker_name_free(struct worker_name *wn)
{
	free(wn->base); /* the host and version with it */
	memset(wn, 0, sizeof(*wn));
}
