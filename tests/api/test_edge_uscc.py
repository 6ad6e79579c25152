"""Wherever a request names an enterprise by its unified social credit code (registering it,
authorising an agent), the code is checked against GB 32100-2015: a malformed one is a 422
naming the ``uscc`` field with a Chinese message, and nothing is stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from approvals.uscc import check_character
from flows.runtime import Runtime
from models import AgentAuthorisation, Enterprise
from tests.api.case_checks import expect_error, headers_for, row_count
from tests.api.test_registration import registration

VALID = "91410100MA0000042" + check_character("91410100MA0000042")
WRONG_CHECK = VALID[:17] + ("0" if VALID[17] != "0" else "1")
MALFORMED = [
    WRONG_CHECK,  # the check character does not match
    VALID[:17],  # 17 characters
    "91410100MA00000I2" + "0",  # I is not in the code's alphabet
    "９１410100MA0000042" + VALID[17],  # full-width digits
    VALID[:9] + "\u202e" + VALID[9:],  # a right-to-left override inside
    "91AB0100MA0000042" + "0",  # positions 3-8 are an administrative division code
]


@pytest.mark.parametrize("code", MALFORMED)
def test_a_malformed_uscc_is_refused_on_registration_and_agent_authorisation(
    client: TestClient, runtime: Runtime, code: str
) -> None:
    enterprises = row_count(runtime.engine, Enterprise)
    registered = client.post("/api/register", json=registration(9, uscc=code))
    body = expect_error(registered, 422, "invalid_input")
    assert "统一社会信用代码" in body["message"] and body["details"]["field"] == "uscc"
    assert row_count(runtime.engine, Enterprise) == enterprises

    granted = client.post(
        "/api/enterprise/agents", json={"agent_uscc": code}, headers=headers_for(client, "qiye")
    )
    assert "统一社会信用代码" in expect_error(granted, 422, "invalid_input")["message"]
    assert row_count(runtime.engine, AgentAuthorisation) == 0
