"""投资项目统一代码 (全国固定资产投资项目代码): its published structure, checked at the edge.

What the structure check rests on (``SOURCES``; evidence marked as in ``approvals/evidence``):

* **found** — GB/T 40058-2021《全国固定资产投资项目代码编码规范》 (2021-04-30, in force
  2021-08-01), §4 项目代码结构: 时间代码, 地区代码, 中央业务指导部门代码, 项目类型代码, 随机码,
  校验码 (its table of contents, as published); the code is 24 characters (NDRC release of the
  standard, 2021-05); 发改投资〔2020〕1439号《固定资产投资项目代码管理规范》 made the new code
  mandatory from 2020-11-01; the 2017 基础信息表填写说明 shows the older form
  ``2017-130000-01-01-00001`` (a 5-digit serial, no check character).
* **inferred** — the field widths 4-6-2-2-6 with hyphens (24 characters: the form seen on
  issued codes and stated in issue 15); the last group is the 随机码 followed by the 校验码
  (5 + 1); the project type codes 01 审批 / 02 核准 / 03 备案; the region group is a GB/T 2260
  code whose first two digits name a province. The check character's algorithm was **not
  found** in any accessible source: it is not verified here (a wrong guess would refuse real
  codes); the look-up on the investment platform (``ProjectRegistry``) confirms a code instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from approvals.errors import InvalidInput

SOURCES = {
    "structure": ("found", "GB/T 40058-2021 §4（目次：时间代码、地区代码、中央业务指导部门代码、"
                  "项目类型代码、随机码、校验码）；国家发展改革委2021年5月发布稿：共24位"),
    "widths": ("inferred", "4-6-2-2-6，以“-”分隔（常见已赋代码形式；本项目据此推定）"),
    "check_character": ("inferred", "校验码算法未查得，不作校验；以在线平台查询核实"),
    "project_types": ("inferred", "01 审批、02 核准、03 备案（常见代码推定）"),
}  # fmt: skip

_SHAPE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", " ": "", "\u3000": ""})
# GB/T 2260 province-level codes (the first two digits of a region code); 00 = national.
PROVINCES = frozenset(
    [
        "00",
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
PROJECT_TYPES = {"01": "审批", "02": "核准", "03": "备案"}  # inferred, see SOURCES
FIRST_YEAR = 2014  # the online platform's first codes (inferred lower bound)


@dataclass(frozen=True)
class ProjectCode:
    text: str
    year: int
    region: str
    department: str
    project_type: str
    serial: str

    @property
    def type_label(self) -> str:
        return PROJECT_TYPES.get(self.project_type, "其他")

    def within(self, area_code: str) -> bool:
        """The project's region lies in the bureau's area: same city (first four digits of a
        city-level area code such as 410100), or the same province for a provincial bureau."""
        prefix = area_code[:4] if area_code[2:4] != "00" else area_code[:2]
        if area_code[4:6] != "00":  # a district bureau: its own county code
            prefix = area_code
        return self.region.startswith(prefix)


def normalise(raw: str) -> str:
    return raw.strip().translate(_DASHES)


def parse_project_code(raw: str, today: date) -> ProjectCode:
    """The code's parts, or ``InvalidInput`` naming what is wrong (in Chinese)."""
    text = normalise(raw)
    match = _SHAPE.match(text)
    if match is None:
        raise InvalidInput(
            "项目代码格式不正确：应为24位，形如2021-410100-04-01-123456（年份-地区代码-"
            "部门代码-项目类型-随机码及校验码）",
            "the project code must look like 2021-410100-04-01-123456",
            field="project_code",
        )
    year, region, department, project_type, serial = match.groups()
    if not FIRST_YEAR <= int(year) <= today.year:
        raise InvalidInput(
            f"项目代码的赋码年份{year}不在{FIRST_YEAR}年至今年之间",
            "the project code's year is out of range",
            field="project_code",
        )
    if region[:2] not in PROVINCES:
        raise InvalidInput(
            f"项目代码的地区代码{region}不是有效的行政区划代码",
            "the project code's region is not a GB/T 2260 code",
            field="project_code",
        )
    if project_type == "00" or department == "00":
        raise InvalidInput(
            "项目代码的部门代码或项目类型代码不能为00",
            "the project code's department or type is 00",
            field="project_code",
        )
    return ProjectCode(text, int(year), region, department, project_type, serial)
