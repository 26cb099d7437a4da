/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_perfdata: label quoting, number formatting and the field layout of perfdata items. */
#include "unit.h"

#include "perfdata.h"

#include <math.h>

static void check_label(const char *label, const char *expected)
{
	struct strbuf sb = STRBUF_INIT;

	perfdata_label(&sb, label);
	ck_assert_str_eq(strbuf_str(&sb), expected);
	strbuf_free(&sb);
}

static void check_number(double v, const char *expected)
{
	struct strbuf sb = STRBUF_INIT;

	perfdata_number(&sb, v);
	ck_assert_str_eq(strbuf_str(&sb), expected);
	strbuf_free(&sb);
}

START_TEST(labels)
{
	check_label("workers", "workers");
	check_label("gpu_compatible", "gpu_compatible");
	check_label("a.b-c:d/e", "a.b-c:d/e");
	check_label("my queue", "'my queue'");
	check_label("it's", "'it''s'");
	check_label("a=b", "'a_b'");
	check_label("a|b", "'a_b'");
	check_label("a\nb", "'a_b'");
	check_label("a;b", "'a;b'");
	check_label("", "''");
	check_label("'", "''''");
}
END_TEST

START_TEST(numbers)
{
	check_number(0, "0");
	check_number(-0.0, "0");
	check_number(3, "3");
	check_number(-7, "-7");
	check_number(0.5, "0.5");
	check_number(0.000123, "0.000123");
	check_number(0.0000001, "0");
	check_number(1234567890123.0, "1234567890123");
	check_number(10, "10");
	check_number(-100, "-100");
	check_number(999999999999999.0, "999999999999999");
	check_number(-999999999999999.0, "-999999999999999");
	check_number(1e15, "1000000000000000");
	check_number(1e20, "100000000000000000000");
	check_number(2.25, "2.25");
	check_number(NAN, "0");
	check_number(INFINITY, "0");
}
END_TEST

START_TEST(items)
{
	struct strbuf sb = STRBUF_INIT;
	struct thresholds t = {0};
	struct error err;
	struct perfdata plain = {"workers", 3, "", NULL, 1, 0, 0, 0};
	struct perfdata thr = {"compatible", 1, "", &t, 1, 0, 0, 0};
	struct perfdata bare = {"x", 1.5, "s", NULL, 0, 0, 0, 0};
	struct perfdata max = {"load", 50, "%", NULL, 1, 1, 0, 100};

	ck_assert_int_eq(range_parse("0", &t.warn, &err), 0);
	ck_assert_int_eq(range_parse("@1:", &t.crit, &err), 0);
	t.has_warn = t.has_crit = 1;
	perfdata_append(&sb, &plain);
	perfdata_append(&sb, &thr);
	perfdata_append(&sb, &bare);
	perfdata_append(&sb, &max);
	ck_assert_str_eq(strbuf_str(&sb), "workers=3;;;0 compatible=1;0;@1:;0 x=1.5s load=50%;;;0;100");
	t.has_warn = 0;
	strbuf_free(&sb);
	perfdata_append(&sb, &thr);
	ck_assert_str_eq(strbuf_str(&sb), "compatible=1;;@1:;0");
	strbuf_free(&sb);
}
END_TEST

START_TEST(clean_text_escapes_what_breaks_output)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_put_clean(&sb, "a|b\nc\\d\x7f"
	                      "e");
	ck_assert_str_eq(strbuf_str(&sb), "a\\x7cb\\x0ac\\x5cd\\x7fe");
	strbuf_free(&sb);
}
END_TEST

START_TEST(clean_text_is_cut_where_no_character_is_split)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_put_clean_most(&sb, "abc", 3); /* as long as allowed: whole, no "..." */
	ck_assert_str_eq(strbuf_str(&sb), "abc");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "abcd", 3);
	ck_assert_str_eq(strbuf_str(&sb), "abc...");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "a|bcd", 2); /* the cut counts the bytes given, escapes come after */
	ck_assert_str_eq(strbuf_str(&sb), "a\\x7c...");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "ab\xc3\xa9z", 3); /* "é" would be split: cut before it */
	ck_assert_str_eq(strbuf_str(&sb), "ab...");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "ab\xc3\xa9z", 4);
	ck_assert_str_eq(strbuf_str(&sb), "ab\xc3\xa9...");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "\xe2\x82\xac\xe2\x82\xac", 2); /* not one whole character fits */
	ck_assert_str_eq(strbuf_str(&sb), "...");
	strbuf_clear(&sb);
	strbuf_put_clean_most(&sb, "", 0);
	ck_assert_str_eq(strbuf_str(&sb), "");
	ck_assert_uint_eq(utf8_cut("ab\xc3\xa9", 100), 4);
	ck_assert_uint_eq(utf8_cut("\x80\x80\x80", 2), 2); /* no UTF-8: cut where it stands */
	ck_assert_uint_eq(utf8_cut("a\x80\x80\x80\x80\x80\x80", 5), 5);
	ck_assert_uint_eq(utf8_cut("abc\xf0\x9f\x98\x80", 6), 3); /* a 4-byte character, three back */
	ck_assert_uint_eq(utf8_cut("abc", (size_t)-1), 3);
	strbuf_free(&sb);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("perfdata");
	TCase *tc = tcase_create("perfdata");

	tcase_add_test(tc, labels);
	tcase_add_test(tc, clean_text_is_cut_where_no_character_is_split);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, items);
	tcase_add_test(tc, clean_text_escapes_what_breaks_output);
	suite_add_tcase(s, tc);
	return s;
}
