/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_resp: Redis replies read from raw bytes, split at every boundary, byte by byte, oversized and
 * malformed, by the reader alone and through the broker layer over a unix socket that a child process
 * serves; the strings of a pop handed over as they are read. */
#include "unit.h"

#include "broker.h"
#include "resp.h"
#include "strbuf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writes r back as RESP; a string handed over (NULL) as "~", a skipped one as what it reads: "". */
static void encode(struct strbuf *sb, const struct resp *r)
{
	if (r == NULL) {
		strbuf_puts(sb, "~");
		return;
	}
	switch (r->type) {
	case RESP_STRING:
		strbuf_printf(sb, "$%zu\r\n", r->len);
		strbuf_append(sb, r->str, r->len);
		strbuf_puts(sb, "\r\n");
		break;
	case RESP_STATUS:
	case RESP_ERROR:
		strbuf_printf(sb, "%c%s\r\n", r->type == RESP_STATUS ? '+' : '-', r->str);
		break;
	case RESP_INTEGER:
		strbuf_printf(sb, ":%lld\r\n", r->integer);
		break;
	case RESP_NIL:
		strbuf_puts(sb, "$-1\r\n");
		break;
	case RESP_ARRAY:
		strbuf_printf(sb, "*%zu\r\n", r->elements);
		for (size_t i = 0; i < r->elements; i++)
			encode(sb, r->element[i]);
		break;
	}
}

/* Reads every reply in bytes, fed in pieces of the given sizes (cycled; 0 means all at once), and returns
 * them encoded one after the other, or "ERROR: message". */
static char *read_all(const char *bytes, size_t len, size_t max_string, size_t max_held,
                      struct resp_stream *st, const size_t *pieces, size_t npieces)
{
	struct resp_reader r;
	struct strbuf out = STRBUF_INIT;
	size_t at = 0, k = 0;

	resp_reader_init(&r, max_string, max_held);
	r.stream = st;
	while (at < len) {
		size_t piece = npieces == 0 || pieces[k % npieces] == 0 ? len - at : pieces[k % npieces];
		size_t end = at + piece < len ? at + piece : len;
		k++;
		while (at < end) {
			struct resp *reply;
			struct error err = {ERROR_NONE, ""};
			long used = resp_reader_feed(&r, bytes + at, end - at, &reply, &err);
			if (used < 0) {
				resp_reader_reset(&r);
				strbuf_free(&out);
				strbuf_printf(&out, "ERROR: %s", err.msg);
				return strbuf_detach(&out);
			}
			ck_assert_int_le((size_t)used, end - at);
			at += (size_t)used;
			if (reply != NULL) {
				encode(&out, reply);
				resp_free(reply);
			}
		}
	}
	if (!resp_reader_idle(&r))
		strbuf_puts(&out, "(half read)");
	resp_reader_reset(&r);
	return out.buf != NULL ? strbuf_detach(&out) : strdup("");
}

static const char *const valid[] = {
    "+OK\r\n",
    "-ERR unknown command 'FOO'\r\n",
    ":0\r\n:-42\r\n:9223372036854775807\r\n:-9223372036854775808\r\n",
    "$0\r\n\r\n",
    "$-1\r\n",
    "*0\r\n",
    "$5\r\nhello\r\n",
    "$4\r\na\r\nb\r\n", /* CRLF inside a string */
    "*2\r\n$1\r\nk\r\n*3\r\n$3\r\none\r\n$-1\r\n:7\r\n",
    "*2\r\n$1\r\n0\r\n*2\r\n$4\r\na:bc\r\n$4\r\nd:ef\r\n", /* SCAN's answer */
    "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$2\r\nch\r\n$3\r\nmsg\r\n+PONG\r\n",
    "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*0\r\n", /* eight deep */
};

/* What a string in [a..b) of s encodes to: s itself for a valid reply. */
START_TEST(valid_replies_split_at_every_boundary)
{
	for (size_t v = 0; v < sizeof(valid) / sizeof(valid[0]); v++) {
		const char *s = valid[v];
		size_t len = strlen(s);
		char *whole = read_all(s, len, 1 << 20, 1 << 20, NULL, NULL, 0);
		ck_assert_str_eq(whole, s);
		for (size_t cut = 1; cut < len; cut++) {
			size_t pieces[2] = {cut, 0};
			char *split = read_all(s, len, 1 << 20, 1 << 20, NULL, pieces, 2);
			ck_assert_msg(strcmp(split, s) == 0, "%s cut at %zu: %s", s, cut, split);
			free(split);
		}
		size_t one = 1;
		char *bytewise = read_all(s, len, 1 << 20, 1 << 20, NULL, &one, 1);
		ck_assert_str_eq(bytewise, s);
		free(bytewise);
		free(whole);
	}
}
END_TEST

START_TEST(a_half_read_reply_stays_half_read)
{
	char *half = read_all("*2\r\n$3\r\nab", 10, 1 << 20, 1 << 20, NULL, NULL, 0);
	ck_assert_str_eq(half, "(half read)");
	free(half);
	half = read_all("*-1\r\n", 5, 1 << 20, 1 << 20, NULL, NULL, 0); /* a null array */
	ck_assert_str_eq(half, "$-1\r\n");
	free(half);
}
END_TEST

START_TEST(a_long_status_line_keeps_its_start)
{
	for (size_t len = RESP_LINE_MAX - 2; len <= RESP_LINE_MAX + 2; len++) {
		struct strbuf sb = STRBUF_INIT;
		struct resp_reader r;
		struct resp *reply;
		struct error err = {ERROR_NONE, ""};
		strbuf_putc(&sb, '-');
		for (size_t i = 0; i < len; i++)
			strbuf_putc(&sb, 'a');
		strbuf_puts(&sb, "\r\n");
		resp_reader_init(&r, 100, 1 << 20);
		ck_assert_int_eq(resp_reader_feed(&r, sb.buf, sb.len, &reply, &err), sb.len);
		ck_assert_int_eq(reply->type, RESP_ERROR);
		ck_assert_int_eq(reply->len, len < RESP_LINE_MAX ? len : RESP_LINE_MAX - 1);
		ck_assert_int_eq(strspn(reply->str, "a"), reply->len); /* no CR kept */
		resp_free(reply);
		strbuf_free(&sb);
	}
}
END_TEST

START_TEST(malformed_bytes_are_a_protocol_error)
{
	static const char *const bad[] = {
	    "?x\r\n",           /* no such type */
	    "\0\r\n",           /* a NUL for a type */
	    "+OK\n",            /* LF alone */
	    "$-2\r\n",          /* a negative length */
	    "$3\r\nabcd\r\n",   /* a string longer than it said */
	    "$3\r\nab\r\n\r\n", /* shorter */
	    "$1\r\naXY:1\r\n",  /* no CRLF after the string */
	    ":12a\r\n",         /* not a number */
	    ":\r\n",            /* no number */
	    ":-\r\n",
	    ":99999999999999999999\r\n", /* past 64 bits */
	    ":9223372036854775808\r\n",
	    ":-9223372036854775809\r\n",
	    "$00000000000000000000000001\r\n", /* a length line too long */
	    "*-7\r\n",
	    "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n", /* nine deep */
	    "$536870913\r\n",                                         /* past Redis's 512 MiB */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i]) + (bad[i][0] == '\0' ? 3 : 0);
		char *got = read_all(bad[i], len, 1 << 20, 1 << 20, NULL, NULL, 0);
		ck_assert_msg(strncmp(got, "ERROR: protocol error from the broker", 37) == 0, "%zu: %s", i,
		              got);
		free(got);
		size_t one = 1; /* the same, byte by byte */
		got = read_all(bad[i], len, 1 << 20, 1 << 20, NULL, &one, 1);
		ck_assert_msg(strncmp(got, "ERROR: protocol error from the broker", 37) == 0, "%zu: %s", i,
		              got);
		free(got);
	}
}
END_TEST

START_TEST(an_oversized_string_is_skipped_unread)
{
	const char *s = "*3\r\n$3\r\nabc\r\n$12\r\n0123456789ab\r\n$2\r\nde\r\n+OK\r\n";
	size_t len = strlen(s);

	for (size_t cut = 1; cut <= len; cut++) {
		size_t pieces[2] = {cut, 1};
		char *got = read_all(s, len, 4, 1 << 20, NULL, pieces, 2);
		ck_assert_msg(strcmp(got, "*3\r\n$3\r\nabc\r\n$0\r\n\r\n$2\r\nde\r\n+OK\r\n") == 0,
		              "cut %zu: %s", cut, got);
		free(got);
	}
}
END_TEST

START_TEST(a_reply_over_the_batch_cap_fails)
{
	struct strbuf sb = STRBUF_INIT;
	char *got;

	strbuf_puts(&sb, "*100\r\n");
	for (int i = 0; i < 100; i++)
		strbuf_puts(&sb, "$10\r\n0123456789\r\n");
	got = read_all(sb.buf, sb.len, 1 << 20, 1000, NULL, NULL, 0);
	ck_assert_str_eq(got, "ERROR: a reply exceeded the 0 MiB size cap");
	free(got);
	got = read_all(sb.buf, sb.len, 1 << 20, 10000, NULL, NULL, 0);
	ck_assert_str_eq(got, sb.buf);
	free(got);
	/* each element's object counts: 1,000 empty strings hold 6 bytes each on the wire, 78 in memory */
	strbuf_clear(&sb);
	strbuf_puts(&sb, "*1000\r\n");
	for (int i = 0; i < 1000; i++)
		strbuf_puts(&sb, "$0\r\n\r\n");
	got = read_all(sb.buf, sb.len, 1 << 20, 50000, NULL, NULL, 0);
	ck_assert_str_eq(got, "ERROR: a reply exceeded the 0 MiB size cap");
	free(got);
	strbuf_free(&sb);
	/* a huge announced count costs nothing until its elements arrive */
	got = read_all("*100000000\r\n:1\r\n", 16, 1 << 20, 1 << 20, NULL, NULL, 0);
	ck_assert_str_eq(got, "(half read)");
	free(got);
}
END_TEST

struct taken {
	struct strbuf text;
	int fail_at; /* the call that fails, from 1; 0 never */
	int calls;
};

static int take(void *ctx, const char *s, size_t len, struct error *err)
{
	struct taken *t = ctx;

	ck_assert_int_eq(s[len], '\0');
	if (++t->calls == t->fail_at)
		return error_set(err, ERROR_PARSE, "refused %.*s", (int)len, s);
	strbuf_printf(&t->text, "[%.*s]", (int)len, s);
	return 0;
}

START_TEST(a_pops_strings_are_handed_over_as_read)
{
	static const struct {
		enum resp_stream_shape shape;
		const char *bytes, *kept, *handed;
	} cases[] = {
	    {RESP_STREAM_PAIR, "*2\r\n$1\r\nk\r\n$3\r\nmsg\r\n", "*2\r\n$1\r\nk\r\n~", "[msg]"},
	    {RESP_STREAM_KEYED, "*2\r\n$1\r\nk\r\n*3\r\n$1\r\na\r\n:5\r\n$2\r\nbc\r\n",
	     "*2\r\n$1\r\nk\r\n*3\r\n~:5\r\n~", "[a][bc]"},
	    {RESP_STREAM_FLAT, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "*2\r\n~~", "[a][b]"},
	    /* not of the shape: kept */
	    {RESP_STREAM_PAIR, "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n",
	     "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n", ""},
	    {RESP_STREAM_PAIR, "*2\r\n:1\r\n$1\r\na\r\n", "*2\r\n:1\r\n$1\r\na\r\n", ""},
	    {RESP_STREAM_KEYED, "*2\r\n$1\r\nk\r\n$1\r\na\r\n", "*2\r\n$1\r\nk\r\n$1\r\na\r\n", ""},
	    {RESP_STREAM_FLAT, "$1\r\na\r\n", "$1\r\na\r\n", ""},
	    /* an oversized message is handed over as "" */
	    {RESP_STREAM_PAIR, "*2\r\n$1\r\nk\r\n$9\r\n123456789\r\n", "*2\r\n$1\r\nk\r\n~", "[]"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].bytes);
		for (size_t cut = 1; cut <= len; cut++) {
			struct taken t = {STRBUF_INIT, 0, 0};
			struct resp_stream st = {take, &t, cases[i].shape, 0};
			size_t pieces[2] = {cut, 0};
			char *kept = read_all(cases[i].bytes, len, 8, 1 << 20, &st, pieces, 2);
			ck_assert_msg(strcmp(kept, cases[i].kept) == 0, "%zu cut %zu: %s", i, cut, kept);
			ck_assert_str_eq(t.text.buf != NULL ? t.text.buf : "", cases[i].handed);
			ck_assert_int_eq(st.handed, t.calls);
			free(kept);
			strbuf_free(&t.text);
		}
	}
}
END_TEST

START_TEST(a_refused_string_stops_the_handing_not_the_reading)
{
	const char *s = "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n+OK\r\n";
	struct taken t = {STRBUF_INIT, 2, 0};
	struct resp_stream st = {take, &t, RESP_STREAM_FLAT, 0};
	struct resp_reader r;
	struct resp *reply;
	struct error err = {ERROR_NONE, ""};
	long used;

	resp_reader_init(&r, 100, 1000);
	r.stream = &st;
	used = resp_reader_feed(&r, s, strlen(s), &reply, &err);
	ck_assert_int_eq(used, strlen(s) - 5); /* the whole array, in step for the next reply */
	ck_assert_ptr_nonnull(reply);
	ck_assert(r.stream_failed);
	ck_assert_str_eq(r.stream_error.msg, "refused b");
	ck_assert_int_eq(st.handed, 1);
	ck_assert_str_eq(t.text.buf, "[a]");
	resp_free(reply);
	ck_assert_int_eq(resp_reader_feed(&r, s + used, 5, &reply, &err), 5);
	ck_assert_int_eq(reply->type, RESP_STATUS);
	resp_free(reply);
	strbuf_free(&t.text);
}
END_TEST

/* A child serving one connection on a unix socket: it answers the session's INFO, then writes script in
 * pieces of `piece` bytes, a millisecond apart. */
static pid_t serve(const char *path, const char *script, size_t len, size_t piece)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	if ((pid = fork()) == 0) {
		const char *server = "# Server\r\nredis_version:7.0.15\r\n";
		char sink[4096], info[128];
		int c = accept(l, NULL, NULL);
		snprintf(info, sizeof(info), "$%zu\r\n%s\r\n", strlen(server), server);
		if (c < 0 || read(c, sink, sizeof(sink)) <= 0 || write(c, info, strlen(info)) < 0)
			_exit(1);
		for (size_t at = 0; at < len; at += piece) {
			if (write(c, script + at, len - at < piece ? len - at : piece) < 0)
				_exit(1);
			usleep(1000);
		}
		(void)!read(c, sink, sizeof(sink)); /* until the client closes */
		_exit(0);
	}
	close(l);
	return pid;
}

static void open_served(struct broker *b, struct broker_addr *a, char *path, const char *script, size_t len,
                        size_t piece, pid_t *pid)
{
	struct error err = {ERROR_NONE, ""};
	struct deadline dl = deadline_in(5);

	snprintf(path, 108, "/tmp/test_resp.%d.sock", (int)getpid());
	*pid = serve(path, script, len, piece);
	memset(a, 0, sizeof(*a));
	a->socket = path;
	ck_assert_msg(broker_open(b, a, -1, &dl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(b->version, BROKER_VERSION(7, 0, 15));
}

static void close_served(struct broker *b, const char *path, pid_t pid)
{
	int status;

	broker_close(b);
	waitpid(pid, &status, 0);
	unlink(path);
}

START_TEST(the_broker_layer_streams_a_pop_arriving_in_pieces)
{
	const char *script = "*2\r\n$4\r\nkeyx\r\n*2\r\n$5\r\nfirst\r\n$6\r\nsecond\r\n+OK\r\n";
	const char *ping[1] = {"PING"};
	size_t ping_len[1] = {4};
	struct broker b;
	struct broker_addr a;
	struct taken t = {STRBUF_INIT, 0, 0};
	struct resp_stream st = {take, &t, RESP_STREAM_KEYED, 0};
	struct resp *reply;
	struct error err = {ERROR_NONE, ""};
	struct deadline dl = deadline_in(5);
	char path[108];
	pid_t pid;

	open_served(&b, &a, path, script, strlen(script), (size_t)_i + 1, &pid);
	ck_assert_int_eq(broker_append(&b, 1, ping, ping_len, &err), 0);
	ck_assert_int_eq(broker_append(&b, 1, ping, ping_len, &err), 0);
	ck_assert_msg(broker_read_streamed(&b, &dl, &st, &reply, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(t.text.buf, "[first][second]");
	ck_assert_int_eq(st.handed, 2);
	ck_assert_ptr_null(reply->element[1]->element[0]);
	resp_free(reply);
	ck_assert_int_eq(broker_read(&b, &dl, &reply, &err), 0);
	ck_assert_str_eq(reply->str, "OK");
	ck_assert_int_eq(b.pending, 0);
	resp_free(reply);
	strbuf_free(&t.text);
	close_served(&b, path, pid);
}
END_TEST

START_TEST(the_broker_layer_drops_a_connection_out_of_step)
{
	static const struct {
		const char *script;
		enum error_kind kind;
		const char *says;
	} cases[] = {
	    {"*1\r\n+OK\r\n?garbage\r\n", ERROR_BROKER, "protocol error"},
	    {"*1\r\n$-5\r\n", ERROR_BROKER, "protocol error"},
	    {"*1\r\n", ERROR_CONNECT, "lost"}, /* the server closes halfway */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *ping[1] = {"PING"};
		size_t ping_len[1] = {4};
		struct broker b;
		struct broker_addr a;
		struct resp *reply = NULL;
		struct error err = {ERROR_NONE, ""};
		struct deadline dl = deadline_in(5);
		char path[108];
		pid_t pid;
		int rc;

		open_served(&b, &a, path, cases[i].script, strlen(cases[i].script), 3, &pid);
		if (cases[i].kind == ERROR_CONNECT)
			kill(pid, SIGKILL);
		ck_assert_int_eq(broker_append(&b, 1, ping, ping_len, &err), 0);
		ck_assert_int_eq(broker_append(&b, 1, ping, ping_len, &err), 0);
		rc = broker_read(&b, &dl, &reply, &err);
		if (rc == 0 && cases[i].kind == ERROR_BROKER) { /* the first reply is whole */
			resp_free(reply);
			rc = broker_read(&b, &dl, &reply, &err);
		}
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(reply);
		ck_assert_msg(err.kind == cases[i].kind && strstr(err.msg, cases[i].says) != NULL, "%zu: %s",
		              i, err.msg);
		ck_assert_int_gt(b.pending, 0); /* out of step: reopened before reuse */
		close_served(&b, path, pid);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("resp");
	TCase *tc = tcase_create("resp");

	tcase_add_test(tc, valid_replies_split_at_every_boundary);
	tcase_add_test(tc, a_half_read_reply_stays_half_read);
	tcase_add_test(tc, a_long_status_line_keeps_its_start);
	tcase_add_test(tc, malformed_bytes_are_a_protocol_error);
	tcase_add_test(tc, an_oversized_string_is_skipped_unread);
	tcase_add_test(tc, a_reply_over_the_batch_cap_fails);
	tcase_add_test(tc, a_pops_strings_are_handed_over_as_read);
	tcase_add_test(tc, a_refused_string_stops_the_handing_not_the_reading);
	tcase_add_loop_test(tc, the_broker_layer_streams_a_pop_arriving_in_pieces, 0, 4);
	tcase_add_test(tc, the_broker_layer_drops_a_connection_out_of_step);
	suite_add_tcase(s, tc);
	return s;
}
