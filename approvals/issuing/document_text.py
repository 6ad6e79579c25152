"""The words a document prints about its case: the item's short name, the report it approves,
what a decision does to a licence, the dates in Chinese, the title, the template file, 抄送 and
复议 (no rendering, no I/O)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from approvals.catalogue import Item, LicenceAction, lawbook
from approvals.catalogue.districts import branch_of, review_bodies
from approvals.licences import service as licences
from models import Application, Document, DocumentKind, Enterprise, Material
from models.enums import DOCUMENT_LABELS

SUPERVISOR = "郑州市生态环境综合行政执法支队"
COURT = "有管辖权的人民法院"


def appeal_for(issuer: str, district: str) -> dict[str, str]:
    """Where the applicant may contest a decision: the 复议机关 (行政复议法第24条) and the court."""
    return {"review_body": review_bodies(issuer, district), "court": COURT}


def report_of(session: Session, application: Application, item: Item) -> str:
    """环境影响报告书 or 环境影响报告表, as the item names it. An item for either (EIA-05 “报告书
    （表）”) takes the one the applicant filed: a 报告书 comes with its 公众参与说明 (环评法第21条),
    a 报告表 without one (*inferred* from the materials, the form records no report kind)."""
    name = item.name_zh
    if "报告书（表）" in name or "报告书(表)" in name:
        filed = session.exec(
            select(Material.id).where(
                Material.application_id == application.id,
                Material.material_code == "public_participation",
                col(Material.superseded).is_(False),
            )
        ).first()
        return "环境影响报告书" if filed is not None else "环境影响报告表"
    return "环境影响报告表" if "报告表" in name else "环境影响报告书"


def short_name(item: Item) -> str:
    return item.name_zh.split("（")[0]


def licence_clause(session: Session, application: Application, item: Item) -> str:
    """What an approving decision does to the licence, in the decision's words."""
    spec = item.licence
    form = lawbook.form_of(item.code)
    if spec is not None and spec.action is LicenceAction.EXTEND and form and form.extend_clause:
        return form.extend_clause
    if spec is None:
        return f"准予{short_name(item)}"
    title = licences.title_of(spec.kind.value)
    licence = (
        licences.find_licence(session, application.licence_number)
        if application.licence_number
        else None
    )
    if licence is None:  # EXTEND, or no licence on record
        return f"准予{short_name(item)}"
    number = f"（证书编号：{licence.number}）"
    period = f"有效期自{cn_day(licence.valid_from)}至{cn_day(licence.valid_to)}"
    action = spec.action
    if action is LicenceAction.ISSUE:
        return f"向你单位核发{title}{number}，{period}"
    if action is LicenceAction.CHANGE:
        return f"对你单位{title}{number}载明的事项予以变更，证书编号和有效期限不变"
    if action is LicenceAction.RENEW:
        return f"延续你单位{title}{number}的有效期，延续后的{period}"
    if action is LicenceAction.REPLACE:
        return f"向你单位补发{title}{number}，原证书作废"
    if action is LicenceAction.CANCEL:
        return f"注销你单位{title}{number}"
    return f"准予{short_name(item)}"


def cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def facts_of(
    session: Session, application: Application, item: Item, reasons: str = ""
) -> dict[str, str]:
    """The values of the lawbook's placeholders (approvals.catalogue.lawbook.FACT_KEYS)."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    received = f"于{cn_day(application.received_on)}" if application.received_on else ""
    return {
        "project": application.project_name,
        "applicant": enterprise.name,
        "item": f"“{item.name_zh}”",
        "item_short": short_name(item),
        "report": report_of(session, application, item),
        "submitted": f"你单位{received}提交的",
        "case_ref": f"（办件编号：{application.number}）",
        "item_ref": f"（项目名称：{application.project_name}；办件编号：{application.number}）",
        "licence_clause": licence_clause(session, application, item),
        "reasons": reasons.strip(),
    }


def document_title(
    session: Session, document: Document, application: Application, item: Item
) -> str:
    """Decisions take the title their item group's form gives; others name their kind."""
    form = lawbook.form_of(item.code)
    if form is not None and document.kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        facts = facts_of(session, application, item)
        return form.side(document.kind).title.format_map(facts)
    name = short_name(item)
    if document.kind is DocumentKind.FILING_RECEIPT:
        return f"{name}回执"
    if document.kind is DocumentKind.REPLY_LETTER:
        return f"关于“{application.project_name}”的答复书"
    return f"{DOCUMENT_LABELS[document.kind]}"


def template_of(document: Document, item: Item) -> str:
    """The template file (``templates/documents/<name>.html``) a document is rendered from."""
    form = lawbook.form_of(item.code)
    if form is not None and document.kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        return form.side(document.kind).template
    return document.kind.value


def copied_to(application: Application, item: Item, kind: DocumentKind) -> list[str]:
    """抄送, decided per document kind (and per item group for decisions)."""
    names = {
        "branch": branch_of(application.district),
        "supervisor": SUPERVISOR,
        "consultant": application.consultant,
    }
    return [names[r] for r in lawbook.cc_roles(item.code, kind) if names[r]]


_CITATION = re.compile(r"《[^》]+》第[零一二三四五六七八九十百]+条")


def merge_grounds(basis: str, statute: str, grounds: str) -> str:
    """The form's basis, refined by the officer's citation where it names one of its articles
    more precisely (条例第十一条 -> 条例第十一条第（一）项), extended where it cites the group's own
    statute, and left alone otherwise: a denial never cites another group's law."""
    grounds = grounds.strip().rstrip("。")
    cited = _CITATION.match(grounds)
    if cited and cited.group(0) in basis:
        return basis.replace(cited.group(0), grounds, 1)
    if grounds and statute in grounds and grounds not in basis:
        return f"{basis}、{grounds}"
    return basis


def common_context(
    session: Session,
    application: Application,
    item: Item,
    *,
    title: str,
    number: str,
    verify_code: str,
    issued_on: date,
    issuer: str,
    base_url: str,
    kind: DocumentKind | None = None,
) -> dict[str, Any]:
    """The keys every document template gets."""
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    form = lawbook.form_of(item.code)
    return {
        "issuer": issuer,
        "number": number,
        "title": title,
        "addressee": enterprise.name,
        "issued_on": issued_on,
        "verify_code": verify_code,
        "verify_url": f"{base_url.rstrip('/')}/verify/{verify_code}",
        "cc": copied_to(application, item, kind) if kind is not None else [],
        "printed_by": f"{issuer}办公室",
        "licensing": form.licensing if form is not None else item.category.startswith("行政许可"),
        "application": {
            "number": application.number,
            "item_code": item.code,
            "item_name": item.name_zh,
            "project_name": application.project_name,
            "site": application.site,
            "district": application.district,
            "industry_code": application.industry_code,
            "total_investment": application.total_investment,
            "env_investment": application.env_investment,
            "consultant": application.consultant,
            "applicant_name": enterprise.name,
            "applicant_uscc": enterprise.uscc,
            "received_on": application.received_on,
            "accepted_on": application.accepted_on,
        },
    }
