# SPDX-License-Identifier: GPL-3.0-or-later
"""fake_redis.py: a TCP server on 127.0.0.1:PORT that misbehaves as a broken broker would, for what a real
redis-server cannot be made to do on demand.

Usage: python3 fake_redis.py PORT MODE [ARG...]; prints "ready" once listening, serves for 60 s at most.
  error TEXT          answers every command with the RESP error -TEXT (e.g. "LOADING Redis is loading ...")
  garbage             answers every command with bytes that are not RESP
  silent              accepts connections and never answers; prints "accepted" for each
  noaccept            never accepts: a backlog of 0, filled by the server itself, so a connect hangs
  sentinel HOST PORT  a sentinel that names HOST:PORT as the master of any name (to name a replica)
  scripted LOG [LLEN] answers like a broker with one worker that never replies (PUBLISH reaches 1, blocking
                      pops end empty at their timeout) and appends each command, its arguments joined by
                      spaces, to LOG;
                      LLEN is "hang" (never answered) or "stopread" (the server stops reading when the first
                      LLEN arrives, so a long pipeline cannot be written); default: answered with 0
  oddpop LOG [SHAPE]  as scripted, but PUBLISH reaches 2 and the first BLMPOP pops what no list can hold: an
                      integer, a nil, a nested array, a status, an error, then an empty string and one that
                      is not JSON; with SHAPE "keyarray", a pop whose key is an array: [[text], [text]]
"""
import socket
import sys
import threading
import time


def parse_commands(buf):
    """The whole RESP commands (*N arrays of $bulk strings) in buf, as lists of bytes, and the rest."""
    commands = []
    while buf.startswith(b"*") and b"\r\n" in buf:
        head, rest = buf.split(b"\r\n", 1)
        args = []
        for _ in range(int(head[1:])):
            if b"\r\n" not in rest:
                return commands, buf
            size, rest = rest.split(b"\r\n", 1)
            if len(rest) < int(size[1:]) + 2:
                return commands, buf
            args.append(rest[:int(size[1:])])
            rest = rest[int(size[1:]) + 2:]
        commands.append(args)
        buf = rest
    return commands, buf


def bulk(text):
    return b"$%d\r\n%s\r\n" % (len(text), text)


def scripted_answer(args, llen):
    """What the scripted broker answers, or None for no answer."""
    name = args[0].upper()
    if name == b"INFO":
        return bulk(b"# Server\r\nredis_version:7.0.0\r\n")
    if name == b"TIME":
        return b"*2\r\n" + bulk(b"%d" % time.time()) + bulk(b"0")
    if name == b"SMEMBERS" and args[1].endswith(b"_kombu.binding.celery.pidbox"):
        return b"*1\r\n" + bulk(b"\x06\x16\x06\x16scripted@peer.celery.pidbox")  # a worker bound here
    if name in (b"SMEMBERS", b"SRANDMEMBER"):
        return b"*0\r\n"
    if name == b"SCAN":
        return b"*2\r\n" + bulk(b"0") + b"*0\r\n"
    if name == b"MULTI":
        scripted_answer.queued = 0
        return b"+OK\r\n"
    if name == b"EXEC":
        n, scripted_answer.queued = scripted_answer.queued, None
        return b"*%d\r\n" % n + b":1\r\n" * n
    if getattr(scripted_answer, "queued", None) is not None:  # inside MULTI: queued, answered by EXEC
        scripted_answer.queued += 1
        return b"+QUEUED\r\n"
    if name in (b"SADD", b"SREM", b"DEL", b"PUBLISH", b"RPUSH", b"PEXPIRE"):
        return b":1\r\n"
    if name in (b"RPOP", b"LMPOP"):
        return b"$-1\r\n"
    if name == b"LLEN":
        return None if llen == "hang" else b":0\r\n"
    if name in (b"BLMPOP", b"BRPOP"):  # a worker that never replies: nothing comes before the timeout
        time.sleep(float(args[1] if name == b"BLMPOP" else args[-1]))
        return b"*-1\r\n"
    return None


ODD_POP = (b"*7\r\n:7\r\n$-1\r\n*1\r\n" + bulk(b"x") + b"+OK\r\n-ERR no\r\n" + bulk(b"")
           + bulk(b"not json"))
popped_odd = threading.Event()


def oddpop_answer(args, shape):
    """What the oddpop broker answers: the scripted broker's answers, but for PUBLISH and the first pop."""
    name = args[0].upper()
    if name == b"PUBLISH":
        return b":2\r\n"
    if name == b"BLMPOP" and not popped_odd.is_set():
        popped_odd.set()
        if shape == "keyarray":
            return b"*2\r\n*1\r\n" + bulk(b"not json") + b"*1\r\n" + bulk(b"not json")
        return b"*2\r\n" + bulk(args[3]) + ODD_POP
    return scripted_answer(args, "answer")


def serve(conn, mode, args):
    """Answers like a real server: once per command, however the commands were split into reads."""
    buf = b""
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            commands, buf = parse_commands(buf + data)
            for command in commands:
                if mode == "error":
                    conn.sendall(b"-" + args[0].encode() + b"\r\n")
                elif mode == "sentinel":
                    conn.sendall(b"*2\r\n" + bulk(args[0].encode()) + bulk(args[1].encode()))
                elif mode == "garbage":
                    conn.sendall(b"\x00\xffHTTP/1.1 200 OK\r\n\r\n")
                elif mode == "oddpop":
                    with open(args[0], "ab") as log:
                        log.write(b" ".join(command) + b"\n")
                    answer = oddpop_answer(command, args[1] if len(args) > 1 else "")
                    if answer is not None:
                        conn.sendall(answer)
                elif mode == "scripted":
                    llen = args[1] if len(args) > 1 else "answer"
                    with open(args[0], "ab") as log:
                        log.write(b" ".join(command) + b"\n")
                    if command[0].upper() == b"LLEN" and llen == "stopread":
                        time.sleep(60)
                        return
                    answer = scripted_answer(command, llen)
                    if answer is not None:
                        conn.sendall(answer)


def main():
    port, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(0 if mode == "noaccept" else 16)
    server.settimeout(1)
    if mode == "noaccept":
        # Fill the accept queue (and the SYN queue's grace) so that the next connect hangs.
        fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.3)
        print("ready", flush=True)
        time.sleep(60)
        return
    print("ready", flush=True)
    end = time.time() + 60
    while time.time() < end:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        if mode == "silent":
            print("accepted", flush=True)
            threading.Thread(target=lambda c=conn: (time.sleep(60), c.close()), daemon=True).start()
        else:
            threading.Thread(target=serve, args=(conn, mode, args), daemon=True).start()


if __name__ == "__main__":
    main()
