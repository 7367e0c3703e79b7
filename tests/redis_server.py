"""A redis-server of a test's own: no other process on the machine can take its jobs or flush it."""

import socket
import subprocess
import time

from bench.harness import free_port


class RedisServer:
    """A private redis-server on a free port, stopped and started at will (keeps nothing on disk).

    Tests that start workers as subprocesses use one: on the machine's shared
    Redis, anything else listening on the same queue names (another checkout's
    workers, a flush by another run) would take or drop their jobs.
    """

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
