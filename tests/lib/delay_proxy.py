# SPDX-License-Identifier: GPL-3.0-or-later
"""delay_proxy.py: a loopback TCP proxy that holds every chunk for DELAY milliseconds in each direction, as
a broker on the network would be (DELAY 1: 2 ms per round trip), keeping the bytes in order.

Usage: python3 delay_proxy.py LISTEN_PORT TARGET_PORT DELAY_MS; prints "ready", serves for 120 s at most.
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    """Copies reader to writer; each chunk leaves `delay` seconds after it arrived."""
    queue = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def send():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0, None))
    try:
        await sender
    except ConnectionError:
        pass


async def main():
    listen, target, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay), pump(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await asyncio.sleep(120)


if __name__ == "__main__":
    asyncio.run(main())
