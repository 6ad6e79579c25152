"""The auditors' SVG charts: well-formed XML, every text escaped, limits drawn, deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from approvals.reports import charts, timeline_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & 报告书'


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def by_class(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if css in (e.get("class") or "").split()]


def texts(root: ET.Element) -> str:
    return " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))


def strip_rows() -> list[charts.StripRow]:
    return [
        charts.StripRow("EIA-01 报告书审批", [(10, 1), (15, 1), (20, 1), (70, 1)], 17.5, 15, 60),
        charts.StripRow(HOSTILE, [(5, 3), (12, 1)], 5.0, 10, 30),
    ]


def test_turnaround_strip_draws_each_items_promised_and_statutory_limit() -> None:
    root = parsed(charts.turnaround_strip(strip_rows()))

    promised, statutory = by_class(root, "ref-promised"), by_class(root, "ref-statutory")
    assert len(promised) == 2 and len(statutory) == 2
    # The 60-day line of EIA-01 lies four times as far from zero as its 15-day line.
    zero = float(next(e for e in root.iter(f"{SVG}text") if e.text == "0").get("x") or 0)
    x15, x60 = float(promised[0].get("x1") or 0), float(statutory[0].get("x1") or 0)
    assert abs((x60 - zero) / (x15 - zero) - 4.0) < 0.001  # coordinates have 2 decimals
    assert len(by_class(root, "dot")) == 6 and len(by_class(root, "median")) == 2
    assert "承诺时限" in texts(root) and "法定时限" in texts(root)
    assert "办结用时（工作日）" in texts(root)


def test_every_label_is_escaped_text_never_markup() -> None:
    svg = charts.turnaround_strip(strip_rows(), title=HOSTILE)
    bars = charts.stage_bars([charts.Bar(HOSTILE, 3, note=HOSTILE)], title=HOSTILE)
    trend = charts.monthly_trend([charts.TrendPoint(HOSTILE, 2, 4.5, 0.5)], title=HOSTILE)
    timeline = timeline_chart.case_timeline(
        [timeline_chart.Span(HOSTILE, date(2021, 9, 17), date(2021, 10, 14))],
        [timeline_chart.Span(HOSTILE, date(2021, 9, 22), date(2021, 9, 30))],
        [timeline_chart.Marker(HOSTILE, date(2021, 10, 14), "promised")],
        title=HOSTILE,
    )
    for chart in (svg, bars, trend, timeline):
        assert "<script" not in chart
        assert "&lt;script&gt;" in chart
        root = parsed(chart)
        assert not list(root.iter(f"{SVG}script"))
        assert HOSTILE in "".join(root.itertext())  # the reader sees the label as written


def test_stage_bars_mark_the_first_bar_as_the_bottleneck() -> None:
    root = parsed(
        charts.stage_bars([charts.Bar("承办拟办", 78, "平均 13"), charts.Bar("科室审核", 29)])
    )
    bars = by_class(root, "bar")
    assert [b.get("class") for b in bars] == ["bar bottleneck", "bar"]
    assert float(bars[0].get("width") or 0) > float(bars[1].get("width") or 0)
    assert "78" in texts(root) and "平均 13" in texts(root)


def test_monthly_trend_has_a_point_and_a_bar_per_month() -> None:
    points = [charts.TrendPoint(f"2021-{m:02d}", m, 10.0 + m, 0.5) for m in range(1, 13)]
    root = parsed(charts.monthly_trend(points))
    assert len(by_class(root, "month-bar")) == 12 and len(by_class(root, "trend-point")) == 12
    assert len(by_class(root, "trend-line")) == 1
    assert "2021-01" in texts(root) and "用时中位数（工作日）" in texts(root)


def test_case_timeline_shades_pauses_and_draws_both_due_dates() -> None:
    root = parsed(
        timeline_chart.case_timeline(
            [
                timeline_chart.Span("待受理", date(2021, 9, 15), date(2021, 9, 17)),
                timeline_chart.Span("承办拟办", date(2021, 9, 17), date(2021, 10, 15)),
            ],
            [timeline_chart.Span("专家评审", date(2021, 9, 22), date(2021, 9, 30))],
            [
                timeline_chart.Marker("承诺期限", date(2021, 10, 25), "promised"),
                timeline_chart.Marker("法定期限", date(2021, 12, 24), "statutory"),
            ],
        )
    )
    assert len(by_class(root, "step")) == 2 and len(by_class(root, "pause")) == 1
    assert len(by_class(root, "ref-promised")) == 1 and len(by_class(root, "ref-statutory")) == 1
    assert "2021-09-15" in texts(root)


def test_the_same_data_gives_the_same_svg_and_no_data_says_so() -> None:
    assert charts.turnaround_strip(strip_rows()) == charts.turnaround_strip(strip_rows())
    for empty in (
        charts.turnaround_strip([]),
        charts.stage_bars([]),
        charts.monthly_trend([]),
        timeline_chart.case_timeline([], [], []),
    ):
        assert "暂无数据" in texts(parsed(empty))


def test_numbers_read_as_people_write_them() -> None:
    assert [charts.number(v) for v in (17.5, 55.0, 3.25, 0.0, None)] == [
        "17.5",
        "55",
        "3.25",
        "0",
        "—",
    ]
    assert [charts.nice_step(v) for v in (60, 7, 1000)] == [10, 2, 200]
