/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_name_list: "the first five, then N more": the opening, the separators, the budget and the noun. */
#include "unit.h"

#include "name_list.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lists n names w0, w1, ... after prefix into a new string. */
static char *listed(const char *prefix, int n, long long max, int budgeted, const char *noun)
{
	struct strbuf sb = STRBUF_INIT;
	struct name_list l;

	strbuf_puts(&sb, prefix);
	l = name_list_start(&sb, "; silent: ");
	l.max = max;
	l.budgeted = budgeted;
	l.noun = noun;
	for (int i = 0; i < n; i++)
		if (name_list_add(&l))
			strbuf_printf(&sb, "w%d", i);
	name_list_end(&l);
	ck_assert_int_eq(l.named, n);
	return strbuf_detach(&sb);
}

START_TEST(the_first_five_then_n_more)
{
	static const struct {
		int n;
		long long max;
		const char *noun, *says;
	} cases[] = {
	    {0, 5, "", "x"},
	    {1, 5, "", "x; silent: w0"},
	    {5, 5, "", "x; silent: w0, w1, w2, w3, w4"},
	    {7, 5, "", "x; silent: w0, w1, w2, w3, w4 and 2 more"},
	    {3, 1, " queues", "x; silent: w0 and 2 more queues"},
	    {2, 0, "", "x; silent: 2 more"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = listed("x", cases[i].n, cases[i].max, 1, cases[i].noun);
		ck_assert_str_eq(got, cases[i].says);
		free(got);
	}
	ck_assert_int_eq(REPORT_MAX_NAMED, 5);
}
END_TEST

START_TEST(no_name_once_the_summary_is_long)
{
	char prefix[REPORT_NAME_BUDGET + 1], *got;

	memset(prefix, 'x', REPORT_NAME_BUDGET);
	prefix[REPORT_NAME_BUDGET] = '\0';
	got = listed(prefix, 3, 5, 1, "");
	ck_assert_str_eq(got + REPORT_NAME_BUDGET, "; silent: 3 more");
	free(got);
	got = listed(prefix, 3, 5, 0, ""); /* not budgeted: -v's lists */
	ck_assert_str_eq(got + REPORT_NAME_BUDGET, "; silent: w0, w1, w2");
	free(got);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("name_list");
	TCase *tc = tcase_create("name_list");

	tcase_add_test(tc, the_first_five_then_n_more);
	tcase_add_test(tc, no_name_once_the_summary_is_long);
	suite_add_tcase(s, tc);
	return s;
}
