"""scripts/bench.py --quick runs end to end, prints every row, and its figures and verdicts agree
(no machine speed is asserted: that is the bench's job, not a test's)."""

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
    "peak memory, cold build (process tree)",
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
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["rows"]) == len(table) - 2
    assert {b["name"] for b in data["budgets"]} == {v.split(":")[0][5:] for v in verdicts}
    assert not (tmp_path / "unused-cache").exists()
    _figures_agree(data)


def _figures_agree(data: dict) -> None:
    """The figures are measured (positive), each ratio is its time over the floor, and every
    verdict says what its figures say: the bench's arithmetic, not the machine's speed."""
    rows = {r["label"]: r for r in data["rows"]}
    tiny = "tiny (2 min): "
    floor = rows[tiny + "ffmpeg encode alone (floor)"]["value"]
    assert floor > 0
    for label, r in rows.items():
        if r["value"] is None:
            assert r["note"], label  # a row without a figure says why ("not installed")
            continue
        assert r["value"] > 0, label
        if label.startswith(tiny) and r["unit"] == "s" and r["ratio_to_floor"] is not None:
            assert r["ratio_to_floor"] == pytest.approx(r["value"] / floor, rel=1e-9), label

    def ratio(label: str) -> float:
        return rows[tiny + label]["ratio_to_floor"]

    def mb(label: str) -> float:
        return rows[tiny + label]["value"]

    expected = {
        "tiny warm build (auto) <= 0.8x floor": ratio("build, warm cache, auto (hibari)") <= 0.8,
        "tiny cold build (auto) <= 1.3x floor": ratio("build, cold cache, auto (hibari)") <= 1.3,
        "tiny peak memory, cold build (auto) <= 200 MB": mb("peak memory, cold build (process tree)") <= 200,
        "tiny peak memory <= 120 MB": mb("peak memory, process tree") <= 120,
        "tiny peak memory with music <= 120 MB": mb("peak memory with music") <= 120,
        "batch --jobs 2 >= 1.7x faster than --jobs 1": rows["batch of 4 sessions (8 min), --jobs 1"]["value"]
        / rows["batch of 4 sessions (8 min), --jobs 2"]["value"]
        >= 1.7,
        "no-change rebuild < 2 s": rows["batch, no-change rebuild"]["value"] < 2,
        "compile of 200 items < 0.5 s": rows["compile, 200 items (estimate, advice on every rest)"]["value"] < 0.5,
    }
    verdicts = {b["name"]: b["pass"] for b in data["budgets"]}
    assert verdicts == expected
