/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cancel: SIGINT, SIGTERM and SIGHUP become a readable descriptor that blocking calls poll, so the
 * plugin can clean up the broker before it stops; and a last-resort alarm for what no deadline covers. */
#ifndef CELERY_CANCEL_H
#define CELERY_CANCEL_H

#include "error.h"

/* Installs the handlers; returns the descriptor that becomes readable on a signal, or -1. */
int cancel_install(struct error *err);
/* The signal that asked us to stop, or 0. */
int cancel_signal(void);
/* After `seconds`, writes message to standard output and ends the process with exit_code: only for a
 * call that ignores deadlines (a hung DNS lookup). The handler does nothing but write(2) and _exit(2). */
void cancel_arm_backstop(double seconds, const char *message, int exit_code);

#endif
