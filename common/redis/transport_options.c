/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport_options: parsing --transport-option KEY=VALUE into the kombu names. */
#include "transport_options.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KNOWN_KEYS "sep, priority_steps, global_keyprefix, fanout_prefix, fanout_patterns"

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off",
	                                                                            "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The separator, with \xNN and \\ escapes as Python writes them. */
static int parse_sep(const char *v, char *out)
{
	size_t n = 0;

	for (const char *p = v; *p; p++) {
		int c = (unsigned char)*p;
		if (*p == '\\' && p[1] == '\\') {
			p++;
		} else if (*p == '\\' && p[1] == 'x' && hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0) {
			c = hex_digit(p[2]) * 16 + hex_digit(p[3]);
			p += 3;
		} else if (*p == '\\') {
			return -1;
		}
		if (c == 0 || n == KOMBU_SEP_MAX)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* "0,3,6,9", "[0, 1, 2]": ascending integers from 0 to 255. */
static int parse_steps(const char *v, int *steps, int *nsteps)
{
	const char *p = v;
	int n = 0, bracket = 0;

	while (*p == ' ')
		p++;
	if (*p == '[')
		bracket = 1, p++;
	for (;;) {
		char *end;
		long step;

		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		step = strtol(p, &end, 10);
		if (step > 255 || n == KOMBU_MAX_STEPS || (n > 0 && step <= steps[n - 1]))
			return -1;
		steps[n++] = (int)step;
		for (p = end; *p == ' '; p++)
			;
		if (*p != ',')
			break;
		p++;
	}
	if (bracket && *p++ != ']')
		return -1;
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return -1;
	*nsteps = n;
	return 0;
}

int kombu_transport_option(struct kombu_names *n, const char *kv, struct error *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	const char *v = eq ? eq + 1 : "";

#define KEY_IS(name) (klen == strlen(name) && strncmp(kv, name, klen) == 0)
	if (eq == NULL)
		return error_set(err, ERROR_USAGE, "--transport-option: '%.40s' is not KEY=VALUE", kv);
	if (KEY_IS("sep")) {
		if (parse_sep(v, n->sep) < 0)
			return error_set(
			    err, ERROR_USAGE,
			    "--transport-option sep: 1 to %d bytes (\\xNN escapes allowed), no NUL",
			    KOMBU_SEP_MAX);
		n->sep_given = 1;
	} else if (KEY_IS("priority_steps")) {
		n->steps_given = 1;
		if (parse_steps(v, n->steps, &n->nsteps) < 0)
			return error_set(
			    err, ERROR_USAGE,
			    "--transport-option priority_steps: '%.40s' is not a list of up to %d "
			    "ascending integers from 0 to 255, like 0,3,6,9",
			    v, KOMBU_MAX_STEPS);
	} else if (KEY_IS("global_keyprefix")) {
		n->prefix = v;
	} else if (KEY_IS("fanout_prefix") || KEY_IS("fanout_patterns")) {
		if (parse_bool(v, KEY_IS("fanout_prefix") ? &n->fanout_prefix : &n->fanout_patterns) < 0)
			return error_set(err, ERROR_USAGE,
			                 "--transport-option %.*s: '%.40s' is not true or false", (int)klen,
			                 kv, v);
	} else {
		return error_set(err, ERROR_USAGE,
		                 "--transport-option: unknown key '%.*s'; the check uses " KNOWN_KEYS,
		                 (int)(klen > 40 ? 40 : klen), kv);
	}
#undef KEY_IS
	return 0;
}
