/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_api: what RabbitMQ's management API tells the checks beyond AMQP: every queue of the virtual host,
 * with its ready and unacknowledged messages and its consumers, in one GET. */
#ifndef CELERY_MGMT_API_H
#define CELERY_MGMT_API_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"

#include <stddef.h>

#define MGMT_QUEUES_MOST 100000 /* queues read at most */

struct mgmt_queue {
	char *name;
	long long ready;     /* messages ready, or -1 where the API gave none (stats not yet collected) */
	long long unacked;   /* delivered, not yet acknowledged, or -1 */
	long long consumers; /* or -1 */
};

struct mgmt_queues {
	struct mgmt_queue *v;
	size_t n;
};

/* GET /api/queues/VHOST with the columns above. Errors as mgmt_get's. */
int mgmt_read_queues(const struct broker_addr *a, int cancel_fd, const struct deadline *dl,
                     struct mgmt_queues *out, struct error *err);
/* The JSON array of queue objects the API answers with; ERROR_BROKER when it is not one. */
int mgmt_queues_parse(const char *json, size_t len, struct mgmt_queues *out, struct error *err);
void mgmt_queues_free(struct mgmt_queues *q);

#endif
