/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cast: a control command no worker replies to (kombu's broadcast with reply=False: no ticket, no
 * reply_to), to count the workers subscribed to remote control without writing anything they read. */
#ifndef CELERY_CAST_H
#define CELERY_CAST_H

#include "broker.h"
#include "kombu_names.h"

/* PUBLISHes Celery's ping as a cast on the control channel: received[0] is how many workers got it there,
 * received[1] how many on P/{db}.NS.pidbox behind Sentinel (kombu before 5.4; shared by every database; 0
 * elsewhere). Each runs ping and replies to no one: nothing is routed, nothing is written. */
int cast_ping(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
              long long received[2], struct error *err);

#endif
