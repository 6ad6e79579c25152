"""The exchange features' one gate at intake (受理): the declaration an item asks for is there,
and no declared preparer is on the credit platform's lists during its period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from approvals.errors import InvalidTransition
from approvals.exchange.credit import ListHit, hits_for
from approvals.exchange.requirements import CodeRule, spec_of
from models import Application, ProjectDeclaration


class IntakeRefused(InvalidTransition):
    """Acceptance is not allowed: 不予受理 with the reason given (409)."""

    code = "intake_refused"


@dataclass(frozen=True)
class IntakeCheck:
    refusals: list[str]
    warnings: list[str]
    hits: list[ListHit]


def check_intake(session: Session, application: Application, today: date) -> IntakeCheck:
    """What the intake officer must know before accepting (also shown on the case page)."""
    spec = spec_of(application.item_code)
    if spec is None:
        return IntakeCheck([], [], [])
    declaration = session.get(ProjectDeclaration, application.id)
    refusals: list[str] = []
    warnings: list[str] = []
    if declaration is None or (
        spec.project_code is CodeRule.REQUIRED and not declaration.project_code
    ):
        # a warning, not a refusal: the code is checked where it is declared, and an
        # application made before the field existed (or on paper) is not refused for it
        warnings.append("申请人未填报投资项目代码，受理前请核实")
    if declaration is not None and declaration.project_code:
        found = declaration.lookup.get("found") if declaration.lookup else None
        if found is False:
            warnings.append(f"投资项目在线审批监管平台未查到项目代码{declaration.project_code}")
        elif found is None:
            warnings.append("投资项目在线审批监管平台暂时无法查询，项目代码未经核实")
        if declaration.region_reason:
            warnings.append(f"项目地区不在本局辖区，申请人说明：{declaration.region_reason}")
    hits: list[ListHit] = []
    if spec.preparers:
        if declaration is None or not declaration.consultancy_uscc:
            warnings.append("申请人未填报编制单位及编制人员，未能核查信用平台名单")
        else:
            identifiers = [declaration.consultancy_uscc] + [
                e["number"] for e in declaration.engineers
            ]
            hits = hits_for(session, identifiers, today)
            for hit in hits:
                if hit.current:
                    refusals.append(
                        hit.message() + "。依据《建设项目环境影响报告书（表）编制监督管理办法》，"
                        "限期整改和禁止从业期间不予受理其编制的环境影响报告书（表）"
                    )
                else:
                    warnings.append(hit.message())
    return IntakeCheck(refusals, warnings, hits)


def intake_gate(session: Session, application: Application, today: date) -> None:
    """Refuse acceptance while a refusal stands; the officer issues 不予受理 with the reason."""
    check = check_intake(session, application, today)
    if check.refusals:
        raise IntakeRefused(
            "不能受理：" + "；".join(check.refusals),
            "intake refused by the exchange checks",
            reasons=check.refusals,
        )
