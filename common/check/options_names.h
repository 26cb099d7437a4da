/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_names: long options only under their full names, and free text values kept printable. getopt_long
 * takes any unambiguous prefix, which turned a typed `--password s3cr3t` into `--password-file s3cr3t` and
 * echoed the secret in the error; at 3 a.m. a typo must fail loudly, never reach another option, and never be
 * echoed with its value. */
#ifndef CELERY_OPTIONS_NAMES_H
#define CELERY_OPTIONS_NAMES_H

#include "error.h"

#include <getopt.h>

/* Checks every long option of argv (up to "--") against longopts, skipping the values of options that
 * take one (shortopts in getopt's syntax). A name that is not exactly one of them fails with ERROR_USAGE
 * naming it, never its value; --password and its look-alikes say how to give a password instead. */
int options_check_names(int argc, char **argv, const struct option *longopts, const char *shortopts,
                        struct error *err);

/* Text given by the user that ends up in names and messages: at most OPTION_TEXT_MAX bytes, no control
 * characters, and not empty unless may_be_empty. ERROR_USAGE naming what otherwise. */
#define OPTION_TEXT_MAX 256
int option_text_ok(const char *what, const char *s, int may_be_empty, struct error *err);

#endif
