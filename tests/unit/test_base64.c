/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_base64: RFC 4648 vectors, round trips, and every malformed input. */
#include "unit.h"

#include "base64.h"

#include <stdlib.h>
#include <string.h>

START_TEST(rfc4648_vectors)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

	for (size_t i = 0; i < 7; i++) {
		char *e = base64_encode((const unsigned char *)plain[i], strlen(plain[i]));
		size_t n;
		unsigned char *d = base64_decode(coded[i], strlen(coded[i]), &n);
		ck_assert_str_eq(e, coded[i]);
		ck_assert_ptr_nonnull(d);
		ck_assert_uint_eq(n, strlen(plain[i]));
		ck_assert_mem_eq(d, plain[i], n);
		free(e);
		free(d);
	}
}
END_TEST

START_TEST(padding_is_optional)
{
	size_t n;
	unsigned char *d = base64_decode("Zm8", 3, &n);

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(d, "fo", 2);
	free(d);
}
END_TEST

START_TEST(round_trip_all_bytes)
{
	unsigned char in[300];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(in); len += 13) {
		char *e = base64_encode(in, len);
		size_t n;
		unsigned char *d = base64_decode(e, strlen(e), &n);
		ck_assert_ptr_nonnull(d);
		ck_assert_uint_eq(n, len);
		ck_assert(len == 0 || memcmp(d, in, len) == 0);
		free(e);
		free(d);
	}
}
END_TEST

START_TEST(malformed)
{
	static const char *const bad[] = {"Z",    "Zg=",  "Zg===",    "=Zg=", "Zm9v\n", "Zm 9v", "Zm9v!",
	                                  "Zm9-", "Zm9_", "Zg==Zg==", "Z===", "Zm9vY",  "====",  "Zm=v"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = 99;
		ck_assert_msg(base64_decode(bad[i], strlen(bad[i]), &n) == NULL, "'%s' must be rejected",
		              bad[i]);
	}
}
END_TEST

/* Decoding in place gives what decoding into new memory gives, for every length and every byte at every
 * place of the last quartets, and refuses the same inputs. */
START_TEST(in_place_as_copied)
{
	unsigned char bytes[64], buf[128];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(bytes); n++) {
		char *e = base64_encode(bytes, n);
		size_t len = strlen(e), got, want;
		for (size_t at = len > 5 ? len - 5 : 0; at <= len; at++) {
			for (int c = 0; c < 256; c += (at == len ? 256 : 1)) {
				unsigned char *copied;
				int ok;
				memcpy(buf, e, len);
				if (at < len)
					buf[at] = (unsigned char)c;
				copied = base64_decode((const char *)buf, len, &want);
				ok = base64_decode_in_place(buf, len, &got) == 0;
				ck_assert_int_eq(ok, copied != NULL);
				if (ok) {
					ck_assert_uint_eq(got, want);
					ck_assert_int_eq(memcmp(buf, copied, got), 0);
					ck_assert_int_eq(buf[got], 0);
				}
				free(copied);
			}
		}
		free(e);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("base64");

	tcase_add_test(tc, rfc4648_vectors);
	tcase_add_test(tc, padding_is_optional);
	tcase_add_test(tc, round_trip_all_bytes);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, in_place_as_copied);
	suite_add_tcase(s, tc);
	return s;
}
