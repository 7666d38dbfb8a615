"""Issue 29.5 and 29.6: each exercise's cues from its own library entry, and overrides that
do what they say (or say they do not apply). Each test fails on the code before the change.

Compiled with the clip-length estimate: what is said, not how it sounds, is under test.
"""

from __future__ import annotations

import re
from pathlib import Path

from audiocoach.compile.advice import apply_fix
from audiocoach.compile.compiler import compile_routine, estimate_ms, fit_warnings
from audiocoach.load.library import default_library
from audiocoach.load.overrides import parse_overrides, resolve_overrides
from audiocoach.load.routine import load_routine, loads
from audiocoach.model import Group, Routine

ROOT = Path(__file__).resolve().parent.parent
POSTERIOR = ROOT / "routines" / "posterior-chain.yaml"


def said(routine: Routine) -> list[str]:
    return [e.text for e in compile_routine(routine, estimate_ms).sounds if e.kind == "speech"]


def one(body: str) -> Routine:
    return loads(f"title: T\nblocks:\n  - name: M\n    exercises:\n{body}", "t.yaml")


# --------------------------------------------------------------------------- 5. own words


def test_an_alternative_hears_its_own_form_cues_never_the_main_exercise_s_unnamed():
    """The ball curl needs its hips up: the machine curl's "Keep your hips pressed down" is
    named for the machine, and the ball curl's own cues are said, named."""
    lines = said(load_routine(POSTERIOR))
    assert "Keep your hips pressed down." not in lines
    assert "Leg curl: keep your hips pressed down." in lines
    assert "Ball curl: lift your hips off the floor." in lines
    assert "Let the weight come back down over three or four seconds on each rep." not in lines  # no weight on a ball


def test_an_alternative_that_moves_differently_hears_its_tempo_in_the_words_it_is_counted_with():
    """The kickback's count says up/hold/down (a pull-through is no kick): so does its tempo."""
    routine = one(
        "      - exercise: banded-glute-kickback\n        sets: 2\n        reps: 6\n        per_side: true\n"
        "        alternatives: [cable-pull-through]\n"
    )
    lines = said(routine)
    intro = next(t for t in lines if t.startswith("Banded glute kickback: two sets"))
    assert "Kick" not in intro and "return" not in intro, intro
    assert "Up, a one-second hold, then down for two seconds." in intro, intro
    # (a 1 s lift starts on its number alone: "up" has no room after it)
    assert "hold" in lines and "down" in lines and not {"kick", "squeeze", "return"} & set(lines)


def test_a_dumbbell_step_rdl_is_not_racked():
    lines = said(one("      - exercise: step-romanian-deadlift\n        sets: 2\n        reps: 8\n        rest: 60s\n"))
    assert "Rack it." not in lines and "Set the weights down." in lines


def test_no_form_cue_asks_for_a_slow_phase_the_tempo_gives_one_second():
    """Bird dog: "Pause, then return slowly." on a 1 s return. A cue that asks for a slow
    return or lowering belongs to a movement whose tempo gives that phase 2 s or more."""
    for ex in default_library():
        for cue in ex.cues:
            if re.search(r"\b(return|lower|roll out)\w* slowly\b", cue, re.IGNORECASE):
                eccentric = ex.tempo.split("-")[0]  # the library's tempo, e.g. "1-0-1-1"
                assert eccentric.isdigit() and int(eccentric) >= 2, (ex.id, cue, ex.tempo)


# --------------------------------------------------------------------------- 6. overrides


def test_a_rest_override_is_applied_where_it_changes_something_and_says_where_it_does_not():
    routine = load_routine(POSTERIOR)
    new, applied = resolve_overrides(routine, parse_overrides(rest=["60s"]))
    by_id = {a.exercise: a for a in applied}
    for item in new.items:
        members = item.members if isinstance(item, Group) else (item,)
        for entry in members:
            a = by_id[entry.exercise.id]
            if isinstance(item, Group) or entry.sets == 1:
                # the group's rest or a single set: nothing changes, and the report says so
                assert "not applied" in a.flag and a.value == a.before == str(entry.rest), a
            else:
                assert (a.value, str(entry.rest), a.flag) == ("60s", "60s", "--rest 60s"), a
    # What is reported as applied is what the session rests: every rest between sets is 60 s.
    tl = compile_routine(new, estimate_ms)
    for seg in tl.of_kind("segment"):
        item = new.items[seg.exercise] if seg.exercise is not None else None
        if seg.role == "rest" and seg.set is not None and not isinstance(item, Group):
            # the window also holds the next set's lead-in (its name, 3-2-1, the go)
            assert seg.end_ms - seg.start_ms == 60_000 + new.settings.lead_in_ms, seg


def test_a_tempo_override_rewords_a_note_that_counts_the_old_lowering():
    routine = load_routine(POSTERIOR)
    new, _ = resolve_overrides(routine, parse_overrides(tempo=["romanian-deadlift=4-0-1-0"]))
    lines = said(new)
    assert not any(t.startswith("Count a slow three") for t in lines)
    assert (
        "Count a slow four on every descent; the controlled lowering is where much of the growth comes from." in lines
    )


def test_rest_advice_never_asks_for_less_than_the_rest_already_has_and_its_fix_works():
    """A 12 s transition gives its last 10 s to the warning and the lead-in (2 s to speak); a
    10 s one has no warning and more room: advice to the 12 s one must still be longer than
    12 s, and clear the warning."""
    routine = loads(
        "title: T\ndefaults:\n  verbosity: coach\nblocks:\n  - name: M\n    exercises:\n      - circuit:\n"
        "          rounds: 2\n          transition: 12s\n          rest: 60s\n          exercises:\n"
        "            - exercise: hip-thrust\n              reps: 10\n            - exercise: bird-dog\n"
        "              reps: 10\n              per_side: true\n",
        "t.yaml",
    )
    advised = [c for c in fit_warnings(routine) if c.advice and "Make transition" in c.advice]
    assert advised
    for c in advised:
        now, asked = (int(n) for n in re.search(r"is (\d+) s.*at least (\d+) s", c.advice).groups())
        assert asked > now, c.advice
        fixed = apply_fix(routine, c.fix)
        assert not [d for d in fit_warnings(fixed) if d.advice and "Make transition" in d.advice], c.fix
