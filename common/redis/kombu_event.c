/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_event: decoding worker events from their envelope. */
#include "kombu_event.h"

#include "kombu.h"

#include <string.h>

int kombu_decode_worker_event(const char *payload, size_t len, struct worker_event *ev, struct error *err)
{
	struct envelope env = ENVELOPE_INIT;
	int rc;

	memset(ev, 0, sizeof(*ev));
	rc = kombu_envelope_decode(payload, len, &env, err) < 0
	         ? -1
	         : worker_event_read(env.content_type, (const char *)env.body, env.body_len, ev, err);
	kombu_envelope_free(&env);
	return rc;
}
