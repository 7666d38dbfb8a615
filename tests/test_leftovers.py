"""No leftovers: temporary folders and engine/worker processes end with the build, on
success and when the build is killed (SIGTERM or kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audiocoach import load_routine
from audiocoach.render import RenderOptions, plan, synthesizer_for
from helpers import engine_params, need_engine

pytestmark = pytest.mark.engine


def _many_notes(n: int) -> str:
    lines = ["title: Many notes", "defaults:", "  rest: 60s", "  rest_after: 60s", "blocks:", "  - name: Notes"]
    lines.append("    exercises:")
    for i in range(n):
        lines += [
            "      - exercise: romanian-deadlift",
            "        sets: 1",
            "        reps: 1",
            f"        note: Note number {i + 1}, keep the bar close and the back long",
        ]
    return "\n".join(lines) + "\n"


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (walking /proc by parent pid)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("engine", engine_params(("espeak-ng", "pyttsx3", "hibari", "festival")))
def test_a_cold_pooled_plan_leaves_no_temporary_folder(tmp_path, monkeypatch, engine):
    import tempfile

    need_engine(engine)

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    src = tmp_path / "notes.yaml"
    src.write_text(_many_notes(6), encoding="utf-8")
    routine = load_routine(src)
    with synthesizer_for(routine, RenderOptions(engine=engine, cache_dir=str(tmp_path / "cache"))) as synth:
        plan(routine, synth, workers=2)
        assert synth.synthesized >= 8  # the pool ran
    assert sorted(os.listdir(scratch)) == []


@pytest.mark.parametrize("engine", engine_params(("pyttsx3", "festival")))  # engines that keep a child process
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_engines_and_workers_die_with_a_killed_build(tmp_path, sig, engine):
    need_engine(engine)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    src = tmp_path / "notes.yaml"
    src.write_text(_many_notes(40), encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(scratch), "AUDIOCOACH_CACHE": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "audiocoach", "build", str(src), "-o", str(tmp_path / "out.mp3")]
    log = open(tmp_path / "stderr.txt", "wb")  # noqa: SIM115  (a file: a full pipe would stall the build)
    build = subprocess.Popen([*cmd, "--engine", engine], env=env, stdout=subprocess.DEVNULL, stderr=log)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        # Wait for the pool: two workers, each with its engine's process.
        while time.monotonic() < deadline and build.poll() is None:
            now = descendants(build.pid)
            seen |= now
            if len(now) >= 4:
                break
            time.sleep(0.2)
        if len(seen) < 4:
            build.kill()
            build.wait()
            pytest.fail(
                f"the pool never started ({len(seen)} children, exit {build.returncode}): {(tmp_path / 'stderr.txt').read_text()[-2000:]}"
            )
        time.sleep(0.5)
        seen |= descendants(build.pid)
        build.send_signal(sig)
        build.wait(30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in seen):
            time.sleep(0.2)
        survivors = [p for p in seen if alive(p)]
        assert survivors == [], f"still running 10 s after the build died: {survivors}"
        assert sorted(os.listdir(scratch)) == []
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in descendants(build.pid) | seen:  # never leave a survivor to the next test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()


def _files_below(folder: Path) -> list[str]:
    """Every entry below ``folder``, files and folders, hidden ones too, as relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("engine", engine_params(("hibari", "espeak-ng", "pyttsx3", "piper", "festival")))
def test_a_build_writes_nothing_to_tmpdir_or_the_user_cache(tmp_path, engine):
    """A whole build in its own process, as a user runs it: nothing left in ``$TMPDIR`` or
    ``$XDG_CACHE_HOME``, files included (onnxruntime, which hibari and Piper load, wrote
    ``$TMPDIR/.ses`` and a telemetry database in the user's cache at import; espeak-ng's
    sound-server probe made ``$TMPDIR/pulse-*`` whenever its link in the user's config was
    missing or stale, as it is in a fresh config folder)."""
    need_engine(engine)
    scratch, user_cache = tmp_path / "tmp", tmp_path / "xdg-cache"
    scratch.mkdir()
    user_cache.mkdir()
    src = tmp_path / "notes.yaml"
    src.write_text(_many_notes(2), encoding="utf-8")
    env = {
        **os.environ,
        "TMPDIR": str(scratch),
        "XDG_CACHE_HOME": str(user_cache),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "AUDIOCOACH_CACHE": str(tmp_path / "cache"),
    }
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the tool must switch it off itself
    cmd = [sys.executable, "-m", "audiocoach", "build", str(src), "--engine", engine, "-o", str(tmp_path / "out.mp3")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.mp3").stat().st_size > 0
    assert _files_below(scratch) == []
    assert _files_below(user_cache) == []
