"""Documents render with one font configuration per thread, kept: rendering again maps no
font file again (before, each document built its own configuration and mapped the CJK fonts
anew until the garbage collector freed it: a worker's RSS swung between 0.4 and 1.0 GB)."""

from __future__ import annotations

import threading
from pathlib import Path

from documents import render
from documents.render import DocumentTemplate, render_pdf
from tests.unit.test_documents import context


def _font_mappings() -> int:
    maps = Path("/proc/self/maps")
    if not maps.exists():  # not Linux: nothing to count
        return 0
    return sum(1 for line in maps.read_text().splitlines() if line.endswith((".ttc", ".otf")))


def test_rendering_again_reuses_the_threads_font_configuration_and_maps_no_font_again() -> None:
    approval = context(DocumentTemplate.APPROVAL)
    first = render_pdf("approval", approval)
    config, mapped = render._font_config(), _font_mappings()
    again = [render_pdf("approval", approval) for _ in range(2)]
    assert render._font_config() is config
    assert _font_mappings() <= mapped  # none added (others may be freed meanwhile)
    assert again == [first, first]  # deterministic bytes still


def test_each_thread_has_its_own_font_configuration() -> None:
    seen = []
    thread = threading.Thread(target=lambda: seen.append(render._font_config()))
    thread.start()
    thread.join()
    assert seen and seen[0] is not render._font_config()
