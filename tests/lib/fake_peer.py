# SPDX-License-Identifier: GPL-3.0-or-later
"""fake_peer.py: stands in for Celery workers on a real redis-server, for tests a real worker cannot drive.

It PSUBSCRIBEs the control channel as a worker does (so PUBLISH counts it), decodes every broadcast and
answers on the broadcast's reply list. Its replies are built from the captured Celery 5.2.6 reply
(tests/vectors/celery-5.2.6/reply-active_queues-tagged.json): `selftest` proves that, given the captured
ticket, routing key, node name and delivery tag, it reproduces the captured payload byte for byte.

Usage: python3 fake_peer.py PORT MODE [ARG]; prints "ready" once subscribed, runs until killed.
  fleet N       N workers fake-NNNN-v0.12.0@fleet (one pattern subscription each), answering correctly
  silent        one worker that receives broadcasts and never answers
  hostile KIND  one worker that first pushes a hostile message of KIND, then a valid reply as
                hostile-v0.12.0@peer (KIND reply itself for: controlname, duplicate, badutf8; no valid
                reply for threebad)
  sublist       one worker whose valid reply comes with an extra message in the reply queue's priority
                sub-list (SEP3), both pushed at once: only the cleanup's DEL removes the extra one
  hugebatch     two workers whose replies land at once around a 64 MiB message: a 10 KiB reply, the
                huge one, then the second reply, so that the huge one is read in the middle of a batch
  late          one worker that looks the reply binding up at once, as kombu does, and pushes its reply
                the moment the binding is gone, without looking again: a reply already on its way when
                the check ends, pushed between its SREM and its DEL
  stalled       as late, but the push comes 0.5 s after the binding is gone: long after the check's DEL
  bigfleet N    N workers big-NNNN-v0.12.0@fleet consuming 1,000 queues each (replies of about 700 KB),
                answering in one pipeline: more than the 16 MiB batch cap lands in the reply list at once
  tasks KIND    one worker tasks-v0.11.0@peer that answers active_queues, and to reserved and active: nothing
                (KIND notasks: a worker busy in a solo pool), or malformed task lists and an error
                (KIND malformed), or long task names (KIND long: 3,000-byte names and ids, names that
                print alike, 60 more names; captured task entries with other ids, names and start times)
  selftest      (no PORT needed: use 0) check the reply builder against the vector and exit
"""
import base64
import functools
import json
import os
import pickle
import sys
import time

VECTORS = os.path.join(os.path.dirname(__file__), "..", "vectors", "celery-5.2.6")
SEP = "\x06\x16"
BIG_QUEUES = ["queue-with-a-long-name-%04d" % i for i in range(1000)]


def captured(name):
    with open(os.path.join(VECTORS, name)) as f:
        return json.load(f)


TEMPLATE = captured("reply-active_queues-tagged.json")


def dumps(obj):
    """JSON as kombu writes it (json.dumps defaults)."""
    return json.dumps(obj)


def build_reply(ticket, routing_key, node, delivery_tag, queues=None, ticket_present=True, result=None):
    """An active_queues reply envelope shaped exactly like the captured one (or carrying another result)."""
    envelope = json.loads(TEMPLATE["payload"])
    if result is None:
        result = next(iter(TEMPLATE["decoded_body"].values()))
    if queues is not None:
        result = [dict(result[0], name=q, routing_key=q, exchange=dict(result[0]["exchange"], name=q))
                  for q in queues]
    envelope["body"] = base64.b64encode(dumps({node: result}).encode()).decode()
    if ticket_present:
        envelope["headers"]["ticket"] = ticket
    else:
        del envelope["headers"]["ticket"]
    envelope["properties"]["delivery_info"]["routing_key"] = routing_key
    envelope["properties"]["delivery_tag"] = delivery_tag
    return dumps(envelope)


def long_tasks(method, node):
    """tasks long: task entries shaped as the captured active one, with names and ids no check may print whole."""
    captured = next(iter(json.loads(open(os.path.join(VECTORS, "reply-active-tagged.json")).read())["decoded_body"].values()))[0]
    def task(name, task_id, started):
        return dict(captured, id=task_id, name=name, type=name, hostname=node, time_start=started)
    if method == "active":
        return [task("a." + "L" * 3000, "I" * 3000, time.time() - 3600)]
    names = ["stale", "longest", "a.x=y", "a.x|y"] + ["z.%02d.%s" % (i, "x" * 3000) for i in range(60)]
    return [task(name, "r%d" % i, None) for i, name in enumerate(names)]


def nodes(mode, count):
    """The node names the peer answers as."""
    if mode in ("fleet", "bigfleet"):
        return [("fake-%04d-v0.12.0@fleet" if mode == "fleet" else "big-%04d-v0.12.0@fleet") % i for i in range(count)]
    if mode == "hugebatch":
        return ["first-v0.12.0@peer", "second-v0.12.0@peer"]
    if mode == "tasks":
        return ["tasks-v0.11.0@peer"]
    return ["%s-v0.12.0@peer" % {"stalled": "late"}.get(mode, mode)]


def selftest():
    envelope = json.loads(TEMPLATE["payload"])
    node = next(iter(TEMPLATE["decoded_body"]))
    ours = build_reply(envelope["headers"]["ticket"], envelope["properties"]["delivery_info"]["routing_key"],
                       node, envelope["properties"]["delivery_tag"])
    if ours != TEMPLATE["payload"]:
        print("fake reply differs from the captured one:\n%s\n%s" % (ours, TEMPLATE["payload"]))
        return 1
    print("fake reply matches the captured Celery 5.2.6 reply byte for byte")
    return 0


@functools.lru_cache(maxsize=4)
def b64(body):
    """The base64 text of a body (str or bytes), computed once: the 64 MiB one takes seconds."""
    return base64.b64encode(body if isinstance(body, bytes) else body.encode()).decode()


def with_body(ticket, routing_key, body_text, encode=True, content_type="application/json"):
    envelope = json.loads(TEMPLATE["payload"])
    envelope["body"] = b64(body_text) if encode else body_text
    envelope["content-type"] = content_type
    envelope["headers"]["ticket"] = ticket
    envelope["properties"]["delivery_info"]["routing_key"] = routing_key
    return dumps(envelope)


def hostile_messages(kind, ticket, key):
    """The hostile message(s) of KIND, and whether a valid reply follows. Only KIND's messages are built:
    building the 64 MiB one for every broadcast made the peer answer seconds late."""
    deep = lambda: "[" * 10000 + "]" * 10000
    table = {
        "notjson": lambda: (["this is not JSON {"], True),
        "wrongshape": lambda: (['{"body": 5, "headers": {"ticket": "%s"}}' % ticket, "[1, 2, 3]"], True),
        "badbase64": lambda: ([with_body(ticket, key, "!!!not base64!!!", encode=False)], True),
        "wrongticket": lambda: ([build_reply("another-check", key, "thief-v0.12.0@peer", "t")], True),
        "noticket": lambda: ([build_reply(ticket, key, "anon-v0.12.0@peer", "t", ticket_present=False)], True),
        "deep": lambda: ([with_body(ticket, key, '{"deep-v0.12.0@peer": %s}' % deep())], True),
        "huge": lambda: ([with_body(ticket, key, HUGE_BODY)], True),
        "pickle": lambda: ([with_body(ticket, key, pickle.dumps({"pickled-v0.12.0@peer": []}, protocol=4),
                                      content_type="application/x-python-serialize")], False),
        "controlname": lambda: ([build_reply(ticket, key, "evil|name\nnew line\x07-v0.12.0@peer", "t",
                                             queues=["gpu|x", "q=1", "it's"])], False),
        "duplicate": lambda: ([build_reply(ticket, key, "celery-v0.12.0@hostA", "t")] * 2, False),
        "queuetwice": lambda: ([build_reply(ticket, key, "twice-v0.11.0@peer", "t", queues=["gpu", "gpu"])], False),
        # Three malformed messages carrying our ticket: none may count as an answer.
        "threebad": lambda: ([with_body(ticket, key, "!!!not base64!!!", encode=False),
                              with_body(ticket, key, '["not", "a", "reply"]'),
                              with_body(ticket, key, "not a pickle", content_type="application/x-python-serialize")],
                             False),
        "nulname": lambda: ([with_body(ticket, key, '{"nul\\u0000-v0.12.0@peer": []}')], True),
        "badutf8": lambda: ([with_body(ticket, key, b'{"bad\xff\xfe-v0.12.0@peer": [{"name": "q\xc3"}]}')], False),
    }
    return table[kind]()


HUGE_BODY = '{"huge-v0.12.0@peer": "%s"}' % ("x" * (64 << 20))


# Any number of messages routed at once onto the queue, in order.
ROUTE_MANY = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  for i = 2, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
  return #ARGV - 1
end
return 0
"""


# Two messages routed at once: the reply onto the queue, then another onto a priority sub-list of it. The
# reply comes first, so a check blocked on the lists is served the reply, and the other stays for the DEL.
ROUTE_PAIR = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  return redis.call('LPUSH', KEYS[3], ARGV[2])
end
return 0
"""


# kombu routes a reply through the binding set and drops it once the member is gone; done atomically here,
# so a test cannot race the check's cleanup the way a real worker's SMEMBERS-then-LPUSH rarely can.
ROUTE_REPLY = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return redis.call('LPUSH', KEYS[2], ARGV[2]) end
return 0
"""


def main():
    if sys.argv[2] == "selftest":
        return selftest()
    import redis

    port, mode = int(sys.argv[1]), sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    prefix = os.environ.get("KEY_PREFIX", "")
    count = int(arg) if mode in ("fleet", "bigfleet") else 2 if mode == "hugebatch" else 1
    if mode not in ("fleet", "bigfleet", "silent", "hostile", "sublist", "late", "stalled", "hugebatch", "tasks"):
        sys.exit("unknown mode " + mode)
    r = redis.Redis(host="127.0.0.1", port=port)
    pubsub = r.pubsub()
    # Distinct patterns that all match the control channel: each counts as one receiver of a PUBLISH.
    patterns = [prefix + "/0.celery.pidbox" + "*" * i for i in range(count)]
    if mode == "hostile":
        hostile_messages(arg, "warm-up", "warm-up")  # builds the costly parts before "ready"
    if mode == "hugebatch":
        with_body("warm-up", "warm-up", HUGE_BODY)
    pubsub.psubscribe(*patterns)
    for _ in patterns:
        pubsub.get_message(timeout=5)
    # Each binds its pidbox queue as a worker does when it starts (the checks learn kombu's separator there).
    r.sadd(prefix + "_kombu.binding.celery.pidbox", *[SEP + SEP + node + ".celery.pidbox" for node in nodes(mode, count)])
    print("ready", flush=True)
    while True:
        # Every broadcast reaches each pattern: take all that are in, and answer them in one pipeline.
        batch = [pubsub.get_message(timeout=60)]
        while batch[-1] is not None and len(batch) < count:
            batch.append(pubsub.get_message(timeout=0))
        answers = r.pipeline(transaction=False)
        together = []
        for message in batch:
            if message is not None and message["type"] == "pmessage":
                together += answer(r, answers, mode, arg, message, patterns, prefix) or []
        answers.execute()
        if together:  # bigfleet: every reply in one LPUSH, as if they had all landed before the pop
            r.eval(ROUTE_MANY, 2, together[0][0], together[0][1], together[0][2], *[t[3] for t in together])


def answer(r, answers, mode, arg, message, patterns, prefix):
    """Queues (or, for the slow kinds, sends) the answer to one received broadcast."""
    command = json.loads(base64.b64decode(json.loads(message["data"])["body"]))
    ticket, key = command["ticket"], command["reply_to"]["routing_key"]
    queue = key + ".reply.celery.pidbox"
    # as kombu routes a reply: through the binding set of the exchange reply_to names
    route = [prefix + "_kombu.binding." + command["reply_to"]["exchange"], prefix + queue, key + SEP + SEP + queue]
    index = patterns.index(message["pattern"].decode())
    if mode == "silent":
        return
    if mode == "tasks":
        method, node = command["method"], "tasks-v0.11.0@peer"
        if method == "active_queues":
            reply = build_reply(ticket, key, node, "t")
        elif arg == "notasks":
            return
        elif arg == "long":
            reply = build_reply(ticket, key, node, "t", result=long_tasks(method, node))
        elif method == "reserved":  # one good task among malformed ones
            reply = build_reply(ticket, key, node, "t", result=[
                {"id": 5, "name": "a"}, "x", {"name": "no id"}, {"id": "", "name": "empty"},
                {"id": "r1", "name": "app.tasks.good", "args": ["SECRET-4711"], "time_start": None}])
        else:
            reply = build_reply(ticket, key, node, "t", result={"error": "no such command: active"})
        answers.eval(ROUTE_REPLY, 2, route[0], route[1], route[2], reply)
        return
    if mode == "fleet":
        reply = build_reply(ticket, key, "fake-%04d-v0.12.0@fleet" % index, "t%d" % index)
        answers.eval(ROUTE_REPLY, 2, route[0], route[1], route[2], reply)
        return
    if mode == "bigfleet":
        reply = build_reply(ticket, key, "big-%04d-v0.12.0@fleet" % index, "t%d" % index, queues=BIG_QUEUES)
        return [route + [reply]]
    if mode == "sublist":
        extra = build_reply("stray", key, "stray-v0.12.0@peer", "s")
        reply = build_reply(ticket, key, "sublist-v0.12.0@peer", "t")
        answers.eval(ROUTE_PAIR, 3, route[0], route[1], route[1] + SEP + "3", route[2], extra, reply)
        return
    if mode == "hugebatch":
        if index == 0:
            first = build_reply(ticket, key, "first-v0.12.0@peer", "t1", queues=["q%03d" % i for i in range(40)])
            huge = with_body(ticket, key, HUGE_BODY)
            second = build_reply(ticket, key, "second-v0.12.0@peer", "t2")
            r.eval(ROUTE_MANY, 2, route[0], route[1], route[2], first, huge, second)
        return
    if mode in ("late", "stalled"):
        if r.sismember(route[0], route[2]):
            end = time.time() + 10
            while r.sismember(route[0], route[2]) and time.time() < end:
                time.sleep(0.001)
            if mode == "stalled":
                time.sleep(0.5)
            r.lpush(route[1], build_reply(ticket, key, "late-v0.12.0@peer", "t"))
        return
    messages, then_valid = hostile_messages(arg, ticket, key)
    if then_valid:
        messages = messages + [build_reply(ticket, key, "hostile-v0.12.0@peer", "t")]
    if arg == "duplicate":
        time.sleep(0.3)  # after the real workers: two answers for one receipt end the wait early
    for m in messages:
        r.eval(ROUTE_REPLY, 2, route[0], route[1], route[2], m)


if __name__ == "__main__":
    sys.exit(main())
