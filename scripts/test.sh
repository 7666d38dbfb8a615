#!/usr/bin/env bash
# Run the whole test suite. Installs what is missing first (espeak-ng, ffmpeg, Chromium
# for the page test, a .venv with the dev dependencies); safe to run again. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_system_deps
ensure_test_browser
ensure_venv dev
exec .venv/bin/python -m pytest -q "$@"
