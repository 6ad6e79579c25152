"""The rules adopted for 容缺受理 (and the other service features) are data with sources: each
names only items and materials the catalogue has, and each carries an evidence marker."""

from __future__ import annotations

from approvals.catalogue import load_catalogue
from approvals.catalogue.schema import Evidence
from approvals.tolerance.rules import OverdueRule, load_rules


def test_the_tolerance_rules_name_only_catalogue_items_and_their_non_key_materials() -> None:
    rules = load_rules()
    catalogue = load_catalogue()
    assert rules.problems(catalogue) == []
    for code, rule in rules.items.items():
        required = {m.code for m in catalogue.get(code).materials if m.required}
        assert set(rule.materials) <= required, code  # only required ones need excusing
        assert rule.evidence is Evidence.INFERRED  # no Zhengzhou list was found
    assert rules.general.bad_credit.refuse is True
    assert rules.overdue_rules[OverdueRule.SUSPEND].return_after_days == 15
    assert rules.overdue_rules[OverdueRule.RETURN].return_after_days is None
