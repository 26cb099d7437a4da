/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_resp: libFuzzer target for the reader of Redis's replies. The first byte picks a stream shape and
 * where to split; the rest is read whole and in pieces, and both readings must agree: the same replies,
 * the same strings handed over, or the same failure. */
#include "resp.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode(struct strbuf *sb, const struct resp *r)
{
	if (r == NULL) {
		strbuf_putc(sb, '~');
		return;
	}
	strbuf_printf(sb, "%d:%lld:%zu:", (int)r->type, r->integer, r->len);
	if (r->str != NULL)
		strbuf_append(sb, r->str, r->len);
	for (size_t i = 0; i < r->elements; i++)
		encode(sb, r->element[i]);
	strbuf_putc(sb, ';');
}

static int take(void *ctx, const char *s, size_t len, struct error *err)
{
	(void)err;
	strbuf_putc(ctx, '[');
	strbuf_append(ctx, s, len);
	return 0;
}

/* Reads data in pieces of `piece` bytes (0: whole) into out: every reply and string handed over. */
static void read_in(const char *data, size_t size, int shape, size_t piece, struct strbuf *out)
{
	struct resp_stream st = {take, out, (enum resp_stream_shape)(shape % 3), 0};
	struct resp_reader r;
	size_t at = 0;

	resp_reader_init(&r, 64, 4096);
	if (shape >= 3)
		r.stream = &st;
	while (at < size) {
		size_t end = piece == 0 || at + piece > size ? size : at + piece;
		while (at < end) {
			struct resp *reply;
			struct error err = {ERROR_NONE, ""};
			long used = resp_reader_feed(&r, data + at, end - at, &reply, &err);
			if (used < 0) {
				strbuf_printf(out, "ERROR %d %s", (int)err.kind, err.msg);
				resp_reader_reset(&r);
				return;
			}
			if ((size_t)used > end - at || (used == 0 && reply == NULL) || r.held > r.max_held)
				__builtin_trap();
			at += (size_t)used;
			if (reply != NULL)
				encode(out, reply);
			resp_free(reply);
		}
	}
	strbuf_printf(out, "idle %d", resp_reader_idle(&r));
	resp_reader_reset(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf whole = STRBUF_INIT, split = STRBUF_INIT, bytewise = STRBUF_INIT;

	if (size < 1)
		return 0;
	read_in((const char *)data + 1, size - 1, data[0] % 6, 0, &whole);
	read_in((const char *)data + 1, size - 1, data[0] % 6, (size_t)(data[0] / 6) + 1, &split);
	read_in((const char *)data + 1, size - 1, data[0] % 6, 1, &bytewise);
	if (whole.failed || split.failed || bytewise.failed)
		return 0;
	if (whole.len != split.len || memcmp(whole.buf, split.buf, whole.len) != 0 ||
	    whole.len != bytewise.len || memcmp(whole.buf, bytewise.buf, whole.len) != 0)
		__builtin_trap();
	strbuf_free(&whole);
	strbuf_free(&split);
	strbuf_free(&bytewise);
	return 0;
}
