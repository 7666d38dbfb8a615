"""The loader: every invalid routine gets exact file:line:col messages; valid ones parse right."""

from __future__ import annotations

import pytest

from audiocoach.errors import MAX_LISTED_PROBLEMS, RoutineError, SourceLocation
from audiocoach.load.routine import loads
from audiocoach.model import Rest, Settings, Tempo
from audiocoach.words.phrases import PLACEHOLDERS

FILE = "routine.yaml"

# Lines 1-4; the first exercise starts on line 5 and its keys sit in column 9.
HEAD = """\
title: T
blocks:
  - name: B
    exercises:
"""


def rdl(*lines: str) -> str:
    """A routine whose one entry is a Romanian deadlift with ``lines`` (from line 6) added."""
    return HEAD + "      - exercise: romanian-deadlift\n" + "".join(f"        {x}\n" for x in lines)


def with_defaults(*lines: str) -> str:
    """A valid routine whose ``defaults`` holds ``lines`` (from line 3)."""
    body = "".join(f"  {x}\n" for x in lines)
    return (
        "title: T\ndefaults:\n"
        + body
        + "blocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n"
    )


def with_phrases(*lines: str) -> str:
    """A valid routine whose ``phrases`` holds ``lines`` (from line 3)."""
    body = "".join(f"  {x}\n" for x in lines)
    return (
        "title: T\nphrases:\n" + body + "blocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n"
    )


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as info:
        loads(text, FILE)
    return str(info.value).splitlines()


DEEP_TEMPO = """\
title: Monday
blocks:
  - name: Warm-up
    exercises:
      - exercise: hip-hinge
        reps: 10
  - name: Work
    exercises:
      - exercise: rdl
        reps: 8
      - exercise: hip-thrust
        reps: 10
      - exercise: good-morning
        reps: 8
        tempo: '3-1-x'
"""

INVALID = [
    # --- tempo
    pytest.param(
        DEEP_TEMPO,
        [
            "routine.yaml:15:16: blocks[1].exercises[2].tempo: '3-1-x' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"
        ],
        id="tempo-three-phases",
    ),
    pytest.param(
        rdl("reps: 8", "tempo: 0-1-1-0"),
        [
            "routine.yaml:7:16: blocks[0].exercises[0].tempo: '0-1-1-0' has a 0-second eccentric phase (write X for explosive)"
        ],
        id="tempo-zero-eccentric",
    ),
    pytest.param(
        rdl("reps: 8", "tempo: 3-1-0-0"),
        [
            "routine.yaml:7:16: blocks[0].exercises[0].tempo: '3-1-0-0' has a 0-second concentric phase (write X for explosive)"
        ],
        id="tempo-zero-concentric",
    ),
    pytest.param(
        rdl("reps: 8", "tempo: 311"),
        [
            "routine.yaml:7:16: blocks[0].exercises[0].tempo: 311 is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"
        ],
        id="tempo-number",
    ),
    # --- reps and sets
    pytest.param(
        rdl("reps: lots"),
        [
            "routine.yaml:6:15: blocks[0].exercises[0].reps: 'lots' is not a rep count (expected a number such as 10 or a range such as 8-10)"
        ],
        id="reps-word",
    ),
    pytest.param(
        rdl("reps: 10-8"),
        [
            "routine.yaml:6:15: blocks[0].exercises[0].reps: '10-8' is a range whose low end is above its high end (fewer reps first, e.g. 8-10)"
        ],
        id="reps-range-reversed",
    ),
    pytest.param(
        rdl("reps: 0"),
        ["routine.yaml:6:15: blocks[0].exercises[0].reps: 0 reps: a set needs at least 1 rep"],
        id="reps-zero",
    ),
    pytest.param(
        rdl("reps: 8", "sets: 0"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].sets: 0 is not a valid number of sets (expected a whole number from 1 to 100)"
        ],
        id="sets-zero",
    ),
    pytest.param(
        rdl("reps: 8", "sets: three"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].sets: 'three' is not a valid number of sets (expected a whole number from 1 to 100)"
        ],
        id="sets-word",
    ),
    pytest.param(
        rdl("reps: 8", "sets: 2.5"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].sets: 2.5 is not a valid number of sets (expected a whole number from 1 to 100)"
        ],
        id="sets-float",
    ),
    pytest.param(
        rdl("reps: 8", "sets: true"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].sets: true is not a valid number of sets (expected a whole number from 1 to 100)"
        ],
        id="sets-bool",
    ),
    # --- load, effort, warm-up sets
    pytest.param(
        rdl("reps: 8", "load: 60"),
        ["routine.yaml:7:15: blocks[0].exercises[0].load: 60 has no unit: write 60kg or 60lb"],
        id="load-no-unit",
    ),
    pytest.param(
        rdl("reps: 8", "load: 60 stone"),
        ["routine.yaml:7:15: blocks[0].exercises[0].load: '60 stone': 'stone' is not a unit of weight (use kg or lb)"],
        id="load-unknown-unit",
    ),
    pytest.param(
        rdl("reps: 8", "load: heavy"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].load: 'heavy' is not a load (expected a weight with its unit, e.g. 60kg, 135lb, bodyweight or bodyweight+10kg)"
        ],
        id="load-word",
    ),
    pytest.param(
        rdl("reps: 8", "load: 0kg"),
        ["routine.yaml:7:15: blocks[0].exercises[0].load: '0kg' lifts nothing; write bodyweight, or remove 'load'"],
        id="load-zero",
    ),
    pytest.param(
        rdl("reps: 8", "load: 900kg"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].load: '900kg' is heavier than any lift (at most 600kg); check the unit"
        ],
        id="load-too-heavy",
    ),
    pytest.param(
        rdl("reps: 8", "rpe: 11"),
        [
            "routine.yaml:7:14: blocks[0].exercises[0].rpe: 11 is not an RPE (expected 5 to 10 in half steps, e.g. 8 or 8.5; RPE 8 = two reps left in reserve)"
        ],
        id="rpe-above-ten",
    ),
    pytest.param(
        rdl("reps: 8", "rpe: 7.3"),
        [
            "routine.yaml:7:14: blocks[0].exercises[0].rpe: 7.3 is not an RPE (expected 5 to 10 in half steps, e.g. 8 or 8.5; RPE 8 = two reps left in reserve)"
        ],
        id="rpe-not-a-half-step",
    ),
    pytest.param(
        rdl("reps: 8", "rir: 1.5"),
        [
            "routine.yaml:7:14: blocks[0].exercises[0].rir: 1.5 is not a number of reps in reserve (expected a whole number from 0 to 5, e.g. 2)"
        ],
        id="rir-fraction",
    ),
    pytest.param(
        rdl("reps: 8", "rpe: 8", "rir: 2"),
        [
            "routine.yaml:8:9: blocks[0].exercises[0].rir: give either 'rpe' or 'rir', not both (RPE 8 is the same as rir: 2)"
        ],
        id="rpe-and-rir",
    ),
    pytest.param(
        HEAD + "      - exercise: glute-bridge-hold\n        hold: 30s\n        rpe: 8\n        warmup_sets: 1\n",
        [
            "routine.yaml:7:9: blocks[0].exercises[0].rpe: 'rpe' counts the reps left in reserve; a timed set has none: remove it",
            "routine.yaml:8:9: blocks[0].exercises[0].warmup_sets: warm-up sets belong to exercises counted in reps; remove 'warmup_sets' or give 'reps'",
        ],
        id="effort-and-warmups-on-a-hold",
    ),
    pytest.param(
        rdl("reps: 8", "warmup_sets: 9"),
        [
            "routine.yaml:7:22: blocks[0].exercises[0].warmup_sets: 9 is not a number of warm-up sets (expected a whole number from 0 to 5)"
        ],
        id="warmup-sets-too-many",
    ),
    pytest.param(
        HEAD
        + "      - superset:\n          rounds: 3\n          exercises:\n            - exercise: rdl\n              reps: 8\n"
        "              warmup_sets: 2\n            - exercise: hip-thrust\n              reps: 10\n",
        [
            "routine.yaml:10:15: blocks[0].exercises[0].superset.exercises[0].warmup_sets: warm-up sets do not fit inside a superset: "
            "warm up with an exercise of its own before it, or remove 'warmup_sets'"
        ],
        id="warmup-sets-in-a-superset",
    ),
    pytest.param(
        rdl("reps: 8", "count: loud"),
        ["routine.yaml:7:16: blocks[0].exercises[0].count: 'loud' is not one of: voice, reps, metronome"],
        id="count-unknown",
    ),
    # --- keys
    pytest.param(
        rdl("reps: 8", "temp: 3-1-1-0"),
        ["routine.yaml:7:9: blocks[0].exercises[0].temp: unknown key 'temp' in an exercise (did you mean 'tempo'?)"],
        id="unknown-key-near-miss",
    ),
    pytest.param(
        rdl("reps: 8", "bar: 40kg"),
        [
            "routine.yaml:7:9: blocks[0].exercises[0].bar: unknown key 'bar' in an exercise (valid keys: "
            "exercise, name, short_name, cues, muscles, start, sets, reps, hold, per_side, tempo, rest, "
            "rest_after, note, alternatives, count, load, rpe, rir, warmup_sets)"
        ],
        id="unknown-key-no-near-miss",
    ),
    pytest.param(
        "title: T\ncolour: red\nblocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n",
        [
            "routine.yaml:2:1: colour: unknown key 'colour' in a routine (valid keys: title, description, defaults, blocks, phrases, music, music_rest, pronounce, language)"
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        with_defaults("verbose: coach"),
        ["routine.yaml:3:3: defaults.verbose: unknown key 'verbose' in defaults (did you mean 'verbosity'?)"],
        id="unknown-defaults-key-near-miss",
    ),
    pytest.param(
        rdl("reps: 8", "reps: 10"),
        ["routine.yaml:7:9: blocks[0].exercises[0].reps: duplicate key 'reps' (first given on line 6); remove one"],
        id="duplicate-key",
    ),
    pytest.param(
        "title: A\ntitle: B\nblocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n",
        ["routine.yaml:2:1: title: duplicate key 'title' (first given on line 1); remove one"],
        id="duplicate-top-level-key",
    ),
    # --- exercises from the library
    pytest.param(
        HEAD + "      - exercise: romanian-deadlfit\n        reps: 8\n",
        [
            "routine.yaml:5:19: blocks[0].exercises[0].exercise: 'romanian-deadlfit' is not an exercise in the library (did you mean 'romanian-deadlift'?)"
        ],
        id="unknown-exercise-suggestion",
    ),
    pytest.param(
        HEAD + "      - exercise: zercher-squat\n        reps: 8\n",
        [
            "routine.yaml:5:19: blocks[0].exercises[0].exercise: 'zercher-squat' is not an exercise in the library (run 'audiocoach exercises' to list them)"
        ],
        id="unknown-exercise-no-suggestion",
    ),
    pytest.param(
        rdl("reps: 8", "alternatives: [good-mornin, zercher-squat]"),
        [
            "routine.yaml:7:24: blocks[0].exercises[0].alternatives[0]: 'good-mornin' is not an exercise in the library (did you mean 'good-morning'?)",
            "routine.yaml:7:37: blocks[0].exercises[0].alternatives[1]: 'zercher-squat' is not an exercise in the library (run 'audiocoach exercises' to list them)",
        ],
        id="unknown-alternatives",
    ),
    pytest.param(
        rdl("name: My RDL", "reps: 8"),
        [
            "routine.yaml:6:9: blocks[0].exercises[0].name: 'name' defines an inline exercise; remove it or remove 'exercise'"
        ],
        id="inline-name-and-exercise",
    ),
    pytest.param(
        HEAD + "      - reps: 8\n",
        [
            "routine.yaml:5:9: blocks[0].exercises[0].exercise: missing 'exercise'; name a library id (see 'audiocoach exercises') or define 'name' and 'cues' inline"
        ],
        id="entry-without-exercise",
    ),
    # --- malformed YAML
    pytest.param(
        "title: T\nblocks:\n\t- name: B\n",
        ["routine.yaml:3:1: invalid YAML: a tab character; YAML is indented with spaces, replace the tab"],
        id="tab-indent",
    ),
    pytest.param(
        "title: T\nblocks:\n  - name: B\n   exercises:\n",
        [
            "routine.yaml:4:4: invalid YAML: this line is not lined up with the lines above it; indent the keys of one mapping, and the items of one list, to the same column"
        ],
        id="bad-indent-dedented",
    ),
    pytest.param(
        HEAD + "      - exercise: rdl\n        reps: 8\n       sets: 3\n",
        [
            "routine.yaml:7:8: invalid YAML: this line is not lined up with the lines above it; indent the keys of one mapping, and the items of one list, to the same column"
        ],
        id="bad-indent-in-entry",
    ),
    pytest.param(
        "title: T\n  blocks: []\n",
        [
            "routine.yaml:2:9: invalid YAML: unexpected ':'; put quotes around text that contains ': ', or line this key up with the keys above it"
        ],
        id="bad-indent-indented",
    ),
    pytest.param(
        rdl("reps: 8", "note: knees: soft"),
        [
            "routine.yaml:7:20: invalid YAML: unexpected ':'; put quotes around text that contains ': ', or line this key up with the keys above it"
        ],
        id="unquoted-colon",
    ),
    pytest.param(
        "title: 'Monday\nblocks: []\n",
        ["routine.yaml:3:1: invalid YAML: the quote opened on line 1 is never closed; add the closing quote"],
        id="unclosed-quote",
    ),
    pytest.param(
        rdl("reps: 8", "alternatives: [good-morning, back-extension", "rest: 60s"),
        ["routine.yaml:8:13: invalid YAML: the bracket opened on line 7 is never closed, or a comma is missing"],
        id="unclosed-bracket",
    ),
    # --- the routine's shape
    pytest.param(
        "- title: T\n- blocks: []\n",
        ["routine.yaml:1:1: expected a routine (a mapping of keys), found a list"],
        id="root-is-a-list",
    ),
    pytest.param(
        "just some words\n",
        ["routine.yaml:1:1: expected a routine (a mapping of keys), found a single value"],
        id="root-is-text",
    ),
    pytest.param(
        "",
        ["routine.yaml:1:1: the file is empty; a routine needs a title and blocks"],
        id="empty-file",
    ),
    pytest.param(
        "# nothing yet\n\n",
        ["routine.yaml:1:1: the file is empty; a routine needs a title and blocks"],
        id="only-comments",
    ),
    pytest.param(
        "blocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n",
        ["routine.yaml:1:1: title: missing 'title'; every routine needs one"],
        id="missing-title",
    ),
    pytest.param(
        "title: ''\nblocks:\n  - name: B\n    exercises:\n      - exercise: rdl\n        reps: 8\n",
        ["routine.yaml:1:8: title: is empty; write a title here or remove the key"],
        id="empty-title",
    ),
    pytest.param(
        "title: T\n",
        ["routine.yaml:1:1: blocks: missing 'blocks'; every routine needs one"],
        id="missing-blocks",
    ),
    pytest.param(
        "title: T\nblocks: []\n",
        ["routine.yaml:2:9: blocks: the list of blocks is empty; add at least one"],
        id="empty-blocks",
    ),
    pytest.param(
        "title: T\nblocks:\n  name: B\n",
        ["routine.yaml:3:3: blocks: expected a list of blocks, found a mapping"],
        id="blocks-not-a-list",
    ),
    pytest.param(
        "title: T\nblocks:\n  - exercises:\n      - exercise: rdl\n        reps: 8\n",
        ["routine.yaml:3:5: blocks[0].name: missing 'name'; name the block, e.g. Warm-up"],
        id="block-missing-name",
    ),
    pytest.param(
        "title: T\nblocks:\n  - name: B\n",
        ["routine.yaml:3:5: blocks[0].exercises: missing 'exercises'; a block lists its exercises"],
        id="block-missing-exercises",
    ),
    pytest.param(
        "title: T\nblocks:\n  - name: B\n    exercises: []\n",
        ["routine.yaml:4:16: blocks[0].exercises: the list of exercises is empty; add at least one"],
        id="block-empty-exercises",
    ),
    # --- the work
    pytest.param(
        rdl("reps: 8", "hold: 30s"),
        [
            "routine.yaml:7:9: blocks[0].exercises[0].hold: give either 'reps' or 'hold', not both ('hold' times a set "
            "without reps, like a plank; to pause in every rep, write the pause in the tempo: its 2nd digit pauses at "
            "the bottom, its 4th at the top, e.g. tempo: 3-0-1-2)"
        ],
        id="reps-and-hold",
    ),
    pytest.param(
        rdl("sets: 3"),
        ["routine.yaml:5:9: blocks[0].exercises[0]: missing the work: add 'reps: 10' (or a timed 'hold: 30s')"],
        id="neither-reps-nor-hold",
    ),
    pytest.param(
        HEAD + "      - exercise: glute-bridge-hold\n        sets: 2\n",
        ["routine.yaml:5:9: blocks[0].exercises[0]: missing the work: add a hold such as 'hold: 30s'"],
        id="neither-on-a-timed-exercise",
    ),
    pytest.param(
        HEAD + "      - exercise: glute-bridge-hold\n        hold: 0s\n",
        ["routine.yaml:6:15: blocks[0].exercises[0].hold: '0s' must be longer than zero"],
        id="hold-zero",
    ),
    pytest.param(
        rdl("reps: 8", "per_side: maybe"),
        ["routine.yaml:7:19: blocks[0].exercises[0].per_side: 'maybe' is not true or false"],
        id="per-side-not-bool",
    ),
    pytest.param(
        rdl("reps: 8", "start: middle"),
        ["routine.yaml:7:16: blocks[0].exercises[0].start: 'middle' is not one of: eccentric, concentric"],
        id="start-unknown",
    ),
    # --- rests
    pytest.param(
        rdl("reps: 8", "rest: abc"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].rest: 'abc' is not a duration (expected a duration such as 45s, 1m30s, 1:30 or 90)"
        ],
        id="rest-not-a-duration",
    ),
    pytest.param(
        rdl("reps: 8", "rest: 90-45s"),
        [
            "routine.yaml:7:15: blocks[0].exercises[0].rest: '90-45s' is a range whose low end is above its high end (shorter rest first, e.g. 45-90s)"
        ],
        id="rest-range-reversed",
    ),
    pytest.param(
        rdl("reps: 8", "rest_after: 45-soon"),
        [
            "routine.yaml:7:21: blocks[0].exercises[0].rest_after: '45-soon' is not a rest (expected a duration or a range such as 45-90s)"
        ],
        id="rest-after-bad-range",
    ),
    # --- defaults
    pytest.param(
        with_defaults("verbosity: loud"),
        ["routine.yaml:3:14: defaults.verbosity: 'loud' is not one of: minimal, standard, coach"],
        id="defaults-verbosity",
    ),
    pytest.param(
        with_defaults("rate: 20"),
        [
            "routine.yaml:3:9: defaults.rate: 20 is not a valid speech rate in words per minute (expected a whole number from 80 to 450)"
        ],
        id="defaults-rate",
    ),
    pytest.param(
        with_defaults("rep_range: x"),
        ["routine.yaml:3:14: defaults.rep_range: 'x' is not one of: range, bottom, top"],
        id="defaults-rep-range",
    ),
    pytest.param(
        with_defaults("rest_policy: y"),
        ["routine.yaml:3:16: defaults.rest_policy: 'y' is not one of: min, mid, max"],
        id="defaults-rest-policy",
    ),
    pytest.param(
        with_defaults("lead_in: 0s"),
        [
            "routine.yaml:3:12: defaults.lead_in: '0s' is too short for a lead-in (at least 1s: the go tone and the set's name need it)"
        ],
        id="defaults-lead-in",
    ),
    pytest.param(
        with_defaults("explosive: 5s"),
        [
            "routine.yaml:3:14: defaults.explosive: '5s' is not a usable explosive phase (expected 200ms to 2s, e.g. 500ms)"
        ],
        id="defaults-explosive",
    ),
    pytest.param(
        with_defaults("tempo: fast"),
        [
            "routine.yaml:3:10: defaults.tempo: 'fast' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)"
        ],
        id="defaults-tempo",
    ),
    pytest.param(
        with_defaults("rest: 1m-30s"),
        [
            "routine.yaml:3:9: defaults.rest: '1m-30s' is a range whose low end is above its high end (shorter rest first, e.g. 45-90s)"
        ],
        id="defaults-rest-reversed",
    ),
    # --- phrase overrides
    pytest.param(
        with_phrases("dones: Bye."),
        ["routine.yaml:3:3: phrases.dones: unknown key 'dones' in phrases (did you mean 'done'?)"],
        id="phrases-unknown-key-near-miss",
    ),
    pytest.param(
        with_phrases("farewell: Bye."),
        [
            "routine.yaml:3:3: phrases.farewell: unknown key 'farewell' in phrases "
            f"({len(PLACEHOLDERS)} keys are valid, from 'intro' to '{list(PLACEHOLDERS)[-1]}': docs/yaml.md lists them)"
        ],
        id="phrases-unknown-key",
    ),
    pytest.param(
        with_phrases("rest:", "  - Rest for {time}.", "  - Rest."),
        [
            "routine.yaml:4:7: phrases.rest[0]: unknown placeholder {time} in 'Rest for {time}.' (this key takes: {duration})"
        ],
        id="phrases-unknown-placeholder",
    ),
    pytest.param(
        with_phrases("done: 'Done, {title}.'"),
        ["routine.yaml:3:9: phrases.done: unknown placeholder {title} in 'Done, {title}.' (this key takes: none)"],
        id="phrases-placeholder-on-a-key-without-any",
    ),
    pytest.param(
        with_phrases("rest: Rest {duration"),
        [
            "routine.yaml:3:9: phrases.rest: 'Rest {duration' is not a valid template (expected '}' before end of string)"
        ],
        id="phrases-broken-template",
    ),
]


@pytest.mark.parametrize(("yaml_text", "expected_message_lines"), INVALID)
def test_invalid_routine(yaml_text: str, expected_message_lines: list[str]) -> None:
    assert problems(yaml_text) == expected_message_lines


def test_problems_carry_structured_locations() -> None:
    with pytest.raises(RoutineError) as info:
        loads(DEEP_TEMPO, FILE)
    (problem,) = info.value.problems
    assert problem.location == SourceLocation(FILE, 15, 16, "blocks[1].exercises[2].tempo")


def test_all_problems_in_one_error_in_file_order() -> None:
    # Sections out of the order the loader reads them (blocks before defaults, phrases first),
    # so the report must be sorted by position, not by discovery.
    text = """\
phrases:
  rest: 'Rest {time}'
blocks:
  - name: Work
    exercises:
      - exercise: romanian-deadlfit
        reps: 8
      - exercise: hip-thrust
        reps: 12-8
        tempo: 2-0-0-1
  - exercises:
      - exercise: good-morning
        sets: 0
        reps: 8
defaults:
  verbosity: loud
colour: red
"""
    assert problems(text) == [
        "routine.yaml:1:1: title: missing 'title'; every routine needs one",
        "routine.yaml:2:9: phrases.rest: unknown placeholder {time} in 'Rest {time}' (this key takes: {duration})",
        "routine.yaml:6:19: blocks[0].exercises[0].exercise: 'romanian-deadlfit' is not an exercise in the library (did you mean 'romanian-deadlift'?)",
        "routine.yaml:9:15: blocks[0].exercises[1].reps: '12-8' is a range whose low end is above its high end (fewer reps first, e.g. 8-10)",
        "routine.yaml:10:16: blocks[0].exercises[1].tempo: '2-0-0-1' has a 0-second concentric phase (write X for explosive)",
        "routine.yaml:11:5: blocks[1].name: missing 'name'; name the block, e.g. Warm-up",
        "routine.yaml:13:15: blocks[1].exercises[0].sets: 0 is not a valid number of sets (expected a whole number from 1 to 100)",
        "routine.yaml:16:14: defaults.verbosity: 'loud' is not one of: minimal, standard, coach",
        "routine.yaml:17:1: colour: unknown key 'colour' in a routine (valid keys: title, description, defaults, blocks, phrases, music, music_rest, pronounce, language)",
    ]


def _bad_tempo_routine(count: int) -> str:
    entries = "".join(f"      - exercise: rdl\n        reps: 8\n        tempo: 3-1-{i}\n" for i in range(count))
    return HEAD + entries


def test_long_reports_are_capped() -> None:
    assert MAX_LISTED_PROBLEMS == 20
    with pytest.raises(RoutineError) as info:
        loads(_bad_tempo_routine(25), FILE)
    assert len(info.value.problems) == 25
    lines = str(info.value).splitlines()
    assert len(lines) == MAX_LISTED_PROBLEMS + 1
    # Entry i starts on line 5 + 3*i; its tempo is two lines below.
    assert lines[0] == (
        "routine.yaml:7:16: blocks[0].exercises[0].tempo: '3-1-0' is not a tempo "
        "(expected four phases such as 3-1-1-0; X = explosive)"
    )
    assert lines[19] == (
        "routine.yaml:64:16: blocks[0].exercises[19].tempo: '3-1-19' is not a tempo "
        "(expected four phases such as 3-1-1-0; X = explosive)"
    )
    assert lines[-1] == "... and 5 more"


def test_a_full_list_is_not_capped() -> None:
    lines = problems(_bad_tempo_routine(MAX_LISTED_PROBLEMS))
    assert len(lines) == MAX_LISTED_PROBLEMS
    assert not any(line.startswith("...") for line in lines)


# --------------------------------------------------------------------------- valid routines


def load_one(*lines: str, head: str = HEAD, exercise: str = "romanian-deadlift"):
    """Load a routine with one entry and return that entry."""
    text = head + f"      - exercise: {exercise}\n" + "".join(f"        {x}\n" for x in lines)
    (entry,) = loads(text, FILE).entries
    return entry


@pytest.mark.parametrize(
    ("written", "ms"),
    [
        ("90", 90_000),
        ("'90'", 90_000),
        ("90s", 90_000),
        ("1m30s", 90_000),
        ("'1:30'", 90_000),
        ("2m", 120_000),
        ("0", 0),
    ],
)
def test_rest_durations_in_every_form(written: str, ms: int) -> None:
    entry = load_one("reps: 8", f"rest: {written}", f"rest_after: {written}")
    assert entry.rest == Rest(ms, ms)
    assert entry.rest_after == Rest(ms, ms)


@pytest.mark.parametrize(("written", "ms"), [("45", 45_000), ("45s", 45_000), ("1m", 60_000), ("'1:15'", 75_000)])
def test_hold_durations(written: str, ms: int) -> None:
    entry = load_one(f"hold: {written}", exercise="glute-bridge-hold")
    assert entry.hold_ms == ms
    assert entry.reps is None


def test_rest_ranges() -> None:
    assert load_one("reps: 8", "rest: 45-90s").rest == Rest(45_000, 90_000)
    assert load_one("reps: 8", "rest: 1m-2m").rest == Rest(60_000, 120_000)


def test_rests_default_to_builtin_then_to_routine_defaults() -> None:
    entry = load_one("reps: 8")
    assert (entry.rest, entry.rest_after) == (Rest(60_000, 60_000), Rest(90_000, 90_000))
    head = "title: T\ndefaults:\n  rest: 30-45s\n  rest_after: 2m\nblocks:\n  - name: B\n    exercises:\n"
    entry = load_one("reps: 8", head=head)
    assert (entry.rest, entry.rest_after) == (Rest(30_000, 45_000), Rest(120_000, 120_000))
    entry = load_one("reps: 8", "rest: 20s", head=head)
    assert (entry.rest, entry.rest_after) == (Rest(20_000, 20_000), Rest(120_000, 120_000))


def test_sets_reps_and_dose() -> None:
    entry = load_one("sets: 4", "reps: 8-10")
    assert entry.sets == 4
    assert (entry.reps.low, entry.reps.high) == (8, 10)
    assert entry.dose == "4 x 8-10"
    assert load_one("reps: 12").sets == 1


@pytest.mark.parametrize(
    ("exercise", "lines", "per_side"),
    [
        ("banded-glute-kickback", ["reps: 12"], True),  # the library says per side
        ("romanian-deadlift", ["reps: 8"], False),
        ("walking-lunge", ["reps: 12", "per_side: false"], False),  # explicit wins
        ("romanian-deadlift", ["reps: 8", "per_side: true"], True),
    ],
)
def test_per_side_from_library_or_explicit(exercise: str, lines: list[str], per_side: bool) -> None:
    assert load_one(*lines, exercise=exercise).per_side is per_side


def test_walking_lunges_alternate_sides_in_one_window() -> None:
    lunge = load_one("reps: 12", exercise="walking-lunge")
    assert lunge.alternating and not lunge.per_side and lunge.steps == 2


TEMPO_DEFAULTS = "title: T\ndefaults:\n  tempo: 2-2-2-2\nblocks:\n  - name: B\n    exercises:\n"


def test_tempo_on_the_entry_wins() -> None:
    entry = load_one("reps: 8", "tempo: 4-0-1-0", head=TEMPO_DEFAULTS)
    assert entry.tempo == Tempo(4000, 0, 1000, 0)
    assert entry.tempo.text == "4-0-1-0"


def test_tempo_from_the_library_beats_routine_defaults() -> None:
    entry = load_one("reps: 8", head=TEMPO_DEFAULTS)
    assert entry.tempo.text == "3-1-1-0"
    assert entry.tempo == Tempo(3000, 1000, 1000, 0)


def test_inline_exercise_tempo_from_routine_defaults_then_builtin() -> None:
    inline = "      - name: Frog pump\n        reps: 20\n"
    (with_defaults_entry,) = loads(TEMPO_DEFAULTS + inline, FILE).entries
    assert with_defaults_entry.tempo.text == "2-2-2-2"
    (builtin_entry,) = loads(HEAD + inline, FILE).entries
    assert builtin_entry.tempo.text == "2-0-1-0"
    assert builtin_entry.tempo == Tempo(2000, 0, 1000, 0)


def test_tempo_is_normalised_and_x_uses_explosive_setting() -> None:
    head = "title: T\ndefaults:\n  explosive: 800ms\nblocks:\n  - name: B\n    exercises:\n"
    assert load_one("reps: 8", "tempo: 3-1-x-0", head=head).tempo == Tempo(3000, 1000, 800, 0)
    assert load_one("reps: 8", "tempo: 3-1-x-0", head=head).tempo.text == "3-1-X-0"
    swing = load_one("reps: 15", head=head, exercise="kettlebell-swing")
    assert swing.tempo == Tempo(800, 0, 800, 0)
    # with no explosive setting, the movement's own: a full swing's hike and snap take 0.7 s each
    assert load_one("reps: 15", exercise="kettlebell-swing").tempo == Tempo(700, 0, 700, 0)


def test_inline_exercise() -> None:
    text = HEAD + (
        "      - name: Frog pump\n"
        "        short_name: Frogs\n"
        "        cues: [Soles together, Squeeze at the top]\n"
        "        muscles: [glutes]\n"
        "        start: concentric\n"
        "        reps: 20\n"
    )
    (entry,) = loads(text, FILE).entries
    ex = entry.exercise
    assert (ex.id, ex.name, ex.short_name) == ("frog-pump", "Frog pump", "Frogs")
    assert ex.cues == ("Soles together", "Squeeze at the top")
    assert ex.muscles == ("glutes",)
    assert ex.start == "concentric"
    assert entry.per_side is False


def test_start_override_on_a_library_exercise() -> None:
    assert load_one("reps: 8").exercise.start == "eccentric"
    assert load_one("reps: 8", "start: concentric").exercise.start == "concentric"


def test_alternatives_resolved_including_aliases() -> None:
    entry = load_one("reps: 12", "alternatives: [hamstring-curl-ball, pull-through]", exercise="hamstring-curl-machine")
    assert [a.id for a in entry.alternatives] == ["hamstring-curl-ball", "cable-pull-through"]
    assert entry.display_name == "Machine hamstring curl or Stability ball hamstring curl or Cable pull-through"


@pytest.mark.parametrize("written", ["rdl", "RDL", "romanian-deadlifts", " romanian-deadlift "])
def test_aliases_resolve_to_the_library_id(written: str) -> None:
    entry = load_one("reps: 8", exercise=f"'{written}'")
    assert entry.exercise.id == "romanian-deadlift"
    assert entry.exercise.name == "Romanian deadlift"


def test_notes_and_description_kept() -> None:
    text = (
        "title: '  Monday  '\n"
        "description: Hinge day.\n"
        "blocks:\n"
        "  - name: Work\n"
        "    exercises:\n"
        "      - exercise: rdl\n"
        "        reps: 8\n"
        "        note: Slow on the way down.\n"
        "      - exercise: hip-thrust\n"
        "        reps: 10\n"
    )
    routine = loads(text, FILE)
    assert routine.title == "Monday"
    assert routine.description == "Hinge day."
    assert [e.note for e in routine.entries] == ["Slow on the way down.", None]
    assert routine.source == FILE


def test_locations_of_blocks_and_entries() -> None:
    routine = loads(DEEP_TEMPO.replace("'3-1-x'", "3-1-1-0"), FILE)
    assert [b.location for b in routine.blocks] == [
        SourceLocation(FILE, 3, 5, "blocks[0]"),
        SourceLocation(FILE, 7, 5, "blocks[1]"),
    ]
    assert [e.location for e in routine.entries] == [
        SourceLocation(FILE, 5, 9, "blocks[0].exercises[0]"),
        SourceLocation(FILE, 9, 9, "blocks[1].exercises[0]"),
        SourceLocation(FILE, 11, 9, "blocks[1].exercises[1]"),
        SourceLocation(FILE, 13, 9, "blocks[1].exercises[2]"),
    ]
    assert [b.name for b in routine.blocks] == ["Warm-up", "Work"]
    assert [e.exercise.id for e in routine.entries] == [
        "bodyweight-hip-hinge",
        "romanian-deadlift",
        "hip-thrust",
        "good-morning",
    ]


def test_settings_from_defaults() -> None:
    text = with_defaults(
        "voice: en-gb",
        "rate: 200",
        "verbosity: Coach",
        "rep_range: top",
        "rest_policy: max",
        "count: metronome",
        "lead_in: 5s",
        "switch: 10s",
        "explosive: 1s",
    )
    assert loads(text, FILE).settings == Settings(
        voice="en-gb",
        rate=200,
        verbosity="coach",
        rep_range="top",
        rest_policy="max",
        count="metronome",
        lead_in_ms=5000,
        switch_ms=10_000,
        explosive_ms=1000,
    )
    assert loads(rdl("reps: 8"), FILE).settings == Settings()


def test_phrase_overrides_kept() -> None:
    routine = loads(with_phrases("rest: 'Breathe, {duration}.'", "done:", "  - All done.", "  - Done."), FILE)
    assert routine.phrases == (("rest", ("Breathe, {duration}.",)), ("done", ("All done.", "Done.")))
    assert dict(routine.phrase_locations) == {
        "rest": SourceLocation(FILE, 3, 9, "phrases.rest"),
        "done": SourceLocation(FILE, 5, 5, "phrases.done"),
    }


@pytest.mark.parametrize(
    "written, load",
    [
        ("60kg", "60kg"),
        ("60 kg", "60kg"),
        ("62.5 kilos", "62.5kg"),
        ("135lb", "135lb"),
        ("135 lbs", "135lb"),
        ("bodyweight", "bodyweight"),
        ("BW", "bodyweight"),
        ("bodyweight+10kg", "bodyweight+10kg"),
        ("bodyweight + 20 lb", "bodyweight+20lb"),
        ("+10kg", "bodyweight+10kg"),
        ("bodyweight-15kg", "bodyweight-15kg"),
    ],
)
def test_load_in_every_form(written: str, load: str) -> None:
    entry = loads(rdl("reps: 8", f"load: {written}"), FILE).entries[0]
    assert str(entry.load) == load


def test_effort_and_warmup_sets_parsed() -> None:
    routine = loads(
        HEAD
        + "      - exercise: rdl\n        sets: 3\n        reps: 8\n        load: 60kg\n        rpe: 8.5\n        warmup_sets: 2\n"
        + "      - exercise: hip-thrust\n        reps: 10\n        rir: 0\n        count: reps\n"
        + "      - superset:\n          rounds: 2\n          exercises:\n            - exercise: good-morning\n"
        + "              reps: 8\n              load: 20kg\n              rir: 3\n            - exercise: glute-bridge\n              reps: 12\n",
        FILE,
    )
    rdl_, thrust, gm, bridge = routine.entries
    assert (str(rdl_.load), str(rdl_.effort), rdl_.effort.reserve, rdl_.warmup_sets) == ("60kg", "RPE 8.5", 1.5, 2)
    assert (thrust.load, str(thrust.effort), thrust.effort.rpe, thrust.warmup_sets, thrust.count) == (
        None,
        "0 RIR",
        10,
        0,
        "reps",
    )
    assert (str(gm.load), str(gm.effort)) == ("20kg", "3 RIR")
    assert (bridge.load, bridge.effort, bridge.count) == (None, None, None)
