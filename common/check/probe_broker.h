/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe_broker: the part of a check's run that is the broker's own: its connection, names, binding sets,
 * separator, listener and management lists. Only check/ includes this (it sees the brokers' folders); the
 * programs see struct probe without it. */
#ifndef CELERY_PROBE_BROKER_H
#define CELERY_PROBE_BROKER_H

#include "bindings.h"
#include "broker.h"
#include "heartbeats.h"
#include "kombu_names.h"
#include "mgmt_api.h"
#include "nearby.h"
#include "probe.h"
#include "rabbit_events.h"
#include "rabbit_link.h"
#include "sep_choice.h"

struct probe_broker {
	struct rabbit_link rabbit; /* RabbitMQ: the connection */
	struct broker broker;      /* Redis: still open after probe_start, for further reads */
	struct kombu_names names;  /* the options' names, with the separator learned from the broker */
	struct bindings bindings;  /* the binding sets read: a sample, or all of them with discovery */
	struct nearby nearby;      /* when the broadcast reached nobody: what the broker shows nearby */
	struct sep_choice sep;     /* kombu's separator: given, learned, or unknown (no broadcast was
	                              sent, the workers' heartbeats were listened to instead) */
	struct listener listener;  /* modes heartbeat and both: the subscription (Redis) */
	struct rabbit_listener rlistener; /* the same on RabbitMQ: the event queue's connection */
	struct mgmt_queues mgmt; /* RabbitMQ's management API: the vhost's queues (--management-url) */
};

#endif
