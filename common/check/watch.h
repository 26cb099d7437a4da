/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch: the heartbeat side of a probe (modes heartbeat and both), and the presence of every worker: who
 * answered, who beats, who is bound to remote control here, and when each was last seen (the state file). */
#ifndef CELERY_WATCH_H
#define CELERY_WATCH_H

#include "probe.h"

/* Subscribes to the workers' events on a connection of its own; they are heard until --listen seconds
 * from now (or the limit). */
int watch_start(struct probe *p, const struct options *o, int cancel_fd, const struct deadline *limit,
                struct error *err);
/* Reads the state file (when each worker was last seen), before the broadcast. */
void watch_load_state(struct probe *p, const struct options *o);
/* Listens out the window, reads who is bound here when it matters, places every worker (presence) and
 * judges them all, and records who was seen in the state file (a state file that cannot be written is
 * said in -v, never a failure). */
int watch_finish(struct probe *p, struct options *o, const struct deadline *limit, struct error *err);

#endif
