"""PDF render time of the approval (批复) and the acceptance notice, with the fonts actually
installed; the baseline is rendering the same HTML once more after a warm-up (first-render
cost vs steady state).

    .venv/bin/python bench/render.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from decimal import Decimal

from documents.render import render_pdf

COMMON = {
    "issuer": "郑州市生态环境局",
    "number": "郑环审〔2026〕12号",
    "title": "关于《郑州绿源精密机械年产5000台数控机床建设项目环境影响报告书》的批复",
    "addressee": "郑州绿源精密机械有限公司",
    "issued_on": date(2026, 11, 28),
    "verify_url": "http://127.0.0.1:8000/verify/ABCDEFGH2345",
    "verify_code": "ABCDEFGH2345",
    "cc": ["郑州经济技术开发区生态环境分局", "郑州市生态环境综合行政执法支队"],
    "printed_by": "郑州市生态环境局办公室",
    "application": {
        "number": "410100-EIA01-20261128-0001", "item_code": "EIA-01",
        "item_name": "建设项目环境影响报告书审批（非核与辐射类）",
        "project_name": "郑州绿源精密机械年产5000台数控机床建设项目",
        "site": "郑州经济技术开发区第九大街88号", "district": "郑州经济技术开发区",
        "industry_code": "3421", "total_investment": Decimal("12000"),
        "env_investment": Decimal("360"), "consultant": "河南中环评价咨询有限公司",
        "applicant_name": "郑州绿源精密机械有限公司", "applicant_uscc": "91410100MA9FXXK209",
        "received_on": date(2026, 11, 2), "accepted_on": date(2026, 11, 3),
    },
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    approval = COMMON | {
        "conditions": [f"第{i}项要求：落实各项污染防治措施。" for i in range(1, 4)],
        "supervisor": "郑州市生态环境综合行政执法支队",
    }
    started = time.perf_counter()
    first = render_pdf("approval", approval)
    first_seconds = time.perf_counter() - started
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = render_pdf("approval", approval)
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(
        f"approval: first render {first_seconds:.3f} s, then median {median:.3f} s over {runs} "
        f"runs (first/steady ×{first_seconds / median:.1f}); {len(pdf) / 1024:.0f} KB; "
        f"deterministic bytes: {pdf == first}"
    )


if __name__ == "__main__":
    main()
