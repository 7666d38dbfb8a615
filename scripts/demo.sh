#!/usr/bin/env bash
# Render the shipped posterior-chain routine to output/posterior-chain.mp3.
# Installs what is missing first (espeak-ng, ffmpeg, a .venv with the default voice, hibari); safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_system_deps
ensure_venv ""
mkdir -p output
.venv/bin/audiocoach build routines/posterior-chain.yaml -o output/posterior-chain.mp3 "$@"
