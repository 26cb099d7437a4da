/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options: parsing, defaults and cross-checks of the shared command line. */
#include "options.h"

#include "numparse.h"
#include "options_broker.h"
#include "options_files.h"
#include "kombu_names.h"
#include "options_names.h"
#include "options_quarantine.h"
#include "options_tasks.h"
#include "transport_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#define MAX_TIMEOUT 86400.0
#define MIN_TIMEOUT 0.5 /* -t: the cleanup keeps at least 0.25 s (probe.c), the collection the rest */

enum long_only {
	OPT_USERNAME = 256,
	OPT_PASSWORD_FILE,
	OPT_PREFIX,
	OPT_NAMESPACE,
	OPT_JSON,
	OPT_ALLOW_UNTAGGED,
	OPT_BACKLOG_WARNING,
	OPT_BACKLOG_CRITICAL,
	OPT_TRANSPORT_OPTION,
	OPT_EXCLUDE_QUEUE,
	OPT_OUTPUT_FORMAT,
	OPT_TLS,
	OPT_CACERT,
	OPT_CAPATH,
	OPT_CERT,
	OPT_KEY,
	OPT_SNI,
	OPT_INSECURE,
	OPT_SENTINEL_MASTER,
	OPT_SENTINEL_PASSWORD_FILE,
	OPT_SENTINEL_TLS,
	OPT_ACCEPT,
	OPT_EXPECTED_VERSION_FILE,
	OPT_WORKER,
	OPT_LISTEN,
	OPT_STATE_FILE,
	OPT_UNRESPONSIVE_WARNING,
	OPT_UNRESPONSIVE_CRITICAL,
	OPT_BROKER,
	OPT_VHOST,
	OPT_MANAGEMENT_URL,
	OPT_QUARANTINE, /* the event handler's options (GROUP_HANDLER), told apart by name */
	OPT_TASKS,      /* the tasks check's options (GROUP_TASKS), told apart by name */
};

static const struct option long_options[] = {
    {"accept", required_argument, NULL, OPT_ACCEPT},
    {"act-on", required_argument, NULL, OPT_QUARANTINE},
    {"act-on-soft", no_argument, NULL, OPT_QUARANTINE},
    {"action", required_argument, NULL, OPT_QUARANTINE},
    {"allow-empty-queue", no_argument, NULL, OPT_QUARANTINE},
    {"attempt", required_argument, NULL, OPT_QUARANTINE},
    {"execute", no_argument, NULL, OPT_QUARANTINE},
    {"max-workers", required_argument, NULL, OPT_QUARANTINE},
    {"state", required_argument, NULL, OPT_QUARANTINE},
    {"state-type", required_argument, NULL, OPT_QUARANTINE},
    {"runtime-critical", required_argument, NULL, OPT_TASKS},
    {"runtime-warning", required_argument, NULL, OPT_TASKS},
    {"stale-tasks-critical", required_argument, NULL, OPT_TASKS},
    {"stale-tasks-warning", required_argument, NULL, OPT_TASKS},
    {"task", required_argument, NULL, OPT_TASKS},
    {"task-runtime", required_argument, NULL, OPT_TASKS},
    {"allow-untagged", no_argument, NULL, OPT_ALLOW_UNTAGGED},
    {"backlog-critical", required_argument, NULL, OPT_BACKLOG_CRITICAL},
    {"backlog-warning", required_argument, NULL, OPT_BACKLOG_WARNING},
    {"broker", required_argument, NULL, OPT_BROKER},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"capath", required_argument, NULL, OPT_CAPATH},
    {"cert", required_argument, NULL, OPT_CERT},
    {"compatible-critical", required_argument, NULL, 'C'},
    {"compatible-warning", required_argument, NULL, 'W'},
    {"critical", required_argument, NULL, 'c'},
    {"db", required_argument, NULL, 'n'},
    {"exclude-queue", required_argument, NULL, OPT_EXCLUDE_QUEUE},
    {"expected-version", required_argument, NULL, 'e'},
    {"expected-version-file", required_argument, NULL, OPT_EXPECTED_VERSION_FILE},
    {"help", no_argument, NULL, 'h'},
    {"hostname", required_argument, NULL, 'H'},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"inspect-timeout", required_argument, NULL, 'T'},
    {"json", no_argument, NULL, OPT_JSON},
    {"key", required_argument, NULL, OPT_KEY},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"mode", required_argument, NULL, 'm'},
    {"namespace", required_argument, NULL, OPT_NAMESPACE},
    {"output-format", required_argument, NULL, OPT_OUTPUT_FORMAT},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"port", required_argument, NULL, 'p'},
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"queue", required_argument, NULL, 'Q'},
    {"sentinel-master", required_argument, NULL, OPT_SENTINEL_MASTER},
    {"sentinel-password-file", required_argument, NULL, OPT_SENTINEL_PASSWORD_FILE},
    {"sentinel-tls", no_argument, NULL, OPT_SENTINEL_TLS},
    {"sni", required_argument, NULL, OPT_SNI},
    {"state-file", required_argument, NULL, OPT_STATE_FILE},
    {"socket", required_argument, NULL, 's'},
    {"timeout", required_argument, NULL, 't'},
    {"tls", no_argument, NULL, OPT_TLS},
    {"transport-option", required_argument, NULL, OPT_TRANSPORT_OPTION},
    {"unresponsive-critical", required_argument, NULL, OPT_UNRESPONSIVE_CRITICAL},
    {"unresponsive-warning", required_argument, NULL, OPT_UNRESPONSIVE_WARNING},
    {"url", required_argument, NULL, 'u'},
    {"username", required_argument, NULL, OPT_USERNAME},
    {"vhost", required_argument, NULL, OPT_VHOST},
    {"management-url", required_argument, NULL, OPT_MANAGEMENT_URL},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {"warning", required_argument, NULL, 'w'},
    {"worker", required_argument, NULL, OPT_WORKER},
    {NULL, 0, NULL, 0},
};

static const char short_options[] = "+C:H:Q:T:VW:c:e:hm:n:p:s:t:u:vw:";

/* Appends the names of a comma-separated list, blanks around each trimmed; duplicates are removed once
 * all are in (drop_duplicate_queues). */
/* Makes room for one more -Q name, doubling: realloc by one would copy the list for each of 30,000 names. */
static int room_for_a_queue(struct options *o)
{
	char **grown;
	size_t cap = o->queues_cap ? 2 * o->queues_cap : 16;

	if (o->nqueues < o->queues_cap)
		return 0;
	if ((grown = realloc(o->queues, cap * sizeof(char *))) == NULL)
		return -1;
	o->queues = grown;
	o->queues_cap = cap;
	return 0;
}

static int add_queues(struct options *o, const char *list, struct error *err)
{
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ","), lead = strspn(p, " \t"), len = n > lead ? n - lead : 0;
		char *name;

		while (len > 0 && (p[lead + len - 1] == ' ' || p[lead + len - 1] == '\t'))
			len--; /* 'gpu, celery' names celery, not ' celery' */
		if ((name = strndup(p + lead, len)) == NULL || room_for_a_queue(o) < 0) {
			free(name);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
		if (option_text_ok("-Q/--queue: a queue name", name, 0, err) < 0) {
			free(name);
			return -1;
		}
		o->queues[o->nqueues++] = name;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static int by_name(const void *a, const void *b)
{
	int c = strcmp(**(char *const *const *)a, **(char *const *const *)b);
	/* equal names: the earlier one first, so it is the one kept */
	return c ? c
	         : (*(char *const *const *)a > *(char *const *const *)b) -
	               (*(char *const *const *)a < *(char *const *const *)b);
}

/* Removes repeated -Q names, keeping the first of each in the order given, in O(n log n). */
static int drop_duplicate_queues(struct options *o, struct error *err)
{
	char ***sorted = calloc(o->nqueues ? o->nqueues : 1, sizeof(*sorted));
	size_t kept = 0;

	if (sorted == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; i < o->nqueues; i++)
		sorted[i] = &o->queues[i];
	qsort(sorted, o->nqueues, sizeof(*sorted), by_name);
	for (size_t i = 1, first = 0; i < o->nqueues; i++) {
		if (strcmp(*sorted[i], *sorted[first]) != 0) {
			first = i;
		} else {
			free(*sorted[i]);
			*sorted[i] = NULL;
		}
	}
	free(sorted);
	for (size_t i = 0; i < o->nqueues; i++)
		if (o->queues[i] != NULL)
			o->queues[kept++] = o->queues[i];
	o->nqueues = kept;
	return 0;
}

/* --output-format: the values monitoring-plugins 3 gives its checks, in any case. */
static int set_format(struct options *o, const char *arg, struct error *err)
{
	if (strcasecmp(arg, "multi-line") == 0)
		o->format = REPORT_MULTI_LINE;
	else if (strcasecmp(arg, "mp-test-json") == 0)
		o->format = REPORT_MP_TEST_JSON;
	else
		return error_set(err, ERROR_USAGE,
		                 "--output-format: '%.40s' is not multi-line or mp-test-json", arg);
	return 0;
}

/* -e VERSION; "v0.12.0", as the tag reads in a node name (-v0.12.0), means 0.12.0. */
static int set_expected(struct options *o, const char *arg, struct error *err)
{
	if ((arg[0] == 'v' || arg[0] == 'V') && arg[1] >= '0' && arg[1] <= '9')
		arg++;
	if (option_text_ok("-e/--expected-version", arg, 0, err) < 0)
		return -1;
	return version_policy_expect(&o->policy, arg, err);
}

/* --expected-version-file PATH: the first line of a file a deploy pipeline writes, as -e. */
static int read_expected_file(struct options *o, const char *path, struct error *err)
{
	char *line = NULL;
	int rc;

	if (options_read_first_line("--expected-version-file", path, 0, &line, err) < 0)
		return -1;
	if (strcmp(line, "newest") == 0)
		rc = error_set(err, ERROR_USAGE, "--expected-version-file: holds 'newest'; use -e newest");
	else if (o->policy.expected != NULL || o->policy.newest)
		rc = error_set(err, ERROR_USAGE, "-e and --expected-version-file: give one expected version");
	else if ((rc = set_expected(o, line, err)) < 0)
		error_wrap(err, "--expected-version-file");
	free(line);
	return rc < 0 ? -1 : 0;
}

static int add_exclude(struct options *o, const char *glob, struct error *err)
{
	char **grown;

	if (option_text_ok("--exclude-queue", glob, 0, err) < 0)
		return -1;
	if ((grown = realloc(o->exclude, (o->nexclude + 1) * sizeof(char *))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	o->exclude = grown;
	o->exclude[o->nexclude++] = (char *)glob;
	return 0;
}

/* -m broadcast|heartbeat|both */
static int set_mode(struct options *o, const char *arg, struct error *err)
{
	static const struct {
		const char *name;
		enum probe_mode mode;
	} modes[] = {{"broadcast", MODE_BROADCAST}, {"heartbeat", MODE_HEARTBEAT}, {"both", MODE_BOTH}};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(arg, modes[i].name) == 0) {
			o->mode = modes[i].mode;
			return 0;
		}
	return error_set(err, ERROR_USAGE, "-m/--mode: '%.40s' is not broadcast, heartbeat or both", arg);
}

/* --listen against the mode: heartbeats come every 2 s by default; one interval catches every live worker
 * once (both), two are needed before a worker may be called gone (heartbeat). */
static int check_listen(struct options *o, struct error *err)
{
	double least = o->mode == MODE_HEARTBEAT ? 4.0 : 2.0;

	if (o->listen == 0)
		o->listen = o->mode == MODE_HEARTBEAT ? 4.5 : 2.5;
	else if (o->mode == MODE_BROADCAST)
		return error_set(err, ERROR_USAGE, "--listen needs -m heartbeat or -m both");
	if (o->mode != MODE_BROADCAST && o->listen < least)
		return error_set(err, ERROR_USAGE,
		                 "--listen: at least %g s with -m %s (heartbeats come every 2 s)", least,
		                 o->mode == MODE_HEARTBEAT ? "heartbeat" : "both");
	if (o->mode != MODE_BROADCAST && o->listen + 0.5 > o->timeout)
		return error_set(err, ERROR_USAGE,
		                 "--listen %g s does not fit in -t %g s (with 0.5 s to spare)", o->listen,
		                 o->timeout);
	return 0;
}

/* --worker NODE[,NODE...]: node names as the workers give them (NAME@HOST). */
static int add_workers(struct options *o, const char *list, struct error *err)
{
	for (const char *p = list;; p += strcspn(p, ",") + 1) {
		size_t n = strcspn(p, ",");
		char **grown, *name;

		if ((name = strndup(p, n)) == NULL ||
		    (grown = realloc(o->workers, (o->nworkers + 1) * sizeof(char *))) == NULL) {
			free(name);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
		o->workers = grown;
		o->workers[o->nworkers++] = name;
		if (option_text_ok("--worker: a node name", name, 0, err) < 0)
			return -1;
		if (strchr(name, '@') == NULL)
			return error_set(
			    err, ERROR_USAGE,
			    "--worker: '%.60s' is not a node name (NAME@HOST, as in celery-v0.12.0@host)",
			    name);
		for (size_t i = 0; i + 1 < o->nworkers; i++)
			if (strcmp(o->workers[i], name) == 0) { /* named twice: asked once */
				free(o->workers[--o->nworkers]);
				break;
			}
		if (p[n] == '\0')
			return 0;
	}
}

static int set_range(struct range *r, int *has, const char *opt, const char *arg, struct error *err)
{
	if (range_parse(arg, r, err) < 0)
		return error_wrap(err, opt);
	*has = 1;
	return 0;
}

static int parse_seconds(const char *opt, const char *arg, double *out, struct error *err)
{
	if (parse_decimal(arg, out) < 0)
		return error_set(err, ERROR_USAGE, "%s: '%.40s' is not a number of seconds", opt, arg);
	if (*out <= 0)
		return error_set(err, ERROR_USAGE, "%s: must be more than 0 seconds", opt);
	if (*out > MAX_TIMEOUT)
		return error_set(err, ERROR_USAGE, "%s: must be at most %.0f seconds", opt, MAX_TIMEOUT);
	return 0;
}

/* -t SECONDS[:STATE] */
static int parse_timeout(struct options *o, const char *arg, struct error *err)
{
	const char *colon = strchr(arg, ':');
	char secs[32];
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (n >= sizeof(secs))
		return error_set(err, ERROR_USAGE, "-t/--timeout: '%.40s' is too long", arg);
	memcpy(secs, arg, n);
	secs[n] = '\0';
	if (parse_seconds("-t/--timeout", secs, &o->timeout, err) < 0)
		return -1;
	if (o->timeout < MIN_TIMEOUT)
		return error_set(
		    err, ERROR_USAGE,
		    "-t/--timeout: must be at least %g seconds: 0.25 s are kept to clean up, and replies "
		    "need the rest",
		    MIN_TIMEOUT);
	if (colon != NULL && state_parse(colon + 1, &o->timeout_state) < 0)
		return error_set(err, ERROR_USAGE,
		                 "-t/--timeout: '%.40s' is not ok, warning, critical or unknown", colon + 1);
	return 0;
}

static int set_defaults(struct options *o, struct error *err)
{
	struct error ignored;

	memset(o, 0, sizeof(*o));
	if ((o->names = calloc(1, sizeof(*o->names))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	kombu_names_default(o->names);
	o->inspect_timeout = 1.0;
	o->timeout = 10.0;
	o->timeout_state = STATE_UNKNOWN;
	/* -w 0: any incompatible worker warns; -C 1:: no compatible worker is critical; one unresponsive
	 * warns. */
	o->incompatible.has_warn = range_parse("0", &o->incompatible.warn, &ignored) == 0;
	o->unresponsive.has_warn = range_parse("0", &o->unresponsive.warn, &ignored) == 0;
	o->compatible.has_crit = range_parse("1:", &o->compatible.crit, &ignored) == 0;
	quarantine_options_default(&o->quarantine);
	task_options_default(&o->tasks);
	return 0;
}

/* The group of an option beyond those every program takes, or -1. */
static int group_of(int c)
{
	static const char fleet[] = {'C', 'W', 'c', 'w'};

	if (memchr(fleet, c, sizeof(fleet)) != NULL)
		return GROUP_FLEET;
	if (c == 'm' || c == 'v' || c == OPT_LISTEN || c == OPT_STATE_FILE || c == OPT_UNRESPONSIVE_WARNING ||
	    c == OPT_UNRESPONSIVE_CRITICAL || c == OPT_OUTPUT_FORMAT)
		return GROUP_CHECK;
	if (c == OPT_BACKLOG_WARNING || c == OPT_BACKLOG_CRITICAL || c == OPT_EXCLUDE_QUEUE)
		return GROUP_QUEUE;
	if (c == OPT_TASKS)
		return GROUP_TASKS;
	return c == OPT_QUARANTINE ? GROUP_HANDLER : -1;
}

/* An option the program does not take, refused naming who takes it: the checks' thresholds, modes and
 * formats mean nothing to the event handler, its options nothing to the checks. */
static int not_taken(const struct option_set *set, int c, const char *name, struct error *err)
{
	int g = group_of(c);

	if (g < 0 || set->groups & 1u << g)
		return 0;
	if ((g == GROUP_QUEUE || g == GROUP_FLEET) && !(set->groups & 1u << GROUP_CHECK))
		g = GROUP_CHECK; /* to a program that is no check, the other checks' options are the checks'
		                  */
	if (g == GROUP_CHECK || g == GROUP_FLEET)
		return error_set(err, ERROR_USAGE, "%s is an option of %s, not of %s", name, set->takers[g],
		                 set->program);
	return error_set(err, ERROR_USAGE, "%s is an option of %s only", name, set->takers[g]);
}

static int unknown_option(char **argv, struct error *err)
{
	const char *arg = argv[optind - 1];

	/* getopt sets optopt to the option's value when its argument is missing, to 0 for an unknown long
	 * option, and to the character for an unknown short one. */
	if (optopt >= 256 || (optopt > 0 && strchr(short_options + 1, optopt) != NULL))
		return error_set(err, ERROR_USAGE, "option '%.*s' needs a value", (int)strcspn(arg, "="),
		                 arg);
	if (optopt > 0)
		return error_set(err, ERROR_USAGE, "unknown option '-%c'", optopt);
	return error_set(err, ERROR_USAGE, "unknown option '%.*s'", (int)strcspn(arg, "="), arg);
}

/* One option: its value checked and kept in o, or (the broker's) in a; help and version noted. index is
 * the long option's, or -1. */
static int take_option(struct options *o, struct broker_args *a, int c, int index, char **argv, int *help,
                       int *version, struct error *err)
{
	int rc = 0;

	switch (c) {
	case 'C':
		rc = set_range(&o->compatible.crit, &o->compatible.has_crit, "-C/--compatible-critical",
		               optarg, err);
		break;
	case 'H':
		a->host = optarg;
		break;
	case 'Q':
		rc = add_queues(o, optarg, err);
		break;
	case 'T':
		rc = parse_seconds("-T/--inspect-timeout", optarg, &o->inspect_timeout, err);
		break;
	case 'V':
		*version = 1;
		break;
	case 'W':
		rc = set_range(&o->compatible.warn, &o->compatible.has_warn, "-W/--compatible-warning",
		               optarg, err);
		break;
	case 'c':
		rc =
		    set_range(&o->incompatible.crit, &o->incompatible.has_crit, "-c/--critical", optarg, err);
		break;
	case 'e':
		rc = set_expected(o, optarg, err);
		break;
	case 'h':
		*help = 1;
		break;
	case 'n':
		a->db = optarg;
		break;
	case 'p':
		a->port = optarg;
		break;
	case 's':
		a->socket = optarg;
		break;
	case 't':
		rc = parse_timeout(o, optarg, err);
		break;
	case 'u':
		a->url = optarg;
		break;
	case 'v':
		o->verbose++;
		break;
	case 'w':
		rc = set_range(&o->incompatible.warn, &o->incompatible.has_warn, "-w/--warning", optarg, err);
		break;
	case OPT_ALLOW_UNTAGGED:
		o->policy.allow_untagged = 1;
		break;
	case OPT_BACKLOG_CRITICAL:
	case OPT_BACKLOG_WARNING:
		if (c == OPT_BACKLOG_WARNING)
			rc = set_range(&o->backlog.warn, &o->backlog.has_warn, "--backlog-warning", optarg,
			               err);
		else
			rc = set_range(&o->backlog.crit, &o->backlog.has_crit, "--backlog-critical", optarg,
			               err);
		break;
	case OPT_EXCLUDE_QUEUE:
		rc = add_exclude(o, optarg, err);
		break;
	case OPT_JSON:
		o->json = 1;
		break;
	case OPT_OUTPUT_FORMAT:
		rc = set_format(o, optarg, err);
		break;
	case OPT_NAMESPACE:
		o->names->ns = optarg;
		rc = option_text_ok("--namespace", optarg, 0, err);
		break;
	case OPT_PASSWORD_FILE:
		a->password_file = optarg;
		break;
	case OPT_PREFIX:
		a->prefix = optarg;
		rc = option_text_ok("--prefix", optarg, 1, err);
		break;
	case OPT_BROKER:
		a->broker = optarg;
		break;
	case OPT_VHOST:
		a->vhost = optarg;
		break;
	case OPT_MANAGEMENT_URL:
		a->management_url = optarg;
		break;
	case OPT_TRANSPORT_OPTION:
		a->transport_option = optarg;
		rc = option_text_ok("--transport-option", optarg, 0, err);
		if (rc == 0 && strncmp(optarg, "master_name=", 12) == 0)
			a->master_name = optarg + 12; /* Sentinel's, not a name on the wire */
		else if (rc == 0)
			rc = kombu_transport_option(o->names, optarg, err);
		break;
	case OPT_TLS:
		a->tls = 1;
		break;
	case OPT_CACERT:
		a->cacert = optarg;
		break;
	case OPT_CAPATH:
		a->capath = optarg;
		break;
	case OPT_CERT:
		a->cert = optarg;
		break;
	case OPT_KEY:
		a->key = optarg;
		break;
	case OPT_SNI:
		a->sni = optarg;
		break;
	case OPT_INSECURE:
		a->insecure = 1;
		break;
	case OPT_SENTINEL_MASTER:
		a->sentinel_master = optarg;
		break;
	case OPT_SENTINEL_PASSWORD_FILE:
		a->sentinel_password_file = optarg;
		break;
	case OPT_SENTINEL_TLS:
		a->sentinel_tls = 1;
		break;
	case OPT_ACCEPT:
		rc = option_text_ok("--accept", optarg, 0, err);
		if (rc == 0)
			rc = version_policy_accept(&o->policy, optarg, err);
		break;
	case OPT_EXPECTED_VERSION_FILE:
		rc = read_expected_file(o, optarg, err);
		break;
	case OPT_WORKER:
		rc = add_workers(o, optarg, err);
		break;
	case 'm':
		rc = set_mode(o, optarg, err);
		break;
	case OPT_LISTEN:
		rc = parse_seconds("--listen", optarg, &o->listen, err);
		break;
	case OPT_STATE_FILE:
		o->state_file = optarg;
		rc = option_text_ok("--state-file", optarg, 1, err);
		if (rc == 0 && strlen(optarg) > 400)
			rc = error_set(err, ERROR_USAGE, "--state-file: longer than 400 characters");
		break;
	case OPT_UNRESPONSIVE_WARNING:
		rc = set_range(&o->unresponsive.warn, &o->unresponsive.has_warn, "--unresponsive-warning",
		               optarg, err);
		break;
	case OPT_UNRESPONSIVE_CRITICAL:
		rc = set_range(&o->unresponsive.crit, &o->unresponsive.has_crit, "--unresponsive-critical",
		               optarg, err);
		break;
	case OPT_USERNAME:
		a->username = optarg;
		break;
	case OPT_QUARANTINE:
		rc = quarantine_option(&o->quarantine, long_options[index].name, optarg, err);
		break;
	case OPT_TASKS:
		rc = task_option(&o->tasks, long_options[index].name, optarg, err);
		break;
	default:
		rc = unknown_option(argv, err);
		break;
	}
	return rc;
}

/* The options together, once all are read: what is required, what excludes what, and what follows. */
static int check_together(struct options *o, const struct option_set *set, const struct broker_args *a,
                          struct error *err)
{
	int handler = (set->groups & 1u << GROUP_HANDLER) != 0,
	    queues = (set->groups & 1u << GROUP_QUEUE) != 0;

	if (o->policy.nspecs == 0 && !o->policy.newest)
		return error_set(
		    err, ERROR_USAGE,
		    "-e/--expected-version (or --accept, or --expected-version-file) is required");
	if (options_resolve_broker(&o->addr, a, err) < 0 || drop_duplicate_queues(o, err) < 0)
		return -1;
	if (o->addr.username != NULL && o->addr.password == NULL)
		return error_set(err, ERROR_USAGE,
		                 "a user name (--username, or the URL's) needs a password: --password-file, "
		                 "the URL%s",
		                 o->addr.kind == BROKER_REDIS ? " or $REDISCLI_AUTH" : "");
	if (a->prefix != NULL && *o->names->prefix != '\0' && strcmp(a->prefix, o->names->prefix) != 0)
		return error_set(err, ERROR_USAGE, "--prefix and --transport-option global_keyprefix differ");
	if (a->prefix != NULL)
		o->names->prefix = a->prefix;
	o->names->db = o->addr.db;
	o->names->sentinel = o->addr.sentinel.n > 0;
	o->discover = queues && o->nqueues == 0;
	o->hint = queues && o->nqueues > 0;
	if (check_listen(o, err) < 0)
		return -1;
	if (o->mode == MODE_HEARTBEAT && set->groups & 1u << GROUP_TASKS)
		return error_set(err, ERROR_USAGE,
		                 "-m heartbeat hears no tasks: %s needs the broadcast (-m broadcast or both)",
		                 set->program);
	if (o->mode == MODE_HEARTBEAT && (o->nqueues > 0 || o->nworkers > 0) && !queues)
		return error_set(err, ERROR_USAGE,
		                 "-m heartbeat hears names, not queues: -Q and --worker need the broadcast");
	if (o->mode == MODE_HEARTBEAT && queues && o->nqueues == 0)
		return error_set(err, ERROR_USAGE, "-m heartbeat needs -Q: it hears no queue names");
	if (o->mode == MODE_HEARTBEAT && o->nworkers > 0)
		return error_set(err, ERROR_USAGE, "--worker needs the broadcast (-m broadcast or both)");
	if (o->json && o->format != REPORT_PLUGIN)
		return error_set(err, ERROR_USAGE, "--json and --output-format cannot be combined");
	if (o->json)
		o->format = REPORT_JSON;
	if (handler) {
		o->state_file = ""; /* the checks' record of who was seen is theirs */
		return quarantine_options_check(&o->quarantine, o->timeout, o->policy.newest, err) < 0
		           ? -1
		           : OPTIONS_RUN;
	}
	return OPTIONS_RUN;
}

int options_parse(struct options *o, const struct option_set *set, int argc, char **argv, struct error *err)
{
	struct broker_args a;
	int c, help = 0, version = 0, index;

	if (set_defaults(o, err) < 0)
		return -1;
	if (set->groups & 1u << GROUP_HANDLER)
		o->timeout_state = STATE_CRITICAL; /* the handler's exit 2: it could not act */
	memset(&a, 0, sizeof(a));
	if (options_check_names(argc, argv, long_options, short_options, err) < 0)
		return -1;
	opterr = 0;
	optind = 0; /* 0 makes GNU getopt start afresh */
	while ((index = -1, c = getopt_long(argc, argv, short_options, long_options, &index)) != -1) {
		char name[40];
		if (index >= 0)
			snprintf(name, sizeof(name), "--%s", long_options[index].name);
		else
			snprintf(name, sizeof(name), "-%c", c);
		if ((c != '?' && not_taken(set, c, name, err) < 0) ||
		    take_option(o, &a, c, index, argv, &help, &version, err) < 0)
			return -1;
	}
	if (help)
		return OPTIONS_HELP;
	if (version)
		return OPTIONS_VERSION;
	if (optind < argc)
		return error_set(err, ERROR_USAGE, "unexpected argument '%.60s'", argv[optind]);
	return check_together(o, set, &a, err);
}

void options_free(struct options *o)
{
	free(o->names);
	o->names = NULL;
	broker_addr_free(&o->addr);
	version_policy_free(&o->policy);
	for (size_t i = 0; i < o->nqueues; i++)
		free(o->queues[i]);
	free(o->queues);
	free(o->exclude);
	for (size_t i = 0; i < o->nworkers; i++)
		free(o->workers[i]);
	free(o->workers);
	task_options_free(&o->tasks);
	o->workers = NULL;
	o->nworkers = 0;
	o->exclude = NULL;
	o->nexclude = 0;
	o->queues = NULL;
	o->nqueues = 0;
}
