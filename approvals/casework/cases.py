"""Use cases of the applicant and the intake window. Services flush; callers commit."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from approvals.casework import hooks as case_hooks
from approvals.casework.attach import attach_material
from approvals.casework.forms import check_form
from approvals.casework.kinds import KINDS, steps_of
from approvals.casework.queries import get_application_for
from approvals.casework.transitions import issued_by, move
from approvals.catalogue import Catalogue, Item, ProcessKind
from approvals.catalogue.item_versions import item_of, note_version
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, local_date, to_utc
from approvals.enterprise import agents
from approvals.errors import InvalidInput, ItemNotAvailable, PermissionDenied
from approvals.licences import service as licences
from approvals.numbering import next_serial
from approvals.timekeeping.schedule import shared_calendar
from approvals.uploads import CheckedUpload
from core.db import keep, new_row
from models import Application, Material, Role, Status, User
from models.ids import id_of
from models.schemas import ApplicationCreate, CorrectionRequest, RefusalRequest

# 机关代字 of the intake notices (inferred; the bureau's own are not public).
# Process kinds this build can run end to end; other items say so instead of failing later.
RUNNABLE_KINDS = frozenset(ProcessKind)


def _require_role(actor: User, role: Role) -> None:
    if actor.role != role:
        raise PermissionDenied("当前角色无权执行此操作", f"this needs the role {role.value!r}")


def appliable_item(catalogue: Catalogue, code: str) -> Item:
    """The catalogue item, if it can be applied for online in this build."""
    if code not in catalogue:
        raise ItemNotAvailable(
            f"事项编码“{code}”不在事项目录中", f"no item {code!r} in the catalogue"
        )
    item = catalogue.get(code)
    if not item.appliable:
        raise ItemNotAvailable(
            f"事项“{item.name_zh}”不可申请：{item.status_note}",
            f"item {code} cannot be applied for ({item.status.value})",
        )
    if item.process_kind not in RUNNABLE_KINDS:
        raise ItemNotAvailable(
            f"事项“{item.name_zh}”暂未开通网上申请",
            f"item {code} ({item.process_kind.value}) is not open for online applications yet",
        )
    return item


def application_number(session: Session, area_code: str, item_code: str, clock: Clock) -> str:
    """办件编号: area, item, date and the day's serial, e.g. 410100-EIA01-20261128-0001."""
    day = local_date(clock.now())
    period = int(day.strftime("%Y%m%d"))
    serial = next_serial(session, f"application:{area_code}", period)
    return f"{area_code}-{item_code.replace('-', '')}-{period}-{serial:04d}"


def _by_idempotency_key(session: Session, actor: User, key: str | None) -> Application | None:
    if key is None:
        return None
    query = select(Application).where(
        Application.created_by == actor.id, Application.idempotency_key == key
    )
    return session.exec(query).first()


def create_application(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    data: ApplicationCreate,
    *,
    area_code: str,
    idempotency_key: str | None = None,
) -> tuple[Application, bool]:
    """A draft application for the actor's enterprise; ``(application, created)``.

    The same ``idempotency_key`` from the same user returns the first application unchanged,
    also when the two requests race (then this must be the first write of the transaction).
    """
    _require_role(actor, Role.APPLICANT)
    if not actor.email_verified:
        raise PermissionDenied(
            "请先打开注册验证邮件中的链接完成邮箱验证，再提交申请（可在“我的办件”页重发验证邮件）",
            "verify the email address before applying",
        )
    # before the retry look-up: an agent whose authorisation ended gets no case back either
    enterprise, agent_enterprise_id = agents.applying_for(session, actor, data.on_behalf_of)
    keep(session, enterprise)  # the answer names it: no second read
    found = _by_idempotency_key(session, actor, idempotency_key)
    if found is not None:
        return found, False
    item = appliable_item(catalogue, data.item_code)
    industry_code = check_form(item, data)
    licence = licences.check_new_application(session, clock, item, enterprise, data.licence_number)
    now = clock.now()
    application = new_row(
        Application,
        number=application_number(session, area_code, item.code, clock),
        item_code=item.code,
        item_version=item.version,
        process_kind=item.process_kind,
        track=KINDS[item.process_kind].track,
        enterprise_id=id_of(enterprise),
        agent_enterprise_id=agent_enterprise_id,
        created_by=id_of(actor),
        idempotency_key=idempotency_key,
        status=Status.DRAFT,
        project_name=data.project_name,
        site=data.site,
        district=data.district,
        industry_code=industry_code,
        total_investment=data.total_investment,
        env_investment=data.env_investment,
        consultant=data.consultant,
        contact_email=enterprise.email,
        description=data.description,
        licence_number=data.licence_number,
        created_at=to_utc(now),
    )
    note_version(session, item, to_utc(now))
    session.add(application)
    try:
        session.flush()
    except IntegrityError:
        # The same key was committed by a concurrent request after our look-up. This is the
        # first write of the caller's transaction, so rolling it back loses nothing but the
        # number we drew; answer with the first application.
        session.rollback()
        found = _by_idempotency_key(session, actor, idempotency_key)
        if found is None:
            raise
        return found, False
    if licence is not None:
        licences.note_filing(session, clock, actor, application, licence)
    return application, True


def check_material_upload(
    session: Session, actor: User, application: Application, material_code: str
) -> None:
    """May ``actor`` upload ``material_code`` to this case now? Call it before storing bytes,
    so a refused upload leaves nothing behind."""
    _require_role(actor, Role.APPLICANT)
    if application.status not in (Status.DRAFT, Status.CORRECTION, Status.REVISION):
        raise InvalidInput(
            "只有草稿、待补正或待修改的申请可以上传材料",
            "materials can be uploaded only to a draft or a case awaiting correction",
        )
    item = item_of(session, application)
    if material_code not in {m.code for m in item.materials}:
        raise InvalidInput(
            f"事项材料清单中没有“{material_code}”",
            f"{material_code!r} is not a material of item {item.code}",
            allowed=[m.code for m in item.materials],
        )


def record_material(
    session: Session,
    clock: Clock,
    actor: User,
    application: Application,
    material_code: str,
    upload: CheckedUpload,
    object_key: str,
    catalogue: Catalogue,
) -> Material:
    """Attach a checked, already stored upload; a new upload of a material replaces the old."""
    check_material_upload(session, actor, application, material_code)
    material = attach_material(
        session, to_utc(clock.now()), actor, application, material_code, upload, object_key
    )
    return material


def missing_required(
    session: Session,
    catalogue: Catalogue,
    application: Application,
    excused: frozenset[str] = frozenset(),
) -> list[str]:
    """Names of the required materials not uploaded yet (but for the ``excused`` codes)."""
    present = set(
        session.exec(
            select(Material.material_code).where(
                Material.application_id == application.id,
                Material.superseded == False,  # noqa: E712
            )
        )
    )
    item = item_of(session, application)
    return [m.name for m in item.materials if m.required and m.code not in present | excused]


def submit(
    session: Session, clock: Clock, catalogue: Catalogue, actor: User, application_id: int
) -> Application:
    """Submit a draft, or resubmit after correction; every required material must be there."""
    application = get_application_for(session, actor, application_id)
    excused = case_hooks.excused_materials(session, application, local_date(clock.now()))
    missing = missing_required(session, catalogue, application, excused)
    if missing:
        raise InvalidInput(
            "缺少必需材料：" + "；".join(missing),
            f"{len(missing)} required material(s) missing",
            missing=missing,
        )
    now = clock.now()
    application.submitted_at = to_utc(now)
    application.received_on = local_date(now)
    return steps_of(application).submit(session, clock, catalogue, actor, application)


def accept(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    expected_version: int | None = None,
) -> Application:
    application = get_application_for(session, actor, application_id)
    now = clock.now()
    application.accepted_on = application.clock_started_on = local_date(now)
    steps = steps_of(application)
    action = steps.accept or Action.ACCEPT  # a kind without intake: the graph refuses it
    if issued_by(application, action, actor) is None:
        # taken and assigned (a service request): its answer is the only document
        move(session, to_utc(now), application, action, actor, "", expected_version)
        return application
    case_hooks.check_may_accept(session, application, local_date(now))  # project code, credit
    item = item_of(session, application)
    names = {spec.code: spec.name for spec in item.materials}
    received = [
        f"{names.get(m.material_code, m.material_code)}（{m.filename}）"
        for m in session.exec(
            select(Material).where(
                Material.application_id == application.id,
                Material.superseded == False,  # noqa: E712
            )
        )
    ]
    move(
        session,
        to_utc(now),
        application,
        action,
        actor,
        "",
        expected_version,
        payload={"materials": received, "clock_stops": list(item.clock_stops)},
    )
    # what acceptance implies (the 受理公示), in its transaction: no separate step to lose
    case_hooks.accepted(session, shared_calendar(), application, item, local_date(now), to_utc(now))
    if steps.on_accepted is not None:
        steps.on_accepted(session, actor, application, to_utc(now))
    return application


def request_correction(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    request: CorrectionRequest,
    expected_version: int | None = None,
) -> Application:
    """补正: the complete list of what is missing, at once (行政许可法第32条)."""
    application = get_application_for(session, actor, application_id)
    now = clock.now()
    listed = "；".join(m.name for m in request.missing)
    move(
        session,
        to_utc(now),
        application,
        Action.REQUEST_CORRECTION,
        actor,
        request.comment or f"需补正：{listed}",
        expected_version,
        payload={"missing": [m.model_dump() for m in request.missing]},
    )
    return application


def refuse(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    request: RefusalRequest,
    expected_version: int | None = None,
) -> Application:
    application = get_application_for(session, actor, application_id)
    now = clock.now()
    application.decided_on = local_date(now)
    move(
        session,
        to_utc(now),
        application,
        Action.REFUSE,
        actor,
        request.reasons,
        expected_version,
        payload={"reasons": request.reasons, "redirect_to": request.redirect_to},
    )
    return application
