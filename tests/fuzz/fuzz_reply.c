/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_reply: libFuzzer target for the envelope, reply and worker event decoders and what the fleet makes of
 * a reply. */
#include "fleet.h"
#include "kombu.h"
#include "kombu_event.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_reply r;
	struct envelope env;
	struct error err;
	struct fleet f;
	struct worker_event ev;
	struct version_policy policy = {0};

	if (kombu_envelope_decode((const char *)data, size, &env, &err) == 0)
		kombu_envelope_free(&env);
	if (kombu_decode_worker_event((const char *)data, size, &ev, &err) == 1 && ev.hostname[0] == '\0')
		__builtin_trap(); /* a worker event always names its worker */
	/* The vectors' ticket, so captured replies reach the fleet. */
	if (kombu_decode_reply((const char *)data, size, "5a32d4ee-c3f8-4a3e-8ca5-92a58f5c5371", &r, &err) <
	    0)
		return 0;
	memset(&f, 0, sizeof(f));
	if (r.kind == REPLY_VALID) {
		struct inspect_event ev = {INSPECT_REPLY, r.node, r.result, NULL};
		fleet_add_event(&f, &ev, &err);
		fleet_add_event(&f, &ev, &err); /* the same node twice is a duplicate */
		if (f.n != 1 || f.duplicates != 1)
			__builtin_trap();
		version_policy_expect(&policy, "0.12.0", &err);
		fleet_judge(&f, &policy, &err);
		version_policy_free(&policy);
	}
	fleet_free(&f);
	kombu_control_reply_free(&r);
	return 0;
}
