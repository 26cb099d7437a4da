/* SPDX-License-Identifier: GPL-3.0-or-later */
/* option_sets: the options each program of the suite takes (options.h), with its help. */
#ifndef CELERY_OPTION_SETS_H
#define CELERY_OPTION_SETS_H

#include "options.h"

extern const char *const option_takers[OPTION_GROUPS];
extern const struct option_set worker_versions_options;
extern const struct option_set queue_health_options;
extern const struct option_set quarantine_options;
extern const struct option_set tasks_options;

#endif
