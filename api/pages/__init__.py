"""HTML pages (Jinja2, zh-CN) for applicants and staff."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
