/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_json_scan: the scanner accepts what JSON and Python's json write, refuses every malformed text json-c
 * refuses too, and reads strings, members and elements as json-c does. */
#include "unit.h"

#include "json_scan.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int scans(const char *text, int flags)
{
	struct json_span v;
	struct error err = {ERROR_NONE, ""};
	int rc = json_scan(text, strlen(text), 8, flags, &v, &err);

	if (rc < 0)
		ck_assert_int_eq(err.kind, ERROR_PARSE);
	return rc == 0;
}

/* json-c's strict parse of text into *obj; 1 when it parses whole. */
static int strict(const char *text, json_object **obj)
{
	struct json_tokener *tok = json_tokener_new_ex(8);
	int ok;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*obj = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1); /* the NUL ends a number at the end */
	ok = json_tokener_get_error(tok) == json_tokener_success &&
	     json_tokener_get_parse_end(tok) >= strlen(text);
	json_tokener_free(tok);
	return ok;
}

START_TEST(valid_texts)
{
	static const char *good[] = {
	    "{}",
	    "[]",
	    " { } ",
	    "\t[\n]\r\n",
	    "0",
	    "-0",
	    "1.5",
	    "-1.5e+10",
	    "1E-3",
	    "123456789012345678901234",
	    "\"\"",
	    "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
	    "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
	    "\"\xc3\xa9\"",
	    "true",
	    "false",
	    "null",
	    "[1, \"a\", {\"b\": [null, true, false]}, -2.5e3]",
	    "{\"a\": {\"b\": {\"c\": []}}, \"d\": \"}\", \"e\": \"]\\\"\"}",
	    "[[[[[[[[]]]]]]]]",
	};
	static const char *python[] = {"NaN", "Infinity", "-Infinity", "[NaN, -Infinity]",
	                               "{\"l\": [0.1, Infinity]}"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_object *o;
		ck_assert_msg(scans(good[i], 0), "refused: %s", good[i]);
		ck_assert_msg(strict(good[i], &o), "json-c refuses: %s", good[i]);
		json_object_put(o);
	}
	for (size_t i = 0; i < sizeof(python) / sizeof(python[0]); i++)
		ck_assert_msg(scans(python[i], 0), "refused: %s", python[i]);
}
END_TEST

START_TEST(malformed_texts)
{
	static const char *bad[] = {
	    "",
	    " ",
	    "{",
	    "}",
	    "[",
	    "]",
	    "[1,]",
	    "[,1]",
	    "{,}",
	    "{\"a\":1,}",
	    "{\"a\" 1}",
	    "{\"a\":}",
	    "{a:1}",
	    "{1:1}",
	    "[1 2]",
	    "[1]]",
	    "{}}",
	    "{} {}",
	    "[] x",
	    "01",
	    ".5",
	    "-",
	    "+1",
	    "1e",
	    "1e+",
	    "0x10",
	    "tru",
	    "truex",
	    "nul",
	    "nan",
	    "infinity",
	    "\"abc",
	    "\"a\\\"",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\u12g4\"",
	    "\"\\\"",
	    "[[[[[[[[[]]]]]]]]]",
	    "[\"a\"\x00]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *o;
		ck_assert_msg(!scans(bad[i], 0), "accepted: %s", bad[i]);
		ck_assert_msg(!strict(bad[i], &o), "json-c accepts: %s", bad[i]);
		json_object_put(o);
	}
	/* which json-c takes even when strict, and Python's json.loads refuses */
	ck_assert(!scans("\"a\nb\"", 0));
	ck_assert(!scans("\"a\tb\"", 0));
	ck_assert(!scans("\"\x01\"", 0));
	ck_assert(!scans("{'a':1}", 0));
	ck_assert(!scans("1.", 0));
	ck_assert(!scans("-NaN", 0));
	/* texts given with their length, NUL bytes inside */
	{
		struct json_span v;
		struct error err;
		ck_assert_int_eq(json_scan("[1]\0", 4, 8, 0, &v, &err), -1);
		ck_assert_int_eq(json_scan("\"a\0b\"", 5, 8, 0, &v, &err), -1);
		ck_assert_int_eq(json_scan("[1]", 2, 8, 0, &v, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
	}
	/* NUL escapes only where refused */
	ck_assert(scans("\"a\\u0000b\"", 0));
	ck_assert(!scans("\"a\\u0000b\"", JSON_SCAN_NO_NUL));
	ck_assert(!scans("{\"a\\u0000\": 1}", JSON_SCAN_NO_NUL));
	ck_assert(scans("\"a\\\\u0000b\"", JSON_SCAN_NO_NUL)); /* an escaped backslash, then text */
	{
		struct json_span v;
		struct error err;
		ck_assert_int_eq(json_scan("[\"\\u0000\"]", 10, 8, JSON_SCAN_NO_NUL, &v, &err),
		                 JSON_SCAN_NUL);
		ck_assert_int_eq(json_scan("[\"\\u00\"]", 8, 8, JSON_SCAN_NO_NUL, &v, &err), -1);
		/* a backslash followed by a raw NUL byte is no escape, with or without the NUL refusal */
		ck_assert_int_eq(json_scan("\"a\\\0b\"", 6, 8, 0, &v, &err), -1);
		ck_assert_int_eq(json_scan("\"a\\\0b\"", 6, 8, JSON_SCAN_NO_NUL, &v, &err), -1);
		ck_assert_int_eq(json_scan("{\"k\\\0\": 1}", 10, 8, JSON_SCAN_NO_NUL, &v, &err), -1);
	}
}
END_TEST

/* Each byte at each place of a string, among plain ASCII or among high bytes: refused exactly when it is a
 * control character, a lone backslash or a quote that ends the string early. */
START_TEST(every_byte_at_every_place)
{
	static const unsigned char fillers[] = {'a', 0xe9, 0xff, 0x80};
	char text[24];
	struct json_span v;
	struct error err;

	for (size_t f = 0; f < sizeof(fillers); f++)
		for (size_t at = 0; at < 19; at++)
			for (int b = 1; b < 256; b++) {
				int bad = b < 0x20 || b == '\\' || b == '"';
				text[0] = '"';
				memset(text + 1, fillers[f], 19);
				text[1 + at] = (char)b;
				text[20] = '"';
				ck_assert_msg(json_scan(text, 21, 8, 0, &v, &err) == (bad ? -1 : 0),
				              "byte %#x at %zu among %#x", b, at, fillers[f]);
			}
}
END_TEST

/* Every string decodes to what json-c decodes it to. */
START_TEST(strings_decode_as_json_c)
{
	static const char *strings[] = {
	    "\"\"",
	    "\"plain\"",
	    "\"a\\\"b\"",
	    "\"\\\\\"",
	    "\"\\/\"",
	    "\"\\b\\f\\n\\r\\t\"",
	    "\"\\u0041\"",
	    "\"\\u00e9\"",
	    "\"\\u20ac\"",
	    "\"\\ud83d\\ude00\"",
	    "\"\xe2\x82\xac\"",
	    "\"x\\u0041y\"",
	    "\"\\\\u0041\"",
	    "\"a|b\"",
	    "\"\\u007f\"",
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		struct json_span v;
		struct error err;
		json_object *o;
		char *out = malloc(strlen(strings[i]));

		ck_assert(strict(strings[i], &o));
		ck_assert_int_eq(json_scan(strings[i], strlen(strings[i]), 8, 0, &v, &err), 0);
		ck_assert_int_eq(v.kind, JSON_STRING);
		ck_assert_uint_eq(json_string_decode(&v, out), (size_t)json_object_get_string_len(o));
		ck_assert_str_eq(out, json_object_get_string(o));
		ck_assert(json_string_is(&v, json_object_get_string(o)));
		ck_assert(!json_string_is(&v, "something else"));
		free(out);
		json_object_put(o);
	}
}
END_TEST

START_TEST(lone_surrogates_become_replacement_characters)
{
	struct json_span v;
	struct error err;
	char out[32];
	const char *text = "\"\\ud800x\\udc00\\ud800\\u0041\"";

	ck_assert_int_eq(json_scan(text, strlen(text), 8, 0, &v, &err), 0);
	json_string_decode(&v, out);
	ck_assert_str_eq(out, "\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd"
	                      "A");
}
END_TEST

START_TEST(decoding_where_it_lies)
{
	char text[] = "{\"w\\u00e9\\\"x@h\": [1]}";
	struct json_span v, k, val;
	struct json_cursor c;
	struct error err;

	ck_assert_int_eq(json_scan(text, strlen(text), 8, 0, &v, &err), 0);
	json_cursor_open(&c, &v);
	ck_assert(json_cursor_next(&c, &k, &val));
	ck_assert_uint_eq(json_string_decode(&k, (char *)k.p), 7);
	ck_assert_str_eq(k.p, "w\xc3\xa9\"x@h");
	ck_assert_int_eq(val.kind, JSON_ARRAY);
	ck_assert_uint_eq(val.len, 3);
	ck_assert_int_eq(memcmp(val.p, "[1]", 3), 0);
}
END_TEST

/* Members of an object or elements of an array, by the cursor. */
static size_t count(const struct json_span *container)
{
	struct json_cursor c;
	struct json_span v;
	size_t n = 0;

	json_cursor_open(&c, container);
	while (json_cursor_next(&c, NULL, &v))
		n++;
	return n;
}

START_TEST(members_and_elements)
{
	const char *text =
	    " { \"a\" : 1 , \"b\":\"x,}]\" ,\"c\" : [ {\"d\":[]} , \"e\" , -1.5e3 ,true,false,null ] ,"
	    "\"a\": {\"n\": \"2\"} } ";
	static const enum json_kind kinds[] = {JSON_OBJECT, JSON_STRING, JSON_NUMBER,
	                                       JSON_TRUE,   JSON_FALSE,  JSON_NULL};
	static const char *texts[] = {"{\"d\":[]}", "\"e\"", "-1.5e3", "true", "false", "null"};
	struct json_span v, m, e, n;
	struct json_cursor c;
	struct error err;
	size_t i = 0;

	ck_assert_int_eq(json_scan(text, strlen(text), 8, 0, &v, &err), 0);
	ck_assert_int_eq(v.kind, JSON_OBJECT);
	ck_assert_uint_eq(count(&v), 4);
	ck_assert(json_get(&v, "a", &m)); /* the first "a" */
	ck_assert_int_eq(m.kind, JSON_NUMBER);
	ck_assert_uint_eq(m.len, 1);
	ck_assert(json_get(&v, "c", &m));
	ck_assert(json_get(&m, "d", &n) == 0); /* c is an array: no members by name */
	ck_assert(!json_get(&v, "z", &m));
	ck_assert(!json_get(&v, "", &m));
	ck_assert(json_get(&v, "b", &m));
	ck_assert(json_string_is(&m, "x,}]"));
	ck_assert(json_get(&v, "c", &m));
	ck_assert_int_eq(m.kind, JSON_ARRAY);
	ck_assert_uint_eq(count(&m), 6);
	json_cursor_open(&c, &m);
	while (json_cursor_next(&c, NULL, &e)) {
		ck_assert_int_eq(e.kind, kinds[i]);
		ck_assert_uint_eq(e.len, strlen(texts[i]));
		ck_assert_int_eq(memcmp(e.p, texts[i], e.len), 0);
		i++;
	}
	ck_assert_uint_eq(i, 6);
	json_cursor_open(&c, &(struct json_span){"[]", 2, JSON_ARRAY, NULL});
	ck_assert(!json_cursor_next(&c, NULL, &e));
	ck_assert_uint_eq(count(&(struct json_span){"{ }", 3, JSON_OBJECT, NULL}), 0);
}
END_TEST

/* The root object's members, given by the scan itself: the first JSON_MEMBERS_MAX of them, and their count.
 */
START_TEST(members_while_scanning)
{
	char text[2048] = "{";
	struct json_members m;
	struct json_span v;
	struct error err;

	ck_assert_int_eq(json_scan_members("[{\"a\": 1}]", 10, 8, 0, &v, &m, NULL, &err), 0);
	ck_assert_uint_eq(m.n, 0); /* an array has none */
	ck_assert_int_eq(
	    json_scan_members(" {\"k\" : {\"in\": 1} , \"x\\\"y\":[1,2]} ", 33, 8, 0, &v, &m, NULL, &err), 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert(json_string_is(&m.key[0], "k"));
	ck_assert_int_eq(m.value[0].kind, JSON_OBJECT);
	ck_assert_int_eq(memcmp(m.value[0].p, "{\"in\": 1}", m.value[0].len), 0);
	ck_assert(json_string_is(&m.key[1], "x\"y"));
	ck_assert_uint_eq(m.value[1].len, 5);
	for (int i = 0; i < 20; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\"m%d\": %d", i ? ", " : "", i,
		         i);
	strcat(text, "}");
	ck_assert_int_eq(json_scan_members(text, strlen(text), 8, 0, &v, &m, NULL, &err), 0);
	ck_assert_uint_eq(m.n, 20); /* counted beyond the ones kept */
	ck_assert(json_string_is(&m.key[JSON_MEMBERS_MAX - 1], "m15"));
	ck_assert_int_eq(json_scan_members("{\"a\": 1,}", 9, 8, 0, &v, &m, NULL, &err), -1);
}
END_TEST

/* Walks every container of v, with or without the scan's record of ends, into sb. */
static void walk(const struct json_span *v, const char *base, int with_ends, char *sb, size_t n)
{
	struct json_span copy = *v, k, e;
	struct json_cursor c;

	if (!with_ends)
		copy.ends = NULL;
	snprintf(sb + strlen(sb), n - strlen(sb), "%c", *copy.p);
	if (copy.kind != JSON_ARRAY && copy.kind != JSON_OBJECT)
		return;
	json_cursor_open(&c, &copy);
	while (json_cursor_next(&c, copy.kind == JSON_OBJECT ? &k : NULL, &e)) {
		snprintf(sb + strlen(sb), n - strlen(sb), "(%zu:%zu)", (size_t)(e.p - base), e.len);
		walk(&e, base, with_ends, sb, n);
	}
}

/* The scan records where each container ends, in the order they open; a cursor steps over a container by
 * that record, and finds the same values as by reading it again, past the record's last entry too. */
START_TEST(container_ends_recorded)
{
	const char *text = " [{\"a\": [1, {}]}, [], {\"b\": \"]}\\\"\"}] ";
	char deep[2048] = "[", fast[8192] = "", slow[8192] = "";
	struct json_ends ends;
	struct json_span v;
	struct error err;

	ck_assert_int_eq(json_scan_members(text, strlen(text), 8, 0, &v, NULL, &ends, &err), 0);
	ck_assert_uint_eq(ends.n, 6);
	ck_assert(v.ends == &ends);
	ck_assert_int_eq(ends.open[0] - text, 1);
	ck_assert_int_eq(ends.close[0] - text, (long)strlen(text) - 1);
	ck_assert_int_eq(ends.open[1] - text, 2);
	ck_assert_int_eq(ends.close[1] - text, 16);
	ck_assert_int_eq(ends.open[4] - text, 18);
	ck_assert_int_eq(ends.close[4] - text, 20);
	ck_assert_int_eq(ends.close[5] - text, 35);
	walk(&v, text, 1, fast, sizeof(fast));
	walk(&v, text, 0, slow, sizeof(slow));
	ck_assert_str_eq(fast, slow);
	ck_assert_str_eq(fast, "[(2:14){(8:7)[(9:1)1(12:2){(18:2)[(22:13){(28:6)\"");
	for (int i = 0; i < 100; i++)
		strcat(deep, i % 3 ? "{\"k\": [[]]}, " : "[1, [2]], ");
	strcat(deep, "{}]");
	fast[0] = slow[0] = '\0';
	ck_assert_int_eq(json_scan_members(deep, strlen(deep), 8, 0, &v, NULL, &ends, &err), 0);
	ck_assert_uint_eq(ends.n, JSON_ENDS_MAX);
	walk(&v, deep, 1, fast, sizeof(fast));
	walk(&v, deep, 0, slow, sizeof(slow));
	ck_assert_str_eq(fast, slow);
	ck_assert_int_eq(json_scan_members("[[1], [2", 8, 8, 0, &v, NULL, &ends, &err), -1);
	ck_assert_int_eq(json_scan("[[1]]", 5, 8, 0, &v, &err), 0);
	ck_assert(v.ends == NULL);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("json_scan");
	TCase *tc = tcase_create("json_scan");

	tcase_add_test(tc, valid_texts);
	tcase_add_test(tc, container_ends_recorded);
	tcase_add_test(tc, malformed_texts);
	tcase_add_test(tc, every_byte_at_every_place);
	tcase_add_test(tc, strings_decode_as_json_c);
	tcase_add_test(tc, lone_surrogates_become_replacement_characters);
	tcase_add_test(tc, decoding_where_it_lies);
	tcase_add_test(tc, members_and_elements);
	tcase_add_test(tc, members_while_scanning);
	suite_add_tcase(s, tc);
	return s;
}
