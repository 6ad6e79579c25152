"""``eia calendar due|used``: the exact output contract, the provisional line, bad input.

The settings point at an SQLite file that does not exist, so no database is read or created.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EIA_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("EIA_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str):
    return runner.invoke(app, ["calendar", *args])


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["due", "2021-09-17", "15"], "2021-10-14\n"),
        (["due", "2021-09-17", "15", "--unit", "working"], "2021-10-14\n"),
        (["due", "2021-09-17", "15", "--unit", "calendar"], "2021-10-08\n"),
        (["due", "2021-11-01", "6", "--unit", "calendar"], "2021-11-08\n"),
        (["due", "2021-02-03", "10"], "2021-02-22\n"),
        (["due", "2021-11-01", "5", "--pause", "2021-11-03:2021-11-05"], "2021-11-10\n"),
        (
            [
                "due",
                "2021-11-01",
                "5",
                "--pause",
                "2021-11-09:2021-11-11",
                "--pause",
                "2021-11-03:2021-11-05",
            ],
            "2021-11-12\n",
        ),
        (["due", "2021-10-02", "0"], "2021-10-02\n"),
        (["used", "2021-09-17", "2021-10-14"], "15\n"),
        (["used", "2021-09-17", "2021-10-14", "--unit", "calendar"], "27\n"),
        (["used", "2021-11-01", "2021-11-08", "--pause", "2021-11-03:2021-11-05"], "3\n"),
        (["used", "2021-11-05", "2021-11-01"], "0\n"),
    ],
)
def test_exact_output(args: list[str], stdout: str, no_database: Path) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == stdout
    assert not (no_database / "eia.db").exists()  # never created by due/used


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["due", "2027-09-30", "3"], "2027-10-06\nprovisional\n"),
        (["due", "2026-12-31", "1"], "2027-01-04\nprovisional\n"),
        (["due", "2027-09-20", "11", "--unit", "calendar"], "2027-10-04\nprovisional\n"),
        (["used", "2027-03-01", "2027-03-08"], "5\nprovisional\n"),
        (["used", "2027-03-01", "2027-03-08", "--unit", "calendar"], "7\n"),
        (["due", "2026-12-30", "1"], "2026-12-31\n"),
    ],
)
def test_the_provisional_line_appears_only_when_a_fallback_year_was_used(
    args: list[str], stdout: str
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == stdout


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["due", "2021-02-30", "5"], "2021-02-30", "not a valid date"),
        (["due", "2021/09/17", "5"], "YYYY-MM-DD", "not a valid date"),
        (["used", "2021-09-17", "2021-09-31"], "2021-09-31", "not a valid date"),
        (["due", "2021-09-17", "-3"], "负数", "negative"),
        (["due", "2021-09-17", "five"], "非负整数", "non-negative"),
        (["due", "2003-12-31", "5"], "超出", "outside the supported range"),
        (["used", "2003-01-01", "2021-01-01"], "超出", "outside the supported range"),
        (["due", "2021-09-17", "5", "--pause", "2021-10-08:2021-10-01"], "早于", "before"),
        (["due", "2021-09-17", "5", "--pause", "2021-10-08"], "格式", "FROM:TO"),
        (
            [
                "due",
                "2021-09-17",
                "5",
                "--pause",
                "2021-09-20:2021-09-25",
                "--pause",
                "2021-09-24:2021-09-30",
            ],
            "重叠",
            "overlap",
        ),
        (["due", "2021-09-17", "5", "--unit", "weeks"], "working", "calendar"),
        (
            ["used", "2021-09-17", "2021-10-01", "--pause", "2021-09-30:2021-09-20"],
            "早于",
            "before",
        ),
    ],
)
def test_bad_input_exits_2_with_a_chinese_and_an_english_message(
    args: list[str], zh: str, en: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("错误：") and zh in lines[0]
    assert lines[1].startswith("Error: ") and en in lines[1]


def test_calendar_is_listed_in_the_eia_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "calendar" in result.stdout


def test_the_due_path_does_not_load_prefect_or_fastapi() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cli.main import app\n"
        "r = CliRunner().invoke(app, ['calendar', 'due', '2021-09-17', '15'])\n"
        "assert r.stdout == '2021-10-14\\n', r.output\n"
        "print(sorted(m for m in ('prefect', 'fastapi') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "[]"
