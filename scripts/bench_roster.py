"""The roster bench of scripts/bench.py (``--roster``): 24 short sessions rendered with
--jobs 1, --jobs 2 and on a 2-worker Dask LocalCluster, side by side, writing the same files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_inputs import make_tiny
from bench_measure import Report, Row

ROSTER_ATHLETES = ("Ana", "Ben", "Cleo", "Dev", "Eli", "Fay")
#: Budget (issue 25): the 2-worker LocalCluster takes at most this times ``--jobs 2``.
CLUSTER_RATIO = 1.10
#: --jobs 2 and the cluster are each run this many times, in turn (the fastest kept).
PAIRS = 2


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


def _decoded(mp3: Path) -> bytes:
    """An MP3's tags and its samples as ffmpeg decodes them."""
    from mutagen.id3 import ID3

    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "s16le", "-"], capture_output=True, check=True
    ).stdout
    tags = sorted(f"{key}={frame}" for key, frame in ID3(mp3).items())
    return hashlib.sha256("\n".join(tags).encode() + pcm).digest()


def _tree_content(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``: its bytes, and for an MP3 its tags and decoded samples.

    A session rendered with more encoder threads (``--jobs 1`` gives each session both
    cores) is cut and encoded in pieces: the same samples as a one-piece encode, but not
    the same bytes (the pieces' bit reservoirs start afresh), so MP3s are compared as heard.
    """
    return {
        p.relative_to(folder).as_posix(): _decoded(p) if p.suffix == ".mp3" else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def bench_roster(report: Report, work: Path) -> None:
    """24 roster sessions side by side: --jobs 1, --jobs 2, a 2-worker Dask LocalCluster
    (processes, one thread each; started before the clock, as a cluster is when a batch
    is sent to it). The phrase cache is filled first, so the runs do the same work; their
    files must be the same (MP3s as decoded: see _tree_content)."""
    from distributed import LocalCluster

    from audiocoach.batch.jobs import build_program
    from audiocoach.render import RenderOptions

    program, roster = make_roster(work)
    options = RenderOptions(cache_dir=str(work / "cache-roster"))
    print("[roster] warming the phrase cache", file=sys.stderr, flush=True)
    build_program(program, work / "roster-warm", jobs=2, options=options, roster=roster)
    outputs: dict[str, dict[str, bytes]] = {}
    times: dict[str, float] = {}

    def timed(label: str, **how: Any) -> None:
        out = work / f"roster-{len(outputs)}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"[roster] {label}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        result = build_program(program, out, options=options, roster=roster, **how)
        seconds = time.perf_counter() - start
        if result.failed or len(result.built) != 24:
            raise SystemExit(f"roster batch failed: {[s.error for s in result.failed]}")
        times[label] = min(seconds, times.get(label, seconds))
        outputs.setdefault(label, _tree_content(out))
        shutil.rmtree(out, ignore_errors=True)

    timed("--jobs 1", jobs=1)
    # --jobs 2 and the cluster in turn, PAIRS times, the fastest of each kept: on a shared
    # machine the load drifts, and taking them in turn lets neither run in a quieter spell.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for _ in range(PAIRS):
            timed("--jobs 2", jobs=2)
            timed("2-worker LocalCluster", cluster=cluster.scheduler_address)
    for label, seconds in times.items():
        report.add(Row(f"roster of 24 sessions, {label}", seconds, "s"))
    # Same cores, same work: what the cluster costs over the local pool (budget: 10 %).
    ratio = times["2-worker LocalCluster"] / times["--jobs 2"]
    report.add(Row("roster: LocalCluster time over --jobs 2", ratio, "x"))
    report.check("roster: 2-worker LocalCluster within 10% of --jobs 2", ratio <= CLUSTER_RATIO, f"{ratio:.2f}x")
    first = outputs["--jobs 1"]
    differ = sorted({k for o in outputs.values() for k in set(o) | set(first) if o.get(k) != first.get(k)})
    same = not differ
    report.facts["roster"] = {
        "sessions": 24,
        "athletes": len(ROSTER_ATHLETES),
        "seconds": {k: round(v, 2) for k, v in times.items()},
    }
    report.check(
        "roster: --jobs 1, --jobs 2 and LocalCluster write the same files (MP3s: same tags and decoded samples)",
        same,
        f"{len(first)} files each" + (f"; {len(differ)} differ, first {differ[0]}" if differ else ""),
    )
    shutil.rmtree(work / "roster-warm", ignore_errors=True)
