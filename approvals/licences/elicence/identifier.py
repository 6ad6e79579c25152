"""电子证照标识 (GB/T 36904-2018): build, take apart and check an identifier. Pure functions.

Shape (found; sources in ``standard.yaml``)::

    1.2.156.3005.2 . 证照类型代码 . 颁发机构代码 . 流水号 . 版本号 . 校验位
    root             21 characters  18 (USCC)    1-32     3 digits  1

The check character is ISO 7064 MOD 37,36 (hybrid) over type code + issuer code + serial +
version written together; this module reproduces published identifiers' check characters.
The serial is ours (inferred): the first 20 hexadecimal digits of the SHA-256 of the licence's
identifying metadata, so :func:`expected_identifier` recomputes the whole identifier from them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SERIAL_LENGTH = 20
_PART = re.compile(r"^[0-9A-Z]+$")
_VERSION = re.compile(r"^[0-9]{3}$")


@dataclass(frozen=True)
class IdentifierParts:
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join(
            (ROOT, self.type_code, self.issuer_code, self.serial, self.version, self.check)
        )


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 check character of ``body`` (digits and upper-case letters)."""
    product = 36
    for char in body:
        total = (product + ALPHABET.index(char)) % 36
        product = ((total or 36) * 2) % 37
    return ALPHABET[(37 - product) % 36]


def serial_for(type_code: str, issuer_code: str, number: str, holder_code: str) -> str:
    """流水号: stable for one licence (its number and holder) across versions."""
    text = "|".join((type_code, issuer_code, number, holder_code))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:SERIAL_LENGTH].upper()


def build(type_code: str, issuer_code: str, serial: str, version: int) -> IdentifierParts:
    """The identifier of these parts, its check character computed."""
    if not 1 <= version <= 999:
        raise ValueError(f"version {version} outside 1..999")
    text = f"{version:03d}"
    for part in (type_code, issuer_code, serial):
        if not _PART.match(part):
            raise ValueError(f"not digits and upper-case letters: {part!r}")
    body = type_code + issuer_code + serial + text
    return IdentifierParts(type_code, issuer_code, serial, text, check_character(body))


def expected_identifier(
    type_code: str, issuer_code: str, number: str, holder_code: str, version: int
) -> str:
    """The identifier the metadata fields determine."""
    serial = serial_for(type_code, issuer_code, number, holder_code)
    return str(build(type_code, issuer_code, serial, version))


def parse(identifier: str) -> IdentifierParts | None:
    """The parts of a well-formed identifier whose check character holds, else None."""
    if not identifier.startswith(ROOT + "."):
        return None
    parts = identifier[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        return None
    type_code, issuer_code, serial, version, check = parts
    if len(type_code) != 21 or len(issuer_code) != 18 or not 1 <= len(serial) <= 32:
        return None
    if not all(_PART.match(p) for p in (type_code, issuer_code, serial)):
        return None
    if not _VERSION.match(version) or len(check) != 1:
        return None
    if check_character(type_code + issuer_code + serial + version) != check:
        return None
    return IdentifierParts(type_code, issuer_code, serial, version, check)


def looks_like_identifier(text: str) -> bool:
    """Whether ``text`` is meant as an identifier (begins with the root), well-formed or not."""
    return text.startswith(ROOT + ".")
