/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backlog: pipelined LLEN over every queue's lists (broker protocol, section 4). */
#include "backlog.h"

#include <stdlib.h>
#include <string.h>

int backlog_read(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                 const struct deadline *dl, long long *counts, struct error *err)
{
	size_t steps = (size_t)names->nsteps, lists = n * steps;
	struct broker_cmd *cmds = calloc(lists ? lists : 1, sizeof(*cmds));
	long long *lengths = calloc(lists ? lists : 1, sizeof(*lengths));
	char **keys = calloc(lists ? lists : 1, sizeof(*keys));
	size_t *lens = calloc(lists ? lists * 2 : 1, sizeof(*lens));
	const char **argv = calloc(lists ? lists * 2 : 1, sizeof(*argv));
	int rc = -1;

	if (cmds == NULL || lengths == NULL || keys == NULL || lens == NULL || argv == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory naming queue lists");
		goto out;
	}
	for (size_t i = 0; i < lists; i++) {
		if ((keys[i] = kombu_queue_key(names, queues[i / steps], (int)(i % steps))) == NULL) {
			error_set(err, ERROR_NOMEM, "out of memory naming queue lists");
			goto out;
		}
		argv[2 * i] = "LLEN";
		lens[2 * i] = 4;
		argv[2 * i + 1] = keys[i];
		lens[2 * i + 1] = strlen(keys[i]);
		cmds[i] = (struct broker_cmd){2, &argv[2 * i], &lens[2 * i], "cannot read queue lengths",
		                              &lengths[i]};
	}
	if (broker_pipeline(b, dl, cmds, lists, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		counts[i] = 0;
		for (size_t step = 0; step < steps; step++)
			counts[i] += lengths[i * steps + step];
	}
	rc = 0;
out:
	for (size_t i = 0; keys != NULL && i < lists; i++)
		free(keys[i]);
	free(cmds);
	free(lengths);
	free(keys);
	free(lens);
	free(argv);
	return rc;
}
