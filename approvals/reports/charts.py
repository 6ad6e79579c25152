"""Server-side SVG charts for the auditors' pages: plain strings, no I/O, no JavaScript.

Every text and attribute value that reaches the SVG is escaped (``svg.tag``), so a chart can be
inlined in a page as is. Output is deterministic: the same data gives the same string (fixed
precision, the given order). Hovering a mark shows its figures (SVG ``<title>``), no scripts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from approvals.reports import svg
from approvals.reports.svg import (
    AMBER,
    BAND,
    BLUE,
    GREEN,
    GREY,
    GRID,
    INK,
    LIGHT,
    PROMISED_STYLE,
    RED,
    STATUTORY_STYLE,
    WIDTH,
    nice_step,
    number,
)

if TYPE_CHECKING:  # the report type only; charts stay free of services at run time
    from approvals.reports.commitment import CommitmentReport


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


# --- charts ------------------------------------------------------------------------------------


def turnaround_strip(
    rows: Sequence[StripRow], unit: str = "工作日", title: str = "各事项办结用时分布"
) -> str:
    """One line per item: a dot per day count (area ∝ cases), the median as a dark tick, the
    promised limit (green, dashed) and the statutory limit (red) as reference lines."""
    rows = [r for r in rows if r.counts]
    if not rows:
        return svg.empty(title)
    left, right, top, band = 230.0, WIDTH - 16.0, 56.0, 26.0
    values = [d for r in rows for d, _ in r.counts]
    values += [v for r in rows for v in (r.promised, r.statutory) if v is not None]
    top_value = svg.ceiling(max(values))
    most = max(c for r in rows for _, c in r.counts)
    bottom = top + band * len(rows)

    def x(days: float) -> float:
        return left + (right - left) * days / top_value

    parts = [
        svg.legend(34, [
            (svg.tag("circle", cx=8, cy=0, r=5, fill=BLUE, fill_opacity=0.55),
             "办件（面积表示件数）"),
            (svg.line(8, -7, 8, 7, stroke=INK, stroke_width=3), "中位数"),
            (svg.line(0, 0, 16, 0, **PROMISED_STYLE), "承诺时限"),
            (svg.line(0, 0, 16, 0, **STATUTORY_STYLE), "法定时限"),
        ]),
        svg.x_axis((left, right, top, bottom), top_value, f"办结用时（{unit}）"),
    ]  # fmt: skip
    for index, row in enumerate(rows):
        y0, mid = top + band * index, top + band * index + band / 2
        if index % 2:
            parts.append(svg.tag("rect", x=left, y=y0, width=right - left, height=band, fill=BAND))
        name = svg.text(svg.clip(row.label, 16))
        anchor = {"x": left - 8, "y": mid + 4, "text_anchor": "end"}
        parts.append(svg.tag("text", name, svg.title(row.label), **anchor))
        for days, cases in row.counts:
            tip = svg.title(f"{row.label}：{days} {unit}，{cases} 件")
            radius = 2.0 + 6.0 * math.sqrt(cases / most)
            dot = {"cx": x(days), "cy": mid, "r": radius, "fill": BLUE, "fill_opacity": 0.55}
            parts.append(svg.tag("circle", tip, class_="dot", **dot))
        for value, css, style, name in (
            (row.promised, "ref-promised", PROMISED_STYLE, "承诺时限"),
            (row.statutory, "ref-statutory", STATUTORY_STYLE, "法定时限"),
        ):
            if value is not None:
                mark = svg.line(x(value), y0 + 2, x(value), y0 + band - 2, class_=css, **style)
                parts.append(svg.tag("g", svg.title(f"{name} {value} {unit}"), mark))
        if row.median is not None:
            at = x(row.median)
            tick = svg.line(at, mid - 8, at, mid + 8, class_="median", stroke=INK, stroke_width=3)
            parts.append(svg.tag("g", svg.title(f"中位数 {number(row.median)} {unit}"), tick))
    return svg.document(bottom + 40, title, parts)


def stage_bars(bars: Sequence[Bar], unit: str = "工作日", title: str = "各环节累计耗时") -> str:
    """Horizontal bars in the given order; the first (the longest wait) is the bottleneck."""
    if not bars:
        return svg.empty(title)
    left, right, top, band = 170.0, WIDTH - 190.0, 36.0, 30.0
    top_value = svg.ceiling(max(max(b.value for b in bars), 1.0))
    bottom = top + band * len(bars)
    parts = [svg.x_axis((left, right, top, bottom), top_value, unit)]
    for index, bar in enumerate(bars):
        y0, width = top + band * index, (right - left) * bar.value / top_value
        first = index == 0
        parts.append(
            svg.label(left - 8, y0 + band / 2 + 4, svg.clip(bar.label, 12), text_anchor="end")
        )
        parts.append(
            svg.tag(
                "rect",
                svg.title(f"{bar.label}：{number(bar.value)} {unit}"),
                class_="bar bottleneck" if first else "bar",
                x=left,
                y=y0 + 5,
                width=width,
                height=band - 10,
                fill=AMBER if first else BLUE,
            )
        )
        note = svg.tag("tspan", svg.text(f" {bar.note}"), fill=GREY) if bar.note else ""
        figure = svg.tag(
            "text", svg.text(number(bar.value)), note, x=left + width + 6, y=y0 + band / 2 + 4
        )
        parts.append(figure)
    parts.append(svg.line(left, top, left, bottom, class_="axis", stroke=GREY))
    return svg.document(bottom + 40, title, parts)


def monthly_trend(points: Sequence[TrendPoint], title: str = "月度办结趋势") -> str:
    """Top: the median working days per month (line). Bottom: cases decided (bars)."""
    if not points:
        return svg.empty(title)
    left, right = 56.0, WIDTH - 16.0
    line_top, line_bottom, bar_top, bar_bottom = 40.0, 170.0, 196.0, 276.0
    slot = (right - left) / len(points)
    median_top = svg.ceiling(max([p.median or 0.0 for p in points] + [1.0]))
    count_top = svg.ceiling(max(max(p.count for p in points), 1))
    every = max(1, math.ceil(len(points) / 12))

    def cx(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_median(value: float) -> float:
        return line_bottom - (line_bottom - line_top) * value / median_top

    parts = [svg.label(left, line_top - 8, "用时中位数（工作日）", fill=GREY)]
    for value in (0.0, median_top / 2, median_top):
        y = y_median(value)
        parts.append(svg.line(left, y, right, y, class_="grid", stroke=GRID))
        parts.append(svg.label(left - 6, y + 4, number(value), text_anchor="end"))
    path = " ".join(
        f"{cx(i):.1f},{y_median(p.median):.1f}"
        for i, p in enumerate(points)
        if p.median is not None
    )
    if path.count(" ") >= 1:
        line = {"fill": "none", "stroke": BLUE, "stroke_width": 2}
        parts.append(svg.tag("polyline", class_="trend-line", points=path, **line))
    parts.append(svg.label(left, bar_top - 6, "办结件数", fill=GREY))
    parts.append(svg.label(left - 6, bar_top + 4, number(count_top), text_anchor="end"))
    for i, p in enumerate(points):
        share = p.share_within_promised
        within = "" if share is None else f"，承诺时限内 {number(100 * share)}%"
        tip = f"{p.label}：{p.count} 件，中位数 {number(p.median)} 工作日{within}"
        if p.median is not None:
            point = {"cx": cx(i), "cy": y_median(p.median), "r": 3.5, "fill": BLUE}
            parts.append(svg.tag("circle", svg.title(tip), class_="trend-point", **point))
        height = (bar_bottom - bar_top) * p.count / count_top
        box = {"x": cx(i) - slot * 0.35, "y": bar_bottom - height, "width": slot * 0.7}
        parts.append(
            svg.tag("rect", svg.title(tip), class_="month-bar", height=height, fill=LIGHT, **box)
        )
        if i % every == 0:
            parts.append(svg.label(cx(i), bar_bottom + 16, p.label, text_anchor="middle"))
    parts.append(svg.line(left, bar_bottom, right, bar_bottom, class_="axis", stroke=GREY))
    return svg.document(bar_bottom + 28, title, parts)


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
        svg.legend(
            36,
            [
                (svg.tag("rect", x=0, y=-6, width=16, height=12, fill=BLUE), "用时中位数"),
                (svg.tag("rect", x=0, y=-6, width=16, height=12, fill=LIGHT), "P90"),
                (svg.line(8, -7, 8, 7, **PROMISED_TICK), "承诺时限"),
                (svg.line(8, -7, 8, 7, **STATUTORY_TICK), "法定时限"),
            ],
        ),
        svg.x_axis((left, right, top, bottom), scale, "办结用时（工作日）"),
    ]
    for index, row in enumerate(rows):
        y0 = top + band * index
        parts.append(svg.label(left - 10, y0 + 27, row.label, text_anchor="end", font_weight=600))
        caption = f"{row.item_code} · 办结 {row.count} 件"
        parts.append(svg.label(left - 10, y0 + 44, caption, text_anchor="end", fill=GREY))
        for value, colour, y_bar, height, name in (
            (row.p90_working_days, LIGHT, y0 + 12, 40.0, "P90"),
            (row.median_working_days, BLUE, y0 + 20, 24.0, "中位数"),
        ):
            if value is not None:
                tip = svg.title(f"{row.label}：{name} {number(value)} 个工作日")
                box = {"x": left, "y": y_bar, "width": max(x(value) - left, 2.0), "height": height}
                parts.append(svg.tag("rect", tip, class_="track-bar", fill=colour, **box))
        if row.median_working_days is None:
            parts.append(svg.label(left + 6, y0 + 36, "暂无办结办件", fill=GREY))
        else:
            shown = f"中位数 {number(row.median_working_days)}"
            shown += f" · P90 {number(row.p90_working_days)}"
            end = x(max(row.p90_working_days or 0.0, row.median_working_days)) + 6
            parts.append(svg.label(end, y0 + 36, shown, font_weight=600))
        for limit, style, css, name in (
            (row.promised_days, PROMISED_TICK, "ref-promised", "承诺时限"),
            (row.statutory_days, STATUTORY_TICK, "ref-statutory", "法定时限"),
        ):
            if limit is not None:
                mark = svg.line(x(limit), y0 + 4, x(limit), y0 + band - 4, class_=css, **style)
                parts.append(svg.tag("g", svg.title(f"{name} {limit} 个工作日"), mark))
    return svg.document(bottom + 42, title, parts)
