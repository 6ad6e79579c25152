"""The Atom feed of the public notices (/public/notices.atom) for 政务公开 sites and readers:
the newest 100 publications of every kind, each linking to its public page."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

from fastapi import APIRouter, Response

from api.deps import ServicesDep, SessionDep
from approvals.clock import as_local, local_date
from approvals.participation.notices import NoticeFilter, list_notices
from models import NOTICE_KIND_LABELS, PublicNotice

router = APIRouter()
ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _stamp(moment: datetime) -> str:
    return as_local(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(notice: PublicNotice) -> str:
    parts = [f"建设单位：{notice.builder}", f"建设地点：{notice.site}"]
    if notice.document_number:
        parts.append(f"文号：{notice.document_number}；结论：{notice.conclusion}")
    if notice.days:
        parts.append(f"公示期：{notice.starts_on} 至 {notice.ends_on}")
    return "；".join(parts)


def feed_xml(base: str, bureau: str, notices: list[PublicNotice], now: datetime) -> bytes:
    """The feed; ``updated`` is the newest publication's time, or ``now`` when there is none."""
    ElementTree.register_namespace("", ATOM)

    def sub(parent: ElementTree.Element, tag: str, text: str = "", **attrs: str) -> None:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text:
            element.text = text

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", f"{bureau}建设项目环境影响评价公示公告")
    sub(feed, "id", f"{base}/public/notices")
    sub(feed, "link", href=f"{base}/public/notices.atom", rel="self")
    sub(feed, "link", href=f"{base}/public/notices")
    sub(feed, "updated", _stamp(notices[0].published_at if notices else now))
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    sub(author, "name", bureau)
    for notice in notices:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        label = NOTICE_KIND_LABELS[notice.kind]
        sub(entry, "title", f"{label}：{notice.project_name}")
        sub(entry, "id", f"{base}/public/notices/{notice.id}")
        sub(entry, "link", href=f"{base}/public/notices/{notice.id}")
        sub(entry, "updated", _stamp(notice.published_at))
        sub(entry, "published", _stamp(notice.published_at))
        sub(entry, "category", term=notice.kind.value, label=label)
        sub(entry, "summary", _summary(notice))
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


@router.get("/public/notices.atom", include_in_schema=False)
def notices_feed(session: SessionDep, services: ServicesDep) -> Response:
    now = services.clock.now()
    notices = list_notices(session, local_date(now), NoticeFilter(), limit=100)
    base = services.settings.public_base_url.rstrip("/")
    feed = feed_xml(base, services.settings.bureau_name, notices, now)
    return Response(feed, media_type=ATOM_TYPE)
