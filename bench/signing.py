"""The cost of the bureau's PAdES signature per issued PDF: the 批复 rendered once, then signed
``--runs`` times with the key loaded once (as a worker does); the baseline is the render itself.

    .venv/bin/python bench/signing.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from core.settings import Settings
from documents.render import DocumentTemplate, render_pdf
from documents.signing import bureau_signer
from tests.unit.test_documents import context


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    approval = context(DocumentTemplate.APPROVAL)  # the unit tests' full 批复 context
    with tempfile.TemporaryDirectory() as var:
        started = time.perf_counter()
        signer = bureau_signer(Settings(var_dir=Path(var)))
        load_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        pdf = render_pdf("approval", approval)
        render_ms = (time.perf_counter() - started) * 1000
        signer.sign(pdf)  # warm-up
        samples, checks = [], []
        for _ in range(runs):
            started = time.perf_counter()
            signed = signer.sign(pdf)
            samples.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            assert signer.check(signed).valid
            checks.append((time.perf_counter() - started) * 1000)
    sign_ms = statistics.median(samples)
    print(
        f"key + CA load (first start makes the CA): {load_ms:.0f} ms; render {render_ms:.0f} ms, "
        f"{len(pdf) / 1024:.0f} KB; sign median {sign_ms:.1f} ms (p90 "
        f"{statistics.quantiles(samples, n=10)[-1]:.1f} ms) over {runs} runs = "
        f"{sign_ms / render_ms:.1%} of the render; +{len(signed) - len(pdf)} bytes; "
        f"verify median {statistics.median(checks):.1f} ms"
    )


if __name__ == "__main__":
    main()
