"""ASGI entry point for production servers: ``uvicorn api.asgi:app`` (settings from EIA_*)."""

from api.app import create_app

app = create_app()
