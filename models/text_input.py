"""Text a person types, cleaned of characters nobody can see.

Control characters (C0 but tab and line breaks, DEL, C1), bidirectional overrides and isolates
(U+202A–202E, U+2066–2069, U+200E/F, U+061C) and zero-width characters (U+200B–200D, U+2060–2064,
U+FEFF, U+180E) let a name read differently from what is stored — "报告\u202efdp.exe" shows as
"报告exe.pdf" — or two names look the same and differ. They are removed from every name, title
and free text that comes in (the request schemas use ``Line`` and ``Multiline``; upload file
names and the account forms call the functions). A name keeps no line breaks either.

This lives with the schemas (``models``) because the request schemas use it and the layers let
``models`` import nothing of the domain; the domain imports it from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pydantic import BeforeValidator

INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029\x85]+")


def clean_text(value: str) -> str:
    """NFC, without invisible characters; tabs and line breaks kept (free text)."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", value)).replace("\u2028", "\n")


def clean_line(value: str) -> str:
    """``clean_text`` on one line: tabs and line breaks become one space (names, titles)."""
    return _LINE_BREAKS.sub(" ", INVISIBLE.sub("", unicodedata.normalize("NFC", value)))


def _if_str(clean: Callable[[str], str]) -> BeforeValidator:
    def run(value: object) -> object:
        return clean(value) if isinstance(value, str) else value

    return BeforeValidator(run)


Line = _if_str(clean_line)
"""``Annotated[str, StringConstraints(...), Line]``: a name or title, cleaned then checked
(the validator goes last so that it runs first: constraints before it would see the raw text)."""
Multiline = _if_str(clean_text)
"""``Annotated[str, StringConstraints(...), Multiline]``: free text, cleaned then checked."""
