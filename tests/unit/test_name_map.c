/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_name_map: names map to their values through growth, duplicates keep the first value, near names
 * (prefixes, one byte apart, empty) stay apart, and clearing forgets. */
#include "unit.h"

#include "name_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANY 5000

START_TEST(every_name_found_after_growth)
{
	static char names[MANY][24];
	struct name_map m = NAME_MAP_INIT;
	size_t v;

	for (size_t i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "celery-v0.12.%zu@host", i);
		ck_assert_int_eq(name_map_put(&m, names[i], i, NULL), 1);
	}
	ck_assert_uint_eq(m.n, MANY);
	ck_assert_uint_ge(m.cap, 2 * MANY); /* at most half full */
	for (size_t i = 0; i < MANY; i++) {
		ck_assert_int_eq(name_map_get(&m, names[i], &v), 1);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_int_eq(name_map_get(&m, "celery-v0.12.5000@host", &v), 0);
	name_map_free(&m);
	ck_assert_ptr_null(m.slots);
}
END_TEST

START_TEST(a_name_put_twice_keeps_its_first_value)
{
	struct name_map m = NAME_MAP_INIT;
	char copy[] = "gpu"; /* the same text at another address */
	size_t v = 99;

	ck_assert_int_eq(name_map_put(&m, "gpu", 1, NULL), 1);
	ck_assert_int_eq(name_map_put(&m, copy, 2, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_int_eq(name_map_get(&m, copy, &v), 1);
	ck_assert_uint_eq(v, 1);
	name_map_free(&m);
}
END_TEST

START_TEST(near_names_stay_apart)
{
	static const char *const names[] = {"",
	                                    "a",
	                                    "ab",
	                                    "abc",
	                                    "b",
	                                    "ba",
	                                    "gpu",
	                                    "gpu ",
	                                    "Gpu",
	                                    "gpu\x01",
	                                    "celery",
	                                    "celery.pidbox",
	                                    "\xc3\xa9t\xc3\xa9"};
	const size_t n = sizeof(names) / sizeof(names[0]);
	struct name_map m = NAME_MAP_INIT;
	size_t v;

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(name_map_put(&m, names[i], i, NULL), 1);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(name_map_get(&m, names[i], &v), 1);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_int_eq(name_map_get(&m, "abcd", NULL), 0);
	ck_assert_int_eq(name_map_get(&m, "GPU", NULL), 0);
	name_map_free(&m);
}
END_TEST

START_TEST(an_empty_map_finds_nothing_and_clearing_forgets)
{
	struct name_map m = NAME_MAP_INIT;

	ck_assert_int_eq(name_map_get(&m, "anything", NULL), 0);
	name_map_clear(&m);
	ck_assert_int_eq(name_map_put(&m, "one", 1, NULL), 1);
	name_map_clear(&m);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(name_map_get(&m, "one", NULL), 0);
	ck_assert_int_eq(name_map_put(&m, "one", 7, NULL), 1);
	name_map_free(&m);
	name_map_free(&m); /* twice is harmless */
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("name_map");
	TCase *tc = tcase_create("name_map");

	tcase_add_test(tc, every_name_found_after_growth);
	tcase_add_test(tc, a_name_put_twice_keeps_its_first_value);
	tcase_add_test(tc, near_names_stay_apart);
	tcase_add_test(tc, an_empty_map_finds_nothing_and_clearing_forgets);
	suite_add_tcase(s, tc);
	return s;
}
