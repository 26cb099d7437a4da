/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_names: the full-name check of long options, before getopt_long sees them, and the text check. */
#include "options_names.h"

#include <string.h>

/* The entry named exactly name (of len bytes), or NULL. */
static const struct option *find(const struct option *longopts, const char *name, size_t len)
{
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* 1 for what someone meaning to give a password may type: --pass, --passwd, --password, --password-f... */
static int looks_like_password(const char *name, size_t len)
{
	return len >= 4 &&
	       (strncmp(name, "password-file", len < 13 ? len : 13) == 0 ||
	        strncmp(name, "passwd", len < 6 ? len : 6) == 0 || strncmp(name, "password", 8) == 0);
}

/* 1 when the short option c takes a value. */
static int takes_value(const char *shortopts, char c)
{
	const char *p = strchr(shortopts, c);

	return c != ':' && c != '+' && p != NULL && p[1] == ':';
}

int options_check_names(int argc, char **argv, const struct option *longopts, const char *shortopts,
                        struct error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name = a + 2;
		size_t len;
		const struct option *o;

		if (strcmp(a, "--") == 0)
			return 0;
		if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
			/* -Xvalue, or -X value; in a cluster (-vT5) the first letter taking a value takes the
			 * rest */
			for (const char *c = a + 1; *c; c++)
				if (takes_value(shortopts, *c)) {
					i += c[1] == '\0';
					break;
				}
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			continue;
		len = strcspn(name, "=");
		if ((o = find(longopts, name, len)) != NULL) {
			i += o->has_arg == required_argument && name[len] == '\0';
			continue;
		}
		if (looks_like_password(name, len))
			return error_set(
			    err, ERROR_USAGE,
			    "--%.*s: a password is never taken on the command line, where every user of "
			    "this machine can read it; use --password-file PATH or $REDISCLI_AUTH",
			    (int)(len > 40 ? 40 : len), name);
		return error_set(err, ERROR_USAGE,
		                 "unknown option '--%.*s' (long options are taken only in full)",
		                 (int)(len > 40 ? 40 : len), name);
	}
	return 0;
}

int option_text_ok(const char *what, const char *s, int may_be_empty, struct error *err)
{
	if (!may_be_empty && *s == '\0')
		return error_set(err, ERROR_USAGE, "%s must not be empty", what);
	if (strlen(s) > OPTION_TEXT_MAX)
		return error_set(err, ERROR_USAGE, "%s is longer than %d characters", what, OPTION_TEXT_MAX);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return error_set(err, ERROR_USAGE, "%s contains control characters", what);
	return 0;
}
