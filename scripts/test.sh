#!/usr/bin/env bash
# Set up what is missing and run every check: ruff, import contracts, the type check (mypy),
# the whole pytest suite.
# The tests start their own S3 (weed mini), SMTP (aiosmtpd) and Prefect servers; PostgreSQL
# must be running on 127.0.0.1:5432 with trust auth (or EIA_TEST_PG_URL set) — else they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy  # the packages listed in [tool.mypy] files (pyproject.toml)
# Two workers (the machines have 2 cores); a file stays on one worker (module fixtures).
exec .venv/bin/python -m pytest -n 2 --dist loadfile --durations=30 "$@"
