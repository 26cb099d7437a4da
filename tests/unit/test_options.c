/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_options: defaults, the environment, conflicts, and every bad value giving a usage error. */
#include "unit.h"

#include "kombu_names.h"

#include "option_sets.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parses a NULL-terminated argument list (argv[0] is added). */
static int parse(struct options *o, const struct option_set *set, struct error *err, const char *const *args)
{
	char *argv[64] = {"check"};
	int argc = 1;

	while (*args != NULL && argc < 63)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return options_parse(o, set, argc, argv, err);
}

static void clear_env(void)
{
	unsetenv("CELERY_BROKER_URL");
	unsetenv("REDISCLI_AUTH");
}

START_TEST(defaults)
{
	struct options o;
	struct error err;
	const char *args[] = {"-e", "0.12.0", NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, args), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.host, "127.0.0.1");
	ck_assert_int_eq(o.addr.port, 6379);
	ck_assert_int_eq(o.addr.db, 0);
	ck_assert_ptr_null(o.addr.password);
	ck_assert_str_eq(o.names->ns, "celery");
	ck_assert_str_eq(o.names->prefix, "");
	ck_assert(o.inspect_timeout == 1.0);
	ck_assert(o.timeout == 10.0);
	ck_assert_int_eq(o.timeout_state, STATE_UNKNOWN);
	ck_assert_str_eq(o.policy.expected, "0.12.0");
	ck_assert(o.incompatible.has_warn && !o.incompatible.has_crit);
	ck_assert_str_eq(o.incompatible.warn.text, "0");
	ck_assert(o.compatible.has_crit && !o.compatible.has_warn);
	ck_assert_str_eq(o.compatible.crit.text, "1:");
	ck_assert(!o.backlog.has_warn && !o.backlog.has_crit);
	options_free(&o);
}
END_TEST

START_TEST(everything_given)
{
	struct options o;
	struct error err;
	const char *args[] = {"-H",
	                      "broker",
	                      "-p",
	                      "6380",
	                      "-n",
	                      "4",
	                      "--prefix",
	                      "pfx:",
	                      "--namespace",
	                      "ctl",
	                      "-T",
	                      "0.25",
	                      "-t",
	                      "5:critical",
	                      "-e",
	                      "1.0",
	                      "-Q",
	                      "gpu,celery",
	                      "-Q",
	                      "celery,io",
	                      "-w",
	                      "1",
	                      "-c",
	                      "2",
	                      "-W",
	                      "3:",
	                      "-C",
	                      "@0",
	                      "-v",
	                      "--json",
	                      "--allow-untagged",
	                      NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, args), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.host, "broker");
	ck_assert_int_eq(o.addr.port, 6380);
	ck_assert_int_eq(o.names->db, 4);
	ck_assert_str_eq(o.names->prefix, "pfx:");
	ck_assert_str_eq(o.names->ns, "ctl");
	ck_assert(o.inspect_timeout == 0.25);
	ck_assert(o.timeout == 5.0);
	ck_assert_int_eq(o.timeout_state, STATE_CRITICAL);
	ck_assert_uint_eq(o.nqueues, 3);
	ck_assert_str_eq(o.queues[0], "gpu");
	ck_assert_str_eq(o.queues[1], "celery");
	ck_assert_str_eq(o.queues[2], "io");
	ck_assert_str_eq(o.incompatible.crit.text, "2");
	ck_assert_str_eq(o.compatible.warn.text, "3:");
	ck_assert(o.verbose && o.json && o.policy.allow_untagged);
	options_free(&o);
}
END_TEST

START_TEST(environment)
{
	struct options o;
	struct error err;
	const char *plain[] = {"-e", "1", NULL};
	const char *with_host[] = {"-e", "1", "-H", "other", NULL};
	const char *rabbit[] = {"-e", "1", "-H", "other", "--broker", "amqp", NULL};

	clear_env();
	setenv("CELERY_BROKER_URL", "redis://:frompass@envhost:7000/3", 1);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, plain), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.host, "envhost");
	ck_assert_int_eq(o.addr.port, 7000);
	ck_assert_int_eq(o.names->db, 3);
	ck_assert_str_eq(o.addr.password, "frompass");
	options_free(&o);
	/* -H wins over the environment's URL */
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, with_host), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.host, "other");
	ck_assert_ptr_null(o.addr.password);
	options_free(&o);
	clear_env();
	setenv("REDISCLI_AUTH", "envpass", 1);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, plain), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.password, "envpass");
	options_free(&o);
	/* Redis's variable is never sent to RabbitMQ: guest/guest, as kombu */
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, rabbit), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.username, "guest");
	ck_assert_str_eq(o.addr.password, "guest");
	options_free(&o);
	clear_env();
}
END_TEST

/* --management-url: RabbitMQ's only; never http:// to another host when TLS protects the broker's
 * password. */
START_TEST(management_url)
{
	struct options o;
	struct error err;
	const char *plain[] = {"-e", "1", "-u", "amqp://rabbit//", "--management-url", "http://rabbit:15672",
	                       NULL};
	const char *tls_http[] = {"-e", "1", "-u", "amqps://rabbit//", "--management-url", "http://rabbit",
	                          NULL};
	const char *tls_local[] = {
	    "-e", "1", "-u", "amqps://rabbit//", "--management-url", "http://127.0.0.1", NULL};
	const char *redis[] = {"-e", "1", "-H", "redis", "--management-url", "http://redis", NULL};
	const char *tls_v6[] = {"-e", "1", "-u", "amqps://rabbit//", "--management-url", "http://[::1]:15672",
	                        NULL};
	const char *tls_lookalike[] = {
	    "-e", "1", "-u", "amqps://rabbit//", "--management-url", "http://127.attacker.example", NULL};
	const char *cacert_https[] = {
	    "-e", "1", "-u", "amqp://rabbit//", "--management-url", "https://rabbit", "--insecure", NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, plain), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.mgmt.host, "rabbit");
	ck_assert_int_eq(o.addr.mgmt.port, 15672);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, tls_http), -1);
	ck_assert_int_eq(err.kind, ERROR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "give https://"));
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, tls_local), OPTIONS_RUN);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, tls_v6), OPTIONS_RUN);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, tls_lookalike),
	                 -1); /* a name, not 127/8 */
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, redis), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--management-url (RabbitMQ only)"));
	options_free(&o);
	/* the TLS options serve an https:// management URL though the broker speaks plain AMQP */
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, cacert_https), OPTIONS_RUN);
	ck_assert_int_eq(o.addr.tls.enabled, 0);
	ck_assert_int_eq(o.addr.tls.verify_peer, 0);
	options_free(&o);
}
END_TEST

START_TEST(password_file)
{
	struct options o;
	struct error err;
	char path[] = "/tmp/pwtestXXXXXX";
	int fd = mkstemp(path);
	const char *args[] = {"-e", "1", "--username", "mon", "--password-file", path, NULL};

	clear_env();
	setenv("REDISCLI_AUTH", "envpass", 1);
	ck_assert(fd >= 0);
	ck_assert(write(fd, "filepass\nsecond line\n", 21) == 21);
	close(fd);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, args), OPTIONS_RUN);
	ck_assert_str_eq(o.addr.password, "filepass");
	ck_assert_str_eq(o.addr.username, "mon");
	options_free(&o);
	unlink(path);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, args), -1);
	ck_assert_int_eq(err.kind, ERROR_USAGE);
	options_free(&o);
	clear_env();
}
END_TEST

START_TEST(help_and_version)
{
	struct options o;
	struct error err;
	const char *help[] = {"-h", NULL};
	const char *version[] = {"--version", NULL};

	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, help), OPTIONS_HELP);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, version), OPTIONS_VERSION);
	options_free(&o);
	ck_assert(strstr(queue_health_options.usage, "--backlog-warning") != NULL);
	ck_assert(strstr(worker_versions_options.usage, "--backlog-warning") == NULL);
}
END_TEST

START_TEST(backlog_only_for_queue_health)
{
	struct options o;
	struct error err;
	const char *args[] = {"-e", "1", "--backlog-warning", "10", "--backlog-critical", "@100:", NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, args), -1);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &queue_health_options, &err, args), OPTIONS_RUN);
	ck_assert_str_eq(o.backlog.warn.text, "10");
	ck_assert_str_eq(o.backlog.crit.text, "@100:");
	options_free(&o);
}
END_TEST

/* Each line: the arguments (tab-separated) of a command line that must be refused. */
static const char *const bad_lines[] = {
    "",
    "-e\t",
    "-e\tbad\x01version",
    "-e\t1\t-u\tredis://h\t-H\th",
    "-e\t1\t-u\tredis://h\t-p\t1",
    "-e\t1\t-s\t/s\t-H\th",
    "-e\t1\t-p\t0",
    "-e\t1\t-p\t65536",
    "-e\t1\t-p\t12ab",
    "-e\t1\t-p\t",
    "-e\t1\t-n\t-1",
    "-e\t1\t-n\tx",
    "-e\t1\t-T\t0",
    "-e\t1\t-T\t-1",
    "-e\t1\t-T\tabc",
    "-e\t1\t-T\t1e3",
    "-e\t1\t-t\t0",
    "-e\t1\t-t\t5:bogus",
    "-e\t1\t-t\t5:",
    "-e\t1\t-t\t:critical",
    "-e\t1\t-t\t100000",
    "-e\t1\t-w\t20:10",
    "-e\t1\t-c\t10abc",
    "-e\t1\t-W\t1:12%",
    "-e\t1\t-C\t~",
    "-e\t1\t-Q\t",
    "-e\t1\t-Q\ta,,b",
    "-e\t1\t-Q\ta,",
    "-e\t1\t--namespace\t",
    "-e\t1\t--bogus",
    "-e\t1\t-x",
    "-e\t1\textra",
    "-e\t1\t-u\tftp://h",
    "-e\t1\t-H\t",
    "-e\t1\t--username",
    "-e\t1\t--password-file\t/nonexistent/file",
    "-e\t1\t--backlog-warning\t5",
    "-H\th",
    "-e\t1\t--username\tmon",
    "-e\t1\t-u\tredis://mon@h",
    "-e\t1\t--transport-option\tvisibility_timeout=1",
    "-e\t1\t--transport-option\tsep",
    "-e\t1\t--transport-option\tpriority_steps=9,3",
    "-e\t1\t--transport-option\tfanout_prefix=nope",
    "-e\t1\t--transport-option\tsep=\x01",
    "-e\t1\t--prefix\ta:\t--transport-option\tglobal_keyprefix=b:",
    "-e\t1\t--exclude-queue\told",
    "-e\t1\t--cacert\t/etc/passwd",
    "-e\t1\t--tls\t--cacert\t/etc/passwd", /* a file, but no certificate in it */
    "-e\t1\t--insecure",
    "-e\t1\t--tls\t--cacert\t/nonexistent.crt",
    "-e\t1\t--tls\t--cacert\t/etc",
    "-e\t1\t--tls\t--capath\t/etc/passwd",
    "-e\t1\t--tls\t--key\t/etc/passwd",
    "-e\t1\t--tls\t--insecure\t--cacert\t/etc/passwd",
    "-e\t1\t--tls\t--sni\t",
    "-e\t1\t--tls\t-s\t/run/redis.sock",
    "-e\t1\t--tls\t--cert\t/dev/null",
    "-e\t1\t-u\trediss://h?ssl_ca_certs=/nonexistent.crt",
    "-e\t1\t-u\trediss://h?ssl_ca_certs=/etc/passwd\t--insecure",
    "-e\t1\t-u\trediss://h?ssl_cert_reqs=none\t--cacert\t/etc/passwd",
    "-e\t1\t-u\tsentinel://h1;sentinel://h2",
    "-e\t1\t--sentinel-master\tm",
    "-e\t1\t--transport-option\tmaster_name=m",
    "-e\t1\t--sentinel-tls",
    "-e\t1\t-u\tsentinel://h1\t--sentinel-master\tm\t--sentinel-tls",
    "-e\t1\t-u\tsentinel://h1\t--sentinel-master\tm\t--transport-option\tmaster_name=n",
    "-e\t1\t-u\tsentinel://h1\t--sentinel-master\tm\t--sentinel-password-file\t/nonexistent",
    "-e\t1\t-u\tsentinel://h1\t--sentinel-master\t",
};

START_TEST(transport_options_and_exclusions)
{
	struct options o;
	struct error err;
	const char *args[] = {"-e",
	                      "1",
	                      "--transport-option",
	                      "sep=:",
	                      "--transport-option",
	                      "priority_steps=0,1,2,3,4,5,6,7,8,9",
	                      "--transport-option",
	                      "fanout_prefix=false",
	                      "--transport-option",
	                      "global_keyprefix=pfx:",
	                      "--prefix",
	                      "pfx:",
	                      "--exclude-queue",
	                      "old*",
	                      "--exclude-queue",
	                      "retired",
	                      NULL};
	const char *plain[] = {"-e", "1", NULL}, *named[] = {"-e", "1", "-Q", "a", NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &queue_health_options, &err, args), OPTIONS_RUN);
	ck_assert_str_eq(o.names->sep, ":");
	ck_assert(o.names->sep_given);
	ck_assert_int_eq(o.names->nsteps, 10);
	ck_assert_int_eq(o.names->fanout_prefix, 0);
	ck_assert_str_eq(o.names->prefix, "pfx:");
	ck_assert_uint_eq(o.nexclude, 2);
	ck_assert_str_eq(o.exclude[1], "retired");
	ck_assert(o.discover);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &queue_health_options, &err, named), OPTIONS_RUN);
	ck_assert(!o.discover);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, plain), OPTIONS_RUN);
	ck_assert(!o.discover);
	ck_assert_str_eq(o.names->sep, "\x06\x16");
	ck_assert(!o.names->sep_given);
	ck_assert_int_eq(o.names->nsteps, 4);
	options_free(&o);
}
END_TEST

/* TLS and Sentinel options land in the address, over what the URL said. */
START_TEST(tls_and_sentinel)
{
	struct options o;
	struct error err;
	const char *tls[] = {"-e",
	                     "1",
	                     "-H",
	                     "10.0.0.1",
	                     "--tls",
	                     "--cacert",
	                     FIXTURE_DIR "/test-ca.crt",
	                     "--sni",
	                     "broker.example",
	                     NULL};
	const char *url[] = {"-e", "1", "-u", "rediss://h:6380/2?ssl_cert_reqs=none", NULL};
	const char *insecure[] = {"-e", "1", "-u", "rediss://h?ssl_check_hostname=false", "--insecure", NULL};
	const char *sentinel[] = {"-e",
	                          "1",
	                          "-u",
	                          "sentinel://:pw@s1/3;sentinel://s2:5",
	                          "--transport-option",
	                          "master_name=mymaster",
	                          "--tls",
	                          "--sentinel-tls",
	                          NULL};

	clear_env();
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, tls), OPTIONS_RUN);
	ck_assert(o.addr.tls.enabled && o.addr.tls.verify_peer && o.addr.tls.verify_host);
	ck_assert_str_eq(o.addr.tls.cacert, FIXTURE_DIR "/test-ca.crt");
	ck_assert_ptr_nonnull(o.addr.tls.ctx); /* the CA file was read before anything connects */
	ck_assert_str_eq(o.addr.tls.sni, "broker.example");
	ck_assert(!o.names->sentinel);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, url), OPTIONS_RUN);
	ck_assert(o.addr.tls.enabled && !o.addr.tls.verify_peer);
	ck_assert_int_eq(o.addr.db, 2);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, insecure), OPTIONS_RUN);
	ck_assert(o.addr.tls.enabled && !o.addr.tls.verify_peer && !o.addr.tls.verify_host);
	options_free(&o);
	ck_assert_int_eq(parse(&o, &worker_versions_options, &err, sentinel), OPTIONS_RUN);
	ck_assert_uint_eq(o.addr.sentinel.n, 2);
	ck_assert_str_eq(o.addr.sentinel.master, "mymaster");
	ck_assert(o.addr.sentinel.tls && o.addr.tls.enabled);
	ck_assert_str_eq(o.addr.password, "pw");
	ck_assert_int_eq(o.names->db, 3);
	ck_assert(o.names->sentinel);
	options_free(&o);
}
END_TEST

START_TEST(bad_command_lines)
{
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		char *copy = strdup(bad_lines[i]), *save = NULL;
		const char *args[32];
		size_t n = 0;
		struct options o;
		struct error err = {ERROR_NONE, ""};

		for (char *tok = strtok_r(copy, "\t", &save); tok != NULL && n < 31;
		     tok = strtok_r(NULL, "\t", &save))
			args[n++] = tok;
		/* a trailing tab stands for an empty last argument */
		if (bad_lines[i][0] != '\0' && bad_lines[i][strlen(bad_lines[i]) - 1] == '\t')
			args[n++] = "";
		args[n] = NULL;
		clear_env();
		ck_assert_msg(parse(&o, &worker_versions_options, &err, args) == -1,
		              "line %zu must be refused", i);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strlen(err.msg) > 5 && strchr(err.msg, '\n') == NULL,
		              "line %zu: one-line reason", i);
		options_free(&o);
		free(copy);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, everything_given);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, password_file);
	tcase_add_test(tc, management_url);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, backlog_only_for_queue_health);
	tcase_add_test(tc, bad_command_lines);
	tcase_add_test(tc, tls_and_sentinel);
	tcase_add_test(tc, transport_options_and_exclusions);
	suite_add_tcase(s, tc);
	return s;
}
