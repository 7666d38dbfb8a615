"""What the coach says: tempo in words, natural rests, last set/round, groups, variety,
where you are in the session, warm-up sets and load."""

from __future__ import annotations

from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.load.library import default_library
from audiocoach.load.routine import loads
from audiocoach.model import Tempo
from audiocoach.words.phrases import default_phrasebook
from audiocoach.words.wording import Words, tempo_words
from helpers import check_invariants


def compile_text(text: str):
    routine = loads(text, "routine.yaml")
    tl = compile_routine(routine, estimate_ms)
    check_invariants(routine, tl)
    return tl


def one(entry: str, defaults: str = "") -> str:
    return f"title: T\n{defaults}blocks:\n  - name: B\n    exercises:\n" + "".join(
        f"      {line}\n" for line in entry.strip().splitlines()
    )


def spoken(tl, role: str | None = None) -> list[str]:
    return [e.text for e in tl.sounds if e.kind == "speech" and (role is None or e.role == role)]


# --------------------------------------------------------------------------- 4: tempo in words


def test_tempo_in_words_follows_the_movement():
    lib = default_library()
    words = Words(default_phrasebook())
    rdl, thrust, swing = lib.get("romanian-deadlift"), lib.get("hip-thrust"), lib.get("kettlebell-swing")
    assert tempo_words(Tempo(3000, 1000, 1000, 0, "3-1-1-0"), rdl, words.phase_word) == (
        "lower for three seconds, a one-second hold, then drive"
    )
    assert tempo_words(Tempo(2000, 0, 1000, 2000, "2-0-1-2"), thrust, words.phase_word) == (
        "up, a two-second squeeze, then lower for two seconds"
    )
    assert tempo_words(Tempo(500, 0, 500, 0, "X-0-X-0"), swing, words.phase_word) == "hike fast, then snap fast"


def test_tempo_is_said_in_the_announcement_and_in_next_up():
    tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n"
        "      - exercise: romanian-deadlift\n        sets: 2\n        reps: 5\n"
        "      - exercise: hip-thrust\n        sets: 2\n        reps: 8\n        tempo: 2-0-1-2\n"
    )
    assert spoken(tl, "announce") == [
        "Romanian deadlift: two sets of five. Lower for three seconds, a one-second hold, then drive."
    ]
    assert spoken(tl, "next_up_last") == [
        "Last exercise: Hip thrust, two sets of eight. Up, a two-second squeeze, then lower for two seconds."
    ]


# --------------------------------------------------------------------------- 5: wording


def test_rests_land_on_whole_five_seconds_and_are_said_naturally():
    for rest, length, words in (
        ("45-90s", 65_000, "Rest, sixty-five seconds."),
        ("70s", 70_000, "Rest, seventy seconds."),
        ("90s", 90_000, "Rest, a minute and a half."),
        ("60-61s", 60_000, "Rest, a minute."),
    ):
        tl = compile_text(one(f"- exercise: romanian-deadlift\n  sets: 2\n  reps: 1\n  rest: {rest}"))
        seg = next(s for s in tl.of_kind("segment") if s.role == "rest")
        assert seg.length_ms == length + 3000  # and the next set's lead-in
        assert spoken(tl, "rest") == [words]


def test_one_set_last_set_and_last_round():
    tl = compile_text(one("- exercise: glute-bridge-hold\n  sets: 1\n  hold: 30s"))
    assert spoken(tl, "into_position") == ["Get into position."]
    tl = compile_text(one("- exercise: hip-thrust\n  sets: 1\n  reps: 12"))
    assert spoken(tl, "one_set") == ["One set. Make it count."]
    assert "Set one of one." not in spoken(tl)
    tl = compile_text(one("- exercise: romanian-deadlift\n  sets: 3\n  reps: 1"))
    assert spoken(tl, "last_set") == ["Last set."] and spoken(tl, "next_last_set") == ["Next, the last set."]
    tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - tabata:\n          rounds: 3\n"
        "          exercises:\n            - exercise: kettlebell-swing\n"
    )
    assert spoken(tl, "round") == ["Round one of three.", "Round two of three."]
    assert spoken(tl, "last_round") == ["Last round."]
    assert "Round three of three." not in spoken(tl)


def test_a_transition_is_not_a_rest_and_every_member_gets_its_form_cue():
    tl = compile_text(
        "title: T\nblocks:\n  - name: Circuit\n    exercises:\n      - circuit:\n          rounds: 2\n          transition: 10s\n"
        "          rest: 30s\n          exercises:\n"
        "            - exercise: banded-glute-bridge\n              reps: 2\n"
        "            - exercise: bird-dog\n              reps: 2\n"
        "            - exercise: good-morning\n              reps: 2\n"
    )
    transitions = [s for s in tl.of_kind("segment") if s.role == "rest" and s.member is not None]
    assert len(transitions) == 4
    for seg in transitions:
        said = [e.text for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms and e.kind == "speech"]
        assert not any(t.startswith("Rest") for t in said), said
        assert said[0].startswith("Next: ")
    forms = set(spoken(tl, "form"))
    lib = default_library()
    for ex in ("banded-glute-bridge", "bird-dog", "good-morning"):
        assert forms & {c + "." for c in lib.get(ex).cues}, ex
    # The block is named like the group: it is not announced twice in a row.
    assert spoken(tl, "block") == [] and spoken(tl, "next_block") == []


def test_emom_is_said_in_words():
    tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n      - emom:\n          rounds: 2\n"
        "          exercises:\n            - exercise: kettlebell-swing\n              reps: 10\n"
    )
    assert spoken(tl, "announce_group") == ["Every minute on the minute, two rounds: Kettlebell swing, ten."]
    assert not any("EMOM" in t for t in spoken(tl)[1:])


# --------------------------------------------------------------------------- 6: variety


def test_form_cues_rotate_and_encouragement_is_never_back_to_back():
    tl = compile_text(
        one(
            "- exercise: romanian-deadlift\n  sets: 7\n  reps: 1\n  rest: 60s",
            defaults="defaults:\n  verbosity: coach\n",
        )
    )
    rests = [s for s in tl.of_kind("segment") if s.role == "rest"]
    forms, cheers = [], []
    for seg in rests:
        inside = [e for e in tl.sounds if seg.start_ms <= e.start_ms < seg.end_ms]
        forms += [e.text for e in inside if e.role == "form"]
        cheers.append(next((e.text for e in inside if e.role == "encourage"), None))
    assert len(forms) == 6 and all(a != b for a, b in zip(forms, forms[1:]))
    assert cheers.count(None) == 3  # not in every rest
    said = [c for c in cheers if c]
    assert len(said) == 3 and len(set(said)) == 3  # and never the same sentence twice in a row


# --------------------------------------------------------------------------- 7: where you are


def test_halfway_through_the_workout_and_last_exercise():
    tl = compile_text(
        "title: T\nblocks:\n  - name: B\n    exercises:\n"
        + "".join(
            f"      - exercise: {ex}\n        sets: 2\n        reps: 5\n"
            for ex in ("romanian-deadlift", "hip-thrust", "good-morning", "glute-bridge")
        )
    )
    half = [e for e in tl.sounds if e.role == "halfway_workout"]
    last = [e for e in tl.sounds if e.role == "next_up_last"]
    assert [e.text for e in half] == ["Halfway through the workout."]
    assert [e.text for e in last] == [
        "Last exercise: Glute bridge, two sets of five. Up, a two-second squeeze, then lower for two seconds."
    ]
    assert abs(half[0].start_ms - tl.duration_ms / 2) < tl.duration_ms / 4
    assert half[0].exercise == 2 and last[0].exercise == 3


# --------------------------------------------------------------------------- warm-up sets and load (with 10b)


def test_warmup_sets_and_load_are_said_before_each_set():
    tl = compile_text(one("- exercise: hip-thrust\n  sets: 3\n  reps: 8-10\n  load: 60kg\n  rpe: 8\n  warmup_sets: 1"))
    assert spoken(tl, "announce")[0].startswith("Hip thrust: one warm-up set and three sets of eight to ten.")
    assert spoken(tl, "warmup_set") == ["Warm-up set, light weight."]
    assert spoken(tl, "next_set_load") == [
        "Next, set one: sixty kilos, leave two in the tank.",
        "Next, set two: sixty kilos, leave two in the tank.",
    ]
    assert spoken(tl, "next_last_set_load") == ["Next, the last set: sixty kilos, leave two in the tank."]
    # A warm-up set counts the bottom of the range and asks for no extra reps.
    warm = next(s for s in tl.of_kind("segment") if s.role == "work")
    assert not [e for e in tl.sounds if warm.start_ms <= e.start_ms < warm.end_ms and e.role == "more_reps"]
    assert max(e.rep for e in tl.sounds if warm.start_ms <= e.start_ms < warm.end_ms and e.rep) == 8


def test_two_more_and_last_rep_never_take_a_phase_word():
    """Issue 29.3: "Two more." and "Last rep." go into a rep's free time; every rep keeps its words."""
    tl = compile_text(one("- exercise: romanian-deadlift\n  sets: 1\n  reps: 5"))
    by_rep = {}
    for e in sorted((e for e in tl.sounds if e.rep and e.kind == "speech"), key=lambda e: e.start_ms):
        by_rep.setdefault(e.rep, []).append(e.text)
    assert by_rep[2] == ["two", "lower", "hold", "drive"]
    assert by_rep[3] == ["three", "lower", "Two more.", "hold", "drive"]
    assert by_rep[4] == ["four", "lower", "hold", "drive"]
    assert by_rep[5] == ["five", "lower", "Last rep.", "hold", "drive"]
    assert tl.changes == ()


def test_more_if_you_have_them_is_said_in_the_pause_after_the_bottom_of_the_range():
    """Issue 26.2: after rep 2 of 2-4, in its own pause, before the lifter decides to go on."""
    tl = compile_text(one("- exercise: hip-thrust\n  sets: 1\n  reps: 2-4"))
    rep2 = [e.text for e in sorted(tl.sounds, key=lambda e: e.start_ms) if e.rep == 2 and e.kind == "speech"]
    assert rep2 == ["two", "squeeze", "lower", "Two more if you have them."]
    rep3 = [e.text for e in sorted(tl.sounds, key=lambda e: e.start_ms) if e.rep == 3 and e.kind == "speech"]
    assert rep3 == ["three", "squeeze", "lower"]
    assert tl.changes == ()


def test_time_left_in_long_holds_and_intervals_at_the_routines_cadence():
    tl = compile_text(one("- exercise: glute-bridge-hold\n  sets: 1\n  hold: 90s"))
    work = next(s for s in tl.of_kind("segment") if s.role == "work")
    left = [(e.start_ms - work.start_ms, e.text) for e in tl.sounds if e.role == "remaining"]
    assert left == [(30_000, "A minute left."), (60_000, "Thirty seconds left.")]  # from "Hold." on the go
    assert spoken(tl, "halfway") == []  # the time left says it better
    tl = compile_text(
        "title: T\ndefaults:\n  remaining_every: 20s\nblocks:\n  - name: B\n    exercises:\n      - intervals:\n"
        "          rounds: 2\n          work: 60s\n          rest: 20s\n          exercises:\n            - exercise: kettlebell-swing\n"
    )
    first = next(s for s in tl.of_kind("segment") if s.role == "work")
    left = [
        (e.start_ms - first.start_ms, e.text) for e in tl.sounds if e.role == "remaining" and e.start_ms < first.end_ms
    ]
    assert left == [(20_000, "Forty seconds left."), (40_000, "Twenty seconds left.")]
