/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_deadline: rounding up as ceil does, for the timeouts sent in whole seconds and milliseconds. */
#include "unit.h"

#include "deadline.h"

START_TEST(round_up_as_ceil)
{
	ck_assert_int_eq(round_up(0), 0);
	ck_assert_int_eq(round_up(0.0001), 1);
	ck_assert_int_eq(round_up(1), 1);
	ck_assert_int_eq(round_up(1.5), 2);
	ck_assert_int_eq(round_up(2.9999999), 3);
	ck_assert_int_eq(round_up(1099511627776.5), 1099511627777LL);
	ck_assert_int_eq(round_up(-0.5), 0);
	ck_assert_int_eq(round_up(-1.5), -1);
}
END_TEST

START_TEST(milliseconds_left_rounded_up)
{
	struct deadline past = deadline_in(-1), soon = deadline_in(0.0004), later = deadline_in(2.5);

	ck_assert_int_eq(deadline_left_ms(&past), 0);
	ck_assert_int_eq(deadline_left_ms(&soon), 1);
	ck_assert_int_ge(deadline_left_ms(&later), 2400);
	ck_assert_int_le(deadline_left_ms(&later), 2500);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("deadline");

	tcase_add_test(tc, round_up_as_ceil);
	tcase_add_test(tc, milliseconds_left_rounded_up);
	suite_add_tcase(s, tc);
	return s;
}
