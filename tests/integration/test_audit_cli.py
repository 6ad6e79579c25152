"""`eia audit verify` names the first altered event and exits non-zero."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings
from flows.runtime import Runtime
from tests.helpers import create_submitted, sign_in


def test_audit_verify_passes_on_an_intact_log_and_names_the_first_altered_event(
    client: TestClient, engine: Engine, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the CLI reads its settings from the environment: the test's object store and CA
    monkeypatch.setenv("EIA_VAR_DIR", str(runtime.settings.var_dir))
    monkeypatch.setenv("EIA_SIGNING_SELF_SIGNED", "true")
    get_settings.cache_clear()
    try:
        _verify_then_alter(client, engine)
    finally:
        get_settings.cache_clear()


def _verify_then_alter(client: TestClient, engine: Engine) -> None:
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)
    client.post(f"/api/applications/{case['id']}/accept", headers=intake)
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert intact.exit_code == 0, intact.output
    # submit, accept, document_issued (the acceptance notice), start_drafting
    assert "审计链完整：4 条事件；1 个签名检查点" in intact.output  # the notice's checkpoint

    with engine.begin() as conn:
        second = conn.execute(text("SELECT id FROM auditevent ORDER BY id LIMIT 1 OFFSET 1"))
        event_id = second.scalar_one()
        conn.execute(
            text("UPDATE auditevent SET comment = '事后篡改' WHERE id = :i"), {"i": event_id}
        )
    broken = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert broken.exit_code == 1
    assert f"#{event_id}" in broken.output and "accept" in broken.output
