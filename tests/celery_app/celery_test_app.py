# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal Celery app for the test harness, the demo and the benchmark.

The broker comes from $BROKER_URL; $KEY_PREFIX sets kombu's global_keyprefix; $TRANSPORT_OPTIONS, a JSON
object, adds further broker_transport_options (e.g. {"sep": ":", "priority_steps": [0, 1, ..., 9]});
$CONTROL_EXCHANGE sets Celery's control_exchange (the remote control namespace); $REMOTE_CONTROL=off sets
worker_enable_remote_control to False (the worker still sends heartbeats, but no broadcast reaches it).
"""
import json
import os
import time

from celery import Celery

app = Celery("celery_test_app", broker=os.environ.get("BROKER_URL", "redis://127.0.0.1:6379/0"))
options = json.loads(os.environ.get("TRANSPORT_OPTIONS") or "{}")
if os.environ.get("KEY_PREFIX"):
    options["global_keyprefix"] = os.environ["KEY_PREFIX"]
if options:
    app.conf.broker_transport_options = options
if os.environ.get("CONTROL_EXCHANGE"):
    app.conf.control_exchange = os.environ["CONTROL_EXCHANGE"]
if os.environ.get("REMOTE_CONTROL") == "off":
    app.conf.worker_enable_remote_control = False


@app.task
def add(x, y):
    return x + y


@app.task
def sleep(seconds, note=None):
    """Sleeps; note is only carried (the tests put a secret in it that no output may show)."""
    time.sleep(seconds)
    return seconds
