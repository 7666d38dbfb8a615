"""A routine's ``music:`` and ``music_rest:``, checked at load.

A path must stay inside the routine's folder (a routine shared with a friend cannot reach
``../../etc/passwd``), exist, and hold audio that decodes: each file is probed with
ffmpeg (the first seconds decoded, audio samples expected), so a broken file is an error at
file:line:col from ``validate``, not a failure half-way through ``build``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from audiocoach.defaults import (
    AUDIO_SUFFIXES,
    MUSIC_DUCK_DB,
    MUSIC_DUCK_MAX_DB,
    MUSIC_DUCK_MIN_DB,
    MUSIC_LEVEL_DB,
    MUSIC_LEVEL_MAX_DB,
    MUSIC_LEVEL_MIN_DB,
)
from audiocoach.errors import short
from audiocoach.load.yamlsource import Reader, yaml_text
from audiocoach.model import Music

__all__ = ["MUSIC_KEYS", "MUSIC_REST_KEYS", "probe_audio", "read_music"]

log = logging.getLogger("audiocoach.load.music")

MUSIC_KEYS = ("file", "level", "duck")
MUSIC_REST_KEYS = ("file", "level")
#: Seconds of each file decoded to check it; and how long the check may take.
PROBE_SECONDS = 2
PROBE_TIMEOUT_S = 30
#: Files checked in a music folder (the playlist plays them all; the first ones are checked).
PROBE_FILES = 20


def read_music(r: Reader, main: tuple | None, rest: tuple | None, base_dir: Path) -> Music | None:
    """The routine's music, or None; problems go to ``r``."""
    if main is None:
        if rest is not None:
            r.error(rest[0], "music_rest", "'music_rest' needs 'music' (the music for the rest of the session)")
        return None
    source, numbers = _music_part(r, main, "music", MUSIC_KEYS, base_dir)
    rest_source, rest_numbers = (
        (None, {}) if rest is None else _music_part(r, rest, "music_rest", MUSIC_REST_KEYS, base_dir)
    )
    if source is None:
        return None
    return Music(
        source=source,
        rest_source=rest_source,
        level_db=numbers.get("level", MUSIC_LEVEL_DB),
        rest_level_db=rest_numbers.get("level"),
        duck_db=numbers.get("duck", MUSIC_DUCK_DB),
    )


def _music_part(
    r: Reader, pair: tuple[yaml.Node, yaml.Node], key: str, keys: tuple[str, ...], base_dir: Path
) -> tuple[str | None, dict[str, float]]:
    """``music: path`` or ``music: {file: path, level: -12, duck: 10}`` -> (path, numbers)."""
    node = pair[1]
    numbers: dict[str, float] = {}
    if isinstance(node, yaml.MappingNode):
        fields = r.mapping(node, key, keys, f"'{key}' (a file or folder, or a mapping with 'file')") or {}
        if "file" not in fields:
            r.error(node, f"{key}.file", "missing 'file'; name the music file or folder")
            return None, numbers
        for name in keys[1:]:
            if name in fields:
                value = r.convert(fields[name][1], f"{key}.{name}", _decibels(name))
                if value is not None:
                    numbers[name] = value
        file_node, file_path = fields["file"][1], f"{key}.file"
    else:
        file_node, file_path = node, key
    text = r.text(file_node, file_path, "a music file or folder")
    if text is None:
        return None, numbers
    inside = os.path.normpath(text)
    if Path(text).is_absolute() or text.startswith("~") or inside == ".." or inside.startswith(".." + os.sep):
        r.error(
            file_node,
            file_path,
            f"{short(text)} is outside the routine's folder; put the music in that folder (or a folder inside it) and name it from there",
        )
        return None, numbers
    found = (base_dir / text).resolve()
    if not found.exists():
        r.error(
            file_node,
            file_path,
            f"{short(text)} does not exist (looked for {found}; paths are relative to the routine's folder)",
        )
        return None, numbers
    problem = check_music(found)
    if problem:
        r.error(file_node, file_path, f"{short(text)}: {problem}")
        return None, numbers
    return str(found), numbers


def _decibels(name: str) -> Callable[[Any], float]:
    low, high = (MUSIC_DUCK_MIN_DB, MUSIC_DUCK_MAX_DB) if name == "duck" else (MUSIC_LEVEL_MIN_DB, MUSIC_LEVEL_MAX_DB)

    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"{yaml_text(value)} is not a {name} in dB (expected a number from {low:g} to {high:g})")
        return float(value)

    return parse


def check_music(path: Path) -> str | None:
    """What is wrong with a music file or folder, or None when each file decodes to audio."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES and not p.name.startswith(".")
        )
        if not files:
            return f"no audio files in this music folder (looked for {', '.join(sorted(AUDIO_SUFFIXES))})"
        for f in files[:PROBE_FILES]:
            problem = probe_audio(f)
            if problem:
                return f"{f.name}: {problem}"
        return None
    if not path.is_file():
        return "is not a regular file; name an audio file or a folder of them"
    return probe_audio(path)


def probe_audio(path: Path) -> str | None:
    """None when ffmpeg decodes audio samples from the start of ``path``, else why not.

    The reason is ffmpeg's last line, cut short: never the file's contents.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return "cannot check the music: ffmpeg is missing (Debian/Ubuntu: sudo apt-get install ffmpeg)"
    cmd = [
        ffmpeg,
        "-nostdin",
        "-v",
        "error",
        "-t",
        str(PROBE_SECONDS),
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-ar",
        "8000",
        "-f",
        "s16le",
        "pipe:1",
    ]
    log.debug("run %s", " ".join(cmd))
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"ffmpeg took more than {PROBE_TIMEOUT_S} s to read it; is it an audio file?"
    except OSError as exc:
        return f"cannot run ffmpeg to check it ({exc.strerror})"
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1].replace(str(path), "").strip(" :") if lines else f"exit {proc.returncode}"
        if "matches no streams" in reason:
            return "has no audio in it"
        return f"is not audio ffmpeg can decode ({short(reason, 60)[1:-1]})"
    if not proc.stdout:
        return "has no audio samples in it (an empty or silent-length file)"
    return None
