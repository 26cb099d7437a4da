/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bindings: sampling and discovering kombu's binding sets (broker protocol, sections 2 and 4). */
#include "bindings.h"

#include "binding.h"

#include "scan.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINDING_KEY "_kombu.binding."

static int add_member(struct bindings *bs, const char *exchange, const char *m, size_t len, struct error *err)
{
	if (bs->n == bs->cap) {
		size_t cap = bs->cap ? bs->cap * 2 : 64;
		char **members = realloc(bs->members, cap * sizeof(char *));
		char **exchanges = members ? realloc(bs->exchanges, cap * sizeof(char *)) : NULL;
		size_t *lens = exchanges ? realloc(bs->lens, cap * sizeof(size_t)) : NULL;
		if (members != NULL)
			bs->members = members;
		if (exchanges != NULL)
			bs->exchanges = exchanges;
		if (lens == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory reading bindings");
		bs->lens = lens;
		bs->cap = cap;
	}
	if ((bs->members[bs->n] = malloc(len + 1)) == NULL ||
	    (bs->exchanges[bs->n] = strdup(exchange)) == NULL) {
		free(bs->members[bs->n]);
		return error_set(err, ERROR_NOMEM, "out of memory reading bindings");
	}
	memcpy(bs->members[bs->n], m, len);
	bs->members[bs->n][len] = '\0';
	bs->lens[bs->n++] = len;
	return 0;
}

/* Adds the members in an array reply (SMEMBERS, SRANDMEMBER); other replies add nothing. */
static int add_reply(struct bindings *bs, const char *exchange, const struct resp *r, struct error *err)
{
	if (r->type != RESP_ARRAY)
		return 0;
	for (size_t i = 0; i < r->elements; i++)
		if (r->element[i]->type == RESP_STRING &&
		    add_member(bs, exchange, r->element[i]->str, r->element[i]->len, err) < 0)
			return -1;
	return 0;
}

int bindings_sample(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                    struct bindings *bs, struct error *err)
{
	char *own_key = kombu_own_reply_binding_key(names), *own_exchange = kombu_own_reply_exchange(names);
	char *pidbox_key = kombu_pidbox_binding_key(names);
	char pidbox_exchange[300];
	const char *time[1] = {"TIME"}, *own[2] = {"SMEMBERS", own_key},
	           *pidbox[2] = {"SMEMBERS", pidbox_key};
	size_t time_len[1] = {4}, own_len[2] = {8, 0}, pidbox_len[2] = {8, 0};
	struct broker_cmd cmds[3] = {{1, time, time_len, "cannot read the broker's clock", NULL},
	                             {2, own, own_len, "cannot read this suite's reply bindings", NULL},
	                             {2, pidbox, pidbox_len, "cannot read the worker bindings", NULL}};
	struct resp *r[3];
	int rc = -1;

	memset(bs, 0, sizeof(*bs));
	if (own_key == NULL || own_exchange == NULL || pidbox_key == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory naming keys");
		goto out;
	}
	own_len[1] = strlen(own_key);
	pidbox_len[1] = strlen(pidbox_key);
	snprintf(pidbox_exchange, sizeof(pidbox_exchange), "%s.pidbox", names->ns);
	if (broker_pipeline_replies(b, dl, cmds, 3, r, err) < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < 3 && rc == 0; i++)
		if (broker_reply_error(r[i], err) < 0)
			rc = error_wrap(err, cmds[i].context);
	if (rc == 0 &&
	    (r[0]->type != RESP_ARRAY || r[0]->elements != 2 || r[0]->element[0]->type != RESP_STRING))
		rc = error_set(err, ERROR_BROKER, "TIME answered with an unexpected reply");
	if (rc == 0 && (strspn(r[0]->element[0]->str, "0123456789") != r[0]->element[0]->len ||
	                (bs->server_time = strtoll(r[0]->element[0]->str, NULL, 10)) < 1000000000LL ||
	                bs->server_time > 100000000000LL))
		rc = error_set(err, ERROR_BROKER, "TIME answered with an implausible clock");
	bs->sampled_at = clock_now();
	if (rc == 0)
		rc = add_reply(bs, own_exchange, r[1], err);
	bs->own_n = bs->n;
	if (rc == 0)
		rc = add_reply(bs, pidbox_exchange, r[2], err);
	bs->sample_n = bs->n;
	for (int i = 0; i < 3; i++)
		resp_free(r[i]);
out:
	free(own_key);
	free(own_exchange);
	free(pidbox_key);
	return rc;
}

/* SCAN's MATCH pattern for P_kombu.binding.*, with the glob characters of the prefix escaped. */
static char *scan_pattern(const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = prefix; *p; p++) {
		if (strchr("*?[]\\", *p) != NULL)
			strbuf_putc(&sb, '\\');
		strbuf_putc(&sb, *p);
	}
	strbuf_puts(&sb, BINDING_KEY "*");
	return strbuf_detach(&sb);
}

/* 1 for the binding sets that route to no task queue: remote control's (NS.pidbox, reply.NS.pidbox, this
 * suite's, of any namespace, which grow with every killed client) and the event exchange's. Discovery
 * never reads them: bindings_sample samples those it needs. */
static int control_exchange(const char *exchange)
{
	size_t n = strlen(exchange);

	return (n >= 7 && strcmp(exchange + n - 7, ".pidbox") == 0) || strcmp(exchange, "celeryev") == 0;
}

/* SMEMBERS of n binding set keys (each P_kombu.binding.EXCHANGE) in one round trip. A key of another type
 * (WRONGTYPE: not kombu's) is skipped; a refusal ends the read. */
static int read_sets(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                     const char *const *keys, const size_t *key_lens, size_t n, struct bindings *bs,
                     struct error *err)
{
	size_t plen = strlen(names->prefix) + strlen(BINDING_KEY);
	struct broker_cmd *cmds = calloc(n ? n : 1, sizeof(*cmds));
	const char **argv = calloc(2 * (n ? n : 1), sizeof(*argv));
	size_t *lens = calloc(2 * (n ? n : 1), sizeof(*lens));
	struct resp **r = calloc(n ? n : 1, sizeof(*r));
	int rc = -1;

	if (cmds == NULL || argv == NULL || lens == NULL || r == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory reading bindings");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		argv[2 * i] = "SMEMBERS";
		lens[2 * i] = 8;
		argv[2 * i + 1] = keys[i];
		lens[2 * i + 1] = key_lens[i];
		cmds[i] =
		    (struct broker_cmd){2, &argv[2 * i], &lens[2 * i], "cannot read a binding set", NULL};
	}
	if (broker_pipeline_replies(b, dl, cmds, n, r, err) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct error why;
		if (rc == 0 && broker_reply_error(r[i], &why) < 0 && why.kind != ERROR_BROKER) {
			if (err != NULL)
				*err = why;
			rc = error_wrap(err, cmds[i].context);
		} else if (rc == 0) {
			rc = add_reply(bs, keys[i] + plen, r[i], err);
		}
		resp_free(r[i]);
	}
out:
	free(cmds);
	free(argv);
	free(lens);
	free(r);
	return rc;
}

/* The binding sets of one SCAN page, but the two bindings_sample read and those already read. */
static int read_page(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                     const struct resp *keys, struct bindings *bs, struct error *err)
{
	size_t n = keys->elements, plen = strlen(names->prefix) + strlen(BINDING_KEY), m = 0;
	const char **found = calloc(n ? n : 1, sizeof(*found));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens));
	int rc = -1;

	if (found == NULL || lens == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory reading bindings");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct resp *k = keys->element[i];
		if (k->type != RESP_STRING || k->len < plen || memchr(k->str, '\0', k->len) != NULL ||
		    control_exchange(k->str + plen) || bindings_has_set(bs, k->str + plen))
			continue;
		found[m] = k->str;
		lens[m++] = k->len;
	}
	rc = read_sets(b, names, dl, found, lens, m, bs, err);
out:
	free(found);
	free(lens);
	return rc;
}

struct page_reader {
	struct broker *b;
	const struct kombu_names *names;
	const struct deadline *dl;
	struct bindings *bs;
};

static int on_page(void *ctx, const struct resp *keys, struct error *err)
{
	struct page_reader *pr = ctx;

	return read_page(pr->b, pr->names, pr->dl, keys, pr->bs, err);
}

int bindings_discover(struct broker *b, const struct kombu_names *names, unsigned long long *cursor,
                      long budget, const struct deadline *dl, struct bindings *bs, struct error *err)
{
	char *pattern = scan_pattern(names->prefix);
	struct page_reader pr = {b, names, dl, bs};
	int rc;

	if (pattern == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory naming keys");
	rc = broker_scan(b, pattern, cursor, budget, dl, on_page, &pr, err);
	if (rc < 0)
		error_wrap(err, "cannot list the binding sets (SCAN)");
	free(pattern);
	return rc;
}

int bindings_read_known(struct broker *b, const struct kombu_names *names, char *const *exchanges, size_t n,
                        const struct deadline *dl, struct bindings *bs, struct error *err)
{
	char **keys = calloc(n ? n : 1, sizeof(*keys));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens)), m = 0;
	int rc = -1;

	if (keys == NULL || lens == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory reading bindings");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (control_exchange(exchanges[i]) || bindings_has_set(bs, exchanges[i]))
			continue;
		if (asprintf(&keys[m], "%s" BINDING_KEY "%s", names->prefix, exchanges[i]) < 0) {
			keys[m] = NULL;
			error_set(err, ERROR_NOMEM, "out of memory reading bindings");
			goto out;
		}
		lens[m] = strlen(keys[m]);
		m++;
	}
	rc = read_sets(b, names, dl, (const char *const *)keys, lens, m, bs, err);
	if (rc < 0)
		error_wrap(err, "cannot read the binding sets known from earlier checks");
out:
	for (size_t i = 0; keys != NULL && i < m; i++)
		free(keys[i]);
	free(keys);
	free(lens);
	return rc;
}

int bindings_has_set(const struct bindings *bs, const char *exchange)
{
	for (size_t i = bs->sample_n; i < bs->n; i++)
		if (strcmp(bs->exchanges[i], exchange) == 0)
			return 1;
	return 0;
}

void bindings_free(struct bindings *bs)
{
	for (size_t i = 0; i < bs->n; i++) {
		free(bs->members[i]);
		free(bs->exchanges[i]);
	}
	free(bs->members);
	free(bs->exchanges);
	free(bs->lens);
	memset(bs, 0, sizeof(*bs));
}

/* The node of a pidbox member's queue field, NODE.NS.pidbox; NULL when it has another shape. */
static char *member_node(const struct binding_fields *bf, const char *ns)
{
	size_t tail = strlen(ns) + 8; /* "." NS ".pidbox" */

	if (bf->queue_len <= tail || bf->queue[bf->queue_len - tail] != '.' ||
	    strncmp(bf->queue + bf->queue_len - tail + 1, ns, strlen(ns)) != 0 ||
	    strncmp(bf->queue + bf->queue_len - 7, ".pidbox", 7) != 0 ||
	    memchr(bf->queue, '\0', bf->queue_len - tail) != NULL)
		return NULL;
	return strndup(bf->queue, bf->queue_len - tail);
}

/* The separator the members of an SMEMBERS reply were written with, into sep when one is learned. */
static int learn_sep(const struct resp *r, char *sep)
{
	char **members = calloc(r->elements ? r->elements : 1, sizeof(char *)), learned[KOMBU_SEP_MAX + 1];
	size_t *lens = calloc(r->elements ? r->elements : 1, sizeof(size_t)), n = 0;
	struct error ignored;
	int rc = members == NULL || lens == NULL ? -1 : 0;

	for (size_t i = 0; rc == 0 && r->type == RESP_ARRAY && i < r->elements; i++)
		if (r->element[i]->type == RESP_STRING) {
			members[n] = r->element[i]->str;
			lens[n++] = r->element[i]->len;
		}
	if (rc == 0 && (rc = binding_learn_sep(members, lens, n, learned, &ignored)) == 1)
		memcpy(sep, learned, sizeof(learned));
	free(members);
	free(lens);
	return rc < 0 ? -1 : 0;
}

int bindings_workers(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                     char ***nodes, size_t *n, struct error *err)
{
	char *key = kombu_pidbox_binding_key(names);
	const char *argv[2] = {"SMEMBERS", key};
	size_t lens[2] = {8, key ? strlen(key) : 0};
	struct resp *r = NULL;
	char sep[KOMBU_SEP_MAX + 1];
	int rc;

	memcpy(sep, names->sep, sizeof(sep));
	*nodes = NULL;
	*n = 0;
	if (key == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	rc = broker_call(b, dl, &r, err, 2, argv, lens);
	free(key);
	if (rc < 0)
		return error_wrap(err, "cannot read the workers' bindings");
	if (r->type == RESP_ARRAY && r->elements > 0 &&
	    (*nodes = calloc(r->elements, sizeof(char *))) == NULL)
		rc = error_set(err, ERROR_NOMEM, "out of memory");
	if (rc == 0 && !names->sep_given && learn_sep(r, sep) < 0)
		rc = error_set(err, ERROR_USAGE, "the workers' bindings disagree on their separator");
	for (size_t i = 0; rc == 0 && r->type == RESP_ARRAY && i < r->elements; i++) {
		struct binding_fields bf;
		const struct resp *m = r->element[i];
		if (m->type != RESP_STRING || binding_split_bound(m->str, m->len, sep, &bf) < 0 ||
		    ((*nodes)[*n] = member_node(&bf, names->ns)) == NULL)
			continue;
		(*n)++;
	}
	resp_free(r);
	return rc;
}

void bindings_workers_free(char **nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(nodes[i]);
	free(nodes);
}

const char *bindings_queue(struct bindings *bs, size_t i, const char *sep)
{
	struct binding_fields f;
	char *queue;

	if (binding_split(bs->members[i], bs->lens[i], sep, &f) < 0 || f.queue_len == 0 ||
	    memchr(f.queue, '\0', f.queue_len) != NULL || strcmp(bs->exchanges[i], "celeryev") == 0)
		return NULL;
	queue = (char *)f.queue; /* the member is ours to cut: the queue is its last field */
	queue[f.queue_len] = '\0';
	return queue;
}
