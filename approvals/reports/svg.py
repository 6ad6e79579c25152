"""The SVG building blocks of the auditors' charts: elements, labels, axes and legends as plain
strings. Every text and attribute value that reaches the SVG is escaped here (``tag``), and
numbers are written with fixed precision, so the same data gives the same string."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
WIDTH = 760
BLUE, GREEN, RED, AMBER, GREY, INK = (
    "#0b5cad",
    "#1d8a4e",
    "#c0352b",
    "#b86e00",
    "#5d6b7a",
    "#1f2933",
)
GRID, BAND, LIGHT = "#e3e8ee", "#f5f7fa", "#9cc3ec"
STEP_COLOURS = ("#0b5cad", "#3a86d4", "#1d8a4e", "#6a4fb3", "#b86e00", "#0f8a8a", "#8a5a2b")
PROMISED_STYLE = {"stroke": GREEN, "stroke_width": 2, "stroke_dasharray": "4 3"}
STATUTORY_STYLE = {"stroke": RED, "stroke_width": 2}


def number(value: float | None) -> str:
    """A figure as people read it: 17.5, 55, 3.25; "—" for none."""
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def value(value: object) -> str:
    if isinstance(value, float):
        return number(value)
    return escape(str(value), quote=True)


def tag(name: str, *children: str, **attrs: object) -> str:
    """An element; ``stroke_width`` is written ``stroke-width``, ``class_`` is ``class``, and
    attributes set to None are left out. Children are markup (escape text with ``text``)."""
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{value(v)}"'
        for key, v in attrs.items()
        if v is not None
    )
    if not children:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{''.join(children)}</{name}>"


def text(content: object) -> str:
    return escape(str(content), quote=True)


def title(content: str) -> str:
    return tag("title", text(content))


def label(x: float, y: float, content: str, **attrs: object) -> str:
    return tag("text", text(content), x=float(x), y=float(y), **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return tag("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def nice_step(span: float, ticks: int = 6) -> float:
    """A 1-2-5 step giving about ``ticks`` intervals over ``span``."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def ceiling(value: float) -> float:
    step = nice_step(max(value, 1.0))
    return max(step, math.ceil(value / step) * step)


def document(height: float, heading: str, parts: Sequence[str]) -> str:
    return tag(
        "svg",
        title(heading),
        label(0, 16, heading, font_size=14, font_weight=600),
        *parts,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {height:.0f}",
        width=WIDTH,
        height=f"{height:.0f}",
        role="img",
        aria_label=heading,
        font_family=FONT,
        font_size=12,
        fill=INK,
    )


def empty(heading: str) -> str:
    return document(60, heading, [label(0, 46, "暂无数据", fill=GREY)])


def x_axis(box: tuple[float, float, float, float], top_value: float, caption: str) -> str:
    left, right, top, bottom = box
    step, tick, parts = nice_step(top_value), 0.0, []
    while tick <= top_value + 1e-9:
        x = left + (right - left) * tick / top_value
        parts.append(line(x, top, x, bottom, class_="grid", stroke=GRID))
        parts.append(label(x, bottom + 14, number(tick), text_anchor="middle"))
        tick += step
    parts.append(label((left + right) / 2, bottom + 30, caption, text_anchor="middle", fill=GREY))
    parts.append(line(left, bottom, right, bottom, class_="axis", stroke=GREY))
    return "".join(parts)


def legend(y: float, entries: Sequence[tuple[str, str]]) -> str:
    x, parts = 0.0, []
    for mark, caption in entries:
        parts.append(tag("g", mark, label(22, 4, caption), transform=f"translate({x:.1f},{y})"))
        x += 34 + 13 * len(caption)
    return "".join(parts)


def clip(label: str, size: int) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
