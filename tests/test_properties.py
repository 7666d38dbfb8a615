"""Property test over generated routines: whatever the routine and however long the
speech, no two sounds overlap, the length is exact, every work window is reps x tempo
(+ lead-in) and every per-side set has both sides in full."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.counting import count_mode
from audiocoach.errors import RoutineError
from audiocoach.load.library import default_library
from audiocoach.load.routine import loads
from audiocoach.model import Group, Routine
from audiocoach.timing import RANGE_PAUSE_MS, range_pause_ms
from audiocoach.words.phrases import number_words
from helpers import check_invariants

IDS = [ex.id for ex in default_library()]

tempos = st.builds(
    lambda e, b, c, t: f"{e}-{b}-{c}-{t}",
    st.sampled_from(["X", "1", "2", "3", "4"]),
    st.sampled_from(["0", "1", "2"]),
    st.sampled_from(["X", "1", "2", "3"]),
    st.sampled_from(["0", "1", "2"]),
)
rests = st.one_of(
    st.integers(1, 90).map(lambda s: f"{s}s"),
    st.tuples(st.integers(5, 45), st.integers(0, 45)).map(lambda p: f"{p[0]}-{p[0] + p[1]}s"),
)


@st.composite
def work(draw, allow_hold=True) -> list[str]:
    if allow_hold and draw(st.booleans()) and draw(st.booleans()):
        return [f"hold: {draw(st.integers(5, 45))}s"]
    lo = draw(st.integers(1, 8))
    hi = lo + draw(st.integers(0, 4))
    return [f"reps: {lo}" if lo == hi else f"reps: {lo}-{hi}"]


@st.composite
def entry(draw, in_group: str | None = None) -> list[str]:
    lines = [f"exercise: {draw(st.sampled_from(IDS))}"]
    if in_group != "intervals":
        lines += draw(work(allow_hold=in_group != "emom"))
    if draw(st.booleans()):
        lines.append(f"per_side: {str(draw(st.booleans())).lower()}")
    if draw(st.booleans()):
        lines.append(f"tempo: {draw(tempos)}")
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"count: {draw(st.sampled_from(['voice', 'reps', 'metronome']))}")
    if in_group is None:
        lines.append(f"sets: {draw(st.integers(1, 4))}")
        if lines[1].startswith("reps:") and draw(st.integers(0, 3)) == 0:
            lines.append(f"warmup_sets: {draw(st.integers(1, 2))}")
        lines.append(f"rest: {draw(rests)}")
        lines.append(f"rest_after: {draw(rests)}")
    return lines


def as_item(lines: list[str], indent: int) -> str:
    pad = " " * indent
    return f"{pad}- {lines[0]}\n" + "".join(f"{pad}  {line}\n" for line in lines[1:])


@st.composite
def group(draw) -> str:
    kind = draw(st.sampled_from(["superset", "circuit", "emom", "amrap", "intervals", "tabata"]))
    member_kind = {"tabata": "intervals"}.get(kind, kind)
    n = draw(st.integers(1, 3))
    head = f"      - {kind}:\n"
    body = []
    if kind in ("superset", "circuit", "emom", "intervals"):
        body.append(f"rounds: {draw(st.integers(1, 4))}")
    if kind in ("superset", "circuit"):
        body += [f"transition: {draw(st.integers(0, 20))}s", f"rest: {draw(rests)}"]
    if kind == "emom":
        body.append(f"every: {draw(st.integers(30, 120))}s")
    if kind == "amrap":
        body += [f"time: {draw(st.integers(1, 6))}m", f"remaining_every: {draw(st.integers(20, 120))}s"]
    if kind == "intervals":
        body += [f"work: {draw(st.integers(5, 60))}s", f"rest: {draw(st.integers(3, 30))}s"]
    text = head + "".join(f"          {line}\n" for line in body) + "          exercises:\n"
    for _ in range(n):
        text += as_item(draw(entry(in_group=member_kind)), 12)
    return text


@st.composite
def routines(draw) -> str:
    defaults = [
        f"rep_range: {draw(st.sampled_from(['range', 'bottom', 'top']))}",
        f"rest_policy: {draw(st.sampled_from(['min', 'mid', 'max']))}",
        f"count: {draw(st.sampled_from(['voice', 'reps', 'metronome']))}",
        f"verbosity: {draw(st.sampled_from(['minimal', 'standard', 'coach']))}",
        f"lead_in: {draw(st.integers(1, 6))}s",
        f"switch: {draw(st.integers(1, 10))}s",
    ]
    text = "title: Generated\ndefaults:\n" + "".join(f"  {d}\n" for d in defaults) + "blocks:\n"
    for b in range(draw(st.integers(1, 3))):
        text += f"  - name: Block {b}\n    exercises:\n"
        for _ in range(draw(st.integers(1, 3))):
            text += draw(group()) if draw(st.integers(0, 3)) == 0 else as_item(draw(entry()), 6)
    return text


def load_generated(text: str) -> Routine | None:
    """A generated routine, or None where the loader refuses it: only an EMOM whose work does
    not fit its interval may be refused (anything else fails the test)."""
    try:
        return loads(text, "generated.yaml")
    except RoutineError as exc:
        assert all("EMOM interval" in line for line in str(exc).splitlines()), str(exc)
        return None


def at_speed(speed: float):
    """The clip estimate for a voice ``speed`` times as slow (speech only; tones keep their length)."""
    return lambda kind, t: max(1, int(estimate_ms(kind, t) * (speed if kind == "speech" else 1)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=routines(), speech_speed=st.sampled_from([0.3, 1.0, 2.0, 4.0]))
def test_generated_routines_keep_time(text: str, speech_speed: float):
    routine = load_generated(text)
    if routine is None:
        return
    tl = compile_routine(routine, at_speed(speech_speed))
    check_invariants(routine, tl)
    # Each beat cue sits on its rep's grid: a rep's first cue starts lead-in + k x rep_ms into the set.
    for seg in tl.of_kind("segment"):
        if seg.role != "work":
            continue
        starts = [
            e
            for e in tl.sounds
            if seg.start_ms <= e.start_ms < seg.end_ms and e.role in ("rep_start", "tick_accent") and e.rep is not None
        ]
        firsts = {}
        for e in starts:
            firsts.setdefault(e.rep, e.start_ms)
        if len(firsts) >= 2:
            reps = sorted(firsts)
            gaps = {firsts[b] - firsts[a] for a, b in zip(reps, reps[1:]) if b == a + 1}
            if routine.settings.rep_range == "range":  # the pause after a range's bottom
                gaps.discard(min(gaps) + RANGE_PAUSE_MS)
            assert len(gaps) <= 1, (seg, firsts)


# --------------------------------------------------------------------------- counting

NUMBER_WORDS = {number_words(i) for i in range(0, 100)} | {
    w for i in range(21, 100) for w in number_words(i).split("-")
}


def _numbers_in(text: str) -> list[str]:
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
    return [w for w in words if w in NUMBER_WORDS]


def _entry_of(routine, seg):
    item = routine.items[seg.exercise]
    if isinstance(item, Group):
        if item.kind in ("amrap", "intervals"):
            return None
        return item.members[seg.member]
    return item


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=routines(), speech_speed=st.sampled_from([0.3, 0.6, 1.0]))
def test_every_rep_number_is_heard_in_its_rep_and_means_only_that(text: str, speech_speed: float):
    """In every set counted aloud, each rep's number starts on its rep and ends within it,
    and no number said during the reps is anything but the rep number (seconds are ticks)."""
    routine = load_generated(text)
    if routine is None:
        return
    tl = compile_routine(routine, at_speed(speech_speed))
    lead = 0  # a work window opens on its first rep
    for seg in tl.of_kind("segment"):
        entry = _entry_of(routine, seg) if seg.role == "work" else None
        if entry is None or entry.reps is None or count_mode(entry, routine.settings.count) == "metronome":
            continue
        warmup = entry is routine.items[seg.exercise] and seg.set <= entry.warmup_sets
        n = entry.reps.counted("bottom" if warmup else routine.settings.rep_range)
        rep_ms = entry.steps * entry.tempo.rep_ms  # alternating legs: a rep is a step with each
        reps_start = seg.start_ms + lead
        inside = [e for e in tl.sounds if reps_start <= e.start_ms < seg.end_ms and e.kind == "speech"]
        low = entry.reps.low
        pause = range_pause_ms(entry, "bottom" if warmup else routine.settings.rep_range)
        for rep in range(1, n + 1):
            t0 = reps_start + (rep - 1) * rep_ms + (pause if rep > low else 0)
            calls = [e for e in inside if e.role == "rep_start" and e.rep == rep]
            assert len(calls) == 1, (seg, rep, calls)
            call = calls[0]
            assert call.start_ms == t0 and call.end_ms <= t0 + rep_ms, (call, t0)
            assert _numbers_in(call.text) == [number_words(rep)], call  # every rep, the last too
        for e in inside:
            said = _numbers_in(e.text)
            if e.role == "rep_start":
                assert said == [number_words(e.rep)], e  # the rep number, once, and no other
            elif e.role not in ("two_more", "more_reps"):  # "Two more." names what is left, not a count
                assert said == [], e
