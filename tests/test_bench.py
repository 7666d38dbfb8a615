"""scripts/bench.py --quick runs end to end and prints every row (no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ROWS = (
    "ffmpeg encode alone (floor)",
    "build, cold cache, auto (hibari)",  # the default engine, named
    "build, warm cache, auto (hibari)",
    # Side by side in the same run: Festival's row is there, with figures where it is installed
    # (the README does not install it, so a fresh machine says "not installed").
    "build, cold cache, festival",
    "build, cold cache, pyttsx3",
    "build, warm cache, pyttsx3",
    "synthesis, phrases/s, pyttsx3",
    "synthesis, phrases/s, hibari",
    "naive pydub overlay per cue",
    "build with music, warm cache",
    "synthesis, phrases/s",
    "peak memory, process tree",
    "peak memory with music",
    "--jobs 1",
    "--jobs 2",
    "batch, no-change rebuild",
)


@pytest.mark.engine
def test_quick_bench_prints_the_whole_table(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, AUDIOCOACH_CACHE=str(tmp_path / "unused-cache"))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    table = [line for line in proc.stdout.splitlines() if line.startswith("|")]
    for row in ROWS:
        assert any(row in line for line in table), f"row {row!r} missing:\n{proc.stdout}"
    verdicts = [line for line in proc.stdout.splitlines() if line[:5] in ("PASS ", "FAIL ", "n/a  ")]
    assert len(verdicts) >= 5
    assert any(
        v.startswith(("PASS tiny warm build (auto) <= 0.8x", "FAIL tiny warm build (auto) <= 0.8x")) for v in verdicts
    )
    assert any(
        v.startswith(("PASS tiny cold build (auto) <= 1.4x", "FAIL tiny cold build (auto) <= 1.4x")) for v in verdicts
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["rows"]) == len(table) - 2
    assert {b["name"] for b in data["budgets"]} == {v.split(":")[0][5:] for v in verdicts}
    assert not (tmp_path / "unused-cache").exists()
