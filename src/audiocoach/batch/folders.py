"""A batch's output folder: its manifest, its owner, its leftovers.

``manifest.json`` maps each session to the hash of its inputs, so an unchanged session is
not rebuilt; ``program.txt`` says which program file owns the folder, so two programs of
the same name never prune each other's files; interrupted runs leave ``.*.part`` files
that the next run sweeps; sessions no longer in the program are found (and pruned on request).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from audiocoach import __version__
from audiocoach.export.artifacts import CUES_SUFFIX, TIMELINE_SUFFIX
from audiocoach.export.outputs import write_text_atomic
from audiocoach.load.overrides import Override
from audiocoach.load.speaker import choose_speaker
from audiocoach.model import Routine
from audiocoach.program.programs import Program, Session
from audiocoach.render import RenderOptions
from audiocoach.speech import resolve_engine

__all__ = [
    "MANIFEST",
    "MANIFEST_FORMAT",
    "OWNER",
    "claim_folder",
    "program_folder",
    "input_hash",
    "prune_stale",
    "session_meta",
    "read_manifest",
    "stale_files",
    "sweep_partial",
    "write_manifest",
]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "audiocoach.batch.jobs/1"
#: In a program's output folder: which program file owns it (two programs with the same
#: file name get two folders, and never prune each other's files).
OWNER = "program.txt"


def session_meta(
    program: Program, session: Session, overrides: Iterable[Override], athlete: str | None = None
) -> dict[str, str]:
    """The facts a session's MP3 is tagged with (TXXX frames)."""
    meta = {"program": program.title, "week": str(session.week), "day": session.day}
    if athlete:
        meta["athlete"] = athlete
    if session.deload:
        meta["deload"] = "yes"
    flags = " ".join(o.flag for o in overrides)
    if flags:
        meta["overrides"] = flags
    return meta


def input_hash(routine: Routine, options: RenderOptions, meta: dict[str, str]) -> str:
    """A hash of everything that decides a session's audio.

    The routine is hashed as progressed and overridden (its repr: frozen values, source
    positions excluded), so a rule change rebuilds only the sessions it actually changes.
    The cache folder is left out: it changes where clips are kept, not what is heard.
    """
    # Where the cache lives and how many threads level the audio do not change the audio.
    chosen = {k: v for k, v in asdict(options).items() if k not in ("cache_dir", "threads")}
    # "auto" names whichever engine is installed: a newly installed voice rebuilds.
    chosen["engine"] = resolve_engine(
        choose_speaker(routine.settings, engine=options.engine, language=routine.language_code).engine
    )
    blob = json.dumps(
        {
            "format": MANIFEST_FORMAT,
            "version": __version__,
            "routine": repr(replace(routine, source="")),
            "options": chosen,
            "meta": meta,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """session key -> {hash, output, title, duration_ms}; empty when missing or unreadable."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    found = data.get("sessions")
    return dict(found) if isinstance(found, dict) else {}


def write_manifest(folder: Path, entries: dict[str, dict[str, Any]]) -> None:
    data = {"format": MANIFEST_FORMAT, "version": __version__, "sessions": dict(sorted(entries.items()))}
    write_text_atomic(folder / MANIFEST, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def program_folder(out_dir: Path, program: Program) -> Path:
    """``out_dir/<program file's stem>``, unless another program file of that name owns
    it: then ``<stem>-<8 hex digits of the file's path>``."""
    owner = _owner(out_dir, program)
    keyed = f"{program.name}-{hashlib.sha256(owner.encode('utf-8')).hexdigest()[:8]}"
    for name in (program.name, keyed):
        marker = out_dir / name / OWNER
        try:
            found = marker.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            found = None  # a new folder, or one written before folders had owners
        if found in (None, owner):
            return out_dir / name
    return out_dir / keyed


def _owner(out_dir: Path, program: Program) -> str:
    # Relative to the output folder: a project moved or copied whole keeps its folders.
    if not program.source:
        return f"title:{program.title}"
    return Path(os.path.relpath(Path(program.source).resolve(), out_dir.resolve())).as_posix()


def claim_folder(folder: Path, program: Program) -> None:
    owner = _owner(folder.parent, program)
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / OWNER).is_file():
        write_text_atomic(folder / OWNER, owner + "\n")


def sweep_partial(folder: Path) -> list[Path]:
    """Remove temporary files (``.*.part``) an interrupted or killed run left in ``folder``."""
    removed = []
    for tmp in folder.rglob(".*.part"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def prune_stale(folder: Path, manifest: dict[str, dict[str, Any]], stale: list[Path]) -> None:
    for path in stale:
        path.unlink(missing_ok=True)
        key = path.relative_to(folder).with_suffix("").as_posix()
        manifest.pop(key, None)
    for week_dir in folder.glob("week-*"):
        if week_dir.is_dir() and not any(week_dir.iterdir()):
            week_dir.rmdir()


def stale_files(folder: Path, manifest: dict[str, dict[str, Any]], keys: set[str], weeks: int) -> list[Path]:
    """Files of sessions (and weeks) that are no longer in the program."""
    found: set[Path] = set()
    for path in folder.glob("week-*/*"):
        # A session's own files: <key>.mp3 and its sidecars (artifacts; session keys hold no dots).
        if (
            path.suffix in (".mp3", TIMELINE_SUFFIX, CUES_SUFFIX)
            and path.relative_to(folder).as_posix().split(".", 1)[0] not in keys
        ):
            found.add(path)
    for key in manifest:
        if key not in keys:
            found.add(folder / f"{key}.mp3")
    for path in folder.glob("week-*.m3u"):
        try:
            week = int(path.stem.split("-")[1])
        except (IndexError, ValueError):
            continue
        if week > weeks:
            found.add(path)
    return sorted(p for p in found if p.exists())
