#!/usr/bin/env bash
# Install what is missing: Debian packages (as root), the venv in .venv/, the Python packages.
# Idempotent and quick when everything is there. Usage: scripts/bootstrap.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils)
# libharfbuzz-subset0: without it WeasyPrint silently falls back to fontTools (~10 s per page).
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium)
  command -v npm >/dev/null || packages+=(nodejs npm)  # the tests' OpenID provider runs on node
fi
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
  echo "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The local Prefect server's database, migrated once per Prefect version: `eia up` copies it
# into a fresh data dir instead of running Prefect's migrations at its first start.
if ! .venv/bin/python -c 'import sys; from cli.prefect_database import template_path
sys.exit(not template_path().exists())'; then
  echo "migrating an empty Prefect database once (eia prefect-template)"
  .venv/bin/eia prefect-template >/dev/null
fi
# Ours too, once per set of migrations: a fresh SQLite database is a copy of it (`eia up`).
if ! .venv/bin/python -c 'import sys; from migrations.template import template_path
sys.exit(not template_path().exists())'; then
  echo "migrating an empty database once (eia db-template)"
  .venv/bin/eia db-template >/dev/null
fi

# The tests' OpenID provider (tests/oidc): installed once here, before the test workers start,
# so no two of them install it at once.
if [[ "${1:-}" == "--test" && ! -f tests/oidc/node_modules/.installed ]]; then
  echo "installing the tests' OpenID provider (npm ci in tests/oidc)"
  (cd tests/oidc && npm ci --no-audit --no-fund --silent && touch node_modules/.installed)
fi
