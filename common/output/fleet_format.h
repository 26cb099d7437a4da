/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet_format: the workers of a fleet as text for summaries and as JSON in the reference document's shape.
 */
#ifndef CELERY_FLEET_FORMAT_H
#define CELERY_FLEET_FORMAT_H

#include "fleet.h"
#include "presence.h"
#include "queue_health.h"
#include "range.h"
#include "strbuf.h"

#include <json-c/json.h>

/* {"<node>": {"queues": [...]|null, "version": "..."|null, "compatible": bool, "verdict": "...",
 * "counted": bool, "state": "ok"|"unresponsive"|"hidden"|"offline", "last_seen_age": seconds|null,
 * "active": n|null, "processed": n|null, "sw_ver": "..."|null[, "problem": "..."]}}, the silent workers
 * (may be NULL) too. counted says whether the worker consumes one of the n queues (all do when n is 0;
 * the silent ones are not counted). Workers whose reply was unreadable have no name and are left out. */
json_object *fleet_workers_json(const struct fleet *f, const struct fleet *silent, char *const *queues,
                                size_t n);
/* {"<queue>": {"healthy", "state", "compatible_workers", "incompatible_workers", "backlog" (null when not
 * read), "starved", and "backlog_error" when the broker refused to count it}} for the n queues judged. */
json_object *queue_health_json(const struct queue *qs, size_t n);
/* "last seen 12 s ago" (s, min, h, d), or "never seen by this check". */
void describe_age(struct strbuf *sb, double last_seen, double now);
/* "ok, last seen 0 s ago, 2 active, 17 processed, Celery 5.2.6": the state and what the heartbeats said. */
void worker_describe_presence(struct strbuf *sb, const struct worker *w, double now);
/* Appends "NODE (untagged)", "NODE (version V)" or "a worker (why its reply is unreadable)". */
void worker_describe_incompatible(struct strbuf *sb, const struct worker *w);
/* Appends the long-output footer: how many workers the broadcast reached and answered, messages ignored,
 * and a failed cleanup, one line each. */
void fleet_describe_broadcast(struct strbuf *sb, const struct fleet *f);
/* A JSON array of strings. */
json_object *json_string_array(char *const *items, size_t n);

/* The version policy in words ("0.12.0", ">=0.12.0,<0.13 or ==0.11.2", "newest = 0.12.1"), as JSON. */
json_object *policy_json(const struct version_policy *p);

#endif
