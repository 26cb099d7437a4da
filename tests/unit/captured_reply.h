/* SPDX-License-Identifier: GPL-3.0-or-later */
/* captured_reply: a captured Celery reply (tests/vectors) handed to a reply handler as a broadcast would. */
#ifndef CELERY_CAPTURED_REPLY_H
#define CELERY_CAPTURED_REPLY_H

#include "replies.h"

/* Decodes the captured reply VECTOR_DIR/name (its payload, with its own ticket) and hands it to add. */
void captured_reply_add(const char *name, inspect_fn add, void *ctx);

#endif
