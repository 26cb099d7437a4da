/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu_names: building key and channel names (see docs: broker protocol, sections 2 and 4). */
#include "kombu_names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void kombu_names_default(struct kombu_names *n)
{
	static const int steps[] = {0, 3, 6, 9};

	memset(n, 0, sizeof(*n));
	n->prefix = "";
	n->ns = "celery";
	memcpy(n->sep, KOMBU_SEP, sizeof(KOMBU_SEP));
	memcpy(n->steps, steps, sizeof(steps));
	n->nsteps = 4;
	n->fanout_prefix = 1;
	n->fanout_patterns = 1;
}

void kombu_names_all_steps(struct kombu_names *n)
{
	for (int i = 0; i < 10; i++)
		n->steps[i] = i;
	n->nsteps = 10;
}

char *kombu_pidbox_channel(const struct kombu_names *n)
{
	if (!n->fanout_prefix)
		return format("%s%s.pidbox", n->prefix, n->ns);
	return format("%s/%ld.%s.pidbox", n->prefix, n->db, n->ns);
}

char *kombu_pidbox_channel_unformatted(const struct kombu_names *n)
{
	if (!n->sentinel || !n->fanout_prefix)
		return NULL;
	return format("%s/{db}.%s.pidbox", n->prefix, n->ns);
}

/* s with the glob characters of PSUBSCRIBE patterns escaped. */
static char *glob_escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		if (strchr("*?[]\\", *s) != NULL)
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

int kombu_event_patterns(const struct kombu_names *n, char *out[2])
{
	char *prefix = glob_escape(n->prefix);
	const char *tail = n->fanout_patterns ? "celeryev/worker.*" : "celeryev";
	int count = 1;

	out[0] = out[1] = NULL;
	if (prefix == NULL)
		return -1;
	if (!n->fanout_prefix)
		out[0] = format("%s%s", prefix, tail);
	else
		out[0] = format("%s/%ld.%s", prefix, n->db, tail);
	if (n->sentinel && n->fanout_prefix) {
		out[1] = format("%s/{db}.%s", prefix, tail);
		count = 2;
	}
	free(prefix);
	if (out[0] == NULL || (count == 2 && out[1] == NULL)) {
		free(out[0]);
		free(out[1]);
		return -1;
	}
	return count;
}

char *kombu_reply_binding_key(const struct kombu_names *n)
{
	return format("%s_kombu.binding.reply.%s.pidbox", n->prefix, n->ns);
}

char *kombu_own_reply_exchange(const struct kombu_names *n)
{
	return format("check_celery.reply.%s.pidbox", n->ns);
}

char *kombu_own_reply_binding_key(const struct kombu_names *n)
{
	return format("%s_kombu.binding.check_celery.reply.%s.pidbox", n->prefix, n->ns);
}

char *kombu_pidbox_binding_key(const struct kombu_names *n)
{
	return format("%s_kombu.binding.%s.pidbox", n->prefix, n->ns);
}

char *kombu_reply_queue(const struct kombu_names *n, const char *oid)
{
	return format("%s.reply.%s.pidbox", oid, n->ns);
}

char *kombu_reply_binding_member(const struct kombu_names *n, const char *oid)
{
	return format("%s%s%s%s.reply.%s.pidbox", oid, n->sep, n->sep, oid, n->ns);
}

/* Appends the decimal digits of v (0 or more) at p; returns the end. */
static char *put_digits(char *p, unsigned v)
{
	char d[12];
	size_t k = 0;

	do
		d[k++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (k > 0)
		*p++ = d[--k];
	return p;
}

/* Built by hand, not with printf: the queue plugin makes four of these a queue, for 10,000 queues. */
char *kombu_queue_key(const struct kombu_names *n, const char *queue, int i)
{
	size_t lp, lq, ls;
	char *key, *p;

	if (i < 0 || i >= n->nsteps)
		return NULL;
	if (n->steps[i] < 0)
		return format("%s%s%s%d", n->prefix, queue, n->sep, n->steps[i]);
	lp = strlen(n->prefix), lq = strlen(queue), ls = strlen(n->sep);
	if ((key = p = malloc(lp + lq + ls + 12)) == NULL)
		return NULL;
	p = mempcpy(p, n->prefix, lp);
	p = mempcpy(p, queue, lq);
	if (n->steps[i] != 0)
		p = put_digits(mempcpy(p, n->sep, ls), (unsigned)n->steps[i]);
	*p = '\0';
	return key;
}

int kombu_queue_keys(const struct kombu_names *n, const char *queue, char **keys)
{
	for (int i = 0; i < n->nsteps; i++)
		if ((keys[i] = kombu_queue_key(n, queue, i)) == NULL)
			return -1;
	return 0;
}

void kombu_reply_names(const struct kombu_names *n, struct kombu_names *out)
{
	*out = *n;
	if (out->nsteps > 0 && out->steps[0] == 0)
		return;
	if (out->nsteps == KOMBU_MAX_STEPS)
		out->nsteps--; /* the highest step gives way to the queue's own list */
	memmove(out->steps + 1, out->steps, (size_t)out->nsteps * sizeof(out->steps[0]));
	out->steps[0] = 0;
	out->nsteps++;
}
