"""The compiler: timing on the beat, exact windows, no overlaps, visible fitting."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.fit import GAP_MS
from audiocoach.load.routine import load_routine, loads
from audiocoach.timeline import Timeline, overlaps
from audiocoach.timing import pick_rest
from helpers import check_invariants

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

_spec = importlib.util.spec_from_file_location("regen_golden", ROOT / "scripts" / "regen_golden.py")
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)
SHIPPED = regen.golden_routines()


def compile_text(text: str, measure=estimate_ms) -> Timeline:
    return compile_routine(loads(text, "routine.yaml"), measure)


def one_exercise(entry: str, defaults: str = "") -> str:
    return f"title: T\n{defaults}blocks:\n  - name: B\n    exercises:\n" + "".join(
        f"      {line}\n" for line in entry.strip().splitlines()
    )


def beats_of_rep(tl: Timeline, rep: int, set_no: int = 1, exercise: int = 0) -> list[tuple[int, str]]:
    """(offset from the rep's start, role) of the beat cues of one rep."""
    evs = [
        e
        for e in tl.sounds
        if e.rep == rep
        and e.set == set_no
        and e.exercise == exercise
        and e.side in (None, 1)
        and e.role not in ("two_more", "last_rep", "more_reps")  # these flow between the beats
    ]
    t0 = min(e.start_ms for e in evs)
    return [(e.start_ms - t0, e.role) for e in sorted(evs, key=lambda e: e.start_ms)]


# --------------------------------------------------------------------------- golden


PAIRS = regen.golden_pairs()


@pytest.mark.parametrize("source, expected", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_script(source: Path, expected: Path):
    """Each small structure fixture and each shipped routine compiles to its reviewed script."""
    assert expected.exists(), f"no golden for {source.name}: run scripts/regen_golden.py"
    assert regen.render(source) == expected.read_text(encoding="utf-8"), (
        f"{source.name} compiles differently from {expected.name}; if intended, run scripts/regen_golden.py and review the diff"
    )


def test_every_golden_input_has_a_script_and_every_script_an_input():
    scripts = set(GOLDEN.glob("*/*.script"))
    assert scripts == {expected for _, expected in PAIRS}
    assert len(PAIRS) >= 18


@pytest.mark.parametrize("source", [s for s, _ in PAIRS], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_timeline_round_trips(source: Path):
    tl = compile_routine(load_routine(source), estimate_ms)
    again = Timeline.from_json(tl.to_json())
    assert again == tl and again.to_json() == tl.to_json()


# --------------------------------------------------------------------------- properties


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_routine_properties(path: Path):
    routine = load_routine(path)
    tl = compile_routine(routine, estimate_ms)
    check_invariants(routine, tl)
    sounds = sorted(tl.sounds, key=lambda e: e.start_ms)
    for a, b in zip(sounds, sounds[1:]):
        assert b.start_ms >= a.end_ms + GAP_MS, (a, b)


def test_posterior_chain_has_every_seed_exercise_in_order():
    routine = load_routine(ROOT / "routines" / "posterior-chain.yaml")
    ids = [e.exercise.id for e in routine.entries]
    assert routine.items[0].kind == "circuit" and routine.items[0].rounds == 2
    assert ids == [
        "banded-glute-bridge",
        "bird-dog",
        "banded-lateral-walk",
        "bodyweight-hip-hinge",
        "romanian-deadlift",
        "hip-thrust",
        "walking-lunge",
        "hamstring-curl-machine",
        "banded-glute-kickback",
        "glute-bridge-hold",
        "hamstring-stretch",
        "pigeon-pose",
        "figure-four-stretch",
    ]
    doses = [e.dose for e in routine.entries]
    assert doses[:4] == ["1 x 15", "1 x 10 per side", "1 x 15 per direction", "1 x 10"]  # x 2 rounds
    assert doses[4:10] == [
        "4 x 8-10",
        "4 x 10-12",
        "3 x 12 per leg, alternating",
        "3 x 15",
        "3 x 12-15 per side",
        "2 x 30s",
    ]
    for entry in routine.entries[4:10]:
        assert 45_000 <= pick_rest(entry.rest, "mid") <= 90_000


# --------------------------------------------------------------------------- tempo grid


@pytest.mark.parametrize(
    "tempo, start, expected",
    [
        # A hinge lowers and drives; the seconds inside a phase are ticks, never numbers. The
        # rep's number is a clip of its own and its first word follows it (one offset for the
        # whole set, after its longest number: "three"), so the tick that call covers is left out.
        ("3-1-1-0", "eccentric", [(0, "two"), (630, "lower"), (2000, "tick"), (3000, "hold"), (4000, "drive")]),
        # A one-second first phase has no room for its word after the number: the number starts it.
        ("2-0-1-2", "concentric", [(0, "two"), (1000, "stand tall"), (2000, "tick"), (3000, "lower"), (4000, "tick")]),
        ("4-0-1-0", "eccentric", [(0, "two"), (630, "lower"), (2000, "tick"), (3000, "tick"), (4000, "drive")]),
        # Too quick for a word per phase: the rep number alone.
        ("X-0-X-0", "eccentric", [(0, "two")]),
        # An explosive phase (0.5 s) gets no word; the top pause after it does not either (1 s minimum).
        ("3-0-X-1", "eccentric", [(0, "two"), (630, "lower"), (2000, "tick"), (3500, "stand tall")]),
    ],
)
def test_beat_grid(tempo: str, start: str, expected):
    tl = compile_text(
        one_exercise(f"- exercise: romanian-deadlift\n  start: {start}\n  sets: 1\n  reps: 6\n  tempo: {tempo}")
    )
    rep_ms = {"3-1-1-0": 5000, "2-0-1-2": 5000, "4-0-1-0": 5000, "X-0-X-0": 1000, "3-0-X-1": 4500}[tempo]
    assert [
        (
            t,
            next(
                e.text
                for e in tl.sounds
                if e.rep == 2 and e.role == r and e.start_ms - min(x.start_ms for x in tl.sounds if x.rep == 2) == t
            ),
        )
        for t, r in beats_of_rep(tl, 2)
    ] == expected
    starts = [min(e.start_ms for e in tl.sounds if e.rep == rep) for rep in (1, 2, 3, 4)]
    assert {b - a for a, b in zip(starts, starts[1:])} == {rep_ms}


def test_rep_number_said_once_per_rep_and_the_end_is_called():
    tl = compile_text(one_exercise("- exercise: romanian-deadlift\n  sets: 1\n  reps: 5"))
    firsts = [e.text for e in tl.sounds if e.role == "rep_start"]
    assert firsts == ["one", "two", "three", "four", "five"]
    # "Two more." in rep three's free time, "Last rep." in the last rep's: between its beats, never instead.
    ahead = [(e.rep, e.text) for e in tl.sounds if e.role in ("two_more", "last_rep")]
    assert ahead == [(3, "Two more."), (5, "Last rep.")]
    for rep in (3, 5):
        assert beats_of_rep(tl, rep) == beats_of_rep(tl, 2)
        beats = [e for e in tl.sounds if e.rep == rep and e.role not in ("two_more", "last_rep")]
        for cue in (e for e in tl.sounds if e.rep == rep and e.role in ("two_more", "last_rep")):
            assert all(cue.end_ms + GAP_MS <= b.start_ms or b.end_ms + GAP_MS <= cue.start_ms for b in beats)


@pytest.mark.parametrize(
    "exercise, first, later",
    [
        # A one-second lift: its number starts it, "squeeze" is on the next beat.
        ("hip-thrust", "one", ["squeeze", "lower"]),
        ("bird-dog", "one", ["hold", "return"]),
        ("banded-lateral-walk", "one", ["step"]),
        ("romanian-deadlift", "one", ["lower", "hold", "drive"]),
    ],
)
def test_phase_words_follow_the_movement(exercise: str, first: str, later: list[str]):
    tl = compile_text(one_exercise(f"- exercise: {exercise}\n  sets: 1\n  reps: 4"))
    rep1 = sorted(
        (e for e in tl.sounds if e.rep == 1 and e.kind == "speech" and e.side in (None, 1)), key=lambda e: e.start_ms
    )
    assert [e.text for e in rep1] == [first] + later


def test_count_reps_mode_per_exercise_says_only_rep_numbers():
    tl = compile_text(one_exercise("- exercise: romanian-deadlift\n  sets: 1\n  reps: 3\n  count: reps"))
    in_reps = [e.text for e in tl.sounds if e.rep is not None]
    assert in_reps == ["one", "two", "three", "Last rep."]


def test_every_rep_number_survives_slow_speech():
    """A long rep number pushes the phase word and ticks aside, never the other way round."""
    slow = lambda kind, text: estimate_ms(kind, text) * (3 if kind == "speech" else 1)  # noqa: E731
    tl = compile_text(
        one_exercise("- exercise: romanian-deadlift\n  sets: 1\n  reps: 12\n  tempo: 2-0-1-0"), measure=slow
    )
    heard = {e.rep for e in tl.sounds if e.role in ("rep_start", "last_rep")}
    assert heard == set(range(1, 13))
    assert not any(c.role == "rep_start" for c in tl.changes if c.action == "dropped")


def test_metronome_speaks_nothing_during_reps():
    tl = compile_text(
        one_exercise("- exercise: romanian-deadlift\n  sets: 1\n  reps: 2", defaults="defaults:\n  count: metronome\n")
    )
    rep_sounds = [e for e in tl.sounds if e.rep is not None]
    assert {e.kind for e in rep_sounds} == {"tone"}
    # 3-1-1-0: accents at 0, 3000, 4000; plain ticks at 1000, 2000.
    t0 = min(e.start_ms for e in rep_sounds)
    first = sorted((e.start_ms - t0, e.text) for e in rep_sounds if e.rep == 1)
    assert first == [(0, "tick_accent"), (1000, "tick"), (2000, "tick"), (3000, "tick_accent"), (4000, "tick_accent")]


# --------------------------------------------------------------------------- rest, holds, sides


def test_rest_countdown_and_warning():
    tl = compile_text(one_exercise("- exercise: romanian-deadlift\n  sets: 2\n  reps: 1\n  rest: 60s"))
    rest = next(s for s in tl.of_kind("segment") if s.role == "rest")
    assert rest.length_ms == 60_000 + 3000  # the rest, then the next set's lead-in
    inside = [e for e in tl.sounds if rest.start_ms <= e.start_ms < rest.end_ms]
    timed = {(e.start_ms - rest.start_ms, e.text) for e in inside}
    assert (0, "stop") in timed
    assert (53_000, "Ten seconds.") in timed  # ten seconds before the first rep
    # 3-2-1 a second apart, then the go tone, which ends a gap before the next set's first rep.
    assert {(59_650, "three"), (60_650, "two"), (61_650, "one"), (62_650, "go")} <= timed
    spoken = [e.text for e in inside if e.kind == "speech"]
    assert spoken[:3] == ["Rack the bar.", "Rest, a minute.", "Next, the last set."]
    # The brace, "Ten seconds.", the set's name, the count: the last things said before the set.
    brace = "Big breath in, brace your core, then hinge."
    assert spoken[-6:] == [brace, "Ten seconds.", "Last set.", "three", "two", "one"]
    nxt = next(e for e in tl.sounds if e.start_ms >= rest.end_ms)
    assert (nxt.start_ms, nxt.text) == (rest.end_ms, "one")


def test_rest_range_policy():
    entry = "- exercise: romanian-deadlift\n  sets: 2\n  reps: 1\n  rest: 45-90s"
    # The middle of 45-90 s is 67.5 s: the rest lands on whole 5 s ("sixty-five seconds").
    for policy, expected in (("min", 45_000), ("mid", 65_000), ("max", 90_000)):
        tl = compile_text(one_exercise(entry, defaults=f"defaults:\n  rest_policy: {policy}\n"))
        rest = next(s for s in tl.of_kind("segment") if s.role == "rest")
        assert rest.length_ms == expected + 3000  # and the next set's lead-in


def test_per_side_each_side_full_and_switch_window():
    tl = compile_text(one_exercise("- exercise: banded-glute-kickback\n  sets: 1\n  reps: 3\n  tempo: 2-0-1-0"))
    segs = [s for s in tl.of_kind("segment") if s.exercise == 0 and s.role in ("work", "switch")]
    assert [s.role for s in segs] == ["work", "switch", "work"]
    lunge_rep = 3000  # 2-0-1-0
    assert segs[0].length_ms == segs[2].length_ms == 3 * lunge_rep
    assert segs[1].length_ms == 5000 + 3000  # the switch, then the other side's lead-in
    said = [e.text for e in tl.sounds if segs[1].start_ms <= e.start_ms < segs[1].end_ms]
    assert said == ["stop", "Switch sides.", "Other side.", "three", "two", "one", "go"]


def test_hold_cues():
    tl = compile_text(one_exercise("- exercise: glute-bridge-hold\n  sets: 1\n  hold: 30s"))
    work = next(s for s in tl.of_kind("segment") if s.role == "work")
    assert work.length_ms == 30_000
    timed = [(e.start_ms - work.start_ms, e.text) for e in tl.sounds if work.start_ms <= e.start_ms < work.end_ms]
    assert timed[0] == (0, "Hold.")  # on the go
    assert (20_000, "Ten seconds.") in timed
    assert [t for t in timed if t[1] in ("three", "two", "one")] == [
        (27_000, "three"),
        (28_000, "two"),
        (29_000, "one"),
    ]


def test_rep_range_modes():
    """bottom counts 2, top counts 4; range counts 2, pauses 3 s for "Two more if you have
    them." and counts the optional 3 and 4 on the same tempo after it."""
    entry = "- exercise: romanian-deadlift\n  sets: 1\n  reps: 2-4"
    lengths = {}
    for mode in ("bottom", "top", "range"):
        tl = compile_text(one_exercise(entry, defaults=f"defaults:\n  rep_range: {mode}\n"))
        work = next(s for s in tl.of_kind("segment") if s.role == "work")
        lengths[mode] = work.length_ms
        more = [e for e in tl.sounds if e.role == "more_reps"]
        starts = {e.rep: e.start_ms - work.start_ms for e in tl.sounds if e.role == "rep_start"}
        if mode == "range":
            assert [(e.rep, e.text) for e in more] == [(2, "Two more if you have them.")]
            assert starts[2] + 5000 <= more[0].start_ms - work.start_ms and more[0].end_ms - work.start_ms < starts[3]
            assert starts == {1: 0, 2: 5000, 3: 13000, 4: 18000}  # the window opens on rep one
        else:
            assert more == []
    assert lengths == {"bottom": 2 * 5000, "top": 4 * 5000, "range": 4 * 5000 + 3000}


# --------------------------------------------------------------------------- fit


def test_cue_that_cannot_fit_is_shortened_or_dropped_visibly():
    text = (
        "title: T\nblocks:\n  - name: B\n    exercises:\n"
        "      - exercise: romanian-deadlift\n        reps: 1\n        rest_after: 3s\n"
        "      - exercise: hip-thrust\n        reps: 1\n        sets: 3\n"
    )
    tl = compile_text(text)
    rest = [s for s in tl.of_kind("segment") if s.role == "rest" and s.set is None][0]
    assert rest.length_ms == 3000 + 3000  # the rest keeps its length (and the next set's lead-in)
    assert [str(c) for c in tl.changes] == [
        "routine.yaml:8:9: warning: The rest before Hip thrust is 3 s, too short to announce it (left out: 'B"
        "reathe in and brace, then drive.', 'Roll the bar over your hips and plant your feet flat.', 'Sit on "
        "the floor with your upper back against the bench.', 'Last exercise: Hip thrust, three sets of one. U"
        "p, a two-second squeeze, then lower for two seconds.', 'Get ready. Set one of three.'; shortened: 'R"
        "est, three seconds.' (said as 'Rest.')). Make rest_after on Romanian deadlift at least 25 s, or use "
        "verbosity minimal"
    ]
    assert overlaps(tl.events) == []


def test_warnings_say_the_moment_and_the_fix():
    slow = lambda kind, text: estimate_ms(kind, text) * 3  # noqa: E731
    tl = compile_text(
        one_exercise("- exercise: kettlebell-swing\n  sets: 2\n  reps: 6\n  tempo: 1-0-1-0\n  rest: 10s"), measure=slow
    )
    said = [str(c) for c in tl.changes]
    assert (
        "routine.yaml:5:9: warning: The rest between sets of Kettlebell swing is 10 s, too short for 'Next, the last set.': "
        "it is left out. Make rest at least 45 s, or use verbosity minimal"
    ) in said
    assert (
        "routine.yaml:5:9: warning: During the rest after Kettlebell swing (10 s) the call 'three' runs into the next one: "
        "it is left out. Use a faster speech rate (--rate) or a shorter voice (3 times in this session)"
    ) in said
    assert not any("ms" in s.split("warning: ")[1] for s in said), said  # no milliseconds, no cue roles


def test_beats_never_move_even_with_slow_speech():
    slow = lambda kind, text: estimate_ms(kind, text) * 3  # noqa: E731
    tl = compile_text(one_exercise("- exercise: romanian-deadlift\n  sets: 1\n  reps: 2"), measure=slow)
    assert overlaps(tl.events) == []
    for rep in (1, 2):
        # The first phase's word trails the number (its own clip, wherever the number ends).
        beats = beats_of_rep(tl, rep)
        assert beats[:2] == [(0, "rep_start"), (beats[1][0], "phase")] and beats[1][0] > 0
        offsets = [t for t, _ in beats[:1] + beats[2:]]
        assert set(offsets) <= {0, 1000, 2000, 3000, 4000}
    assert any(c.action in ("dropped", "shortened") for c in tl.changes)


def test_intro_states_total_minutes():
    routine = load_routine(ROOT / "routines" / "posterior-chain-essentials.yaml")
    tl = compile_routine(routine, estimate_ms)
    intro = tl.sounds[0]
    from audiocoach.words.phrases import number_words

    assert f"About {number_words(round(tl.duration_ms / 60000))} minutes" in intro.text


def test_verbosity_levels():
    entry = "- exercise: romanian-deadlift\n  sets: 3\n  reps: 1"
    roles = {}
    for level in ("minimal", "standard", "coach"):
        tl = compile_text(one_exercise(entry, defaults=f"defaults:\n  verbosity: {level}\n"))
        roles[level] = {e.role for e in tl.sounds}
    assert roles["minimal"] <= {
        "intro",  # the title, and the exercise's name: nothing else but counts and tones
        "announce",
        "go",
        "stop",
        "end",
        "rep_start",
        "tick",
        "phase",
        "countdown",
        "ten_seconds",
        "hold_start",
        "halfway",
    }
    assert "announce" in roles["standard"] and "form" in roles["standard"]
    assert "encourage" not in roles["standard"] and "encourage" in roles["coach"]


def test_phrase_override_is_used():
    tl = compile_text(
        "title: T\nphrases:\n  rest: 'Breathe. {duration}.'\nblocks:\n  - name: B\n    exercises:\n"
        "      - exercise: romanian-deadlift\n        sets: 2\n        reps: 1\n"
    )
    assert "Breathe. a minute." in [e.text for e in tl.sounds]


def test_compile_routine_runs_its_declared_passes_and_a_subset_runs_alone():
    from audiocoach.compile.compiler import PASSES, Compilation, run_passes
    from audiocoach.words.phrases import default_phrasebook

    assert [p.__name__ for p in PASSES] == ["expand_pass", "fit_pass", "layout_pass", "labels_pass", "chapters_pass"]
    routine = loads(one_exercise("- exercise: romanian-deadlift\n  sets: 2\n  reps: 2"), "routine.yaml")
    first_two = run_passes(Compilation(routine, default_phrasebook(), estimate_ms, 1), PASSES[:2])
    assert [s.role for s in first_two.segments] == ["intro", "setup", "work", "rest", "work", "outro"]
    assert len(first_two.fitted) == 6 and first_two.events == [] and first_two.chapters == []
    every = run_passes(Compilation(routine, default_phrasebook(), estimate_ms, 1))
    assert every.duration_ms == sum(f.length_ms for f in every.fitted) and len(every.chapters) == 2


def test_segments_carry_their_label_and_the_script_reads_no_chapter_title():
    """Export reads the timeline, not chapter titles parsed back (issue 30): every named
    segment says what it is, the label survives the JSON, and the script is the same without
    the chapters."""
    import dataclasses

    from audiocoach.export.script import script
    from audiocoach.timeline import Timeline

    routine = load_routine(ROOT / "routines" / "superset-hinge-and-thrust.yaml")
    timeline = compile_routine(routine, estimate_ms)
    work = [e for e in timeline.of_kind("segment") if e.role == "work"]
    assert work[0].label == "Superset, Romanian deadlift, round 1"
    assert all(e.label for e in work)
    assert Timeline.from_json(timeline.to_json()) == timeline
    no_chapters = dataclasses.replace(timeline, events=tuple(e for e in timeline.events if e.kind != "chapter"))
    assert script(no_chapters) == script(timeline)
