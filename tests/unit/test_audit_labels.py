"""Every action the code records has a Chinese name: the JSON timelines (``action_label``), the
case pages and the audit trail never show a code such as ``hearing_request``. The recorded
actions are read from the code: string literals handed to the functions that record events."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from approvals.audit_labels import AUDIT_ACTION_LABELS
from approvals.casework.queries import action_label
from core.settings import PROJECT_ROOT

CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")
RECORDERS = re.compile(r"audit|^record|_record|event", re.IGNORECASE)
NOT_ACTIONS = {"hearing_id"}  # a document payload key beside a recording call


def _recorded_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in ("approvals", "api", "flows"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if not RECORDERS.search(name):
                    continue
                values = [*node.args, *(k.value for k in node.keywords if k.arg == "action")]
                codes = [
                    c.value
                    for value in values
                    for c in ast.walk(value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                ]
                for code in codes:
                    if CODE.match(code) and code not in NOT_ACTIONS:
                        found.setdefault(code, str(Path(path).relative_to(PROJECT_ROOT)))
    return found


def test_every_recorded_action_has_a_chinese_name() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 40  # the scan finds the recording calls
    unnamed = {a: where for a, where in recorded.items() if action_label(a) == a}
    assert unnamed == {}


def test_the_names_are_chinese() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert [a for a, label in AUDIT_ACTION_LABELS.items() if not cjk.search(label)] == []
    assert action_label("hearing_request") == "申请听证"
    assert action_label("sign") != "sign"  # a step of the process graph
