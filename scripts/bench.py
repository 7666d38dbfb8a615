#!/usr/bin/env python
"""Benchmark audiocoach against its floor: one ffmpeg encode of the finished audio.

    python scripts/bench.py              # 45-minute and 3-hour sessions, batch of 12 (~5 min)
    python scripts/bench.py --quick      # a tiny session and a tiny program (seconds)
    python scripts/bench.py --json bench.json
    python scripts/bench.py --roster     # 24 roster sessions: --jobs 1, --jobs 2, a 2-worker Dask LocalCluster

For each generated session (the posterior-chain routine's blocks repeated to about 45
minutes and 3 hours, written as YAML into a temporary folder) it measures:

- floor: ffmpeg alone encoding the exact PCM the build hands it, with the same settings;
- ``audiocoach build`` end to end in a child process, with a cold phrase cache and a warm one;
- the naive pydub way (a silent track plus one ``overlay`` per cue, then ``export``), in a
  child process capped at ``--naive-cap`` seconds ("> N s" when it runs out);
- synthesis throughput of the speech engine (phrases per second, fresh cache);
- peak memory of the build's whole process tree (Python and ffmpeg), by polling every
  20 ms the child and all its descendants (``/proc/<pid>/task/*/children``) and summing
  their proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``: shared library
  pages are split between the processes that map them, so they are not counted twice;
  RSS from ``statm`` where smaps is unreadable). The largest sum seen is the peak.
  Polling can miss a spike shorter than 20 ms; the pipeline allocates no short-lived
  large buffers, so the figure is a fair peak. ``getrusage(RUSAGE_CHILDREN)`` is not
  used: its ``ru_maxrss`` is the largest single descendant, not the sum of processes
  alive together (summing each one's maximum would be an upper bound).

and for a program (routines/posterior-chain-6-weeks.yaml; a tiny generated one with
``--quick``) the batch wall time with ``--jobs 1`` and ``--jobs 2`` and a no-change rebuild.
It prints a table (each figure and its ratio to the floor) and PASS/FAIL lines for the
budgets; ``--json`` writes the same as data.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = ROOT / "routines" / "posterior-chain.yaml"
PROGRAM = ROOT / "routines" / "posterior-chain-6-weeks.yaml"
BITRATE = "64k"
MB = 1024 * 1024

BUDGETS = {
    "warm_ratio": 1.2,
    "cold_ratio": 1.5,
    "peak_mb": 150.0,
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
    for round_no in range(1, 100):
        for block in base["blocks"]:
            b = copy.deepcopy(block)
            b["name"] = f"{block['name']} {round_no}"
            blocks.append(b)
        if _estimate_minutes(yaml.safe_dump(data, sort_keys=False)) >= minutes:
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


TINY_ROUTINE = """\
title: Bench tiny
defaults:
  rest: 10s
  rest_after: 10s
blocks:
  - name: Tiny
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 3
      - exercise: glute-bridge-hold
        hold: 10s
"""


def make_tiny(folder: Path) -> tuple[Path, Path]:
    routine = folder / "tiny.yaml"
    routine.write_text(TINY_ROUTINE, encoding="utf-8")
    program = folder / "tiny-program.yaml"
    program.write_text(
        "title: Bench tiny program\nweeks: 2\ndays:\n  - day: Monday\n    routine: tiny.yaml\n"
        "  - day: Thursday\n    routine: tiny.yaml\nprogression:\n  - reps: +1\n",
        encoding="utf-8",
    )
    return routine, program


# --------------------------------------------------------------------------- measuring


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def _memory(pid: int) -> int:
    """Proportional set size (shared pages split between their users), else RSS, in bytes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _tree_memory(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _memory(p)
        todo += _children(p)
    return total


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    returncode: int
    timed_out: bool = False
    stderr: str = ""


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float | None = None) -> Run:
    """Run ``cmd`` and poll its process tree's RSS every 20 ms."""
    peak = 0
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        stop = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_memory(proc.pid))
                stop.wait(0.02)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_tree(proc.pid)
            proc.kill()
            proc.wait()
        seconds = time.perf_counter() - start
        stop.set()
        poller.join()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(seconds, peak, proc.returncode, timed_out, text)


def _kill_tree(pid: int) -> None:
    for child in _children(pid):
        _kill_tree(child)
        try:
            os.kill(child, 9)
        except OSError:
            pass


def _python() -> str:
    return sys.executable


def write_pcm(routine: Path, cache: Path, target: Path) -> tuple[int, int, list[str]]:
    """The exact PCM a build hands the encoder: (samples, duration_ms, unique phrases)."""
    from audiocoach import load
    from audiocoach.loudness import Leveler
    from audiocoach.mixer import Mixer
    from audiocoach.render import RenderOptions, plan, synthesizer_for

    loaded = load(routine)
    options = RenderOptions(cache_dir=str(cache))
    with synthesizer_for(loaded, options) as synth:
        timeline = plan(loaded, synth)
        mixer = Mixer(timeline, synth.clip, leveler=Leveler(timeline.sample_rate, options.loudness_lufs))
        n = 0
        with open(target, "wb") as f:
            for chunk in mixer.chunks():
                f.write(chunk.astype("<i2").tobytes())
                n += chunk.size
    phrases = sorted({e.text for e in timeline.of_kind("speech")})
    return n, timeline.duration_ms, phrases


def floor_encode(pcm: Path, out: Path) -> float:
    from audiocoach.export import encode_command

    cmd = encode_command(22050, BITRATE, str(out))
    cmd[cmd.index("pipe:0")] = str(pcm)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def synthesis_throughput(phrases: list[str], routine: Path, folder: Path) -> tuple[float, int, float]:
    """(phrases per second, phrases, seconds) synthesizing into an empty cache."""
    from audiocoach import load
    from audiocoach.render import RenderOptions, synthesizer_for

    cache = folder / "throughput-cache"
    shutil.rmtree(cache, ignore_errors=True)
    with synthesizer_for(load(routine), RenderOptions(cache_dir=str(cache))) as synth:
        synth.describe()  # start the engine outside the timed part
        start = time.perf_counter()
        for text in phrases:
            synth.clip(text)
        seconds = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    return (len(phrases) / seconds if seconds > 0 else float("inf")), len(phrases), seconds


def naive_main(routine: str, cache: str, out: str) -> None:
    """The naive way, run in a child: silent track + one overlay per cue, pydub export."""
    import numpy as np
    from pydub import AudioSegment

    from audiocoach import load
    from audiocoach.mixer import render_tone
    from audiocoach.render import RenderOptions, plan, synthesizer_for
    from audiocoach.tones import TONES

    loaded = load(routine)
    with synthesizer_for(loaded, RenderOptions(cache_dir=cache)) as synth:
        timeline = plan(loaded, synth)
        rate = timeline.sample_rate
        track = AudioSegment.silent(duration=timeline.duration_ms, frame_rate=rate)
        for e in timeline.sounds:
            samples = synth.clip(e.text) if e.kind == "speech" else render_tone(TONES[e.text], rate, -6.0)
            seg = AudioSegment(np.asarray(samples, dtype="<i2").tobytes(), frame_rate=rate, sample_width=2, channels=1)
            track = track.overlay(seg, position=e.start_ms)
    track.export(out, format="mp3", bitrate=BITRATE)


# --------------------------------------------------------------------------- the bench


@dataclass
class Row:
    label: str
    value: float | None
    unit: str
    ratio: float | None = None
    note: str = ""
    over: bool = False  # the value is a lower bound (capped)

    def figure(self) -> str:
        if self.value is None:
            return self.note or "n/a"
        if self.unit == "s":
            text = f"{self.value:.2f} s"
        elif self.unit == "MB":
            text = f"{self.value:.0f} MB"
        else:
            text = f"{self.value:.1f} {self.unit}"
        return ("> " if self.over else "") + text


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    checks: list[tuple[str, bool | None, str]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.label}: {row.figure()}", file=sys.stderr, flush=True)
        return row

    def check(self, name: str, ok: bool | None, detail: str) -> None:
        self.checks.append((name, ok, detail))

    def table(self) -> str:
        width = max(len(r.label) for r in self.rows)
        lines = [f"| {'measure':<{width}} | {'figure':>16} | {'x floor':>8} |", f"|{'-' * (width + 2)}|{'-' * 18}:|{'-' * 9}:|"]
        for r in self.rows:
            ratio = "" if r.ratio is None else (">" if r.over else "") + f"{r.ratio:.2f}x"
            lines.append(f"| {r.label:<{width}} | {r.figure():>16} | {ratio:>8} |")
        return "\n".join(lines)

    def verdicts(self) -> str:
        out = []
        for name, ok, detail in self.checks:
            word = "n/a " if ok is None else ("PASS" if ok else "FAIL")
            out.append(f"{word} {name}: {detail}")
        return "\n".join(out)

    def to_json(self) -> dict[str, object]:
        return {
            "facts": self.facts,
            "rows": [
                {"label": r.label, "value": r.value, "unit": r.unit, "ratio_to_floor": r.ratio, "note": r.note, "lower_bound": r.over}
                for r in self.rows
            ],
            "budgets": [{"name": n, "pass": ok, "detail": d} for n, ok, d in self.checks],
        }


def bench_session(report: Report, name: str, routine: Path, work: Path, naive_cap: float) -> None:
    cold_cache = work / f"cache-{name}"
    shutil.rmtree(cold_cache, ignore_errors=True)
    env = dict(os.environ, AUDIOCOACH_CACHE=str(cold_cache))
    out = work / f"{name}.mp3"
    cmd = [_python(), "-m", "audiocoach", "build", str(routine), "-o", str(out), "--no-sidecars"]

    print(f"[{name}] build, cold cache", file=sys.stderr, flush=True)
    cold = run_measured(cmd, env=env)
    if cold.returncode != 0:
        raise SystemExit(f"build failed:\n{cold.stderr}")
    print(f"[{name}] build, warm cache", file=sys.stderr, flush=True)
    warm = run_measured(cmd, env=env)

    pcm = work / f"{name}.pcm"
    samples, duration_ms, phrases = write_pcm(routine, cold_cache, pcm)
    print(f"[{name}] floor: ffmpeg alone", file=sys.stderr, flush=True)
    floor = floor_encode(pcm, work / f"{name}-floor.mp3")
    pcm.unlink()
    minutes = duration_ms / 60_000
    report.facts[name] = {"minutes": round(minutes, 2), "samples": samples, "phrases": len(phrases)}
    tag = f"{name} ({minutes:.0f} min)"

    report.add(Row(f"{tag}: ffmpeg encode alone (floor)", floor, "s", 1.0))
    report.add(Row(f"{tag}: build, cold cache", cold.seconds, "s", cold.seconds / floor))
    report.add(Row(f"{tag}: build, warm cache", warm.seconds, "s", warm.seconds / floor))

    print(f"[{name}] naive pydub (cap {naive_cap:.0f} s)", file=sys.stderr, flush=True)
    naive = run_measured(
        [_python(), str(Path(__file__).resolve()), "--naive", str(routine), str(cold_cache), str(work / f"{name}-naive.mp3")],
        timeout=naive_cap,
    )
    if naive.returncode not in (0, None) and not naive.timed_out:
        report.add(Row(f"{tag}: naive pydub overlay per cue", None, "s", note="failed"))
    else:
        report.add(Row(f"{tag}: naive pydub overlay per cue", naive.seconds, "s", naive.seconds / floor, over=naive.timed_out))

    music = work / "music.mp3"
    if not music.exists():
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=d=90:c=pink:a=0.3", "-ar", "44100", "-ac", "2", str(music)],
            check=True,
        )
    print(f"[{name}] build with music, warm cache", file=sys.stderr, flush=True)
    with_music = run_measured(cmd + ["--music", str(music)], env=env)
    if with_music.returncode != 0:
        raise SystemExit(f"build with music failed:\n{with_music.stderr}")
    report.add(Row(f"{tag}: build with music, warm cache", with_music.seconds, "s", with_music.seconds / floor))

    rate, count, seconds = synthesis_throughput(phrases, routine, work)
    report.add(Row(f"{tag}: synthesis, phrases/s ({count} phrases)", rate, "/s", seconds / floor))
    peak_mb = max(cold.peak_bytes, warm.peak_bytes) / MB
    report.add(Row(f"{tag}: peak memory, process tree", peak_mb, "MB"))
    music_mb = with_music.peak_bytes / MB
    report.add(Row(f"{tag}: peak memory with music", music_mb, "MB"))
    report.facts[name].update({"peak_mb_cold": cold.peak_bytes / MB, "peak_mb_warm": warm.peak_bytes / MB, "peak_mb_music": music_mb})

    report.check(f"{name} warm build <= {BUDGETS['warm_ratio']}x floor", warm.seconds / floor <= BUDGETS["warm_ratio"], f"{warm.seconds / floor:.2f}x")
    report.check(f"{name} cold build <= {BUDGETS['cold_ratio']}x floor", cold.seconds / floor <= BUDGETS["cold_ratio"], f"{cold.seconds / floor:.2f}x")
    report.check(f"{name} peak memory <= {BUDGETS['peak_mb']:.0f} MB", peak_mb <= BUDGETS["peak_mb"], f"{peak_mb:.0f} MB")
    report.check(f"{name} peak memory with music <= {BUDGETS['peak_mb']:.0f} MB", music_mb <= BUDGETS["peak_mb"], f"{music_mb:.0f} MB")
    for f in (out, work / f"{name}-floor.mp3", work / f"{name}-naive.mp3"):
        f.unlink(missing_ok=True)


def bench_batch(report: Report, program: Path, work: Path, floor_s_per_min: float) -> None:
    try:
        from audiocoach.batch import build_program, plan_program
        from audiocoach.program import load_program
        from audiocoach.render import RenderOptions
    except ImportError:
        for label in ("batch, --jobs 1", "batch, --jobs 2", "batch, no-change rebuild"):
            report.add(Row(label, None, "s", note="n/a (batch not available)"))
        report.check("batch --jobs 2 >= 1.7x faster than --jobs 1", None, "batch not available")
        report.check("no-change rebuild < 2 s", None, "batch not available")
        return
    cache = work / "cache-batch"
    options = RenderOptions(cache_dir=str(cache))
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
    report.facts["batch"] = {"sessions": len(plans), "audio_minutes": round(audio_min, 1), "speedup": round(speedup, 2), "cpus": os.cpu_count()}
    report.check(f"batch --jobs 2 >= {BUDGETS['batch_speedup']}x faster than --jobs 1", speedup >= BUDGETS["batch_speedup"], f"{speedup:.2f}x")
    report.check(f"no-change rebuild < {BUDGETS['rebuild_s']:.0f} s", rebuild < BUDGETS["rebuild_s"], f"{rebuild:.2f} s")
    for jobs in (1, 2):
        shutil.rmtree(work / f"batch-jobs{jobs}", ignore_errors=True)


ROSTER_ATHLETES = ("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay")


def make_roster(folder: Path) -> tuple[Path, Path]:
    """A tiny 2-week, 2-day program (4 sessions) and six athletes: 24 short sessions."""
    _, program = make_tiny(folder)
    lines = ["athletes:"]
    for i, name in enumerate(ROSTER_ATHLETES):
        lines += [f"  - name: {name}", f"    rate: {150 + 10 * i}"]
        if i % 2:
            lines.append("    tempo: 3010")
    roster = folder / "athletes.yaml"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return program, roster


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bench_roster(report: Report, work: Path) -> None:
    """24 roster sessions side by side: --jobs 1, --jobs 2, a 2-worker Dask LocalCluster
    (processes, one thread each). The phrase cache is filled first, so the three runs do
    the same work; their files must be byte-identical."""
    from distributed import LocalCluster

    from audiocoach.batch import build_program
    from audiocoach.render import RenderOptions

    program, roster = make_roster(work)
    options = RenderOptions(cache_dir=str(work / "cache-roster"))
    print("[roster] warming the phrase cache", file=sys.stderr, flush=True)
    build_program(program, work / "roster-warm", jobs=2, options=options, roster=roster)
    outputs, times = {}, {}
    runs = [("--jobs 1", {"jobs": 1}), ("--jobs 2", {"jobs": 2}), ("2-worker LocalCluster", None)]
    for label, how in runs:
        out = work / f"roster-{len(outputs)}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"[roster] {label}", file=sys.stderr, flush=True)
        if how is None:
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                start = time.perf_counter()
                result = build_program(program, out, options=options, roster=roster, cluster=cluster.scheduler_address)
                times[label] = time.perf_counter() - start
        else:
            start = time.perf_counter()
            result = build_program(program, out, options=options, roster=roster, **how)
            times[label] = time.perf_counter() - start
        if result.failed or len(result.built) != 24:
            raise SystemExit(f"roster batch failed: {[s.error for s in result.failed]}")
        outputs[label] = _tree_bytes(out)
        report.add(Row(f"roster of 24 sessions, {label}", times[label], "s"))
    first = outputs["--jobs 1"]
    same = all(o == first for o in outputs.values())
    report.facts["roster"] = {"sessions": 24, "athletes": len(ROSTER_ATHLETES), "seconds": {k: round(v, 2) for k, v in times.items()}}
    report.check("roster: --jobs 1, --jobs 2 and LocalCluster write identical bytes", same, f"{len(first)} files each")
    for i in range(len(runs)):
        shutil.rmtree(work / f"roster-{i}", ignore_errors=True)
    shutil.rmtree(work / "roster-warm", ignore_errors=True)


def roster_main(report: Report, work: Path, args: argparse.Namespace) -> int:
    """``--roster``: the roster bench alone (about a minute on 2 cores)."""
    try:
        bench_roster(report, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report.table())
    print()
    print(report.verdicts())
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny session and program (for the test)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--naive-cap", type=float, default=60.0, help="seconds before the naive pydub run is stopped")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--naive", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--roster", action="store_true", help="only the roster bench: 24 sessions, --jobs 1/2 and a 2-worker Dask LocalCluster")
    args = parser.parse_args(argv)
    if args.naive:
        naive_main(*args.naive)
        return 0

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="audiocoach-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = Report(facts={"cpus": os.cpu_count(), "quick": args.quick, "bitrate": BITRATE})
    if args.roster:
        return roster_main(report, work, args)
    try:
        if args.quick:
            tiny, program = make_tiny(work)
            sessions = [("tiny", tiny)]
            cap = min(args.naive_cap, 30.0)
        else:
            print("generating the 45-minute and 3-hour sessions", file=sys.stderr, flush=True)
            from audiocoach.speech import Synthesizer

            with Synthesizer(cache_dir=work / "cache-sizing") as synth:
                sessions = [("45min", make_session(45, work, "45min", synth.measure)), ("3h", make_session(180, work, "3h", synth.measure))]
            shutil.rmtree(work / "cache-sizing", ignore_errors=True)
            program, cap = PROGRAM, args.naive_cap
        for name, path in sessions:
            bench_session(report, name, path, work, cap)
        first = report.facts[sessions[0][0]]
        floor_row = next(r for r in report.rows if "floor" in r.label)
        per_min = (floor_row.value or 0) / max(first["minutes"], 1e-9)
        if "3h" in report.facts:
            peak_45 = report.facts["45min"]["peak_mb_warm"]
            peak_3h = report.facts["3h"]["peak_mb_warm"]
            # "No more than that for 3 hours": a few MB of allowance for noise in RSS.
            report.check("3h peak memory no more than 45min's", peak_3h <= peak_45 + 5, f"{peak_3h:.0f} MB vs {peak_45:.0f} MB")
        bench_batch(report, program, work, per_min)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(report.table())
    print()
    print(report.verdicts())
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
