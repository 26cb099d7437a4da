# SPDX-License-Identifier: GPL-3.0-or-later
"""amqp_fleet_sim.py: N simulated Celery workers on RabbitMQ for the benchmark, on one connection of Debian's
py-amqp (the library Celery's workers use). Each has the control queue a Celery 5.2.6 worker declares
(NODE.celery.pidbox: auto-delete, x-expires 10000, x-message-ttl 300000, bound to the celery.pidbox fanout)
and answers active_queues as the captured worker does (tests/vectors/amqp-celery-5.2.6): its reply, with
the node name changed, published to the reply exchange with the ticket and clock headers. Prints "ready"
once every queue is consumed.

Usage: python3 amqp_fleet_sim.py URL N VECTOR_FILE
"""
import json
import sys

import amqp


def captured_reply(vector):
    """The queue list of the first active_queues reply in the capture."""
    for line in open(vector):
        rec = json.loads(line)
        if rec["trace_rk"] == "publish.reply.celery.pidbox":
            return list(json.loads(rec["body"]).values())[0]
    raise SystemExit("no reply in " + vector)


def main():
    url, n, vector = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    host = url.split("@")[-1].split("/")[0]
    queues = captured_reply(vector)
    conn = amqp.Connection(host=host, userid="guest", password="guest", virtual_host="/")
    conn.connect()
    ch = conn.channel()
    ch.exchange_declare("celery.pidbox", "fanout", durable=False, auto_delete=False)
    clock = [0]
    pending = []

    def answer(node):
        def on_message(msg):
            body = json.loads(msg.body)
            reply_to = body.get("reply_to")
            if body.get("method") != "active_queues" or not reply_to:
                return
            if body.get("destination") and node not in body["destination"]:
                return
            pending.append((node, reply_to, body["ticket"]))
        return on_message

    def flush():
        """Answers what arrived, from the main loop: a publish from within a delivery's callback lets
        py-amqp deliver the next message inside it, one stack frame deeper per worker."""
        while pending:
            node, reply_to, ticket = pending.pop(0)
            clock[0] += 1
            reply = amqp.Message(json.dumps({node: queues}), content_type="application/json",
                                 content_encoding="utf-8", application_headers={"ticket": ticket,
                                                                                "clock": clock[0]},
                                 delivery_mode=1, priority=0)
            ch.basic_publish(reply, exchange=reply_to["exchange"], routing_key=reply_to["routing_key"])

    for i in range(n):
        node = "celery-v0.12.0@sim%05d" % i
        queue = node + ".celery.pidbox"
        ch.queue_declare(queue, durable=False, auto_delete=True,
                         arguments={"x-expires": 10000, "x-message-ttl": 300000})
        ch.queue_bind(queue, "celery.pidbox", "")
        ch.basic_consume(queue, callback=answer(node), no_ack=True)
    print("ready", flush=True)
    while True:
        try:
            conn.drain_events(timeout=0.05)
        except TimeoutError:
            pass
        flush()


if __name__ == "__main__":
    main()
