/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_files: the files options name (passwords, the expected version, TLS files), read before the time
 * limit is armed: so only regular files, opened without blocking (a FIFO would hang the plugin). */
#ifndef CELERY_OPTIONS_FILES_H
#define CELERY_OPTIONS_FILES_H

#include "error.h"

#define OPTIONS_LINE_MAX 1024 /* bytes of a first line */

/* Opens path for reading when it is a regular file; -1 with errno set otherwise (EISDIR for a directory,
 * EINVAL for another kind of file). */
int options_open_regular(const char *path);
/* Reads the first line of path (without its line end) into *out (malloc'ed), 1 to OPTIONS_LINE_MAX bytes.
 * ERROR_USAGE naming opt and why; a secret file's path is never named (a mistyped option may have put a
 * password there) and its bytes are wiped from the stack. */
int options_read_first_line(const char *opt, const char *path, int secret, char **out, struct error *err);

#endif
