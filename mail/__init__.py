"""Mail: building the bureau's MIME messages and the senders that deliver them.

The outbox table and the relay loop live elsewhere; they call ``build_sender(settings)``.
"""

from mail.message import Attachment, build_message, parse_address
from mail.senders import (
    EmlFolderSender,
    MailError,
    MailSender,
    SmtpSender,
    build_sender,
    kept_connection,
    safe_filename_stem,
)

__all__ = [
    "Attachment",
    "EmlFolderSender",
    "MailError",
    "MailSender",
    "SmtpSender",
    "build_message",
    "build_sender",
    "kept_connection",
    "parse_address",
    "safe_filename_stem",
]
