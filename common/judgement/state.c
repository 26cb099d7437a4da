/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state: names and ordering of plugin states. */
#include "state.h"

#include <strings.h>

static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *state_name(enum state s)
{
	return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

int state_parse(const char *s, enum state *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, names[i]) == 0 || (s[0] == '0' + i && s[1] == '\0')) {
			*out = (enum state)i;
			return 0;
		}
	}
	return -1;
}

static int severity(enum state s)
{
	switch (s) {
	case STATE_OK:
		return 0;
	case STATE_UNKNOWN:
		return 1;
	case STATE_WARNING:
		return 2;
	case STATE_CRITICAL:
		return 3;
	}
	return 1;
}

enum state state_worst(enum state a, enum state b)
{
	return severity(a) >= severity(b) ? a : b;
}
