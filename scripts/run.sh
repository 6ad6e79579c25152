#!/usr/bin/env bash
# Set up what is missing and start the service on its embedded defaults (eia up).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/eia up "$@"
