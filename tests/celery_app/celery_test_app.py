# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal Celery app for the test harness, the demo and the benchmark.

The broker comes from $BROKER_URL; $KEY_PREFIX sets kombu's global_keyprefix.
"""
import os

from celery import Celery

app = Celery("celery_test_app", broker=os.environ.get("BROKER_URL", "redis://127.0.0.1:6379/0"))
if os.environ.get("KEY_PREFIX"):
    app.conf.broker_transport_options = {"global_keyprefix": os.environ["KEY_PREFIX"]}


@app.task
def add(x, y):
    return x + y
