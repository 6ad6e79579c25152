"""电子证照标识 (GB/T 36904): the ISO 7064 MOD 37,36 check character reproduces published
identifiers; an identifier is exactly the one its metadata determine; a changed one fails."""

from __future__ import annotations

from datetime import date

import pytest

from approvals.licences.elicence import identifier as ids
from approvals.licences.elicence.metadata import LicenceFacts, identifier_problem, metadata_of
from approvals.licences.elicence.standard import field_labels, standard
from models import DocumentKind

PUBLISHED = [  # found in public sources (approvals/licences/elicence/standard.yaml)
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
]
ISSUER = "11410100MB1T7E5Q4B"


def _facts(**changes: object) -> LicenceFacts:
    base: dict[str, object] = {
        "name": "排污许可证",
        "type_name": "排污许可证",
        "type_code": ISSUER + "031",
        "number": "91410100MA44XW5Q2R001P",
        "issuer_name": "郑州市生态环境局",
        "issuer_code": ISSUER,
        "issued_on": date(2026, 11, 20),
        "holder_name": "郑州绿源精密机械有限公司",
        "holder_code": "91410100MA44XW5Q2R",
        "effective_on": date(2026, 11, 20),
        "expires_on": date(2031, 11, 19),
        "version": 1,
    }
    return LicenceFacts(**(base | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize("published", PUBLISHED)
def test_the_check_character_reproduces_published_identifiers(published: str) -> None:
    parts = ids.parse(published)
    assert parts is not None and str(parts) == published
    body = parts.type_code + parts.issuer_code + parts.serial + parts.version
    assert ids.check_character(body) == published[-1]


def test_an_identifier_with_one_character_changed_fails_its_check() -> None:
    published = PUBLISHED[0]
    for position in range(len(ids.ROOT) + 1, len(published)):
        if published[position] == ".":
            continue
        swapped = "7" if published[position] != "7" else "8"
        changed = published[:position] + swapped + published[position + 1 :]
        assert ids.parse(changed) is None, changed


def test_metadata_determine_the_identifier_and_recompute_it() -> None:
    fields = metadata_of(_facts())
    identifier = fields["certificateIdentifier"]
    assert identifier.startswith(f"1.2.156.3005.2.{ISSUER}031.{ISSUER}.")
    assert identifier.endswith(".001." + identifier[-1]) and ids.parse(identifier) is not None
    assert list(fields) == list(field_labels())
    assert fields["certificateExpiringDate"] == "2031-11-19"
    assert metadata_of(_facts()) == fields  # deterministic
    assert identifier_problem(identifier, fields, 1) == ""
    later = metadata_of(_facts(version=2, holder_name="郑州绿源智能装备有限公司"))
    assert later["certificateIdentifier"].split(".")[7] == identifier.split(".")[7]  # serial kept
    assert later["certificateIdentifier"] != identifier


def test_a_tampered_identifier_or_metadata_fails_the_check() -> None:
    fields = metadata_of(_facts())
    identifier = fields["certificateIdentifier"]
    broken = identifier[:-1] + ("A" if identifier[-1] != "A" else "B")
    assert identifier_problem(broken, fields, 1) == "证照标识格式或校验位不正确"
    other = metadata_of(_facts(number="91410100MA44XW5Q2R002P"))["certificateIdentifier"]
    assert identifier_problem(other, fields, 1) == "证照标识与证照元数据不一致"  # well formed
    assert identifier_problem(identifier, fields | {"certificateHolderCode": "X"}, 1) != ""
    assert identifier_problem(identifier, fields, 2) == "证照标识与证照元数据不一致"


def test_every_document_kind_has_a_type_code_and_the_data_mark_their_evidence() -> None:
    data = standard()
    codes = data["type_codes"]["documents"]
    assert set(codes) == {kind.value for kind in DocumentKind}
    sequences = [*codes.values(), *data["type_codes"]["licences"].values()]
    assert len(set(sequences)) == len(sequences) and all(len(s) == 3 for s in sequences)
    for part in ("identifier", "metadata", "serial", "version", "type_codes", "package"):
        assert data[part]["evidence"] in ("found", "inferred"), part
    for part in ("identifier", "metadata"):
        assert data[part]["evidence"] == "found" and data[part]["sources"], part
