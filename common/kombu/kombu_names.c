/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_names: building key and channel names (see docs: broker protocol, sections 2 and 4). */
#include "kombu_names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *kombu_pidbox_channel(const struct kombu_names *n)
{
	return format("%s/%ld.%s.pidbox", n->prefix, n->db, n->ns);
}

char *kombu_reply_binding_key(const struct kombu_names *n)
{
	return format("%s_kombu.binding.reply.%s.pidbox", n->prefix, n->ns);
}

char *kombu_reply_queue(const struct kombu_names *n, const char *oid)
{
	return format("%s.reply.%s.pidbox", oid, n->ns);
}

char *kombu_reply_binding_member(const struct kombu_names *n, const char *oid)
{
	return format("%s" KOMBU_SEP KOMBU_SEP "%s.reply.%s.pidbox", oid, oid, n->ns);
}

char *kombu_queue_key(const struct kombu_names *n, const char *queue, int step)
{
	static const char *const suffix[KOMBU_PRIORITY_STEPS] = {"", KOMBU_SEP "3", KOMBU_SEP "6",
	                                                         KOMBU_SEP "9"};

	if (step < 0 || step >= KOMBU_PRIORITY_STEPS)
		return NULL;
	return format("%s%s%s", n->prefix, queue, suffix[step]);
}
