"""Reading the account mails the app wrote to the .eml outbox folder (the embedded sender)."""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, urlsplit

_LINK = re.compile(r"https?://\S+")


def mails_to(outbox: Path, address: str) -> list[EmailMessage]:
    parser = BytesParser(policy=email.policy.default)
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = cast(EmailMessage, parser.parsebytes(path.read_bytes()))
        if address in str(message["To"]):
            found.append(message)
    return found


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return cast(str, part.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The link to ``path`` in the mail's text (exactly one)."""
    [link] = [m for m in _LINK.findall(body_of(message)) if urlsplit(m).path == path]
    return link


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]
