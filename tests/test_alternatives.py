"""Issue 26, point 4 (#19 point 5): an alternative keeps its own side timing.

``--swap EXERCISE=ALTERNATIVE`` builds the entry as one of its listed alternatives, timed by
the alternative's own library definition (one window; one side, switch, the other; one
direction, then back; legs in turn in one window), never by the main exercise's.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.cli import cli
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.errors import RoutineError
from audiocoach.load.alternatives import sides
from audiocoach.load.library import default_library
from audiocoach.load.overrides import OverrideError, parse_override, resolve_overrides
from audiocoach.load.routine import loads
from audiocoach.model import Entry, Group, Routine
from audiocoach.timeline import Timeline
from test_cue_places import SESSIONS

LIBRARY = {ex.id: ex for ex in default_library()}


def sides_problems(routine: Routine, tl: Timeline, index: int, member: int | None = None) -> list[str]:
    """How the windows of item ``index`` (or its member) differ from its exercise's own sides."""
    item = routine.items[index]
    entry = item.members[member or 0] if isinstance(item, Group) else item
    assert isinstance(entry, Entry)
    per_side, alternating = sides(entry.exercise, None, entry.reps is not None)
    segs = [s for s in tl.of_kind("segment") if s.exercise == index and s.member == member]
    works = [s for s in segs if s.role == "work"]
    switches = [s for s in segs if s.role == "switch"]
    sets = entry.sets + entry.warmup_sets if not isinstance(item, Group) else item.rounds
    problems = []
    if len(works) != sets * (2 if per_side else 1):
        problems.append(f"{len(works)} work windows for {sets} sets of {entry.exercise.name} (per side: {per_side})")
    if len(switches) != (sets if per_side else 0):
        problems.append(f"{len(switches)} switches for {entry.exercise.name} (per side: {per_side})")
    said = {e.text for s in switches for e in tl.sounds if s.start_ms <= e.start_ms < s.end_ms and e.kind == "speech"}
    if per_side and entry.exercise.sides == "per_direction" and "Change direction." not in said:
        problems.append(f"{entry.exercise.name} goes per direction, but its switch says {sorted(said)}")
    if entry.alternating != alternating:
        problems.append(f"{entry.exercise.name}: alternating {entry.alternating}, its library says {alternating}")
    return problems


def swapped(routine: Routine, exercise: str, alternative: str) -> Routine:
    return resolve_overrides(routine, [parse_override("swap", f"{exercise}={alternative}")])[0]


SWAPS = [
    (name, routine, i, entry.exercise.id, alt.id)
    for name, routine in SESSIONS
    for i, entry in enumerate(routine.items)
    if isinstance(entry, Entry)
    for alt in entry.alternatives
]


@pytest.mark.parametrize(("name", "routine", "index", "main", "alt"), SWAPS, ids=[f"{s[0]}-{s[4]}" for s in SWAPS])
def test_every_shipped_alternative_keeps_its_own_sides(name, routine, index, main, alt):
    done = swapped(routine, main, alt)
    assert done.items[index].exercise.id == alt
    assert sides_problems(done, compile_routine(done, estimate_ms), index) == []


def test_shipped_sessions_have_alternatives_that_move_differently():
    """The check above is not vacuous: a per-side kickback offers a two-leg pull-through."""
    assert any(s[3] == "banded-glute-kickback" and s[4] == "cable-pull-through" for s in SWAPS)


def test_a_pull_through_done_instead_of_a_kickback_has_no_switch():
    text = (
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: banded-glute-kickback\n"
        "        sets: 2\n        reps: 10\n        per_side: true\n        alternatives: [cable-pull-through]\n"
    )
    routine = loads(text, "k.yaml")
    before = compile_routine(routine, estimate_ms)
    assert len([s for s in before.of_kind("segment") if s.role == "switch"]) == 2
    after = compile_routine(swapped(routine, "banded-glute-kickback", "cable-pull-through"), estimate_ms)
    assert [s for s in after.of_kind("segment") if s.role == "switch"] == []
    assert not any(e.text == "Switch sides." for e in after.sounds)
    said = [e.text for e in after.sounds if e.role == "announce"]
    assert said[0].startswith("Cable pull-through: two sets of ten.")  # not "ten per side"


@st.composite
def swaps(draw) -> tuple[str, str, str]:
    main = draw(st.sampled_from(sorted(LIBRARY)))
    alt = draw(st.sampled_from(sorted(set(LIBRARY) - {main})))
    timed = LIBRARY[main].timed
    work = f"hold: {draw(st.integers(5, 40))}s" if timed else f"reps: {draw(st.integers(1, 12))}"
    lines = [f"exercise: {main}", work, f"sets: {draw(st.integers(1, 3))}", f"alternatives: [{alt}]"]
    if draw(st.booleans()):
        lines.append(f"per_side: {str(draw(st.booleans())).lower()}")
    if draw(st.booleans()):  # as a circuit's member
        body = "".join(f"              {x}\n" for x in lines[1:] if not x.startswith("sets"))
        item = f"      - circuit:\n          rounds: 2\n          exercises:\n            - {lines[0]}\n{body}"
    else:
        item = f"      - {lines[0]}\n" + "".join(f"        {x}\n" for x in lines[1:])
    return "title: G\nblocks:\n  - name: B\n    exercises:\n" + item, main, alt


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=swaps())
def test_any_alternative_keeps_its_own_sides(case: tuple[str, str, str]):
    text, main, alt = case
    routine = swapped(loads(text, "g.yaml"), main, alt)
    member = 0 if isinstance(routine.items[0], Group) else None
    entry = routine.items[0].members[0] if isinstance(routine.items[0], Group) else routine.items[0]
    assert entry.exercise.id == alt
    assert sides_problems(routine, compile_routine(routine, estimate_ms), 0, member) == []


def test_a_swap_names_a_listed_alternative():
    routine = loads(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: hip-thrust\n        reps: 5\n"
        "        alternatives: [glute-bridge]\n",
        "t.yaml",
    )
    with pytest.raises(OverrideError) as exc:
        swapped(routine, "hip-thrust", "nordic-curl")
    assert str(exc.value) == (
        "--swap hip-thrust=nordic-curl: 'nordic-curl' is not an alternative of 'hip-thrust' in this routine "
        "(its alternatives: glute-bridge); list it under the entry's alternatives first"
    )
    with pytest.raises(OverrideError, match="write EXERCISE=ALTERNATIVE, e.g. banded-glute-kickback=glute-bridge"):
        parse_override("swap", "glute-bridge")


@pytest.mark.engine
def test_plan_lists_the_swap(runner, cli_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.yaml").write_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - exercise: banded-glute-kickback\n"
        "        reps: 3\n        alternatives: [cable-pull-through]\n",
        encoding="utf-8",
    )
    swap = ["--swap", "banded-glute-kickback=cable-pull-through"]
    result = runner.invoke(cli, ["plan", "k.yaml", *swap, "--engine", "espeak-ng"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert (
        "override  banded-glute-kickback    swap       cable-pull-through (routine: banded-glute-kickback; "
        "from --swap banded-glute-kickback=cable-pull-through)"
    ) in result.output
    assert "Switch sides." not in result.output


def test_an_athlete_swaps_an_exercise_for_their_own_files(tmp_path):
    from audiocoach.program.programs import load_program
    from audiocoach.program.roster import load_roster
    from test_batch import make_program

    program = load_program(make_program(tmp_path / "src"))
    (tmp_path / "athletes.yaml").write_text("athletes:\n  - name: Dee\n    swap: {hip-thrust: glute-bridge}\n")
    (dee,) = load_roster(tmp_path / "athletes.yaml", program, ("romanian-deadlift", "hip-thrust")).athletes
    assert [o.flag for o in dee.overrides] == ["--swap hip-thrust=glute-bridge"]
    (tmp_path / "bad.yaml").write_text("athletes:\n  - name: Eve\n    swap: glute-bridge\n")
    with pytest.raises(RoutineError) as exc:
        load_roster(tmp_path / "bad.yaml", program, ("romanian-deadlift", "hip-thrust"))
    assert "bad.yaml:3:11: athletes[0].swap: a swap names the exercise and the alternative done instead" in str(
        exc.value
    )
