"""Spoken wording: numbers as words, durations, tempos, templates and the shipped phrasebook."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from audiocoach.words.phrases import (
    PLACEHOLDERS,
    Phrasebook,
    check_template,
    default_phrasebook,
    number_words,
    placeholders_of,
    spoken_duration,
    spoken_tempo,
)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty-one"),
        (99, "ninety-nine"),
        (100, "one hundred"),
        (105, "one hundred five"),
        (110, "one hundred ten"),
        (342, "three hundred forty-two"),
        (1000, "one thousand"),
        (1234, "one thousand two hundred thirty-four"),
        (20_005, "twenty thousand five"),
        (-3, "minus three"),
    ],
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (1_000, "one second"),
        (45_000, "forty-five seconds"),
        (60_000, "a minute"),
        (61_000, "sixty-one seconds"),
        (70_000, "seventy seconds"),
        (90_000, "a minute and a half"),
        (120_000, "two minutes"),
        (130_000, "two minutes ten"),
        (150_000, "two and a half minutes"),
        (0, "zero seconds"),
        (29_600, "thirty seconds"),  # rounded to the nearest second
    ],
)
def test_spoken_duration(ms: int, words: str) -> None:
    assert spoken_duration(ms) == words


def test_spoken_tempo() -> None:
    assert spoken_tempo("3-1-X-0") == "three, one, explosive, zero"
    assert spoken_tempo("2-0-1-2") == "two, zero, one, two"


def test_placeholders_of() -> None:
    assert placeholders_of("Set {set} of {sets}.") == {"set", "sets"}
    assert placeholders_of("Rest.") == set()
    assert placeholders_of("{{literal}} braces") == set()


@pytest.mark.parametrize(
    ("key", "template"),
    [
        ("rest", "Rest, {duration}."),
        ("rest", "Rest."),
        ("get_ready", "Set {set} of {sets}, go."),
        ("done", "Done. {{Really}}."),
        ("announce", "{name}: {sets} by {reps}{side} at {tempo}."),
    ],
)
def test_check_template_accepts(key: str, template: str) -> None:
    assert check_template(key, template) is None


@pytest.mark.parametrize(
    ("key", "template", "problem"),
    [
        ("rest", "Rest for {time}.", "unknown placeholder {time} in 'Rest for {time}.' (this key takes: {duration})"),
        ("get_ready", "Set {n}.", "unknown placeholder {n} in 'Set {n}.' (this key takes: {set}, {sets})"),
        ("done", "Done, {title}.", "unknown placeholder {title} in 'Done, {title}.' (this key takes: none)"),
        # The first unknown name in sorted order is the one reported.
        ("rest", "{zz} {aa}", "unknown placeholder {aa} in '{zz} {aa}' (this key takes: {duration})"),
        ("rest", "Rest {}", "unknown placeholder {} in 'Rest {}' (this key takes: {duration})"),
        ("rest", "Rest {duration", "'Rest {duration' is not a valid template (expected '}' before end of string)"),
        ("rest", "Rest }", "'Rest }' is not a valid template (Single '}' encountered in format string)"),
    ],
)
def test_check_template_rejects(key: str, template: str, problem: str) -> None:
    assert check_template(key, template) == problem


def _shipped() -> dict[str, list[str]]:
    text = resources.files("audiocoach").joinpath("data/phrases.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_shipped_phrase_keys_match_placeholders() -> None:
    shipped = _shipped()
    assert set(shipped) <= set(PLACEHOLDERS), sorted(set(shipped) - set(PLACEHOLDERS))
    assert set(PLACEHOLDERS) <= set(shipped), sorted(set(PLACEHOLDERS) - set(shipped))


def _flat(templates: list) -> list:
    """A key's templates; a key with several variants holds a list of lists."""
    return [t for v in templates for t in (v if isinstance(v, list) else [v])]


def test_every_shipped_template_is_valid() -> None:
    bad = [
        (key, template, check_template(key, template))
        for key, templates in _shipped().items()
        for template in _flat(templates)
        if not isinstance(template, str) or check_template(key, template)
    ]
    assert bad == []


def test_a_key_with_variants_rotates_and_overrides_replace_them() -> None:
    book = default_phrasebook()
    assert book.count("encourage") >= 3
    seen = [book.variants("encourage", turn=t)[0] for t in range(book.count("encourage"))]
    assert len(set(seen)) == len(seen)
    assert book.variants("encourage", turn=book.count("encourage")) == book.variants("encourage", turn=0)
    custom = book.with_overrides({"encourage": ("Keep going.",)})
    assert custom.count("encourage") == 1 and custom.variants("encourage", turn=2) == ("Keep going.",)


def test_every_shipped_key_has_wordings() -> None:
    for key, templates in _shipped().items():
        assert isinstance(templates, list) and templates, key


def test_default_phrasebook_fills_in() -> None:
    book = default_phrasebook()
    assert book.variants("rest", duration="sixty seconds") == ("Rest, sixty seconds.", "Rest.")
    assert book.variants("countdown", n="three") == ("three",)


def test_variants_drop_empty_and_duplicate_wordings() -> None:
    book = Phrasebook({"note": ("{note}", "  {note}  ", "")})
    assert book.variants("note", note="Go slow") == ("Go slow",)


def test_with_overrides_replaces_only_the_given_keys() -> None:
    base = Phrasebook({"rest": ("Rest, {duration}.", "Rest."), "done": ("Done.",)})
    custom = base.with_overrides({"rest": ("Breathe for {duration}.",)})
    assert custom.templates["rest"] == ("Breathe for {duration}.",)
    assert custom.templates["done"] == ("Done.",)
    assert custom.variants("rest", duration="a minute") == ("Breathe for a minute.",)
    # The original is untouched.
    assert base.templates["rest"] == ("Rest, {duration}.", "Rest.")


def test_with_overrides_on_the_default_phrasebook_leaves_it_alone() -> None:
    before = default_phrasebook().templates["done"]
    custom = default_phrasebook().with_overrides({"done": ("All done.",)})
    assert custom.variants("done") == ("All done.",)
    assert default_phrasebook().templates["done"] == before


# --------------------------------------------------------------------------- words that used to bypass the book

LOADED = """\
title: Loaded
phrases:
  bodyweight_plus: "body plus {weight}"
  reserve: "{reps} in reserve"
  deload_week: "Easy week: {change}."
  deload_over: "Back to work."
blocks:
  - name: Main
    exercises:
      - {name: Dip, sets: 2, reps: 5, load: bodyweight+10kg, rir: 2}
"""


def test_load_and_effort_words_come_from_the_routines_phrases():
    from audiocoach.compile.compiler import compile_routine, estimate_ms
    from audiocoach.load.routine import loads

    said = " ".join(e.text for e in compile_routine(loads(LOADED), estimate_ms).sounds)
    assert "body plus ten kilos, two in reserve" in said
    lines = LOADED.splitlines()
    shipped = "\n".join(lines[:1] + lines[lines.index("blocks:") :])  # the same routine, no phrases:
    plain = " ".join(e.text for e in compile_routine(loads(shipped), estimate_ms).sounds)
    assert "bodyweight plus ten kilos, leave two in the tank" in plain


def test_deload_notices_come_from_the_routines_phrases():
    from audiocoach.load.routine import loads
    from audiocoach.program.progression import progress_routine
    from audiocoach.program.rules import Deload

    routine = loads(LOADED)
    deload = Deload(weeks=(2,))
    assert progress_routine(routine, (), 2, "day", deload=deload, weeks=3).notice.startswith("Easy week: ")
    assert progress_routine(routine, (), 3, "day", deload=deload, weeks=3).notice == "Back to work."


def test_a_bad_placeholder_in_the_new_keys_is_refused_where_it_is_written():
    from audiocoach.errors import RoutineError
    from audiocoach.load.routine import loads

    with pytest.raises(
        RoutineError, match=r"<routine>:4:12: phrases.reserve: unknown placeholder \{weight\}.*takes: \{reps\}"
    ):
        loads(LOADED.replace('"{reps} in reserve"', '"{weight} in reserve"'))


def test_group_names_and_doses_come_from_the_routines_phrases():
    from audiocoach.compile.compiler import compile_routine, estimate_ms
    from audiocoach.load.routine import loads

    text = (
        "title: T\nphrases:\n  label_amrap: 'Max rounds'\n  dose_intervals: '{rounds} x {work}/{rest}'\n"
        "blocks:\n  - name: B\n    exercises:\n"
        "      - amrap:\n          time: 2m\n          exercises:\n            - {name: Swing, reps: 10}\n"
        "      - tabata:\n          exercises:\n            - {name: Squat}\n"
    )
    said = [e.text for e in compile_routine(loads(text), estimate_ms).sounds]
    assert any(t.startswith("Max rounds, two minutes:") for t in said), said
    assert any("eight x twenty seconds/ten seconds" in t for t in said), said


def test_where_an_emom_rest_ends_is_in_the_phrasebook_and_overridable(tmp_path):
    """ "Rest till the top of the minute." was built from an English string in the compiler."""
    from pathlib import Path

    from audiocoach.compile.compiler import compile_routine, estimate_ms
    from audiocoach.load.routine import load_routine

    shipped = Path(__file__).resolve().parent.parent / "routines" / "emom-swings-and-bridges.yaml"
    said = [e.text for e in compile_routine(load_routine(shipped), estimate_ms).sounds]
    assert "Rest till the top of the minute." in said
    text = shipped.read_text(encoding="utf-8")
    own = tmp_path / "emom.yaml"
    own.write_text(text.replace("blocks:", 'phrases:\n  until_minute: "the next minute"\nblocks:', 1), encoding="utf-8")
    said = [e.text for e in compile_routine(load_routine(own), estimate_ms).sounds]
    assert "Rest till the next minute." in said and "Rest till the top of the minute." not in said
