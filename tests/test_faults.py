"""Faults while writing a build's outputs: killed builds, read-only folders, full disks, races.

The export tests feed real ffmpeg a synthetic tone (no speech engine needed); the engine
tests run the real ``audiocoach build`` and stop it with SIGKILL and SIGTERM. After every
fault the output folder holds either the previous complete build or nothing: never a
``.part`` file, never audio without its sidecars.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.errors import OutputError
from audiocoach.export.encode import export_audio
from audiocoach.export.outputs import OutputSet
from audiocoach.export.tags import Tags

RATE = 22050
SRC = str(Path(__file__).resolve().parent.parent / "src")
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is missing")


def _chunks(seconds: float = 1.0, freq: float = 440.0):
    t = np.arange(int(RATE * seconds)) / RATE
    yield (np.sin(2 * np.pi * freq * t) * 8000).astype(np.int16)


def _build(out: Path, label: str) -> Path:
    return export_audio(
        _chunks(),
        out,
        rate=RATE,
        tags=Tags(title=label),
        sidecars={
            out.with_suffix(".json"): json.dumps({"build": label}),
            out.with_suffix(".vtt"): f"WEBVTT\n\nNOTE {label}\n",
        },
    )


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _title(mp3: Path) -> str:
    from mutagen.id3 import ID3

    return str(ID3(mp3)["TIT2"])


# --------------------------------------------------------------------------- read-only, full disk


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def readonly_dir(tmp_path, monkeypatch):
    """A read-only folder: a read-only tmpfs for root, mode 0555 otherwise.

    Where root may not mount (a container), creating a file raises EROFS, as it would there.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if _mount_tmpfs(folder, "ro,size=1m"):
        yield folder
        _umount(folder)
        return
    import tempfile

    real = tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    yield folder


@needs_ffmpeg
def test_read_only_folder_is_a_clean_error_and_writes_nothing(readonly_dir):
    with pytest.raises(OutputError) as err:
        _build(readonly_dir / "x.mp3", "A")
    assert str(err.value).startswith(f"cannot write {readonly_dir / 'x.mp3'}: ")
    assert "Nothing was written." in str(err.value)
    assert _names(readonly_dir) == []


@needs_ffmpeg
def test_read_only_folder_from_the_cli_exits_1_without_a_traceback(readonly_dir, monkeypatch):
    monkeypatch.setattr("audiocoach.cli.build", lambda *a, **k: _build(readonly_dir / "x.mp3", "A"))
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(Path(__file__).parent.parent / "routines" / "tabata-swings.yaml"),
            "-o",
            str(readonly_dir / "x.mp3"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: cannot write {readonly_dir / 'x.mp3'}: ")
    assert "Traceback" not in result.output
    assert _names(readonly_dir) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB file system: a tmpfs where root may mount one, else None."""
    folder = tmp_path / "small"
    folder.mkdir()
    if not _mount_tmpfs(folder, "size=64k"):
        yield None
        return
    yield folder
    _umount(folder)


class _FullFile:
    """A file on a full disk: opening works, writing fails with ENOSPC."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def writelines(self, lines):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@needs_ffmpeg
def test_full_disk_is_a_clean_error_and_leaves_nothing(small_disk, tmp_path, monkeypatch):
    if small_disk is not None:  # a real 64 KiB file system: ffmpeg runs out of space
        folder = small_disk
        with pytest.raises(OutputError) as err:
            export_audio(_chunks(seconds=30), folder / "x.mp3", rate=RATE, tags=Tags(title="A"))
    else:  # no tmpfs here: the sidecar's write fails as it would on a full disk
        import audiocoach.export.outputs

        folder = tmp_path / "out"
        monkeypatch.setattr(audiocoach.export.outputs, "open", _FullFile, raising=False)
        with pytest.raises(OutputError) as err:
            _build(folder / "x.mp3", "A")
    assert "No space left on device; the disk is full" in str(err.value)
    assert str(err.value).endswith("Nothing was written.")
    assert _names(folder) == []


@needs_ffmpeg
def test_full_disk_while_writing_the_sidecars_keeps_the_previous_build_whole(tmp_path, monkeypatch):
    out = tmp_path / "x.mp3"
    _build(out, "first")
    before = {n: (tmp_path / n).read_bytes() for n in _names(tmp_path)}
    real = OutputSet.write_text

    def full_on_vtt(self, final, text):
        if str(final).endswith(".vtt"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(final))
        return real(self, final, text)

    monkeypatch.setattr(OutputSet, "write_text", full_on_vtt)
    with pytest.raises(OutputError, match="No space left on device; the disk is full"):
        _build(out, "second")
    assert {n: (tmp_path / n).read_bytes() for n in _names(tmp_path)} == before
    assert _title(out) == "first"


# --------------------------------------------------------------------------- killed builds

_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    sys.path.insert(0, {src!r})
    from pathlib import Path
    from audiocoach.export.encode import Tags, export_audio

    def chunks():
        for _ in range(600):  # a minute of tone, a chunk every 0.1 s: killed long before the end
            time.sleep(0.1)
            yield np.zeros(2205, dtype=np.int16)

    out = Path(sys.argv[1])
    export_audio(chunks(), out, rate=22050, tags=Tags(title="slow"), sidecars={{out.with_suffix(".json"): "{{}}"}})
""")


def _wait_for_part(folder: Path, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        parts = [n for n in _names(folder) if n.endswith(".part")]
        if parts:
            return parts
        time.sleep(0.05)
    return []


@needs_ffmpeg
def test_killed_build_leaves_parts_that_the_next_build_removes(tmp_path):
    out = tmp_path / "x.mp3"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BUILD.format(src=SRC), str(out)])
    try:
        parts = _wait_for_part(tmp_path)
        assert parts, "the build never started writing"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    time.sleep(0.2)  # ffmpeg, orphaned, notices its closed stdin and exits
    assert [n for n in _names(tmp_path) if n.endswith(".part")], "kill -9 cannot clean up: a temporary file is expected"
    _build(out, "next")
    assert _names(tmp_path) == ["x.json", "x.mp3", "x.vtt"]


def test_a_running_builds_temporary_file_is_not_taken_for_a_stale_one(tmp_path):
    with OutputSet(tmp_path / "x.mp3") as first:
        held = first.temp(tmp_path / "x.mp3")
        with OutputSet(tmp_path / "x.mp3") as second:
            second.temp(tmp_path / "x.mp3")  # cleans stale files: must not touch the held one
        assert held.exists()
    assert not held.exists()


# --------------------------------------------------------------------------- concurrent builds

_RACER = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, {src!r})
    import numpy as np
    from pathlib import Path
    from audiocoach.export.encode import Tags, export_audio

    real_replace = os.replace

    def slow_replace(a, b):  # widen the window between the renames of one build
        real_replace(a, b)
        time.sleep(0.05)

    os.replace = slow_replace
    label, out = sys.argv[1], Path(sys.argv[2])
    start = float(sys.argv[3])
    time.sleep(max(0.0, start - time.time()))
    export_audio([np.zeros(22050, dtype=np.int16)], out, rate=22050, tags=Tags(title=label),
                 sidecars={{out.with_suffix(".json"): json.dumps({{"build": label}}), out.with_suffix(".vtt"): "WEBVTT\\n\\nNOTE " + label + "\\n"}})
""")


@needs_ffmpeg
def test_two_concurrent_builds_to_one_output_leave_one_whole_build(tmp_path):
    out = tmp_path / "x.mp3"
    script = _RACER.format(src=SRC)
    for round_no in range(3):
        start = time.time() + 1.0
        procs = [subprocess.Popen([sys.executable, "-c", script, label, str(out), str(start)]) for label in ("A", "B")]
        assert [p.wait(timeout=60) for p in procs] == [0, 0]
        winner = _title(out)
        assert winner in ("A", "B")
        assert json.loads(out.with_suffix(".json").read_text()) == {"build": winner}, f"round {round_no}"
        assert out.with_suffix(".vtt").read_text().endswith(f"NOTE {winner}\n")
        assert _names(tmp_path) == ["x.json", "x.mp3", "x.vtt"]


# --------------------------------------------------------------------------- the real command

ROUTINES = Path(__file__).resolve().parent.parent / "routines"


def _start_build(out: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "AUDIOCOACH_CACHE": str(cache), "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "build", str(ROUTINES / "posterior-chain.yaml"), "-o", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.engine
def test_sigterm_stops_a_build_like_ctrl_c(tmp_path, phrase_cache):
    out = tmp_path / "x.mp3"
    proc = _start_build(out, phrase_cache)
    try:
        assert _wait_for_part(tmp_path, timeout=240), "the build never started writing"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stderr.strip().endswith("Interrupted: nothing half-written was kept.")
    assert "Traceback" not in stderr
    assert _names(tmp_path) == []


@pytest.mark.engine
def test_kill_9_mid_build_then_the_next_build_leaves_no_stray_file(tmp_path, phrase_cache):
    out = tmp_path / "x.mp3"
    proc = _start_build(out, phrase_cache)
    try:
        assert _wait_for_part(tmp_path, timeout=240), "the build never started writing"
        proc.kill()
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    time.sleep(0.5)  # the orphaned ffmpeg sees its stdin close and exits
    assert [n for n in _names(tmp_path) if n.endswith(".part")]
    result = CliRunner().invoke(
        cli,
        ["build", str(ROUTINES / "tabata-swings.yaml"), "-o", str(out)],
        env={"AUDIOCOACH_CACHE": str(phrase_cache)},
    )
    assert result.exit_code == 0, result.output
    assert _names(tmp_path) == ["x.json", "x.mp3", "x.plan.json", "x.vtt"]
