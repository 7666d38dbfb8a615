#!/usr/bin/env bash
# Run the whole test suite. Installs what is missing first (espeak-ng, ffmpeg, Chromium
# for the page test, a .venv with the dev dependencies); safe to run again. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_system_deps
ensure_test_browser
ensure_venv dev
# The house's checks first (STYLE.md): the docs (site built with no warning, every link
# resolving), lint, format, types, the layer contracts.
.venv/bin/python scripts/check_docs.py
.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest -q "$@"
