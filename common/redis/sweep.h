/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep: this suite's reply queues are named check_celery.EXPIRY.UUID, EXPIRY being the broker's clock
 * (TIME, seconds) after which the check that made one has surely ended; a later check removes those it
 * finds expired in the reply binding set, with their lists: never another client's, never a live check's. */
#ifndef CELERY_SWEEP_H
#define CELERY_SWEEP_H

#include "bindings.h"
#include "broker.h"
#include "kombu_names.h"
#include "uuid.h"

#define SWEEP_OID_PREFIX "check_celery."
#define SWEEP_OID_MAX    (sizeof(SWEEP_OID_PREFIX) + 24 + UUID_STR_LEN)
#define SWEEP_MAX        64 /* expired bindings removed per check at most */

/* Writes our reply routing key (oid): check_celery.EXPIRY.UUID. */
void sweep_name_oid(char oid[SWEEP_OID_MAX], long long expiry, const char *uuid);

/* 1 when m is a reply binding member of this suite: RK SEP SEP RK.reply.NS.pidbox with RK our routing key,
 * whatever separator it was written with; fills RK's length, the separator (KOMBU_SEP_MAX + 1 bytes) and
 * the expiry. Our members are left out when the workers' separator is learned. */
int sweep_parse_member(const char *ns, const char *m, size_t len, size_t *rk_len, char *sep,
                       long long *expiry);

/* The commands removing expired bindings: SREM of the member, DEL of its lists, for each. */
struct sweep {
	struct broker_cmd cmds[2 * SWEEP_MAX + 4]; /* the caller may append four commands of its own */
	const char *argv[SWEEP_MAX][KOMBU_MAX_STEPS + 4];
	size_t lens[SWEEP_MAX][KOMBU_MAX_STEPS + 4];
	char *keys[SWEEP_MAX][KOMBU_MAX_STEPS]; /* the lists of each expired member */
	size_t n;                               /* expired members found; 2 * n commands */
};

/* Finds the expired members of ours among seen's reply binding members (binding_key is that set, prefixed).
 */
int sweep_plan(struct sweep *s, const struct kombu_names *names, const struct bindings *seen,
               const char *binding_key, struct error *err);
void sweep_free(struct sweep *s);

#endif
