"""A real Prefect server and a worker serving this service's deployments, for the tests.

The server runs on its own PREFECT_HOME (SQLite) and port; the worker is ``python -m
flows.serve`` with the test's database, S3 server and SMTP server in its environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from tests.fixtures_servers import free_port

PREFECT_HINT = (
    "hint: the Prefect server comes with the 'prefect' package (pip install -e '.[test]')"
)


@dataclass(frozen=True)
class PrefectServer:
    api_url: str
    home: Path
    startup_seconds: float

    def env(self) -> dict[str, str]:
        return {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Prefect server exited early:\n{log.read_text()[-2000:]}\n{PREFECT_HINT}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"Prefect server not healthy after {timeout} s:\n{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[PrefectServer]:
    home = Path(tempfile.mkdtemp(prefix="eia-prefect-"))
    port = free_port()
    server = PrefectServer(f"http://127.0.0.1:{port}/api", home, 0.0)
    log = home / "server.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=os.environ | server.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(server.api_url, process, log, timeout=90)
        yield PrefectServer(server.api_url, home, time.monotonic() - started)
    finally:
        stop(process)


def start_worker(
    server: PrefectServer, eia_env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """``python -m flows.serve`` with a 1 s poll, its settings from ``eia_env``."""
    env = os.environ | server.env() | eia_env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flows.serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
