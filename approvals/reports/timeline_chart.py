"""One case's timeline for the auditor's trace: its steps and clock stops as spans on a calendar
axis, with the promised and statutory due dates marked (plain SVG, see ``svg``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from approvals.reports import svg
from approvals.reports.svg import (
    AMBER,
    GREY,
    PROMISED_STYLE,
    STATUTORY_STYLE,
    STEP_COLOURS,
    WIDTH,
)


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


def case_timeline(
    steps: Sequence[Span],
    pauses: Sequence[Span],
    markers: Sequence[Marker],
    title: str = "办理时间轴",
) -> str:
    """The steps of one case end to end on a date axis, clock stops shaded over them, the
    promised and statutory due dates as vertical lines."""
    if not steps:
        return svg.empty(title)
    days = [d for s in (*steps, *pauses) for d in (s.start, s.end)] + [m.day for m in markers]
    first, last = min(days), max(days)
    total = max((last - first).days, 1)
    left, right, lane, height = 40.0, WIDTH - 40.0, 64.0, 34.0

    def x(day: date) -> float:
        return left + (right - left) * (day - first).days / total

    hatch = svg.tag(
        "pattern",
        svg.tag("rect", width=6, height=6, fill="#fff4e0"),
        svg.line(0, 0, 0, 6, stroke=AMBER, stroke_width=2),
        id="pause-hatch",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    swatch = svg.tag("rect", x=0, y=-6, width=16, height=12, fill="url(#pause-hatch)", stroke=GREY)
    parts = [
        svg.tag("defs", hatch),
        svg.legend(34, [
            (swatch, "计时暂停"),
            (svg.line(8, -7, 8, 7, **PROMISED_STYLE), "承诺期限"),
            (svg.line(8, -7, 8, 7, **STATUTORY_STYLE), "法定期限"),
        ]),
    ]  # fmt: skip
    names = []
    for index, step in enumerate(steps):
        x1, x2 = x(step.start), max(x(step.end), x(step.start) + 2)
        tip = svg.title(f"{step.label}：{step.start.isoformat()} 至 {step.end.isoformat()}")
        colour = STEP_COLOURS[index % len(STEP_COLOURS)]
        box = {"x": x1, "y": lane, "width": x2 - x1, "height": height}
        parts.append(svg.tag("rect", tip, class_="step", fill=colour, stroke="#fff", **box))
        if x2 - x1 > 14 * min(len(step.label), 6):  # named inside when the name fits
            halo = {"fill": "#fff", "stroke": colour, "stroke_width": 3, "paint_order": "stroke"}
            names.append(svg.label(x1 + 4, lane + height / 2 + 4, svg.clip(step.label, 6), **halo))
    for pause in pauses:
        x1, x2 = x(pause.start), max(x(pause.end), x(pause.start) + 2)
        tip = svg.title(
            f"计时暂停（{pause.label}）：{pause.start.isoformat()} 至 {pause.end.isoformat()}"
        )
        box = {"x": x1, "y": lane - 6, "width": x2 - x1, "height": height + 12}
        shade = {"fill": "url(#pause-hatch)", "fill_opacity": 0.7, "stroke": AMBER}
        parts.append(svg.tag("rect", tip, class_="pause", **box, **shade))
    parts.extend(names)
    for marker in markers:
        style = PROMISED_STYLE if marker.kind == "promised" else STATUTORY_STYLE
        at = x(marker.day)
        mark = svg.line(at, lane - 14, at, lane + height + 14, class_=f"ref-{marker.kind}", **style)
        parts.append(svg.tag("g", svg.title(f"{marker.label}：{marker.day.isoformat()}"), mark))
    step_days, tick = max(1, round(total / 6)), first
    while tick <= last:
        parts.append(svg.label(x(tick), lane + height + 30, tick.isoformat(), text_anchor="middle"))
        tick += timedelta(days=step_days)
    return svg.document(lane + height + 40, title, parts)
