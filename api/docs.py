"""The API's reference pages, Swagger UI (/docs) and ReDoc (/redoc), served entirely by the
app: their bundles come from the ``fastapi-offline`` package (under /docs-assets), their start
scripts from /assets, so they work without internet and under a script policy of 'self'."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

BUNDLES = Path(fastapi_offline.__file__).resolve().parent / "static"
TITLE = "环评审批工作流服务 接口文档"

_SWAGGER = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/assets/emblem.svg" type="image/svg+xml"></head>
<body><main id="swagger-ui"></main>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/assets/docs-swagger.js"></script></body></html>"""

_REDOC = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/assets/emblem.svg" type="image/svg+xml"></head>
<body><redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/docs-assets/redoc.standalone.js"></script></body></html>"""


def install_docs(app: FastAPI) -> None:
    """Create the app with ``docs_url=None, redoc_url=None`` and call this."""
    app.mount("/docs-assets", StaticFiles(directory=BUNDLES), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(_SWAGGER)

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(_REDOC)
