/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep: finding the reply bindings that checks of this suite left behind (a stalled broker, a kill) and
 * the commands that remove them with their reply lists. */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sweep_name_oid(char oid[SWEEP_OID_MAX], long long expiry, const char *uuid)
{
	snprintf(oid, SWEEP_OID_MAX, SWEEP_OID_PREFIX "%lld.%s", expiry, uuid);
}

/* The length of our routing key at the start of m (check_celery.EXPIRY.UUID), its EXPIRY in *expiry; 0
 * when m does not start with one. */
static size_t our_routing_key(const char *m, size_t len, long long *expiry)
{
	size_t pre = strlen(SWEEP_OID_PREFIX), digits;

	if (len < pre || memcmp(m, SWEEP_OID_PREFIX, pre) != 0)
		return 0;
	for (digits = 0;
	     pre + digits < len && digits < 20 && m[pre + digits] >= '0' && m[pre + digits] <= '9';)
		digits++;
	if (digits == 0 || digits > 18 || pre + digits + 1 + UUID_STR_LEN - 1 > len || m[pre + digits] != '.')
		return 0;
	for (size_t i = pre + digits + 1; i < pre + digits + UUID_STR_LEN; i++)
		if (strchr("0123456789abcdef-", m[i]) == NULL || m[i] == '\0')
			return 0;
	*expiry = strtoll(m + pre, NULL, 10);
	return pre + digits + UUID_STR_LEN;
}

int sweep_parse_member(const char *ns, const char *m, size_t len, size_t *rk_len, char *sep,
                       long long *expiry)
{
	char tail[300];
	size_t rk = our_routing_key(m, len, expiry), t, x;

	if (rk == 0)
		return 0;
	t = (size_t)snprintf(tail, sizeof(tail), ".reply.%s.pidbox", ns);
	if (t >= sizeof(tail) || len < 2 * rk + t + 2 || (len - 2 * rk - t) % 2 != 0)
		return 0;
	x = (len - 2 * rk - t) / 2;
	if (x > KOMBU_SEP_MAX || memchr(m + rk, '\0', x) != NULL || memcmp(m + rk, m + rk + x, x) != 0 ||
	    memcmp(m + rk + 2 * x, m, rk) != 0 || memcmp(m + 2 * rk + 2 * x, tail, t) != 0)
		return 0;
	memcpy(sep, m + rk, x);
	sep[x] = '\0';
	*rk_len = rk;
	return 1;
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
	for (size_t i = 0; i < seen->own_n && s->n < SWEEP_MAX; i++) {
		struct kombu_names written; /* the member's own separator names its lists */
		char queue[SWEEP_OID_MAX + 300];
		const char **srem = s->argv[s->n], **del = srem + 3;
		size_t *srem_len = s->lens[s->n], *del_len = srem_len + 3, rk;
		long long expiry;

		kombu_reply_names(names, &written);
		if (!sweep_parse_member(names->ns, seen->members[i], seen->lens[i], &rk, written.sep,
		                        &expiry) ||
		    expiry >= seen->server_time)
			continue;
		snprintf(queue, sizeof(queue), "%.*s.reply.%s.pidbox", (int)rk, seen->members[i], names->ns);
		if (kombu_queue_keys(&written, queue, s->keys[s->n]) < 0) {
			s->n++;
			return error_set(err, ERROR_NOMEM, "out of memory naming keys");
		}
		srem[0] = "SREM", srem[1] = binding_key, srem[2] = seen->members[i];
		srem_len[0] = 4, srem_len[1] = strlen(binding_key), srem_len[2] = seen->lens[i];
		del[0] = "DEL";
		del_len[0] = 3;
		for (int k = 0; k < written.nsteps; k++) {
			del[k + 1] = s->keys[s->n][k];
			del_len[k + 1] = strlen(del[k + 1]);
		}
		s->cmds[2 * s->n] =
		    (struct broker_cmd){3, srem, srem_len, "cannot remove a stale reply binding", NULL};
		s->cmds[2 * s->n + 1] = (struct broker_cmd){written.nsteps + 1, del, del_len,
		                                            "cannot remove a stale reply queue", NULL};
		s->n++;
	}
	return 0;
}
