/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport_options: Celery's broker_transport_options that change names on the wire, read from
 * KEY=VALUE text as --transport-option gives them. */
#ifndef CELERY_TRANSPORT_OPTIONS_H
#define CELERY_TRANSPORT_OPTIONS_H

#include "error.h"
#include "kombu_names.h"

/* Applies one KEY=VALUE to n: sep=TEXT (\xNN escapes allowed), priority_steps=0,3,6,9 (ascending, 0..255,
 * brackets and blanks allowed), global_keyprefix=TEXT, fanout_prefix=BOOL, fanout_patterns=BOOL (true,
 * false, yes, no, on, off, 1, 0). global_keyprefix points into kv, which must outlive n. Fails with
 * ERROR_USAGE naming the key. */
int kombu_transport_option(struct kombu_names *n, const char *kv, struct error *err);

#endif
