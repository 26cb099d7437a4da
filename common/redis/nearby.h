/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nearby: when a broadcast reached nobody, what the broker shows close to where the check looked: the
 * workers' pidbox binding sets of other namespaces or prefixes in this database, and other databases that
 * hold keys. A typo in --namespace, -n or --prefix then shows itself instead of passing for an outage.
 * Reads only (SCAN, INFO keyspace). */
#ifndef CELERY_NEARBY_H
#define CELERY_NEARBY_H

#include "broker.h"
#include "kombu_names.h"
#include "strbuf.h"

#define NEARBY_MAX 5 /* places of each kind remembered */
#define NEARBY_BUDGET                                                                                        \
	10000 /* keys SCAN looks at for hints: about 5 ms of a Redis 7.0's time, however many                \
	         keys it holds (the first slice of its keyspace) */

struct nearby {
	char *prefix[NEARBY_MAX]; /* another pidbox binding set: its key prefix ("" for none)... */
	char *ns[NEARBY_MAX];     /* ...and its namespace */
	size_t n;
	long db[NEARBY_MAX];           /* another database holding keys... */
	long long db_keys[NEARBY_MAX]; /* ...and how many */
	size_t ndbs;
};

/* Looks around, in the first NEARBY_BUDGET keys of the database and INFO keyspace; what it cannot read is
 * left out (the check's verdict does not depend on it). */
int nearby_look(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                struct nearby *out, struct error *err);
void nearby_free(struct nearby *nb);
/* "no worker is listening on CHANNEL (database N, namespace NS, prefix P)", then what the broker shows
 * nearby: other namespaces' or prefixes' worker bindings, other databases holding keys. */
void nearby_describe(struct strbuf *sb, const struct kombu_names *names, const struct nearby *nb);

#endif
