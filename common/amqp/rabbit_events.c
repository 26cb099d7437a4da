/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_events: the listening queue and the events read from it (broker protocol, AMQP: events). */
#include "rabbit_events.h"

#include "worker_event.h"

#include <string.h>

#define EVENTS_KEPT 10000 /* events held for us at most, the oldest dropped first */
#define EVENTS_TTL  60000 /* ms: an event older than this tells nothing of now */

int rabbit_listen_start(struct rabbit_listener *l, const struct broker_addr *a, int cancel_fd,
                        const struct deadline *dl, struct error *err)
{
	amqp_queue_declare_ok_t *ok;
	amqp_table_entry_t args[2] = {rabbit_int_entry("x-max-length", EVENTS_KEPT),
	                              rabbit_int_entry("x-message-ttl", EVENTS_TTL)};
	amqp_bytes_t queue;
	int code;

	memset(l, 0, sizeof(*l));
	if (rabbit_open(&l->link, a, cancel_fd, dl, err) < 0) {
		rabbit_close(&l->link, dl);
		return -1;
	}
	l->open = 1;
	if (rabbit.exchange_declare(l->link.conn, l->link.channel, rabbit_bytes("celeryev"),
	                            rabbit_bytes("topic"), 1, 0, 0, 0, RABBIT_EMPTY_TABLE) == NULL) {
		if (rabbit_answer(&l->link, "looking up the celeryev exchange", &code, err) < 0 &&
		    code != 404)
			return -1;
		l->no_exchange = 1;
		return 0;
	}
	if (rabbit_ready(&l->link, dl, err) < 0)
		return -1;
	ok = rabbit.queue_declare(l->link.conn, l->link.channel, RABBIT_EMPTY_BYTES, 0, 0, 1, 1,
	                          (amqp_table_t){2, args});
	if (ok == NULL)
		return rabbit_answer(&l->link, "declaring our event queue", NULL, err) < 0 ? -1 : 0;
	queue = rabbit.bytes_malloc_dup(ok->queue);
	if (queue.bytes == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	rabbit.queue_bind(l->link.conn, l->link.channel, queue, rabbit_bytes("celeryev"),
	                  rabbit_bytes("worker.#"), RABBIT_EMPTY_TABLE);
	if (rabbit_answer(&l->link, "binding our event queue to celeryev", NULL, err) < 0) {
		rabbit.bytes_free(queue);
		return -1;
	}
	rabbit.basic_consume(l->link.conn, l->link.channel, queue, RABBIT_EMPTY_BYTES, 0, 1, 1,
	                     RABBIT_EMPTY_TABLE);
	rabbit.bytes_free(queue);
	return rabbit_answer(&l->link, "consuming our event queue", NULL, err);
}

int rabbit_listen_collect(struct rabbit_listener *l, const struct deadline *until, size_t enough,
                          struct heard *h, struct error *err)
{
	struct rabbit_message m = {0};
	int rc = 0;

	while (!l->no_exchange && (enough == 0 || h->n < enough)) {
		struct worker_event ev;
		struct error ignored;

		if ((rc = rabbit_next(&l->link, until, &m, err)) < 0 || m.kind == RABBIT_NOTHING)
			break;
		if (m.kind != RABBIT_DELIVERY)
			continue;
		heard_note(h,
		           m.oversize ? -1
		                      : worker_event_read(m.content_type[0] ? m.content_type : NULL, m.body,
		                                          m.len, &ev, &ignored),
		           &ev);
	}
	rabbit_message_free(&m);
	return rc < 0 ? error_wrap(err, "while listening to heartbeats") : 0;
}

void rabbit_listen_stop(struct rabbit_listener *l, const struct deadline *dl)
{
	if (l->open)
		rabbit_close(&l->link, dl);
	l->open = 0;
}
