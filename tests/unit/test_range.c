/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_range: the Development Guidelines' range table, thresholds, and every malformed range. */
#include "unit.h"

#include "range.h"

#include <string.h>

/* Checks that range s alerts exactly for the listed values. */
static void expect(const char *s, const double *values, const int *alerts, size_t n)
{
	struct range r;
	struct error err;

	ck_assert_msg(range_parse(s, &r, &err) == 0, "'%s' should parse: %s", s, err.msg);
	ck_assert_str_eq(r.text, s);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(range_alerts(&r, values[i]) == alerts[i], "range '%s' value %g: expected %s", s,
		              values[i], alerts[i] ? "alert" : "no alert");
}

START_TEST(plain_number_means_zero_to_n)
{
	const double v[] = {-1, -0.001, 0, 5, 10, 10.001, 11};
	const int a[] = {1, 1, 0, 0, 0, 1, 1};
	expect("10", v, a, 7);
	expect(":10", v, a, 7);
}
END_TEST

START_TEST(open_end)
{
	const double v[] = {-5, 9.999, 10, 1e12};
	const int a[] = {1, 1, 0, 0};
	expect("10:", v, a, 4);
}
END_TEST

START_TEST(tilde_is_minus_infinity_and_endpoint_is_inside)
{
	const double v[] = {-1e12, 0, 10, 10.0001};
	const int a[] = {0, 0, 0, 1};
	expect("~:10", v, a, 4);
}
END_TEST

START_TEST(closed_range)
{
	const double v[] = {9.99, 10, 15, 20, 20.01};
	const int a[] = {1, 0, 0, 0, 1};
	expect("10:20", v, a, 5);
}
END_TEST

START_TEST(at_inverts)
{
	const double v[] = {9.99, 10, 15, 20, 20.01};
	const int a[] = {0, 1, 1, 1, 0};
	expect("@10:20", v, a, 5);
}
END_TEST

START_TEST(negative_and_fractional_bounds_compare_as_numbers)
{
	const double v[] = {-4, -3.5, -2.5, -1.5, -1};
	const int a[] = {1, 0, 0, 0, 1};
	expect("-3.5:-1.5", v, a, 5);
	expect("0.5:2", (const double[]){0.4, 0.5, 2, 2.1}, (const int[]){1, 0, 0, 1}, 4);
	expect("+.5:2.", (const double[]){0.4, 0.5, 2, 2.1}, (const int[]){1, 0, 0, 1}, 4);
}
END_TEST

START_TEST(unbounded_ranges)
{
	const double v[] = {-1e300, 0, 1e300};
	const int never[] = {0, 0, 0}, always[] = {1, 1, 1};
	expect("~:", v, never, 3);
	expect("@~:", v, always, 3);
	expect("0:", (const double[]){-1, 0, 5}, (const int[]){1, 0, 0}, 3);
}
END_TEST

START_TEST(zero_range_is_the_default_warning)
{
	const double v[] = {0, 1, 2};
	const int a[] = {0, 1, 1};
	expect("0", v, a, 3);
}
END_TEST

START_TEST(malformed_ranges_are_errors)
{
	static const char *const bad[] = {
	    "",
	    "@",
	    "~",
	    ":",
	    "@:",
	    "20:10",
	    "10abc",
	    "1:12%",
	    "abc",
	    "1e3",
	    "inf",
	    "nan",
	    "0x10",
	    " 10",
	    "10 ",
	    "~10",
	    "@@1",
	    "--1",
	    "1:2:3",
	    "~:~",
	    "1..2",
	    ".",
	    "-",
	    "+",
	    "1:-",
	    "~:1:",
	    "10%",
	    "10s",
	    "@~",
	    "1,5",
	    "123456789012345678901234567890123456789012345678901234567890123456789"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct range r;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(range_parse(bad[i], &r, &err) == -1, "'%s' must be rejected", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert(strlen(err.msg) > 0);
	}
}
END_TEST

START_TEST(critical_wins_over_warning)
{
	struct thresholds t = {0};
	struct error err;

	ck_assert_int_eq(range_parse("5", &t.warn, &err), 0);
	ck_assert_int_eq(range_parse("10", &t.crit, &err), 0);
	t.has_warn = t.has_crit = 1;
	ck_assert_int_eq(thresholds_state(&t, 3), STATE_OK);
	ck_assert_int_eq(thresholds_state(&t, 5), STATE_OK);
	ck_assert_int_eq(thresholds_state(&t, 6), STATE_WARNING);
	ck_assert_int_eq(thresholds_state(&t, 11), STATE_CRITICAL);
	ck_assert_int_eq(thresholds_state(&t, -1), STATE_CRITICAL);
	t.has_crit = 0;
	ck_assert_int_eq(thresholds_state(&t, 11), STATE_WARNING);
	t.has_warn = 0;
	ck_assert_int_eq(thresholds_state(&t, 11), STATE_OK);
}
END_TEST

START_TEST(worst_state_order)
{
	ck_assert_int_eq(state_worst(STATE_OK, STATE_UNKNOWN), STATE_UNKNOWN);
	ck_assert_int_eq(state_worst(STATE_UNKNOWN, STATE_WARNING), STATE_WARNING);
	ck_assert_int_eq(state_worst(STATE_CRITICAL, STATE_UNKNOWN), STATE_CRITICAL);
	ck_assert_int_eq(state_worst(STATE_WARNING, STATE_CRITICAL), STATE_CRITICAL);
	ck_assert_int_eq(state_worst(STATE_OK, STATE_OK), STATE_OK);
}
END_TEST

START_TEST(state_names_parse)
{
	enum state s;

	ck_assert_int_eq(state_parse("critical", &s), 0);
	ck_assert_int_eq(s, STATE_CRITICAL);
	ck_assert_int_eq(state_parse("WARNING", &s), 0);
	ck_assert_int_eq(s, STATE_WARNING);
	ck_assert_int_eq(state_parse("0", &s), 0);
	ck_assert_int_eq(s, STATE_OK);
	ck_assert_int_eq(state_parse("4", &s), -1);
	ck_assert_int_eq(state_parse("", &s), -1);
	ck_assert_int_eq(state_parse("crit", &s), -1);
	ck_assert_str_eq(state_name(STATE_UNKNOWN), "UNKNOWN");
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("range");

	tcase_add_test(tc, plain_number_means_zero_to_n);
	tcase_add_test(tc, open_end);
	tcase_add_test(tc, tilde_is_minus_infinity_and_endpoint_is_inside);
	tcase_add_test(tc, closed_range);
	tcase_add_test(tc, at_inverts);
	tcase_add_test(tc, negative_and_fractional_bounds_compare_as_numbers);
	tcase_add_test(tc, unbounded_ranges);
	tcase_add_test(tc, zero_range_is_the_default_warning);
	tcase_add_test(tc, malformed_ranges_are_errors);
	tcase_add_test(tc, critical_wins_over_warning);
	tcase_add_test(tc, worst_state_order);
	tcase_add_test(tc, state_names_parse);
	suite_add_tcase(s, tc);
	return s;
}
