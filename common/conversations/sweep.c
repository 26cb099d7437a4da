/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep: finding the reply bindings that checks of this suite left behind (a stalled broker, a kill) and
 * the commands that remove them with their reply lists. */
#include "sweep.h"

#include "binding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sweep_name_oid(char oid[SWEEP_OID_MAX], long long expiry, const char *uuid)
{
	snprintf(oid, SWEEP_OID_MAX, SWEEP_OID_PREFIX "%lld.%s", expiry, uuid);
}

/* 1 when a reply binding member is one of ours whose check has surely ended by the broker's clock (now). */
static int is_stale(const struct kombu_names *names, long long now, const char *member, size_t len)
{
	struct binding_fields f;
	char queue[SWEEP_OID_MAX + 300];
	const char *p;
	char *end;

	if (binding_split(member, len, names->sep, &f) < 0 || f.pattern_len != 0 ||
	    f.routing_key_len >= SWEEP_OID_MAX ||
	    strncmp(f.routing_key, SWEEP_OID_PREFIX, strlen(SWEEP_OID_PREFIX)) != 0)
		return 0;
	p = f.routing_key + strlen(SWEEP_OID_PREFIX);
	if (strtoll(p, &end, 10) >= now || end == p || *end != '.')
		return 0;
	snprintf(queue, sizeof(queue), "%.*s.reply.%s.pidbox", (int)f.routing_key_len, f.routing_key,
	         names->ns);
	return f.queue_len == strlen(queue) && memcmp(f.queue, queue, f.queue_len) == 0;
}

void sweep_free(struct sweep *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < KOMBU_MAX_STEPS; k++)
			free(s->keys[i][k]);
}

int sweep_plan(struct sweep *s, const struct kombu_names *names, const struct bindings *seen,
               const char *binding_key, struct error *err)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < seen->reply_n && s->n < SWEEP_MAX; i++) {
		struct binding_fields f;
		char queue[SWEEP_OID_MAX + 300];
		const char **srem = s->argv[s->n], **del = srem + 3;
		size_t *srem_len = s->lens[s->n], *del_len = srem_len + 3;

		if (!is_stale(names, seen->server_time, seen->members[i], seen->lens[i]))
			continue;
		binding_split(seen->members[i], seen->lens[i], names->sep, &f);
		snprintf(queue, sizeof(queue), "%.*s", (int)f.queue_len, f.queue);
		if (kombu_queue_keys(names, queue, s->keys[s->n]) < 0) {
			s->n++;
			return error_set(err, ERROR_NOMEM, "out of memory naming keys");
		}
		srem[0] = "SREM", srem[1] = binding_key, srem[2] = seen->members[i];
		srem_len[0] = 4, srem_len[1] = strlen(binding_key), srem_len[2] = seen->lens[i];
		del[0] = "DEL";
		del_len[0] = 3;
		for (int k = 0; k < names->nsteps; k++) {
			del[k + 1] = s->keys[s->n][k];
			del_len[k + 1] = strlen(del[k + 1]);
		}
		s->cmds[2 * s->n] =
		    (struct broker_cmd){3, srem, srem_len, "cannot remove a stale reply binding", NULL};
		s->cmds[2 * s->n + 1] = (struct broker_cmd){names->nsteps + 1, del, del_len,
		                                            "cannot remove a stale reply queue", NULL};
		s->n++;
	}
	return 0;
}
