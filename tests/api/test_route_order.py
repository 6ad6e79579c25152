"""The case page is matched before every other route (``api.pages.first``): that is only
right while no other route answers its paths, so moving it first changes nothing but speed."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from api import pages


def _leaves(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Every route under ``routes``, included routers opened."""
    found: list[BaseRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _leaves(inner.routes) if inner is not None else [route]
    return found


def _sample(path: str) -> str:
    """A concrete path ``path`` answers: each parameter filled in."""
    return re.sub(r"\{[^}:]*\}", "1", re.sub(r"\{[^}]*:path\}", "a/b", path))


def test_no_other_route_answers_the_paths_matched_first(client: TestClient) -> None:
    first = _leaves(list(pages.first.routes))
    assert [getattr(r, "path", "") for r in first] == ["/cases/{application_id}"]
    ids = {id(r) for r in first}
    others = [r for r in _leaves(list(client.app.router.routes)) if id(r) not in ids]  # type: ignore[attr-defined]
    assert len(others) > 100  # the app's routes were all found
    for route in first:
        assert isinstance(route, APIRoute)
        path = _sample(route.path)
        for other in others:
            regex = getattr(other, "path_regex", None)
            assert regex is None or not regex.match(path), getattr(other, "path", other)
            other_path = _sample(getattr(other, "path", ""))
            assert not route.path_regex.match(other_path), other_path


def test_the_case_page_is_the_first_route_the_app_tries(client: TestClient) -> None:
    routes = _leaves(list(client.app.router.routes))  # type: ignore[attr-defined]
    pages_at = [
        i for i, r in enumerate(routes) if getattr(r, "path", "") == "/cases/{application_id}"
    ]
    assert pages_at and pages_at[0] < 10, pages_at  # after FastAPI's docs routes only
