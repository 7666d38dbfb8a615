"""Test helpers: engine parameters, small routine text, decoding audio with ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from audiocoach.engines import BASE_ENGINES
from audiocoach.speech import BACKENDS, engine_missing


def engine_params(names: tuple[str, ...] | None = None) -> list:
    """One pytest param per engine (default: every backend), each marked ``engine``.

    An engine the README does not install (outside BASE_ENGINES) is also marked
    ``optional_engine``: it may skip under CI, and CI's second pass runs it.
    """
    out = []
    for name in names or tuple(BACKENDS):
        marks = [pytest.mark.engine]
        if name not in BASE_ENGINES:
            marks.append(pytest.mark.optional_engine)
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def need_engine(name: str) -> None:
    """Skip unless engine ``name`` can run here and AUDIOCOACH_ENGINES does not hide it."""
    problem = engine_missing(name)
    if problem:
        pytest.skip(problem)


def decode(path: Path, rate: int = 22050) -> np.ndarray:
    """Decode any audio file ffmpeg reads to mono int16 at ``rate``."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype="<i2")


SHORT_ROUTINE = """\
title: Short test
defaults:
  rest: 16s
  rest_after: 16s
blocks:
  - name: Test
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 2
      - exercise: glute-bridge-hold
        hold: 12s
"""


def offset_in_mix(pcm: np.ndarray, clip: np.ndarray, at: int) -> int:
    """How many samples from ``at`` the ``clip`` is found in the mixed ``pcm`` (0: where the
    timeline put it), searched within 2,000 samples either side. Normalised by the window's
    energy: a raw dot product favours a louder stretch a pitch period later."""
    lo = max(0, at - 2000)
    window = pcm[lo : at + 2000 + clip.size]
    energy = np.sqrt(np.convolve(window**2, np.ones(clip.size), mode="valid")) + 1e-9
    corr = np.correlate(window, clip, mode="valid") / energy
    return int(np.argmax(corr)) - (at - lo)


def expected_work_ms(routine, seg) -> int:
    """The length a work window must have, from the routine alone: from the first rep (the
    lead-in ends the window before it)."""
    from audiocoach.model import Group

    item = routine.items[seg.exercise]
    lead = 0
    if isinstance(item, Group):
        if item.kind in ("amrap", "intervals"):
            return item.work_ms
        entry = item.members[seg.member]
    else:
        entry = item
    if entry.reps is not None:
        warmup = not isinstance(item, Group) and seg.set <= item.warmup_sets  # warm-ups count the bottom of a range
        mode = "bottom" if warmup else routine.settings.rep_range
        # A range counted as one pauses 3 s after its bottom ("Two more if you have them.").
        pause = 3000 if mode == "range" and entry.reps.high > entry.reps.low else 0
        return lead + entry.reps.counted(mode) * entry.steps * entry.tempo.rep_ms + pause
    return lead + entry.hold_ms


def expected_work_windows(routine) -> dict[tuple[int, int | None], int]:
    """(item index, member) -> how many work windows it must have (both sides counted)."""
    from audiocoach.model import Group

    out: dict[tuple[int, int | None], int] = {}
    for i, item in enumerate(routine.items):
        if not isinstance(item, Group):
            out[(i, None)] = (item.warmup_sets + item.sets) * (2 if item.per_side else 1)
        elif item.kind == "amrap":
            out[(i, None)] = 1
        else:
            n = len(item.members)
            for k, m in enumerate(item.members):
                rounds = item.rounds if item.kind in ("superset", "circuit") else len(range(k, item.rounds, n))
                sides = 2 if (m.per_side and item.kind != "intervals") else 1
                if rounds:
                    out[(i, k)] = rounds * sides
    return out


def check_invariants(routine, tl) -> None:
    """What every timeline must satisfy: no overlap, exact tiling, exact work windows."""
    from audiocoach.timeline import overlaps

    assert overlaps(tl.events) == []
    segs = tl.of_kind("segment")
    assert segs[0].start_ms == 0
    for a, b in zip(segs, segs[1:]):
        assert a.end_ms == b.start_ms, (a, b)
    assert segs[-1].end_ms == tl.duration_ms
    for s in tl.sounds:
        owner = [g for g in segs if g.start_ms <= s.start_ms < g.end_ms]
        assert owner and s.end_ms <= owner[0].end_ms, s
    counts: dict[tuple[int, int | None], int] = {}
    for seg in segs:
        if seg.role == "work":
            assert seg.length_ms == expected_work_ms(routine, seg), seg
            key = (seg.exercise, seg.member)
            counts[key] = counts.get(key, 0) + 1
    assert counts == expected_work_windows(routine)
    # Per-side work: side 1 and side 2 windows are equally long (each side in full).
    sides = [s for s in segs if s.role == "work" and s.side is not None]
    by_set: dict[tuple, list] = {}
    for s in sides:
        by_set.setdefault((s.exercise, s.member, s.set), []).append(s)
    for group in by_set.values():
        assert sorted(s.side for s in group) == [1, 2] and group[0].length_ms == group[1].length_ms
