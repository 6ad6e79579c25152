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
