"""Measuring helpers for scripts/bench.py: process-tree memory, timed child runs, the report table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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


def best_of(repeat: int, run):
    """The fastest of ``repeat`` calls of ``run()`` (each returns a :class:`Run` or seconds).

    Other work on a shared machine only ever makes a run slower, so the minimum is the
    fairest figure of what the code itself costs.
    """
    results = [run() for _ in range(max(1, repeat))]
    return min(results, key=lambda r: r.seconds if isinstance(r, Run) else r)


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
        elif self.unit == "x":
            text = f"{self.value:.2f}x"
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
        lines = [
            f"| {'measure':<{width}} | {'figure':>16} | {'x floor':>8} |",
            f"|{'-' * (width + 2)}|{'-' * 18}:|{'-' * 9}:|",
        ]
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

    def publish(self, json_path: str | None) -> None:
        """Print the table and the verdicts; with ``json_path``, also write the figures there."""
        print(self.table())
        print()
        print(self.verdicts())
        if json_path:
            Path(json_path).write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")

    def to_json(self) -> dict[str, object]:
        return {
            "facts": self.facts,
            "rows": [
                {
                    "label": r.label,
                    "value": r.value,
                    "unit": r.unit,
                    "ratio_to_floor": r.ratio,
                    "note": r.note,
                    "lower_bound": r.over,
                }
                for r in self.rows
            ],
            "budgets": [{"name": n, "pass": ok, "detail": d} for n, ok, d in self.checks],
        }


def run_alone(report: Report, work: Path, args: Any, bench: Callable[[Report, Path], None]) -> int:
    """One bench on its own (``--roster``, ``--compile``): run it in ``work``, remove ``work``
    unless ``--keep`` named it, and publish the report."""
    try:
        bench(report, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report.publish(args.json)
    return 0
