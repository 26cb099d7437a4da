/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_mgmt: RabbitMQ's management API as the checks read it: HTTP answers (lengths, chunks, statuses,
 * garbage), the list of queues (and every malformed one we can think of), path segments. */
#include "unit.h"

#include "mgmt_api.h"
#include "mgmt_http.h"

#include <string.h>

/* Parses text as an answer: the status, or -1 with the error's kind in *kind. */
static int answer(const char *text, struct strbuf *body, enum error_kind *kind)
{
	struct error err = {ERROR_NONE, ""};
	int status = 0;

	strbuf_clear(body);
	if (mgmt_parse_answer(text, strlen(text), &status, body, &err) < 0) {
		*kind = err.kind;
		return -1;
	}
	return status;
}

START_TEST(http_answers)
{
	struct strbuf body = STRBUF_INIT;
	enum error_kind kind = ERROR_NONE;

	ck_assert_int_eq(answer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]trailing", &body, &kind), 200);
	ck_assert_str_eq(strbuf_str(&body), "[]");
	ck_assert_int_eq(
	    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[{}\r\n1;x=y\r\n]\r\n"
	           "0\r\n\r\n",
	           &body, &kind),
	    200);
	ck_assert_str_eq(strbuf_str(&body), "[{}]");
	ck_assert_int_eq(answer("HTTP/1.0 200 OK\r\nServer: x\r\n\r\n[1]", &body, &kind), 200);
	ck_assert_str_eq(strbuf_str(&body), "[1]");
	ck_assert_int_eq(answer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", &body, &kind), 401);
	ck_assert_int_eq(answer("HTTP/1.1 404 Not Found\r\n\r\n", &body, &kind), 404);
	/* not HTTP, cut short, bad chunks, bad lengths */
	static const char *const bad[] = {
	    "",
	    "AMQP\0\0\x09\x01",
	    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
	    "HTTP/1.1 2x0 OK\r\n\r\n",
	    "HTTP/1.1 999 What\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[]",
	    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n[]",
	    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n[]",
	    "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n[]",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[]",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]XX0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n[]\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kind = ERROR_NONE;
		ck_assert_msg(answer(bad[i], &body, &kind) == -1, "accepted bad answer %zu", i);
		ck_assert_int_eq(kind, ERROR_BROKER);
	}
	strbuf_free(&body);
}
END_TEST

START_TEST(queue_lists)
{
	struct mgmt_queues q;
	struct error err;
	const char *list = "[{\"name\":\"gpu\",\"messages_ready\":3,\"messages_unacknowledged\":2,"
	                   "\"consumers\":1,\"exclusive\":false},"
	                   "{\"name\":\"celery@a.celery.pidbox\",\"consumers\":1},"
	                   "{\"name\":\"\",\"consumers\":1},{\"consumers\":4},[1],7,"
	                   "{\"name\":\"fresh\",\"messages_ready\":null,\"consumers\":-3}]";

	ck_assert_int_eq(mgmt_queues_parse(list, strlen(list), &q, &err), 0);
	ck_assert_uint_eq(q.n, 3);
	ck_assert_str_eq(q.v[0].name, "gpu");
	ck_assert_int_eq(q.v[0].ready, 3);
	ck_assert_int_eq(q.v[0].unacked, 2);
	ck_assert_int_eq(q.v[0].consumers, 1);
	ck_assert_int_eq(q.v[1].unacked, -1); /* not given: not known, not 0 */
	ck_assert_int_eq(q.v[0].exclusive, 0);
	ck_assert_str_eq(q.v[2].name, "fresh");
	ck_assert_int_eq(q.v[2].ready, -1);
	ck_assert_int_eq(q.v[2].consumers, -1);
	mgmt_queues_free(&q);
	ck_assert_int_eq(mgmt_queues_parse("[]", 2, &q, &err), 0);
	ck_assert_uint_eq(q.n, 0);
	mgmt_queues_free(&q);
	static const char *const bad[] = {"",     "{}",     "[",     "[{\"name\":\"x\"}",
	                                  "null", "\"[]\"", "[] []", "<html>"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(mgmt_queues_parse(bad[i], strlen(bad[i]), &q, &err) == -1, "accepted %s",
		              bad[i]);
		ck_assert_int_eq(err.kind, ERROR_BROKER);
	}
	/* a name with a NUL in it names no queue we could ask for */
	list = "[{\"name\":\"a\\u0000b\"}]";
	ck_assert_int_eq(mgmt_queues_parse(list, strlen(list), &q, &err), 0);
	ck_assert_uint_eq(q.n, 0);
	mgmt_queues_free(&q);
}
END_TEST

/* The bindings: NODE.NS.pidbox bound to NS.pidbox is a listener; a queue bound to the exchange of its name
 * is a task queue as Celery declares it; anything else bound to NS.pidbox says the list is not whole. */
START_TEST(binding_lists)
{
	struct mgmt_queues q;
	struct error err;
	const char *queues = "[{\"name\":\"gpu\"},{\"name\":\"rpc\",\"exclusive\":true},{\"name\":\"other\"},"
	                     "{\"name\":\"w@h.celery.pidbox\"}]";
	const char *bindings =
	    "[{\"source\":\"\",\"destination\":\"gpu\",\"destination_type\":\"queue\"},"
	    "{\"source\":\"gpu\",\"destination\":\"gpu\",\"destination_type\":\"queue\"},"
	    "{\"source\":\"rpc\",\"destination\":\"rpc\",\"destination_type\":\"queue\"},"
	    "{\"source\":\"tasks\",\"destination\":\"other\",\"destination_type\":\"queue\"},"
	    "{\"source\":\"celery.pidbox\",\"destination\":\"w@h.celery.pidbox\",\"destination_type\":"
	    "\"queue\"},"
	    "{\"source\":\"celery.pidbox\",\"destination\":\"x@h.celery.pidbox\",\"destination_type\":"
	    "\"exchange\"},"
	    "{\"source\":\"other.pidbox\",\"destination\":\"y@h.other.pidbox\",\"destination_type\":"
	    "\"queue\"},"
	    "{\"source\":\"gpu\"},7,null]";

	ck_assert_int_eq(mgmt_queues_parse(queues, strlen(queues), &q, &err), 0);
	ck_assert_int_eq(mgmt_bindings_parse(bindings, strlen(bindings), "celery", &q, &err), 0);
	ck_assert_int_eq(q.v[0].own_exchange, 1);
	ck_assert_int_eq(q.v[1].own_exchange, 1);
	ck_assert_int_eq(q.v[1].exclusive, 1);
	ck_assert_int_eq(q.v[2].own_exchange, 0);
	ck_assert_uint_eq(q.nlisteners, 1);
	ck_assert_str_eq(q.listeners[0], "w@h");
	ck_assert_int_eq(q.odd_listener, 0);
	ck_assert_int_eq(q.truncated, 0);
	mgmt_queues_free(&q);
	/* a queue of another name bound to celery.pidbox: the listeners cannot all be named */
	bindings =
	    "[{\"source\":\"celery.pidbox\",\"destination\":\"custom\",\"destination_type\":\"queue\"}]";
	ck_assert_int_eq(mgmt_queues_parse("[]", 2, &q, &err), 0);
	ck_assert_int_eq(mgmt_bindings_parse(bindings, strlen(bindings), "celery", &q, &err), 0);
	ck_assert_uint_eq(q.nlisteners, 0);
	ck_assert_int_eq(q.odd_listener, 1);
	mgmt_queues_free(&q);
	ck_assert_int_eq(mgmt_queues_parse("[]", 2, &q, &err), 0);
	ck_assert_int_eq(mgmt_bindings_parse("{}", 2, "celery", &q, &err), -1);
	ck_assert_int_eq(err.kind, ERROR_BROKER);
	mgmt_queues_free(&q);
}
END_TEST

START_TEST(path_segments)
{
	struct strbuf sb = STRBUF_INIT;

	mgmt_put_segment(&sb, "/");
	mgmt_put_segment(&sb, "a b/c%d.e_f~g-h");
	ck_assert_str_eq(strbuf_str(&sb), "%2Fa%20b%2Fc%25d.e_f~g-h");
	strbuf_free(&sb);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("mgmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, http_answers);
	tcase_add_test(tc, queue_lists);
	tcase_add_test(tc, binding_lists);
	tcase_add_test(tc, path_segments);
	suite_add_tcase(s, tc);
	return s;
}
