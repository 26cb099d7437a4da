/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_version_order: PEP 440's ordering (its specification's examples and semantic versioning's), the
 * spellings it normalizes, the versions refused rather than guessed, and every --accept clause kind. */
#include "unit.h"

#include "version_policy.h"

#include <string.h>

/* Each in ascending order: every pair (i < j) must compare i < j, both ways. */
static const char *const pep440_order[] = {
    /* the ordering example of PEP 440's "Summary of permitted suffixes and relative ordering" */
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0c1.dev456",
    "1.0c1",
    "1.0rc2",
    "1.0c3",
    "1.0",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.1.dev1",
};

static const char *const semver_order[] = {
    /* semver.org's precedence example, but for 1.0.0-alpha.beta, which is refused */
    "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
    "1.0.0-rc.1",  "1.0.0",         "1.0.1",      "1.1.0",        "2.0.0",
};

static const char *const app_order[] = {
    /* what Celery apps tag workers with */
    "0.9",           "0.11.2",       "0.12.0.dev4", "0.12.0rc1", "0.12.0-rc2", "0.12.0",
    "0.12.0+build7", "0.12.0.post1", "0.12.1",      "0.13.0rc1", "0.13.0",     "1!0.1",
};

/* versions of different lengths: a missing release part is 0, so 0.12 < 0.12.1 */
static const char *const length_order[] = {"0.12", "0.12.0.1", "0.12.1", "0.12.1.1", "0.13", "1"};

static const char *const local_order[] = {"1.0",   "1.0+abc", "1.0+abc.5", "1.0+abd",
                                          "1.0+1", "1.0+2",   "1.0+10"};

static int check_order(const char *const *list, size_t n)
{
	int pairs = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			struct version a, b;
			struct error err;
			ck_assert_msg(version_parse(list[i], &a, &err) == 0, "%s: %s", list[i], err.msg);
			ck_assert_msg(version_parse(list[j], &b, &err) == 0, "%s: %s", list[j], err.msg);
			ck_assert_msg(version_cmp(&a, &b) < 0, "%s < %s", list[i], list[j]);
			ck_assert_msg(version_cmp(&b, &a) > 0, "%s > %s", list[j], list[i]);
			pairs++;
		}
	return pairs;
}

START_TEST(ordering)
{
	int pairs = check_order(pep440_order, sizeof(pep440_order) / sizeof(pep440_order[0])) +
	            check_order(semver_order, sizeof(semver_order) / sizeof(semver_order[0])) +
	            check_order(app_order, sizeof(app_order) / sizeof(app_order[0])) +
	            check_order(local_order, sizeof(local_order) / sizeof(local_order[0])) +
	            check_order(length_order, sizeof(length_order) / sizeof(length_order[0]));

	ck_assert_int_ge(pairs, 60);
}
END_TEST

/* Spellings PEP 440 normalizes to one version. */
START_TEST(equal_spellings)
{
	static const char *const same[][2] = {
	    {"1.0", "1.0.0"},
	    {"1.0.0", "1"},
	    {"1.0RC1", "1.0rc1"},
	    {"1.0-rc.1", "1.0rc1"},
	    {"1.0_rc_1", "1.0rc1"},
	    {"1.0.rc1", "1.0rc1"},
	    {"1.0c1", "1.0rc1"},
	    {"1.0pre1", "1.0rc1"},
	    {"1.0preview1", "1.0rc1"},
	    {"1.0alpha2", "1.0a2"},
	    {"1.0-beta", "1.0b0"},
	    {"v1.0", "1.0"},
	    {"V1.0", "1.0"},
	    {"1.0.post", "1.0.post0"},
	    {"1.0-r1", "1.0.post1"},
	    {"1.0rev2", "1.0.post2"},
	    {"01.02", "1.2"},
	    {"1.0-dev3", "1.0.dev3"},
	    {"1.0+Ab-C_1", "1.0+ab.c.1"},
	    {"0!1.0", "1.0"},
	    {"1.0+01", "1.0+1"},
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct version a, b;
		struct error err;
		ck_assert_msg(version_parse(same[i][0], &a, &err) == 0, "%s: %s", same[i][0], err.msg);
		ck_assert_msg(version_parse(same[i][1], &b, &err) == 0, "%s: %s", same[i][1], err.msg);
		ck_assert_msg(version_cmp(&a, &b) == 0, "%s == %s", same[i][0], same[i][1]);
	}
}
END_TEST

START_TEST(refused_rather_than_guessed)
{
	static const char *const bad[] = {
	    "",
	    "abc",
	    "1.0-1",
	    "1.2.3-4",
	    "1.0.x",
	    "1.0-alpha.beta",
	    "1..0",
	    "1.0.",
	    "1.0+",
	    "1.0+a..b",
	    "1.0+a.",
	    "1.0 ",
	    " 1.0",
	    "-1.0",
	    "1.0rc1x",
	    "1.0-",
	    "1.0a1b1",
	    "1!",
	    "!1.0",
	    "1.0+a/b",
	    "deadbeef",
	    "1234567890123456789",
	    "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17",
	    "1.0\xc3\xa9",
	    "v",
	    "1.0.dev1.dev2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct version v;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(version_parse(bad[i], &v, &err) == -1, "'%s' must be refused", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strstr(err.msg, "version '") != NULL, "%s: %s", bad[i], err.msg);
	}
}
END_TEST

struct clause_case {
	const char *accept; /* --accept SPEC, or "-e V" */
	const char *version;
	enum verdict want;
};

/* Every clause kind, PEP 440's exclusive-comparison rules, local labels, text comparison for -e. */
static const struct clause_case clause_cases[] = {
    {"==0.12.0", "0.12.0", VERDICT_COMPATIBLE},
    {"==0.12", "0.12.0", VERDICT_COMPATIBLE},
    {"==0.12.0", "0.12.0+build7", VERDICT_COMPATIBLE},
    {"==0.12.0+build7", "0.12.0", VERDICT_MISMATCH},
    {"==0.12.0+build7", "0.12.0+build7", VERDICT_COMPATIBLE},
    {"==0.12.0", "0.12.1", VERDICT_MISMATCH},
    {"==0.12.0", "0.12.0-deadbeef", VERDICT_MISMATCH},
    {"!=0.12.0", "0.12.1", VERDICT_COMPATIBLE},
    {"!=0.12.0", "0.12.0", VERDICT_MISMATCH},
    {"!=0.12.0", "0.12.0-deadbeef", VERDICT_COMPATIBLE},
    {">=0.12.0", "0.12.0", VERDICT_COMPATIBLE},
    {">=0.12.0", "0.12.0rc1", VERDICT_MISMATCH},
    {">=0.12.0", "1.0", VERDICT_COMPATIBLE},
    {">=0.12.0", "0.11.9", VERDICT_MISMATCH},
    {">=0.12.0", "0.12.0-deadbeef", VERDICT_UNORDERABLE},
    {">0.12.0", "0.12.0", VERDICT_MISMATCH},
    {">0.12.0", "0.12.0.post1", VERDICT_MISMATCH},
    {">0.12.0", "0.12.1", VERDICT_COMPATIBLE},
    {">0.12.0.post1", "0.12.0.post2", VERDICT_COMPATIBLE},
    {"<=0.12.0", "0.12.0", VERDICT_COMPATIBLE},
    {"<=0.12.0", "0.12.1", VERDICT_MISMATCH},
    {"<0.13", "0.12.9", VERDICT_COMPATIBLE},
    {"<0.13", "0.13.0rc1", VERDICT_MISMATCH},
    {"<0.13", "0.13.0.dev1", VERDICT_MISMATCH},
    {"<0.13rc2", "0.13rc1", VERDICT_COMPATIBLE},
    {">=0.12.0,<0.13", "0.12.1", VERDICT_COMPATIBLE},
    {">=0.12.1", "0.12", VERDICT_MISMATCH},
    {">=0.12.1", "0.12.0.9", VERDICT_MISMATCH},
    {">=0.12.1", "0.12.1.0", VERDICT_COMPATIBLE},
    {">0.12", "0.12.0", VERDICT_MISMATCH},
    {">=0.12.0,<0.13", "0.13.0", VERDICT_MISMATCH},
    {">=0.12.0, <0.13", "0.12.0", VERDICT_COMPATIBLE},
    {"~=0.12.0", "0.12.5", VERDICT_COMPATIBLE},
    {"~=0.12.0", "0.13.0", VERDICT_MISMATCH},
    {"~=0.12", "0.13.0", VERDICT_COMPATIBLE},
    {"~=0.12", "1.0", VERDICT_MISMATCH},
    {"~=0.12.1", "0.12.0", VERDICT_MISMATCH},
    {"0.12.*", "0.12.7", VERDICT_COMPATIBLE},
    {"0.12.*", "0.12", VERDICT_COMPATIBLE},
    {"0.12.*", "0.12.0rc1", VERDICT_COMPATIBLE},
    {"0.12.*", "0.13.0", VERDICT_MISMATCH},
    {"0.12.*", "0.1.2", VERDICT_MISMATCH},
    {"==0.12.*", "0.12.3", VERDICT_COMPATIBLE},
    {"!=0.12.*", "0.12.3", VERDICT_MISMATCH},
    {"!=0.12.*", "0.11.3", VERDICT_COMPATIBLE},
    {"0.12.*", "0.12-deadbeef", VERDICT_UNORDERABLE},
    {"-e 0.12.0", "0.12.0", VERDICT_COMPATIBLE},
    {"-e 0.12.0", "0.12", VERDICT_COMPATIBLE},
    {"-e 0.12.0", "0.12.1", VERDICT_MISMATCH},
    {"-e 2024.01-abc", "2024.01-abc", VERDICT_COMPATIBLE},
    {"-e 2024.01-abc", "2024.01-abd", VERDICT_MISMATCH},
    {"-e 0.12.0", NULL, VERDICT_UNTAGGED},
    {"==0.12.0,>=0.12", "weird", VERDICT_MISMATCH}, /* a failing clause decides, whatever the order */
    {">=0.12,==0.12.0", "weird", VERDICT_MISMATCH},
    {">=0.12,<1", "weird", VERDICT_UNORDERABLE},
};

static void make_policy(struct version_policy *p, const char *accept)
{
	struct error err;

	memset(p, 0, sizeof(*p));
	if (strncmp(accept, "-e ", 3) == 0)
		ck_assert_msg(version_policy_expect(p, accept + 3, &err) == 0, "%s: %s", accept, err.msg);
	else
		ck_assert_msg(version_policy_accept(p, accept, &err) == 0, "%s: %s", accept, err.msg);
}

START_TEST(clauses)
{
	for (size_t i = 0; i < sizeof(clause_cases) / sizeof(clause_cases[0]); i++) {
		const struct clause_case *c = &clause_cases[i];
		struct version_policy p;
		make_policy(&p, c->accept);
		ck_assert_msg(version_verdict(&p, c->version) == c->want, "%s with %s: %s, expected %s",
		              c->version, c->accept, verdict_name(version_verdict(&p, c->version)),
		              verdict_name(c->want));
		version_policy_free(&p);
	}
}
END_TEST

START_TEST(any_spec_may_hold_and_words)
{
	struct version_policy p;
	struct strbuf sb = STRBUF_INIT;
	struct error err;

	make_policy(&p, ">=0.12.0,<0.13");
	ck_assert_int_eq(version_policy_accept(&p, "==0.11.2", &err), 0);
	ck_assert_int_eq(version_verdict(&p, "0.11.2"), VERDICT_COMPATIBLE);
	ck_assert_int_eq(version_verdict(&p, "0.12.1"), VERDICT_COMPATIBLE);
	ck_assert_int_eq(version_verdict(&p, "0.11.3"), VERDICT_MISMATCH);
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), ">=0.12.0,<0.13 or ==0.11.2");
	version_policy_free(&p);
	strbuf_free(&sb);

	make_policy(&p, "-e 0.12.0");
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "0.12.0");
	ck_assert_int_eq(version_policy_expect(&p, "0.12.1", &err), -1); /* -e twice */
	version_policy_free(&p);
	strbuf_free(&sb);

	make_policy(&p, "0.12.*");
	p.allow_untagged = 1;
	ck_assert_int_eq(version_verdict(&p, NULL), VERDICT_COMPATIBLE);
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "0.12.*");
	version_policy_free(&p);
	strbuf_free(&sb);
}
END_TEST

START_TEST(newest)
{
	static const char *const answered[] = {"0.11.2", NULL, "0.12.1", "0.13.0rc1", "0.12.0", "x-y"};
	struct version_policy p;
	struct strbuf sb = STRBUF_INIT;
	struct error err;

	make_policy(&p, "-e newest");
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "newest (no tagged worker answered)");
	strbuf_free(&sb);
	ck_assert_int_eq(version_policy_resolve_newest(&p, answered, 6, &err), 0);
	ck_assert_str_eq(p.expected, "0.13.0rc1"); /* a pre-release of 0.13.0 is still newer than 0.12.1 */
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "newest = 0.13.0rc1");
	ck_assert_int_eq(version_verdict(&p, "0.12.1"), VERDICT_MISMATCH);
	ck_assert_int_eq(version_verdict(&p, "0.13.0rc1"), VERDICT_COMPATIBLE);
	strbuf_free(&sb);

	ck_assert_int_eq(version_verdict(&p, "x-y"), VERDICT_UNORDERABLE); /* it may be the newest */
	version_policy_free(&p);

	make_policy(&p, "-e newest");
	ck_assert_int_eq(version_policy_resolve_newest(&p, answered + 5, 1, &err), 0); /* "x-y" alone */
	ck_assert_ptr_null(p.expected);
	version_policy_words(&p, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "newest (no tagged version can be ordered)");
	strbuf_free(&sb);
	version_policy_free(&p);

	make_policy(&p, "-e newest");
	ck_assert_int_eq(version_policy_resolve_newest(&p, answered, 2, &err), 0);
	ck_assert_str_eq(p.expected, "0.11.2");
	version_policy_free(&p);
	make_policy(&p, "-e newest");
	ck_assert_int_eq(version_policy_resolve_newest(&p, answered + 1, 1, &err), 0);
	ck_assert_ptr_null(p.expected);
	ck_assert_int_eq(version_verdict(&p, "0.11.2"), VERDICT_MISMATCH);
	version_policy_free(&p);
}
END_TEST

START_TEST(bad_specs)
{
	static const char *const bad[] = {
	    "",
	    "0.12.0",
	    "=0.12",
	    "=>0.12",
	    "<>0.12",
	    "===0.12",
	    ">=",
	    ">=0.12,",
	    ",>=0.12",
	    ">=0.12,,<1",
	    ">=0.12.*",
	    "~=1",
	    "~=1.*",
	    "0.12rc1.*",
	    ">=1.0+local",
	    ">=0.12.0-deadbeef",
	    "==1.0-1",
	    ".*",
	    "==0.12.0.post1.*",
	    "===1.0",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct version_policy p;
		struct error err = {ERROR_NONE, ""};
		memset(&p, 0, sizeof(p));
		ck_assert_msg(version_policy_accept(&p, bad[i], &err) == -1, "'%s' must be refused", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strncmp(err.msg, "--accept", 8) == 0, "%s: %s", bad[i], err.msg);
		version_policy_free(&p);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("version_order");
	TCase *tc = tcase_create("version_order");

	tcase_add_test(tc, ordering);
	tcase_add_test(tc, equal_spellings);
	tcase_add_test(tc, refused_rather_than_guessed);
	tcase_add_test(tc, clauses);
	tcase_add_test(tc, any_spec_may_hold_and_words);
	tcase_add_test(tc, newest);
	tcase_add_test(tc, bad_specs);
	suite_add_tcase(s, tc);
	return s;
}
