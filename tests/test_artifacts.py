"""A build writes exactly the files :class:`audiocoach.export.artifacts.Artifacts` names, and
every reader finds them there (one place for the sidecar names, issue 30 point 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audiocoach.export.artifacts import Artifacts
from helpers import need_engine

ROOT = Path(__file__).resolve().parent.parent


def test_the_names_beside_an_audio_file():
    files = Artifacts(Path("out/week-01/1-monday.mp3"))
    assert files.timeline == Path("out/week-01/1-monday.json")
    assert files.cues == Path("out/week-01/1-monday.vtt")
    assert files.plan == Path("out/week-01/1-monday.plan.json")
    assert files.chapters == Path("out/week-01/1-monday.chapters.json")


@pytest.mark.engine
def test_a_build_writes_the_audio_and_exactly_its_named_sidecars(tmp_path):
    need_engine("espeak-ng")
    out = tmp_path / "out" / "tabata.mp3"
    env = {**os.environ, "AUDIOCOACH_CACHE": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "audiocoach", "build", str(ROOT / "routines" / "tabata-swings.yaml")]
    done = subprocess.run([*cmd, "--engine", "espeak-ng", "-o", str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    files = Artifacts(out)
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        p.name for p in (out, files.timeline, files.cues, files.plan)
    )
