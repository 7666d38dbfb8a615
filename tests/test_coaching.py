"""Coaching language (issue 19): what an experienced coach says, when a lifter needs it.

Rules are checked on the shipped routines and every week of the shipped program, compiled
with the deterministic estimate (no speech engine), and on small routines nobody shipped.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.approach import GO_AHEAD_MS
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.compile.counting import count_mode
from audiocoach.load.overrides import apply_overrides, parse_override
from audiocoach.load.routine import load_routine, loads
from audiocoach.model import Group, Routine
from audiocoach.program.programs import load_program, sessions
from audiocoach.timeline import Timeline
from audiocoach.timing import range_pause_ms
from audiocoach.words.phrases import confusable, default_phrasebook, number_words

NUMBERS = {number_words(n) for n in range(0, 100)}

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = sorted(p for p in (ROOT / "routines").glob("*.yaml") if "blocks:" in p.read_text(encoding="utf-8"))
PROGRAM = ROOT / "routines" / "posterior-chain-6-weeks.yaml"


@functools.cache
def shipped() -> tuple[tuple[str, Routine], ...]:
    """Every shipped routine and every session of the shipped program, by name."""
    out = [(p.name, load_routine(p)) for p in ROUTINES]
    out += [(s.key, s.routine) for s in sessions(load_program(PROGRAM)) if s.routine is not None]
    return tuple(out)


@functools.cache
def compiled(name: str) -> Timeline:
    return compile_routine(dict(shipped())[name], estimate_ms)


def one(entry: str, defaults: str = "") -> Routine:
    body = "".join(f"      {line}\n" for line in entry.strip().splitlines())
    return loads(f"title: T\n{defaults}blocks:\n  - name: B\n    exercises:\n{body}", "routine.yaml")


def _entry_of(routine: Routine, seg):
    item = routine.items[seg.exercise]
    if isinstance(item, Group):
        return None if item.kind in ("amrap", "intervals") else item.members[seg.member]
    return item


def _last_rep_called(routine: Routine, tl: Timeline, call: bool = True) -> list[str]:
    """Sets of 3+ counted reps whose last rep does not start on its number and, when a rep is
    a hinge of 5 s or more, say "Last rep." inside it (a rep without free time for it goes
    without: its number and the stop tone end the set); numbers in the routine's language."""
    book = default_phrasebook(routine.language_code)
    missing = []
    lead = 0  # a work window opens on its first rep
    for seg in tl.of_kind("segment"):
        entry = _entry_of(routine, seg) if seg.role == "work" else None
        if entry is None or entry.reps is None or count_mode(entry, routine.settings.count) == "metronome":
            continue
        warmup = entry is routine.items[seg.exercise] and seg.set <= entry.warmup_sets
        mode = "bottom" if warmup else routine.settings.rep_range
        n = entry.reps.counted(mode)
        if n < 3:
            continue
        rep_ms = entry.steps * entry.tempo.rep_ms  # alternating legs: a rep is a step with each
        t0 = seg.start_ms + lead + (n - 1) * rep_ms + range_pause_ms(entry, mode)
        rep = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.rep == n and e.kind == "speech"]
        said = [e.text for e in rep if e.start_ms <= t0 < e.end_ms or e.start_ms == t0]
        called = any(e.role == "last_rep" and t0 < e.start_ms < t0 + rep_ms for e in rep)
        hinge = entry.exercise.pattern == "hinge" and entry.tempo.rep_ms >= 5000
        if said[:1] != [book.number(n)] or (call and hinge and not called):
            missing.append(f"{entry.exercise.name} set {seg.set} side {seg.side}: {[e.text for e in rep]}")
    return missing


# --------------------------------------------------------------------------- 1. "Last rep."


def test_last_rep_is_called_on_every_hinge_of_every_program_week():
    """Issue 19.1: every RDL and good-morning set of the program, the hamstring curl, ranges 8-10."""
    for name, routine in shipped():
        assert _last_rep_called(routine, compiled(name)) == [], name


def test_last_rep_survives_a_slow_override_and_a_two_wide_range():
    for tempo in ("3-1-1-0", "6-0-1-0", "4-0-1-0"):
        routine = one(f"- exercise: romanian-deadlift\n  sets: 2\n  reps: 8-10\n  tempo: {tempo}")
        tl = compile_routine(routine, estimate_ms)
        assert _last_rep_called(routine, tl) == []
        calls = [e for e in tl.sounds if e.role == "last_rep"]
        assert [(e.rep, e.text) for e in calls] == [(10, "Last rep.")] * 2
        assert not any("too quick" in str(c) for c in tl.changes), tl.changes


# --------------------------------------------------------------------------- 4. the first set's countdown


def _first_work(tl: Timeline):
    return next(s for s in tl.of_kind("segment") if s.role == "work")


def _has_countdown(tl: Timeline, routine: Routine) -> bool:
    """Ten seconds before the first rep, then 3-2-1 a second apart and the go tone right before
    it, in the routine's language."""
    book = default_phrasebook(routine.language_code)
    rep1 = _first_work(tl).start_ms
    said = {(rep1 - e.start_ms, e.text) for e in tl.sounds}
    warned = any(e.text == book.templates["ten_seconds"][0] and rep1 - e.start_ms == 10_000 for e in tl.sounds)
    go = GO_AHEAD_MS
    count = {(go + n * 1000, book.number(n)) for n in (3, 2, 1)}
    return warned and count | {(go, "go")} <= said


def test_first_set_of_every_session_gets_ten_seconds_and_a_countdown():
    for name, routine in shipped():
        tl = compiled(name)
        assert _has_countdown(tl, routine), name
        intro = next(s for s in tl.of_kind("segment") if s.role == "intro")
        last_intro_word = max(e.end_ms for e in tl.sounds if e.end_ms <= intro.end_ms)
        assert _first_work(tl).start_ms - last_intro_word >= 10_000, name  # time to get into position


# --------------------------------------------------------------------------- 6. rep ranges


def test_more_if_you_have_them_in_the_last_required_rep_of_every_range():
    for name, routine in shipped():
        tl = compiled(name)
        for e in (e for e in tl.sounds if e.role == "more_reps"):
            entry = _entry_of(routine, e)
            assert e.rep == entry.reps.low, (name, e)


def test_more_if_you_have_them_on_an_rdl_range_is_said_in_rep_eight():
    """Issue 26.2: eight are counted, then a pause for "Two more if you have them.", then
    nine and ten on the same tempo: a lifter who stops at eight is not behind the count."""
    tl = compile_routine(one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 8-10"), estimate_ms)
    more = [e for e in tl.sounds if e.role == "more_reps"]
    assert [(e.rep, e.text) for e in more] == [(8, "Two more if you have them.")]
    calls = {e.rep: e.start_ms for e in tl.sounds if e.role == "rep_start"}
    assert calls[8] + 5000 <= more[0].start_ms and more[0].end_ms < calls[9] == calls[8] + 5000 + 3000
    assert calls[10] - calls[9] == 5000
    assert tl.changes == ()


# --------------------------------------------------------------------------- the property over all sessions


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=200),
    speed=st.sampled_from([0.8, 1.0, 1.25]),
    tempo=st.sampled_from([None, "3-1-1-0", "4-0-1-0", "2-0-1-2", "6-0-1-0"]),
)
def test_property_every_shipped_session_is_coached_right(index: int, speed: float, tempo: str | None):
    """Over the shipped routines and program weeks (at several speech speeds, with the hinge's
    tempo overridden): the last rep is called, the first set has its countdown."""
    name, routine = shipped()[index % len(shipped())]
    if tempo is not None and any(e.exercise.id == "romanian-deadlift" for e in routine.entries):
        routine = apply_overrides(routine, [parse_override("tempo", f"romanian-deadlift={tempo}")], strict=False)
    measure = lambda kind, text: max(1, int(estimate_ms(kind, text) * (speed if kind == "speech" else 1)))  # noqa: E731
    tl = compile_routine(routine, measure)
    # A slower voice or a tempo override may leave a rep no free stretch for "Last rep.": then
    # the set goes without it (its number and the stop tone end it), by design.
    assert _last_rep_called(routine, tl, call=speed <= 1.0 and tempo is None) == [], name
    assert _has_countdown(tl, routine), name
    assert _repeats(tl) == [], name
    phase_words = {e.text for e in tl.sounds if e.role in ("phase", "rep_start") and e.kind == "speech"}
    assert [w for w in phase_words if w not in NUMBERS and confusable(w)] == [], name


def _repeats(tl: Timeline) -> list[tuple[str, str]]:
    """Consecutive spoken cues that say the same thing (or one repeats the other's start); the go
    tone stands between a countdown's "one" and the first rep's."""
    heard = sorted((e for e in tl.sounds if e.kind == "speech" or e.text == "go"), key=lambda e: e.start_ms)
    said = [e.text.rstrip(".") if e.kind == "speech" else "[go]" for e in heard]
    return [(a, b) for a, b in zip(said, said[1:]) if a == b or b.startswith(a + ".") or a.startswith(b + ".")]


# --------------------------------------------------------------------------- 7. warnings and their fixes

TIGHT = [
    "- exercise: kettlebell-swing\n  sets: 2\n  reps: 6\n  tempo: 1-0-1-0\n  rest: 10s",
    "- exercise: romanian-deadlift\n  sets: 3\n  reps: 8\n  rest: 8s\n  rest_after: 5s\n"
    "- exercise: hip-thrust\n  sets: 2\n  reps: 10-12\n  rest: 10s",
    "- exercise: walking-lunge\n  sets: 2\n  reps: 6\n  per_side: true\n  rest: 20s",
]


def _fixed_sessions():
    for name, routine in shipped():
        yield name, routine, 1.0
        yield name, routine, 1.4  # a slower voice: more to warn about
    for i, text in enumerate(TIGHT):
        yield f"tight-{i}", one(text), 1.0
        yield f"tight-{i}", one(text), 2.0


def test_every_warnings_fix_applied_removes_it():
    """Issue 19.7: the advice is never circular or wrong: its fix, applied, removes the warning."""
    from audiocoach.compile.advice import apply_fix

    checked = 0
    for name, routine, speed in _fixed_sessions():
        measure = lambda kind, text, s=speed: max(1, int(estimate_ms(kind, text) * (s if kind == "speech" else 1)))  # noqa: E731
        for change in compile_routine(routine, measure).changes:
            if not change.fix:
                assert "--rate" in change.advice, change  # only the voice's speed is not a routine setting
                continue
            after = compile_routine(apply_fix(routine, change.fix), measure).changes
            same = [c for c in after if (c.role, c.text, c.where) == (change.role, change.text, change.where)]
            assert same == [], (name, speed, str(change), change.fix, [str(c) for c in same])
            checked += 1
    assert checked >= 5


def test_advice_never_suggests_what_the_routine_already_does():
    for text in TIGHT:
        for count in ("voice", "reps"):
            routine = one(text, defaults=f"defaults:\n  count: {count}\n")
            slow = lambda kind, t: estimate_ms(kind, t) * (3 if kind == "speech" else 1)  # noqa: E731
            for change in compile_routine(routine, slow).changes:
                assert f"use count: {count}" not in change.advice, change
                assert "Make lead_in at least 3 s" not in change.advice, change


TIGHT_ROUTINE = """\
title: Tight
defaults:
  engine: espeak-ng
blocks:
  - name: B
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 3
        rest: 8s
        rest_after: 6s
      - exercise: hip-thrust
        sets: 1
        reps: 3
"""
TIGHT_PROGRAM = "title: P\nweeks: 1\ndays:\n  - day: Monday\n    routine: tight.yaml\nprogression:\n  - reps: +1\n"


@pytest.mark.engine
def test_validate_plan_build_and_batch_print_the_same_warnings(runner, tmp_path, cli_env, monkeypatch):
    """Issue 19.7: one decision, one warning, whichever command reports it (routine and program)."""
    from audiocoach.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tight.yaml").write_text(TIGHT_ROUTINE)
    (tmp_path / "p.yaml").write_text(TIGHT_PROGRAM)
    engine = ["--engine", "espeak-ng"]

    def lines(result, prefix=""):
        assert result.exit_code == 0, result.output
        return sorted(x.removeprefix(prefix) for x in result.output.splitlines() if "warning:" in x)

    validate = lines(runner.invoke(cli, ["validate", "tight.yaml", *engine], env=cli_env))
    assert validate, "the tight routine should warn"
    assert lines(runner.invoke(cli, ["plan", "tight.yaml", *engine], env=cli_env), "fit: ") == validate
    assert (
        lines(runner.invoke(cli, ["build", "tight.yaml", "-o", "t.mp3", "--no-sidecars", *engine], env=cli_env))
        == validate
    )
    program = lines(runner.invoke(cli, ["validate", "p.yaml", *engine], env=cli_env))
    assert program and all(x.startswith("week-01/1-monday-tight: ") for x in program)
    assert lines(runner.invoke(cli, ["plan", "p.yaml", *engine], env=cli_env)) == program
    assert lines(runner.invoke(cli, ["batch", "p.yaml", "-o", "out", *engine], env=cli_env)) == program


def test_two_more_on_a_quick_lateral_walk_never_takes_a_step_word():
    """Issue 29.3: a 2 s step has no free time for "Two more.": it is left out, by design,
    and every step keeps its words and ticks."""
    routine = one("- exercise: banded-lateral-walk\n  sets: 1\n  reps: 15\n  per_side: true")
    slow = lambda kind, t: int(estimate_ms(kind, t) * (1.4 if kind == "speech" else 1))  # noqa: E731
    tl = compile_routine(routine, slow)
    assert [e for e in tl.sounds if e.role == "two_more"] == []
    steps = {e.rep: e.text for e in tl.sounds if e.role == "phase" and e.side == 1}
    assert set(steps) == set(range(1, 16)) and set(steps.values()) == {"step"}


# --------------------------------------------------------------------------- 10. words a lifter mishears


def test_no_phase_word_can_be_heard_as_a_side_or_a_number():
    from audiocoach.load.library import default_library, parse_library
    from audiocoach.words.phrases import confusable, default_phrasebook

    for ex in default_library():
        for phase, word in ex.phase_words:
            assert confusable(word) is None, (ex.id, phase, word)
    book = default_phrasebook()
    for key in ("phase_eccentric", "phase_concentric", "phase_pause"):
        assert all(confusable(t) is None for t in book.templates[key]), key
    with pytest.raises(ValueError, match="'lift' can be heard as a side or a number"):
        parse_library({"x": {"name": "X", "phase_words": {"concentric": "lift"}}}, "lib.yaml")
    for word in ("left", "write", "four", "won", "to"):
        assert confusable(f"push {word}") == word


def test_rests_are_said_as_a_coach_says_them():
    from audiocoach.words.phrases import spoken_duration

    assert spoken_duration(105_000) == "a minute forty-five"
    assert spoken_duration(95_000) == "a minute thirty-five"
    assert spoken_duration(75_000) == "seventy-five seconds"
    assert spoken_duration(60_000) == "a minute"
    assert spoken_duration(90_000) == "a minute and a half"


def test_emom_rests_end_at_the_top_of_the_minute_not_on_an_odd_second():
    tl = compiled("emom-swings-and-bridges.yaml")
    rests = [e.text for e in tl.sounds if e.role == "rest"]
    assert rests and set(rests) == {"Rest till the top of the minute."}


def test_blocks_are_announced_in_a_sentence_and_last_exercise_follows_the_block():
    for name, _ in shipped():
        said = [e.text for e in compiled(name).sounds if e.kind == "speech"]
        assert not any(t.startswith("Next, the ") and t[10:11].isupper() for t in said), name
    said = [e.text for e in compiled("posterior-chain-essentials.yaml").sounds if e.kind == "speech"]
    assert "On to the workout." in said


def test_form_cues_in_a_circuit_rest_name_their_exercise():
    tl = compiled("circuit-glute-activation.yaml")
    between_rounds = [s for s in tl.of_kind("segment") if s.role == "rest" and s.member is None and s.set]
    assert between_rounds
    for rest in between_rounds:
        cues = [e.text for e in tl.sounds if e.role == "form" and rest.start_ms <= e.start_ms < rest.end_ms]
        assert cues and all(":" in c for c in cues), cues


def test_make_it_count_only_for_a_loaded_single_set():
    plain = compile_routine(one("- exercise: bodyweight-hip-hinge\n  sets: 1\n  reps: 10"), estimate_ms)
    assert [e.text for e in plain.sounds if e.role == "one_set"] == ["One set."]
    loaded = compile_routine(one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 5"), estimate_ms)
    assert [e.text for e in loaded.sounds if e.role == "one_set"] == ["One set. Make it count."]


def test_tabata_work_intervals_are_rounds_not_holds_in_split_files():
    from audiocoach.export.split import pieces

    routine = dict(shipped())["tabata-swings.yaml"]
    found = pieces(compiled("tabata-swings.yaml"), routine)
    swings = [p for p in found if p.kind not in ("rest", "countdown") and "Kettlebell swing" in p.title]
    assert swings and all(p.kind == "set" and "hold" not in p.title.lower() for p in swings), swings


# --------------------------------------------------------------------------- 2. no contradictions


def _said(key: str) -> list[str]:
    return [e.text for e in compiled(key).sounds if e.kind == "speech"]


def test_a_note_written_for_another_tempo_is_not_said():
    week1 = next(k for k, _ in shipped() if k.startswith("week-01/1-"))
    week3 = next(k for k, _ in shipped() if k.startswith("week-03/1-"))
    slow_three = "Count a slow three on every descent; the controlled lowering is where much of the growth comes from."
    assert slow_three in _said(week1)
    assert slow_three not in _said(week3)  # week 3 lowers for four seconds
    routine = one(
        "- exercise: romanian-deadlift\n  reps: 5\n  tempo: 4-0-1-0\n  note: Count a slow three on every descent."
    )
    assert "Count a slow three on every descent." not in [e.text for e in compile_routine(routine, estimate_ms).sounds]


def test_the_start_light_note_is_heard_once_in_a_program_and_never_with_add_load():
    light = "Start with a light load; this one takes some practice before you add weight."
    weeks = [k for k, _ in shipped() if k.startswith("week-") and "essentials" in k]
    heard = [k for k in weeks if any(light in t for t in _said(k))]
    assert heard == [weeks[0]]
    for k in weeks:
        notes = [t for t in _said(k) if "add a little load" in t]
        assert not any(light in t for t in notes), k


def test_no_cue_repeats_the_one_before_even_at_coach_verbosity():
    for name, routine in shipped():
        from dataclasses import replace

        coach = replace(routine, settings=replace(routine.settings, verbosity="coach"))
        assert _repeats(compile_routine(coach, estimate_ms)) == [], name


# --------------------------------------------------------------------------- 3. changeovers


def test_a_changeover_shorter_than_the_equipment_needs_is_a_warning_with_a_fix():
    from audiocoach.compile.advice import apply_fix

    text = (
        "- superset:\n    rounds: 2\n    exercises:\n      - exercise: romanian-deadlift\n        reps: 5\n"
        "      - exercise: hip-thrust\n        reps: 5"
    )
    routine = one(text)
    short = [c for c in compile_routine(routine, estimate_ms).changes if c.role == "changeover"]
    assert [c.advice for c in short] == [
        "From the last rep of Romanian deadlift to the first of Hip thrust there are 3 s; getting into position "
        "at the barbell takes about 15 s. Make transition at least 15 s"
    ]
    fixed = apply_fix(routine, short[0].fix)
    assert not [c for c in compile_routine(fixed, estimate_ms).changes if c.role == "changeover"]
    said = [e.text for e in compile_routine(routine, estimate_ms).sounds]
    assert "Set up the barbell for Hip thrust now." in said  # before the superset starts
    # the shipped superset gives the hip thrust its changeover
    assert not [c for c in compiled("superset-hinge-and-thrust.yaml").changes if c.role == "changeover"]


# --------------------------------------------------------------------------- 8. overrides


def test_an_override_never_turns_an_explosive_tempo_slow_silently():
    from audiocoach.load.overrides import OverrideError, resolve_overrides

    routine = load_routine(ROOT / "routines" / "emom-swings-and-bridges.yaml")
    new, applied = resolve_overrides(routine, [parse_override("tempo", "3-0-1-0")])
    swing = next(e for e in new.entries if e.exercise.id == "kettlebell-swing")
    assert swing.tempo.text == "X-0-X-0"
    assert any(a.exercise == "kettlebell-swing" and "kept: explosive" in a.flag for a in applied)
    said = [e.text for e in compile_routine(new, estimate_ms).sounds]
    assert not any("Hike for three seconds" in t for t in said)
    with pytest.raises(OverrideError, match="Kettlebell swing is explosive"):
        resolve_overrides(routine, [parse_override("tempo", "kettlebell-swing=3-0-1-0")])


# --------------------------------------------------------------------------- 9. the cool-down


def test_the_cool_down_keeps_its_how_to_cue_and_stretches_breathe():
    said = _said("posterior-chain.yaml")
    assert "Cross your ankle over your knee." in said  # the figure four's how-to, no longer dropped
    assert "Last exercise: Figure four stretch, one set of thirty seconds per side." in said
    assert "Last exercise." not in said
    tl = compiled("posterior-chain.yaml")
    stretches = [s for s in tl.of_kind("segment") if s.role == "work" and s.exercise is not None and s.exercise >= 10]
    for s in stretches:
        inside = [e.text for e in tl.sounds if s.start_ms <= e.start_ms < s.end_ms]
        assert "Breathe slowly and relax." in inside, inside


def test_a_deload_does_not_lengthen_the_rests_between_stretches():
    deload = next(r for k, r in shipped() if k.startswith("week-04/1-"))
    normal = next(r for k, r in shipped() if k.startswith("week-03/1-"))
    for a, b in zip(normal.entries, deload.entries):
        if a.exercise.pattern == "stretch":
            assert (a.rest, a.rest_after) == (b.rest, b.rest_after), a.exercise.id


# --------------------------------------------------------------------------- 11. swings


def test_swings_are_counted_at_a_real_swing_length_and_the_bell_is_parked():
    routine = dict(shipped())["emom-swings-and-bridges.yaml"]
    swing = next(e for e in routine.entries if e.exercise.id == "kettlebell-swing")
    assert 1300 <= swing.tempo.rep_ms <= 1600
    tl = compiled("emom-swings-and-bridges.yaml")
    first = next(s for s in tl.of_kind("segment") if s.role == "work")
    calls = sorted(
        e.start_ms
        for e in tl.sounds
        if e.role in ("rep_start", "last_rep") and first.start_ms <= e.start_ms < first.end_ms
    )
    assert len(calls) == 15 and {b - a for a, b in zip(calls, calls[1:])} == {swing.tempo.rep_ms}
    assert "Park the bell." in [e.text for e in tl.sounds]


# --------------------------------------------------------------------------- 12. what a good coach adds


def test_breathing_rack_it_setup_and_load_guidance_at_standard_verbosity():
    routine = one("- exercise: romanian-deadlift\n  sets: 3\n  reps: 8-10\n  rest: 60s")
    assert routine.settings.verbosity == "standard"
    tl = compile_routine(routine, estimate_ms)
    said = [e.text for e in tl.sounds if e.kind == "speech"]
    assert "Stand tall with feet hip-width apart and the bar in your hands." in said  # setup, once
    assert said.count("Stand tall with feet hip-width apart and the bar in your hands.") == 1
    # 8-10: a weight for twelve, so even the tenth rep leaves two in the tank
    assert "Pick a weight you could lift about twelve times, and do eight to ten." in said
    fixed = compile_routine(one("- exercise: romanian-deadlift\n  sets: 2\n  reps: 10"), estimate_ms)
    assert "Pick a weight you could lift twelve times, and stop at ten." in [e.text for e in fixed.sounds]
    rests = [s for s in tl.of_kind("segment") if s.role == "rest"]
    for rest in rests:
        inside = [e.text for e in tl.sounds if rest.start_ms <= e.start_ms < rest.end_ms and e.kind == "speech"]
        assert inside[0] == "Rack the bar." and "Big breath in, brace your core, then hinge." in inside, inside
    loaded = one("- exercise: romanian-deadlift\n  sets: 3\n  reps: 8\n  load: 60kg")
    assert not any("Pick a weight" in e.text for e in compile_routine(loaded, estimate_ms).sounds)


# --------------------------------------------------------------------------- 5. sides


def test_walking_lunges_alternate_in_one_window_counted_step_by_step():
    routine = one("- exercise: walking-lunge\n  sets: 2\n  reps: 6\n  per_side: true\n  rest: 60s")
    (entry,) = routine.entries
    assert entry.alternating and not entry.per_side and entry.dose == "2 x 6 per leg, alternating"
    tl = compile_routine(routine, estimate_ms)
    said = [e.text for e in tl.sounds if e.kind == "speech"]
    assert not any(t in said for t in ("Switch sides.", "Other side."))
    works = [s for s in tl.of_kind("segment") if s.role == "work"]
    assert len(works) == 2 and works[0].length_ms == 12 * entry.tempo.rep_ms
    assert any(t.startswith("Walking lunge: two sets of six per leg, alternating.") for t in said)


def test_a_lateral_walk_goes_per_direction():
    tl = compiled("circuit-glute-activation.yaml")
    said = [e.text for e in tl.sounds if e.kind == "speech"]
    assert "Change direction." in said and "Other direction." in said
    assert "Next: Banded lateral walk, ten per direction." in said


def test_an_alternative_that_moves_differently_gets_plain_phase_words():
    routine = one("- exercise: banded-glute-kickback\n  sets: 1\n  reps: 4\n  alternatives: [cable-pull-through]")
    words = [e.text for e in compile_routine(routine, estimate_ms).sounds if e.role == "phase"]
    assert words[:2] == ["hold", "down"] and not any("kick" in c for c in words)
    alone = one("- exercise: banded-glute-kickback\n  sets: 1\n  reps: 4")
    assert [e.text for e in compile_routine(alone, estimate_ms).sounds if e.role == "phase"][:2] == [
        "squeeze",
        "return",
    ]
