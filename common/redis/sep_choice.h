/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sep_choice: kombu's key separator for this check's own binding member. */
#ifndef CELERY_SEP_CHOICE_H
#define CELERY_SEP_CHOICE_H

#include "bindings.h"
#include "kombu_names.h"

#define SEP_MAX_NAMED 5 /* nodes named for a binding they hold */

struct sep_choice {
	int unknown;     /* neither given nor learned: nothing may be written (it would break workers of
	                    another separator); the workers are heard instead */
	const char *why; /* with unknown: why */
	char *in_name[SEP_MAX_NAMED]; /* workers whose node name holds the separator (their pidbox binding
	                                 has more than three fields): judged as the others, named in -v */
	size_t nin_name;
};

/* The separator to write our binding member with: one member a worker cannot split into three fields
 * breaks its remote control and its task consumption for good (Celery resets its pidbox consumer, and
 * kombu's event loop then never subscribes again). Given, it must split the workers' members; else learned
 * from every member of our namespace's pidbox binding set (one per worker, and every killed worker's: a
 * sample could hold only stale ones). When there are none, or they disagree, unknown: nothing is
 * written, and the workers are heard instead. */
/* The members are those bindings_sample read; names->sep (and its steps, for a learned separator other than
 * kombu's default) is set when learned. ERROR_USAGE for a given separator the workers' members do not
 * split with, or one that occurs in this check's own queue name. */
int sep_choose(struct kombu_names *names, const struct bindings *bs, struct sep_choice *c, struct error *err);
void sep_choice_free(struct sep_choice *c);

#endif
