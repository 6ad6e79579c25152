"""The item catalogue: all 53 files load, say what code needs, and bad files name themselves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from approvals.catalogue import (
    CLOCK_STOPS,
    DEFAULT_DIRECTORY,
    EVIDENCE_FACTS,
    PUBLIC_NOTICES,
    Catalogue,
    CatalogueError,
    DayUnit,
    Evidence,
    Item,
    ItemStatus,
    ProcessKind,
    load_catalogue,
)
from approvals.errors import NotFound
from models.enums import DocumentKind

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "documents"

# What the data says today (shared/domain/items.yaml, derived by scripts/build_items.py).
EXPECTED_KINDS = {
    ProcessKind.STANDARD: 34,
    ProcessKind.COMMITMENT: 1,
    ProcessKind.FILING: 8,
    ProcessKind.SERVICE: 10,
}
EXPECTED_STATUSES = {ItemStatus.ACTIVE: 50, ItemStatus.ABOLISHED: 2, ItemStatus.PROVINCIAL: 1}
EIA_MATERIALS = {  # code -> required, for EIA-01 (EIA-02: the same without public_participation)
    "application_form": True,
    "report_full_text": True,
    "public_version": True,
    "deletion_statement": True,
    "public_participation": True,
    "basic_info_form": True,
    "project_approval": True,
    "expert_opinion": False,
    "total_quantity_source": False,
    "business_licence": True,
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def raw_item(code: str = "EIA-01") -> dict[str, Any]:
    return yaml.safe_load((DEFAULT_DIRECTORY / f"{code}.yaml").read_text(encoding="utf-8"))


def write(directory: Path, name: str, data: Any) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_all_53_items_load_with_unique_codes(catalogue: Catalogue) -> None:
    codes = [item.code for item in catalogue.items]
    assert len(codes) == 53 == len(set(codes)) == len(list(DEFAULT_DIRECTORY.glob("*.yaml")))
    assert codes == sorted(codes)
    assert all(item.version >= 1 for item in catalogue.items)


@pytest.mark.parametrize(("kind", "count"), EXPECTED_KINDS.items(), ids=lambda v: str(v))
def test_items_per_process_kind(catalogue: Catalogue, kind: ProcessKind, count: int) -> None:
    assert len(catalogue.by_kind()[kind]) == count


@pytest.mark.parametrize(("status", "count"), EXPECTED_STATUSES.items(), ids=lambda v: str(v))
def test_items_per_status(catalogue: Catalogue, status: ItemStatus, count: int) -> None:
    assert Counter(item.status for item in catalogue.items)[status] == count


def test_by_kind_partitions_the_catalogue(catalogue: Catalogue) -> None:
    groups = catalogue.by_kind()
    assert set(groups) == set(ProcessKind)
    assert sum(len(items) for items in groups.values()) == len(catalogue)


def test_every_document_is_a_document_kind_with_a_template(catalogue: Catalogue) -> None:
    for item in catalogue.items:
        for kind in item.documents:
            assert isinstance(kind, DocumentKind), item.code
            assert (TEMPLATES / f"{kind.value}.html").is_file(), f"{item.code}: {kind} template"
        assert not set(item.future_documents) & {k.value for k in DocumentKind}, item.code


def test_active_standard_items_issue_the_five_decision_documents_and_the_45_notice(
    catalogue: Catalogue,
) -> None:
    core = {
        DocumentKind.ACCEPTANCE_NOTICE,
        DocumentKind.CORRECTION_NOTICE,
        DocumentKind.REFUSAL_NOTICE,
        DocumentKind.APPROVAL,
        DocumentKind.DENIAL,
    }
    for item in catalogue.by_kind()[ProcessKind.STANDARD]:
        if item.appliable:
            documents = set(item.documents)
            pauses = [s for s in item.clock_stops if s != "补正"]
            assert core <= documents, item.code
            assert (DocumentKind.SPECIAL_PROCEDURE_NOTICE in documents) == bool(pauses), item.code
            assert documents - core <= {
                DocumentKind.SPECIAL_PROCEDURE_NOTICE,
                DocumentKind.LICENCE_CERTIFICATE,
            }, item.code


def test_filing_items_issue_a_receipt_and_service_items_a_reply(catalogue: Catalogue) -> None:
    for item in catalogue.by_kind()[ProcessKind.FILING]:
        assert DocumentKind.FILING_RECEIPT in item.documents, item.code
    for item in catalogue.by_kind()[ProcessKind.SERVICE]:
        if item.code != "PS-03":  # the reward decision is a document of its own
            assert DocumentKind.REPLY_LETTER in item.documents, item.code


def test_material_codes_are_unique_slugs_per_item(catalogue: Catalogue) -> None:
    for item in catalogue.items:
        codes = [m.code for m in item.materials]
        assert len(codes) == len(set(codes)), item.code
        assert all(code.isascii() and code.replace("_", "").isalnum() for code in codes)


def test_names_come_from_the_vocabularies(catalogue: Catalogue) -> None:
    for item in catalogue.items:
        assert set(item.clock_stops) <= set(CLOCK_STOPS), item.code
        assert set(item.public_notices) <= set(PUBLIC_NOTICES), item.code
        assert set(item.evidence) == set(EVIDENCE_FACTS), item.code
        assert item.evidence["statutory"] is item.statutory.evidence, item.code
        assert item.sources, item.code


def test_eia_report_book_has_60_working_days_by_law_and_15_promised(catalogue: Catalogue) -> None:
    item = catalogue.get("EIA-01")
    assert (item.statutory.days, item.statutory.unit) == (60, DayUnit.WORKING)
    assert item.statutory.evidence is Evidence.LEGAL
    assert (item.promised.days, item.promised.unit) == (15, DayUnit.WORKING)
    assert item.promised.evidence is Evidence.INFERRED
    assert item.process_kind is ProcessKind.STANDARD and item.needs_expert_review


@pytest.mark.parametrize("code", ["EIA-01", "EIA-02"])
def test_eia_report_items_ask_for_the_agreed_materials(catalogue: Catalogue, code: str) -> None:
    item = catalogue.get(code)
    required = {m.code: m.required for m in item.materials}
    expected = dict(EIA_MATERIALS)
    if code == "EIA-02":
        del expected["public_participation"]
        assert "public_participation" not in required
    assert {k: required.get(k) for k in expected} == expected
    assert item.decision_series == "郑环审"


def test_commitment_item_decides_in_one_working_day(catalogue: Catalogue) -> None:
    [item] = catalogue.by_kind()[ProcessKind.COMMITMENT]
    assert item.code == "EIA-07" and item.promised.days == 1
    assert not item.needs_expert_review
    assert "commitment_letter" in {m.code for m in item.materials}


def test_abolished_and_provincial_items_are_not_appliable_and_say_why(
    catalogue: Catalogue,
) -> None:
    closed = [item for item in catalogue.items if item.status is not ItemStatus.ACTIVE]
    assert {item.code for item in closed} == {"OT-02", "OT-09", "HW-10"}
    for item in closed:
        assert not item.appliable and item not in catalogue.appliable()
        assert item.status_note.strip(), item.code
    assert "自主验收" in catalogue.get("OT-09").status_note
    assert len(catalogue.appliable()) == 50


def test_filings_have_no_statutory_wait(catalogue: Catalogue) -> None:
    for item in catalogue.by_kind()[ProcessKind.FILING]:
        assert item.statutory.days is not None, item.code
        assert item.statutory.days <= 5, item.code


def test_get_unknown_code_raises_not_found_in_both_languages(catalogue: Catalogue) -> None:
    with pytest.raises(NotFound) as caught:
        catalogue.get("EIA-99")
    assert "EIA-99" in caught.value.message_zh and "EIA-99" in caught.value.message_en


def test_items_are_immutable(catalogue: Catalogue) -> None:
    item = catalogue.get("EIA-01")
    with pytest.raises(ValidationError):
        item.version = 2  # type: ignore[misc]
    assert isinstance(catalogue.items, tuple)


def _unknown_field(d: dict[str, Any]) -> None:
    d["colour"] = "red"


def _bad_unit(d: dict[str, Any]) -> None:
    d["statutory"]["unit"] = "fortnight"


def _unknown_clock_stop(d: dict[str, Any]) -> None:
    d["clock_stops"].append("午休")


def _unknown_document(d: dict[str, Any]) -> None:
    d["documents"].append("certificate")


def _promise_beyond_law(d: dict[str, Any]) -> None:
    d["promised"]["days"] = 61


def _abolished_without_note(d: dict[str, Any]) -> None:
    d["status"], d["status_note"] = "abolished", ""


def _duplicate_material(d: dict[str, Any]) -> None:
    d["materials"].append(dict(d["materials"][0]))


def _evidence_mismatch(d: dict[str, Any]) -> None:
    d["evidence"]["statutory"] = "inferred"


MALFORMED = {  # mutation -> what the error must say besides the file name
    _unknown_field: "colour",
    _bad_unit: "fortnight",
    _unknown_clock_stop: "unknown clock stop '午休'",
    _unknown_document: "certificate",
    _promise_beyond_law: "promised 61 days exceed the statutory 60",
    _abolished_without_note: "needs a status_note",
    _duplicate_material: "duplicate material code 'application_form'",
    _evidence_mismatch: "differs from statutory.evidence",
}


@pytest.mark.parametrize(
    ("mutate", "reason"), MALFORMED.items(), ids=[f.__name__[1:] for f in MALFORMED]
)
def test_a_malformed_file_fails_naming_the_file(tmp_path: Path, mutate: Any, reason: str) -> None:
    data = raw_item()
    mutate(data)
    write(tmp_path, "EIA-01.yaml", data)
    with pytest.raises(CatalogueError, match=r"^EIA-01\.yaml: ") as caught:
        load_catalogue(tmp_path)
    assert reason in str(caught.value)


def test_a_duplicate_code_fails_naming_both_files(tmp_path: Path) -> None:
    write(tmp_path, "EIA-01.yaml", raw_item())
    write(tmp_path, "EIA-99.yaml", raw_item())
    with pytest.raises(
        CatalogueError, match=r"EIA-99\.yaml: duplicate code 'EIA-01'.*EIA-01\.yaml"
    ):
        load_catalogue(tmp_path)


def test_a_file_named_differently_from_its_code_fails(tmp_path: Path) -> None:
    write(tmp_path, "EIA-02.yaml", raw_item("EIA-01"))
    with pytest.raises(CatalogueError, match=r"EIA-02\.yaml: file name does not match"):
        load_catalogue(tmp_path)


@pytest.mark.parametrize(("name", "content"), [("notes.txt", "x"), ("EIA-01.yml", "code: x")])
def test_a_stray_file_is_not_skipped_silently(tmp_path: Path, name: str, content: str) -> None:
    write(tmp_path, "EIA-01.yaml", raw_item())
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match=name.replace(".", r"\.")):
        load_catalogue(tmp_path)


def test_a_file_that_is_not_a_mapping_fails(tmp_path: Path) -> None:
    (tmp_path / "EIA-01.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"EIA-01\.yaml"):
        load_catalogue(tmp_path)


def test_a_loaded_item_round_trips_through_its_schema(catalogue: Catalogue) -> None:
    item = catalogue.get("PW-01")
    assert Item.model_validate(item.model_dump()) == item
