#!/usr/bin/env python3
"""A TCP proxy that behaves like a poor township link, for TierSync's tests and benchmarks.

    faulty_link.py --target 127.0.0.1:8080 [--cut-rate 0.3] [--cut-max 200000]
                   [--latency 0.3] [--seed N] [--stats FILE]

- Listens on a free loopback port and prints `listening on PORT` (one line, flushed).
- A fraction `--cut-rate` of connections is cut (both sides closed) after a random number of
  bytes, uniform from 1 to `--cut-max`, counted over both directions.
- Every chunk waits `--latency` seconds before it is passed on (one-way delay).
- SIGUSR1 takes the link down: open connections are cut and new ones refused; SIGUSR2
  brings it back.
- `--stats FILE` holds, after every connection and when SIGTERM stops the proxy, a JSON
  object: connections, cut, refused, bytes up (client to target) and down (target to client).
"""
import argparse
import asyncio
import json
import os
import random
import signal


class Link:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)
        self.down = False
        self.open = set()
        self.stats = {"connections": 0, "cut": 0, "refused": 0, "up": 0, "down": 0}

    def save(self):
        if self.args.stats:
            with open(self.args.stats + ".tmp", "w") as out:
                json.dump(self.stats, out)
            os.replace(self.args.stats + ".tmp", self.args.stats)

    async def handle(self, reader, writer):
        if self.down:
            self.stats["refused"] += 1
            self.save()
            writer.transport.abort()
            return
        host, port = self.args.target.rsplit(":", 1)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.transport.abort()
            return
        self.stats["connections"] += 1
        budget = [None]
        if self.random.random() < self.args.cut_rate:
            budget[0] = self.random.randint(1, self.args.cut_max)
        writers = (writer, upstream_writer)
        self.open.add(writers)

        def cut():
            for w in writers:
                w.transport.abort()

        async def pump(source, sink, key):
            try:
                while True:
                    data = await source.read(65536)
                    if not data:
                        break
                    if self.args.latency:
                        await asyncio.sleep(self.args.latency)
                    if self.down:
                        cut()
                        return
                    if budget[0] is not None and len(data) >= budget[0]:
                        sink.write(data[: budget[0]])
                        self.stats[key] += budget[0]
                        await sink.drain()
                        self.stats["cut"] += 1
                        budget[0] = None
                        cut()
                        return
                    if budget[0] is not None:
                        budget[0] -= len(data)
                    sink.write(data)
                    self.stats[key] += len(data)
                    await sink.drain()
                if sink.can_write_eof():
                    sink.write_eof()
            except (ConnectionError, OSError):
                cut()

        await asyncio.gather(
            pump(reader, upstream_writer, "up"), pump(upstream_reader, writer, "down"), return_exceptions=True
        )
        for w in writers:
            w.close()
        self.open.discard(writers)
        self.save()

    def take_down(self):
        self.down = True
        for writers in list(self.open):
            for w in writers:
                w.transport.abort()

    def bring_up(self):
        self.down = False


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--cut-rate", type=float, default=0.3)
    parser.add_argument("--cut-max", type=int, default=200_000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stats")
    args = parser.parse_args()
    link = Link(args)
    # A parent that blocks signals (Swift's Process, on some threads) passes its mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2})
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, link.take_down)
    loop.add_signal_handler(signal.SIGUSR2, link.bring_up)

    def stop():
        link.save()
        os._exit(0)

    loop.add_signal_handler(signal.SIGTERM, stop)
    server = await asyncio.start_server(link.handle, "127.0.0.1", 0)
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    link.save()
    async with server:
        await server.serve_forever()


asyncio.run(main())
