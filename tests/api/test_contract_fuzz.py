"""The OpenAPI is a contract: schemathesis (its CLI, checks as with ``--checks all`` minus the
stateful and security ones below) generates requests from ``/openapi.json`` against the app
served by a real uvicorn, as the administrator (every staff and auditor operation), as an
applicant (its own cases) and as an anonymous caller. No 5xx, no status, content type, header
or body the schema does not declare.

Bounded: a few examples per operation, a time budget per run, one worker. The checks left out:
``negative_data_rejection`` / ``positive_data_acceptance`` / ``missing_required_header`` and the
auth and resource-lifecycle checks judge the API's input rules and authorisation model (tested
on their own in test_bad_input.py and test_access.py); they are not about the schema's
honesty and would turn this into a slow, stateful run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.fixtures_servers import free_port
from tests.helpers import create_submitted, minted_bearer, sign_in

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
MAX_EXAMPLES = 12
MAX_SECONDS = 20  # per run; three runs stay under ~90 s on 2 cores


@pytest.fixture
def live_url(client: TestClient) -> Iterator[str]:
    """The test app behind a real uvicorn on a free loopback port, in a thread."""
    port = free_port()
    config = uvicorn.Config(client.app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def run_schemathesis(url: str, report_dir: Path, headers: dict[str, str]) -> dict[str, Any]:
    """One bounded schemathesis run; returns its figures and the failures it found."""
    config = report_dir / "schemathesis.toml"
    # No automatic sign-up through POST /api/register: the run is anonymous or uses the token
    # it is given (a fresh enterprise per run would only add pending registrations).
    config.write_text("[auth]\nauto-signup = false\n")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{url}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        "20261203",
        "--no-shrink",
        "--request-timeout",
        "20",
        "--report",
        "ndjson",
        "--report-dir",
        str(report_dir),
        "--exclude-path-regex",
        "^/api/auth/(logout|password)$",  # would end the session the run authenticates with
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=MAX_SECONDS * 3, cwd=report_dir
    )
    (report_dir / "output.txt").write_text(done.stdout + done.stderr)
    tested = re.search(r"Tested: (\d+)", done.stdout)
    cases = re.search(r"(\d+) generated", done.stdout)
    return {
        "exit": done.returncode,
        "tested": int(tested.group(1)) if tested else 0,
        "cases": int(cases.group(1)) if cases else 0,
        "output": done.stdout[-8000:] + done.stderr[-2000:],
    }


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("who", ["admin", "qiye", "anonymous"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    client: TestClient, live_url: str, tmp_path: Path, who: str
) -> None:
    create_submitted(client, sign_in(client, "qiye"))  # a case exists: id 1 answers 200
    headers = minted_bearer(client.app, who) if who != "anonymous" else {}
    assert httpx.get(f"{live_url}/api/me", headers=headers).status_code in (200, 401)
    result = run_schemathesis(live_url, tmp_path, headers)
    print(f"schemathesis as {who}: {result['tested']} operations, {result['cases']} cases")
    assert result["exit"] == 0, result["output"]
    assert result["tested"] >= 40 and result["cases"] >= 200, result["output"]
