/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control: sending a command to one worker over Redis and reading its answer. */
#include "control.h"

#include <string.h>

int control_one(struct broker *b, const struct inspect_query *q, struct control_answer *out,
                struct error *err)
{
	memset(out, 0, sizeof(*out));
	return inspect_broadcast(b, q, control_answer_take, out, &out->stats, err);
}
