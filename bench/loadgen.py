"""A small HTTP/1.1 load generator: ``connections`` keep-alive connections on one asyncio loop,
each sending the same prebuilt request back to back for ``seconds``. Cheap per request (no
HTTP library on the client side), so on a 2-core machine it takes less CPU from the server
than httpx would; the same client runs against both sides of a comparison."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.rate:7.1f} req/s  p50 {self.pct(0.5) * 1000:6.1f} ms"
            f"  p99 {self.pct(0.99) * 1000:6.1f} ms  statuses {self.statuses}"
        )


def request_bytes(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    return parts.hostname or "127.0.0.1", parts.port or 80, raw


async def _one(
    host: str, port: int, raw: bytes, until: float, warm_until: float, result: Result
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (now := time.perf_counter()) < until:
            writer.write(raw)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, chunked = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value:
                    chunked = True
            if chunked:
                while size := int((await reader.readline()).strip(), 16):
                    await reader.readexactly(size + 2)
                await reader.readline()
            else:
                await reader.readexactly(length)
            if now >= warm_until:
                result.latencies.append(time.perf_counter() - now)
                result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


def run(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    connections: int = 16,
    seconds: float = 10.0,
    warmup: float = 2.0,
) -> Result:
    host, port, raw = request_bytes(url, method, headers, body)
    result = Result()

    async def main() -> None:
        start = time.perf_counter()
        warm_until, until = start + warmup, start + warmup + seconds
        await asyncio.gather(
            *(_one(host, port, raw, until, warm_until, result) for _ in range(connections))
        )

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started - warmup
    return result
