/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_names: the Redis key and channel names kombu's Redis transport uses for control and queues. */
#ifndef CELERY_KOMBU_NAMES_H
#define CELERY_KOMBU_NAMES_H

#define KOMBU_SEP            "\x06\x16"
#define KOMBU_PRIORITY_STEPS 4 /* lists per queue: the base list and the 3, 6, 9 sub-lists */

struct kombu_names {
	const char *prefix; /* kombu's global_keyprefix, "" by default */
	const char *ns;     /* Celery's control_exchange, "celery" by default */
	long db;            /* the Redis database number, part of fanout channel names */
};

/* Each returns a malloc'ed string, or NULL when out of memory. */

/* P/N.NS.pidbox: where control commands are PUBLISHed. */
char *kombu_pidbox_channel(const struct kombu_names *n);
/* P_kombu.binding.reply.NS.pidbox: the set that routes replies to reply queues. */
char *kombu_reply_binding_key(const struct kombu_names *n);
/* <oid>.reply.NS.pidbox: a reply queue's name (unprefixed, as it appears in binding members). */
char *kombu_reply_queue(const struct kombu_names *n, const char *oid);
/* <oid>SEPSEP<oid>.reply.NS.pidbox: routing key, empty pattern, queue. Never prefixed. */
char *kombu_reply_binding_member(const struct kombu_names *n, const char *oid);
/* P<queue> for step 0, P<queue>SEP3, SEP6, SEP9 for steps 1..3: the Redis lists holding a queue. */
char *kombu_queue_key(const struct kombu_names *n, const char *queue, int step);

#endif
