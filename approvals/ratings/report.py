"""The auditor's figures: ratings by level, item and officer; follow-ups open, overdue and
answered on time or late. A rating whose appeal was upheld does not count."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue
from approvals.ratings.rules import load_rules
from models import User
from models.ratings import CountRow, FollowUpState, Rating, RatingFollowUp, RatingReport


def _row(key: str, label: str, levels: list[int], bad_at_most: int) -> CountRow:
    counts = Counter(levels)
    return CountRow(
        key=key,
        label=label,
        ratings=len(levels),
        bad=sum(1 for level in levels if level <= bad_at_most),
        mean_level=round(sum(levels) / len(levels), 2) if levels else 0.0,
        by_level={level: counts.get(level, 0) for level in range(5, 0, -1)},
    )


def rating_report(
    session: Session, catalogue: Catalogue, today: date, start: date | None = None,
    end: date | None = None,
) -> RatingReport:  # fmt: skip
    rules = load_rules()
    rows = session.exec(
        select(Rating, RatingFollowUp).join(
            RatingFollowUp, col(RatingFollowUp.rating_id) == col(Rating.id), isouter=True
        )
    ).all()
    counted: list[Rating] = []
    follow_ups: list[RatingFollowUp] = []
    upheld = 0
    for rating, follow_up in rows:
        day = rating.rated_at.date()
        if (start and day < start) or (end and day > end):
            continue
        if follow_up is not None and follow_up.state is FollowUpState.VOIDED:
            upheld += 1
            continue
        counted.append(rating)
        if follow_up is not None:
            follow_ups.append(follow_up)
    by_item: dict[str, list[int]] = defaultdict(list)
    by_officer: dict[int | None, list[int]] = defaultdict(list)
    for rating in counted:
        by_item[rating.item_code].append(rating.level)
        by_officer[rating.officer_id].append(rating.level)
    names = {u.id: u.display_name for u in session.exec(select(User)).all()}
    bad = rules.levels.bad_at_most
    levels = [r.level for r in counted]
    answered = [
        (f.answered_on, f.due_on)
        for f in follow_ups
        if f.state is FollowUpState.ANSWERED and f.answered_on is not None
    ]
    waiting = [f for f in follow_ups if f.state in (FollowUpState.OPEN, FollowUpState.APPEALED)]
    return RatingReport(
        total=len(counted),
        by_level=_row("all", "全部", levels, bad).by_level,
        satisfaction=round(sum(1 for v in levels if v > bad) / len(levels), 4) if levels else 0.0,
        by_item=[
            _row(code, catalogue.get(code).name_zh if code in catalogue else code, v, bad)
            for code, v in sorted(by_item.items())
        ],
        by_officer=[
            _row(str(uid or 0), names.get(uid, "（未记录）") if uid else "（未记录）", v, bad)
            for uid, v in sorted(by_officer.items(), key=lambda kv: kv[0] or 0)
        ],
        follow_ups_open=len(waiting),
        follow_ups_overdue=sum(1 for f in waiting if f.due_on < today),
        follow_ups_on_time=sum(1 for on, due in answered if on <= due),
        follow_ups_late=sum(1 for on, due in answered if on > due),
        appeals_upheld=upheld,
    )
