/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_broker_url: Celery broker URLs, good and bad; passwords never appear in messages. */
#include "unit.h"

#include "broker_url.h"

#include <stdlib.h>
#include <string.h>

struct good_url {
	const char *url;
	const char *host, *socket, *user, *password;
	int port;
	long db;
};

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

START_TEST(good_urls)
{
	static const struct good_url cases[] = {
	    {"redis://", "127.0.0.1", NULL, NULL, NULL, 6379, 0},
	    {"redis://broker", "broker", NULL, NULL, NULL, 6379, 0},
	    {"redis://broker:6380", "broker", NULL, NULL, NULL, 6380, 0},
	    {"redis://broker:6380/5", "broker", NULL, NULL, NULL, 6380, 5},
	    {"redis://broker/", "broker", NULL, NULL, NULL, 6379, 0},
	    {"redis://:secret@broker/2", "broker", NULL, NULL, "secret", 6379, 2},
	    {"redis://alice:secret@broker:1/3", "broker", NULL, "alice", "secret", 1, 3},
	    {"redis://alice@broker", "broker", NULL, "alice", NULL, 6379, 0},
	    {"redis://:p%40ss%3Aw@broker", "broker", NULL, NULL, "p@ss:w", 6379, 0},
	    {"redis://:p@ss@broker", "broker", NULL, NULL, "p@ss", 6379, 0},
	    {"redis://[::1]:6390/4", "::1", NULL, NULL, NULL, 6390, 4},
	    {"redis://[::1]", "::1", NULL, NULL, NULL, 6379, 0},
	    {"redis://broker/1?virtual_host=7", "broker", NULL, NULL, NULL, 6379, 7},
	    {"redis://broker?socket_timeout=3", "broker", NULL, NULL, NULL, 6379, 0},
	    {"redis+socket:///run/redis.sock", NULL, "/run/redis.sock", NULL, NULL, 6379, 0},
	    {"redis+socket:///run/redis.sock?virtual_host=3", NULL, "/run/redis.sock", NULL, NULL, 6379, 3},
	    {"redis+socket://:pw@/run/r.sock", NULL, "/run/r.sock", NULL, "pw", 6379, 0},
	    {"socket:///tmp/r.sock", NULL, "/tmp/r.sock", NULL, NULL, 6379, 0},
	    {"unix:///tmp/r.sock?db=2", NULL, "/tmp/r.sock", NULL, NULL, 6379, 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct good_url *c = &cases[i];
		struct broker_addr a;
		struct error err;
		ck_assert_msg(broker_url_parse(c->url, &a, &err) == 0, "%s: %s", c->url, err.msg);
		ck_assert_msg(same(a.host, c->host), "%s: host '%s'", c->url, a.host);
		ck_assert_msg(same(a.socket, c->socket), "%s: socket", c->url);
		ck_assert_msg(same(a.username, c->user), "%s: user", c->url);
		ck_assert_msg(same(a.password, c->password), "%s: password", c->url);
		ck_assert_msg(a.port == c->port, "%s: port %d", c->url, a.port);
		ck_assert_msg(a.db == c->db, "%s: db %ld", c->url, a.db);
		broker_addr_free(&a);
	}
}
END_TEST

START_TEST(bad_urls_never_echo_the_password)
{
	static const char *const bad[] = {
	    "rediss://:secret@b?ssl_cert_reqs=maybe",
	    "rediss://:secret@b?ssl_certs=/x",
	    "rediss://:secret@b?ssl_ca_certs=",
	    "rediss://:secret@b?ssl_ca_certs=%zz",
	    "rediss://:secret@b?ssl_check_hostname=yes",
	    "sentinel://:secret@h:26379;redis://h2",
	    "sentinel://:secret@h:26379;",
	    "sentinel://:secret@h:26379;;sentinel://h3",
	    "sentinel://:secret@h:0",
	    "sentinel://:secret@h?ssl_cert_reqs=none",
	    "sentinel://:secret@h/x",
	    "http://:secret@broker",
	    "redis://:secret@broker:0",
	    "redis://:secret@broker:65536",
	    "redis://:secret@broker:abc",
	    "redis://:secret@broker:",
	    "redis://:secret@broker/abc",
	    "redis://:secret@broker/-1",
	    "redis://:secret@[::1",
	    "redis://:secret@[::1]x",
	    "redis+socket://:secret@",
	    "redis+socket://host/x?secret",
	    "redis://:%zzsecret@broker",
	    "redis://:secret%00@broker",
	    "redis://:secret@broker?ssl_cert_reqs=none",
	    "redis://:secret@b?virtual_host=x",
	    "redis://:sec ret@broker",
	    "",
	    "secret",
	    "redis://:secret@broker/99999999999999999999",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct broker_addr a;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(broker_url_parse(bad[i], &a, &err) == -1, "'%s' must be rejected", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strstr(err.msg, "secret") == NULL, "message leaks the password: %s", err.msg);
		ck_assert_ptr_null(a.host);
		ck_assert_ptr_null(a.password);
	}
}
END_TEST

/* amqp:// and pyamqp:// as kombu reads them: guest:guest and the vhost "/" unless given, "//" is "/". */
START_TEST(amqp_urls)
{
	struct broker_addr a;
	struct error err;
	static const struct {
		const char *url, *host, *vhost, *user, *password;
		int port;
	} cases[] = {
	    {"amqp://", "127.0.0.1", "/", "guest", "guest", 5672},
	    {"amqp://guest@localhost//", "localhost", "/", "guest", "guest", 5672},
	    {"amqp://guest:guest@localhost:5672//", "localhost", "/", "guest", "guest", 5672},
	    {"amqp://u:p@rabbit:5673/prod", "rabbit", "prod", "u", "p", 5673},
	    {"pyamqp://u:p%40ss@rabbit/%2f", "rabbit", "/", "u", "p@ss", 5672},
	    {"amqp://rabbit/a%2Fb?heartbeat=10", "rabbit", "a/b", "guest", "guest", 5672},
	    {"amqp://[::1]:5674/", "::1", "/", "guest", "guest", 5674},
	    {"amqp://alice@rabbit", "rabbit", "/", "alice", "guest", 5672},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct broker_addr a;
		struct error err;
		ck_assert_msg(broker_url_parse(cases[i].url, &a, &err) == 0, "%s: %s", cases[i].url, err.msg);
		ck_assert_int_eq(a.kind, BROKER_AMQP);
		ck_assert_str_eq(a.host, cases[i].host);
		ck_assert_str_eq(a.vhost, cases[i].vhost);
		ck_assert_str_eq(a.username, cases[i].user);
		ck_assert_str_eq(a.password, cases[i].password);
		ck_assert_int_eq(a.port, cases[i].port);
		ck_assert_ptr_null(a.socket);
		ck_assert_int_eq(a.tls.enabled, 0);
		broker_addr_free(&a);
	}
	ck_assert_int_eq(broker_url_parse("amqps://u:p@rabbit/prod", &a, &err), 0);
	ck_assert_int_eq(a.tls.enabled, 1);
	ck_assert_int_eq(a.tls.verify_peer, 1);
	ck_assert_int_eq(a.tls.verify_host, 1);
	ck_assert_int_eq(a.port, 5671);
	ck_assert_str_eq(a.vhost, "prod");
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("amqps://rabbit:5999//", &a, &err), 0);
	ck_assert_int_eq(a.port, 5999);
	broker_addr_free(&a);
}
END_TEST

/* --management-url: http or https, the port defaulted, the path kept without its trailing slash. */
START_TEST(management_urls)
{
	static const struct {
		const char *url, *host, *path;
		int port, tls;
	} cases[] = {
	    {"http://rabbit", "rabbit", "", 15672, 0},
	    {"http://rabbit:8080/", "rabbit", "", 8080, 0},
	    {"https://rabbit/rabbitmq//", "rabbit", "/rabbitmq", 15671, 1},
	    {"http://[::1]:15672/x?y", "::1", "/x", 15672, 0},
	};
	static const char *const bad[] = {
	    "rabbit:15672",    "ftp://rabbit",        "http://",     "http://u:secret@rabbit",
	    "http://rabbit:0", "http://rabbit:99999", "http://[::1", "amqp://h"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mgmt_addr m = {0};
		struct error err;
		ck_assert_msg(mgmt_url_parse(cases[i].url, &m, &err) == 0, "%s: %s", cases[i].url, err.msg);
		ck_assert_str_eq(m.host, cases[i].host);
		ck_assert_str_eq(m.path, cases[i].path);
		ck_assert_int_eq(m.port, cases[i].port);
		ck_assert_int_eq(m.tls, cases[i].tls);
		free(m.host);
		free(m.path);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mgmt_addr m = {0};
		struct error err;
		ck_assert_msg(mgmt_url_parse(bad[i], &m, &err) == -1, "accepted %s", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_ptr_null(strstr(err.msg, "secret"));
		free(m.host);
		free(m.path);
	}
}
END_TEST

START_TEST(bad_amqp_urls_never_echo_the_password)
{
	static const char *const bad[] = {
	    "amqp://u:secret@h:0//",  "amqp://u:secret@h:99999//", "amqp://u:secret@[::1//",
	    "amqp://u:%zzsecret@h//", "amqp://u:secret@h/%zz",     "amqp://u:secret@h/a%00b",
	    "amqps://u:secret@h:0//", "amqp+ssl://u:secret@h//",   "pyamqp://u:secret@h:x//",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct broker_addr a;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(broker_url_parse(bad[i], &a, &err) == -1, "'%s' must be rejected", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strstr(err.msg, "secret") == NULL, "message leaks the password: %s", err.msg);
	}
}
END_TEST

/* rediss:// and its ssl_* keys as Celery's broker_use_ssl and redis-py name them. */
START_TEST(tls_urls)
{
	struct broker_addr a;
	struct error err;

	ck_assert_int_eq(broker_url_parse("redis://broker", &a, &err), 0);
	ck_assert_int_eq(a.tls.enabled, 0);
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("rediss://:pw@broker:6380/1", &a, &err), 0);
	ck_assert_int_eq(a.tls.enabled, 1);
	ck_assert_int_eq(a.tls.verify_peer, 1);
	ck_assert_int_eq(a.tls.verify_host, 1);
	ck_assert_int_eq(a.port, 6380);
	ck_assert_int_eq(a.db, 1);
	ck_assert_str_eq(a.password, "pw");
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("rediss://b?ssl_cert_reqs=CERT_NONE", &a, &err), 0);
	ck_assert_int_eq(a.tls.verify_peer, 0); /* the host is checked only when the peer is */
	broker_addr_free(&a);
	ck_assert_int_eq(
	    broker_url_parse("rediss://b?ssl_check_hostname=false&ssl_cert_reqs=required", &a, &err), 0);
	ck_assert_int_eq(a.tls.verify_peer, 1);
	ck_assert_int_eq(a.tls.verify_host, 0); /* whatever the order of the keys */
	broker_addr_free(&a);
	ck_assert_int_eq(
	    broker_url_parse("rediss://b?ssl_cert_reqs=optional&ssl_check_hostname=false", &a, &err), 0);
	ck_assert_int_eq(a.tls.verify_peer, 1);
	ck_assert_int_eq(a.tls.verify_host, 0);
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("rediss://b?ssl_cert_reqs=required&ssl_ca_certs=%2Fetc%2Fca.pem"
	                                  "&ssl_certfile=/c.pem&ssl_keyfile=/k.pem&virtual_host=3",
	                                  &a, &err),
	                 0);
	ck_assert_str_eq(a.tls.cacert, "/etc/ca.pem");
	ck_assert_str_eq(a.tls.cert, "/c.pem");
	ck_assert_str_eq(a.tls.key, "/k.pem");
	ck_assert_int_eq(a.db, 3);
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("redis://b?ssl_cert_reqs=none", &a, &err), -1);
	ck_assert_msg(strstr(err.msg, "rediss://") != NULL, "%s", err.msg);
}
END_TEST

/* sentinel://h1;sentinel://h2/DB: every sentinel in order, 26379 by default; the password, user and db of
 * the first URL, as kombu reads them (the others only add sentinels). */
START_TEST(sentinel_urls)
{
	struct broker_addr a;
	struct error err;
	char buf[128];

	ck_assert_int_eq(
	    broker_url_parse("sentinel://:pw@s1:26380/4;sentinel://s2;sentinel://[::1]:7/5", &a, &err), 0);
	ck_assert_uint_eq(a.sentinel.n, 3);
	ck_assert_str_eq(a.sentinel.at[0].host, "s1");
	ck_assert_int_eq(a.sentinel.at[0].port, 26380);
	ck_assert_str_eq(a.sentinel.at[1].host, "s2");
	ck_assert_int_eq(a.sentinel.at[1].port, 26379);
	ck_assert_str_eq(a.sentinel.at[2].host, "::1");
	ck_assert_int_eq(a.sentinel.at[2].port, 7);
	ck_assert_str_eq(a.password, "pw");
	ck_assert_int_eq(a.db, 4);
	ck_assert_ptr_null(a.host);
	ck_assert_int_eq(a.tls.enabled, 0);
	broker_addr_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sentinel master ?/4");
	broker_hostport(a.sentinel.at[2].host, a.sentinel.at[2].port, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[::1]:7");
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("sentinel://u:pw@s1/2;sentinel://:other@s2/5", &a, &err), 0);
	ck_assert_str_eq(a.username, "u");
	ck_assert_str_eq(a.password, "pw");
	ck_assert_int_eq(a.db, 2);
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("sentinel://s1/0;sentinel://:other@s2/4", &a, &err), 0);
	ck_assert_ptr_null(a.password); /* the first URL's: none */
	ck_assert_int_eq(a.db, 0);
	broker_addr_free(&a);
}
END_TEST

START_TEST(describe_omits_password)
{
	struct broker_addr a;
	struct error err;
	char buf[128];

	ck_assert_int_eq(broker_url_parse("redis://u:secret@broker:6380/2", &a, &err), 0);
	broker_addr_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "broker:6380/2");
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("redis://[::1]:7", &a, &err), 0);
	broker_addr_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[::1]:7/0");
	broker_addr_free(&a);
	ck_assert_int_eq(broker_url_parse("unix:///r.sock?db=1", &a, &err), 0);
	broker_addr_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "unix:/r.sock/1");
	broker_addr_free(&a);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("broker_url");
	TCase *tc = tcase_create("broker_url");

	tcase_add_test(tc, good_urls);
	tcase_add_test(tc, bad_urls_never_echo_the_password);
	tcase_add_test(tc, tls_urls);
	tcase_add_test(tc, amqp_urls);
	tcase_add_test(tc, management_urls);
	tcase_add_test(tc, bad_amqp_urls_never_echo_the_password);
	tcase_add_test(tc, sentinel_urls);
	tcase_add_test(tc, describe_omits_password);
	suite_add_tcase(s, tc);
	return s;
}
