"""靠前服务 pages (前期指导): the enterprise registers a planned project, books a consultation,
reads and rates the guidance and links its application; the section chief assigns an officer;
the officer offers times (/consultations/slots) and issues the 指导意见; auditors read the time
from request to guidance (/audit/consultations). Every form posts, redirects and gets; a
refusal is shown on the page it came from (``api.pages.refusals``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Request, Response
from sqlalchemy import exists
from sqlmodel import Session, col

from api.deps import ServicesDep, SessionDep
from api.dispatching import after_guidance
from api.pages import router
from api.pages.case_sections import Facts, register_section
from api.pages.display import FLASH_MESSAGES, flash_of
from api.pages.form_action import form_action
from api.pages.refusals import with_refusal
from api.pages.security import signed_in
from api.params import Id
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import STAFF_ROLES
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.clock import SHANGHAI
from approvals.consultation import guidance, history, requests, slots
from approvals.consultation.report import consultation_report
from approvals.consultation.rules import load_rules
from approvals.consultation.views import consultation_public, rule_sources, slot_public
from approvals.enterprise import agents
from approvals.errors import InvalidInput
from approvals.ratings import service as ratings
from approvals.ratings.rules import load_rules as rating_rules
from approvals.ratings.views import rating_public
from approvals.timekeeping.schedule import shared_calendar
from models import Application, Consultation, Role, User
from models.consultation import (
    CONSULT_MODE_LABELS,
    EIA_CATEGORY_LABELS,
    ConsultationCreate,
    ConsultationLink,
    ConsultMode,
    EiaCategory,
    GuidanceCreate,
    SlotCreate,
)
from models.ratings import FollowUpAnswer, RatingCreate

Reader = Annotated[User, signed_in(Role.APPLICANT, *STAFF_ROLES)]
Applicant = Annotated[User, signed_in(Role.APPLICANT)]
Officer = Annotated[User, signed_in(*slots.OFFERING_ROLES)]
Auditor = Annotated[User, signed_in(Role.AUDITOR, Role.ADMIN)]
Line = Annotated[str, Form(max_length=300)]
Text = Annotated[str, Form(max_length=4000)]
FLASH_MESSAGES.update(
    {
        "consultation_requested": "已登记项目，等待分派承办人员。",
        "consultation_assigned": "已分派承办人员。",
        "consultation_booked": "会商已预约，预约信息已发送至联系人邮箱。",
        "guidance_issued": "指导意见已出具，文书签发后将邮件发送企业。",
        "consultation_linked": "已关联申请。",
        "guidance_rated": "感谢您的评价。",
        "guidance_rating_answered": "已反馈整改情况，并邮件告知企业。",
        "slot_offered": "会商时段已发布。",
    }
)


@router.get("/consultations")
def consultation_list(
    request: Request, user: Reader, session: SessionDep, services: ServicesDep
) -> Response:
    rows = [
        consultation_public(session, services.catalogue, c) for c in requests.visible(session, user)
    ]
    principals = agents.principals_of(session, user) if user.role is Role.APPLICANT else []

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "consultations.html",
            {
                "rows": rows,
                "may_register": user.role is Role.APPLICANT,
                "may_offer": user.role in slots.OFFERING_ROLES,
                "principals": principals,
                "districts": ZHENGZHOU_DISTRICTS,
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
                "values": (refusal or {}).get("values", {}),
            },
        )

    return with_refusal(request, services, user.id, render)


@router.post("/consultations")
def register(
    request: Request, user: Applicant, session: SessionDep, services: ServicesDep,
    project_name: Line = "", site: Line = "", district: Line = "", industry_code: Line = "",
    scale: Line = "", description: Text = "", question: Text = "", contact_name: Line = "",
    contact_email: Line = "", on_behalf_of: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    values = {"project_name": project_name, "site": site, "district": district,
              "industry_code": industry_code, "scale": scale, "description": description,
              "question": question, "contact_name": contact_name,
              "contact_email": contact_email}  # fmt: skip

    def step() -> Consultation:
        data = ConsultationCreate(
            **values, on_behalf_of=int(on_behalf_of) if on_behalf_of.strip() else None
        )
        return requests.register(session, services.clock, user, data)

    return form_action(
        request, session, services, user, "/consultations", step, "consultation_requested",
        values, target=lambda c: f"/consultations/{c.id}",
    )  # fmt: skip


@router.get("/consultations/slots")
def officer_slots(
    request: Request, user: Officer, session: SessionDep, services: ServicesDep
) -> Response:
    """The officer's calendar: offer a time, see what is booked."""
    own = [
        slot_public(session, s) for s in slots.officer_slots(session, services.clock, user.id or 0)
    ]

    def render(refusal: dict[str, Any] | None) -> Response:
        return render_page(
            request,
            "consultation_slots.html",
            {
                "slots": own,
                "modes": CONSULT_MODE_LABELS,
                "flash": flash_of(request),
                "error": (refusal or {}).get("error", ""),
            },
        )

    return with_refusal(request, services, user.id, render)


@router.post("/consultations/slots")
def offer_slot(
    request: Request, user: Officer, session: SessionDep, services: ServicesDep,
    day: Annotated[str, Form(max_length=10)] = "", time: Annotated[str, Form(max_length=5)] = "",
    minutes: Annotated[str, Form(max_length=3)] = "60",
    mode: Annotated[str, Form(max_length=10)] = "", place: Line = "",
) -> Response:  # fmt: skip
    def step() -> object:
        starts = datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)
        data = SlotCreate(
            starts_at=starts, minutes=int(minutes), mode=ConsultMode(mode), place=place
        )
        return slots.offer(session, services.clock, user, data)

    path = "/consultations/slots"
    return form_action(request, session, services, user, path, step, "slot_offered")


def _detail(
    request: Request, session: Session, services: AppServices, user: User, consultation_id: int,
    refusal: dict[str, Any] | None,
) -> Response:  # fmt: skip
    consultation = requests.get_for(session, user, consultation_id)
    public = consultation_public(session, services.catalogue, consultation)
    rating = ratings.guidance_rating(session, consultation_id)
    own = user.role is Role.APPLICANT
    state = consultation.state.value
    return render_page(
        request,
        "consultation.html",
        {
            "c": public,
            "flash": flash_of(request),
            "error": (refusal or {}).get("error", ""),
            "may_assign": user.role in load_rules().assigners.roles and state != "guided",
            "officers": requests.officers(session),
            "may_book": own and state in ("assigned", "booked"),
            "open_slots": [
                slot_public(session, s)
                for s in slots.open_slots(session, services.clock, consultation)
            ],
            "may_guide": user.id == consultation.officer_id and state in ("assigned", "booked"),
            "items": [i for i in services.catalogue.appliable() if i.code.startswith("EIA")],
            "categories": EIA_CATEGORY_LABELS,
            "may_link": own,
            "linkable": history.linkable(session, user, consultation) if own else [],
            "rating": rating_public(session, user, rating) if rating else None,
            "may_rate": own
            and state == "guided"
            and rating is None
            and user.enterprise_id == consultation.enterprise_id,
            "may_answer": user.role in ratings.RESPONDERS
            and rating is not None
            and ratings.find_follow_up(session, rating.id or 0) is not None,
            "levels": rating_rules().levels.values,
            "reasons": rating_rules().reasons.values,
            "sources": rule_sources() if user.role in STAFF_ROLES else [],
        },
    )


@router.get("/consultations/{consultation_id}")
def consultation_page(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep,
) -> Response:  # fmt: skip
    return with_refusal(
        request, services, user.id,
        lambda refusal: _detail(request, session, services, user, consultation_id, refusal),
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/assign")
def assign(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, officer_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    return form_action(
        request, session, services, user, f"/consultations/{consultation_id}",
        lambda: requests.assign(session, services.clock, user, consultation_id, int(officer_id)),
        "consultation_assigned",
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/booking")
def book(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, slot_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    return form_action(
        request, session, services, user, f"/consultations/{consultation_id}",
        lambda: slots.book(session, services.clock, user, consultation_id, int(slot_id)),
        "consultation_booked",
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/guidance")
def issue_guidance(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, background: BackgroundTasks, item_code: Line = "",
    eia_category: Annotated[str, Form(max_length=20)] = "", park_name: Line = "",
    in_sensitive_area: Annotated[str, Form(max_length=3)] = "", obstacles: Text = "",
) -> Response:  # fmt: skip
    def step() -> object:
        data = GuidanceCreate(
            item_code=item_code, eia_category=EiaCategory(eia_category), park_name=park_name,
            in_sensitive_area=in_sensitive_area == "yes", obstacles=obstacles,
        )  # fmt: skip
        return guidance.issue(
            session, services.clock, services.catalogue, user, consultation_id, data
        )

    values = {"item_code": item_code, "eia_category": eia_category, "park_name": park_name,
              "obstacles": obstacles}  # fmt: skip
    response = form_action(
        request, session, services, user, f"/consultations/{consultation_id}", step,
        "guidance_issued", values,
    )  # fmt: skip
    if "msg=guidance_issued" in response.headers.get("location", ""):
        after_guidance(background, services)
    return response


@router.post("/consultations/{consultation_id}/links")
def link(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, application_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    return form_action(
        request, session, services, user, f"/consultations/{consultation_id}",
        lambda: history.link(session, services.clock, user, consultation_id, int(application_id)),
        "consultation_linked",
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/rating")
def rate(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, level: Annotated[str, Form(max_length=1)] = "",
    reasons: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 - FastAPI form default
    comment: Text = "",
) -> Response:  # fmt: skip
    def step() -> object:
        data = RatingCreate(level=int(level), reasons=list(reasons), comment=comment)
        return ratings.rate_guidance(session, services.clock, user, consultation_id, data)

    return form_action(
        request, session, services, user, f"/consultations/{consultation_id}", step,
        "guidance_rated",
    )  # fmt: skip


@router.post("/consultations/{consultation_id}/rating/answer")
def answer_rating(
    consultation_id: Id, request: Request, user: Reader, session: SessionDep,
    services: ServicesDep, verification: Text = "", rectification: Text = "", feedback: Text = "",
) -> Response:  # fmt: skip
    """差评整改 of the guidance's rating: 回访核实、整改、反馈 (mailed to the enterprise)."""

    def step() -> object:
        requests.get_for(session, user, consultation_id)
        rating = ratings.guidance_rating(session, consultation_id)
        if rating is None:
            raise InvalidInput("该指导意见尚无评价", "no rating to answer")
        answer = FollowUpAnswer(
            verification=verification, rectification=rectification, feedback=feedback
        )
        return ratings.answer(session, services.clock, user, rating.id or 0, answer)

    return form_action(
        request, session, services, user, f"/consultations/{consultation_id}", step,
        "guidance_rating_answered",
    )  # fmt: skip


@router.get("/audit/consultations")
def audit_consultations(request: Request, user: Auditor, session: SessionDep) -> Response:
    return render_page(
        request,
        "consultation_audit.html",
        {"report": consultation_report(session, shared_calendar()), "sources": rule_sources()},
    )


def _project_history(
    session: Session, services: AppServices, user: User, application: Application, facts: Facts
) -> dict[str, Any] | None:
    """The case page's 前期指导 card: the consultation the case follows, if any (``facts``:
    whether the case is linked to one)."""
    if not facts["linked"]:
        return None
    consultation = history.consultation_of(session, application.id or 0)
    if consultation is None or not requests.may_see(session, user, consultation):
        return None
    return {"c": consultation_public(session, services.catalogue, consultation)}


register_section(
    "consultation",
    _project_history,
    {"linked": lambda a: exists().where(col(ConsultationLink.application_id) == a)},
)
