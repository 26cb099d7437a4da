/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_broker_url: libFuzzer target for the broker URL parser (redis, rediss, socket and sentinel URLs). */
#include "broker_url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1), where[512];
	struct broker_addr a;
	struct error err;

	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (broker_url_parse(url, &a, &err) == 0) {
		/* one place to go: a host, a socket, or sentinels each with a host and a port */
		if (a.port < 1 || a.port > 65535 || a.db < 0 ||
		    (a.sentinel.n == 0 && (a.host == NULL) == (a.socket == NULL)) ||
		    (a.sentinel.n > 0 && (a.host != NULL || a.socket != NULL)))
			__builtin_trap();
		for (size_t i = 0; i < a.sentinel.n; i++)
			if (a.sentinel.at[i].host == NULL || a.sentinel.at[i].port < 1 ||
			    a.sentinel.at[i].port > 65535)
				__builtin_trap();
		broker_addr_describe(&a, where, sizeof(where));
		broker_addr_free(&a);
	} else if (err.kind != ERROR_USAGE || strlen(err.msg) == 0) {
		__builtin_trap();
	}
	free(url);
	return 0;
}
