/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sep_choice: which separator this check writes its binding member with, learned from the workers' own
 * members or checked against them. */
#include "sep_choice.h"

#include "binding.h"
#include "kombu.h"
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

/* 0 when our reply binding member, written with the chosen separator, splits back into our own routing key,
 * an empty pattern and our queue, as a worker will split it. */
static int own_member_splits(const struct kombu_names *names)
{
	static const char oid[] = "check_celery.1234567890.01234567-89ab-cdef-0123-456789abcdef";
	char *member = kombu_reply_binding_member(names, oid), *queue = kombu_reply_queue(names, oid);
	struct binding_fields f;
	int ok = member != NULL && queue != NULL &&
	         binding_split(member, strlen(member), names->sep, &f) == 0 &&
	         f.routing_key_len == strlen(oid) && f.pattern_len == 0 && f.queue_len == strlen(queue) &&
	         memcmp(f.queue, queue, f.queue_len) == 0;

	free(member);
	free(queue);
	return ok ? 0 : -1;
}

/* Notes the node of a pidbox member whose name holds the separator (it reads only as SEP SEP QUEUE). */
static void note_sep_in_name(struct sep_choice *c, const struct kombu_names *names, const char *member,
                             size_t len)
{
	struct binding_fields f;
	size_t tail = strlen(names->ns) + 8; /* "." NS ".pidbox" */

	if (c->nin_name >= SEP_MAX_NAMED || binding_split_bound(member, len, names->sep, &f) != 1 ||
	    f.queue_len <= tail || memcmp(f.queue + f.queue_len - 7, ".pidbox", 7) != 0 ||
	    memchr(f.queue, '\0', f.queue_len) != NULL)
		return;
	c->in_name[c->nin_name] = strndup(f.queue, f.queue_len - tail);
	c->nin_name += c->in_name[c->nin_name] != NULL;
}

int sep_choose(struct kombu_names *names, const struct bindings *bs, struct sep_choice *c, struct error *err)
{
	size_t n = 0;
	char **members = calloc(bs->sample_n ? bs->sample_n : 1, sizeof(char *)), learned[KOMBU_SEP_MAX + 1];
	size_t *lens = calloc(bs->sample_n ? bs->sample_n : 1, sizeof(size_t));
	int rc = 0;

	if (members == NULL || lens == NULL) {
		rc = error_set(err, ERROR_NOMEM, "out of memory");
		goto out;
	}
	/* only our namespace's pidbox set: other apps of the database may use another separator */
	for (size_t i = bs->own_n; i < bs->sample_n; i++) {
		/* our own members, even one left in another separator, say nothing of the workers' */
		size_t rk;
		long long expiry;
		if (sweep_parse_member(names->ns, bs->members[i], bs->lens[i], &rk, learned, &expiry))
			continue;
		members[n] = bs->members[i];
		lens[n++] = bs->lens[i];
	}
	if (names->sep_given) {
		for (size_t i = 0; i < n && bs->sample_n > 0 && rc == 0; i++) {
			struct binding_fields f;
			if (binding_split_bound(members[i], lens[i], names->sep, &f) < 0)
				rc = error_set(
				    err, ERROR_USAGE,
				    "the workers' binding members do not split with the --transport-option "
				    "sep given");
		}
	} else if ((rc = binding_learn_sep(members, lens, n, learned, NULL)) == 1) {
		memcpy(names->sep, learned, sizeof(learned));
		if (!names->steps_given && strcmp(learned, KOMBU_SEP) != 0)
			kombu_names_all_steps(names); /* Celery's priority setup: sep ':', steps 0 to 9 */
	} else { /* which separator the live workers split with cannot be known: nothing is written */
		c->unknown = 1;
		c->why = rc == 0
		             ? "the broker holds no binding of the workers: flushed?"
		             : "the workers' bindings disagree on it: killed workers of another separator?";
		rc = 0;
	}
	if (rc >= 0 && own_member_splits(names) < 0)
		rc = error_set(
		    err, ERROR_USAGE,
		    "--transport-option sep: the separator occurs in this check's own reply queue name");
	for (size_t i = 0; rc >= 0 && !c->unknown && i < n; i++)
		note_sep_in_name(c, names, members[i], lens[i]);
out:
	free(members);
	free(lens);
	return rc < 0 ? -1 : 0;
}

void sep_choice_free(struct sep_choice *c)
{
	for (size_t i = 0; i < c->nin_name; i++)
		free(c->in_name[i]);
	memset(c, 0, sizeof(*c));
}
