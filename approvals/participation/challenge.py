"""A simple challenge for anonymous comment forms, with no external service: a signed
arithmetic question (the answer is not in the form, the signature binds question, notice and
time) and a honeypot field people leave empty. It slows scripts down; the per-address limit
(``approvals.enterprise.throttle``) is what bounds them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from approvals.errors import InvalidInput

VALID_FOR = timedelta(hours=2)
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Challenge:
    question: str  # in Chinese words, e.g. "三加五等于几？"
    token: str


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes, notice_id: int, now: datetime) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    payload = f"{notice_id}.{a}.{b}.{int(now.timestamp())}"
    return Challenge(f"{_DIGITS[a]}加{_DIGITS[b]}等于几？", f"{payload}.{_sign(secret, payload)}")


def _refused() -> InvalidInput:
    return InvalidInput(
        "验证问题回答不正确或已过期，请刷新页面后重新作答",
        "the challenge answer is wrong or the challenge expired",
        problems=[{"field": "challenge_answer", "problem": "验证问题回答不正确或已过期"}],
    )


def check(
    secret: bytes, notice_id: int, token: str, answer: str, honeypot: str, now: datetime
) -> None:
    """Raise ``InvalidInput`` unless the answer fits the signed question for this notice, the
    question is under two hours old and the honeypot is empty."""
    parts = token.split(".")
    if honeypot.strip() or len(parts) != 5:
        raise _refused()
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        raise _refused()
    try:
        nid, a, b, issued = (int(p) for p in parts[:4])
        given = int(answer.strip())
    except ValueError:
        raise _refused() from None
    age = now.timestamp() - issued
    if nid != notice_id or given != a + b or not 0 <= age <= VALID_FOR.total_seconds():
        raise _refused()
