"""The object store interface shared by every backend, its errors and its key rules.

``put`` overwrites the object under its key; an issued document's key names its number and
the digest of its bytes (``documents/2025/郑环审/12-<digest>.pdf``), so two renderings never
overwrite each other and the one not recorded is found by ``keys`` and deleted.

Keys are validated the same way by every backend so that a key
accepted by the filesystem store in development is accepted by S3 in production and vice versa.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

MAX_KEY_BYTES = 1024  # the S3 limit on object key length, in UTF-8 bytes


class StorageError(Exception):
    """The object store failed or is unreachable / misconfigured; the message says which."""


class ObjectNotFound(StorageError):
    """No object is stored under ``key``."""

    def __init__(self, key: str) -> None:
        super().__init__(f"object not found: {key!r}")
        self.key = key


@runtime_checkable
class ObjectStore(Protocol):
    """Bytes stored under ``/``-separated keys."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing any object already there."""
        ...

    def get(self, key: str) -> bytes:
        """Return the object's bytes; raise ``ObjectNotFound`` if there is none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""
        ...

    def keys(self, prefix: str) -> list[str]:
        """The keys of the objects whose key starts with ``prefix`` (sorted)."""
        ...

    def check(self) -> None:
        """Prove the backend is reachable and usable (called at start-up).

        Creates the root folder / bucket when missing; raises ``StorageError`` with a hint on
        what to fix otherwise.
        """
        ...


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is a safe object key, else raise ``ValueError``.

    Refused: empty keys, a leading or trailing ``/``, empty, ``.`` or ``..`` segments,
    backslashes, NUL and other control characters, and keys over 1024 UTF-8 bytes. Empty and
    ``.`` segments are refused because a filesystem would silently alias them (``a//b`` and
    ``a/./b`` are ``a/b``) while S3 would not.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("object key must be a non-empty string")
    if key.startswith("/"):
        raise ValueError(f"object key must not start with '/': {key!r}")
    if "\\" in key:
        raise ValueError(f"object key must not contain a backslash: {key!r}")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise ValueError(f"object key must not contain NUL or control characters: {key!r}")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise ValueError(f"object key has an empty, '.' or '..' segment: {key!r}")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"object key is longer than {MAX_KEY_BYTES} UTF-8 bytes")
    return key
