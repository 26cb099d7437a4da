/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_json_utf8: UTF-8 validation and the repair of JSON text holding invalid sequences. */
#include "unit.h"

#include "json_utf8.h"

#include <stdlib.h>
#include <string.h>

START_TEST(valid_sequences_are_measured)
{
	ck_assert_uint_eq(utf8_sequence_length((const unsigned char *)"a", 1), 1);
	ck_assert_uint_eq(utf8_sequence_length((const unsigned char *)"\xc3\xa9", 2), 2);
	ck_assert_uint_eq(utf8_sequence_length((const unsigned char *)"\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(utf8_sequence_length((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	ck_assert_uint_eq(utf8_sequence_length((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
}
END_TEST

START_TEST(invalid_sequences_are_refused)
{
	static const char *const bad[] = {
	    "\x80",             /* a stray continuation byte */
	    "\xc0\xaf",         /* overlong '/' */
	    "\xc1\xbf",         /* overlong */
	    "\xe0\x80\xaf",     /* overlong, 3 bytes */
	    "\xf0\x80\x80\xaf", /* overlong, 4 bytes */
	    "\xed\xa0\x80",     /* a surrogate */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	    "\xf5\x80\x80\x80", /* no such lead byte */
	    "\xff",
	    "\xc3",     /* truncated */
	    "\xe2\x82", /* truncated */
	    "\xc3\x28", /* a lead byte without its continuation */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(utf8_sequence_length((const unsigned char *)bad[i], strlen(bad[i])) == 0,
		              "case %zu", i);
}
END_TEST

START_TEST(json_text_is_repaired)
{
	char *s = json_utf8_repair("{\"w\xff\xc3\xa9@h\": \"\xe2\x82\"}");

	ck_assert_str_eq(s, "{\"w\\ufffd\xc3\xa9@h\": \"\\ufffd\\ufffd\"}");
	free(s);
	s = json_utf8_repair("");
	ck_assert_str_eq(s, "");
	free(s);
	s = json_utf8_repair("{\"ok\": \"\xf0\x9f\x98\x80\"}");
	ck_assert_str_eq(s, "{\"ok\": \"\xf0\x9f\x98\x80\"}");
	free(s);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("json_utf8");
	TCase *tc = tcase_create("json_utf8");

	tcase_add_test(tc, valid_sequences_are_measured);
	tcase_add_test(tc, invalid_sequences_are_refused);
	tcase_add_test(tc, json_text_is_repaired);
	suite_add_tcase(s, tc);
	return s;
}
