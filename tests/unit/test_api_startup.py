"""What an API process loads at start: the PDF renderer and the signature library only when a
request needs them (each uvicorn process pays its imports at start and in memory)."""

from __future__ import annotations

import subprocess
import sys

from core.settings import PROJECT_ROOT


def test_the_api_starts_without_weasyprint_or_pyhanko() -> None:
    probe = "import sys, api.app; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "'fastapi'" in loaded  # the probe did import the app
    assert "'weasyprint'" not in loaded and "'pyhanko'" not in loaded, loaded
