"""How much longer a step may take because it waits for one of the item's notices (pure: the
clock and the auditor's step table read it without importing the notices' services)."""

from __future__ import annotations

from approvals.catalogue.schema import Item, PublicationRule
from models import Status


def notice_allowance(item: Item, step: Status) -> int:
    """Working days a step's budget grows by because it waits for a notice of the item:
    drafting for the 受理公示, the leader's sign-off for the 拟批准公示 (nobody is late for
    them)."""
    if step is Status.DRAFTING:
        spec = item.acceptance_notice
        return spec.days if spec and spec.rule is PublicationRule.BEFORE_DECISION else 0
    if step is Status.SIGNING:
        pre = item.pre_approval_notice
        return pre.days if pre and pre.rule is PublicationRule.BEFORE_DECISION else 0
    return 0
