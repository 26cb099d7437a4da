/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control_answer: the first reply kept, its words made safe for output. */
#include "control_answer.h"

#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>

int control_answer_take(void *ctx, const struct inspect_event *ev, struct error *err)
{
	struct control_answer *a = ctx;
	struct json_span v;
	struct strbuf sb = STRBUF_INIT;
	char *text;
	const char *said;
	(void)err;

	if (ev->kind != INSPECT_REPLY || a->answered)
		return 0;
	a->answered = 1;
	a->ok = ev->result->kind == JSON_OBJECT && json_get(ev->result, "ok", &v);
	if (!a->ok && !(ev->result->kind == JSON_OBJECT && json_get(ev->result, "error", &v)))
		v = *ev->result;
	if ((text = json_value_dup(&v)) == NULL)
		return 0; /* the answer counts; its words are lost */
	strbuf_put_clean(&sb, text);
	free(text);
	said = strbuf_str(&sb);
	snprintf(a->text, sizeof(a->text), "%s", said != NULL ? said : "");
	strbuf_free(&sb);
	return 0;
}
