"""Optimistic concurrency over HTTP: a case's ``version`` is its entity tag.

``GET /api/applications/{id}`` answers ``ETag: "<version>"`` (the body carries ``version`` too);
the staff actions that take a version accept it as ``If-Match`` (``"3"``, or a bare ``3`` as
older clients send it; ``*`` matches any). A tag that is not the case's current version is
refused with 412 before anything is done; a change that races the check still fails in the
version-guarded UPDATE (409, ``approvals.casework.transitions``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from api.deps import CurrentUser, SessionDep
from api.params import Id
from approvals.casework.queries import get_application_for
from approvals.errors import PreconditionFailed

ETAG_HEADER = {
    "ETag": {
        "description": '办件版本号，如 "3"；写操作可在 If-Match 中带回 / the case version',
        "required": True,
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    }
}


def etag(version: int) -> str:
    return f'"{version}"'


def matched_tags(header: str) -> set[int] | None:
    """The versions an If-Match header names; None for ``*``. Weak tags never match."""
    versions: set[int] = set()
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            return None
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if tag.isdigit() and len(tag) <= 10:
            versions.add(int(tag))
    return versions


def expected_version(
    application_id: Id,
    user: CurrentUser,
    session: SessionDep,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=200,
            description='办件的 ETag（如 "3"，即 version）；与当前版本不符时返回412',
        ),
    ] = None,
) -> int | None:
    """The version the action must apply to, or None when no If-Match was sent."""
    if if_match is None:
        return None
    application = get_application_for(session, user, application_id)
    versions = matched_tags(if_match)
    if versions is None:
        return application.version
    if application.version not in versions:
        raise PreconditionFailed(
            "办件已被更新（版本不符），请刷新后重试",
            "If-Match does not match the case's current ETag",
            current=etag(application.version),
        )
    return application.version


IfMatch = Annotated[int | None, Depends(expected_version)]
