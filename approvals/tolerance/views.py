"""What a reader sees of a 容缺 commitment: applicants the commitment and what is owed, staff
also where each adopted rule comes from (evidence marker and sources)."""

from __future__ import annotations

from sqlmodel import Session

from approvals.casework.queries import STAFF_ROLES
from approvals.catalogue.item_versions import item_of
from approvals.tolerance.commitments import owed_materials
from approvals.tolerance.rules import OVERDUE_LABELS, OverdueRule, load_rules
from models import Application, User
from models.tolerance import (
    TOLERANCE_STATE_LABELS,
    RuleSource,
    ToleranceCommitment,
    TolerancePublic,
)


def rule_sources(item_code: str) -> list[RuleSource]:
    """Every rule that applies to the item's 容缺受理, with its marker and sources."""
    rules = load_rules()
    item_rule = rules.for_item(item_code)
    found = [
        RuleSource(rule=label, evidence=spec.evidence.value, sources=list(spec.sources))
        for label, spec in (
            ("补齐期限不超过事项承诺时限", rules.general.supply_limit),
            ("失信企业不适用容缺受理", rules.general.bad_credit),
            ("材料补齐前不作出审批决定", rules.general.signing),
        )
    ]
    if item_rule is not None:
        found.append(
            RuleSource(
                rule="本事项可容缺的材料及逾期处理方式",
                evidence=item_rule.evidence.value,
                sources=list(item_rule.sources),
            )
        )
        spec = rules.overdue_rules[item_rule.overdue]
        found.append(
            RuleSource(
                rule=OVERDUE_LABELS[item_rule.overdue],
                evidence=spec.evidence.value,
                sources=list(spec.sources),
            )
        )
    return found


def commitment_public(
    session: Session, reader: User, application: Application, row: ToleranceCommitment
) -> TolerancePublic:
    item = item_of(session, application)
    rule = OverdueRule(row.overdue_rule)
    return TolerancePublic(
        application_id=row.application_id,
        state=row.state,
        state_label=TOLERANCE_STATE_LABELS[row.state],
        supply_by=row.supply_by,
        overdue_rule=rule.value,
        overdue_rule_label=OVERDUE_LABELS[rule],
        owed=owed_materials(session, item, row.application_id, row.material_codes),
        text=row.text,
        signed_at=row.signed_at,
        overdue_on=row.overdue_on,
        settled_on=row.settled_on,
        rule_sources=rule_sources(item.code) if reader.role in STAFF_ROLES else None,
    )
