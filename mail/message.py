"""Building the MIME messages the bureau sends: Chinese text, PDF attachments.

Headers are RFC 2047-encoded (no SMTPUTF8 needed from the relay), the body is UTF-8 text/plain
in base64, and attachment file names are RFC 2231-encoded (``filename*=utf-8''...``) on both
Content-Disposition and Content-Type ``name`` so common mail clients show the Chinese name.
"""

from __future__ import annotations

import email.policy
import email.utils
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage, Message

# A conservative addr-spec: ASCII dot-atom local part and an LDH domain (punycode for IDNs).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")
_MSG_ID = re.compile(r"([^<>\s@]+)(?:@([^<>\s@]+))?")
_CONTENT_TYPE = re.compile(r"([A-Za-z0-9][\w.+-]*)/([A-Za-z0-9][\w.+-]*)")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


def parse_address(value: str, *, field: str = "address") -> Address:
    """Parse exactly one mailbox (``a@b.cn`` or ``张三 <a@b.cn>``), else raise ``ValueError``."""
    if not value or not value.strip():
        raise ValueError(f"{field} is empty")
    probe = EmailMessage(policy=email.policy.default)
    try:
        probe[field] = value
        header = probe[field]
        addresses = header.addresses
    except (ValueError, IndexError) as exc:  # the header parser raises IndexError on 'x@'
        raise ValueError(f"{field} is not a valid address: {value!r}") from exc
    if len(addresses) != 1 or len(header.groups) != 1 or header.groups[0].display_name:
        raise ValueError(f"{field} must be exactly one address: {value!r}")
    if header.defects or not _ADDR_SPEC.fullmatch(addresses[0].addr_spec):
        raise ValueError(f"{field} is not a valid address: {value!r}")
    address: Address = addresses[0]  # the header registry's parsed address
    return address


def normalize_message_id(message_id: str, sender: Address) -> str:
    """``<id@domain>``: brackets added if missing, the sender's domain if there is no ``@``."""
    text = message_id.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    match = _MSG_ID.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid message id: {message_id!r}")
    left, right = match.group(1), match.group(2) or sender.domain
    return f"<{left}@{right}>"


def build_message(
    *,
    message_id: str,
    sender: str,
    to: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """A ready-to-send message; the same ``message_id`` always yields the same Message-ID.

    ``to`` and ``sender`` must each be one address; ``date`` defaults to now (UTC).
    Raises ``ValueError`` on an invalid address, message id, attachment or header text.
    """
    from_address = parse_address(sender, field="From")
    to_address = parse_address(to, field="To")
    if "\r" in subject or "\n" in subject:
        raise ValueError("subject must be one line")

    message = EmailMessage(policy=email.policy.default)
    message["Message-ID"] = normalize_message_id(message_id, from_address)
    message["Date"] = email.utils.format_datetime(date or datetime.now(UTC))
    message["From"] = from_address
    message["To"] = to_address
    message["Subject"] = subject
    message.set_content(body, subtype="plain", charset="utf-8", cte="base64")
    for attachment in attachments:
        _attach(message, attachment)
    return message


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    filename = attachment.filename
    if not filename.strip() or any(ch in filename for ch in "\r\n\0/\\"):
        raise ValueError(f"invalid attachment file name: {filename!r}")
    kind = _CONTENT_TYPE.fullmatch(attachment.content_type)
    if kind is None:
        raise ValueError(f"invalid attachment content type: {attachment.content_type!r}")
    message.add_attachment(
        attachment.data,
        maintype=kind.group(1).lower(),
        subtype=kind.group(2).lower(),
        filename=filename,
        params={"name": filename},  # some clients only read Content-Type's name
    )
    parts = message.get_payload()
    part = parts[-1] if isinstance(parts, list) else None
    if not isinstance(part, Message):  # add_attachment made the message multipart
        raise TypeError("the attachment did not become a MIME part")
    del part["MIME-Version"]  # add_attachment copies it into the part; only the top needs it
