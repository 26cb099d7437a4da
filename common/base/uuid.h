/* SPDX-License-Identifier: GPL-3.0-or-later */
/* uuid: random (version 4) UUIDs for reply queues, tickets and delivery tags. */
#ifndef CELERY_UUID_H
#define CELERY_UUID_H

#include "error.h"

#define UUID_STR_LEN 37 /* 36 characters and the NUL */

/* Writes a fresh lowercase UUID into out. */
int uuid_v4(char out[UUID_STR_LEN], struct error *err);

#endif
