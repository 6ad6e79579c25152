"""Checks on an uploaded material: its name, its size and its content (by bytes, not name)."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from approvals.errors import PayloadTooLarge, UploadRejected
from approvals.uploads import MAX_NAME_CHARS, check_upload, clean_filename, material_key
from tests.helpers import minimal_pdf

LIMIT = 64 * 1024
PDF = minimal_pdf("material")


def test_a_well_formed_pdf_passes_with_its_hash_and_size() -> None:
    checked = check_upload("报告书.pdf", PDF, LIMIT)
    assert checked.filename == "报告书.pdf"
    assert checked.content_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()
    assert checked.size == len(PDF)


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00" + b"\x00" * 100, b"<html><body>not a pdf</body></html>", b"PK\x03\x04zip"],
    ids=["exe-bytes", "html", "zip"],
)
def test_content_that_is_not_a_pdf_is_refused_despite_a_pdf_name(data: bytes) -> None:
    with pytest.raises(UploadRejected, match="not a PDF") as raised:
        check_upload("报告书.pdf", data, LIMIT)
    assert type(raised.value) is UploadRejected


@pytest.mark.parametrize("name", ["setup.exe", "报告书.pdf.exe", "报告书.docx", "报告书"])
def test_names_not_ending_in_pdf_are_refused(name: str) -> None:
    with pytest.raises(UploadRejected, match=r"only PDF files"):
        check_upload(name, PDF, LIMIT)


def test_the_pdf_extension_is_matched_case_insensitively_and_kept() -> None:
    assert clean_filename("SCAN.PDF") == "SCAN.PDF"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/var/www/报告书.pdf", "报告书.pdf"),
        ("..\\..\\Windows\\system32\\报告书.pdf", "报告书.pdf"),
        ("C:\\Users\\张三\\Desktop\\报告书.pdf", "报告书.pdf"),
        ("  spaced.pdf  ", "spaced.pdf"),
    ],
)
def test_path_parts_are_cut_to_the_base_name(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "..", "../..", "dir/", "a\\b\\"])
def test_a_name_with_nothing_left_after_cleaning_is_refused(raw: str) -> None:
    with pytest.raises(UploadRejected, match="empty"):
        clean_filename(raw)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b.pdf", "ab.pdf"),
        ("a\nb.pdf", "a b.pdf"),
        ("a\rb.pdf", "a b.pdf"),
        ("a\tb.pdf", "a b.pdf"),
        ("a\x1bb.pdf", "ab.pdf"),
        ("a\x7fb.pdf", "ab.pdf"),
    ],
    ids=["nul", "lf", "cr", "tab", "esc", "del"],
)
def test_control_characters_never_reach_the_stored_name(raw: str, clean: str) -> None:
    """Controls are removed (line breaks and tabs become a space) before the name is checked."""
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("char", [":", "*", "?", '"', "<", ">", "|"])
def test_characters_windows_forbids_are_refused(char: str) -> None:
    with pytest.raises(UploadRejected, match="forbidden characters"):
        clean_filename(f"a{char}b.pdf")


def test_a_name_longer_than_the_limit_is_refused() -> None:
    assert clean_filename("环" * (MAX_NAME_CHARS - 4) + ".pdf")
    with pytest.raises(UploadRejected, match="longer than"):
        clean_filename("环" * (MAX_NAME_CHARS - 3) + ".pdf")


def test_chinese_names_are_kept_and_normalised_to_nfc() -> None:
    name = "建设项目环境影响报告书（全本）-郑州绿源.pdf"
    assert clean_filename(name) == name
    decomposed = unicodedata.normalize("NFD", "Café-说明.pdf")
    assert decomposed != "Café-说明.pdf"
    assert clean_filename(decomposed) == "Café-说明.pdf"


def test_a_file_over_the_limit_is_payload_too_large() -> None:
    data = PDF + b"0" * (LIMIT - len(PDF)) + b"%%EOF"
    with pytest.raises(PayloadTooLarge) as raised:
        check_upload("big.pdf", data, LIMIT)
    assert raised.value.details == {"limit": LIMIT}
    assert isinstance(raised.value, UploadRejected)


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    data = PDF + b"%" * (LIMIT - len(PDF) - 6) + b"%%EOF\n"
    assert len(data) == LIMIT
    assert check_upload("exact.pdf", data, LIMIT).size == LIMIT


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="empty") as raised:
        check_upload("empty.pdf", b"", LIMIT)
    assert type(raised.value) is UploadRejected


def test_a_truncated_pdf_without_its_end_marker_is_refused() -> None:
    truncated = PDF[: PDF.rindex(b"%%EOF")]
    with pytest.raises(UploadRejected, match="truncated"):
        check_upload("cut.pdf", truncated, LIMIT)


def test_material_keys_are_deterministic_per_case_and_content() -> None:
    digest = hashlib.sha256(PDF).hexdigest()
    key = material_key("410100-EIA01-20261120-0001", digest)
    assert key == f"applications/410100-EIA01-20261120-0001/materials/{digest}"
