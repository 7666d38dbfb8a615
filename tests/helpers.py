"""Test helpers: small routine text, decoding audio with ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np


def decode(path: Path, rate: int = 22050) -> np.ndarray:
    """Decode any audio file ffmpeg reads to mono int16 at ``rate``."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype="<i2")


SHORT_ROUTINE = """\
title: Short test
defaults:
  rest: 16s
  rest_after: 16s
blocks:
  - name: Test
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 2
      - exercise: glute-bridge-hold
        hold: 12s
"""
