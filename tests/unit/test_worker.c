/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_worker: node name parsing (the version policy: test_version_order). */
#include "unit.h"

#include "worker.h"

#include <stdlib.h>
#include <string.h>

static void check_name(const char *node, const char *base, const char *version, const char *host)
{
	struct worker_name wn;
	struct error err;

	ck_assert_int_eq(worker_name_parse(node, &wn, &err), 0);
	ck_assert_str_eq(wn.base, base);
	if (version == NULL)
		ck_assert_msg(wn.version == NULL, "'%s' should be untagged, got '%s'", node, wn.version);
	else
		ck_assert_msg(wn.version != NULL && strcmp(wn.version, version) == 0, "'%s': version", node);
	ck_assert_str_eq(wn.host, host);
	worker_name_free(&wn);
}

START_TEST(reference_names)
{
	check_name("celery-v0.12.0@hostname", "celery", "0.12.0", "hostname");
	check_name("celery@hostname", "celery", NULL, "hostname");
	check_name("main@hostname", "main", NULL, "hostname");
	check_name("celery@46b9a1cf718a", "celery", NULL, "46b9a1cf718a");
	check_name("worker-gpu-v1.2.3-rc1@h", "worker-gpu", "1.2.3-rc1", "h");
	check_name("celery-video@h", "celery-video", NULL, "h");
}
END_TEST

START_TEST(edge_names)
{
	check_name("", "", NULL, "");
	check_name("celery-v1.0", "celery", "1.0", "");
	check_name("a-v1@b@c", "a", "1", "b@c");
	check_name("@host", "", NULL, "host");
	check_name("celery-v@h", "celery-v", NULL, "h");
	check_name("celery-vx1@h", "celery-vx1", NULL, "h");
	check_name("celery-V1@h", "celery-V1", NULL, "h");
	check_name("celery_v1@h", "celery_v1", NULL, "h");
	check_name("-v1@h", "", "1", "h");
	check_name("a-v1-v2@h", "a-v1", "2", "h");
	check_name("a-v2-beta@h", "a", "2-beta", "h");
	check_name("celery-v0.12.0@", "celery", "0.12.0", "");
	check_name("x@h-v1", "x", NULL, "h-v1");
	check_name("celery-v", "celery-v", NULL, "");
}
END_TEST

START_TEST(very_long_name)
{
	size_t n = 100000;
	char *node = malloc(n + 20);
	struct worker_name wn;
	struct error err;

	memset(node, 'a', n);
	strcpy(node + n, "-v9.9@host");
	ck_assert_int_eq(worker_name_parse(node, &wn, &err), 0);
	ck_assert_str_eq(wn.version, "9.9");
	ck_assert_uint_eq(strlen(wn.base), n);
	worker_name_free(&wn);
	free(node);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("worker");

	tcase_add_test(tc, reference_names);
	tcase_add_test(tc, edge_names);
	tcase_add_test(tc, very_long_name);
	suite_add_tcase(s, tc);
	return s;
}
