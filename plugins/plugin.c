/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plugin: the main flow and all printing, shared by the check programs. */
#include "plugin.h"

#include "fleet_format.h"
#include "name_list.h"

#include "cancel.h"
#include "perfdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps the subchecks in the form the output format prints them, and only then. */
static void keep_subchecks(struct report *r, enum report_format format)
{
	if (format == REPORT_MP_TEST_JSON)
		report_keep_checks(r);
	if (format == REPORT_MULTI_LINE)
		report_keep_lines(r);
}

/* Prints the report as text or JSON and returns its state. */
static int emit(const struct options *o, const struct report *r, json_object *doc)
{
	if (o->format == REPORT_MULTI_LINE || o->format == REPORT_MP_TEST_JSON) {
		char *text = o->format == REPORT_MULTI_LINE ? report_multi_line(r) : report_mp_test_json(r);
		if (text == NULL) {
			printf("[UNKNOWN] - out of memory\n");
			return STATE_UNKNOWN;
		}
		fputs(text, stdout);
		if (o->format == REPORT_MP_TEST_JSON)
			putchar('\n');
		free(text);
		/* as monitoring-plugins: the test format always exits 0, its state is in the document */
		return o->format == REPORT_MP_TEST_JSON ? STATE_OK : (int)r->state;
	}
	if (o->json) {
		char *text = report_json(r, doc);
		if (text == NULL) {
			printf(
			    "{\"state\": \"UNKNOWN\", \"exit_code\": 3, \"summary\": \"out of memory\"}\n");
			return STATE_UNKNOWN;
		}
		printf("%s\n", text);
		free(text);
	} else {
		char *text = report_text(r);
		if (text == NULL) {
			printf("%s UNKNOWN - out of memory\n", r->service);
			return STATE_UNKNOWN;
		}
		fputs(text, stdout);
		free(text);
	}
	return (int)r->state;
}

/* Appends why the check could not finish or was cut short: "time limit of 10 s reached: ..." only when
 * the limit was really reached, "stopped by Terminated: ..." for a signal, else the reason alone. */
static void say_why(struct strbuf *sb, const struct error *err, double timeout, double elapsed)
{
	if (err->kind == ERROR_TIMEOUT && elapsed >= timeout * 0.75)
		strbuf_printf(sb, "time limit of %g s reached: ", timeout);
	if (err->kind == ERROR_CANCELLED)
		strbuf_printf(sb, "stopped by %s: ", strsignal(cancel_signal()));
	strbuf_put_clean(sb, err->msg);
}

static void report_failure(struct report *r, enum state state, const struct error *err, double timeout,
                           double elapsed)
{
	r->state = state;
	say_why(&r->summary, err, timeout, elapsed);
}

/* Names the silent workers after the count of unresponsive ones, newest seen first, each with when it was
 * last seen: bound to remote control here or heard, they are the ones that may not have answered. */
static void report_silent(const struct options *o, const struct probe *p, struct report *r)
{
	const struct fleet *silent = &p->presence.silent;
	double now = clock_wall();
	struct name_list l = name_list_start(&r->summary, "; silent: ");

	if (fleet_unresponsive(&p->fleet) == 0 || o->nworkers > 0)
		return;
	for (size_t i = 0; i < silent->n; i++) {
		const struct worker *w = &silent->workers[i];
		if (w->state != WORKER_UNRESPONSIVE)
			continue;
		if (!name_list_add(&l))
			continue;
		strbuf_put_clean(&r->summary, w->node);
		strbuf_puts(&r->summary, " (");
		describe_age(&r->summary, w->last_seen, now);
		strbuf_putc(&r->summary, ')');
	}
	name_list_end(&l);
}

/* Workers that beat but cannot be asked take tasks unseen: WARNING, each named with its version. */
static void report_hidden(const struct options *o, const struct probe *p, struct report *r)
{
	struct name_list l = name_list_start(&r->summary, ": "); /* the count is said: no "N more" */
	struct strbuf text = STRBUF_INIT;

	if (o->mode != MODE_BROADCAST) {
		struct perfdata hidden = {"hidden", (double)p->presence.hidden, "", NULL, 1, 0, 0, 0};
		report_perf(r, &hidden);
	}
	if (p->presence.hidden == 0)
		return;
	strbuf_printf(&r->summary, "; %lld hidden (heartbeats, but remote control cannot reach them)",
	              p->presence.hidden);
	for (size_t i = 0; i < p->fleet.n; i++) {
		const struct worker *w = &p->fleet.workers[i];
		if (w->state != WORKER_HIDDEN)
			continue;
		if (name_list_add(&l))
			worker_describe_incompatible(&r->summary, w);
		strbuf_puts(&text, "hidden worker ");
		worker_describe_incompatible(&text, w);
		report_subcheck(r, STATE_WARNING, strbuf_str(&text) ? strbuf_str(&text) : "");
		strbuf_free(&text);
	}
	r->state = state_worst(r->state, STATE_WARNING);
}

/* -v: the silent workers, the listening and the state file. */
static void describe_watch(const struct options *o, const struct probe *p, struct strbuf *sb)
{
	double now = clock_wall();

	for (size_t i = 0; i < p->presence.silent.n; i++) {
		const struct worker *w = &p->presence.silent.workers[i];
		strbuf_put_clean(sb, w->node);
		strbuf_puts(sb, ": ");
		worker_describe_presence(sb, w, now);
		strbuf_putc(sb, '\n');
	}
	if (o->mode != MODE_BROADCAST) {
		double slowest = 0;
		for (size_t i = 0; i < p->heard.n; i++)
			slowest = p->heard.w[i].freq > slowest ? p->heard.w[i].freq : slowest;
		strbuf_printf(sb, "listened %g s: %lld worker events from %zu workers, %lld other messages\n",
		              o->listen, p->heard.events, p->heard.n, p->heard.ignored);
		if (2 * slowest > o->listen)
			strbuf_printf(sb, "some workers beat every %g s: --listen %g would hear each twice\n",
			              slowest, 2 * slowest + 0.5);
	}
	if (p->presence.untold > 0)
		strbuf_printf(
		    sb,
		    "%lld workers beat but did not answer, and the bindings could not be read to tell "
		    "hidden from hung\n",
		    p->presence.untold);
	if (p->presence.bound_unheard > 0)
		strbuf_printf(sb,
		              "%lld workers bound to remote control here were not heard (busy, or gone)\n",
		              p->presence.bound_unheard);
	char *const *odd;
	size_t nodd = probe_odd_names(p, &odd);

	for (size_t i = 0; i < nodd; i++) {
		strbuf_put_clean(sb, odd[i]);
		strbuf_puts(sb,
		            ": its node name holds kombu's separator, so its pidbox binding has more than "
		            "three fields (harmless on Redis); judged as the others\n");
	}
	if (p->state_error[0] != '\0') {
		strbuf_puts(sb, "state not kept: ");
		strbuf_put_clean(sb, p->state_error);
		strbuf_putc(sb, '\n');
	}
}

/* 1 when the worker of that node name answered (a hidden one was only heard). */
static int answered(const struct fleet *f, const char *node)
{
	const struct worker *w = fleet_find(f, node);

	return w != NULL && w->state != WORKER_HIDDEN;
}

/* What listening could not tell: the subscription dropped, or, listening only, who is bound (so who is
 * hidden). The broadcast's findings stand; the check is at least UNKNOWN. */
static void report_listening(const struct options *o, const struct probe *p, struct report *r)
{
	const char *why = p->listen_error[0] ? p->listen_error
	                  : o->mode == MODE_HEARTBEAT && !p->bound_known && p->cut.kind == ERROR_NONE &&
	                          probe_write_blocked(p) == NULL
	                      ? "the workers' bindings could not be read, so hidden workers cannot be told"
	                      : NULL;

	if (why == NULL)
		return;
	strbuf_puts(&r->summary, "; heartbeats: ");
	strbuf_put_clean(&r->summary, why);
	report_subcheck(r, STATE_UNKNOWN, why);
	r->state = state_worst(r->state, STATE_UNKNOWN);
}

/* --worker: a named worker that did not answer is CRITICAL and named (after a cut, only named: the cut
 * decides the state). */
static void report_named(const struct options *o, const struct probe *p, struct report *r)
{
	/* heard instead of asked (no broadcast): one not heard may only beat slowly, or not at all */
	enum state named_state = probe_write_blocked(p) != NULL ? STATE_UNKNOWN : STATE_CRITICAL;
	struct name_list missing = name_list_start(&r->summary, "; did not answer: ");
	struct strbuf text = STRBUF_INIT;

	for (size_t i = 0; i < o->nworkers; i++) {
		if (answered(&p->fleet, o->workers[i]))
			continue;
		if (name_list_add(&missing))
			strbuf_put_clean(&r->summary, o->workers[i]);
		strbuf_puts(&text, "named worker ");
		strbuf_put_clean(&text, o->workers[i]);
		strbuf_puts(&text, " did not answer");
		report_subcheck(r, p->collection_cut ? STATE_OK : named_state, strbuf_str(&text));
		strbuf_free(&text);
	}
	name_list_end(&missing);
	if (missing.named > 0 && !p->collection_cut)
		r->state = state_worst(r->state, named_state);
}

/* No broadcast was sent: kombu's separator is unknown. The workers were heard instead; that is WARNING
 * (the broker lost kombu's bindings), and UNKNOWN where queues were asked about, whose consumers only the
 * broadcast names. */
static void report_unbroadcast(const struct options *o, const struct probe *p, int queues_judged,
                               struct report *r)
{
	const char *queues = "who consumes which queue cannot be told without the broadcast";

	strbuf_puts(&r->summary, "; no broadcast: kombu's key separator is unknown (");
	strbuf_puts(&r->summary, probe_write_blocked(p));
	strbuf_printf(&r->summary,
	              "), so the workers were listened to instead: %zu heard of the %lld that receive remote "
	              "control; --transport-option sep=SEP broadcasts",
	              p->heard.n, p->subscribed);
	report_subcheck(r, STATE_WARNING, probe_write_blocked(p));
	r->state = state_worst(r->state, STATE_WARNING);
	if (o->nqueues > 0 || queues_judged) {
		strbuf_puts(&r->summary, "; ");
		strbuf_puts(&r->summary, queues);
		report_subcheck(r, STATE_UNKNOWN, queues);
		r->state = state_worst(r->state, STATE_UNKNOWN);
	}
}

/* What the probe saw besides the judgement: a collection cut short (its state joins the judged one, and
 * the summary says so first) and keys of ours that could not be removed (at least WARNING). */
static void report_probe(const struct options *o, const struct probe *p, int queues_judged, struct report *r)
{
	const struct inspect_stats *st = &p->fleet.stats;
	long long unorderable = 0;

	for (size_t i = 0; i < p->fleet.n; i++)
		unorderable += p->fleet.workers[i].verdict == VERDICT_UNORDERABLE &&
		               worker_consumes_any(&p->fleet.workers[i], o->queues, o->nqueues);

	if (p->cut.kind != ERROR_NONE) {
		struct strbuf judged = r->summary, empty = STRBUF_INIT;
		r->summary = empty;
		say_why(&r->summary, &p->cut, o->timeout, probe_elapsed(p));
		report_subcheck(r, error_state(&p->cut, o->timeout_state), strbuf_str(&r->summary));
		strbuf_puts(&r->summary, "; ");
		strbuf_puts(&r->summary, strbuf_str(&judged) ? strbuf_str(&judged) : "");
		strbuf_free(&judged);
		r->state = state_worst(r->state, error_state(&p->cut, o->timeout_state));
	}
	if (unorderable > 0) {
		/* the policy cannot place these versions: saying compatible or not would be a guess */
		strbuf_printf(&r->summary, "; %lld worker version%s cannot be ordered by the policy",
		              unorderable, unorderable == 1 ? "" : "s");
		r->state = state_worst(r->state, STATE_UNKNOWN);
		report_subcheck(r, STATE_UNKNOWN, "worker versions that cannot be ordered by the policy");
	}
	if (probe_write_blocked(p) != NULL && p->subscribed > 0)
		report_unbroadcast(o, p, queues_judged, r);
	if (p->alarm[0] != '\0') { /* publishers, Celery's producers among them, are stopped */
		strbuf_puts(&r->summary, "; the broker blocks publishers (");
		strbuf_put_clean(&r->summary, p->alarm);
		strbuf_puts(&r->summary, "): tasks cannot be sent");
		r->state = state_worst(r->state, STATE_CRITICAL);
		report_subcheck(r, STATE_CRITICAL, "the broker blocks publishers");
	}
	if (p->mgmt_error[0] != '\0') { /* asked for and not had: discovery and the count fell short */
		strbuf_puts(&r->summary, "; ");
		strbuf_put_clean(&r->summary, p->mgmt_error);
		r->state = state_worst(r->state, STATE_WARNING);
		report_subcheck(r, STATE_WARNING, "the management API could not be read");
	}
	if (st->cleanup_failed) {
		strbuf_puts(&r->summary, "; could not remove this check's reply queue from the broker: ");
		strbuf_put_clean(&r->summary, st->cleanup_error);
		r->state = state_worst(r->state, STATE_WARNING);
		report_subcheck(r, STATE_WARNING, st->cleanup_error);
	}
	if (o->verbose)
		describe_watch(o, p, &r->details);
	if (o->verbose)
		probe_describe_server(p, &r->details);
	if (o->verbose && o->mode != MODE_HEARTBEAT && probe_write_blocked(p) == NULL &&
	    p->waited + 0.001 < o->inspect_timeout)
		strbuf_printf(&r->details, "-T %g s was shortened to %.3f s to leave room within -t %g s\n",
		              o->inspect_timeout, p->waited, o->timeout);
}

/* A command line that could not be parsed: UNKNOWN, saying why. */
static int check_refuse(const struct program *pg, struct options *o, const struct error *err)
{
	const struct plugin *pl = pg->ctx;
	json_object *doc = json_object_new_object();
	struct report r;
	int rc;

	report_init(&r, pl->service);
	o->format = o->json ? REPORT_JSON : o->format;
	report_failure(&r, STATE_UNKNOWN, err, 0, 0);
	rc = emit(o, &r, doc);
	json_object_put(doc);
	report_free(&r);
	return rc;
}

/* The check: the probe, the plugin's judgement, what every check adds, the output. */
static int check_run(const struct program *pg, struct options *o)
{
	const struct plugin *pl = pg->ctx;
	json_object *doc = json_object_new_object();
	struct error err = {ERROR_NONE, ""};
	struct report r;
	struct probe p;
	int rc;

	report_init(&r, pl->service);
	keep_subchecks(&r, o->format);
	if (probe_start(&p, o, pl->service, &err) < 0 || pl->judge(o, &p, &r, doc, &err) < 0) {
		report_free(&r);
		report_init(&r, pl->service);
		keep_subchecks(&r, o->format);
		json_object_put(doc);
		doc = json_object_new_object();
		report_failure(&r, error_state(&err, o->timeout_state), &err, o->timeout, probe_elapsed(&p));
	} else {
		struct perfdata time = {"time", probe_elapsed(&p), "s", NULL, 1, 0, 0, 0};
		report_perf(&r, &time);
		report_named(o, &p, &r);
		report_silent(o, &p, &r);
		report_hidden(o, &p, &r);
		report_listening(o, &p, &r);
		report_probe(o, &p, (pl->options->groups & 1u << GROUP_QUEUE) != 0, &r);
	}
	probe_finish(&p);
	rc = emit(o, &r, doc);
	json_object_put(doc);
	report_free(&r);
	return rc;
}

int plugin_main(const struct plugin *pl, int argc, char **argv)
{
	struct program pg = {pl->name, pl->options, pl->description, pl->examples,
	                     1,        check_run,   check_refuse,    (void *)pl};

	return program_main(&pg, argc, argv);
}
