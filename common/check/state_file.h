/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state_file: when each worker was last seen (it answered, or its heartbeat was heard), kept between
 * checks in a file, so that a worker that falls silent can be named with how long ago it was seen. Where
 * the Monitoring Plugins keep state: $MP_STATE_PATH, else /var/lib/monitoring-plugins, in check_celery/.
 * Concurrent checks merge what they saw under a lock and replace the file atomically. */
#ifndef CELERY_STATE_FILE_H
#define CELERY_STATE_FILE_H

#include "deadline.h"
#include "error.h"

#include <stddef.h>

#define STATE_MAX_ENTRIES   20000        /* the most recently seen are kept */
#define STATE_MAX_EXCHANGES 10000        /* exchanges whose binding sets are remembered */
#define STATE_MAX_QUEUES    10000        /* consumed queues remembered */
#define STATE_EXCHANGE_MAX  250          /* bytes of a remembered exchange name (a line is read in 600) */
#define STATE_MAX_AGE       (14 * 86400) /* entries older than this are dropped */

struct seen_entry {
	char *node;
	double at; /* epoch seconds */
};

/* Which file was read: a check writes a new file and renames it over the old, so another check's write
 * shows as another inode, size or modification time (all 0: no file). */
struct state_version {
	unsigned long long dev, ino, size, sec, nsec;
};

struct seen_file {
	struct seen_entry *v;
	size_t n, cap;
	int sorted;                /* v is sorted by node, each node once */
	char path[512];            /* "" when there is no state file */
	struct state_version read; /* the file state_load read */
	int holding, held;         /* held: that file, open until state_save, so that its inode number cannot
	                              go to another check's file meanwhile */
	/* Records, in lines that start with a tab (which releases before them skip), taken only from a file
	 * that only this user may write: */
	unsigned long long cursor; /* where the walk of the keyspace for binding sets goes on ("<TAB>cursor
	                              <TAB>N"; 0: from the start) */
	int walked;       /* a walk reached the keyspace's end ("<TAB>walked"): until one has, a check
	                     walks all of it */
	int walk_noted;   /* this check walked: its walk replaces the file's when saving */
	char **exchanges; /* the exchanges whose binding sets the walk found ("<TAB>binding<TAB>HEX"
	                     each), read again by every check */
	size_t nexchanges;
	struct seen_entry *queues; /* the queues answering workers consumed, and when ("<TAB>queue<TAB>EPOCH
	                              <TAB>HEX"), judged for STATE_MAX_AGE after, consumed or not */
	size_t nqueues;
};

/* The default path for a broker and namespace ("where" as broker_addr_describe writes it). */
void state_file_default(const char *where, const char *ns, const char *prefix, char *buf, size_t n);
/* Reads path ("" for none), never through a symbolic link and only a regular file. A missing file is an
 * empty one; an unreadable one too. */
void state_load(struct seen_file *s, const char *path);
/* Notes that node was seen at the epoch second at. ERROR_NOMEM only. */
int state_record(struct seen_file *s, const char *node, double at, struct error *err);
/* Remembers where the walk of the keyspace stopped, whether it has reached the end once, and the exchanges
 * whose binding sets are known (copied; those of the file are replaced). ERROR_NOMEM only. */
int state_note_bindings(struct seen_file *s, unsigned long long cursor, int walked, char *const *exchanges,
                        size_t n, struct error *err);
/* Notes that a worker consumed queue at the epoch second at. ERROR_NOMEM only. */
int state_note_queue(struct seen_file *s, const char *queue, double at, struct error *err);
/* When node was last seen, or 0 (a binary search; sorts first when records came since). */
double state_last_seen(struct seen_file *s, const char *node);
/* Merges with what other checks wrote meanwhile (the file is read again only when it changed) and replaces
 * the file, creating its directory, which must
 * be this user's and writable by nobody else. The lock is waited for until the deadline at most. A file
 * that cannot be written fails with ERROR_USAGE saying why (the check goes on; -v says it). */
int state_save(struct seen_file *s, const struct deadline *dl, struct error *err);
void state_free(struct seen_file *s);

#endif
