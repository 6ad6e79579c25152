"""Copies of SQLite database files (the migrated templates a fresh start copies)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, renamed into place (never half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # read-only: a missing source is an error, not a new empty database copied as a template
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
        partial.replace(target)
    finally:
        src.close()
        partial.unlink(missing_ok=True)
