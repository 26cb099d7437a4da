/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker: one Redis connection that the check owns: the transport (a non-blocking TCP or unix socket, TLS
 * over it when asked), found through Sentinel when asked; commands are written by hiredis's
 * redisFormatCommandArgv and replies read by our own reader (resp.h). Every connect, handshake, write and
 * read honours an absolute deadline and a cancel descriptor, so neither a silent broker nor a signal keeps a
 * call past its deadline. */
#ifndef CELERY_BROKER_H
#define CELERY_BROKER_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"
#include "resp.h"
#include "strbuf.h"
#include "transport.h"

#include <stddef.h>

/* A string element of a reply larger than this is skipped unread (it arrives as an empty string, and
 * `dropped` counts it), so memory stays bounded. An active_queues reply of a worker consuming 1,000 queues
 * is about 1 MiB. */
#define BROKER_MAX_REPLY (4 * 1024 * 1024)
/* A whole reply (a batch of elements) larger than this is refused and the connection dropped; in a streamed
 * read, the elements handed over as they are read do not count: only what is held does. */
#define BROKER_MAX_BATCH (16 * 1024 * 1024)

/* Server versions as major * 10000 + minor * 100 + patch. */
#define BROKER_VERSION(major, minor, patch) ((major)*10000 + (minor)*100 + (patch))

struct broker {
	struct transport t;             /* the connection; t.fd is -1 when closed */
	struct resp_reader reader;      /* parses the replies */
	struct strbuf out;              /* commands formatted but not yet sent */
	char *in;                       /* received, handed to the reader a piece at a time */
	size_t in_pos, in_len;          /* in[in_pos..in_len) is not handed over yet */
	long long dropped;              /* oversized elements skipped since the connection opened */
	const struct broker_addr *addr; /* where to (re)connect; borrowed */
	int cancel_fd;                  /* readable when a signal asks us to stop, or -1 */
	int pending;                    /* replies expected but not yet read; nonzero after a failed read */
	int version;                    /* the server's redis_version (BROKER_VERSION), read once per open; 0
	                                   when unknown */
	int version_floor;              /* version is only a floor (INFO refused by an ACL: at least 6.0) */
	char master_host[256];          /* behind Sentinel: the master in use, for reopening */
	int master_port;
	char where[400]; /* the server we talk to: host:port/db, or with Sentinel the master
	                    and the sentinel that named it */
};

/* Connects (with Sentinel: to the master the first answering sentinel names, which must say it is a
 * master), authenticates, selects the database and reads the server version before the deadline.
 * Errors: ERROR_CONNECT (unreachable, TLS refused, sentinels down), ERROR_AUTH (credentials or ACL, the
 * sentinels' too), ERROR_UNAVAILABLE (LOADING and the like; a named master that is a replica), ERROR_USAGE
 * (TLS files, no master of that name), ERROR_TIMEOUT, ERROR_CANCELLED, ERROR_BROKER. */
int broker_open(struct broker *b, const struct broker_addr *addr, int cancel_fd, const struct deadline *dl,
                struct error *err);
/* Drops a connection whose replies are out of step (after a timeout or cancel) and opens a new one: behind
 * Sentinel to the same master first (still checked with ROLE), so a cleanup stays short and on the
 * server it published on; the sentinels are asked again only when that fails. */
int broker_reopen(struct broker *b, const struct deadline *dl, struct error *err);
void broker_close(struct broker *b);

/* Queues a command without sending it; argv entries may hold any bytes. */
int broker_append(struct broker *b, int argc, const char **argv, const size_t *lens, struct error *err);
/* Sends what is queued and reads the next reply. An error reply is returned as a reply, not an error.
 * A lost connection is ERROR_CONNECT; a reply over the size caps is ERROR_OVERSIZE. */
int broker_read(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err);
/* Reads the next reply as broker_read does, handing each string that st names to st->fn as soon as it is
 * parsed, and not keeping it: its place in the reply is NULL. So a pop of many messages takes the memory of
 * one. Once fn fails, the rest of the reply is read but not handed over, and the call fails with fn's
 * error. The connection must be in step (no reply half read). */
int broker_read_streamed(struct broker *b, const struct deadline *dl, struct resp_stream *st,
                         struct resp **reply, struct error *err);
/* Reads the next message a subscription pushes (nothing was asked for it), as broker_read reads a reply:
 * until the deadline, which ends it with ERROR_TIMEOUT. */
int broker_read_push(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err);
/* append + read, and an error reply becomes an error (see broker_reply_error). */
int broker_call(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err, int argc,
                const char **argv, const size_t *lens);

/* One command of a pipeline. */
struct broker_cmd {
	int argc;
	const char **argv;
	const size_t *lens;
	const char *context; /* prefix of the error message when this command fails */
	long long *integer;  /* where its integer reply goes, or NULL when the reply does not matter */
};

/* Sends n commands in one round trip and reads every reply, even after an error reply, so the connection
 * stays in step. Fails with the first failing command's error, prefixed by its context; a command with an
 * integer destination that answers anything else fails too. */
int broker_pipeline(struct broker *b, const struct deadline *dl, const struct broker_cmd *cmds, size_t n,
                    struct error *err);
/* Like broker_pipeline, but hands every reply to keep (which takes ownership) instead of checking it. */
int broker_pipeline_replies(struct broker *b, const struct deadline *dl, const struct broker_cmd *cmds,
                            size_t n, struct resp **replies, struct error *err);
/* Turns an error reply into an error: ERROR_AUTH for NOAUTH/WRONGPASS/NOPERM, ERROR_UNAVAILABLE for
 * LOADING/OOM/MASTERDOWN/BUSY/TRYAGAIN/MISCONF and "max number of clients reached", ERROR_BROKER for the
 * rest (READONLY too: a check pointed at a replica is misconfigured, not facing an outage). Returns 0 for any
 * other reply. */
int broker_reply_error(const struct resp *r, struct error *err);

#endif
