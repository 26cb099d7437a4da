/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_api: what RabbitMQ's management API tells the checks beyond AMQP, in two GETs: every queue of the
 * virtual host (ready and unacknowledged messages, consumers, exclusive or not), and the bindings: which
 * workers' control queues are bound to NS.pidbox (every worker listening), and which queues are bound to an
 * exchange of their own name, as Celery declares its task queues. */
#ifndef CELERY_MGMT_API_H
#define CELERY_MGMT_API_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"

#include <stddef.h>

#define MGMT_QUEUES_MOST 100000 /* queues, and bindings, read at most */

struct mgmt_queue {
	char *name;
	long long ready;     /* messages ready, or -1 where the API gave none (stats not yet collected) */
	long long unacked;   /* delivered, not yet acknowledged, or -1 */
	long long consumers; /* or -1 */
	int exclusive;       /* exclusive to the connection that declared it: another application's own */
	int own_exchange; /* bound to an exchange of its name: a Celery task queue as Celery declares them */
};

struct mgmt_queues {
	struct mgmt_queue *v;
	size_t n;
	int truncated;    /* more queues or bindings than MGMT_QUEUES_MOST: the lists are not whole */
	char **listeners; /* the nodes whose control queue (NODE.NS.pidbox) is bound to NS.pidbox */
	size_t nlisteners;
	int odd_listener; /* a queue bound to NS.pidbox that is not named so: the list is not whole */
};

/* GETs /api/queues/VHOST and /api/bindings/VHOST, ns being Celery's control exchange ("celery"). Errors as
 * mgmt_get's. */
int mgmt_read(const struct broker_addr *a, const char *ns, int cancel_fd, const struct deadline *dl,
              struct mgmt_queues *out, struct error *err);
/* The JSON array of queue objects the API answers with; ERROR_BROKER when it is not one. */
int mgmt_queues_parse(const char *json, size_t len, struct mgmt_queues *out, struct error *err);
/* The JSON array of bindings, read into out (after mgmt_queues_parse); ERROR_BROKER when it is not one. */
int mgmt_bindings_parse(const char *json, size_t len, const char *ns, struct mgmt_queues *out,
                        struct error *err);
void mgmt_queues_free(struct mgmt_queues *q);

#endif
