"""Adapters to the outside platforms (investment platform, national EIA system): files in the
embedded default, configured HTTP endpoints in production. Built once per process from the
settings; they depend only on ``core``."""

from __future__ import annotations

from functools import lru_cache

from core.settings import Settings
from exchange_adapters.files import FileDelivery, FileProjectRegistry
from exchange_adapters.http import HttpDelivery, HttpProjectRegistry, RoutedDelivery

__all__ = ["build_delivery", "build_registry"]


def build_registry(settings: Settings) -> FileProjectRegistry | HttpProjectRegistry:
    """``EIA_EXCHANGE_PROJECT_URL`` set: the platform's look-up; else ``projects.csv``."""
    return _registry(settings.exchange_project_url, settings.exchange_token, _dir(settings))


def build_delivery(settings: Settings) -> FileDelivery | RoutedDelivery:
    """Reports to ``EIA_EXCHANGE_REPORT_URL`` and decisions to ``EIA_EXCHANGE_PROJECT_URL``
    where set; whatever has no endpoint is written as files under the exchange folder."""
    return _delivery(
        settings.exchange_report_url, settings.exchange_project_url, settings.exchange_token,
        _dir(settings), settings.exchange_timeout_seconds,
    )  # fmt: skip


def _dir(settings: Settings) -> str:
    return str(settings.exchange_dir or settings.var_dir / "exchange")


@lru_cache(maxsize=4)
def _registry(url: str, token: str, folder: str) -> FileProjectRegistry | HttpProjectRegistry:
    if url:
        return HttpProjectRegistry(url, token)
    return FileProjectRegistry(f"{folder}/projects.csv")


@lru_cache(maxsize=4)
def _delivery(
    report_url: str, project_url: str, token: str, folder: str, timeout: float
) -> FileDelivery | RoutedDelivery:
    files = FileDelivery(folder)
    if not report_url and not project_url:
        return files
    routes = {
        "national_report": HttpDelivery(report_url, token, timeout) if report_url else files,
        "project_decision": HttpDelivery(project_url, token, timeout) if project_url else files,
    }
    return RoutedDelivery(routes)
