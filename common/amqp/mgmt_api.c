/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_api: the queues and bindings of the virtual host, read from the management API. */
#include "mgmt_api.h"

#include "mgmt_http.h"
#include "name_map.h"
#include "strbuf.h"

#include <json-c/json.h>
#include <stdio.h>
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

/* A string member without a NUL in it, or NULL. */
static const char *text_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    memchr(json_object_get_string(v), '\0', (size_t)json_object_get_string_len(v)) != NULL)
		return NULL;
	return json_object_get_string(v);
}

/* 1 when nothing but white space follows the value the tokener read. */
static int only_space_after(json_tokener *tok, const char *json, size_t len)
{
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (strchr(" \t\r\n", json[i]) == NULL)
			return 0;
	return 1;
}

/* The JSON array in json, or NULL (ERROR_BROKER naming what). Put it when done. */
static json_object *array_of(const char *json, size_t len, const char *what, struct error *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *doc;

	if (tok == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory"), NULL;
	doc = len > 0 && len <= MGMT_BODY_MAX ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	if (doc != NULL &&
	    (json_tokener_get_error(tok) != json_tokener_success || !only_space_after(tok, json, len) ||
	     !json_object_is_type(doc, json_type_array))) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	if (doc == NULL)
		error_set(err, ERROR_BROKER, "the management API's list of %s is not a JSON array", what);
	return doc;
}

int mgmt_queues_parse(const char *json, size_t len, struct mgmt_queues *out, struct error *err)
{
	json_object *doc = array_of(json, len, "queues", err);
	size_t n;

	memset(out, 0, sizeof(*out));
	if (doc == NULL)
		return -1;
	n = json_object_array_length(doc);
	out->truncated = n > MGMT_QUEUES_MOST;
	n = n > MGMT_QUEUES_MOST ? MGMT_QUEUES_MOST : n;
	if ((out->v = calloc(n ? n : 1, sizeof(*out->v))) == NULL) {
		json_object_put(doc);
		return error_set(err, ERROR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		json_object *q = json_object_array_get_idx(doc, i), *excl;
		const char *name = text_of(q, "name");
		struct mgmt_queue *m = &out->v[out->n];

		if (name == NULL || *name == '\0')
			continue; /* no name: nothing to judge it by */
		if ((m->name = strdup(name)) == NULL) {
			json_object_put(doc);
			mgmt_queues_free(out);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
		m->ready = count_of(q, "messages_ready");
		m->unacked = count_of(q, "messages_unacknowledged");
		m->consumers = count_of(q, "consumers");
		m->exclusive =
		    json_object_object_get_ex(q, "exclusive", &excl) && json_object_get_boolean(excl);
		out->n++;
	}
	json_object_put(doc);
	return 0;
}

/* Notes one binding: a control queue bound to NS.pidbox, or a queue bound to the exchange of its name. */
static int take_binding(const char *source, const char *dest, const char *pidbox, size_t plen,
                        struct name_map *queues, struct mgmt_queues *out, struct error *err)
{
	size_t dl = strlen(dest), at;

	if (strcmp(source, pidbox) == 0) {
		if (dl <= plen + 1 || dest[dl - plen - 1] != '.' || strcmp(dest + dl - plen, pidbox) != 0) {
			out->odd_listener = 1;
			return 0;
		}
		if ((out->listeners[out->nlisteners] = strndup(dest, dl - plen - 1)) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
		out->nlisteners++;
	} else if (strcmp(source, dest) == 0 && name_map_get(queues, dest, &at)) {
		out->v[at].own_exchange = 1;
	}
	return 0;
}

int mgmt_bindings_parse(const char *json, size_t len, const char *ns, struct mgmt_queues *out,
                        struct error *err)
{
	json_object *doc = array_of(json, len, "bindings", err);
	struct name_map queues = NAME_MAP_INIT;
	char pidbox[300];
	size_t n;
	int rc = 0;

	if (doc == NULL)
		return -1;
	snprintf(pidbox, sizeof(pidbox), "%.250s.pidbox", ns);
	n = json_object_array_length(doc);
	out->truncated |= n > MGMT_QUEUES_MOST;
	n = n > MGMT_QUEUES_MOST ? MGMT_QUEUES_MOST : n;
	if ((out->listeners = calloc(n + 1, sizeof(*out->listeners))) == NULL ||
	    name_map_reserve(&queues, out->n) < 0)
		rc = error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		if (name_map_put(&queues, out->v[i].name, i, NULL) < 0)
			rc = error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_object *b = json_object_array_get_idx(doc, i);
		const char *source = text_of(b, "source"), *dest = text_of(b, "destination"),
		           *type = text_of(b, "destination_type");
		if (source != NULL && dest != NULL && type != NULL && strcmp(type, "queue") == 0)
			rc = take_binding(source, dest, pidbox, strlen(pidbox), &queues, out, err);
	}
	name_map_free(&queues);
	json_object_put(doc);
	return rc;
}

/* GETs /api/WHAT/VHOST?columns=COLUMNS into body. */
static int get_list(const struct broker_addr *a, const char *what, const char *columns, int cancel_fd,
                    const struct deadline *dl, struct strbuf *body, struct error *err)
{
	struct strbuf path = STRBUF_INIT;
	int rc;

	strbuf_printf(&path, "/api/%s/", what);
	mgmt_put_segment(&path, a->vhost ? a->vhost : "/");
	strbuf_printf(&path, "?columns=%s", columns);
	rc = path.failed ? error_set(err, ERROR_NOMEM, "out of memory")
	                 : mgmt_get(a, path.buf, cancel_fd, dl, body, err);
	strbuf_free(&path);
	return rc;
}

int mgmt_read(const struct broker_addr *a, const char *ns, int cancel_fd, const struct deadline *dl,
              struct mgmt_queues *out, struct error *err)
{
	struct strbuf body = STRBUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_list(a, "queues", "name,messages_ready,messages_unacknowledged,consumers,exclusive",
	              cancel_fd, dl, &body, err);
	if (rc == 0)
		rc = mgmt_queues_parse(body.buf ? body.buf : "", body.len, out, err);
	strbuf_free(&body);
	if (rc == 0)
		rc =
		    get_list(a, "bindings", "source,destination,destination_type", cancel_fd, dl, &body, err);
	if (rc == 0)
		rc = mgmt_bindings_parse(body.buf ? body.buf : "", body.len, ns, out, err);
	strbuf_free(&body);
	if (rc < 0)
		mgmt_queues_free(out);
	return rc;
}

void mgmt_queues_free(struct mgmt_queues *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i].name);
	for (size_t i = 0; i < q->nlisteners; i++)
		free(q->listeners[i]);
	free(q->v);
	free(q->listeners);
	memset(q, 0, sizeof(*q));
}
