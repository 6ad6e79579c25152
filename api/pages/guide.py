"""办事指南 pages, public: the catalogue of all items (/guide) and one item's guide
(/guide/{code}, printable), the same facts as ``GET /api/items/{code}/guide``. Routes hang off
the pages' shared ``router``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.display import KIND_SHORT_LABELS
from api.pages.security import OptionalUser
from api.routers.guide import GuidePublic, public_guides
from api.templating import render_page
from approvals.catalogue import ProcessKind
from approvals.catalogue.public_facts import AT_THE_WINDOW

# The catalogue's groups in the order a visitor looks for them; a new group goes last.
GROUP_ORDER = (
    "环评审批",
    "排污许可",
    "危险废物",
    "辐射安全",
    "固体废物",
    "水环境",
    "大气",
    "土壤",
    "应急",
    "信息公开",
    "咨询",
    "信访投诉",
    "信用",
    "其他",
)


def _grouped(guides: list[GuidePublic]) -> list[tuple[str, list[GuidePublic]]]:
    groups: dict[str, list[GuidePublic]] = {}
    for guide in guides:
        groups.setdefault(guide.group, []).append(guide)
    rank = {name: i for i, name in enumerate(GROUP_ORDER)}
    return sorted(groups.items(), key=lambda g: rank.get(g[0], len(rank)))


@router.get("/guide")
def guide_index(
    request: Request, user: OptionalUser, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    guides = public_guides(session, list(services.catalogue.items))
    kinds = {kind: sum(g.process_kind is kind for g in guides) for kind in ProcessKind}
    return render_page(
        request,
        "guide_list.html",
        {
            "groups": _grouped(guides),
            "total": len(guides),
            "kind_counts": [(KIND_SHORT_LABELS[k], n) for k, n in kinds.items() if n],
            "closed": sum(not g.appliable for g in guides),
            "kind_labels": KIND_SHORT_LABELS,
            "flash": "",
        },
    )


@router.get("/guide/{code}")
def guide_page(
    code: str, request: Request, user: OptionalUser, session: SessionDep, services: ServicesDep
) -> HTMLResponse:
    """An unknown code shows the 404 page (``Catalogue.get`` raises ``NotFound``)."""
    guide = public_guides(session, [services.catalogue.get(code)])[0]
    return render_page(
        request,
        "guide.html",
        {
            "guide": guide,
            "kind_label": KIND_SHORT_LABELS[guide.process_kind],
            "at_the_window": AT_THE_WINDOW,
            "flash": "",
        },
    )
