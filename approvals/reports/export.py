"""A report ``Table`` as CSV or XLSX bytes (in memory; the caller sends or stores them).

CSV is UTF-8 with a byte-order mark, the only way Excel opens Chinese text in a CSV correctly
without an import dialog; empty cells stay empty. XLSX (openpyxl) keeps numbers as numbers, with
a bold, frozen header row.
"""

from __future__ import annotations

import csv
import io

from approvals.reports.tables import Cell, Table

BOM = "\ufeff"
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return f"{cell:.1f}"
    return str(cell)


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_text(c) for c in row] for row in table.rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def _width(values: list[str]) -> float:
    """Column width in Excel units: CJK characters take two."""
    widest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in values), default=8)
    return min(60.0, max(8.0, widest + 2.0))


def to_xlsx(table: Table) -> bytes:
    # openpyxl (~0.2 CPU-s to import) on the first export, not at every start of the API
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = table.title.translate(_SHEET_FORBIDDEN)[:31]
    sheet.append(list(table.headers))
    for row in table.rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index in range(len(table.headers)):
        letter = get_column_letter(index + 1)
        column_values = [table.headers[index]] + [_text(r[index]) for r in table.rows]
        sheet.column_dimensions[letter].width = _width(column_values)
        if index in table.percent_columns:
            for cell in sheet[letter][1:]:
                cell.number_format = "0.0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
