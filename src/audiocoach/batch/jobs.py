"""Programs -> many sessions: in parallel, incremental, interrupt-safe.

:func:`build_program` renders every (week, day) session of a program into
``OUT/<program>/week-01/1-monday-<routine>.mp3``, writes one M3U playlist per week and a
manifest that maps each session to the hash of its inputs (the routine as progressed and
overridden, the render options, the session's tags, the tool's version). A session whose
hash is unchanged and whose files exist is not rebuilt, and when nothing changed the speech
engine never starts. Sessions render on an executor (:mod:`audiocoach.batch.executors`: a local
process pool or a Dask cluster); any error in one session, even while loading its
routine, fails that session by name and the others still finish. On Ctrl-C the workers
stop, their temporary files are removed, and the manifest keeps the sessions finished.

With a roster (:mod:`audiocoach.program.roster`) every athlete gets ``OUT/<program>/<athlete>/``
with their own overrides, loads, weeks, playlists and manifest.

:func:`plan_program` (in :mod:`audiocoach.program.plan`, re-exported here) gives the
week-by-week overview ``audiocoach plan PROGRAM`` prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audiocoach.batch.executors import make_executor
from audiocoach.batch.folders import (
    claim_folder,
    input_hash,
    program_folder,
    prune_stale,
    read_manifest,
    session_meta,
    stale_files,
    sweep_partial,
    write_manifest,
)
from audiocoach.errors import AudiocoachError
from audiocoach.export.artifacts import Artifacts
from audiocoach.export.outputs import write_text_atomic
from audiocoach.load.overrides import Override
from audiocoach.model import Routine
from audiocoach.program.programs import Program, Session, load_day, load_program, sessions
from audiocoach.program.roster import Athlete, apply_loads, check_voices, load_roster, merge_overrides
from audiocoach.render import RenderOptions, build

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
    athlete: str | None = None
    #: Fit warnings of the session, in a lifter's words (see audiocoach.compile.advice).
    warnings: tuple[str, ...] = ()

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


def _outputs(mp3: Path, options: RenderOptions) -> list[Path]:
    files = [mp3]
    if options.sidecars:
        files += [Artifacts(mp3).timeline, Artifacts(mp3).cues]
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


def _render(job: _Job) -> tuple[str, int | None, str | None, tuple[str, ...]]:
    """Render one session; returns (key, duration_ms, error, warnings). Never raises an
    Exception: custom exceptions do not always survive pickling back to the parent."""
    try:
        result = build(job.source, job.output, options=job.options, routine=job.routine, meta=job.meta)
        return job.key, result.timeline.duration_ms, None, tuple(str(c) for c in result.timeline.changes)
    except AudiocoachError as exc:
        return job.key, None, str(exc), ()
    except Exception as exc:  # a failing session must not stop the others
        return job.key, None, f"{type(exc).__name__}: {exc}", ()


# --------------------------------------------------------------------------- the batch


@dataclass
class _Target:
    """One folder of sessions: the program's own, or one athlete's."""

    folder: Path
    athlete: Athlete | None
    overrides: tuple[Override, ...]
    options: RenderOptions
    weeks: set[int]
    every: list[Session] = field(default_factory=list)
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)

    def key(self, s: Session) -> str:
        return f"{self.athlete.folder}/{s.key}" if self.athlete else s.key

    @property
    def selected(self) -> list[Session]:
        return [s for s in self.every if s.week in self.weeks]


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
    roster: str | Path | None = None,
    cluster: Any = None,
    language: str | None = None,
) -> BatchResult:
    """Render a program's sessions, week by week, into ``out_dir/<program>/``.

    Args:
        program_path: the program's YAML file.
        out_dir: the parent folder; the program gets a folder of its own (its file's stem,
            or the stem and a hash of its path when another program of that name owns it).
        weeks: only these weeks (all by default).
        jobs: sessions rendered at once (the number of cores by default).
        options: voice, rate, bitrate, cache folder, sidecars.
        overrides: applied to every day's routine before the program's rules.
        prune: remove the files of sessions no longer in the program.
        progress: called as ``progress(done, total, session_key)`` over the sessions to render.
        roster: an athletes file: every athlete gets ``<program>/<athlete>/`` with their own
            overrides, loads and weeks, playlists and manifest.
        cluster: a Dask scheduler address (``tcp://HOST:8786``) or cluster object; the
            sessions then render on its workers instead of local processes.
        language: a BCP 47 tag (``--language``): every session in that language, over
            each routine's own ``language:``.

    Returns:
        A :class:`BatchResult`: each session's status, the playlists written, stale files.

    Raises:
        RoutineError: the program or roster file is invalid, or a voice is unknown (all
            checked before the first session renders). A broken routine, or any other
            error in one session, fails only that session, reported in the result.
        KeyboardInterrupt: after stopping the workers and removing their temporary files.
    """
    program = load_program(program_path, language=language)
    overrides = tuple(overrides)
    root = program_folder(Path(out_dir), program)
    chosen = set(weeks) if weeks is not None else set(range(1, program.weeks + 1))
    targets = _targets(program, root, overrides, options, chosen, roster)
    results: dict[str, SessionResult] = {}
    todo: list[tuple[_Job, str, Session, _Target]] = []
    for t in targets:
        claim_folder(root, program)
        t.folder.mkdir(parents=True, exist_ok=True)
        sweep_partial(t.folder)
        t.manifest = read_manifest(t.folder)
        t.every = _sessions(program, t)
        for s in t.selected:
            _plan_session(program, t, s, results, todo)

    if todo:
        voices = [
            (t.options.voice, t.athlete.voice_location if t.athlete and t.athlete.voice else None) for t in targets
        ]
        check_voices(options.engine, voices)
        _run(todo, results, jobs, cluster, progress)

    playlists, stale = [], []
    for t in targets:
        playlists += [
            write_playlist(
                t.folder,
                program,
                week,
                [results[t.key(s)] for s in t.selected if s.week == week],
                athlete=t.athlete.name if t.athlete else None,
            )
            for week in sorted(t.weeks)
        ]
        found = stale_files(t.folder, t.manifest, {s.key for s in t.every}, program.weeks)
        if prune and found:
            prune_stale(t.folder, t.manifest, found)
        stale += found
        write_manifest(t.folder, t.manifest)
    ordered = tuple(results[t.key(s)] for t in targets for s in t.selected)
    return BatchResult(root, ordered, tuple(p for p in playlists if p is not None), tuple(stale), prune)


def _targets(
    program: Program,
    root: Path,
    overrides: tuple[Override, ...],
    options: RenderOptions,
    chosen: set[int],
    roster: str | Path | None,
) -> list[_Target]:
    if roster is None:
        return [_Target(root, None, overrides, options, chosen)]
    ids: list[str] = []
    for day in program.days:
        try:
            ids += [e.exercise.id for e in load_day(day).entries]
        except Exception:  # a broken routine fails its own sessions later, named
            continue
    athletes = load_roster(roster, program, dict.fromkeys(ids)).athletes
    return [
        _Target(
            root / a.folder,
            a,
            merge_overrides(overrides, a),
            replace(options, voice=a.voice or options.voice, rate=a.rate or options.rate),
            chosen & set(a.weeks) if a.weeks is not None else set(chosen),
        )
        for a in athletes
    ]


def _sessions(program: Program, t: _Target) -> list[Session]:
    every = sessions(program, overrides=t.overrides, strict=False)
    if t.athlete is None or not t.athlete.loads:
        return every
    return [replace(s, routine=apply_loads(s.routine, t.athlete.loads)) if s.routine else s for s in every]


def _plan_session(
    program: Program,
    t: _Target,
    s: Session,
    results: dict[str, SessionResult],
    todo: list[tuple[_Job, str, Session, _Target]],
) -> None:
    """Decide one session: unchanged, failed already, or a job to run. Any error here
    fails this session only, named."""
    key, output = t.key(s), t.folder / f"{s.key}.mp3"
    athlete = t.athlete.name if t.athlete else None
    if s.routine is None:
        results[key] = SessionResult(key, s.week, s.day, s.title, output, "failed", error=s.error, athlete=athlete)
        return
    try:
        meta = session_meta(program, s, t.overrides, athlete)
        digest = input_hash(s.routine, t.options, meta)
    except Exception as exc:
        results[key] = SessionResult(
            key, s.week, s.day, s.title, output, "failed", error=f"{type(exc).__name__}: {exc}", athlete=athlete
        )
        return
    known = t.manifest.get(s.key, {})
    if known.get("hash") == digest and all(p.is_file() for p in _outputs(output, t.options)):
        results[key] = SessionResult(
            key, s.week, s.day, s.title, output, "unchanged", known.get("duration_ms"), athlete=athlete
        )
        return
    # Absolute paths: a cluster's workers do not share this process's working directory.
    job = _Job(key, str(Path(s.source).resolve()), str(output.resolve()), s.routine, t.options, meta)
    todo.append((job, digest, s, t))


def _run(
    todo: list[tuple[_Job, str, Session, _Target]],
    results: dict[str, SessionResult],
    jobs: int | None,
    cluster: Any,
    progress: BatchProgress | None,
) -> None:
    by_key = {job.key: (job, digest, s, t) for job, digest, s, t in todo}
    total, done = len(todo), 0
    if progress:
        progress(0, total, "")
    executor = make_executor(jobs, cluster, total)
    try:
        # Sessions are the parallelism here: each local worker levels with its share of the cores.
        threads = 1 if cluster is not None else max(1, (os.cpu_count() or 1) // executor.workers)
        keys = {
            executor.submit(_render, replace(job, options=replace(job.options, threads=threads))): job.key
            for job, _, _, _ in todo
        }
        for f in executor.as_completed(keys):
            key = keys[f]
            job, digest, s, t = by_key[key]
            warnings: tuple[str, ...] = ()
            try:
                _, duration_ms, error, warnings = f.result()
            except Exception as exc:  # the worker died (e.g. killed), or the job did not travel
                duration_ms, error = None, f"the worker process stopped ({type(exc).__name__}: {exc})"
            _record(results, t, s, job, digest, duration_ms, error, warnings)
            write_manifest(t.folder, t.manifest)
            done += 1
            if progress:
                progress(done, total, key)
    except BaseException:
        executor.stop()
        for t in {id(t): t for _, _, _, t in todo}.values():
            sweep_partial(t.folder)
            write_manifest(t.folder, t.manifest)
        raise
    executor.close()


def _record(
    results: dict[str, SessionResult],
    t: _Target,
    s: Session,
    job: _Job,
    digest: str,
    duration_ms: int | None,
    error: str | None,
    warnings: tuple[str, ...] = (),
) -> None:
    output = t.folder / f"{s.key}.mp3"
    athlete = t.athlete.name if t.athlete else None
    if error is None:
        results[job.key] = SessionResult(
            job.key, s.week, s.day, job.routine.title, output, "built", duration_ms, athlete=athlete, warnings=warnings
        )
        t.manifest[s.key] = {
            "hash": digest,
            "output": output.relative_to(t.folder).as_posix(),
            "title": job.routine.title,
            "duration_ms": duration_ms,
        }
    else:
        results[job.key] = SessionResult(
            job.key, s.week, s.day, job.routine.title, output, "failed", error=error, athlete=athlete
        )
        t.manifest.pop(s.key, None)  # try again next time


# --------------------------------------------------------------------------- playlists, stale files


def write_playlist(
    folder: Path, program: Program, week: int, results: list[SessionResult], athlete: str | None = None
) -> Path | None:
    """``week-01.m3u``: the week's sessions in order, with their true lengths and titles."""
    ready = [r for r in results if r.ok and r.output.is_file()]
    path = folder / f"week-{week:02d}.m3u"
    title = f"{program.title} ({athlete})" if athlete else program.title
    lines = ["#EXTM3U", f"#PLAYLIST:{title}: week {week}"]
    for r in ready:
        seconds = round((r.duration_ms or 0) / 1000)
        lines += [f"#EXTINF:{seconds},{r.title}", r.output.relative_to(folder).as_posix()]
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path
