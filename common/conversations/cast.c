/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cast: one ping with no reply_to, PUBLISHed to count the workers that receive remote control. */
#include "cast.h"

#include "kombu.h"
#include "uuid.h"

#include <stdlib.h>
#include <string.h>

/* How long a worker that is busy may still run the ping: kombu's default timeout for a cast. */
#define CAST_EXPIRES 1.0

int cast_ping(struct broker *b, const struct kombu_names *names, const struct deadline *dl,
              long long *received, struct error *err)
{
	char tag[UUID_STR_LEN];
	struct control_request rq = {"ping", names->ns, NULL, NULL, tag, clock_wall() + CAST_EXPIRES,
	                             NULL,   0,         NULL, 0,    NULL};
	char *channel = NULL, *envelope = NULL;
	const char *argv[3] = {"PUBLISH", NULL, NULL};
	size_t lens[3] = {7, 0, 0};
	struct broker_cmd cmd = {3, argv, lens, "cannot count the workers (PUBLISH)", received};
	int rc = -1;

	*received = 0;
	if (uuid_v4(tag, err) < 0)
		return -1;
	if ((channel = kombu_pidbox_channel(names)) == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory naming the control channel");
		goto out;
	}
	if ((envelope = kombu_encode_control(&rq, err)) == NULL)
		goto out;
	argv[1] = channel;
	lens[1] = strlen(channel);
	argv[2] = envelope;
	lens[2] = strlen(envelope);
	rc = broker_pipeline(b, dl, &cmd, 1, err);
out:
	free(channel);
	free(envelope);
	return rc;
}
