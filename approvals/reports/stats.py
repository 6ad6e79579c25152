"""Order statistics of whole-day durations, computed from histograms (day value → count).

Turnaround and step durations are whole days, so a group of a million cases has at most a few
hundred distinct values: the database groups and counts (cheap, parallel, index-only), and the
statistics are read off the counts here, with no per-case work in Python. ``percentile`` is the
definition of PostgreSQL's ``percentile_cont`` (linear interpolation between the two nearest
ranks, ``lo + (hi - lo) * fraction``), so the figures equal what SQL would compute.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Histogram = Mapping[int, int]  # day value → number of cases (or steps) with that value

DECIMALS = 2  # medians and percentiles are reported to 0.01 day


@dataclass(frozen=True)
class Stats:
    """Count, median, 90th percentile, maximum, mean and total of a group of durations."""

    count: int
    median: float | None
    p90: float | None
    max: int | None
    mean: float | None
    total: int


def histogram_of(values: Iterable[int]) -> dict[int, int]:
    """The histogram of plain values (tests and small inputs)."""
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def merge(histograms: Iterable[Histogram]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for histogram in histograms:
        for value, count in histogram.items():
            merged[value] = merged.get(value, 0) + count
    return merged


def _value_at(ordered: list[tuple[int, int]], rank: int) -> int:
    """The value of 0-based ``rank`` in the sorted multiset the histogram describes."""
    seen = 0
    for value, count in ordered:
        seen += count
        if rank < seen:
            return value
    raise IndexError(rank)  # pragma: no cover - callers pass rank < count


def percentile(histogram: Histogram, fraction: float) -> float | None:
    """``percentile_cont(fraction)`` of the values the histogram counts; None when empty."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} outside [0, 1]")
    ordered = sorted((v, c) for v, c in histogram.items() if c > 0)
    count = sum(c for _, c in ordered)
    if count == 0:
        return None
    position = fraction * (count - 1)
    lo_rank, hi_rank = math.floor(position), math.ceil(position)
    lo, hi = _value_at(ordered, lo_rank), _value_at(ordered, hi_rank)
    return float(lo + (hi - lo) * (position - lo_rank))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def stats_of(histogram: Histogram) -> Stats:
    count = sum(histogram.values())
    if count == 0:
        return Stats(count=0, median=None, p90=None, max=None, mean=None, total=0)
    total = sum(value * n for value, n in histogram.items())
    return Stats(
        count=count,
        median=_rounded(percentile(histogram, 0.5)),
        p90=_rounded(percentile(histogram, 0.9)),
        max=max(value for value, n in histogram.items() if n > 0),
        mean=_rounded(total / count),
        total=total,
    )


def count_within(histogram: Histogram, limit: int) -> int:
    """How many values are at most ``limit``."""
    return sum(n for value, n in histogram.items() if value <= limit)


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to share."""
    return part / whole if whole else None
