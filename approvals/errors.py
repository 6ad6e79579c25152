"""The domain's error hierarchy. Every error carries a Chinese and an English message.

The API maps each class to one HTTP status in one place (``api/errors.py``); the CLI prints
the message and exits non-zero. Nothing else catches these.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class. ``code`` is a stable machine-readable identifier."""

    code: str = "domain_error"

    def __init__(self, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidTransition(DomainError):
    """The action is not allowed in the case's current state (acting out of turn)."""

    code = "invalid_transition"


class ConcurrentUpdate(DomainError):
    """Someone else changed the case first (e.g. a second sign-off racing the first)."""

    code = "concurrent_update"


class PreconditionFailed(DomainError):
    """The caller's precondition (``If-Match``: the case version it last read) is not met."""

    code = "precondition_failed"


class UploadRejected(DomainError):
    code = "upload_rejected"


class PayloadTooLarge(UploadRejected):
    code = "payload_too_large"


class ItemNotAvailable(DomainError):
    """The catalogue item cannot be applied for (abolished, provincial, not online)."""

    code = "item_not_available"


class TooManyAttempts(DomainError):
    """Sign-in refused for a while without checking the password; ``details`` carries
    ``retry_after_seconds`` (the API answers 429 with ``Retry-After``)."""

    code = "too_many_attempts"


class SignInLocked(TooManyAttempts):
    """Too many wrong passwords for this username: locked for a period."""

    code = "sign_in_locked"


class SignInThrottled(TooManyAttempts):
    """Too many failed sign-ins from this client address, across usernames."""

    code = "sign_in_throttled"
