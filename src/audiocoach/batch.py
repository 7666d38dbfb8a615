"""Programs -> many sessions: in parallel, incremental, interrupt-safe.

:func:`build_program` renders every (week, day) session of a program into
``OUT/<program>/week-01/1-monday-<routine>.mp3``, writes one M3U playlist per week and a
manifest that maps each session to the hash of its inputs (the routine as progressed and
overridden, the render options, the session's tags, the tool's version). A session whose
hash is unchanged and whose files exist is not rebuilt, and when nothing changed the speech
engine never starts. Sessions render in a process pool; one failing session is reported
and the others still finish. On Ctrl-C the workers stop, their temporary files are
removed, and the manifest keeps the sessions that were finished.

:func:`plan_program` gives the week-by-week overview ``audiocoach plan PROGRAM`` prints.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__
from .errors import AudiocoachError
from .export import write_text_atomic
from .model import Entry, Routine
from .overrides import Override
from .program import Program, Session, load_program, sessions
from .render import RenderOptions, build, plan, synthesizer_for
from .speech import resolve_engine

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "audiocoach.batch/1"

#: progress(done, total, session_key): sessions rendered so far out of those to render.
BatchProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SessionResult:
    """What happened to one session: ``built``, ``unchanged`` (skipped) or ``failed``."""

    key: str
    week: int
    day: str
    title: str
    output: Path
    status: str
    duration_ms: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class BatchResult:
    folder: Path
    sessions: tuple[SessionResult, ...]
    playlists: tuple[Path, ...]
    stale: tuple[Path, ...] = ()
    pruned: bool = False

    def with_status(self, status: str) -> tuple[SessionResult, ...]:
        return tuple(s for s in self.sessions if s.status == status)

    @property
    def built(self) -> tuple[SessionResult, ...]:
        return self.with_status("built")

    @property
    def unchanged(self) -> tuple[SessionResult, ...]:
        return self.with_status("unchanged")

    @property
    def failed(self) -> tuple[SessionResult, ...]:
        return self.with_status("failed")


# --------------------------------------------------------------------------- inputs


def session_meta(program: Program, session: Session, overrides: Iterable[Override]) -> dict[str, str]:
    """The facts a session's MP3 is tagged with (TXXX frames)."""
    meta = {"program": program.title, "week": str(session.week), "day": session.day}
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
    chosen["engine"] = resolve_engine(options.engine or routine.settings.engine)
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


def _outputs(mp3: Path, options: RenderOptions) -> list[Path]:
    files = [mp3]
    if options.sidecars:
        files += [mp3.with_suffix(".json"), mp3.with_suffix(".vtt")]
    return files


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class _Job:
    key: str
    source: str
    output: str
    routine: Routine
    options: RenderOptions
    meta: dict[str, str]


_busy = False  # per worker process: is a session rendering right now?


def _on_terminate(signum: int, frame: Any) -> None:
    # Rendering: unwind like Ctrl-C, so the temporary MP3 and ffmpeg are cleaned up.
    if _busy:
        raise KeyboardInterrupt
    os._exit(1)


def _worker_init() -> None:
    # Ctrl-C in a terminal reaches every process of the group; only the parent decides
    # what to do about it (it then stops the workers with SIGTERM).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)


def _render(job: _Job) -> tuple[str, int | None, str | None]:
    """Render one session; returns (key, duration_ms, error). Never raises an Exception:
    custom exceptions do not always survive pickling back to the parent."""
    global _busy
    _busy = True
    try:
        result = build(job.source, job.output, options=job.options, routine=job.routine, meta=job.meta)
        return job.key, result.timeline.duration_ms, None
    except AudiocoachError as exc:
        return job.key, None, str(exc)
    except Exception as exc:  # a failing session must not stop the others
        return job.key, None, f"{type(exc).__name__}: {exc}"
    finally:
        _busy = False


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: SIGTERM makes a rendering worker unwind and delete its temp files."""
    procs = list(getattr(pool, "_processes", {}).values())  # no public API lists them
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def sweep_partial(folder: Path) -> list[Path]:
    """Remove temporary files (``.*.part``) an interrupted or killed run left in ``folder``."""
    removed = []
    for tmp in folder.rglob(".*.part"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


# --------------------------------------------------------------------------- the batch


def build_program(
    program_path: str | Path,
    out_dir: str | Path = "output",
    *,
    weeks: Iterable[int] | None = None,
    jobs: int | None = None,
    options: RenderOptions = RenderOptions(),
    overrides: Iterable[Override] = (),
    prune: bool = False,
    progress: BatchProgress | None = None,
) -> BatchResult:
    """Render a program's sessions, week by week, into ``out_dir/<program>/``.

    Args:
        program_path: the program's YAML file.
        out_dir: the parent folder; the program gets a folder of its own (its file's stem).
        weeks: only these weeks (all by default).
        jobs: sessions rendered at once (the number of cores by default).
        options: voice, rate, bitrate, cache folder, sidecars.
        overrides: applied to every day's routine before the program's rules.
        prune: remove the files of sessions no longer in the program.
        progress: called as ``progress(done, total, session_key)`` over the sessions to render.

    Returns:
        A :class:`BatchResult`: each session's status, the playlists written, stale files.

    Raises:
        RoutineError: the program file itself is invalid (a broken routine only fails its
            own sessions, reported in the result).
        KeyboardInterrupt: after stopping the workers and removing their temporary files.
    """
    program = load_program(program_path)
    overrides = tuple(overrides)
    every = sessions(program, overrides=overrides, strict=False)
    chosen = set(weeks) if weeks is not None else set(range(1, program.weeks + 1))
    selected = [s for s in every if s.week in chosen]
    folder = Path(out_dir) / program.name
    folder.mkdir(parents=True, exist_ok=True)
    sweep_partial(folder)
    manifest = read_manifest(folder)

    results: dict[str, SessionResult] = {}
    todo: list[tuple[_Job, str, Session]] = []
    for s in selected:
        output = folder / f"{s.key}.mp3"
        if s.routine is None:
            results[s.key] = SessionResult(s.key, s.week, s.day, s.title, output, "failed", error=s.error)
            continue
        meta = session_meta(program, s, overrides)
        digest = input_hash(s.routine, options, meta)
        known = manifest.get(s.key, {})
        if known.get("hash") == digest and all(p.is_file() for p in _outputs(output, options)):
            results[s.key] = SessionResult(s.key, s.week, s.day, s.title, output, "unchanged", known.get("duration_ms"))
            continue
        todo.append((_Job(s.key, s.source, str(output), s.routine, options, meta), digest, s))

    if todo:
        _run(todo, folder, manifest, results, jobs, progress)

    playlists = [write_playlist(folder, program, week, [results[s.key] for s in selected if s.week == week])
                 for week in sorted(chosen)]
    stale = _stale(folder, manifest, {s.key for s in every}, program.weeks)
    if prune and stale:
        for path in stale:
            path.unlink(missing_ok=True)
            key = path.relative_to(folder).with_suffix("").as_posix()
            manifest.pop(key, None)
        for week_dir in folder.glob("week-*"):
            if week_dir.is_dir() and not any(week_dir.iterdir()):
                week_dir.rmdir()
    write_manifest(folder, manifest)
    ordered = tuple(results[s.key] for s in selected)
    return BatchResult(folder, ordered, tuple(p for p in playlists if p is not None), tuple(stale), prune)


def _run(
    todo: list[tuple[_Job, str, Session]],
    folder: Path,
    manifest: dict[str, dict[str, Any]],
    results: dict[str, SessionResult],
    jobs: int | None,
    progress: BatchProgress | None,
) -> None:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    by_key = {job.key: (job, digest, s) for job, digest, s in todo}
    total, done = len(todo), 0
    if progress:
        progress(0, total, "")
    # spawn: a fresh interpreter per worker, no inherited engine or thread state.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
    try:
        keys: dict[Future, str] = {}
        pending: set[Future] = set()
        # Sessions are the parallelism here: each worker levels with its share of the cores.
        threads = max(1, (os.cpu_count() or 1) // workers)
        for job, _, _ in todo:
            f = pool.submit(_render, replace(job, options=replace(job.options, threads=threads)))
            keys[f] = job.key
            pending.add(f)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                key = keys[f]
                job, digest, s = by_key[key]
                try:
                    _, duration_ms, error = f.result()
                except Exception as exc:  # the worker died (e.g. killed): the pool is broken
                    duration_ms, error = None, f"the worker process stopped ({type(exc).__name__}: {exc})"
                output = Path(job.output)
                if error is None:
                    results[key] = SessionResult(key, s.week, s.day, job.routine.title, output, "built", duration_ms)
                    manifest[key] = {
                        "hash": digest,
                        "output": output.relative_to(folder).as_posix(),
                        "title": job.routine.title,
                        "duration_ms": duration_ms,
                    }
                else:
                    results[key] = SessionResult(key, s.week, s.day, job.routine.title, output, "failed", error=error)
                    manifest.pop(key, None)  # try again next time
                write_manifest(folder, manifest)
                done += 1
                if progress:
                    progress(done, total, key)
    except BaseException:
        _stop(pool)
        sweep_partial(folder)
        write_manifest(folder, manifest)
        raise
    pool.shutdown(wait=True)


# --------------------------------------------------------------------------- playlists, stale files


def write_playlist(folder: Path, program: Program, week: int, results: list[SessionResult]) -> Path | None:
    """``week-01.m3u``: the week's sessions in order, with their true lengths and titles."""
    ready = [r for r in results if r.ok and r.output.is_file()]
    path = folder / f"week-{week:02d}.m3u"
    lines = ["#EXTM3U", f"#PLAYLIST:{program.title}: week {week}"]
    for r in ready:
        seconds = round((r.duration_ms or 0) / 1000)
        lines += [f"#EXTINF:{seconds},{r.title}", r.output.relative_to(folder).as_posix()]
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path


def _stale(folder: Path, manifest: dict[str, dict[str, Any]], keys: set[str], weeks: int) -> list[Path]:
    """Files of sessions (and weeks) that are no longer in the program."""
    found: set[Path] = set()
    for path in folder.glob("week-*/*"):
        if path.suffix in (".mp3", ".json", ".vtt") and path.relative_to(folder).with_suffix("").as_posix() not in keys:
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


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class SessionPlan:
    session: Session
    duration_ms: int | None

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "key": s.key,
            "week": s.week,
            "day": s.day,
            "deload": s.deload,
            "title": s.title,
            "duration_ms": self.duration_ms,
            "error": s.error,
            "exercises": overview(s.routine) if s.routine else [],
        }


def overview(routine: Routine) -> list[dict[str, Any]]:
    """Each exercise as prescribed: sets x reps, tempo, rests; group members name their group."""
    out = []
    for block in routine.blocks:
        for item in block.entries:
            members = getattr(item, "members", None)
            if members is None:
                out.append(_entry_dict(item))
                continue
            group = {"kind": item.kind, "dose": item.dose, "rest": str(item.rest), "rest_after": str(item.rest_after)}
            out.extend({**_entry_dict(m), "group": group} for m in members)
    return out


def _entry_dict(e: Entry) -> dict[str, Any]:
    return {
        "exercise": e.exercise.id,
        "name": e.exercise.name,
        "sets": e.sets,
        "reps": str(e.reps) if e.reps is not None else None,
        "hold_ms": e.hold_ms,
        "per_side": e.per_side,
        "dose": e.dose,
        "tempo": e.tempo.text if e.reps is not None else None,
        "rest": str(e.rest),
        "rest_after": str(e.rest_after),
        "note": e.note,
        "group": None,
    }


def plan_program(
    program: Program,
    *,
    weeks: Iterable[int] | None = None,
    overrides: Iterable[Override] = (),
    options: RenderOptions = RenderOptions(),
) -> list[SessionPlan]:
    """Every session with its exercises as prescribed that week and its exact length.

    Lengths come from the real clip lengths (synthesized into the phrase cache, which the
    batch then reuses). Raises RoutineError for a broken routine.
    """
    overrides = tuple(overrides)
    out = []
    for s in sessions(program, weeks=weeks, overrides=overrides):
        assert s.routine is not None
        with synthesizer_for(s.routine, options) as synth:
            timeline = plan(s.routine, synth)
        out.append(SessionPlan(s, timeline.duration_ms))
    return out
