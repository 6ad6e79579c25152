"""The EIA credit platform's lists (限期整改名单, 失信“黑名单”), as staff load them from the
platform's export, and the check at intake.

Rules and their sources:

* **found** — 《建设项目环境影响报告书（表）编制监督管理办法》 and the 生态环境部 notices on the
  lists: 限期整改 lasts 6 months from the day the score reached the limit; during 限期整改 and
  禁止从业 "各级生态环境部门不予受理其编制的建设项目环境影响报告书（表）"; listings stay public
  on the platform for five years.
* **inferred** — the export's column names (the platform's own export was not accessible): we
  accept the usual headings listed in ``COLUMNS``; a party whose listing ended within the
  five-year publication window draws a **warning** (not a refusal): the rule refuses only during
  the period.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from approvals.errors import InvalidInput
from models import CreditList, CreditListEntry
from models.exchange_tables import CREDIT_LIST_LABELS, CreditListKind
from models.ids import id_of

COLUMNS = {
    "name": ("名称", "单位名称", "姓名", "编制单位", "编制人员", "信用管理对象"),
    "identifier": ("统一社会信用代码", "信用编号", "职业资格证书管理号", "证书编号", "编号"),
    "reason": ("原因", "失信行为", "列入原因", "处理依据", "事由"),
    "starts_on": ("起始日期", "列入日期", "开始日期", "达到限制分数日期"),
    "ends_on": ("截止日期", "期满日期", "结束日期", "限期整改截止日期"),
}
MAX_ROWS = 20000
PUBLICATION_YEARS = 5


@dataclass(frozen=True)
class ListHit:
    kind: CreditListKind
    list_date: date
    version: int
    party: str
    identifier: str
    name: str
    reason: str
    starts_on: date | None
    ends_on: date | None
    current: bool  # within its period on the day of the check

    def message(self) -> str:
        who = "编制单位" if self.party == "unit" else "编制人员"
        period = ""
        if self.starts_on or self.ends_on:
            period = f"，期间{self.starts_on or ''}至{self.ends_on or '（未载明）'}"
        label = CREDIT_LIST_LABELS[self.kind]
        state = "正处于" if self.current else "曾被列入"
        return (
            f"{who}{self.name}（{self.identifier}）{state}环境影响评价信用平台{label}"
            f"{period}（名单日期{self.list_date.isoformat()}，第{self.version}版）"
            + (f"：{self.reason}" if self.reason else "")
        )


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, with or without BOM, or GB18030) or XLSX export."""
    try:
        values = _values(filename, data)
    except InvalidInput:
        raise
    except Exception as exc:  # any parser failure (openpyxl has its own) is an unreadable file
        raise InvalidInput("名单文件无法读取，请上传信用平台导出的CSV或XLSX", str(exc)) from None
    if not values:
        raise InvalidInput("文件为空", "the file is empty")
    header = [h.strip() for h in values[0]]
    return [
        dict(zip(header, row, strict=False)) for row in values[1:] if any(c.strip() for c in row)
    ]


def _values(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # only for XLSX uploads

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        if sheet is None:
            raise InvalidInput("XLSX文件没有工作表", "the workbook has no sheet")
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="strict")
    return list(csv.reader(io.StringIO(text)))


def _column(row: dict[str, str], field: str) -> str:
    for heading in COLUMNS[field]:
        if heading in row and row[heading].strip():
            return row[heading].strip()
    return ""


def _date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    text = text.replace("日", "").split(" ")[0]
    if not text:
        return None
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise InvalidInput(f"日期无法识别：{text}", f"unreadable date {text!r}") from None


def load_list(
    session: Session,
    *,
    kind: CreditListKind,
    list_date: date,
    filename: str,
    data: bytes,
    loaded_by: int,
    now: datetime,
) -> CreditList:
    """A new version of the list from an export; every row needs a name and an identifier."""
    rows = read_rows(filename, data)
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"名单行数超过{MAX_ROWS}", "too many rows")
    entries = []
    for number, row in enumerate(rows, start=2):
        identifier, name = _column(row, "identifier").upper(), _column(row, "name")
        if not identifier or not name:
            raise InvalidInput(
                f"第{number}行缺少名称或统一社会信用代码/信用编号（可用列名："
                f"{'、'.join(COLUMNS['name'][:3])}；{'、'.join(COLUMNS['identifier'][:3])}）",
                f"row {number} lacks a name or identifier",
            )
        entries.append(
            CreditListEntry(
                list_id=0,
                party="unit" if len(identifier) == 18 and not identifier.isdigit() else "person",
                identifier=identifier[:40],
                name=name[:200],
                reason=_column(row, "reason")[:500],
                starts_on=_date(_column(row, "starts_on")),
                ends_on=_date(_column(row, "ends_on")),
            )
        )
    version = (
        session.exec(select(func.max(CreditList.version)).where(CreditList.kind == kind)).one() or 0
    ) + 1
    listing = CreditList(
        kind=kind,
        version=version,
        list_date=list_date,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        entries=len(entries),
        loaded_by=loaded_by,
        loaded_at=now,
    )
    session.add(listing)
    session.flush()
    for entry in entries:
        entry.list_id = id_of(listing)
        session.add(entry)
    session.flush()
    return listing


def current_lists(session: Session) -> list[CreditList]:
    """The latest version of each kind."""
    latest = []
    for kind in CreditListKind:
        found = session.exec(
            select(CreditList)
            .where(CreditList.kind == kind)
            .order_by(col(CreditList.version).desc())
        ).first()
        if found is not None:
            latest.append(found)
    return latest


def hits_for(session: Session, identifiers: list[str], today: date) -> list[ListHit]:
    """Listings of these parties in the current lists: in their period, or ended within the
    publication window (those are warnings)."""
    wanted = {i.upper() for i in identifiers if i}
    hits: list[ListHit] = []
    for listing in current_lists(session):
        for entry in session.exec(
            select(CreditListEntry)
            .where(CreditListEntry.list_id == listing.id)
            .where(col(CreditListEntry.identifier).in_(wanted))
        ):
            current = (entry.starts_on is None or entry.starts_on <= today) and (
                entry.ends_on is None or today <= entry.ends_on
            )
            window = (
                entry.ends_on is not None
                and (today - entry.ends_on).days <= 365 * PUBLICATION_YEARS
            )
            if current or window:
                hits.append(
                    ListHit(
                        listing.kind,
                        listing.list_date,
                        listing.version,
                        entry.party,
                        entry.identifier,
                        entry.name,
                        entry.reason,
                        entry.starts_on,
                        entry.ends_on,
                        current,
                    )
                )
    return hits
