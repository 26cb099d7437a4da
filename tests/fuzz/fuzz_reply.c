/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_reply: libFuzzer target for the envelope, reply and worker event decoders and what the fleet makes of
 * a reply. */
#include "fleet.h"
#include "kombu.h"
#include "kombu_event.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every value of scanned JSON as the decoders do: each member, element and string. */
static void walk(const struct json_span *v)
{
	struct json_cursor c;
	struct json_span k, e;
	size_t n = 0;
	char buf[4096];

	if (v->kind == JSON_STRING && v->len <= sizeof(buf) && json_string_decode(v, buf) > v->len - 2)
		__builtin_trap(); /* decoded text is never longer than its quoted form */
	if (v->kind != JSON_ARRAY && v->kind != JSON_OBJECT)
		return;
	json_cursor_open(&c, v);
	while (json_cursor_next(&c, &k, &e)) {
		if (v->kind == JSON_OBJECT && k.kind != JSON_STRING)
			__builtin_trap();
		walk(&e);
		n++;
	}
	if (n == 0 && v->len > 2 && strspn(v->p + 1, " \t\n\r") != v->len - 2)
		__builtin_trap(); /* a container with something in it has a member */
}

/* Walks a (read again) and b (stepped over by the scan's record of container ends) in step: the same
 * values at the same places. */
static void same(const struct json_span *a, const struct json_span *b)
{
	struct json_cursor ca, cb;
	struct json_span ka, kb, ea, eb;
	int more;

	if (a->p != b->p || a->len != b->len || a->kind != b->kind)
		__builtin_trap();
	if (a->kind != JSON_ARRAY && a->kind != JSON_OBJECT)
		return;
	json_cursor_open(&ca, a);
	json_cursor_open(&cb, b);
	while ((more = json_cursor_next(&ca, &ka, &ea)) == json_cursor_next(&cb, &kb, &eb) && more) {
		if (a->kind == JSON_OBJECT && (ka.p != kb.p || ka.len != kb.len))
			__builtin_trap();
		same(&ea, &eb);
	}
	if (more)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_ends ends;
	struct json_span recorded;
	struct control_reply r = CONTROL_REPLY_INIT;
	struct envelope env = ENVELOPE_INIT;
	struct error err;
	struct fleet f;
	struct worker_event ev;
	struct version_policy policy = {0};
	struct json_span doc;

	if (json_scan((const char *)data, size, KOMBU_JSON_MAX_DEPTH, 0, &doc, &err) == 0) {
		walk(&doc);
		if (json_scan_members((const char *)data, size, KOMBU_JSON_MAX_DEPTH, 0, &recorded, NULL,
		                      &ends, &err) != 0)
			__builtin_trap();
		same(&doc, &recorded);
	}
	kombu_envelope_decode((const char *)data, size, &env, &err);
	kombu_envelope_free(&env);
	if (kombu_decode_worker_event((const char *)data, size, &ev, &err) == 1 && ev.hostname[0] == '\0')
		__builtin_trap(); /* a worker event always names its worker */
	/* The vectors' ticket, so captured replies reach the fleet. */
	if (kombu_decode_reply((const char *)data, size, "5a32d4ee-c3f8-4a3e-8ca5-92a58f5c5371", &r, &err) <
	    0) {
		kombu_control_reply_free(&r);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	if (r.b.kind == REPLY_VALID) {
		struct inspect_event ev = {INSPECT_REPLY, r.b.node, &r.b.result, NULL};
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
