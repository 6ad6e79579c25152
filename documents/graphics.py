"""Vector pieces of a document computed in Python and drawn by the templates as inline SVG.

Only numbers and single characters leave this module; the templates put them into SVG markup
with Jinja's autoescaping, so no string here is ever marked safe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

__all__ = ["QrCode", "SealGlyph", "heading_font_pt", "qr_code", "seal_glyphs", "star_points"]


@dataclass(frozen=True, slots=True)
class QrCode:
    size: int  # modules per side, quiet zone included
    path: str  # SVG path data, one unit per module


@lru_cache(maxsize=256)
def qr_code(data: str, border: int = 2) -> QrCode:
    """The QR code of ``data`` as an SVG path (runs of dark modules merged per row)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return QrCode(size=len(matrix), path="".join(parts))


@dataclass(frozen=True, slots=True)
class SealGlyph:
    char: str
    x: float
    y: float
    rotate: float
    size: float


def seal_glyphs(text: str, *, center: float = 50.0, radius: float = 36.5) -> list[SealGlyph]:
    """Place ``text`` clockwise on the upper arc of a round seal (viewBox 0 0 100 100).

    Each glyph stands upright towards the rim; ``x``/``y`` is the glyph's baseline point and
    ``rotate`` its angle in degrees around that point.
    """
    chars = [c for c in text if not c.isspace()]
    n = len(chars)
    if n == 0:
        return []
    span = min(250.0, 30.0 * (n - 1)) if n > 1 else 0.0
    step = span / (n - 1) if n > 1 else 0.0
    # glyph size: the arc between two glyph centres, capped for short names
    size = min(15.0, 0.9 * radius * math.radians(step)) if n > 1 else 15.0
    glyphs = []
    for i, char in enumerate(chars):
        angle = -span / 2 + i * step
        theta = math.radians(angle)
        # baseline sits a little inside the text radius so the glyph centre lies on it
        r = radius - size * 0.38
        glyphs.append(
            SealGlyph(
                char=char,
                x=round(center + r * math.sin(theta), 3),
                y=round(center - r * math.cos(theta), 3),
                rotate=round(angle, 3),
                size=round(size, 3),
            )
        )
    return glyphs


def star_points(cx: float = 50.0, cy: float = 50.0, outer: float = 14.0) -> str:
    """The ``points`` of an upright five-pointed star."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = math.radians(-90 + 36 * k)
        points.append(f"{cx + r * math.cos(a):.3f},{cy + r * math.sin(a):.3f}")
    return " ".join(points)


def heading_font_pt(text: str, *, max_pt: float = 40.0, width_pt: float = 400.0) -> float:
    """Font size (pt) of the red 发文机关标志 so it stays on one line of the 156 mm text block.

    The heading is letter-spaced by 0.12 em, so each character takes 1.12 em.
    """
    n = max(1, len(text.strip()))
    return round(min(max_pt, width_pt / (n * 1.12)), 2)
