"""The scheduler alone: pinned cues, flowing cues, wordings, priorities, yielding, attacks."""

from __future__ import annotations

from audiocoach.compile.fit import FLOW_GAP_MS, GAP_MS, TAIL_MS, Segment, fit_segment
from audiocoach.timeline import ANNOUNCE, BEAT, ENCOURAGE, FORM


def ms_per_char(kind: str, text: str) -> int:
    """10 ms a character: lengths are easy to read in the assertions."""
    return 10 * len(text)


def placed(seg: Segment, onset=None):
    cues, length, decisions = fit_segment(seg, ms_per_char, onset)
    return [(p.start_ms, p.text) for p in cues], length, [(d.action, d.cue.role, d.replacement) for d in decisions]


def test_pinned_cues_start_exactly_where_pinned():
    seg = Segment("work", 5000)
    seg.pin("a", ("one",), BEAT, 1000)
    seg.pin("b", ("two",), BEAT, 2000)
    assert placed(seg) == ([(1000, "one"), (2000, "two")], 5000, [])


def test_a_pinned_cue_takes_the_first_wording_that_ends_before_the_next_beat():
    seg = Segment("work", 5000)
    seg.pin("call", ("x" * 95, "x" * 50), BEAT, 0)  # 950 ms does not fit in 1000 - GAP
    seg.pin("next", ("y",), BEAT, 1000)
    cues, _, decisions = placed(seg)
    assert cues == [(0, "x" * 50), (1000, "y")]
    assert decisions == [("shortened", "call", "x" * 50)]


def test_a_pinned_cue_with_no_wording_that_fits_is_dropped_visibly():
    seg = Segment("work", 5000)
    seg.pin("call", ("x" * 200,), BEAT, 0)
    seg.pin("next", ("y",), BEAT, 1000)
    cues, _, decisions = placed(seg)
    assert cues == [(1000, "y")] and decisions == [("dropped", "call", None)]


def test_yielding_cues_give_way_to_the_next_cue_that_does_not():
    seg = Segment("work", 5000)
    seg.pin("rep", ("x" * 150,), BEAT, 0)  # 1.5 s: runs over the tick at 1 s
    seg.pin("tick", ("tick",), BEAT, 1000, kind="tone", yields=True)
    seg.pin("word", ("w" * 150,), BEAT, 1800, yields=True)  # would run over the next rep number
    seg.pin("rep", ("r",), BEAT, 2500)
    cues, _, decisions = placed(seg)
    assert cues == [(0, "x" * 150), (2500, "r")]
    assert [d[:2] for d in decisions] == [("dropped", "tick"), ("dropped", "word")]


def test_flowing_cues_go_in_order_around_pinned_ones_and_never_overlap():
    seg = Segment("rest", 10_000)
    seg.pin("stop", ("s" * 40,), BEAT, 0, kind="tone")
    seg.pin("ten", ("t" * 20,), BEAT, 1000)
    seg.flow("first", ("f" * 50,), ANNOUNCE)
    seg.flow("second", ("g" * 30,), FORM)
    cues, _, decisions = placed(seg)
    first_start = 1000 + 200 + GAP_MS  # 500 ms do not fit between the stop tone and the beat at 1 s
    assert cues == [
        (0, "s" * 40),
        (1000, "t" * 20),
        (first_start, "f" * 50),
        (first_start + 500 + FLOW_GAP_MS, "g" * 30),
    ]
    assert decisions == []


def test_a_flowing_cue_that_does_not_fit_shortens_then_drops_a_less_important_one():
    seg = Segment("rest", 3000)
    seg.flow("cheer", ("c" * 100,), ENCOURAGE, latest_end_ms=2500)
    seg.flow("next_up", ("n" * 200, "n" * 140), ANNOUNCE, latest_end_ms=2500)
    cues, _, decisions = placed(seg)
    assert cues == [(0, "n" * 140)]
    assert decisions == [("dropped", "cheer", None), ("shortened", "next_up", "n" * 140)]


def test_a_flowing_cue_shortens_before_it_is_dropped():
    seg = Segment("rest", 3000)
    seg.flow("next_up", ("n" * 300, "n" * 100), ANNOUNCE, latest_end_ms=2000)
    cues, _, decisions = placed(seg)
    assert cues == [(0, "n" * 100)] and decisions == [("shortened", "next_up", "n" * 100)]


def test_an_elastic_segment_is_as_long_as_its_speech():
    seg = Segment("intro", None)
    seg.flow("a", ("a" * 100,), ANNOUNCE)
    seg.flow("b", ("b" * 50,), ANNOUNCE)
    cues, length, _ = placed(seg)
    assert cues == [(0, "a" * 100), (1000 + FLOW_GAP_MS, "b" * 50)]
    assert length == 1000 + FLOW_GAP_MS + 500 + TAIL_MS


def test_a_pinned_word_starts_early_by_its_attack_so_the_attack_is_on_the_beat():
    seg = Segment("work", 5000)
    seg.pin("rep", ("three",), BEAT, 1000)
    seg.pin("go", ("go",), BEAT, 0, kind="tone")
    cues, _, _ = placed(seg, onset=lambda kind, text: 90 if kind == "speech" else 0)
    assert cues == [(0, "go"), (910, "three")]


def test_an_early_attack_takes_its_room_from_the_cue_before_never_overlapping_it():
    seg = Segment("work", 5000)
    seg.pin("a", ("x" * 50, "x" * 30), BEAT, 0)
    seg.pin("b", ("y",), BEAT, 600)
    cues, _, decisions = placed(seg, onset=lambda kind, text: 200 if text == "y" else 0)
    assert cues == [(0, "x" * 30), (400, "y")]  # "y" starts 200 ms early; "a" ends a gap before it
    assert decisions == [("shortened", "a", "x" * 30)]
