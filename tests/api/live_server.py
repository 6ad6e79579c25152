"""The app served by a real uvicorn on a free loopback port, for tests of the HTTP layer
itself (keep-alive connections, chunked bodies) that an in-process client cannot see."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from tests.fixtures_servers import free_port


@contextmanager
def served(app: Any) -> Iterator[tuple[str, int]]:
    """(host, port) of uvicorn serving ``app``; stopped on exit."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-edge", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
