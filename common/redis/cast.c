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
              long long received[2], struct error *err)
{
	char tag[UUID_STR_LEN];
	struct control_request rq = {"ping", names->ns, NULL, NULL, tag, clock_wall() + CAST_EXPIRES,
	                             NULL,   0,         NULL, 0,    NULL};
	/* behind Sentinel, kombu before 5.4 listens on P/{db}.NS.pidbox: the cast goes to both channels */
	char *channels[2] = {kombu_pidbox_channel(names), kombu_pidbox_channel_unformatted(names)}, *envelope;
	const char *argv[2][3] = {{"PUBLISH", channels[0], NULL}, {"PUBLISH", channels[1], NULL}};
	size_t lens[2][3] = {{7, 0, 0}, {7, 0, 0}};
	struct broker_cmd cmds[2] = {
	    {3, argv[0], lens[0], "cannot count the workers (PUBLISH)", &received[0]},
	    {3, argv[1], lens[1], "cannot count the workers (PUBLISH)", &received[1]}};
	int rc = -1;

	received[0] = received[1] = 0;
	if (uuid_v4(tag, err) < 0 || (envelope = kombu_encode_control(&rq, err)) == NULL)
		goto out;
	if (channels[0] == NULL || (names->sentinel && names->fanout_prefix && channels[1] == NULL)) {
		error_set(err, ERROR_NOMEM, "out of memory naming the control channel");
		free(envelope);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		lens[i][1] = channels[i] ? strlen(channels[i]) : 0;
		argv[i][2] = envelope;
		lens[i][2] = strlen(envelope);
	}
	rc = broker_pipeline(b, dl, cmds, channels[1] ? 2 : 1, err);
	free(envelope);
out:
	free(channels[0]);
	free(channels[1]);
	return rc;
}
