# SPDX-License-Identifier: GPL-3.0-or-later
"""fake_redis.py: a TCP server on 127.0.0.1:PORT that misbehaves as a broken broker would, for what a real
redis-server cannot be made to do on demand.

Usage: python3 fake_redis.py PORT MODE [TEXT]; prints "ready" once listening, serves for 60 s at most.
  error TEXT   answers every command with the RESP error -TEXT (e.g. "LOADING Redis is loading ...")
  garbage      answers every command with bytes that are not RESP
  silent       accepts connections and never answers
"""
import socket
import sys
import threading
import time


def complete_commands(buf):
    """How many whole RESP commands (*N arrays of $bulk strings) buf holds, and the bytes after them."""
    count = 0
    while buf.startswith(b"*") and b"\r\n" in buf:
        head, rest = buf.split(b"\r\n", 1)
        for _ in range(int(head[1:])):
            if b"\r\n" not in rest:
                return count, buf
            size, rest = rest.split(b"\r\n", 1)
            if len(rest) < int(size[1:]) + 2:
                return count, buf
            rest = rest[int(size[1:]) + 2:]
        count, buf = count + 1, rest
    return count, buf


def serve(conn, mode, text):
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
            count, buf = complete_commands(buf + data)
            for _ in range(count):
                if mode == "error":
                    conn.sendall(b"-" + text.encode() + b"\r\n")
                elif mode == "garbage":
                    conn.sendall(b"\x00\xffHTTP/1.1 200 OK\r\n\r\n")


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    text = sys.argv[3] if len(sys.argv) > 3 else ""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    server.settimeout(1)
    print("ready", flush=True)
    end = time.time() + 60
    while time.time() < end:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        if mode == "silent":
            threading.Thread(target=lambda c=conn: (time.sleep(60), c.close()), daemon=True).start()
        else:
            threading.Thread(target=serve, args=(conn, mode, text), daemon=True).start()


if __name__ == "__main__":
    main()
