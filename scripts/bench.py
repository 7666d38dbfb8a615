#!/usr/bin/env python
"""Benchmark audiocoach against its floor: one ffmpeg encode of the finished audio.

    python scripts/bench.py              # 60-minute and 3-hour sessions, batch of 12 (~15 min)
    python scripts/bench.py --engine festival --sessions-only --compare   # the sessions' figures only
    python scripts/bench.py --quick      # a tiny session and a tiny program (under a minute)
    python scripts/bench.py --engine hibari --compare festival pyttsx3 --repeat 3 --json bench.json
    python scripts/bench.py --main-only --repeat 1   # the 60-minute session only (no 3-hour session, no batch)
    python scripts/bench.py --roster     # 24 roster sessions only: --jobs 1, --jobs 2, a 2-worker Dask LocalCluster

For each session (routines/posterior-chain.yaml itself, 60 minutes, and its blocks
repeated to about 3 hours, written as YAML into a temporary folder) it measures:

- floor: ffmpeg alone encoding the exact PCM the build hands it, with the same settings;
- ``audiocoach build`` end to end in a child process, with a cold phrase cache and a warm
  one, with the engine under test (``--engine``, default ``auto``: what a user gets) and,
  for the 60-minute session, with each ``--compare`` engine (default ``festival pyttsx3``);
- the naive pydub way (a silent track plus one ``overlay`` per cue, then ``export``), in a
  child process capped at ``--naive-cap`` seconds ("> N s" when it runs out);
- synthesis throughput of every installed engine (phrases per second, one engine, fresh cache);
- peak memory of the build's whole process tree (Python and ffmpeg), by polling every
  20 ms the child and all its descendants (``/proc/<pid>/task/*/children``) and summing
  their proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``: shared library
  pages are split between the processes that map them, so they are not counted twice;
  RSS from ``statm`` where smaps is unreadable). The largest sum seen is the peak.
  Polling can miss a spike shorter than 20 ms; the pipeline allocates no short-lived
  large buffers, so the figure is a fair peak. ``getrusage(RUSAGE_CHILDREN)`` is not
  used: its ``ru_maxrss`` is the largest single descendant, not the sum of processes
  alive together (summing each one's maximum would be an upper bound).

Timings of the 60-minute session (floor, cold, warm) are the best of ``--repeat`` runs:
other work on a shared machine only makes a run slower, never faster.

and for a program (routines/posterior-chain-6-weeks.yaml; a tiny generated one with
``--quick``) the batch wall time with ``--jobs 1`` and ``--jobs 2`` and a no-change rebuild;
and (not with ``--quick``) the roster bench: 24 short sessions with
``--jobs 1``, ``--jobs 2`` and a 2-worker Dask LocalCluster, the cluster's time over ``--jobs 2``.
It prints a table (each figure and its ratio to the floor) and PASS/FAIL lines for the
budgets; ``--json`` writes the same as data.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_inputs import make_tiny, many_items_routine  # noqa: E402
from bench_measure import Report, Row, Run, best_of, run_alone, run_measured  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = ROOT / "routines" / "posterior-chain.yaml"
PROGRAM = ROOT / "routines" / "posterior-chain-6-weeks.yaml"
BITRATE = "64k"
MB = 1024 * 1024

#: Budgets for the engine under test (the default voice, hibari); other engines are reported only.
BUDGETS = {
    "warm_ratio": 0.8,
    "cold_ratio": 1.3,
    "peak_mb": 120.0,
    "cold_peak_mb": 200.0,
    "batch_speedup": 1.7,
    "rebuild_s": 2.0,
}


# --------------------------------------------------------------------------- sessions


def make_session(minutes: float, folder: Path, name: str, measure) -> Path:
    """The posterior-chain routine's blocks repeated, then trimmed to about ``minutes``.

    ``measure`` is the real clip-length function (a synthesizer on a cache of its own,
    so the cold-cache build still starts cold).
    """
    from audiocoach import compile_routine, loads

    def _estimate_minutes(text: str) -> float:
        return compile_routine(loads(text), measure).duration_ms / 60_000

    base = yaml.safe_load(ROUTINE.read_text(encoding="utf-8"))
    blocks: list[dict] = []
    data = dict(base, title=f"Bench {name}", blocks=blocks)
    # Grow block by block (a whole round at a time would overshoot the session limit).
    grown = False
    for round_no in range(1, 100):
        for block in base["blocks"]:
            b = copy.deepcopy(block)
            b["name"] = f"{block['name']} {round_no}"
            blocks.append(b)
            if _estimate_minutes(yaml.safe_dump(data, sort_keys=False)) >= minutes:
                grown = True
                break
        if grown:
            break
    # Drop exercises from the end while the session stays at least `minutes` long.
    while True:
        last = blocks[-1]
        trial = copy.deepcopy(data)
        if len(last["exercises"]) > 1:
            trial["blocks"][-1]["exercises"] = last["exercises"][:-1]
        elif len(blocks) > 1:
            trial["blocks"] = blocks[:-1]
        else:
            break
        if _estimate_minutes(yaml.safe_dump(trial, sort_keys=False)) < minutes:
            break
        data, blocks = trial, trial["blocks"]
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- helpers


def _python() -> str:
    return sys.executable


def write_pcm(routine: Path, cache: Path, target: Path, engine: str) -> tuple[int, int, int, list[str]]:
    """The exact PCM a build hands the encoder: (samples, rate, duration_ms, unique phrases)."""
    from audiocoach import load_routine
    from audiocoach.audio.loudness import Leveler
    from audiocoach.audio.mixer import Mixer
    from audiocoach.render import RenderOptions, plan, pre_encode_ceiling, synthesizer_for

    loaded = load_routine(routine)
    options = RenderOptions(cache_dir=str(cache), engine=engine)
    with synthesizer_for(loaded, options) as synth:
        timeline = plan(loaded, synth)
        leveler = Leveler(
            timeline.sample_rate, options.loudness_lufs, ceiling_dbtp=pre_encode_ceiling("mp3"), store=synth.cache
        )
        mixer = Mixer(timeline, synth.clip, leveler=leveler)
        n = 0
        with open(target, "wb") as f:
            for chunk in mixer.chunks():
                f.write(chunk.astype("<i2").tobytes())
                n += chunk.size
    phrases = sorted({e.text for e in timeline.of_kind("speech")})
    return n, timeline.sample_rate, timeline.duration_ms, phrases


def floor_encode(pcm: Path, out: Path, rate: int) -> float:
    from audiocoach.export.stream import encode_command

    cmd = encode_command(rate, BITRATE, str(out))
    cmd[cmd.index("pipe:0")] = str(pcm)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def installed_engines() -> list[str]:
    """The engines installed here (and not hidden by AUDIOCOACH_ENGINES), sorted by name."""
    from audiocoach.speech import installed_engines as found

    return sorted(found())


def synthesis_throughput(phrases: list[str], routine: Path, folder: Path, engine: str) -> tuple[float, int, float]:
    """(phrases per second, phrases, seconds): one engine synthesizing into an empty cache."""
    from audiocoach import load_routine
    from audiocoach.render import RenderOptions, synthesizer_for

    cache = folder / f"throughput-{engine}"
    shutil.rmtree(cache, ignore_errors=True)
    with synthesizer_for(load_routine(routine), RenderOptions(cache_dir=str(cache), engine=engine)) as synth:
        synth.describe()  # start the engine outside the timed part
        start = time.perf_counter()
        for text in phrases:
            synth.render(text)
        seconds = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    return (len(phrases) / seconds if seconds > 0 else float("inf")), len(phrases), seconds


def naive_main(routine: str, cache: str, out: str, engine: str) -> None:
    """The naive way, run in a child: silent track + one overlay per cue, pydub export."""
    import numpy as np
    from pydub import AudioSegment

    from audiocoach import load_routine
    from audiocoach.audio.mixer import render_tone
    from audiocoach.render import RenderOptions, plan, synthesizer_for
    from audiocoach.tones import TONES

    loaded = load_routine(routine)
    with synthesizer_for(loaded, RenderOptions(cache_dir=cache, engine=engine)) as synth:
        timeline = plan(loaded, synth)
        rate = timeline.sample_rate
        track = AudioSegment.silent(duration=timeline.duration_ms, frame_rate=rate)
        for e in timeline.sounds:
            samples = synth.clip(e.text) if e.kind == "speech" else render_tone(TONES[e.text], rate, -6.0)
            seg = AudioSegment(np.asarray(samples, dtype="<i2").tobytes(), frame_rate=rate, sample_width=2, channels=1)
            track = track.overlay(seg, position=e.start_ms)
    track.export(out, format="mp3", bitrate=BITRATE)


# --------------------------------------------------------------------------- the bench


def _engine_name(engine: str) -> str:
    from audiocoach.speech import resolve_engine

    return resolve_engine(engine)


def _build_cmd(routine: Path, out: Path, engine: str, *more: str) -> list[str]:
    return [
        _python(),
        "-m",
        "audiocoach",
        "build",
        str(routine),
        "-o",
        str(out),
        "--no-sidecars",
        "--engine",
        engine,
        *more,
    ]


def cold_and_warm(routine: Path, work: Path, name: str, engine: str, repeat: int) -> tuple[Run, Run, Path]:
    """Best-of-``repeat`` builds from an empty phrase cache, then from the warm one."""
    cache = work / f"cache-{name}-{engine}"
    env = dict(os.environ, AUDIOCOACH_CACHE=str(cache))
    cmd = _build_cmd(routine, work / f"{name}-{engine}.mp3", engine)

    def cold() -> Run:
        shutil.rmtree(cache, ignore_errors=True)
        return _checked(run_measured(cmd, env=env), "cold build")

    print(f"[{name}] {engine}: build, cold cache (best of {repeat})", file=sys.stderr, flush=True)
    cold_run = best_of(repeat, cold)
    print(f"[{name}] {engine}: build, warm cache (best of {repeat})", file=sys.stderr, flush=True)
    warm_run = best_of(repeat, lambda: _checked(run_measured(cmd, env=env), "warm build"))
    (work / f"{name}-{engine}.mp3").unlink(missing_ok=True)
    return cold_run, warm_run, cache


def _checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed:\n{run.stderr}")
    return run


def bench_session(
    report: Report, name: str, routine: Path, work: Path, args: argparse.Namespace, *, main: bool
) -> None:
    """Floor, cold and warm builds (engine under test, and ``--compare`` engines on the main session)."""
    engine, repeat = args.engine, (args.repeat if main else 1)
    cold, warm, cache = cold_and_warm(routine, work, name, engine, repeat)
    pcm = work / f"{name}.pcm"
    samples, rate, duration_ms, phrases = write_pcm(routine, cache, pcm, engine)
    print(f"[{name}] floor: ffmpeg alone (best of {repeat})", file=sys.stderr, flush=True)
    floor = best_of(repeat, lambda: floor_encode(pcm, work / f"{name}-floor.mp3", rate))
    pcm.unlink()
    minutes = duration_ms / 60_000
    report.facts[name] = {
        "minutes": round(minutes, 2),
        "samples": samples,
        "rate": rate,
        "phrases": len(phrases),
        "repeat": repeat,
    }
    tag = f"{name} ({minutes:.0f} min)"
    report.add(Row(f"{tag}: ffmpeg encode alone (floor)", floor, "s", 1.0))
    label = f"{engine} ({_engine_name(engine)})" if engine == "auto" else engine
    report.add(Row(f"{tag}: build, cold cache, {label}", cold.seconds, "s", cold.seconds / floor))
    report.add(Row(f"{tag}: build, warm cache, {label}", warm.seconds, "s", warm.seconds / floor))
    report.check(
        f"{name} warm build ({engine}) <= {BUDGETS['warm_ratio']}x floor",
        warm.seconds / floor <= BUDGETS["warm_ratio"],
        f"{warm.seconds / floor:.2f}x",
    )
    report.check(
        f"{name} cold build ({engine}) <= {BUDGETS['cold_ratio']}x floor",
        cold.seconds / floor <= BUDGETS["cold_ratio"],
        f"{cold.seconds / floor:.2f}x",
    )
    for other in args.compare if main else []:
        if other != "auto" and other not in installed_engines():
            report.add(Row(f"{tag}: build, cold cache, {other}", None, "s", note="not installed"))
            continue
        o_cold, o_warm, _ = cold_and_warm(routine, work, name, other, repeat)
        o_label = f"{other} ({_engine_name(other)})" if other == "auto" else other
        report.add(Row(f"{tag}: build, cold cache, {o_label}", o_cold.seconds, "s", o_cold.seconds / floor))
        report.add(Row(f"{tag}: build, warm cache, {o_label}", o_warm.seconds, "s", o_warm.seconds / floor))
    env = dict(os.environ, AUDIOCOACH_CACHE=str(cache))
    out = work / f"{name}.mp3"
    if main and not args.sessions_only:
        print(f"[{name}] naive pydub (cap {args.naive_cap:.0f} s)", file=sys.stderr, flush=True)
        naive = run_measured(
            [
                _python(),
                str(Path(__file__).resolve()),
                "--naive",
                str(routine),
                str(cache),
                str(work / f"{name}-naive.mp3"),
                engine,
            ],
            timeout=args.naive_cap,
        )
        if naive.returncode not in (0, None) and not naive.timed_out:
            report.add(Row(f"{tag}: naive pydub overlay per cue", None, "s", note="failed"))
        else:
            report.add(
                Row(
                    f"{tag}: naive pydub overlay per cue",
                    naive.seconds,
                    "s",
                    naive.seconds / floor,
                    over=naive.timed_out,
                )
            )
    music = work / "music.mp3"
    if not music.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "anoisesrc=d=90:c=pink:a=0.3",
                "-ar",
                "44100",
                "-ac",
                "2",
                str(music),
            ],
            check=True,
        )
    print(f"[{name}] build with music, warm cache", file=sys.stderr, flush=True)
    with_music = _checked(
        run_measured(_build_cmd(routine, out, engine, "--music", str(music)), env=env), "build with music"
    )
    report.add(Row(f"{tag}: build with music, warm cache", with_music.seconds, "s", with_music.seconds / floor))
    if main and not args.sessions_only:
        for e in installed_engines():
            print(f"[{name}] synthesis rate: {e}", file=sys.stderr, flush=True)
            rate_s, count, seconds = synthesis_throughput(phrases[:8] if args.quick else phrases, routine, work, e)
            report.add(Row(f"{tag}: synthesis, phrases/s, {e} ({count} phrases)", rate_s, "/s", seconds / floor))
            report.facts.setdefault("phrases_per_s", {})[e] = round(rate_s, 1)
    # A cold build also runs the engine's workers (festival with its voice is large, hibari
    # shares one model between them): its own budget, the engine under test's.
    cold_mb = cold.peak_bytes / MB
    report.add(Row(f"{tag}: peak memory, cold build (process tree)", cold_mb, "MB"))
    report.check(
        f"{name} peak memory, cold build ({engine}) <= {BUDGETS['cold_peak_mb']:.0f} MB",
        cold_mb <= BUDGETS["cold_peak_mb"],
        f"{cold_mb:.0f} MB",
    )
    peak_mb = warm.peak_bytes / MB
    report.add(Row(f"{tag}: peak memory, process tree", peak_mb, "MB"))
    music_mb = with_music.peak_bytes / MB
    report.add(Row(f"{tag}: peak memory with music", music_mb, "MB"))
    report.facts[name].update(
        {"peak_mb_cold": cold.peak_bytes / MB, "peak_mb_warm": warm.peak_bytes / MB, "peak_mb_music": music_mb}
    )
    report.check(
        f"{name} peak memory <= {BUDGETS['peak_mb']:.0f} MB", peak_mb <= BUDGETS["peak_mb"], f"{peak_mb:.0f} MB"
    )
    report.check(
        f"{name} peak memory with music <= {BUDGETS['peak_mb']:.0f} MB",
        music_mb <= BUDGETS["peak_mb"],
        f"{music_mb:.0f} MB",
    )
    for f in (out, work / f"{name}-floor.mp3", work / f"{name}-naive.mp3"):
        f.unlink(missing_ok=True)


#: Budget (issue 30): a 200-item routine compiles in under this, advice for every changeover included.
COMPILE_200_BUDGET_S = 0.5


def bench_compile(report: Report, work: Path) -> None:
    """Routines of 50, 100 and 200 items compiled with the estimate (best of 3): the expander runs
    once, and rest advice fits one trial rest, not the session, per length it tries."""
    from audiocoach import compile_routine, load_routine

    for items in (50, 100, 200):
        path = work / f"items-{items}.yaml"
        path.write_text(many_items_routine(items), encoding="utf-8")
        routine = load_routine(path)
        best = min(_timed(lambda r=routine: compile_routine(r)) for _ in range(3))
        report.add(Row(f"compile, {items} items (estimate, advice on every rest)", best, "s"))
    report.check(f"compile of 200 items < {COMPILE_200_BUDGET_S:g} s", best < COMPILE_200_BUDGET_S, f"{best:.3f} s")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_batch(report: Report, program: Path, work: Path, floor_s_per_min: float, engine: str) -> None:
    try:
        from audiocoach.batch.jobs import build_program
        from audiocoach.program.plan import plan_program
        from audiocoach.program.programs import load_program
        from audiocoach.render import RenderOptions
    except ImportError:
        for label in ("batch, --jobs 1", "batch, --jobs 2", "batch, no-change rebuild"):
            report.add(Row(label, None, "s", note="n/a (batch not available)"))
        report.check("batch --jobs 2 >= 1.7x faster than --jobs 1", None, "batch not available")
        report.check("no-change rebuild < 2 s", None, "batch not available")
        return
    cache = work / "cache-batch"
    options = RenderOptions(cache_dir=str(cache), engine=engine)
    print("[batch] warming the phrase cache (plan)", file=sys.stderr, flush=True)
    plans = plan_program(load_program(program), options=options)
    audio_min = sum(getattr(p, "duration_ms", 0) or 0 for p in plans) / 60_000
    floor = floor_s_per_min * audio_min if audio_min else None
    times = {}
    for jobs in (1, 2):
        out = work / f"batch-jobs{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"[batch] {len(plans)} sessions, --jobs {jobs}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        result = build_program(program, out, jobs=jobs, options=options)
        times[jobs] = time.perf_counter() - start
        if result.failed:
            raise SystemExit(f"batch failed: {[s.error for s in result.failed]}")
        label = f"batch of {len(plans)} sessions ({audio_min:.0f} min), --jobs {jobs}"
        report.add(Row(label, times[jobs], "s", times[jobs] / floor if floor else None))
    start = time.perf_counter()
    build_program(program, work / "batch-jobs2", jobs=2, options=options)
    rebuild = time.perf_counter() - start
    report.add(Row("batch, no-change rebuild", rebuild, "s", rebuild / floor if floor else None))
    speedup = times[1] / times[2]
    report.facts["batch"] = {
        "sessions": len(plans),
        "audio_minutes": round(audio_min, 1),
        "speedup": round(speedup, 2),
        "cpus": os.cpu_count(),
    }
    report.check(
        f"batch --jobs 2 >= {BUDGETS['batch_speedup']}x faster than --jobs 1",
        speedup >= BUDGETS["batch_speedup"],
        f"{speedup:.2f}x",
    )
    report.check(
        f"no-change rebuild < {BUDGETS['rebuild_s']:.0f} s", rebuild < BUDGETS["rebuild_s"], f"{rebuild:.2f} s"
    )
    for jobs in (1, 2):
        shutil.rmtree(work / f"batch-jobs{jobs}", ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny session and program (for the test)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--naive-cap", type=float, default=60.0, help="seconds before the naive pydub run is stopped")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument(
        "--engine", default="auto", help="the engine under test, held to the budgets (default: auto, what a user gets)"
    )
    parser.add_argument(
        "--compare",
        nargs="*",
        default=["festival", "pyttsx3"],
        metavar="ENGINE",
        help="engines also built cold and warm (default: festival pyttsx3)",
    )
    parser.add_argument(
        "--main-only", action="store_true", help="only the 60-minute session: no 3-hour session, no batch"
    )
    parser.add_argument(
        "--repeat", type=int, help="runs per timing of the main session, best kept (default 3; 1 with --quick)"
    )
    parser.add_argument("--naive", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--sessions-only",
        action="store_true",
        help="only the sessions' floor, builds and memory, and the roster (no naive run, synthesis rates or batch)",
    )
    parser.add_argument(
        "--roster",
        action="store_true",
        help="only the roster bench: 24 sessions, --jobs 1/2 and a 2-worker Dask LocalCluster",
    )
    parser.add_argument(
        "--compile", action="store_true", help="only the compile bench: routines of 50, 100 and 200 items"
    )
    args = parser.parse_args(argv)
    if args.naive:
        naive_main(*args.naive)
        return 0
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.compare = [e for e in args.compare if e != args.engine]

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="audiocoach-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = Report(facts={"cpus": os.cpu_count(), "quick": args.quick, "bitrate": BITRATE})
    if args.roster:
        from bench_roster import bench_roster

        return run_alone(report, work, args, bench_roster)
    if args.compile:
        return run_alone(report, work, args, bench_compile)
    try:
        if args.quick:
            tiny, program = make_tiny(work)
            sessions = [("tiny", tiny)]
            args.naive_cap = min(args.naive_cap, 30.0)
        else:
            print("the 60-minute session, generating the 3-hour one", file=sys.stderr, flush=True)
            from audiocoach.speech import Synthesizer

            with Synthesizer(engine=args.engine, cache_dir=work / "cache-sizing") as synth:
                sessions = [("60min", ROUTINE)]
                if not args.main_only:
                    sessions.append(("3h", make_session(180, work, "3h", synth.measure)))
            shutil.rmtree(work / "cache-sizing", ignore_errors=True)
            program = PROGRAM
        report.facts["engine"] = _engine_name(args.engine)
        bench_compile(report, work)
        for i, (name, path) in enumerate(sessions):
            bench_session(report, name, path, work, args, main=i == 0)
        first = report.facts[sessions[0][0]]
        floor_row = next(r for r in report.rows if "floor" in r.label)
        per_min = (floor_row.value or 0) / max(first["minutes"], 1e-9)
        if "3h" in report.facts:
            for kind in ("warm", "music"):
                peak_1h = report.facts["60min"][f"peak_mb_{kind}"]
                peak_3h = report.facts["3h"][f"peak_mb_{kind}"]
                # "No more than that for 3 hours": a few MB of allowance for noise in Pss.
                report.check(
                    f"3h peak memory ({kind}) no more than 60min's",
                    peak_3h <= peak_1h + 5,
                    f"{peak_3h:.0f} MB vs {peak_1h:.0f} MB",
                )
        if not args.sessions_only and not args.main_only:
            bench_batch(report, program, work, per_min, args.engine)
        if not args.quick:  # the cluster's budget is one of the sessions' figures
            from bench_roster import bench_roster

            bench_roster(report, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report.publish(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
