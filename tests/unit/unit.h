/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit: what every unit test program provides to unit_main. */
#ifndef CELERY_UNIT_H
#define CELERY_UNIT_H

#include <check.h>

/* The program's suite of tests. */
Suite *unit_suite(void);

#endif
