"""听证公告: a hearing the bureau holds of its own motion on a matter of public interest is
announced to the public (行政许可法第四十六条 "向社会公告，并举行听证"), with its subject, time
and place, and that it is held in public (§48(一)(三)). Written when the hearing is scheduled (the
time and place are known then) in the scheduling transaction; a rescheduling updates it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from approvals.clock import as_local, local_date
from approvals.participation.hearings.lookup import active_requests
from approvals.participation.notices import find_notice
from models import (
    Application,
    Enterprise,
    Hearing,
    HearingOrigin,
    NoticeKind,
    PartyKind,
    PublicNotice,
)
from models.hearings import MODE_LABELS
from models.ids import id_of

OPEN_TO_THE_PUBLIC = (
    "除涉及国家秘密、商业秘密或者个人隐私的外，听证公开举行，公民、法人或者其他组织可以旁听"
    "（《中华人民共和国行政许可法》第四十八条）。"
)


def announce(
    session: Session, application: Application, item_name: str, hearing: Hearing, at: datetime
) -> PublicNotice | None:
    """Publish (or bring up to date) the 听证公告 of an ordered hearing; None for a hearing
    held on request (§47: the parties are notified, nothing is announced)."""
    if hearing.origin is not HearingOrigin.ORDERED or hearing.scheduled_at is None:
        return None
    assert hearing.mode is not None
    subject = "；".join(
        r.reasons for r in active_requests(session, id_of(hearing)) if r.party is PartyKind.BUREAU
    )
    place = (
        f"{MODE_LABELS[hearing.mode]}：{hearing.place}"
        if hearing.place
        else MODE_LABELS[hearing.mode]
    )
    held_on = local_date(as_local(hearing.scheduled_at))
    notice = find_notice(session, id_of(application), NoticeKind.HEARING)
    if notice is None:
        enterprise = session.get(Enterprise, application.enterprise_id)
        notice = PublicNotice(
            application_id=id_of(application),
            kind=NoticeKind.HEARING,
            item_code=application.item_code,
            item_name=item_name,
            project_name=application.project_name,
            builder=enterprise.name if enterprise else "",
            site=application.site,
            district=application.district,
            consultant=application.consultant,
            event_on=local_date(at),
            starts_on=local_date(at),
            ends_on=held_on,
            days=0,
            published_at=at,
            hearing_right=OPEN_TO_THE_PUBLIC,
        )
    notice.overview = subject[:2000]  # 听证事项
    notice.hearing_at, notice.hearing_place, notice.ends_on = (
        hearing.scheduled_at,
        place[:300],
        held_on,
    )
    session.add(notice)
    session.flush()
    return notice
