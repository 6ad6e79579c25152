"""Vector pieces of a document computed in Python and drawn by the templates as inline SVG.

Only numbers and single characters leave this module; the templates put them into SVG markup
with Jinja's autoescaping, so no string here is ever marked safe.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

__all__ = [
    "FormFit",
    "QrCode",
    "SealGlyph",
    "fit_form",
    "guilloche_frame",
    "heading_font_pt",
    "qr_code",
    "rosette",
    "seal_glyphs",
    "star_points",
]


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


def heading_font_pt(
    text: str, *, max_pt: float = 40.0, width_pt: float = 400.0, spacing_em: float = 0.12
) -> float:
    """Font size (pt) of the red 发文机关标志 so it stays on one line of the 156 mm text block.

    The heading is letter-spaced by ``spacing_em`` (0.12 em), so each character takes 1.12 em.
    The certificate title uses the same rule with its own width and spacing.
    """
    n = max(1, len(text.strip()))
    return round(min(max_pt, width_pt / (n * (1 + spacing_em))), 2)


def _width_em(text: str) -> float:
    """Width of ``text`` in em, on the safe side: a CJK character is one em, an ASCII one 0.6
    (proportional Latin digits and letters are wider than half an em), plus 2 % tracking."""
    return 1.02 * sum(0.6 if c.isascii() else 1.0 for c in text)


@dataclass(frozen=True, slots=True)
class FormFit:
    pt: float  # font size
    line_height: float  # in em


def fit_form(
    texts: list[str],
    *,
    width_mm: float,
    height_mm: float,
    label_em: float = 0.0,
    max_pt: float = 15.0,
    min_pt: float = 7.0,
) -> FormFit:
    """The largest type (0.5 pt steps) at which the rows of a one-page form fit its box.

    Each text starts a line of its own and wraps in ``width_mm`` less a label column of
    ``label_em``; the lines must fit in ``height_mm``. Lines are 1.75 em apart down to 10.5 pt
    and 1.4 em below that. If nothing fits, the smallest type (the caller's page overflows
    visibly rather than dropping text).
    """
    pt = max_pt
    while True:
        line_height = 1.75 if pt >= 10.5 else 1.4
        em_mm = pt * 25.4 / 72
        per_line = (width_mm - label_em * em_mm) / em_mm
        lines = sum(max(1, math.ceil(_width_em(t) / per_line)) for t in texts)
        if lines * em_mm * line_height <= height_mm or pt <= min_pt:
            return FormFit(pt=pt, line_height=line_height)
        pt -= 0.5


# ---------------------------------------------------------------------------- guilloche
# The security-print look of a certificate: interlaced sine strands along the frame and
# rose curves in the corners. Curves are sampled and joined as cubic Béziers (Hermite
# interpolation), rounded to 0.01 so the same arguments always give the same bytes.

_Point = tuple[float, float]


def _bezier_path(curve: Callable[[float], _Point], t0: float, t1: float, segments: int) -> str:
    """SVG path data of ``curve`` over ``[t0, t1]`` as ``segments`` cubic Bézier pieces."""
    h = (t1 - t0) / segments
    eps = h * 1e-3

    def tangent(t: float) -> _Point:
        (xa, ya), (xb, yb) = curve(t - eps), curve(t + eps)
        return (xb - xa) / (2 * eps) * h / 3, (yb - ya) / (2 * eps) * h / 3

    points = [curve(t0 + i * h) for i in range(segments + 1)]
    tangents = [tangent(t0 + i * h) for i in range(segments + 1)]
    parts = [f"M{points[0][0]:.2f} {points[0][1]:.2f}"]
    for i in range(segments):
        (x0, y0), (x3, y3) = points[i], points[i + 1]
        (dx0, dy0), (dx3, dy3) = tangents[i], tangents[i + 1]
        parts.append(
            f"C{x0 + dx0:.2f} {y0 + dy0:.2f} {x3 - dx3:.2f} {y3 - dy3:.2f} {x3:.2f} {y3:.2f}"
        )
    return "".join(parts).replace("-0.00", "0.00")


@lru_cache(maxsize=16)
def guilloche_frame(
    width: float,
    height: float,
    inset: float,
    band: float,
    *,
    wavelength: float = 7.0,
    strands: int = 4,
) -> tuple[str, ...]:
    """Interlaced sine strands filling a band ``band`` wide, ``inset`` in from each edge.

    Units are those of the caller's viewBox (the certificate uses mm). One path per strand
    and side; every side holds a whole number of waves, so strands meet at the corners.
    """
    middle = inset + band / 2
    amplitude = band / 2
    corners = [
        (middle, middle),
        (width - middle, middle),
        (width - middle, height - middle),
        (middle, height - middle),
    ]
    paths = []
    for side in range(4):
        start, end = corners[side], corners[(side + 1) % 4]
        waves = max(1, round(math.dist(start, end) / wavelength))
        for k in range(strands):
            strand = _sine_strand(start, end, amplitude, waves, math.pi * k / strands)
            paths.append(_bezier_path(strand, 0.0, 1.0, waves * 4))
    return tuple(paths)


def _sine_strand(
    start: _Point, end: _Point, amplitude: float, waves: int, phase: float
) -> Callable[[float], _Point]:
    """A sine wave from ``start`` to ``end`` (parameter 0..1), offset to the right-hand side."""
    (xa, ya), (xb, yb) = start, end
    dx, dy = xb - xa, yb - ya
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length  # inward normal of a clockwise frame

    def strand(s: float) -> _Point:
        off = amplitude * math.sin(2 * math.pi * waves * s + phase)
        return xa + dx * s + nx * off, ya + dy * s + ny * off

    return strand


@lru_cache(maxsize=16)
def rosette(
    cx: float, cy: float, radius: float, depth: float, *, lobes: int = 12, strands: int = 6
) -> tuple[str, ...]:
    """Closed rose curves ``r = radius - depth * (1 + sin(lobes θ + φ)) / 2``, φ spread evenly."""
    paths = []
    for k in range(strands):
        phase = 2 * math.pi * k / strands / lobes

        def petal(theta: float, phase: float = phase) -> _Point:
            r = radius - depth * (1 + math.sin(lobes * (theta + phase))) / 2
            return cx + r * math.cos(theta), cy + r * math.sin(theta)

        paths.append(_bezier_path(petal, 0.0, 2 * math.pi, lobes * 8) + "Z")
    return tuple(paths)
