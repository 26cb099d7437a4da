/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_api: the queues of the virtual host, read from the management API. */
#include "mgmt_api.h"

#include "mgmt_http.h"
#include "strbuf.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* A non-negative integer member, or -1. */
static long long count_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v) < 0 ? -1 : json_object_get_int64(v);
}

/* 1 when nothing but white space follows the value the tokener read. */
static int only_space_after(json_tokener *tok, const char *json, size_t len)
{
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (strchr(" \t\r\n", json[i]) == NULL)
			return 0;
	return 1;
}

int mgmt_queues_parse(const char *json, size_t len, struct mgmt_queues *out, struct error *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *doc;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (tok == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	doc = len > 0 && len <= MGMT_BODY_MAX ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	if (doc != NULL &&
	    (json_tokener_get_error(tok) != json_tokener_success || !only_space_after(tok, json, len))) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	if (doc == NULL || !json_object_is_type(doc, json_type_array)) {
		json_object_put(doc);
		return error_set(err, ERROR_BROKER,
		                 "the management API's list of queues is not a JSON array");
	}
	n = json_object_array_length(doc);
	n = n > MGMT_QUEUES_MOST ? MGMT_QUEUES_MOST : n;
	if ((out->v = calloc(n ? n : 1, sizeof(*out->v))) == NULL) {
		json_object_put(doc);
		return error_set(err, ERROR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		json_object *q = json_object_array_get_idx(doc, i), *name;
		struct mgmt_queue *m = &out->v[out->n];
		if (!json_object_is_type(q, json_type_object) ||
		    !json_object_object_get_ex(q, "name", &name) ||
		    !json_object_is_type(name, json_type_string) || json_object_get_string_len(name) == 0 ||
		    memchr(json_object_get_string(name), '\0', (size_t)json_object_get_string_len(name)) !=
		        NULL)
			continue; /* no name: nothing to judge it by */
		if ((m->name = strdup(json_object_get_string(name))) == NULL) {
			json_object_put(doc);
			mgmt_queues_free(out);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
		m->ready = count_of(q, "messages_ready");
		m->unacked = count_of(q, "messages_unacknowledged");
		m->consumers = count_of(q, "consumers");
		out->n++;
	}
	json_object_put(doc);
	return 0;
}

int mgmt_read_queues(const struct broker_addr *a, int cancel_fd, const struct deadline *dl,
                     struct mgmt_queues *out, struct error *err)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	strbuf_puts(&path, "/api/queues/");
	mgmt_put_segment(&path, a->vhost ? a->vhost : "/");
	strbuf_puts(&path, "?columns=name,messages_ready,messages_unacknowledged,consumers");
	rc = path.failed ? error_set(err, ERROR_NOMEM, "out of memory")
	                 : mgmt_get(a, path.buf, cancel_fd, dl, &body, err);
	if (rc == 0)
		rc = mgmt_queues_parse(body.buf ? body.buf : "", body.len, out, err);
	strbuf_free(&path);
	strbuf_free(&body);
	return rc;
}

void mgmt_queues_free(struct mgmt_queues *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i].name);
	free(q->v);
	memset(q, 0, sizeof(*q));
}
