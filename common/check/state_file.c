/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state_file: "NODE<TAB>EPOCH" lines; a lock file taken with flock(2), polled so the deadline holds; the new
 * contents written to a temporary file and renamed over the old. */
#include "state_file.h"

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

static struct seen_entry *find(const struct seen_file *s, const char *node)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].node, node) == 0)
			return &s->v[i];
	return NULL;
}

int state_record(struct seen_file *s, const char *node, double at, struct error *err)
{
	struct seen_entry *e = find(s, node);

	if (e != NULL) {
		e->at = at > e->at ? at : e->at;
		return 0;
	}
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
	return 0;
}

double state_last_seen(const struct seen_file *s, const char *node)
{
	const struct seen_entry *e = find(s, node);

	return e ? e->at : 0;
}

/* Adds the entries of the file at path (merging by the latest time); a missing file adds nothing. */
static void merge_file(struct seen_file *s, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[600];
	double now = (double)time(NULL);

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t'), *end;
		double at;
		struct error ignored;

		if (tab == NULL || tab == line)
			continue;
		*tab = '\0';
		at = strtod(tab + 1, &end);
		if (end == tab + 1 || at <= 0 || at < now - STATE_MAX_AGE || at > now + 86400)
			continue;
		state_record(s, line, at, &ignored);
	}
	fclose(f);
}

void state_load(struct seen_file *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (*path != '\0')
		merge_file(s, path);
}

/* Creates the directories of path, like mkdir -p for its dirname. */
static void make_dirs(const char *path)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
}

static int by_time(const void *a, const void *b)
{
	double x = ((const struct seen_entry *)a)->at, y = ((const struct seen_entry *)b)->at;

	return (x < y) - (x > y); /* newest first */
}

/* Writes every entry (the newest STATE_MAX_ENTRIES) to a temporary file renamed over path. */
static int replace(struct seen_file *s, struct error *err)
{
	char tmp[600];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", s->path);
	if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd), unlink(tmp);
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", s->path, strerror(errno));
	}
	qsort(s->v, s->n, sizeof(s->v[0]), by_time);
	for (size_t i = 0; i < s->n && i < STATE_MAX_ENTRIES; i++)
		if (strchr(s->v[i].node, '\n') == NULL && strchr(s->v[i].node, '\t') == NULL)
			fprintf(f, "%s\t%.3f\n", s->v[i].node, s->v[i].at);
	fchmod(fd, 0644);
	if (fclose(f) != 0 || rename(tmp, s->path) != 0) {
		unlink(tmp);
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", s->path, strerror(errno));
	}
	return 0;
}

int state_save(struct seen_file *s, const struct deadline *dl, struct error *err)
{
	char lock[600];
	int fd, rc;

	if (s->path[0] == '\0')
		return 0;
	make_dirs(s->path);
	snprintf(lock, sizeof(lock), "%s.lock", s->path);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return error_set(err, ERROR_USAGE, "state file %.200s: %s", lock, strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) { /* another check writes: wait, within the deadline */
		if (errno != EWOULDBLOCK || deadline_passed(dl)) {
			close(fd);
			return error_set(err, ERROR_USAGE, "state file %.200s: locked by another check",
			                 s->path);
		}
		usleep(10000);
	}
	merge_file(s, s->path); /* what other checks saw meanwhile */
	rc = replace(s, err);
	close(fd); /* releases the lock */
	return rc;
}

void state_free(struct seen_file *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].node);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
