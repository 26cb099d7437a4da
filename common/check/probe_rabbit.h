/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe_rabbit: the probe's conversation with RabbitMQ: the broadcast that makes the fleet, the queues'
 * counts, and what -v says of the broker. */
#ifndef CELERY_PROBE_RABBIT_H
#define CELERY_PROBE_RABBIT_H

#include "probe_broker.h"

/* Connects and collects the fleet (as probe.c's collect does for Redis); a collection cut short after the
 * publish is no failure: p->cut says so. */
int probe_rabbit_start(struct probe *p, struct options *o, int cancel_fd, const struct deadline *limit,
                       struct error *err);
int probe_rabbit_backlog(struct probe *p, char *const *queues, size_t n, struct queue_figures *figs,
                         struct error *err);
int probe_rabbit_control_one(struct probe *p, const char *method, const char *const *args, size_t nargs,
                             char *node, struct deadline collect, struct control_answer *a,
                             struct error *err);
int probe_rabbit_ask(struct probe *p, const char *method, char *const *dest, size_t ndest,
                     struct deadline collect, inspect_fn fn, void *ctx, struct inspect_stats *st,
                     struct error *err);
/* The workers heard, seen before or answering whose control queue has a consumer now: those bound to
 * remote control, as far as the names known tell (*bound: free each and it). */
int probe_rabbit_bound(struct probe *p, char ***bound, size_t *n, struct error *err);
void probe_rabbit_describe_server(const struct probe *p, struct strbuf *sb);
void probe_rabbit_describe_nowhere(const struct probe *p, struct strbuf *sb);

#endif
