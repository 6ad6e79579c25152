"""Licences the bureau issues and the rules of the items that act on them.

An item's ``licence`` block (``LicenceSpec``) names the licence kind and what an approving
decision does to it; the rules are here. Services flush; callers commit.

Rules (the law in shared/domain/LAW_AND_PRACTICE.md §1.2; choices marked *inferred*):

* **Applying.** Items that act on an existing licence (change, renew, replace, cancel, extend)
  need its number. The licence must exist, be of the item's kind and belong to the applicant's
  enterprise; all three failures give the same "not found" answer, so numbers of other
  enterprises do not leak. It must not be cancelled; it must not have expired, except for a
  cancellation (an expired licence may still be cancelled, 行政许可法第70条). A renewal after
  expiry is refused ("apply for a new licence"). A renewal filed later than the item's
  ``renew_before_days`` before expiry is accepted (the law does not make lateness a ground for
  refusal) and an audit event ``licence_late_renewal`` records why it is late and that
  §50's deemed renewal will not apply to it. At most one open application (any status outside
  the final ones, drafts included) acts on a licence; the second is refused naming the first.
* **Deciding.** Only an approving sign-off changes a licence; a denial changes nothing.
  issue: a new licence, valid from the sign-off date for ``validity_years`` years (to the day
  before the anniversary). change: same number and validity; holder name (the enterprise's
  current name) and address (the application's site) are taken anew. renew: a new period that
  starts the day after the old expiry, with the number kept. replace: one more copy (补发).
  cancel: the licence is cancelled. extend: a decision about a licensed activity; the licence
  is left as it is. Issue, change, renew and replace queue a LICENCE_CERTIFICATE (series: the
  item's decision series) whose payload freezes the licence as decided.
* **Certificates that no longer hold.** On cancel, every earlier certificate of the licence is
  revoked (verification says invalid); on change and replace the earlier certificates are
  revoked too (superseded particulars, a certificate reported lost) *inferred*; on renew they
  stay valid (they cover the period until the old expiry).
* **Renewal term.** ``validity_years`` of the renewal item, or, when it has none (HW-05), the
  term of the item that issued the licence: 危废综合/医废 5 years, 收集 3 years *inferred*.
* **Deemed renewal (行政许可法第50条).** An open renewal that was *filed in time* (received on
  or before the last day of the ``renew_before_days`` window) and is not decided when the
  licence expires renews the licence by law: the sweep extends it as a renewal would, audits
  ``deemed_renewal`` and mails the applicant. A late filing is not deemed renewed (§50 binds the
  bureau to decide before expiry only on an application made in time) *inferred*. The case
  stays open; its later sign-off does not extend again, and a later denial changes nothing.
* **Numbers** (*inferred* formats; ASCII because ``ApplicationCreate.licence_number`` accepts
  ``[0-9A-Za-z-]`` only): 排污许可证 = holder USCC + 3-digit serial per holder + ``P``;
  危险废物经营许可证 ``HW-<area>-<year>-<serial>``; 辐射安全许可证 ``RS-…``; 废弃电器电子产品
  处理资格证书 ``EW-…`` (serials per kind and year, from ``approvals.numbering.next_serial``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.transitions import queue_document
from approvals.catalogue import DayUnit, Item, LicenceAction, LicenceKind, LicenceSpec
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound
from approvals.numbering import next_serial
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    Document,
    DocumentKind,
    DocumentState,
    Enterprise,
    Licence,
    User,
)
from models.enums import ROLE_LABELS
from models.ids import id_of

ACTIVE = "active"
CANCELLED = "cancelled"

CERTIFICATE_TITLES: dict[LicenceKind, str] = {
    LicenceKind.POLLUTANT_DISCHARGE: "排污许可证",
    LicenceKind.HAZARDOUS_WASTE: "危险废物经营许可证",
    LicenceKind.RADIATION: "辐射安全许可证",
    LicenceKind.E_WASTE: "废弃电器电子产品处理资格证书",
}
NUMBER_PREFIX: dict[LicenceKind, str] = {
    LicenceKind.HAZARDOUS_WASTE: "HW",
    LicenceKind.RADIATION: "RS",
    LicenceKind.E_WASTE: "EW",
}
ACTION_LABELS: dict[LicenceAction, str] = {
    LicenceAction.ISSUE: "核发",
    LicenceAction.CHANGE: "变更",
    LicenceAction.RENEW: "延续",
    LicenceAction.REPLACE: "补领",
    LicenceAction.CANCEL: "注销",
    LicenceAction.EXTEND: "延期批准",
}
# Actions after which the holder gets a (new) certificate.
CERTIFIED = frozenset(
    {LicenceAction.ISSUE, LicenceAction.CHANGE, LicenceAction.RENEW, LicenceAction.REPLACE}
)
# Actions whose approval voids the certificates issued before.
SUPERSEDING = frozenset({LicenceAction.CHANGE, LicenceAction.REPLACE, LicenceAction.CANCEL})
LATE_RENEWAL_ACTION = "licence_late_renewal"


# --- errors ----------------------------------------------------------------------------------


class LicenceNotFound(NotFound):
    """No such licence of this kind held by the applicant's enterprise (one answer for all)."""

    code = "licence_not_found"


class LicenceNumberRequired(InvalidInput):
    code = "licence_number_required"


class LicenceNotActive(InvalidInput):
    """Cancelled, or expired for an action that needs a licence in force."""

    code = "licence_not_active"


class LicenceExpired(LicenceNotActive):
    code = "licence_expired"


class LicenceBusy(InvalidTransition):
    """Another open application already acts on this licence."""

    code = "licence_busy"


# --- dates -----------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def term_end(valid_from: date, years: int) -> date:
    """The last valid day of a term of ``years`` starting on ``valid_from``."""
    return add_years(valid_from, years) - timedelta(days=1)


def latest_renewal_day(
    calendar: WorkingCalendar, valid_to: date, days: int, unit: DayUnit | str
) -> date:
    """The last day a renewal is in time: at least ``days`` days (of ``unit``) are left in
    (that day, valid_to]. "届满60日前" with valid_to 2031-11-19 → 2031-09-20."""
    day = valid_to - timedelta(days=days)
    while calendar.used(day, valid_to, unit).days < days:
        day -= timedelta(days=1)
    return day


def _before(spec: LicenceSpec) -> str:
    unit = "个工作日" if spec.renew_before_unit is DayUnit.WORKING else "日"
    return f"有效期届满{spec.renew_before_days}{unit}前"


# --- lookups ---------------------------------------------------------------------------------


def spec_of(item: Item) -> LicenceSpec | None:
    return item.licence


def acts_on_existing(item: Item) -> bool:
    """Whether the item acts on a licence the applicant already holds."""
    return item.licence is not None and item.licence.action is not LicenceAction.ISSUE


def title_of(kind: str) -> str:
    return CERTIFICATE_TITLES[LicenceKind(kind)]


def find_licence(session: Session, number: str, *, lock: bool = False) -> Licence | None:
    query = select(Licence).where(Licence.number == number)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _not_found(spec: LicenceSpec, number: str) -> LicenceNotFound:
    title = CERTIFICATE_TITLES[spec.kind]
    return LicenceNotFound(
        f"本单位名下没有编号为“{number}”的{title}，请核对许可证编号",
        f"your enterprise holds no {spec.kind.value} licence numbered {number!r}",
        licence_number=number,
    )


def open_applications_on(session: Session, number: str) -> list[Application]:
    """Open applications (drafts included) that act on the licence ``number``."""
    candidates = session.exec(
        select(Application).where(
            Application.licence_number == number,
            col(Application.status).not_in(list(FINAL)),
        )
    ).all()
    return [a for a in candidates if acts_on_existing(item_of(session, a))]


# --- applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceCheck:
    """The licence an application acts on, and a note for the audit log ('' when none)."""

    licence_id: int
    number: str
    note: str = ""


def check_new_application(
    session: Session,
    clock: Clock,
    item: Item,
    enterprise: Enterprise,
    licence_number: str | None,
    calendar: WorkingCalendar | None = None,
) -> LicenceCheck | None:
    """Validate the licence an application for ``item`` would act on (before the row exists;
    the licence row stays locked until the caller commits). None for items that do not act on
    an existing licence."""
    calendar = calendar or shared_calendar()
    spec = item.licence
    if spec is None or spec.action is LicenceAction.ISSUE:
        return None
    action = ACTION_LABELS[spec.action]
    title = CERTIFICATE_TITLES[spec.kind]
    if not licence_number:
        raise LicenceNumberRequired(
            f"申请{title}{action}须填写许可证编号",
            f"an application to {spec.action.value} a licence needs its licence_number",
        )
    licence = find_licence(session, licence_number, lock=True)
    if licence is None or licence.kind != spec.kind.value or licence.enterprise_id != enterprise.id:
        raise _not_found(spec, licence_number)
    if licence.status == CANCELLED:
        raise LicenceNotActive(
            f"{title}“{licence.number}”已注销，不能申请{action}",
            f"licence {licence.number} is cancelled",
            licence_number=licence.number,
        )
    today = local_date(clock.now())
    expired = licence.valid_to < today
    if expired and spec.action is LicenceAction.RENEW:
        raise LicenceExpired(
            "许可证已过期，不能申请延续，请重新申请核发",
            f"licence {licence.number} expired on {licence.valid_to.isoformat()}: "
            "it cannot be renewed, apply for a new licence",
            licence_number=licence.number,
            valid_to=licence.valid_to.isoformat(),
        )
    if expired and spec.action is not LicenceAction.CANCEL:
        raise LicenceExpired(
            f"{title}“{licence.number}”已于{licence.valid_to.isoformat()}到期，"
            f"不能申请{action}，请重新申请核发",
            f"licence {licence.number} expired on {licence.valid_to.isoformat()}",
            licence_number=licence.number,
            valid_to=licence.valid_to.isoformat(),
        )
    busy = open_applications_on(session, licence.number)
    if busy:
        raise LicenceBusy(
            f"{title}“{licence.number}”已有正在办理的申请（办件编号{busy[0].number}），"
            "请待其办结后再申请",
            f"application {busy[0].number} already acts on licence {licence.number}",
            licence_number=licence.number,
            application_number=busy[0].number,
        )
    note = ""
    if spec.action is LicenceAction.RENEW and spec.renew_before_days is not None:
        latest = latest_renewal_day(
            calendar, licence.valid_to, spec.renew_before_days, spec.renew_before_unit
        )
        if today > latest:
            note = (
                f"逾期申请延续：{title}“{licence.number}”有效期至{licence.valid_to.isoformat()}，"
                f"应于{_before(spec)}（{latest.isoformat()}前）提出，本申请于"
                f"{today.isoformat()}提出。依法仍予受理审查，但不适用《行政许可法》第五十条"
                "“逾期未作决定视为准予延续”。"
            )
    return LicenceCheck(id_of(licence), licence.number, note)


def note_filing(
    session: Session, clock: Clock, actor: User, application: Application, check: LicenceCheck
) -> None:
    """Record what the check found worth keeping (a late renewal) on the new application."""
    if not check.note:
        return
    audit.append_event(
        session,
        at=to_utc(clock.now()),
        application_id=application.id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action=LATE_RENEWAL_ACTION,
        comment=check.note,
    )


# --- deciding --------------------------------------------------------------------------------


def _new_number(session: Session, kind: LicenceKind, uscc: str, area: str, year: int) -> str:
    if kind is LicenceKind.POLLUTANT_DISCHARGE:
        serial = next_serial(session, f"licence:P:{uscc}", 0)
        return f"{uscc}{serial:03d}P"
    prefix = NUMBER_PREFIX[kind]
    serial = next_serial(session, f"licence:{prefix}", year)
    return f"{prefix}-{area}-{year}-{serial:03d}"


RADIATION_SCOPE = re.compile(
    r"^(生产|销售|使用|贮存)(放射性同位素|[ⅠⅡⅢⅣⅤ、]+类(放射源|射线装置)|"
    r"非密封放射性物质|[甲乙丙]级非密封放射性物质工作场所)"
)


def initial_scope(application: Application, kind: LicenceKind) -> list[str]:
    """The certificate's scope lines (许可事项 / 核准经营范围 / 种类和范围), from 申请内容.

    排污许可证: the industry, the lines of 申请内容 and where the permitted discharge details
    stand (条例第13条: 排放口、排放方式和去向、污染物种类、许可排放浓度和排放量).
    辐射安全许可证: the
    活动种类和范围 only (“使用Ⅲ类射线装置”), never the project name. Others: the licensed
    facility (the project name) and the lines of 申请内容 (经营方式、类别、规模…)."""
    lines = [s.strip() for s in application.description.splitlines() if s.strip()]
    if kind is LicenceKind.RADIATION:
        ranged = [s for s in lines if RADIATION_SCOPE.match(s)]
        return ranged or lines
    if kind is LicenceKind.POLLUTANT_DISCHARGE:
        head = [f"行业类别代码：{application.industry_code}（GB/T 4754-2017）"]
        tail = [
            "排放口位置和数量、排放方式和排放去向、污染物种类、许可排放浓度和许可排放量见本证副本"
        ]
        return [*(head if application.industry_code else []), *lines, *tail]
    return [application.project_name, *lines]


def renewal_years(session: Session, spec: LicenceSpec, licence: Licence) -> int:
    """The renewal's term: the item's own, else the term the licence was first issued for."""
    if spec.validity_years is not None:
        return spec.validity_years
    issuing = session.get(Application, licence.issued_by_application_id)
    assert issuing is not None, "every licence row names the application that issued it"
    first = item_of(session, issuing).licence
    assert first is not None and first.validity_years is not None, (
        f"the item that issued licence {licence.number} has no validity_years"
    )
    return first.validity_years


def renew(session: Session, spec: LicenceSpec, licence: Licence) -> None:
    """The licence's next term, from the day after it ends."""
    years = renewal_years(session, spec, licence)
    licence.valid_from = licence.valid_to + timedelta(days=1)
    licence.valid_to = term_end(licence.valid_from, years)


def _revoke_earlier_certificates(session: Session, licence: Licence, keep_for: int) -> int:
    """Revoke the certificates of ``licence`` issued for other applications; returns how many."""
    documents = session.exec(
        select(Document)
        .join(Application, col(Application.id) == col(Document.application_id))
        .where(
            Application.licence_number == licence.number,
            Document.kind == DocumentKind.LICENCE_CERTIFICATE,
            Document.state != DocumentState.REVOKED,
            Document.application_id != keep_for,
        )
    ).all()
    for document in documents:
        document.state = DocumentState.REVOKED
        session.add(document)
    return len(documents)


def _locked_active(session: Session, spec: LicenceSpec, application: Application) -> Licence:
    licence = find_licence(session, application.licence_number or "", lock=True)
    if licence is None or licence.enterprise_id != application.enterprise_id:
        raise _not_found(spec, application.licence_number or "")
    if licence.status != ACTIVE:
        raise LicenceNotActive(
            f"{CERTIFICATE_TITLES[spec.kind]}“{licence.number}”已注销，不能准予{ACTION_LABELS[spec.action]}",
            f"licence {licence.number} is cancelled",
            licence_number=licence.number,
        )
    return licence


def apply_decision(
    session: Session, moment: datetime, application: Application, item: Item
) -> Licence | None:
    """What an approving sign-off of a licence item does to the licence (see the module doc);
    queues the certificate where the action issues one. Returns the licence acted on."""
    spec = item.licence
    if spec is None or spec.action is LicenceAction.EXTEND:
        return None
    today, now = local_date(moment), to_utc(moment)
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    if spec.action is LicenceAction.ISSUE:
        assert spec.validity_years is not None, f"{item.code}: an issuing item needs validity_years"
        area = application.number.split("-")[0]
        licence = Licence(
            number=_new_number(session, spec.kind, enterprise.uscc, area, today.year),
            kind=spec.kind.value,
            enterprise_id=id_of(enterprise),
            holder_name=enterprise.name,
            address=application.site,
            scope=initial_scope(application, spec.kind),
            valid_from=today,
            valid_to=term_end(today, spec.validity_years),
            status=ACTIVE,
            issued_by_application_id=id_of(application),
            last_application_id=id_of(application),
            copies=1,
            created_at=now,
            updated_at=now,
        )
        application.licence_number = licence.number
        session.add(application)
    else:
        licence = _locked_active(session, spec, application)
        if spec.action is LicenceAction.CHANGE:
            licence.holder_name = enterprise.name
            licence.address = application.site
        elif spec.action is LicenceAction.RENEW:
            if licence.last_application_id != application.id:  # not deemed renewed already
                renew(session, spec, licence)
        elif spec.action is LicenceAction.REPLACE:
            licence.copies += 1
        elif spec.action is LicenceAction.CANCEL:
            licence.status = CANCELLED
        if spec.action in SUPERSEDING:
            _revoke_earlier_certificates(session, licence, keep_for=id_of(application))
        licence.last_application_id = id_of(application)
        licence.updated_at = now
    session.add(licence)
    session.flush()
    if spec.action in CERTIFIED and DocumentKind.LICENCE_CERTIFICATE in item.documents:
        queue_document(
            session,
            now,
            application,
            DocumentKind.LICENCE_CERTIFICATE,
            certificate_payload(licence, spec.action),
        )
    return licence


def certificate_payload(licence: Licence, action: LicenceAction) -> dict[str, object]:
    """The licence as decided, frozen into the document (a retry renders the same text)."""
    return {
        "licence_id": licence.id,
        "licence_number": licence.number,
        "kind": licence.kind,
        "action": action.value,
        "holder_name": licence.holder_name,
        "address": licence.address,
        "scope": list(licence.scope),
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat(),
        "copies": licence.copies,
    }


def certificate_context(
    session: Session, application: Application, document: Document, *, issuer: str
) -> dict[str, Any]:
    """The keys of ``templates/documents/licence_certificate.html`` beyond the common ones.

    The template has no 补发 mark yet, so a replacement says so in a last scope line; ``reissue``
    (``{"copies": n}`` or None) is there for a template that shows the mark itself."""
    payload = document.payload
    licence = session.get(Licence, payload["licence_id"])
    assert licence is not None
    enterprise = session.get(Enterprise, licence.enterprise_id)
    assert enterprise is not None
    title = title_of(payload["kind"])
    scope = list(payload["scope"])
    copies = int(payload.get("copies", 1))
    reissued = payload.get("action") == LicenceAction.REPLACE.value
    if reissued:
        scope.append(f"（补发：本证为第{copies}次发放，此前发放的证书作废）")
    return {
        "title": f"{title}（补发）" if reissued else title,
        "certificate_title": title,
        "licence_number": payload["licence_number"],
        "holder_name": payload["holder_name"],
        "holder_uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address or payload["address"],
        "site_address": payload["address"] if enterprise.address else "",
        "scope": scope,
        "valid_from": date.fromisoformat(payload["valid_from"]),
        "valid_to": date.fromisoformat(payload["valid_to"]),
        "issuing_authority": issuer,
        "reissue": {"copies": copies} if reissued else None,
    }
