"""The embedded default: deliveries written as JSON files (one per message key, a repeat
overwrites the same file), known projects read from a CSV (code,name,builder,region)."""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]")


class FileDelivery:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def deliver(self, kind: str, key: str, payload: dict[str, Any]) -> str:
        target = self.folder / "outbox" / kind / f"{_UNSAFE.sub('_', key)}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"key": key, "kind": kind, **payload}, ensure_ascii=False, indent=2)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
        return f"file:{target.relative_to(self.folder)}"


class FileProjectRegistry:
    """Known projects from a CSV exported from the investment platform (re-read when it
    changes); a missing file knows no project."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._stamp: float | None = None
        self._projects: dict[str, dict[str, str]] = {}

    def lookup(self, code: str) -> dict[str, str] | None:
        if not self.path.exists():
            return None
        stamp = self.path.stat().st_mtime
        if stamp != self._stamp:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                self._projects = {row["code"].strip(): row for row in csv.DictReader(handle)}
            self._stamp = stamp
        return self._projects.get(code)
