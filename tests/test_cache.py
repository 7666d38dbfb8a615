"""The phrase cache cannot lie: every corrupt kind is caught, warned about and made again;
a cache that cannot be written (read-only, full disk) degrades to building uncached."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from audiocoach.speech import cache as cache_mod
from audiocoach.speech.cache import HEADER_SIZE, MAGIC, PhraseCache, pack_entry
from helpers import SHORT_ROUTINE

SAMPLES = (np.sin(np.arange(4000) / 7) * 12000).astype(np.int16)


def _stored(tmp_path: Path) -> tuple[PhraseCache, str, Path]:
    cache = PhraseCache(tmp_path / "cache")
    key = cache.key("e", "1", None, 170, 22050, "Romanian deadlift")
    cache.put(key, SAMPLES)
    return cache, key, cache.path(key)


def test_entry_round_trips_with_its_header(tmp_path):
    cache, key, path = _stored(tmp_path)
    assert np.array_equal(cache.get(key), SAMPLES)
    assert path.stat().st_size == HEADER_SIZE + 2 * SAMPLES.size
    assert path.read_bytes()[:4] == MAGIC
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    assert cache.corrupt == 0


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _random(data: bytes) -> bytes:
    return np.random.default_rng(5).integers(0, 256, len(data), dtype=np.uint8).tobytes()


def _fake_header(data: bytes) -> bytes:
    # A real header (of other samples, same length) followed by garbage.
    garbage = _random(data)[HEADER_SIZE:]
    return pack_entry(b"S", bytes(len(garbage)))[:HEADER_SIZE] + garbage


def _short(data: bytes) -> bytes:
    return data[:7]


def _headerless(data: bytes) -> bytes:
    return data[HEADER_SIZE:]  # what layout version 1 wrote: samples only


def _huge_length(data: bytes) -> bytes:
    return data[:8] + (2**62).to_bytes(8, "little") + data[16:]


CORRUPTIONS = [_truncated, _random, _fake_header, _short, _headerless, _huge_length]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_corrupt_entry_is_a_miss_with_a_warning_and_is_removed(tmp_path, caplog, corrupt):
    cache, key, path = _stored(tmp_path)
    path.write_bytes(corrupt(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="audiocoach.speech.cache"):
        assert cache.get(key) is None
    assert f"phrase cache entry {path} is corrupt" in caplog.text
    assert not path.exists() and cache.corrupt == 1
    cache.put(key, SAMPLES)  # made again
    assert np.array_equal(cache.get(key), SAMPLES)


def test_old_layout_entries_are_not_read(tmp_path):
    cache = PhraseCache(tmp_path)
    key = cache.key("e", "1", None, 170, 22050, "hello")
    old = tmp_path / key[:2] / f"{key}.pcm"  # where layout 1 kept its headerless samples
    old.parent.mkdir(parents=True)
    old.write_bytes(SAMPLES.tobytes())
    assert cache.get(key) is None and cache.path(key) != old


def test_analysis_round_trips_and_is_checked(tmp_path, caplog):
    cache = PhraseCache(tmp_path)
    env = np.linspace(0, 1, 33, dtype=np.float32)
    cache.put_analysis("ab12", {"lufs": -20.5}, {"envelope": env, "empty": np.zeros(0)})
    facts, arrays = cache.get_analysis("ab12")
    assert facts == {"lufs": -20.5} and np.array_equal(arrays["envelope"], env) and arrays["empty"].size == 0
    path = cache.path("ab12", ".lvl")
    path.write_bytes(_truncated(path.read_bytes()))
    with caplog.at_level(logging.WARNING):
        assert cache.get_analysis("ab12") is None
    assert "is corrupt" in caplog.text


# --------------------------------------------------------------------------- unwritable


@contextlib.contextmanager
def _mounted(folder: Path, options: str):
    """A small tmpfs at ``folder`` (root only); yields False where it cannot be mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def _full_files_under(folder: Path):
    """os.fdopen whose files under ``folder`` fail to write as on a full disk (where no tmpfs can be mounted)."""
    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, fd: int, *args, **kwargs):
            self._full = Path(os.readlink(f"/proc/self/fd/{fd}")).is_relative_to(folder.resolve())
            self._f = real_fdopen(fd, *args, **kwargs)

        def write(self, data: bytes) -> int:
            if self._full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self._f.write(data)

        def __getattr__(self, name):
            return getattr(self._f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()

    return FullFile


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A cache folder on a full filesystem: a 16 KiB tmpfs, else writes patched to ENOSPC."""
    folder = tmp_path / "full"
    with _mounted(folder, "size=16k") as real:
        if not real:
            monkeypatch.setattr(cache_mod.os, "fdopen", _full_files_under(folder))
        yield folder


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    """A read-only cache folder: a tmpfs mounted read-only, else a folder without write permission."""
    folder = tmp_path / "ro"
    with _mounted(folder, "ro,size=16k") as real:
        if not real:
            folder.chmod(0o500)
            if os.access(folder, os.W_OK):  # root without mount: patch the write instead
                real_mkstemp = cache_mod.tempfile.mkstemp

                def mkstemp(*args, dir=None, **kwargs):
                    if dir is not None and Path(dir).is_relative_to(folder):
                        raise OSError(errno.EROFS, os.strerror(errno.EROFS))
                    return real_mkstemp(*args, dir=dir, **kwargs)

                monkeypatch.setattr(cache_mod.tempfile, "mkstemp", mkstemp)
        yield folder
        if not real:
            folder.chmod(0o700)


@pytest.mark.parametrize("where", ["full_disk", "read_only"])
def test_unwritable_cache_warns_once_and_stores_nothing(request, caplog, where):
    folder = request.getfixturevalue(where)
    cache = PhraseCache(folder)
    big = np.zeros(20_000, dtype=np.int16) + 3  # larger than the 16 KiB filesystem
    with caplog.at_level(logging.WARNING, logger="audiocoach.speech.cache"):
        for n in range(3):
            cache.put(cache.key("e", "1", None, 170, 22050, f"phrase {n}"), big)
    assert not cache.writable
    assert caplog.text.count("cannot be written") == 1
    assert "building without the cache" in caplog.text
    assert not [p for p in folder.rglob("*") if p.is_file()]  # no entry, no temp file


@pytest.mark.engine
@pytest.mark.parametrize("where", ["full_disk", "read_only"])
def test_build_with_an_unwritable_cache_goes_on_uncached(request, tmp_path, caplog, where):
    from audiocoach.render import RenderOptions, build

    folder = request.getfixturevalue(where)
    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="audiocoach.speech.cache"):
        result = build(src, tmp_path / "out.mp3", options=RenderOptions(cache_dir=str(folder), sidecars=False))
    assert result.output.stat().st_size > 1000 and result.synthesized > 5 and result.cache_hits == 0
    assert caplog.text.count("cannot be written") == 1


@pytest.mark.engine
def test_corrupt_clip_is_synthesized_again(tmp_path, caplog):
    from audiocoach.speech import Synthesizer

    folder = tmp_path / "cache"
    with Synthesizer(cache_dir=folder) as synth:
        first = synth.clip("Banded glute bridge")
    (entry,) = folder.rglob("*.pcm")
    entry.write_bytes(_fake_header(entry.read_bytes()))
    with caplog.at_level(logging.WARNING), Synthesizer(cache_dir=folder) as synth:
        again = synth.clip("Banded glute bridge")
        assert synth.synthesized == 1 and synth.cache_hits == 0
    assert "is corrupt (checksum mismatch)" in caplog.text
    assert abs(again.size - first.size) <= 0.02 * first.size and np.abs(again.astype(np.int32)).max() > 1000
    with Synthesizer(cache_dir=folder) as synth:  # and stored whole again
        assert np.array_equal(synth.clip("Banded glute bridge"), again) and synth.cache_hits == 1


def test_readme_quotes_the_cache_warnings_as_printed(tmp_path, caplog):
    from pathlib import Path as P

    readme = (P(__file__).resolve().parent.parent / "docs" / "output.md").read_text(encoding="utf-8")
    cache, key, path = _stored(tmp_path)
    path.write_bytes(_fake_header(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="audiocoach.speech.cache"):
        cache.get(key)
    printed = caplog.records[-1].getMessage()
    assert printed == f"phrase cache entry {path} is corrupt (checksum mismatch): making it again"
    assert "`phrase cache entry PATH is corrupt (checksum mismatch): making it again`" in readme
    assert "cannot be written (...): building without the cache`" in readme
