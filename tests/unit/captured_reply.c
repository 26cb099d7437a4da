/* SPDX-License-Identifier: GPL-3.0-or-later */
/* captured_reply: a captured Celery reply (tests/vectors) handed to a reply handler as a broadcast would. */
#include "captured_reply.h"

#include "unit.h"

#include "kombu.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

void captured_reply_add(const char *name, inspect_fn add, void *ctx)
{
	char path[1024];
	json_object *v, *payload, *ticket;
	struct control_reply r = CONTROL_REPLY_INIT;
	struct inspect_event ev = {INSPECT_REPLY, NULL, NULL, NULL};
	struct error err;
	const char *wire;

	snprintf(path, sizeof(path), "%s/%s", VECTOR_DIR, name);
	v = json_object_from_file(path);
	ck_assert_ptr_nonnull(v);
	wire = json_object_get_string(json_object_object_get(v, "payload"));
	payload = json_tokener_parse(wire);
	ticket = json_object_object_get(json_object_object_get(payload, "headers"), "ticket");
	ck_assert_int_eq(kombu_decode_reply(wire, strlen(wire), json_object_get_string(ticket), &r, &err), 0);
	ev.node = r.b.node;
	ev.result = &r.b.result;
	ck_assert_int_eq(add(ctx, &ev, &err), 0);
	kombu_control_reply_free(&r);
	json_object_put(payload);
	json_object_put(v);
}
