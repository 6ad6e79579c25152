"""Districts, county-level cities and development zones under the Zhengzhou bureau."""

from __future__ import annotations

from approvals.errors import InvalidInput

ZHENGZHOU_DISTRICTS: tuple[str, ...] = (
    "中原区", "二七区", "管城回族区", "金水区", "上街区", "惠济区",
    "巩义市", "荥阳市", "新密市", "新郑市", "登封市", "中牟县",
    "郑东新区", "郑州经济技术开发区", "郑州高新技术产业开发区", "郑州航空港经济综合实验区",
)  # fmt: skip


def validate_district(name: str) -> str:
    if name not in ZHENGZHOU_DISTRICTS:
        raise InvalidInput(
            f"“{name}”不是郑州市辖区（县、市）或开发区",
            f"{name!r} is not a district of Zhengzhou",
            allowed=list(ZHENGZHOU_DISTRICTS),
        )
    return name


# The bureau's branch (分局) in each district, in the real form “郑州市生态环境局××分局”.
# Confirmed in public sources: 新郑、金水、二七、上街、航空港; the others follow the same form
# (inferred: check the branch's seal before relying on the exact name).
BRANCHES: dict[str, str] = {
    "中原区": "郑州市生态环境局中原分局",
    "二七区": "郑州市生态环境局二七分局",
    "管城回族区": "郑州市生态环境局管城分局",
    "金水区": "郑州市生态环境局金水分局",
    "上街区": "郑州市生态环境局上街分局",
    "惠济区": "郑州市生态环境局惠济分局",
    "巩义市": "郑州市生态环境局巩义分局",
    "荥阳市": "郑州市生态环境局荥阳分局",
    "新密市": "郑州市生态环境局新密分局",
    "新郑市": "郑州市生态环境局新郑分局",
    "登封市": "郑州市生态环境局登封分局",
    "中牟县": "郑州市生态环境局中牟分局",
    "郑东新区": "郑州市生态环境局郑东新区分局",
    "郑州经济技术开发区": "郑州市生态环境局经济技术开发区分局",
    "郑州高新技术产业开发区": "郑州市生态环境局高新技术产业开发区分局",
    "郑州航空港经济综合实验区": "郑州市生态环境局航空港分局",
}
BRANCHES_CONFIRMED = frozenset({"新郑市", "金水区", "二七区", "上街区", "郑州航空港经济综合实验区"})

# Districts with a people's government of their own (development zones have a 管委会): a branch's
# own-name decision may also be reviewed by that government (行政复议法第24条第2款).
DISTRICT_GOVERNMENTS: dict[str, str] = {
    name: f"郑州市{name}人民政府" if name.endswith("区") else f"{name}人民政府"
    for name in ZHENGZHOU_DISTRICTS
    if name.endswith(("区", "市", "县")) and not name.startswith(("郑东", "郑州"))
}
CITY_GOVERNMENT = "郑州市人民政府"


def branch_of(district: str) -> str:
    """The branch of ``district``; the district itself when it has none on record."""
    return BRANCHES.get(district, district)


def review_bodies(issuer: str, district: str) -> str:
    """The 行政复议机关 for a decision of ``issuer`` (行政复议法第24条, 2023 revision): the city
    government for the municipal bureau; for a branch deciding in its own name also the
    government of the district where it sits."""
    if issuer in BRANCHES.values():
        own = DISTRICT_GOVERNMENTS.get(next(d for d, b in BRANCHES.items() if b == issuer), "")
        if own:
            return f"{CITY_GOVERNMENT}或者{own}"
    return CITY_GOVERNMENT
