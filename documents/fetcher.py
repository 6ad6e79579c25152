"""The only way WeasyPrint may load a resource while rendering an official document.

A document is built from our own templates and the applicant's data. Nothing in it may make the
renderer reach the network or read files of the host: only ``data:`` URLs and ``file://`` URLs
that resolve (symlinks and ``..`` included) inside the project's assets folder are served.
Anything else raises :class:`ForbiddenURLError`; :func:`documents.render.render_pdf` runs
WeasyPrint with ``fail_on_errors=True`` so a refused fetch aborts the render instead of being
logged and skipped.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.settings import ASSETS_DIR

__all__ = ["AssetsOnlyURLFetcher", "ForbiddenURLError", "fetch_url", "resolve_asset_url"]


class ForbiddenURLError(ValueError):
    """A document tried to load a resource outside ``data:`` and the assets folder."""


def resolve_asset_url(url: str, root: Path = ASSETS_DIR) -> Path | None:
    """Check ``url`` against the policy.

    Returns ``None`` for a ``data:`` URL, the resolved path for a ``file://`` URL inside
    ``root``, and raises :class:`ForbiddenURLError` for everything else.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        raise ForbiddenURLError(f"refused to fetch {url!r}: only data: and asset files allowed")
    if parts.netloc not in ("", "localhost"):
        raise ForbiddenURLError(f"refused to fetch {url!r}: remote file host")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    base = root.resolve()
    if not path.is_relative_to(base):
        raise ForbiddenURLError(f"refused to fetch {url!r}: outside {base}")
    if not path.is_file():
        raise ForbiddenURLError(f"refused to fetch {url!r}: no such asset")
    return path


class AssetsOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher restricted to ``data:`` URLs and files under ``root``."""

    def __init__(self, root: Path = ASSETS_DIR, *, fail_on_errors: bool = True) -> None:
        super().__init__(
            timeout=1,
            allowed_protocols=("data", "file"),
            allow_redirects=False,
            fail_on_errors=fail_on_errors,
        )
        self.root = root

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = resolve_asset_url(url, self.root)
        if path is None:  # data: URL, decoded by urllib's DataHandler (no I/O)
            return super().fetch(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def fetch_url(url: str) -> URLFetcherResponse:
    """Fetch ``url`` under the document policy (what WeasyPrint calls for each resource)."""
    return AssetsOnlyURLFetcher().fetch(url)
