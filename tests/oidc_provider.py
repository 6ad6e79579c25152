"""A real OpenID Connect provider for the tests: panva's ``oidc-provider`` (OpenID Certified)
on node, installed into ``tests/oidc/node_modules`` from its lock file on first use, started
on a free port with the clients and accounts a test needs, stopped afterwards."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures_servers import free_port

HERE = Path(__file__).parent / "oidc"
HINT = "hint: install node >= 20.19 and npm (Debian: apt-get install nodejs npm)"
START_SECONDS = 20.0


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str

    def settings_values(self, **extra: Any) -> dict[str, Any]:
        return {
            "oidc_issuer": self.issuer,
            "oidc_client_id": self.client_id,
            "oidc_client_secret": self.client_secret,
            "oidc_scopes": "openid profile email eia",
        } | extra


def _installed() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(f"node/npm not found; {HINT}", pytrace=False)
    marker = HERE / "node_modules" / ".installed"
    # scripts/bootstrap.sh --test installs it; a test run without it installs it here, under a
    # lock so that two test workers never run ``npm ci`` (which empties node_modules) at once.
    with open(HERE / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file():
            return
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"npm ci in {HERE} failed: {done.stderr[-800:]}; {HINT}", pytrace=False)
        marker.touch()


@contextmanager
def running_provider(
    redirect_uris: list[str], accounts: dict[str, dict[str, Any]]
) -> Iterator[OidcProvider]:
    """The provider on a free port, with one confidential client for ``redirect_uris``."""
    _installed()
    port = free_port()
    provider = OidcProvider(
        issuer=f"http://127.0.0.1:{port}", client_id="eia-approvals",
        client_secret="test-client-secret-0123456789abcdef",
    )  # fmt: skip
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "NODE_ENV": "development",
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(
            [
                {
                    "client_id": provider.client_id,
                    "client_secret": provider.client_secret,
                    "redirect_uris": redirect_uris,
                }
            ]
        ),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    log = HERE / f"provider-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["node", "provider.mjs"], cwd=HERE, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        _wait(process, provider.issuer, log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def _wait(process: subprocess.Popen[bytes], issuer: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"oidc-provider did not start: {log.read_text()[-800:]}; {HINT}", pytrace=False)
