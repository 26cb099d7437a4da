/* SPDX-License-Identifier: GPL-3.0-or-later */
/* heartbeats: the subscription to the workers' events, each one noted in the table of those heard. */
#include "heartbeats.h"

#include "kombu_event.h"

#include <stdlib.h>
#include <string.h>

int listener_start(struct listener *l, const struct broker_addr *addr, const struct kombu_names *names,
                   int cancel_fd, const struct deadline *dl, struct error *err)
{
	char *patterns[2];
	const char *argv[3] = {"PSUBSCRIBE", NULL, NULL};
	size_t lens[3] = {10, 0, 0};
	int n = kombu_event_patterns(names, patterns), rc = 0;

	memset(l, 0, sizeof(*l));
	if (n < 0)
		return error_set(err, ERROR_NOMEM, "out of memory naming the event channels");
	for (int i = 0; i < n; i++) {
		argv[i + 1] = patterns[i];
		lens[i + 1] = strlen(patterns[i]);
	}
	if (broker_open(&l->b, addr, cancel_fd, dl, err) < 0)
		rc = error_wrap(err, "cannot listen to heartbeats");
	l->open = rc == 0;
	if (rc == 0 && broker_append(&l->b, n + 1, argv, lens, err) < 0)
		rc = -1;
	for (int i = 0; rc == 0 && i < n; i++) { /* one confirmation per pattern */
		struct resp *r;
		if (i > 0)
			l->b.pending++; /* both confirmations answer the one PSUBSCRIBE */
		if (broker_read(&l->b, dl, &r, err) < 0) {
			rc = error_wrap(err, "cannot listen to heartbeats");
			break;
		}
		if (broker_reply_error(r, err) < 0)
			rc = error_wrap(err, "cannot listen to heartbeats");
		resp_free(r);
	}
	free(patterns[0]);
	free(patterns[1]);
	return rc;
}

/* One pushed message: ["pmessage", pattern, channel, payload]. */
static void take(struct heard *h, const struct resp *r)
{
	struct worker_event ev;
	struct error ignored;
	int rc = -1;

	if (r->type == RESP_ARRAY && r->elements == 4 && r->element[3]->type == RESP_STRING)
		rc = kombu_decode_worker_event(r->element[3]->str, r->element[3]->len, &ev, &ignored);
	heard_note(h, rc, &ev);
}

int listener_collect(struct listener *l, const struct deadline *until, size_t enough, struct heard *h,
                     struct error *err)
{
	while (enough == 0 || h->n < enough) {
		struct resp *r;
		struct error e = {ERROR_NONE, ""};

		if (broker_read_push(&l->b, until, &r, &e) < 0) {
			if (e.kind == ERROR_TIMEOUT && deadline_passed(until))
				return 0;
			if (err != NULL)
				*err = e;
			return error_wrap(err, "while listening to heartbeats");
		}
		take(h, r);
		resp_free(r);
	}
	return 0;
}

void listener_stop(struct listener *l)
{
	if (l->open)
		broker_close(&l->b);
	l->open = 0;
}
