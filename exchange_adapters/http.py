"""Production: configured HTTP endpoints (JSON), authenticated with a bearer token.

Deliveries are ``POST {url}`` with the message as JSON and an ``Idempotency-Key`` header (the
message key); any 2xx is a delivery, its body's ``receipt`` (or the status) the receipt; any
other answer or a network error raises, and the relay retries later. Look-ups are
``GET {url}/projects/{code}``: 200 with the project as JSON, 404 for none."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx


class HttpDelivery:
    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def deliver(self, kind: str, key: str, payload: dict[str, Any]) -> str:
        headers = {"Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = httpx.post(
            self.url, json={"key": key, "kind": kind, **payload}, headers=headers,
            timeout=self.timeout,
        )  # fmt: skip
        if not response.is_success:
            raise OSError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        receipt = body.get("receipt") if isinstance(body, dict) else None
        return str(receipt or f"HTTP {response.status_code}")


class RoutedDelivery:
    """One delivery per message kind."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes

    def deliver(self, kind: str, key: str, payload: dict[str, Any]) -> str:
        result: str = self.routes[kind].deliver(kind, key, payload)
        return result


class HttpProjectRegistry:
    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def lookup(self, code: str) -> dict[str, str] | None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.get(
                f"{self.url}/projects/{quote(code)}", headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise OSError(str(exc)) from exc
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise OSError(f"HTTP {response.status_code}")
        body = response.json()
        return {k: str(v) for k, v in body.items()} if isinstance(body, dict) else None
