/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker_event: reading a worker event's body. */
#include "worker_event.h"

#include "control_body.h"
#include "json_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A number member of body, or def when absent or not a number. */
static double number(const struct json_span *body, const char *key, double def)
{
	struct json_span v;

	if (!json_get(body, key, &v) || v.kind != JSON_NUMBER)
		return def;
	return strtod(v.p, NULL); /* the scanned number ends at a ',', '}' or space */
}

/* A count member of body (active, processed), or -1 when absent, negative or absurd. */
static long long count(const struct json_span *body, const char *key)
{
	double v = number(body, key, -1);

	return v >= 0 && v < 1e15 ? (long long)v : -1;
}

/* A string member of body decoded into out (cap bytes), or "" when absent, not a string or too long once
 * decoded (escapes such as Python's \u00e9 for a non-ASCII name take up to six bytes a character). */
static void text(const struct json_span *body, const char *key, char *out, size_t cap)
{
	struct json_span v;
	char decoded[1600];

	out[0] = '\0';
	if (json_get(body, key, &v) && v.kind == JSON_STRING && v.len <= sizeof(decoded) &&
	    json_string_decode(&v, decoded) < cap)
		memcpy(out, decoded, strlen(decoded) + 1);
}

int worker_event_read(const char *content_type, const char *body, size_t len, struct worker_event *ev,
                      struct error *err)
{
	static const struct {
		const char *name;
		enum worker_event_type type;
	} types[] = {{"worker-heartbeat", WORKER_EVENT_HEARTBEAT},
	             {"worker-online", WORKER_EVENT_ONLINE},
	             {"worker-offline", WORKER_EVENT_OFFLINE}};
	struct json_span doc;
	char type[32];
	int rc = 0;

	memset(ev, 0, sizeof(*ev));
	if (content_type == NULL || strcmp(content_type, "application/json") != 0)
		return 0; /* another serializer: nothing we can read, and nothing to judge */
	if (memchr(body, '\0', len) != NULL)
		return error_set(err, ERROR_PARSE, "an event body holding a NUL character");
	if (json_scan(body, len, CONTROL_JSON_MAX_DEPTH, JSON_SCAN_NO_NUL, &doc, err) < 0)
		return -1;
	if (doc.kind != JSON_OBJECT)
		return error_set(err, ERROR_PARSE, "an event body that is not a JSON object");
	text(&doc, "type", type, sizeof(type));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0) {
			ev->type = types[i].type;
			rc = 1;
		}
	if (rc == 1) {
		text(&doc, "hostname", ev->hostname, sizeof(ev->hostname));
		text(&doc, "sw_ver", ev->sw_ver, sizeof(ev->sw_ver));
		ev->freq = number(&doc, "freq", 2.0);
		ev->freq = ev->freq > 0 && ev->freq < 3600 ? ev->freq : 2.0;
		ev->timestamp = number(&doc, "timestamp", 0);
		ev->timestamp = isfinite(ev->timestamp) && ev->timestamp > 0 ? ev->timestamp : 0;
		ev->active = count(&doc, "active");
		ev->processed = count(&doc, "processed");
		if (ev->hostname[0] == '\0')
			rc = error_set(err, ERROR_PARSE, "a worker event without a readable hostname");
	}
	return rc;
}
