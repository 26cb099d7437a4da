/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_binding: splitting binding members, learning kombu's separator from them, and parsing
 * --transport-option values. */
#include "unit.h"

#include "binding.h"
#include "transport_options.h"

#include <string.h>

/* Learns the separator of the given NUL-terminated members; returns binding_learn_sep's result. */
static int learn(const char *const *members, size_t n, char *sep)
{
	char *m[8];
	size_t lens[8];
	struct error err;

	for (size_t i = 0; i < n; i++) {
		m[i] = (char *)members[i];
		lens[i] = strlen(members[i]);
	}
	strcpy(sep, "unchanged");
	return binding_learn_sep(m, lens, n, sep, &err);
}

START_TEST(members_split_as_kombu_splits_them)
{
	struct binding_fields f;
	const char *m = "celery\x06\x16\x06\x16"
	                "celery";

	ck_assert_int_eq(binding_split(m, strlen(m), KOMBU_SEP, &f), 0);
	ck_assert_uint_eq(f.routing_key_len, 6);
	ck_assert_uint_eq(f.pattern_len, 0);
	ck_assert_uint_eq(f.queue_len, 6);
	ck_assert(memcmp(f.queue, "celery", 6) == 0);
	ck_assert_int_eq(binding_split("celery::celery", 14, ":", &f), 0);
	ck_assert_int_eq(binding_split("::w@h.celery.pidbox", 19, ":", &f), 0);
	ck_assert_uint_eq(f.routing_key_len, 0);
	ck_assert_uint_eq(f.queue_len, 17);
	/* what makes kombu raise ValueError: not exactly three fields */
	ck_assert_int_eq(binding_split(m, strlen(m), ":", &f), -1);
	ck_assert_int_eq(binding_split("a:b", 3, ":", &f), -1);
	ck_assert_int_eq(binding_split("a:b:c:d", 7, ":", &f), -1);
	ck_assert_int_eq(binding_split("", 0, ":", &f), -1);
	ck_assert_int_eq(binding_split("::", 2, ":", &f), 0);
	ck_assert_int_eq(binding_split("abc", 3, "", &f), -1);
}
END_TEST

START_TEST(the_separator_is_learned)
{
	const char *deflt[] = {"celery\x06\x16\x06\x16"
	                       "celery",
	                       "\x06\x16\x06\x16w@h.celery.pidbox"};
	const char *colon[] = {"celery::celery", "::celery-v0.12.0@sep.celery.pidbox", "gpu::gpu"};
	const char *pidbox_only[] = {"::w@h.celery.pidbox"};
	const char *long_sep[] = {"gpu||||gpu", "||||w@h.celery.pidbox"};
	const char *topic[] = {"worker.#::celeryev.1234", "celery::celery"};
	const char *mixed[] = {"celery::celery", "gpu\x06\x16\x06\x16gpu"};
	const char *unknowable[] = {"a:b:c"};
	char sep[KOMBU_SEP_MAX + 1];

	ck_assert_int_eq(learn(deflt, 2, sep), 1);
	ck_assert_str_eq(sep, KOMBU_SEP);
	ck_assert_int_eq(learn(colon, 3, sep), 1);
	ck_assert_str_eq(sep, ":");
	ck_assert_int_eq(learn(pidbox_only, 1, sep), 1);
	ck_assert_str_eq(sep, ":");
	ck_assert_int_eq(learn(long_sep, 2, sep), 1);
	ck_assert_str_eq(sep, "||");
	ck_assert_int_eq(learn(topic, 2, sep), 1);
	ck_assert_str_eq(sep, ":");
	/* nothing to learn from: the separator is left alone */
	ck_assert_int_eq(learn(NULL, 0, sep), 0);
	ck_assert_str_eq(sep, "unchanged");
	/* members that disagree, or whose separator cannot be told: refused */
	ck_assert_int_eq(learn(mixed, 2, sep), -1);
	ck_assert_int_eq(learn(unknowable, 1, sep), -1);
}
END_TEST

/* A worker's pidbox binding whose node name holds the separator (w:1 under ':') reads as SEP SEP QUEUE: the
 * separator is still learned, and the member is told from one that splits in three. */
START_TEST(a_node_name_holding_the_separator)
{
	const char *colon[] = {"celery::celery", "::celery-v0.12.0@w:1.celery.pidbox", "::w@h.celery.pidbox"};
	const char *only[] = {"::a:b:c@h.celery.pidbox"};
	char sep[KOMBU_SEP_MAX + 1];
	struct binding_fields f;

	ck_assert_int_eq(learn(colon, 3, sep), 1);
	ck_assert_str_eq(sep, ":");
	ck_assert_int_eq(learn(only, 1, sep), 1);
	ck_assert_str_eq(sep, ":");
	ck_assert_int_eq(binding_split_bound(colon[1], strlen(colon[1]), ":", &f), 1);
	ck_assert_uint_eq(f.routing_key_len, 0);
	ck_assert_uint_eq(f.pattern_len, 0);
	ck_assert_uint_eq(f.queue_len, strlen("celery-v0.12.0@w:1.celery.pidbox"));
	ck_assert_int_eq(memcmp(f.queue, "celery-v0.12.0@w:1.celery.pidbox", f.queue_len), 0);
	ck_assert_int_eq(binding_split_bound(colon[2], strlen(colon[2]), ":", &f), 0);
	ck_assert_int_eq(binding_split_bound("a:b:c:d", 7, ":", &f), -1); /* a routing key: not that shape */
	ck_assert_int_eq(binding_split("::w:1@h.celery.pidbox", 21, ":", &f), -1);
}
END_TEST

START_TEST(transport_options_parse)
{
	struct kombu_names n;
	struct error err;

	kombu_names_default(&n);
	ck_assert_int_eq(kombu_transport_option(&n, "sep=:", &err), 0);
	ck_assert_str_eq(n.sep, ":");
	ck_assert(n.sep_given);
	ck_assert_int_eq(kombu_transport_option(&n, "sep=\\x06\\x16", &err), 0);
	ck_assert_str_eq(n.sep, KOMBU_SEP);
	ck_assert_int_eq(kombu_transport_option(&n, "sep=a\\\\b", &err), 0);
	ck_assert_str_eq(n.sep, "a\\b");
	ck_assert_int_eq(kombu_transport_option(&n, "priority_steps=[0, 1, 2, 3]", &err), 0);
	ck_assert_int_eq(n.nsteps, 4);
	ck_assert_int_eq(n.steps[3], 3);
	ck_assert_int_eq(kombu_transport_option(&n, "priority_steps=0,3,6,9", &err), 0);
	ck_assert_int_eq(n.steps[2], 6);
	ck_assert_int_eq(kombu_transport_option(&n, "priority_steps=5", &err), 0);
	ck_assert_int_eq(n.nsteps, 1);
	ck_assert_int_eq(kombu_transport_option(&n, "global_keyprefix=pfx:", &err), 0);
	ck_assert_str_eq(n.prefix, "pfx:");
	ck_assert_int_eq(kombu_transport_option(&n, "fanout_prefix=False", &err), 0);
	ck_assert_int_eq(n.fanout_prefix, 0);
	ck_assert_int_eq(kombu_transport_option(&n, "fanout_prefix=yes", &err), 0);
	ck_assert_int_eq(n.fanout_prefix, 1);
	ck_assert_int_eq(kombu_transport_option(&n, "fanout_patterns=0", &err), 0);
	ck_assert_int_eq(n.fanout_patterns, 0);
}
END_TEST

START_TEST(bad_transport_options_name_the_key)
{
	static const struct {
		const char *text, *says;
	} cases[] = {
	    {"sep", "is not KEY=VALUE"},
	    {"sep=", "sep: "},
	    {"sep=\\x0", "sep: "},
	    {"sep=\\x00", "sep: "},
	    {"sep=\\q", "sep: "},
	    {"sep=12345678901234567", "sep: "},
	    {"priority_steps=", "priority_steps: "},
	    {"priority_steps=3,1", "priority_steps: "},
	    {"priority_steps=1,1", "priority_steps: "},
	    {"priority_steps=-1", "priority_steps: "},
	    {"priority_steps=256", "priority_steps: "},
	    {"priority_steps=1,", "priority_steps: "},
	    {"priority_steps=[1,2", "priority_steps: "},
	    {"priority_steps=1 2", "priority_steps: "},
	    {"priority_steps=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "priority_steps: "},
	    {"priority_steps=1x", "priority_steps: "},
	    {"fanout_prefix=maybe", "fanout_prefix: "},
	    {"fanout_patterns=", "fanout_patterns: "},
	    {"visibility_timeout=3600", "unknown key 'visibility_timeout'"},
	    {"=x", "unknown key ''"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kombu_names n;
		struct error err = {ERROR_NONE, ""};
		kombu_names_default(&n);
		ck_assert_msg(kombu_transport_option(&n, cases[i].text, &err) == -1, "%s accepted",
		              cases[i].text);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strstr(err.msg, cases[i].says) != NULL, "%s: %s", cases[i].text, err.msg);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("binding");
	TCase *tc = tcase_create("binding");

	tcase_add_test(tc, members_split_as_kombu_splits_them);
	tcase_add_test(tc, the_separator_is_learned);
	tcase_add_test(tc, a_node_name_holding_the_separator);
	tcase_add_test(tc, transport_options_parse);
	tcase_add_test(tc, bad_transport_options_name_the_key);
	suite_add_tcase(s, tc);
	return s;
}
