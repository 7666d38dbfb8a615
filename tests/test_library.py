"""The shipped exercise library, and the shipped routines that use it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from audiocoach.load.library import Library, default_library, parse_library
from audiocoach.load.routine import load_routine
from audiocoach.load.units import check_tempo
from audiocoach.model import START_PHASES

# The two seed routines; other files in routines/ (groups, programs) are tested with their features.
SEED_ROUTINES = ("posterior-chain-essentials.yaml", "posterior-chain.yaml")
ROUTINES_DIR = Path(__file__).resolve().parent.parent / "routines"

SEED_IDS = (
    "romanian-deadlift",
    "step-romanian-deadlift",
    "stiff-leg-deadlift",
    "hip-thrust",
    "glute-bridge",
    "glute-bridge-hold",
    "banded-glute-bridge",
    "walking-lunge",
    "cable-pull-through",
    "hamstring-curl-machine",
    "hamstring-curl-ball",
    "nordic-curl",
    "banded-glute-kickback",
    "banded-lateral-walk",
    "bird-dog",
    "bodyweight-hip-hinge",
    "kettlebell-swing",
    "good-morning",
    "back-extension",
    "hamstring-stretch",
    "pigeon-pose",
    "figure-four-stretch",
)


@pytest.fixture(scope="module")
def library() -> Library:
    return default_library()


@pytest.mark.parametrize("ex_id", SEED_IDS)
def test_seed_exercise_is_complete(library: Library, ex_id: str) -> None:
    ex = library.exercises[ex_id]
    assert ex.id == ex_id
    assert ex.name.strip() and ex.short_name.strip()
    assert ex.muscles and all(m.strip() for m in ex.muscles)
    assert 2 <= len(ex.cues) <= 4
    assert all(c.strip() for c in ex.cues)
    assert ex.tempo is not None and check_tempo(ex.tempo) == ex.tempo
    assert ex.start in START_PHASES


@pytest.mark.parametrize(
    "ex_id",
    [
        "hip-thrust",
        "glute-bridge",
        "glute-bridge-hold",
        "banded-glute-bridge",
        "hamstring-curl-machine",
        "hamstring-curl-ball",
        "back-extension",
    ],
)
def test_concentric_first(library: Library, ex_id: str) -> None:
    assert library.exercises[ex_id].start == "concentric"


@pytest.mark.parametrize("ex_id", ["romanian-deadlift", "step-romanian-deadlift", "stiff-leg-deadlift", "good-morning"])
def test_eccentric_first(library: Library, ex_id: str) -> None:
    assert library.exercises[ex_id].start == "eccentric"


def test_timed_and_per_side_flags(library: Library) -> None:
    timed = {ex.id for ex in library if ex.timed}
    assert {"glute-bridge-hold", "hamstring-stretch", "pigeon-pose", "figure-four-stretch"} <= timed
    assert "romanian-deadlift" not in timed
    assert library.exercises["walking-lunge"].per_side
    assert not library.exercises["hip-thrust"].per_side


def test_ids_and_aliases_are_unique(library: Library) -> None:
    names = Counter(n for ex in library for n in (ex.id, *ex.aliases))
    assert [n for n, count in names.items() if count > 1] == []


def test_aliases_are_lower_case_ids(library: Library) -> None:
    # get() lower-cases what the routine wrote, so an alias with capitals could never match.
    for ex in library:
        for alias in ex.aliases:
            assert alias == alias.strip().lower(), (ex.id, alias)


def test_get_by_id_alias_and_case(library: Library) -> None:
    assert library.get("romanian-deadlift").id == "romanian-deadlift"
    assert library.get("rdl").id == "romanian-deadlift"
    assert library.get(" RDL ").id == "romanian-deadlift"
    assert library.get("leg-curl").id == "hamstring-curl-machine"
    assert library.get("zercher-squat") is None


def test_suggest(library: Library) -> None:
    assert library.suggest("romanian-deadlfit") == "romanian-deadlift"
    assert library.suggest("good-mornin") == "good-morning"
    assert library.suggest("zercher-squat") is None


def test_parse_library() -> None:
    lib = parse_library(
        {"frog-pump": {"name": "Frog pump", "cues": ["Soles together"], "tempo": "1-0-x-1", "aliases": ["frogs"]}},
        "mine.yaml",
    )
    ex = lib.get("frogs")
    assert (ex.id, ex.name, ex.short_name, ex.tempo, ex.start) == (
        "frog-pump",
        "Frog pump",
        "Frog pump",
        "1-0-X-1",
        "eccentric",
    )
    assert len(lib) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "mine.yaml: the library must be a mapping of exercise ids"),
        ({"x": None}, "mine.yaml: x: expected a mapping of fields, found None"),
        ({"x": "Frog pump"}, "mine.yaml: x: expected a mapping of fields, found 'Frog pump'"),
        ({"x": {"name": "X", "colour": "red"}}, "mine.yaml: x: unexpected fields ['colour']"),
        ({"x": {"cues": []}}, "mine.yaml: x: missing field 'name'"),
        (
            {"x": {"name": "X", "tempo": "3-1"}},
            "mine.yaml: x: '3-1' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)",
        ),
        ({"x": {"name": "X", "start": "middle"}}, "mine.yaml: x: start must be eccentric or concentric"),
    ],
)
def test_parse_library_rejects(data: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_library(data, "mine.yaml")
    assert str(info.value) == message


@pytest.mark.parametrize("name", SEED_ROUTINES)
def test_seed_routine_loads(name: str) -> None:
    routine = load_routine(ROUTINES_DIR / name, display_name=name)
    assert routine.title
    assert routine.source == name
    assert routine.entries
    used = {e.exercise.id for e in routine.entries} | {a.id for e in routine.entries for a in e.alternatives}
    assert used <= set(SEED_IDS)
