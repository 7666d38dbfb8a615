"""The wheel a user installs: built from the tree, installed into a fresh venv, it runs.

Slow (a build and a pip install from the package index), so in the engine set.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ROUTINE = """\
title: Wheel check
defaults: {engine: espeak-ng, verbosity: minimal}
blocks:
  - name: Main
    exercises:
      - {name: Squat, sets: 1, reps: 2, tempo: 1-0-1-0}
"""


@pytest.mark.engine
def test_the_wheel_installs_into_a_clean_venv_and_renders(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("audiocoach-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)  # no system site-packages: only what the wheel asks for
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    exe = env_dir / "bin" / "audiocoach"
    shown = subprocess.run([str(exe), "--help"], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert "Usage: audiocoach" in shown.stdout
    routine = tmp_path / "wheel.yaml"
    routine.write_text(ROUTINE)
    out = tmp_path / "wheel.wav"
    subprocess.run(
        [str(exe), "build", str(routine), "-o", str(out), "--engine", "espeak-ng"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.read_bytes()[:4] == b"RIFF"
    # The data files ride in the wheel: the phrasebook is read from the installed package.
    where = subprocess.run(
        [str(py), "-c", "import audiocoach, pathlib; print(pathlib.Path(audiocoach.__file__).parent)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    installed = Path(where.stdout.strip())
    assert installed.is_relative_to(env_dir) and (installed / "data" / "phrases.yaml").is_file()
