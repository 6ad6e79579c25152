"""Server-side SVG charts for the auditors' pages: plain strings, no I/O, no JavaScript.

Every text that reaches the SVG is escaped here, so a chart can be inlined in a page as is.
Output is deterministic: the same data gives the same bytes (fixed precision, given order).
Hovering a mark shows its figures (SVG ``<title>``), without scripts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
WIDTH = 760
BLUE, GREEN, RED, AMBER, GREY, INK = "#0b5cad", "#1d8a4e", "#c0352b", "#b86e00", "#5d6b7a", "#1f2933"
STEP_COLOURS = ("#0b5cad", "#3a86d4", "#1d8a4e", "#6a4fb3", "#b86e00", "#0f8a8a", "#8a5a2b")


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


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _f(value: float) -> str:
    return f"{value:.1f}"


def number(value: float | None) -> str:
    """A figure as people read it: 17.5, 55, 3.25; "—" for none."""
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_step(span: float, ticks: int = 6) -> float:
    """A 1-2-5 step giving about ``ticks`` intervals over ``span``."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ceiling(value: float) -> float:
    step = nice_step(max(value, 1.0))
    return max(step, math.ceil(value / step) * step)


def _svg(height: float, title: str, body: Iterable[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'width="100%" role="img" aria-label="{_e(title)}" font-family="{FONT}" '
        f'font-size="12" fill="{INK}"><title>{_e(title)}</title>'
        f'<text x="0" y="16" font-size="14" font-weight="600">{_e(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _empty(title: str) -> str:
    return _svg(60, title, [f'<text x="0" y="46" fill="{GREY}">暂无数据</text>'])


def _line(x1: float, y1: float, x2: float, y2: float, css: str, style: str) -> str:
    return (
        f'<line class="{css}" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" {style}/>'
    )


def _x_axis(left: float, right: float, top: float, bottom: float, top_value: float, unit: str) -> str:
    step = nice_step(top_value)
    parts, tick = [], 0.0
    while tick <= top_value + 1e-9:
        x = left + (right - left) * tick / top_value
        parts.append(_line(x, top, x, bottom, "grid", 'stroke="#e3e8ee"'))
        parts.append(f'<text x="{_f(x)}" y="{_f(bottom + 14)}" text-anchor="middle">{number(tick)}</text>')
        tick += step
    parts.append(
        f'<text x="{_f((left + right) / 2)}" y="{_f(bottom + 30)}" text-anchor="middle" '
        f'fill="{GREY}">{_e(unit)}</text>'
    )
    return "".join(parts)


def _legend(y: float, entries: Sequence[tuple[str, str]]) -> str:
    x, parts = 0.0, []
    for mark, text in entries:
        parts.append(f'<g transform="translate({_f(x)},{_f(y)})">{mark}<text x="22" y="4">{_e(text)}</text></g>')
        x += 34 + 13 * len(text)
    return "".join(parts)


def _clip(label: str, size: int = 14) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def turnaround_strip(rows: Sequence[StripRow], unit: str = "工作日", title: str = "各事项办结用时分布") -> str:
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
            (f'<circle cx="8" cy="0" r="5" fill="{BLUE}" fill-opacity="0.55"/>', "办件（面积表示件数）"),
            (f'<line x1="8" y1="-7" x2="8" y2="7" stroke="{INK}" stroke-width="3"/>', "中位数"),
            (f'<line x1="0" y1="0" x2="16" y2="0" stroke="{GREEN}" stroke-width="2" stroke-dasharray="4 3"/>', "承诺时限"),
            (f'<line x1="0" y1="0" x2="16" y2="0" stroke="{RED}" stroke-width="2"/>', "法定时限"),
        ]),
        _x_axis(left, right, top, bottom, top_value, f"办结用时（{unit}）"),
    ]  # fmt: skip
    for index, row in enumerate(rows):
        y0, mid = top + band * index, top + band * index + band / 2
        if index % 2:
            parts.append(f'<rect x="{_f(left)}" y="{_f(y0)}" width="{_f(right - left)}" height="{_f(band)}" fill="#f5f7fa"/>')
        parts.append(
            f'<text x="{_f(left - 8)}" y="{_f(mid + 4)}" text-anchor="end">{_e(_clip(row.label, 16))}'
            f"<title>{_e(row.label)}</title></text>"
        )
        for days, cases in row.counts:
            radius = 2.0 + 6.0 * math.sqrt(cases / most)
            parts.append(
                f'<circle class="dot" cx="{_f(x(days))}" cy="{_f(mid)}" r="{_f(radius)}" fill="{BLUE}" '
                f'fill-opacity="0.55"><title>{_e(row.label)}：{days} {_e(unit)}，{cases} 件</title></circle>'
            )
        for value, css, style, name in (
            (row.promised, "ref-promised", f'stroke="{GREEN}" stroke-width="2" stroke-dasharray="4 3"', "承诺时限"),
            (row.statutory, "ref-statutory", f'stroke="{RED}" stroke-width="2"', "法定时限"),
        ):
            if value is not None:
                parts.append(
                    f'<g><title>{name} {value} {_e(unit)}</title>'
                    + _line(x(value), y0 + 2, x(value), y0 + band - 2, css, style) + "</g>"
                )
        if row.median is not None:
            parts.append(
                f'<g><title>中位数 {number(row.median)} {_e(unit)}</title>'
                + _line(x(row.median), mid - 8, x(row.median), mid + 8, "median", f'stroke="{INK}" stroke-width="3"')
                + "</g>"
            )
    parts.append(_line(left, bottom, right, bottom, "axis", f'stroke="{GREY}"'))
    return _svg(bottom + 40, title, parts)  # fmt: skip


def stage_bars(bars: Sequence[Bar], unit: str = "工作日", title: str = "各环节累计耗时") -> str:
    """Horizontal bars in the given order; the first (the longest wait) is the bottleneck."""
    if not bars:
        return _empty(title)
    left, right, top, band = 170.0, WIDTH - 190.0, 36.0, 30.0
    top_value = _ceiling(max(max(b.value for b in bars), 1.0))
    bottom = top + band * len(bars)
    parts = [_x_axis(left, right, top, bottom, top_value, unit)]
    for index, bar in enumerate(bars):
        y0 = top + band * index
        width = (right - left) * bar.value / top_value
        colour = AMBER if index == 0 else BLUE
        css = "bar bottleneck" if index == 0 else "bar"
        parts.append(
            f'<text x="{_f(left - 8)}" y="{_f(y0 + band / 2 + 4)}" text-anchor="end">{_e(_clip(bar.label, 12))}</text>'
            f'<rect class="{css}" x="{_f(left)}" y="{_f(y0 + 5)}" width="{_f(width)}" height="{_f(band - 10)}" fill="{colour}">'
            f"<title>{_e(bar.label)}：{number(bar.value)} {_e(unit)}</title></rect>"
            f'<text x="{_f(left + width + 6)}" y="{_f(y0 + band / 2 + 4)}">{number(bar.value)}'
            f'<tspan fill="{GREY}"> {_e(bar.note)}</tspan></text>'
        )
    parts.append(_line(left, top, left, bottom, "axis", f'stroke="{GREY}"'))
    return _svg(bottom + 40, title, parts)  # fmt: skip


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

    def y_median(v: float) -> float:
        return line_bottom - (line_bottom - line_top) * v / median_top

    parts = []
    for value, y in ((0.0, line_bottom), (median_top / 2, y_median(median_top / 2)), (median_top, line_top)):
        parts.append(_line(left, y, right, y, "grid", 'stroke="#e3e8ee"'))
        parts.append(f'<text x="{_f(left - 6)}" y="{_f(y + 4)}" text-anchor="end">{number(value)}</text>')
    parts.append(f'<text x="{_f(left)}" y="{_f(line_top - 8)}" fill="{GREY}">用时中位数（工作日）</text>')
    path = [f"{_f(cx(i))},{_f(y_median(p.median))}" for i, p in enumerate(points) if p.median is not None]
    if len(path) > 1:
        parts.append(f'<polyline class="trend-line" points="{" ".join(path)}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    parts.append(f'<text x="{_f(left)}" y="{_f(bar_top - 6)}" fill="{GREY}">办结件数</text>')
    for i, p in enumerate(points):
        share = "" if p.share_within_promised is None else f"，承诺时限内 {number(100 * p.share_within_promised)}%"
        tip = f"{_e(p.label)}：{p.count} 件，中位数 {number(p.median)} 工作日{share}"
        if p.median is not None:
            parts.append(f'<circle class="trend-point" cx="{_f(cx(i))}" cy="{_f(y_median(p.median))}" r="3.5" fill="{BLUE}"><title>{tip}</title></circle>')
        height = (bar_bottom - bar_top) * p.count / count_top
        parts.append(
            f'<rect class="month-bar" x="{_f(cx(i) - slot * 0.35)}" y="{_f(bar_bottom - height)}" width="{_f(slot * 0.7)}" '
            f'height="{_f(height)}" fill="#9cc3ec"><title>{tip}</title></rect>'
        )
        if i % every == 0:
            parts.append(f'<text x="{_f(cx(i))}" y="{_f(bar_bottom + 16)}" text-anchor="middle">{_e(p.label)}</text>')
    parts.append(f'<text x="{_f(left - 6)}" y="{_f(bar_top + 4)}" text-anchor="end">{number(count_top)}</text>')
    parts.append(_line(left, bar_bottom, right, bar_bottom, "axis", f'stroke="{GREY}"'))
    return _svg(bar_bottom + 28, title, parts)  # fmt: skip


def case_timeline(
    steps: Sequence[Span], pauses: Sequence[Span], markers: Sequence[Marker], title: str = "办理时间轴"
) -> str:
    """The steps of one case end to end on a date axis; clock stops shaded over them; the
    promised and statutory due dates as vertical lines."""
    days = [s.start for s in steps] + [s.end for s in steps] + [p.start for p in pauses]
    days += [p.end for p in pauses] + [m.day for m in markers]
    if not steps:
        return _empty(title)
    first, last = min(days), max(days)
    total = max((last - first).days, 1)
    left, right, lane, lane_h = 20.0, WIDTH - 20.0, 64.0, 34.0

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / total

    parts = [
        _legend(34, [
            (f'<rect x="0" y="-6" width="16" height="12" fill="url(#pause-hatch)" stroke="{GREY}"/>', "计时暂停"),
            (f'<line x1="8" y1="-7" x2="8" y2="7" stroke="{GREEN}" stroke-width="2" stroke-dasharray="4 3"/>', "承诺期限"),
            (f'<line x1="8" y1="-7" x2="8" y2="7" stroke="{RED}" stroke-width="2"/>', "法定期限"),
        ]),
        '<defs><pattern id="pause-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fff4e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="{AMBER}" stroke-width="2"/></pattern></defs>',
    ]  # fmt: skip
    for index, step in enumerate(steps):
        x1, x2 = x(step.start), max(x(step.end), x(step.start) + 2)
        tip = f"{_e(step.label)}：{step.start.isoformat()} 至 {step.end.isoformat()}"
        parts.append(
            f'<rect class="step" x="{_f(x1)}" y="{_f(lane)}" width="{_f(x2 - x1)}" height="{_f(lane_h)}" '
            f'fill="{STEP_COLOURS[index % len(STEP_COLOURS)]}" stroke="#fff"><title>{tip}</title></rect>'
        )
        if x2 - x1 > 14 * min(len(step.label), 6):
            parts.append(f'<text x="{_f(x1 + 4)}" y="{_f(lane + lane_h / 2 + 4)}" fill="#fff">{_e(_clip(step.label, 6))}</text>')
    for pause in pauses:
        x1, x2 = x(pause.start), max(x(pause.end), x(pause.start) + 2)
        parts.append(
            f'<rect class="pause" x="{_f(x1)}" y="{_f(lane - 6)}" width="{_f(x2 - x1)}" height="{_f(lane_h + 12)}" '
            f'fill="url(#pause-hatch)" fill-opacity="0.85" stroke="{AMBER}"><title>计时暂停（{_e(pause.label)}）：'
            f"{pause.start.isoformat()} 至 {pause.end.isoformat()}</title></rect>"
        )
    for marker in markers:
        colour, dash = (GREEN, ' stroke-dasharray="4 3"') if marker.kind == "promised" else (RED, "")
        parts.append(
            f'<g><title>{_e(marker.label)}：{marker.day.isoformat()}</title>'
            + _line(x(marker.day), lane - 14, x(marker.day), lane + lane_h + 14, f"ref-{_e(marker.kind)}", f'stroke="{colour}" stroke-width="2"{dash}')
            + "</g>"
        )
    step = max(1, round(total / 6))
    tick = first
    while tick <= last:
        parts.append(f'<text x="{_f(x(tick))}" y="{_f(lane + lane_h + 30)}" text-anchor="middle">{tick.isoformat()}</text>')
        tick += timedelta(days=step)
    return _svg(lane + lane_h + 40, title, parts)  # fmt: skip
