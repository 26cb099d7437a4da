/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_state_file: the lines written are those "%s\t%.3f\n" writes (for times not halfway between two
 * milliseconds), in node order, and read back to the
 * millisecond; the newest are kept past the cap; damaged, stale and future lines are dropped on reading;
 * what another check wrote meanwhile is merged. */
#include "unit.h"

#include "state_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_state_file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/check_celery/x.state", dir);
}

static void teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *p)
{
	static char buf[4096];
	FILE *f = fopen(p, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The whole file, malloc'ed. */
static char *slurp_all(const char *p)
{
	FILE *f = fopen(p, "r");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(lines_to_the_millisecond)
{
	double now = (double)time(NULL) - 3600;
	const double offsets[] = {0, 0.25, 0.999, 0.0001, 0.0996, 12.5, 1800.042};
	const size_t n = sizeof(offsets) / sizeof(offsets[0]);
	char expected[4096] = "", node[32];
	struct seen_file s;
	struct deadline dl = deadline_in(5);
	struct error err;

	state_load(&s, path);
	for (size_t i = 0; i < n; i++) {
		snprintf(node, sizeof(node), "celery-v0.%zu@h", i);
		ck_assert_int_eq(state_record(&s, node, now + offsets[i], &err), 0);
	}
	ck_assert_int_eq(state_save(&s, &dl, &err), 0);
	state_free(&s);
	{
		const size_t order[] = {0, 1, 2, 3, 4, 5, 6};
		for (size_t k = 0; k < n; k++)
			snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
			         "celery-v0.%zu@h\t%.3f\n", order[k], now + offsets[order[k]]);
	}
	ck_assert_str_eq(slurp(path), expected);
	state_load(&s, path);
	for (size_t i = 0; i < n; i++) {
		snprintf(node, sizeof(node), "celery-v0.%zu@h", i);
		ck_assert_double_eq_tol(state_last_seen(&s, node), now + offsets[i], 0.0006);
	}
	ck_assert_double_eq(state_last_seen(&s, "celery@elsewhere"), 0);
	state_free(&s);
}
END_TEST

START_TEST(damaged_stale_and_future_lines_dropped)
{
	double now = (double)time(NULL);
	FILE *f;
	struct seen_file s;
	struct deadline dl = deadline_in(5);
	struct error err;

	state_load(&s, path);
	ck_assert_int_eq(state_record(&s, "celery@kept", now - 60, &err), 0);
	ck_assert_int_eq(state_save(&s, &dl, &err), 0); /* makes the directory */
	state_free(&s);
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "celery@stale\t%.3f\n", now - STATE_MAX_AGE - 60);
	fprintf(f, "celery@future\t%.3f\n", now + 2 * 86400);
	fprintf(f, "celery@words\tyesterday\n");
	fprintf(f, "celery@negative\t-5.000\n");
	fprintf(f, "\t%.3f\n", now);
	fprintf(f, "celery@cut\t%.1f", now);
	fclose(f);
	state_load(&s, path);
	ck_assert_double_eq_tol(state_last_seen(&s, "celery@kept"), now - 60, 0.0006);
	ck_assert_double_eq(state_last_seen(&s, "celery@stale"), 0);
	ck_assert_double_eq(state_last_seen(&s, "celery@future"), 0);
	ck_assert_double_eq(state_last_seen(&s, "celery@words"), 0);
	ck_assert_double_eq(state_last_seen(&s, "celery@negative"), 0);
	ck_assert_double_eq(state_last_seen(&s, "celery@cut"), 0);
	ck_assert_uint_eq(s.n, 1);
	state_free(&s);
}
END_TEST

/* The records that start with a tab: the keyspace walk and the consumed queues are written and read back;
 * lines a hostile or broken writer left (bad hex, an escaped NUL, a cursor past 64 bits, an unknown kind, a
 * name too long, a stale queue) are skipped, and the node entries beside them still read. */
START_TEST(records_written_read_and_damaged_ones_skipped)
{
	double now = (double)time(NULL);
	char *const exchanges[] = {"celery", "gpu\x06q", "reports"};
	struct seen_file s;
	struct deadline dl = deadline_in(5);
	struct error err;
	FILE *f;
	char longname[521];

	state_load(&s, path);
	ck_assert_int_eq(state_note_bindings(&s, 12345, 1, exchanges, 3, &err), 0);
	ck_assert_int_eq(state_note_queue(&s, "gpu", now - 30, &err), 0);
	ck_assert_int_eq(state_note_queue(&s, "gpu", now - 90, &err), 0); /* the newest time stays */
	ck_assert_int_eq(state_record(&s, "celery@kept", now - 60, &err), 0);
	ck_assert_int_eq(state_save(&s, &dl, &err), 0);
	state_free(&s);
	ck_assert_msg(strstr(slurp(path), "\tcursor\t12345\n\twalked\n\tbinding\t63656c657279\n"
	                                  "\tbinding\t6770750671\n") != NULL,
	              "%s", slurp(path));
	state_load(&s, path);
	ck_assert_uint_eq(s.cursor, 12345);
	ck_assert_int_eq(s.walked, 1);
	ck_assert_uint_eq(s.nexchanges, 3);
	ck_assert_str_eq(s.exchanges[1], "gpu\x06q");
	ck_assert_uint_eq(s.nqueues, 1);
	ck_assert_str_eq(s.queues[0].node, "gpu");
	ck_assert_double_eq_tol(s.queues[0].at, now - 30, 0.0006);
	state_free(&s);

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "\tcursor\t99999999999999999999999\n\tcursor\t12x\n"); /* past 64 bits, not a number */
	fprintf(f, "\tbinding\t6100\n\tbinding\t%.*s\n", 520, longname);  /* NUL, longer than a name */
	fprintf(f, "\tbinding\t6\n\tbinding\tzz\n\tbinding\t\n");         /* odd, not hex, empty */
	fprintf(f, "\tqueue\t%.3f\t6f6c64\n", now - STATE_MAX_AGE - 60);  /* too old */
	fprintf(f, "\tqueue\tyesterday\t6f6c64\n\tqueue\t%.3f\n", now);   /* not a time, no name */
	fprintf(f, "\tfuture\tkind\n\t\t\n\twalked\tno\n");
	fprintf(f, "celery@kept\t%.3f\n", now - 60);
	fprintf(f, "\tbinding\t6b\n"); /* a good one, after the bad ones */
	fclose(f);
	state_load(&s, path);
	ck_assert_uint_eq(s.cursor, 0);
	ck_assert_int_eq(s.walked, 0);
	ck_assert_uint_eq(s.nexchanges, 1);
	ck_assert_str_eq(s.exchanges[0], "k");
	ck_assert_uint_eq(s.nqueues, 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_double_eq_tol(state_last_seen(&s, "celery@kept"), now - 60, 0.0006);
	state_free(&s);

	/* a file others may write: its records are not taken (the node entries still are) */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "\tcursor\t7\n\twalked\n\tbinding\t6b\ncelery@kept\t%.3f\n", now - 60);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0666), 0);
	state_load(&s, path);
	ck_assert_uint_eq(s.cursor, 0);
	ck_assert_int_eq(s.walked, 0);
	ck_assert_uint_eq(s.nexchanges, 0);
	ck_assert_uint_eq(s.n, 1);
	state_free(&s);
}
END_TEST

/* A check that did not walk takes the walk another check saved meanwhile; one that walked keeps its own. */
START_TEST(the_walk_of_another_check_is_kept)
{
	char *const mine[] = {"mine"}, *const theirs[] = {"theirs"};
	struct seen_file a, b;
	struct deadline dl = deadline_in(5);
	struct error err;

	state_load(&a, path);
	ck_assert_int_eq(state_save(&a, &dl, &err), 0); /* makes the directory */
	state_free(&a);
	state_load(&a, path); /* a worker check: it does not walk */
	state_load(&b, path); /* a queue check: it walks */
	ck_assert_int_eq(state_note_bindings(&b, 200, 1, theirs, 1, &err), 0);
	ck_assert_int_eq(state_save(&b, &dl, &err), 0);
	ck_assert_int_eq(state_save(&a, &dl, &err), 0);
	state_free(&a);
	state_free(&b);
	state_load(&a, path);
	ck_assert_uint_eq(a.cursor, 200);
	ck_assert_uint_eq(a.nexchanges, 1);
	ck_assert_str_eq(a.exchanges[0], "theirs");
	state_load(&b, path);
	ck_assert_int_eq(state_note_bindings(&b, 300, 1, mine, 1, &err), 0);
	state_free(&a);
	state_load(&a, path);
	ck_assert_int_eq(state_note_bindings(&a, 250, 1, theirs, 1, &err), 0);
	ck_assert_int_eq(state_save(&a, &dl, &err), 0);
	ck_assert_int_eq(state_save(&b, &dl, &err), 0); /* walked itself: its own walk wins */
	state_free(&a);
	state_free(&b);
	state_load(&a, path);
	ck_assert_uint_eq(a.cursor, 300);
	ck_assert_str_eq(a.exchanges[0], "mine");
	state_free(&a);
}
END_TEST

/* Two checks load the file, each sees a worker and saves: the second merges what the first wrote after it
 * loaded; a check that finds the file as it read it writes its own entries once. */
START_TEST(writes_since_loading_merged)
{
	double now = (double)time(NULL);
	struct seen_file one, two;
	struct deadline dl = deadline_in(5);
	struct error err;

	state_load(&one, path);
	ck_assert_int_eq(state_record(&one, "celery@first", now - 10, &err), 0);
	ck_assert_int_eq(state_save(&one, &dl, &err), 0);
	state_free(&one);
	state_load(&one, path);
	state_load(&two, path);
	ck_assert_int_eq(state_record(&one, "celery@one", now - 5, &err), 0);
	ck_assert_int_eq(state_record(&two, "celery@two", now - 4, &err), 0);
	ck_assert_int_eq(state_record(&two, "celery@first", now - 3, &err), 0);
	ck_assert_int_eq(state_save(&one, &dl, &err), 0);
	ck_assert_int_eq(state_save(&two, &dl, &err), 0);
	state_free(&one);
	state_free(&two);
	state_load(&one, path);
	ck_assert_uint_eq(one.n, 3);
	ck_assert_double_eq_tol(state_last_seen(&one, "celery@one"), now - 5, 0.0006);
	ck_assert_double_eq_tol(state_last_seen(&one, "celery@two"), now - 4, 0.0006);
	ck_assert_double_eq_tol(state_last_seen(&one, "celery@first"), now - 3, 0.0006);
	ck_assert_int_eq(state_save(&one, &dl, &err), 0);
	state_free(&one);
	state_load(&one, path);
	ck_assert_uint_eq(one.n, 3);
	state_free(&one);
}
END_TEST

/* Past STATE_MAX_ENTRIES, the oldest go; what is kept is still written in node order. Nodes come in
 * reverse order, as an old file written newest first would have them. */
START_TEST(newest_kept_past_the_cap)
{
	double now = (double)time(NULL);
	struct seen_file s;
	struct deadline dl = deadline_in(5);
	struct error err;
	char node[32], *text;
	size_t lines = 0;

	state_load(&s, path);
	for (size_t i = STATE_MAX_ENTRIES + 10; i-- > 0;) {
		snprintf(node, sizeof(node), "celery@h%06zu", i);
		ck_assert_int_eq(state_record(&s, node, now - 100 + (double)i / 1000, &err), 0);
	}
	ck_assert_int_eq(state_save(&s, &dl, &err), 0);
	state_free(&s);
	text = slurp_all(path);
	for (char *p = text; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_uint_eq(lines, STATE_MAX_ENTRIES);
	ck_assert_int_eq(strncmp(text, "celery@h000010\t", 15), 0); /* the ten oldest went */
	state_load(&s, path);
	ck_assert_uint_eq(s.n, STATE_MAX_ENTRIES);
	for (size_t i = 1; i < s.n; i++)
		ck_assert_int_lt(strcmp(s.v[i - 1].node, s.v[i].node), 0);
	ck_assert_double_eq(state_last_seen(&s, "celery@h000009"), 0);
	ck_assert_double_eq_tol(state_last_seen(&s, "celery@h020009"), now - 100 + 20.009, 0.0006);
	state_free(&s);
	free(text);
}
END_TEST

/* Three checks, the first slow: the other two write in turn, each file as long as the one the first read
 * (the same workers, other times) and the last stamped with its time (a filesystem with coarse times). The
 * first still merges what they wrote: it holds the file it read open, so that no later file can have its
 * inode number. */
START_TEST(a_lookalike_file_is_still_merged)
{
	double now = (double)time(NULL);
	struct seen_file a, b, c;
	struct deadline dl = deadline_in(5);
	struct error err;
	struct stat first;
	struct timespec times[2];

	state_load(&a, path);
	ck_assert_int_eq(state_record(&a, "celery@a", now - 10, &err), 0);
	ck_assert_int_eq(state_record(&a, "celery@b", now - 10, &err), 0);
	ck_assert_int_eq(state_save(&a, &dl, &err), 0);
	state_free(&a);
	state_load(&a, path);
	ck_assert_int_eq(stat(path, &first), 0);
	for (int i = 0; i < 2; i++) {
		state_load(&b, path);
		ck_assert_int_eq(state_record(&b, "celery@b", now - 8 + i, &err), 0);
		ck_assert_int_eq(state_save(&b, &dl, &err), 0);
		state_free(&b);
	}
	times[0] = first.st_atim;
	times[1] = first.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	ck_assert_int_eq(state_record(&a, "celery@a", now - 5, &err), 0);
	ck_assert_int_eq(state_save(&a, &dl, &err), 0);
	state_free(&a);
	state_load(&c, path);
	ck_assert_double_eq_tol(state_last_seen(&c, "celery@b"), now - 7, 0.0006);
	ck_assert_double_eq_tol(state_last_seen(&c, "celery@a"), now - 5, 0.0006);
	state_free(&c);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("state_file");
	TCase *tc = tcase_create("state_file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lines_to_the_millisecond);
	tcase_add_test(tc, damaged_stale_and_future_lines_dropped);
	tcase_add_test(tc, records_written_read_and_damaged_ones_skipped);
	tcase_add_test(tc, the_walk_of_another_check_is_kept);
	tcase_add_test(tc, writes_since_loading_merged);
	tcase_add_test(tc, newest_kept_past_the_cap);
	tcase_add_test(tc, a_lookalike_file_is_still_merged);
	suite_add_tcase(s, tc);
	return s;
}
