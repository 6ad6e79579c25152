"""Server-side SVG charts for the auditors' pages: plain strings, no I/O, no JavaScript.

Every text and attribute value that reaches the SVG is escaped here (``_tag``), so a chart can
be inlined in a page as is. Output is deterministic: the same data gives the same string (fixed
precision, the given order). Hovering a mark shows its figures (SVG ``<title>``), no scripts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report type only; charts stay free of services at run time
    from approvals.services.report_commitment import CommitmentReport

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


@dataclass(frozen=True)
class StripRow:
    """One item of the turnaround chart: its cases per day count and its limits."""

    label: str
    counts: Sequence[tuple[int, int]]  # (days, cases)
    median: float | None = None
    promised: int | None = None
    statutory: int | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # shown after the value, e.g. "平均 3.5 · 120 件次"


@dataclass(frozen=True)
class TrendPoint:
    label: str  # 2021-03
    count: int
    median: float | None
    share_within_promised: float | None = None  # 0..1


@dataclass(frozen=True)
class Span:
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Marker:
    label: str
    day: date
    kind: str  # "promised" or "statutory"


# --- building blocks ---------------------------------------------------------------------------


def number(value: float | None) -> str:
    """A figure as people read it: 17.5, 55, 3.25; "—" for none."""
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _value(value: object) -> str:
    if isinstance(value, float):
        return number(value)
    return escape(str(value), quote=True)


def _tag(name: str, *children: str, **attrs: object) -> str:
    """An element; ``stroke_width`` is written ``stroke-width``, ``class_`` is ``class``, and
    attributes set to None are left out. Children are markup (escape text with ``_text``)."""
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_value(v)}"'
        for key, v in attrs.items()
        if v is not None
    )
    if not children:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{''.join(children)}</{name}>"


def _text(content: object) -> str:
    return escape(str(content), quote=True)


def _title(content: str) -> str:
    return _tag("title", _text(content))


def _label(x: float, y: float, content: str, **attrs: object) -> str:
    return _tag("text", _text(content), x=float(x), y=float(y), **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return _tag("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def nice_step(span: float, ticks: int = 6) -> float:
    """A 1-2-5 step giving about ``ticks`` intervals over ``span``."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _ceiling(value: float) -> float:
    step = nice_step(max(value, 1.0))
    return max(step, math.ceil(value / step) * step)


def _svg(height: float, title: str, parts: Sequence[str]) -> str:
    return _tag(
        "svg",
        _title(title),
        _label(0, 16, title, font_size=14, font_weight=600),
        *parts,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {height:.0f}",
        width=WIDTH,
        height=f"{height:.0f}",
        role="img",
        aria_label=title,
        font_family=FONT,
        font_size=12,
        fill=INK,
    )


def _empty(title: str) -> str:
    return _svg(60, title, [_label(0, 46, "暂无数据", fill=GREY)])


def _x_axis(box: tuple[float, float, float, float], top_value: float, caption: str) -> str:
    left, right, top, bottom = box
    step, tick, parts = nice_step(top_value), 0.0, []
    while tick <= top_value + 1e-9:
        x = left + (right - left) * tick / top_value
        parts.append(_line(x, top, x, bottom, class_="grid", stroke=GRID))
        parts.append(_label(x, bottom + 14, number(tick), text_anchor="middle"))
        tick += step
    parts.append(_label((left + right) / 2, bottom + 30, caption, text_anchor="middle", fill=GREY))
    parts.append(_line(left, bottom, right, bottom, class_="axis", stroke=GREY))
    return "".join(parts)


def _legend(y: float, entries: Sequence[tuple[str, str]]) -> str:
    x, parts = 0.0, []
    for mark, caption in entries:
        parts.append(_tag("g", mark, _label(22, 4, caption), transform=f"translate({x:.1f},{y})"))
        x += 34 + 13 * len(caption)
    return "".join(parts)


def _clip(label: str, size: int) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


# --- charts ------------------------------------------------------------------------------------


def turnaround_strip(
    rows: Sequence[StripRow], unit: str = "工作日", title: str = "各事项办结用时分布"
) -> str:
    """One line per item: a dot per day count (area ∝ cases), the median as a dark tick, the
    promised limit (green, dashed) and the statutory limit (red) as reference lines."""
    rows = [r for r in rows if r.counts]
    if not rows:
        return _empty(title)
    left, right, top, band = 230.0, WIDTH - 16.0, 56.0, 26.0
    values = [d for r in rows for d, _ in r.counts]
    values += [v for r in rows for v in (r.promised, r.statutory) if v is not None]
    top_value = _ceiling(max(values))
    most = max(c for r in rows for _, c in r.counts)
    bottom = top + band * len(rows)

    def x(days: float) -> float:
        return left + (right - left) * days / top_value

    parts = [
        _legend(34, [
            (_tag("circle", cx=8, cy=0, r=5, fill=BLUE, fill_opacity=0.55), "办件（面积表示件数）"),
            (_line(8, -7, 8, 7, stroke=INK, stroke_width=3), "中位数"),
            (_line(0, 0, 16, 0, **PROMISED_STYLE), "承诺时限"),
            (_line(0, 0, 16, 0, **STATUTORY_STYLE), "法定时限"),
        ]),
        _x_axis((left, right, top, bottom), top_value, f"办结用时（{unit}）"),
    ]  # fmt: skip
    for index, row in enumerate(rows):
        y0, mid = top + band * index, top + band * index + band / 2
        if index % 2:
            parts.append(_tag("rect", x=left, y=y0, width=right - left, height=band, fill=BAND))
        name = _text(_clip(row.label, 16))
        anchor = {"x": left - 8, "y": mid + 4, "text_anchor": "end"}
        parts.append(_tag("text", name, _title(row.label), **anchor))
        for days, cases in row.counts:
            tip = _title(f"{row.label}：{days} {unit}，{cases} 件")
            radius = 2.0 + 6.0 * math.sqrt(cases / most)
            dot = {"cx": x(days), "cy": mid, "r": radius, "fill": BLUE, "fill_opacity": 0.55}
            parts.append(_tag("circle", tip, class_="dot", **dot))
        for value, css, style, name in (
            (row.promised, "ref-promised", PROMISED_STYLE, "承诺时限"),
            (row.statutory, "ref-statutory", STATUTORY_STYLE, "法定时限"),
        ):
            if value is not None:
                mark = _line(x(value), y0 + 2, x(value), y0 + band - 2, class_=css, **style)
                parts.append(_tag("g", _title(f"{name} {value} {unit}"), mark))
        if row.median is not None:
            at = x(row.median)
            tick = _line(at, mid - 8, at, mid + 8, class_="median", stroke=INK, stroke_width=3)
            parts.append(_tag("g", _title(f"中位数 {number(row.median)} {unit}"), tick))
    return _svg(bottom + 40, title, parts)


def stage_bars(bars: Sequence[Bar], unit: str = "工作日", title: str = "各环节累计耗时") -> str:
    """Horizontal bars in the given order; the first (the longest wait) is the bottleneck."""
    if not bars:
        return _empty(title)
    left, right, top, band = 170.0, WIDTH - 190.0, 36.0, 30.0
    top_value = _ceiling(max(max(b.value for b in bars), 1.0))
    bottom = top + band * len(bars)
    parts = [_x_axis((left, right, top, bottom), top_value, unit)]
    for index, bar in enumerate(bars):
        y0, width = top + band * index, (right - left) * bar.value / top_value
        first = index == 0
        parts.append(_label(left - 8, y0 + band / 2 + 4, _clip(bar.label, 12), text_anchor="end"))
        parts.append(
            _tag(
                "rect",
                _title(f"{bar.label}：{number(bar.value)} {unit}"),
                class_="bar bottleneck" if first else "bar",
                x=left,
                y=y0 + 5,
                width=width,
                height=band - 10,
                fill=AMBER if first else BLUE,
            )
        )
        note = _tag("tspan", _text(f" {bar.note}"), fill=GREY) if bar.note else ""
        figure = _tag(
            "text", _text(number(bar.value)), note, x=left + width + 6, y=y0 + band / 2 + 4
        )
        parts.append(figure)
    parts.append(_line(left, top, left, bottom, class_="axis", stroke=GREY))
    return _svg(bottom + 40, title, parts)


def monthly_trend(points: Sequence[TrendPoint], title: str = "月度办结趋势") -> str:
    """Top: the median working days per month (line). Bottom: cases decided (bars)."""
    if not points:
        return _empty(title)
    left, right = 56.0, WIDTH - 16.0
    line_top, line_bottom, bar_top, bar_bottom = 40.0, 170.0, 196.0, 276.0
    slot = (right - left) / len(points)
    median_top = _ceiling(max([p.median or 0.0 for p in points] + [1.0]))
    count_top = _ceiling(max(max(p.count for p in points), 1))
    every = max(1, math.ceil(len(points) / 12))

    def cx(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_median(value: float) -> float:
        return line_bottom - (line_bottom - line_top) * value / median_top

    parts = [_label(left, line_top - 8, "用时中位数（工作日）", fill=GREY)]
    for value in (0.0, median_top / 2, median_top):
        y = y_median(value)
        parts.append(_line(left, y, right, y, class_="grid", stroke=GRID))
        parts.append(_label(left - 6, y + 4, number(value), text_anchor="end"))
    path = " ".join(
        f"{cx(i):.1f},{y_median(p.median):.1f}"
        for i, p in enumerate(points)
        if p.median is not None
    )
    if path.count(" ") >= 1:
        line = {"fill": "none", "stroke": BLUE, "stroke_width": 2}
        parts.append(_tag("polyline", class_="trend-line", points=path, **line))
    parts.append(_label(left, bar_top - 6, "办结件数", fill=GREY))
    parts.append(_label(left - 6, bar_top + 4, number(count_top), text_anchor="end"))
    for i, p in enumerate(points):
        share = p.share_within_promised
        within = "" if share is None else f"，承诺时限内 {number(100 * share)}%"
        tip = f"{p.label}：{p.count} 件，中位数 {number(p.median)} 工作日{within}"
        if p.median is not None:
            point = {"cx": cx(i), "cy": y_median(p.median), "r": 3.5, "fill": BLUE}
            parts.append(_tag("circle", _title(tip), class_="trend-point", **point))
        height = (bar_bottom - bar_top) * p.count / count_top
        box = {"x": cx(i) - slot * 0.35, "y": bar_bottom - height, "width": slot * 0.7}
        parts.append(
            _tag("rect", _title(tip), class_="month-bar", height=height, fill=LIGHT, **box)
        )
        if i % every == 0:
            parts.append(_label(cx(i), bar_bottom + 16, p.label, text_anchor="middle"))
    parts.append(_line(left, bar_bottom, right, bar_bottom, class_="axis", stroke=GREY))
    return _svg(bar_bottom + 28, title, parts)


def case_timeline(
    steps: Sequence[Span],
    pauses: Sequence[Span],
    markers: Sequence[Marker],
    title: str = "办理时间轴",
) -> str:
    """The steps of one case end to end on a date axis, clock stops shaded over them, the
    promised and statutory due dates as vertical lines."""
    if not steps:
        return _empty(title)
    days = [d for s in (*steps, *pauses) for d in (s.start, s.end)] + [m.day for m in markers]
    first, last = min(days), max(days)
    total = max((last - first).days, 1)
    left, right, lane, height = 40.0, WIDTH - 40.0, 64.0, 34.0

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / total

    hatch = _tag(
        "pattern",
        _tag("rect", width=6, height=6, fill="#fff4e0"),
        _line(0, 0, 0, 6, stroke=AMBER, stroke_width=2),
        id="pause-hatch",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    swatch = _tag("rect", x=0, y=-6, width=16, height=12, fill="url(#pause-hatch)", stroke=GREY)
    parts = [
        _tag("defs", hatch),
        _legend(34, [
            (swatch, "计时暂停"),
            (_line(8, -7, 8, 7, **PROMISED_STYLE), "承诺期限"),
            (_line(8, -7, 8, 7, **STATUTORY_STYLE), "法定期限"),
        ]),
    ]  # fmt: skip
    names = []
    for index, step in enumerate(steps):
        x1, x2 = x(step.start), max(x(step.end), x(step.start) + 2)
        tip = _title(f"{step.label}：{step.start.isoformat()} 至 {step.end.isoformat()}")
        colour = STEP_COLOURS[index % len(STEP_COLOURS)]
        box = {"x": x1, "y": lane, "width": x2 - x1, "height": height}
        parts.append(_tag("rect", tip, class_="step", fill=colour, stroke="#fff", **box))
        if x2 - x1 > 14 * min(len(step.label), 6):  # named inside when the name fits
            halo = {"fill": "#fff", "stroke": colour, "stroke_width": 3, "paint_order": "stroke"}
            names.append(_label(x1 + 4, lane + height / 2 + 4, _clip(step.label, 6), **halo))
    for pause in pauses:
        x1, x2 = x(pause.start), max(x(pause.end), x(pause.start) + 2)
        tip = _title(
            f"计时暂停（{pause.label}）：{pause.start.isoformat()} 至 {pause.end.isoformat()}"
        )
        box = {"x": x1, "y": lane - 6, "width": x2 - x1, "height": height + 12}
        shade = {"fill": "url(#pause-hatch)", "fill_opacity": 0.7, "stroke": AMBER}
        parts.append(_tag("rect", tip, class_="pause", **box, **shade))
    parts.extend(names)
    for marker in markers:
        style = PROMISED_STYLE if marker.kind == "promised" else STATUTORY_STYLE
        at = x(marker.day)
        mark = _line(at, lane - 14, at, lane + height + 14, class_=f"ref-{marker.kind}", **style)
        parts.append(_tag("g", _title(f"{marker.label}：{marker.day.isoformat()}"), mark))
    step_days, tick = max(1, round(total / 6)), first
    while tick <= last:
        parts.append(_label(x(tick), lane + height + 30, tick.isoformat(), text_anchor="middle"))
        tick += timedelta(days=step_days)
    return _svg(lane + height + 40, title, parts)


PROMISED_TICK = {"stroke": GREEN, "stroke_width": 2, "stroke_dasharray": "4 3"}
STATUTORY_TICK = {"stroke": RED, "stroke_width": 2}


def track_comparison(
    report: CommitmentReport, title: str = "快速通道 vs 一般程序：办结用时（工作日）"
) -> str:
    """Per track, the median (dark) and P90 (light) working days as bars, the promised (green,
    dashed) and statutory (red) limits as ticks across the track's band."""
    rows = (report.fast, report.standard)
    left, right, top, band = 210.0, WIDTH - 150.0, 60.0, 64.0
    figures = [
        v
        for r in rows
        for v in (r.p90_working_days, r.median_working_days, r.promised_days, r.statutory_days)
        if v is not None
    ]
    step = nice_step(max([*figures, 1.0]))
    scale = max(step, math.ceil(max([*figures, 1.0]) / step) * step)
    bottom = top + band * len(rows)

    def x(days: float) -> float:
        return left + (right - left) * days / scale

    parts = [
        _legend(
            36,
            [
                (_tag("rect", x=0, y=-6, width=16, height=12, fill=BLUE), "用时中位数"),
                (_tag("rect", x=0, y=-6, width=16, height=12, fill=LIGHT), "P90"),
                (_line(8, -7, 8, 7, **PROMISED_TICK), "承诺时限"),
                (_line(8, -7, 8, 7, **STATUTORY_TICK), "法定时限"),
            ],
        ),
        _x_axis((left, right, top, bottom), scale, "办结用时（工作日）"),
    ]
    for index, row in enumerate(rows):
        y0 = top + band * index
        parts.append(_label(left - 10, y0 + 27, row.label, text_anchor="end", font_weight=600))
        caption = f"{row.item_code} · 办结 {row.count} 件"
        parts.append(_label(left - 10, y0 + 44, caption, text_anchor="end", fill=GREY))
        for value, colour, y_bar, height, name in (
            (row.p90_working_days, LIGHT, y0 + 12, 40.0, "P90"),
            (row.median_working_days, BLUE, y0 + 20, 24.0, "中位数"),
        ):
            if value is not None:
                tip = _title(f"{row.label}：{name} {number(value)} 个工作日")
                box = {"x": left, "y": y_bar, "width": max(x(value) - left, 2.0), "height": height}
                parts.append(_tag("rect", tip, class_="track-bar", fill=colour, **box))
        if row.median_working_days is None:
            parts.append(_label(left + 6, y0 + 36, "暂无办结办件", fill=GREY))
        else:
            shown = f"中位数 {number(row.median_working_days)}"
            shown += f" · P90 {number(row.p90_working_days)}"
            end = x(max(row.p90_working_days or 0.0, row.median_working_days)) + 6
            parts.append(_label(end, y0 + 36, shown, font_weight=600))
        for limit, style, css, name in (
            (row.promised_days, PROMISED_TICK, "ref-promised", "承诺时限"),
            (row.statutory_days, STATUTORY_TICK, "ref-statutory", "法定时限"),
        ):
            if limit is not None:
                mark = _line(x(limit), y0 + 4, x(limit), y0 + band - 4, class_=css, **style)
                parts.append(_tag("g", _title(f"{name} {limit} 个工作日"), mark))
    return _svg(bottom + 42, title, parts)
