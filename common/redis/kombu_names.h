/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_names: the Redis key and channel names kombu's Redis transport uses for control and queues, as
 * its transport options (sep, priority_steps, global_keyprefix, fanout_prefix) shape them. */
#ifndef CELERY_KOMBU_NAMES_H
#define CELERY_KOMBU_NAMES_H

#define KOMBU_SEP       "\x06\x16" /* kombu's default binding-member separator */
#define KOMBU_MAX_STEPS 16         /* priority steps we accept; kombu's default has 4 */
#define KOMBU_SEP_MAX   16         /* bytes in a separator */

struct kombu_names {
	const char *prefix;          /* global_keyprefix, "" by default */
	const char *ns;              /* Celery's control_exchange, "celery" by default */
	long db;                     /* the Redis database number, part of fanout channel names */
	char sep[KOMBU_SEP_MAX + 1]; /* sep: between the fields of a binding member */
	int sep_given;               /* sep was set by the user, not learned from the broker */
	int steps[KOMBU_MAX_STEPS];  /* priority_steps, ascending; step 0 is the queue's own list */
	int nsteps;
	int steps_given;     /* priority_steps was set by the user */
	int fanout_prefix;   /* fanout_prefix: fanout channels start with /DB. (default on) */
	int fanout_patterns; /* fanout_patterns: topic routing keys in event channel names (default on) */
	int sentinel;        /* the broker is behind Sentinel, where kombu before 5.4 left the fanout prefix
	                        unformatted: its workers listen on /{db}.NS.pidbox, whatever their db */
};

/* Celery's defaults: no prefix, namespace celery, db 0, sep \x06\x16, steps 0 3 6 9, both fanout on. */
void kombu_names_default(struct kombu_names *n);
/* The steps of Celery's documented priority setup for Redis, which goes with sep ':': 0 to 9. Read when a
 * separator other than kombu's default was learned and no priority_steps given, a superset of the default
 * steps that never counts fewer messages than wait. */
void kombu_names_all_steps(struct kombu_names *n);

/* Each returns a malloc'ed string, or NULL when out of memory. */

/* P/N.NS.pidbox (PNS.pidbox without fanout_prefix): where control commands are PUBLISHed. */
char *kombu_pidbox_channel(const struct kombu_names *n);
/* P/{db}.NS.pidbox, where kombu before 5.4 behind Sentinel listens (see sentinel); NULL when the names
 * need no such channel (no Sentinel, or no fanout_prefix) or out of memory. */
char *kombu_pidbox_channel_unformatted(const struct kombu_names *n);
/* The PSUBSCRIBE patterns that hear workers' events (worker-heartbeat, -online, -offline) on Celery's
 * celeryev exchange: P/N.celeryev/worker.* (Pceleryev/... without fanout_prefix; P/N.celeryev, where every
 * event arrives, without fanout_patterns) and behind Sentinel also P/{db}.celeryev/... (kombu before
 * 5.4). The prefix is escaped against glob characters. Fills out (free each) and returns how many (1 or
 * 2), or -1 out of memory. */
int kombu_event_patterns(const struct kombu_names *n, char *out[2]);
/* P_kombu.binding.reply.NS.pidbox: the set that routes replies to Celery's own clients' reply queues
 * (celery inspect, Flower). */
char *kombu_reply_binding_key(const struct kombu_names *n);
/* check_celery.reply.NS.pidbox: the exchange this suite's broadcasts name in reply_to. A worker looks its
 * binding set up when it replies, so ours holds our members alone: the workers read only those, never the
 * members other clients left in Celery's set, and read none after a check has ended. */
char *kombu_own_reply_exchange(const struct kombu_names *n);
/* P_kombu.binding.check_celery.reply.NS.pidbox: that exchange's binding set. */
char *kombu_own_reply_binding_key(const struct kombu_names *n);
/* P_kombu.binding.NS.pidbox: the set holding one member per worker subscribed to remote control. */
char *kombu_pidbox_binding_key(const struct kombu_names *n);
/* <oid>.reply.NS.pidbox: a reply queue's name (unprefixed, as it appears in binding members). */
char *kombu_reply_queue(const struct kombu_names *n, const char *oid);
/* <oid>SEPSEP<oid>.reply.NS.pidbox: routing key, empty pattern, queue. Never prefixed. */
char *kombu_reply_binding_member(const struct kombu_names *n, const char *oid);
/* The Redis list of a queue for priority step index i (0 <= i < nsteps): P<queue> for step 0,
 * P<queue>SEP<step> for the others. NULL for an index out of range. */
char *kombu_queue_key(const struct kombu_names *n, const char *queue, int i);
/* The names for this check's own reply queues: n's, with step 0 (the queue's own list) added when the
 * given priority_steps lack it, since replies carry priority 0 whatever the steps are. */
void kombu_reply_names(const struct kombu_names *n, struct kombu_names *out);
/* All the lists of a queue, one per priority step, into keys (nsteps entries; free each); -1 when out of
 * memory (those made are left in keys). */
int kombu_queue_keys(const struct kombu_names *n, const char *queue, char **keys);

#endif
