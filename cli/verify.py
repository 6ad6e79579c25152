"""``eia verify FILE.pdf``: the bureau's signature and the issued record, as ``/verify`` shows
them; exit status 0 when valid, 1 otherwise (with the reason)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path

import typer

from approvals.exchange.verification import SignatureFacts, verdict
from core.db import make_engine, session_scope
from core.settings import Settings, get_settings
from documents.signing import bureau_signer


def verify_file(path: Path, settings: Settings | None = None) -> bool:
    """Print the verdict on ``path``; True when it is valid."""
    settings = settings or get_settings()
    data = path.read_bytes()
    check = bureau_signer(settings).check(data)
    facts = SignatureFacts(**asdict(check))
    engine = make_engine(settings.resolved_database_url)
    try:
        with session_scope(engine) as session:
            result = verdict(session, hashlib.sha256(data).hexdigest(), facts)
    finally:
        engine.dispose()
    typer.echo(f"文件：{path}")
    typer.echo(f"SHA-256：{result.sha256}")
    if check.signed:
        typer.echo(f"签名人：{check.signer}；签名时间：{check.signed_at}")
    if result.document is not None:
        document = result.document
        typer.echo(f"文书：{document.kind} {document.number or ''}（{document.project_name}）")
    passed = "核验通过：本局签发的原件，签名后未被改动"
    typer.echo(passed if result.valid else f"核验不通过：{result.problem}")
    return result.valid
