/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nearby: SCAN for *_kombu.binding.*.pidbox and INFO keyspace, read into a few hints. */
#include "nearby.h"

#include "kombu.h"
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records the pidbox binding set named key, unless it is ours or a reply set. */
static void note_pidbox_set(struct nearby *nb, const struct kombu_names *names, const char *key, size_t len)
{
	const char *mid = memmem(key, len, "_kombu.binding.", 15), *ns;
	size_t ns_len;

	if (mid == NULL || nb->n == NEARBY_MAX || len < 7 || memcmp(key + len - 7, ".pidbox", 7) != 0)
		return;
	ns = mid + 15;
	ns_len = (size_t)(key + len - 7 - ns);
	if (ns_len == 0 || strncmp(ns, "reply.", 6) == 0 || memchr(key, '\0', len) != NULL)
		return;
	if ((size_t)(mid - key) == strlen(names->prefix) &&
	    strncmp(key, names->prefix, (size_t)(mid - key)) == 0 && ns_len == strlen(names->ns) &&
	    strncmp(ns, names->ns, ns_len) == 0)
		return;
	nb->prefix[nb->n] = strndup(key, (size_t)(mid - key));
	nb->ns[nb->n] = strndup(ns, ns_len);
	if (nb->prefix[nb->n] != NULL && nb->ns[nb->n] != NULL)
		nb->n++;
}

/* Every "dbN:keys=K,..." line of INFO keyspace but our own database. */
static void note_databases(struct nearby *nb, long ours, const char *info)
{
	for (const char *p = strstr(info, "\ndb"); p != NULL && nb->ndbs < NEARBY_MAX;
	     p = strstr(p + 1, "\ndb")) {
		long db;
		long long keys;
		if (sscanf(p + 1, "db%ld:keys=%lld", &db, &keys) == 2 && db != ours && keys > 0) {
			nb->db[nb->ndbs] = db;
			nb->db_keys[nb->ndbs++] = keys;
		}
	}
}

struct page_reader {
	struct nearby *nb;
	const struct kombu_names *names;
};

static int on_page(void *ctx, const struct resp *keys, struct error *err)
{
	struct page_reader *pr = ctx;

	(void)err;
	for (size_t i = 0; i < keys->elements; i++)
		if (keys->element[i]->type == RESP_STRING)
			note_pidbox_set(pr->nb, pr->names, keys->element[i]->str, keys->element[i]->len);
	return 0;
}

int nearby_look(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
                struct nearby *out, struct error *err)
{
	const char *info[2] = {"INFO", "keyspace"};
	size_t info_len[2] = {4, 8};
	struct page_reader pr = {out, names};
	unsigned long long cursor = 0;
	struct resp *r;

	memset(out, 0, sizeof(*out));
	if (broker_scan(b, "*_kombu.binding.*.pidbox", &cursor, NEARBY_BUDGET, dl, on_page, &pr, err) < 0)
		return error_wrap(err, "looking for workers elsewhere (SCAN)");
	/* SCAN's order is the hash table's: sort, so that the same broker always reads the same */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && (strcmp(out->prefix[j - 1], out->prefix[j]) > 0 ||
		                             (strcmp(out->prefix[j - 1], out->prefix[j]) == 0 &&
		                              strcmp(out->ns[j - 1], out->ns[j]) > 0));
		     j--) {
			char *p = out->prefix[j], *n = out->ns[j];
			out->prefix[j] = out->prefix[j - 1], out->ns[j] = out->ns[j - 1];
			out->prefix[j - 1] = p, out->ns[j - 1] = n;
		}
	if (broker_call(b, dl, &r, err, 2, info, info_len) < 0)
		return error_wrap(err, "looking for workers elsewhere (INFO)");
	if (r->type == RESP_STRING)
		note_databases(out, names->db, r->str);
	resp_free(r);
	return 0;
}

void nearby_free(struct nearby *nb)
{
	for (size_t i = 0; i < nb->n; i++) {
		free(nb->prefix[i]);
		free(nb->ns[i]);
	}
	memset(nb, 0, sizeof(*nb));
}

void nearby_describe(struct strbuf *sb, const struct kombu_names *names, const struct nearby *nb)
{
	char *channel = kombu_pidbox_channel(names), *old = kombu_pidbox_channel_unformatted(names);

	strbuf_puts(sb, "no worker is listening on ");
	strbuf_put_clean(sb, channel ? channel : "the control channel");
	if (old != NULL) {
		strbuf_puts(sb, " or ");
		strbuf_put_clean(sb, old);
	}
	free(old);
	strbuf_printf(sb, " (database %ld, namespace ", names->db);
	strbuf_put_clean(sb, names->ns);
	strbuf_puts(sb, *names->prefix ? ", prefix " : ", no prefix");
	strbuf_put_clean(sb, names->prefix);
	strbuf_putc(sb, ')');
	free(channel);
	for (size_t i = 0; i < nb->n; i++) {
		strbuf_puts(sb, i ? ", " : "; the broker holds worker bindings of ");
		strbuf_puts(sb, "namespace ");
		strbuf_put_clean(sb, nb->ns[i]);
		strbuf_puts(sb, *nb->prefix[i] ? " with prefix " : " without prefix");
		strbuf_put_clean(sb, nb->prefix[i]);
	}
	for (size_t i = 0; i < nb->ndbs; i++)
		strbuf_printf(sb, "%sdatabase %ld holds %lld key%s", i ? ", " : "; ", nb->db[i],
		              nb->db_keys[i], nb->db_keys[i] == 1 ? "" : "s");
}
