"""What an applicant may see of the bureau's internal record (least disclosure).

* **The expert draw** (random seed, candidate list, exclusions with the excluded experts'
  names, employers and availability) stays with the bureau: staff and auditors keep it and
  can replay it; the applicant never sees it.
* **The panel**: before the meeting closes the applicant learns that a panel of N experts
  meets, when, and over which video link (the builder and its consultant attend the hearing
  part), but not who sits on it: names known in advance invite lobbying and pressure. Once the
  panel has concluded, the applicant sees the conclusion and each expert's conclusion and
  opinion with the expert's name and title. The names are shown then because the signed
  专家组评审意见 served on the applicant already names its members; each expert answers for the
  opinion they signed, and the applicant needs to know whose opinion it must address in the
  revision and may challenge (回避) on the record. Employers and internal ids stay out.
* **The timeline**: the draw's comment (seed, candidate count) is left out, and the experts'
  own declines (which name experts before the meeting) are not shown; their day counts are
  carried over to the next visible step so the gaps still add up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from approvals.casework.queries import TimelineStep
from approvals.catalogue.process.standard import Action
from models import AuditEvent, Expert, Panel, PanelMember, Role, User

HIDDEN_ACTIONS = frozenset({"expert_declined"})
SILENT_COMMENT_ACTIONS = frozenset({Action.START_JOINT_REVIEW.value})


def panel_for_applicant(session: Session, panel: Panel) -> dict[str, Any]:
    """The applicant's view of a panel: no draw, and no names before it has concluded."""
    concluded = panel.status != "open"
    members: list[dict[str, Any]] = []
    if concluded:
        rows = session.exec(
            select(PanelMember, Expert)
            .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
            .where(PanelMember.panel_id == panel.id, col(PanelMember.submitted_at).is_not(None))
            .order_by(col(PanelMember.draw_order))
        ).all()
        members = [
            {
                "name": expert.name,
                "title": expert.title,
                "chair": member.chair,
                "conclusion": member.conclusion,
                "opinion": member.opinion,
            }
            for member, expert in rows
        ]
    return {
        "panel_id": panel.id,
        "size": panel.size,
        "needed": panel.needed_specialties,
        "meeting_at": panel.meeting_at,
        "video_link": panel.video_link,
        "status": panel.status,
        "conclusion": panel.conclusion if concluded else None,
        "members": members,
    }


def timeline_for(steps: list[TimelineStep], viewer: User) -> list[TimelineStep]:
    """The timeline as ``viewer`` may see it: everything for staff, auditors and experts; for
    the applicant without what it may not see (see the module's contract)."""
    if viewer.role is not Role.APPLICANT:
        return steps
    visible: list[TimelineStep] = []
    carried = (0, 0, False)
    for step in steps:
        gap = (
            carried[0] + step.calendar_days,
            carried[1] + step.working_days,
            carried[2] or step.provisional,
        )
        if step.event.action in HIDDEN_ACTIONS:
            carried = gap
            continue
        carried = (0, 0, False)
        event = step.event
        if event.action in SILENT_COMMENT_ACTIONS:  # a detached copy: the record is untouched
            event = AuditEvent.model_validate(event.model_dump() | {"comment": ""})
        visible.append(
            replace(
                step,
                event=event,
                calendar_days=gap[0],
                working_days=gap[1],
                provisional=gap[2],
            )
        )
    return visible
