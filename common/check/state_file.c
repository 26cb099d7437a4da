/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state_file: "NODE<TAB>EPOCH" lines in node order, kept so in memory for lookups by binary search; a lock
 * file taken with flock(2), polled so the deadline holds; the new contents written to a temporary file and
 * renamed over the old. Nothing is followed through a symbolic link, nothing but a regular file is read, and
 * a directory that others may write to is refused. */
#include "state_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void state_file_default(const char *where, const char *ns, const char *prefix, char *buf, size_t n)
{
	const char *dir = getenv("MP_STATE_PATH");
	char key[256];
	size_t k = 0;

	snprintf(key, sizeof(key), "%s_%s_%s", where, ns, prefix);
	for (char *p = key; *p && k < sizeof(key) - 1; p++) /* a file name: letters, digits, - . _ */
		key[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		                   *p == '-' || *p == '.'
		               ? *p
		               : '_';
	key[k] = '\0';
	snprintf(buf, n, "%s/check_celery/%s.state", dir && *dir ? dir : "/var/lib/monitoring-plugins", key);
}

static int by_node(const void *a, const void *b)
{
	return strcmp(((const struct seen_entry *)a)->node, ((const struct seen_entry *)b)->node);
}

/* The length of the run in node order at the start of v[0..n). */
static size_t sorted_run(const struct seen_entry *v, size_t n)
{
	size_t i = 1;

	if (n == 0)
		return 0;
	while (i < n && strcmp(v[i - 1].node, v[i].node) <= 0)
		i++;
	return i;
}

/* Merges the runs in node order v[0..head) and v[head..n) into a new array. */
static void merge_runs(struct seen_file *s, size_t head)
{
	struct seen_entry *merged = malloc(s->n * sizeof(*merged));
	size_t a = 0, b = head, o = 0;

	if (merged == NULL) { /* sorting in place needs nothing more */
		qsort(s->v, s->n, sizeof(s->v[0]), by_node);
		return;
	}
	while (a < head && b < s->n)
		merged[o++] = by_node(&s->v[a], &s->v[b]) <= 0 ? s->v[a++] : s->v[b++];
	while (a < head)
		merged[o++] = s->v[a++];
	while (b < s->n)
		merged[o++] = s->v[b++];
	free(s->v);
	s->v = merged;
	s->cap = s->n;
}

/* Sorts the entries by node and keeps, of each node, its latest time. They mostly come as runs in order
 * (the file as written, this check's workers in node order): a run in order is merged, not sorted again. */
static void tidy(struct seen_file *s)
{
	size_t head = sorted_run(s->v, s->n), kept = 0;

	if (head < s->n) {
		if (sorted_run(s->v + head, s->n - head) < s->n - head)
			qsort(s->v + head, s->n - head, sizeof(s->v[0]), by_node);
		merge_runs(s, head);
	}
	for (size_t i = 0; i < s->n; i++) {
		if (kept > 0 && strcmp(s->v[kept - 1].node, s->v[i].node) == 0) {
			s->v[kept - 1].at = s->v[i].at > s->v[kept - 1].at ? s->v[i].at : s->v[kept - 1].at;
			free(s->v[i].node);
			continue;
		}
		s->v[kept++] = s->v[i];
	}
	s->n = kept;
	s->sorted = 1;
}

int state_record(struct seen_file *s, const char *node, double at, struct error *err)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct seen_entry *grown = realloc(s->v, cap * sizeof(*grown));
		if (grown == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
		s->v = grown;
		s->cap = cap;
	}
	if ((s->v[s->n].node = strdup(node)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	s->v[s->n++].at = at;
	s->sorted = 0;
	return 0;
}

double state_last_seen(struct seen_file *s, const char *node)
{
	struct seen_entry key = {(char *)node, 0}, *e;

	if (!s->sorted)
		tidy(s);
	e = s->n ? bsearch(&key, s->v, s->n, sizeof(s->v[0]), by_node) : NULL;
	return e ? e->at : 0;
}

/* The buffer of the one state file open at a time (read, then written): a few system calls for thousands
 * of lines, where stdio's own buffer would take one for every 4 KiB. */
#define STATE_BUFFER (64 * 1024)
static char io_buffer[STATE_BUFFER];

static struct state_version version_of(const struct stat *st)
{
	return (struct state_version){(unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	                              (unsigned long long)st->st_size, (unsigned long long)st->st_mtim.tv_sec,
	                              (unsigned long long)st->st_mtim.tv_nsec};
}

/* The file at path now, without following a link; all 0 when there is none. */
static struct state_version version_now(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? version_of(&st) : (struct state_version){0, 0, 0, 0, 0};
}

/* 1 when the file and its directory are this user's and nobody else may write to them: only then are its
 * records (the keyspace walk: which binding sets are read) taken. */
static int trusted(const char *path, const struct stat *st)
{
	char dir[600];
	char *slash;
	struct stat d;

	if (st->st_uid != geteuid() || (st->st_mode & 022) != 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	return stat(dir, &d) == 0 && d.st_uid == geteuid() && (d.st_mode & 022) == 0;
}

/* Opens path to read without following a link or blocking on anything but a regular file, and says which
 * file it is and whether its records may be trusted. */
static FILE *open_state(const char *path, struct state_version *v, int *trust)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	setvbuf(f, io_buffer, _IOFBF, sizeof(io_buffer));
	*v = version_of(&st);
	*trust = trusted(path, &st);
	return f;
}

/* Decodes the hex digits at p up to the line's end into out (at most max bytes, no NUL); its length, or 0
 * for anything else. */
static size_t unhex(const char *p, char *out, size_t max)
{
	size_t k = 0;

	for (; isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) && k < max; p += 2) {
		unsigned v;
		if (sscanf(p, "%2x", &v) != 1 || v == 0)
			return 0;
		out[k++] = (char)v;
	}
	if (strcmp(p, "\n") != 0)
		return 0;
	out[k] = '\0';
	return k;
}

static int has_exchange(const struct seen_file *s, const char *exchange)
{
	for (size_t i = 0; i < s->nexchanges; i++)
		if (strcmp(s->exchanges[i], exchange) == 0)
			return 1;
	return 0;
}

static int add_exchange(struct seen_file *s, const char *exchange)
{
	char **grown = realloc(s->exchanges, (s->nexchanges + 1) * sizeof(char *));

	if (grown == NULL)
		return -1;
	s->exchanges = grown;
	if ((s->exchanges[s->nexchanges] = strdup(exchange)) == NULL)
		return -1;
	s->nexchanges++;
	return 0;
}

int state_note_queue(struct seen_file *s, const char *queue, double at, struct error *err)
{
	struct seen_entry *grown;

	if (strlen(queue) > STATE_EXCHANGE_MAX || strpbrk(queue, "\n") != NULL || *queue == '\0')
		return 0;
	for (size_t i = 0; i < s->nqueues; i++)
		if (strcmp(s->queues[i].node, queue) == 0) {
			s->queues[i].at = at > s->queues[i].at ? at : s->queues[i].at;
			return 0;
		}
	if (s->nqueues >= STATE_MAX_QUEUES)
		return 0;
	if ((grown = realloc(s->queues, (s->nqueues + 1) * sizeof(*grown))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	s->queues = grown;
	if ((s->queues[s->nqueues].node = strdup(queue)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	s->queues[s->nqueues++].at = at;
	return 0;
}

/* Reads "<TAB>queue<TAB>EPOCH<TAB>HEX": a queue consumed within STATE_MAX_AGE. */
static void read_queue(struct seen_file *s, const char *p, double now)
{
	char text[STATE_EXCHANGE_MAX + 1], *end;
	double at = strtod(p, &end);
	struct error ignored;

	if (end == p || *end != '\t' || at <= 0 || at < now - STATE_MAX_AGE || at > now + 86400 ||
	    unhex(end + 1, text, STATE_EXCHANGE_MAX) == 0)
		return;
	state_note_queue(s, text, at, &ignored);
}

/* Reads the records that start with a tab (which releases before them skip): the keyspace walk ("cursor",
 * "walked", "binding") unless this check walked itself. Other kinds are skipped. */
static void read_record(struct seen_file *s, const char *line, double now)
{
	char text[STATE_EXCHANGE_MAX + 1];
	size_t digits;

	if (strncmp(line, "\tqueue\t", 7) == 0)
		read_queue(s, line + 7, now);
	if (s->walk_noted)
		return;
	if (strncmp(line, "\tcursor\t", 8) == 0 && (digits = strspn(line + 8, "0123456789")) > 0 &&
	    digits <= 20 && strcmp(line + 8 + digits, "\n") == 0)
		s->cursor = strtoull(line + 8, NULL, 10);
	else if (strcmp(line, "\twalked\n") == 0)
		s->walked = 1;
	else if (strncmp(line, "\tbinding\t", 9) == 0 && s->nexchanges < STATE_MAX_EXCHANGES &&
	         unhex(line + 9, text, STATE_EXCHANGE_MAX) > 0 && !has_exchange(s, text))
		add_exchange(s, text);
}

/* Forgets the keyspace walk read, to take another check's in its place. */
static void forget_walk(struct seen_file *s)
{
	for (size_t i = 0; i < s->nexchanges; i++)
		free(s->exchanges[i]);
	s->nexchanges = 0;
	s->cursor = 0;
	s->walked = 0;
}

int state_note_bindings(struct seen_file *s, unsigned long long cursor, int walked, char *const *exchanges,
                        size_t n, struct error *err)
{
	forget_walk(s);
	s->walk_noted = 1;
	s->cursor = cursor;
	s->walked = walked;
	for (size_t i = 0; i < n && s->nexchanges < STATE_MAX_EXCHANGES; i++)
		if (strlen(exchanges[i]) <= STATE_EXCHANGE_MAX && !has_exchange(s, exchanges[i]) &&
		    add_exchange(s, exchanges[i]) < 0)
			return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

static void put_hex(FILE *f, const char *kind, const char *text)
{
	fprintf(f, "\t%s\t", kind);
	for (const char *p = text; *p; p++)
		fprintf(f, "%02x", (unsigned char)*p);
	fputc('\n', f);
}

/* Adds the entries of the file at path; a missing file adds nothing, a line too long or damaged is skipped.
 * With hold, the file is kept open (s->held). */
static void merge_file(struct seen_file *s, const char *path, int hold)
{
	int trust = 0;
	FILE *f = open_state(path, &s->read, &trust);
	char line[600];
	double now = (double)time(NULL);
	int whole = 1;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t'), *end;
		int was_whole = whole;
		double at;
		struct error ignored;

		whole = strchr(line, '\n') != NULL;
		if (was_whole && whole && tab == line && trust)
			read_record(s, line, now);
		if (!was_whole || !whole || tab == NULL || tab == line)
			continue; /* the rest of a long line, or a line without its end */
		*tab = '\0';
		at = strtod(tab + 1, &end);
		if (end == tab + 1 || *end != '\n' || at <= 0 || at < now - STATE_MAX_AGE ||
		    at > now + 86400 || state_record(s, line, at, &ignored) < 0)
			continue;
	}
	if (hold && (s->held = fcntl(fileno(f), F_DUPFD_CLOEXEC, 0)) >= 0)
		s->holding = 1;
	fclose(f);
}

/* Closes the file state_load read. */
static void let_go(struct seen_file *s)
{
	if (s->holding)
		close(s->held);
	s->holding = 0;
}

void state_load(struct seen_file *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (*path != '\0')
		merge_file(s, path, 1);
	tidy(s);
}

/* The directory of s->path, created when missing; it must be a real directory, ours, that nobody else may
 * write to: another user could otherwise choose where our files go. */
static int safe_dir(const struct seen_file *s, struct error *err)
{
	char dir[sizeof(s->path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", s->path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0; /* the working directory */
	*slash = '\0';
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	mkdir(dir, 0755);
	if (lstat(dir, &st) != 0)
		return error_set(err, ERROR_USAGE, "state directory %.200s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0)
		return error_set(
		    err, ERROR_USAGE,
		    "state directory %.200s: not a directory of this user that only it may write to", dir);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	double x = ((const struct seen_entry *)a)->at, y = ((const struct seen_entry *)b)->at;

	return (x < y) - (x > y); /* newest first */
}

/* Writes one "NODE<TAB>SECONDS.MMM" line, the time rounded to the millisecond, without printf's cost for
 * each of thousands of lines; at is a time the file may hold (positive, within a day of now). */
static void put_line(FILE *f, const char *node, double at)
{
	unsigned long long ms = (unsigned long long)(at * 1000.0 + 0.5);
	char tail[32];
	size_t k = sizeof(tail) - 1;

	tail[k] = '\0';
	tail[--k] = '\n';
	for (int digit = 0; digit <= 3 || ms > 0; digit++, ms /= 10) {
		if (digit == 3)
			tail[--k] = '.';
		tail[--k] = (char)('0' + ms % 10);
	}
	tail[--k] = '\t';
	fputs(node, f);
	fputs(tail + k, f);
}

/* Keeps the newest STATE_MAX_ENTRIES of the tidy entries, still in node order. */
static void keep_newest(struct seen_file *s)
{
	if (s->n <= STATE_MAX_ENTRIES)
		return;
	qsort(s->v, s->n, sizeof(s->v[0]), by_time);
	for (size_t i = STATE_MAX_ENTRIES; i < s->n; i++)
		free(s->v[i].node);
	s->n = STATE_MAX_ENTRIES;
	qsort(s->v, s->n, sizeof(s->v[0]), by_node);
}

/* Writes the newest STATE_MAX_ENTRIES of the tidy entries, in node order (so that reading them back needs
 * no sort), to a temporary file renamed over path. */
static int replace(struct seen_file *s, struct error *err)
{
	char tmp[sizeof(s->path) + 8];
	FILE *f;
	int fd, failed;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", s->path);
	if ((fd = mkstemp(tmp)) < 0)
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", s->path, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", s->path, strerror(errno));
	}
	setvbuf(f, io_buffer, _IOFBF, sizeof(io_buffer));
	keep_newest(s);
	if (s->cursor != 0)
		fprintf(f, "\tcursor\t%llu\n", s->cursor);
	if (s->walked)
		fputs("\twalked\n", f);
	for (size_t i = 0; i < s->nexchanges; i++)
		put_hex(f, "binding", s->exchanges[i]);
	for (size_t i = 0; i < s->nqueues; i++) {
		char kind[48];
		snprintf(kind, sizeof(kind), "queue\t%.3f", s->queues[i].at);
		put_hex(f, kind, s->queues[i].node);
	}
	for (size_t i = 0; i < s->n; i++)
		if (strpbrk(s->v[i].node, "\t\n") == NULL)
			put_line(f, s->v[i].node, s->v[i].at);
	fchmod(fd, 0644);
	failed = ferror(f); /* a write that failed (a full disk): keep the old file */
	if (fclose(f) != 0 || failed || rename(tmp, s->path) != 0) {
		unlink(tmp);
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", s->path, strerror(errno));
	}
	return 0;
}

int state_save(struct seen_file *s, const struct deadline *dl, struct error *err)
{
	char lock[sizeof(s->path) + 8];
	struct state_version now;
	int fd, rc;

	if (s->path[0] == '\0')
		return 0;
	if (safe_dir(s, err) < 0)
		return -1;
	snprintf(lock, sizeof(lock), "%s.lock", s->path);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644)) < 0)
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", lock, strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) { /* another check writes: wait, within the deadline */
		if (errno != EWOULDBLOCK || deadline_passed(dl)) {
			close(fd);
			return error_set(err, ERROR_USAGE, "state file %.200s: locked by another check",
			                 s->path);
		}
		usleep(5000);
	}
	now = version_now(s->path); /* the file read is still open: another file cannot have its inode */
	if (memcmp(&s->read, &now, sizeof(now)) != 0 || !s->holding) {
		if (!s->walk_noted) /* another check may have walked on since: its walk, not the one read */
			forget_walk(s);
		merge_file(s, s->path, 0); /* what other checks wrote since it was read */
	}
	let_go(s);
	tidy(s);
	rc = replace(s, err);
	close(fd); /* releases the lock */
	return rc;
}

void state_free(struct seen_file *s)
{
	let_go(s);
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].node);
	free(s->v);
	for (size_t i = 0; i < s->nexchanges; i++)
		free(s->exchanges[i]);
	free(s->exchanges);
	for (size_t i = 0; i < s->nqueues; i++)
		free(s->queues[i].node);
	free(s->queues);
	memset(s, 0, sizeof(*s));
}
