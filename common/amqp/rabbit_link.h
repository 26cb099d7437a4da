/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_link: one AMQP 0-9-1 connection to RabbitMQ through rabbit-c (librabbitmq), every step bounded by
 * one deadline and the cancel descriptor: connect, log in, a channel, passive declares, frames. */
#ifndef CELERY_RABBIT_LINK_H
#define CELERY_RABBIT_LINK_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"
#include "rabbit_api.h"

#include <stddef.h>
#include <stdint.h>

#define RABBIT_BODY_MAX (4 << 20) /* a message body longer than this is read past, not kept */

struct rabbit_link {
	amqp_connection_state_t conn; /* NULL when closed */
	int cancel_fd;
	amqp_channel_t channel; /* the open channel, 0 when none (a 404 closed it) */
	uint64_t published;     /* messages published on this channel: the last one's confirm carries it */
	char where[200];        /* "host:port vhost V", for messages */
	char version[32];       /* the server's version, or "" */
	struct deadline until;  /* the deadline of the call under way: a failure after it is a timeout */
	int blocked;            /* connection.blocked arrived: a memory or disk alarm */
	char blocked_why[128];
};

/* A message that arrived on the channel (rabbit_next). */
enum rabbit_frame_kind {
	RABBIT_NOTHING,  /* the deadline came first */
	RABBIT_DELIVERY, /* a message for our consumer: the fields below are set */
	RABBIT_RETURNED, /* a mandatory message no queue took (basic.return) */
	RABBIT_ACKED,    /* a publisher confirm (basic.ack) */
};

struct rabbit_message {
	enum rabbit_frame_kind kind;
	char *body;   /* NUL-terminated, len bytes, unless oversize */
	size_t len;   /* the body's size, also when it was not kept */
	int oversize; /* longer than RABBIT_BODY_MAX: read past, not kept */
	size_t cap;
	char content_type[64]; /* "" when absent; "(too long)" beyond 63 bytes */
	char ticket[64];       /* the headers' ticket, "" when absent or not a string */
	int has_ticket;
	uint64_t tag; /* RABBIT_ACKED: the delivery tag confirmed, and all before it when multiple */
	int multiple;
};

/* Connects, logs in (PLAIN; connection.blocked advertised) and opens a channel. ERROR_CONNECT when the
 * broker cannot be reached, ERROR_AUTH for credentials or a virtual host it refuses, ERROR_TIMEOUT or
 * ERROR_CANCELLED for the deadline or a signal. */
int rabbit_open(struct rabbit_link *l, const struct broker_addr *a, int cancel_fd, const struct deadline *dl,
                struct error *err);
/* Closes the channel and the connection (within dl); the broker drops what was exclusive to it. */
void rabbit_close(struct rabbit_link *l, const struct deadline *dl);

/* Before each synchronous call: a channel (reopened after a 404) and the time left for the answer. */
int rabbit_ready(struct rabbit_link *l, const struct deadline *dl, struct error *err);
/* After a synchronous call: 0, or -1 with err saying what went wrong in `what`. A channel the broker closed
 * (a 404, an access refused) is marked so that rabbit_ready opens another; code is its reply code (0 for
 * others). */
int rabbit_answer(struct rabbit_link *l, const char *what, int *code, struct error *err);

/* A passive queue.declare (no permission needed, nothing changed): 1 with the ready messages and
 * consumers, 0 when there is no such queue, 2 when it is exclusive to another connection (the broker
 * counts nothing of it for us), -1 on failure. */
int rabbit_queue_counts(struct rabbit_link *l, const char *queue, const struct deadline *dl,
                        long long *messages, long long *consumers, struct error *err);

/* Waits until dl for the next delivery, return or publisher confirm on the open channel, polling the
 * socket beside the cancel descriptor; connection.blocked is noted on the way. 0 with m->kind set (or
 * RABBIT_NOTHING at dl), -1 on failure. Free m's body with rabbit_message_free. */
int rabbit_next(struct rabbit_link *l, const struct deadline *dl, struct rabbit_message *m,
                struct error *err);
void rabbit_message_free(struct rabbit_message *m);

#endif
