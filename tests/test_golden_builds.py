"""Every shipped routine builds to the same bytes as recorded: the MP3, its cue sheet (.vtt),
the timeline (.json) and the plan (.plan.json), with espeak-ng (the voice named: the engine the
README installs that is fastest to synthesize) and the machine's ffmpeg.

This is the golden of a change meant to move code and not behaviour (issue 30: "byte-identical
MP3s and cue sheets for every shipped routine before and after"). After a deliberate change to
what a build writes, regenerate and read why each hash moved:

    AUDIOCOACH_REGEN_BUILDS=1 .venv/bin/python -m pytest tests/test_golden_builds.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import need_engine

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "golden" / "builds.json"
ENGINE = "espeak-ng"
SUFFIXES = (".mp3", ".vtt", ".json", ".plan.json")
ROUTINES = sorted(p for p in (ROOT / "routines").glob("*.yaml") if "blocks:" in p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def phrase_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("golden-cache")


def built_hashes(routine: Path, out: Path, cache: Path) -> dict[str, str]:
    """Build ``routine`` as a user would (the CLI, its own process); the sha256 of each file written."""
    env = {**os.environ, "AUDIOCOACH_CACHE": str(cache)}
    mp3 = out / f"{routine.stem}.mp3"
    # Named from the checkout's root, as the README does: the timeline records its source as
    # given, so an absolute path would tie the recorded bytes to where the checkout lives.
    shown = routine.relative_to(ROOT).as_posix()
    cmd = [sys.executable, "-m", "audiocoach", "build", shown, "--engine", ENGINE, "-o", str(mp3)]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {s: hashlib.sha256((out / f"{routine.stem}{s}").read_bytes()).hexdigest() for s in SUFFIXES}


@pytest.mark.parametrize("routine", ROUTINES, ids=lambda p: p.stem)
def test_a_shipped_routine_builds_to_its_recorded_bytes(routine, tmp_path, phrase_cache):
    need_engine(ENGINE)
    got = built_hashes(routine, tmp_path, phrase_cache)
    recorded = json.loads(RECORDED.read_text(encoding="utf-8")) if RECORDED.exists() else {}
    if os.environ.get("AUDIOCOACH_REGEN_BUILDS") == "1":
        recorded[routine.stem] = got
        RECORDED.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert routine.stem in recorded, f"no recorded build for {routine.name}: regenerate (see the module docstring)"
    changed = [s for s in SUFFIXES if got[s] != recorded[routine.stem][s]]
    assert changed == [], f"{routine.name}: these files changed: {', '.join(changed)}"


def test_every_recorded_build_is_a_shipped_routine():
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert sorted(recorded) == sorted(p.stem for p in ROUTINES)
