/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bindings: reading kombu's binding sets (P_kombu.binding.EXCHANGE) and the broker's clock: a sample of
 * the control sets before a broadcast, or every set in the database (SCAN, never KEYS) to discover the
 * declared queues. Reads only. */
#ifndef CELERY_BINDINGS_H
#define CELERY_BINDINGS_H

#include "broker.h"
#include "kombu_names.h"

#include <stddef.h>

struct bindings {
	char **members;        /* each member read, NUL-terminated copies (members may hold any byte) */
	size_t *lens;          /* their lengths */
	char **exchanges;      /* the exchange of the set each member came from */
	size_t n, cap;         /* members held, room allocated */
	size_t own_n;          /* the first own_n members are those of this suite's reply binding set */
	size_t sample_n;       /* the first sample_n those of bindings_sample (own, then the pidbox set's);
	                          discovery adds the rest */
	long long server_time; /* the broker's clock (TIME), seconds since the epoch */
	double sampled_at;     /* our monotonic clock (clock_now) when TIME was answered */
};

/* One round trip: TIME, every member of this suite's reply binding set (for the sweep of our stale members;
 * it holds nothing else), and every member of Celery's pidbox binding set (one per worker subscribed to
 * remote control, and each killed worker's), to learn kombu's separator from. Celery's reply binding set,
 * where every killed client leaves its member for ever, is never read. */
int bindings_sample(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                    struct bindings *bs, struct error *err);
/* Adds the members of the other binding sets found with SCAN MATCH from *cursor: all of them (budget 0),
 * or those in a slice of about budget keys of the keyspace, leaving *cursor where it stopped (0: at the
 * end). Sets already read are not read again. */
int bindings_discover(struct broker *b, const struct kombu_names *names, unsigned long long *cursor,
                      long budget, const struct deadline *dl, struct bindings *bs, struct error *err);
/* Adds the members of the binding sets of these exchanges (found by earlier checks), in one round trip;
 * sets that are gone add nothing. */
int bindings_read_known(struct broker *b, const struct kombu_names *names, char *const *exchanges, size_t n,
                        const struct deadline *dl, struct bindings *bs, struct error *err);
/* The queue member i routes to, cut in place at its end (it is the member's last field), or NULL for a
 * member that routes no task queue (celeryev's) or does not split with sep. */
const char *bindings_queue(struct bindings *bs, size_t i, const char *sep);
/* 1 when members of the set of this exchange were added beyond the sample. */
int bindings_has_set(const struct bindings *bs, const char *exchange);
/* The node names of every worker bound to remote control here: the members NODE.NS.pidbox of the pidbox
 * binding set (SMEMBERS; a worker adds its member when it starts and removes it when it stops cleanly, so a
 * killed worker's stays). The separator is learned from the members unless it was given; members it does
 * not split, or of another shape, are skipped. */
int bindings_workers(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                     char ***nodes, size_t *n, struct error *err);
void bindings_workers_free(char **nodes, size_t n);
void bindings_free(struct bindings *bs);

#endif
