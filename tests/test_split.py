"""build --split sets: one file per set, hold and rest, cut where the timeline says."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.export.split import (
    COUNTDOWN_ROLES,
    manifest_text,
    pieces,
    playlist_text,
    read_manifest,
    read_playlist,
    split_folder,
)
from audiocoach.load.routine import loads
from audiocoach.render import RenderOptions, build
from audiocoach.timeline import ms_to_samples
from conftest import write
from helpers import decode

#: Samples in one MP3 frame at 22.05 kHz (MPEG-2 layer III).
MP3_FRAME = 576

SPLIT_ROUTINE = """\
title: Split test
defaults:
  rest: 16s
  rest_after: 12s
blocks:
  - name: Test
    exercises:
      - exercise: romanian-deadlift
        sets: 2
        reps: 2
      - exercise: banded-glute-kickback
        sets: 1
        reps: 2
        per_side: true
      - exercise: glute-bridge-hold
        hold: 12s
"""


KINDS = ["intro", "set", "rest", "countdown", "set", "rest", "countdown", "set", "rest", "countdown", "hold", "outro"]


def test_pieces_tile_the_timeline_with_one_piece_per_set_hold_and_rest():
    routine = loads(SPLIT_ROUTINE, "split.yaml")
    tl = compile_routine(routine, estimate_ms)
    found = pieces(tl, routine)
    assert [p.kind for p in found] == KINDS
    assert found[0].start_ms == 0 and found[-1].end_ms == tl.duration_ms
    for a, b in zip(found, found[1:]):
        assert a.end_ms == b.start_ms
    # The per-side set keeps both sides and the switch between them.
    lunge_work = [s for s in tl.of_kind("segment") if s.exercise == 1 and s.role in ("work", "switch")]
    assert [s.role for s in lunge_work] == ["work", "switch", "work"]
    assert (found[7].start_ms, found[7].end_ms) == (lunge_work[0].start_ms, lunge_work[-1].end_ms)
    assert [p.title for p in found] == [
        "Intro",
        "Romanian deadlift: set 1 of 2",
        "Rest 19 s, then Romanian deadlift: set 2 of 2",  # 16 s and the set's lead-in: stop tone to first rep
        "Countdown to Romanian deadlift: set 2 of 2",
        "Romanian deadlift: set 2 of 2",
        "Rest 15 s, then Banded glute kickback",
        "Countdown to Banded glute kickback",
        "Banded glute kickback",
        "Rest 15 s, then Glute bridge hold",
        "Countdown to Glute bridge hold",
        "Glute bridge hold",
        "Finish",
    ]
    assert [p.filename for p in found][:4] == [
        "01-intro.mp3",
        "02-romanian-deadlift-set-1.mp3",
        "03-rest.mp3",
        "04-countdown.mp3",
    ]
    assert len({p.filename for p in found}) == len(found)


def test_a_rest_splits_where_its_final_countdown_begins():
    routine = loads(SPLIT_ROUTINE, "split.yaml")
    tl = compile_routine(routine, estimate_ms)
    found = pieces(tl, routine)
    for i, p in enumerate(found):
        if p.kind != "countdown":
            continue
        rest = found[i - 1]
        assert rest.kind == "rest" and rest.end_ms == p.start_ms
        cues = [e for e in tl.sounds if p.start_ms <= e.start_ms < p.end_ms]
        # The countdown piece opens on its first cue: "Ten seconds" in a long rest
        # (15 s or more with the lead-in), "three" in a short one; "three, two, one" are all in it.
        first = "ten_seconds" if rest.end_ms - rest.start_ms + p.length_ms >= 15_000 else "countdown"
        assert cues[0].start_ms == p.start_ms and cues[0].role == first, (p, cues[0])
        assert [e.text for e in cues if e.role == "countdown"] == ["three", "two", "one"]
        # The open part holds no countdown cue; nothing sounds across the cut.
        assert not [e for e in tl.sounds if rest.start_ms <= e.start_ms < rest.end_ms and e.role in COUNTDOWN_ROLES]
        assert not [e for e in tl.sounds if e.start_ms < p.start_ms < e.end_ms]
    # Which piece is which: the exercise and set a rest leads to, what a set holds.
    assert (found[2].exercise, found[2].set, found[2].sets) == ("Romanian deadlift", 2, 2)
    assert (found[3].exercise, found[3].item, found[3].set) == ("Romanian deadlift", 0, 2)
    # A set after a rest opens on its first rep: its go tone ends the countdown before it.
    assert (found[4].reps, found[4].tempo, found[4].go_ms) == ("2", "3-1-1-0", None)
    assert found[7].reps == "2 per side" and found[10].reps == "12s" and found[10].tempo == ""
    for i, p in enumerate(found):
        if p.kind in ("set", "hold") and found[i - 1].kind == "countdown":
            go = [e for e in tl.sounds if e.role == "go" and found[i - 1].start_ms <= e.start_ms < p.start_ms]
            assert len(go) == 1 and go[0].end_ms < p.start_ms, p


def test_a_rest_too_short_for_a_countdown_stays_one_piece():
    # A second's rest and a second's lead-in: the go, with no room for "one" before it.
    text = SPLIT_ROUTINE.replace("rest: 16s", "rest: 1s\n  lead_in: 1s")
    routine = loads(text, "split.yaml")
    found = pieces(compile_routine(routine, estimate_ms), routine)
    assert [p.kind for p in found][:4] == ["intro", "set", "rest", "set"]


def test_the_manifest_says_which_piece_is_which(tmp_path):
    routine = loads(SPLIT_ROUTINE, "split.yaml")
    found = pieces(compile_routine(routine, estimate_ms), routine)
    data = json.loads(manifest_text("Split test", found))
    assert data["format"] == "audiocoach.pieces/1" and data["title"] == "Split test"
    assert [p["kind"] for p in data["pieces"]] == KINDS
    assert data["pieces"][3]["length_ms"] == found[3].length_ms
    output = tmp_path / "s.mp3"
    split_folder(output).mkdir()
    (split_folder(output) / "s.pieces.json").write_text(manifest_text("Split test", found), encoding="utf-8")
    assert read_manifest(output) == found
    assert read_manifest(tmp_path / "unsplit.mp3") == ()


def test_playlist_gives_true_lengths_to_the_millisecond():
    routine = loads(SPLIT_ROUTINE, "split.yaml")
    found = pieces(compile_routine(routine, estimate_ms), routine)
    text = playlist_text("Split test", found)
    lines = text.splitlines()
    assert lines[:2] == ["#EXTM3U", "#PLAYLIST:Split test"]
    assert lines[2] == f"#EXTINF:{found[0].length_ms / 1000:.3f},Intro" and lines[3] == "01-intro.mp3"
    assert len(lines) == 2 + 2 * len(found)


@pytest.fixture(scope="module")
def split_builds(tmp_path_factory, phrase_cache):
    folder = tmp_path_factory.mktemp("split")
    src = write(folder, SPLIT_ROUTINE)
    out = {}
    for fmt in ("wav", "mp3"):
        result = build(
            src,
            folder / f"session-{fmt}.{fmt}",
            options=RenderOptions(cache_dir=str(phrase_cache), split="sets", format=fmt),
        )
        out[fmt] = result
    return out


def _parts(result):
    listed = (split_folder(result.output) / f"{result.output.stem}.m3u8").read_text(encoding="utf-8").splitlines()
    names = [line for line in listed if line and not line.startswith("#")]
    durations = [float(m.group(1)) for line in listed if (m := re.match(r"#EXTINF:([\d.]+),", line))]
    return [split_folder(result.output) / n for n in names], durations


@pytest.mark.engine
def test_wav_pieces_are_the_session_sample_for_sample_and_cut_in_silence(split_builds):
    result = split_builds["wav"]
    rate = result.timeline.sample_rate
    files, durations = _parts(result)
    found = pieces(result.timeline, loads(SPLIT_ROUTINE, "split.yaml"), ".wav")
    assert [f.name for f in files] == [p.filename for p in found]
    whole = decode(result.output, rate)
    decoded = [decode(f, rate) for f in files]
    for p, d, listed in zip(found, decoded, durations):
        assert d.size == ms_to_samples(p.end_ms, rate) - ms_to_samples(p.start_ms, rate), p
        assert listed == p.length_ms / 1000
    assert np.array_equal(np.concatenate(decoded), whole)
    # Nothing audible is cut: the 20 ms before every cut are silent, and what starts at a
    # cut (the set's go tone, the rest's stop tone) starts from silence (a fade-in).
    for p in found[1:]:
        at = ms_to_samples(p.start_ms, rate)
        assert np.abs(whole[at - ms_to_samples(20, rate) : at]).max() == 0, p
        # ... or a sound starts exactly there: a set opens on its first rep's number, whose clip
        # starts at the cut in the whole session too (nothing of it is cut off)
        starts_here = any(e.start_ms == p.start_ms for e in result.timeline.sounds)
        assert abs(int(whole[at])) < 300 or starts_here, p


@pytest.mark.engine
def test_mp3_pieces_decode_to_the_one_file_session_within_a_frame_per_boundary(split_builds):
    result = split_builds["mp3"]
    rate = result.timeline.sample_rate
    files, _ = _parts(result)
    found = pieces(result.timeline, loads(SPLIT_ROUTINE, "split.yaml"))
    whole = decode(result.output, rate).astype(np.float64)
    decoded = [decode(f, rate).astype(np.float64) for f in files]
    boundaries = len(files) - 1
    joined = np.concatenate(decoded)
    assert abs(joined.size - whole.size) <= MP3_FRAME * boundaries
    pos = 0
    for p, d in zip(found, decoded):
        want = ms_to_samples(p.end_ms, rate) - ms_to_samples(p.start_ms, rate)
        assert abs(d.size - want) <= MP3_FRAME, p
        assert abs(pos - ms_to_samples(p.start_ms, rate)) <= MP3_FRAME
        ref = whole[ms_to_samples(p.start_ms, rate) : ms_to_samples(p.start_ms, rate) + d.size]
        # Each piece is encoded on its own, so the lossy samples differ a little; the
        # sound is the same and in the same place: compare the waveforms, and the lag
        # at which they line up best is zero.
        corr = np.corrcoef(d[: ref.size], ref)[0, 1]
        assert corr > 0.9, (p, corr)
        lags = range(-MP3_FRAME, MP3_FRAME + 1, 8)
        best = max(lags, key=lambda k: float(np.dot(np.roll(d[: ref.size], k), ref)))
        assert best == 0, (p, best)
        pos += d.size


@pytest.mark.engine
def test_cli_build_and_batch_split_sets(tmp_path, cli_env):
    src = write(tmp_path, SPLIT_ROUTINE)
    out = tmp_path / "one.mp3"
    r = CliRunner().invoke(cli, ["build", str(src), "-o", str(out), "--split", "sets"], env=cli_env)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "one.sets").iterdir())[-3:] == [
        "12-finish.mp3",
        "one.m3u8",
        "one.pieces.json",
    ]
    program = write(
        tmp_path, "title: Split program\nweeks: 1\ndays:\n  - day: Monday\n    routine: routine.yaml\n", "prog.yaml"
    )
    r = CliRunner().invoke(
        cli, ["batch", str(program), "-o", str(tmp_path / "out"), "--split", "sets", "--jobs", "1"], env=cli_env
    )
    assert r.exit_code == 0, r.output
    sets = tmp_path / "out" / "prog" / "week-01" / "1-monday-routine.sets"
    assert (sets / "1-monday-routine.m3u8").is_file() and len(list(sets.glob("*.mp3"))) == 12
    # A second run changes nothing and keeps the pieces and the plan sidecar (not "stale").
    r = CliRunner().invoke(
        cli, ["batch", str(program), "-o", str(tmp_path / "out"), "--split", "sets", "--prune"], env=cli_env
    )
    assert r.exit_code == 0 and "1 unchanged" in r.output and "removed" not in r.output, r.output
    assert sets.is_dir() and (sets.parent / "1-monday-routine.plan.json").is_file()


def test_the_playlist_reads_back_as_the_pieces(tmp_path):
    routine = loads(SPLIT_ROUTINE, "split.yaml")
    found = pieces(compile_routine(routine, estimate_ms), routine)
    output = tmp_path / "s.mp3"
    split_folder(output).mkdir()
    (split_folder(output) / "s.m3u8").write_text(playlist_text("Split test", found), encoding="utf-8")
    back = read_playlist(output)
    assert [(p.title, p.start_ms, p.end_ms, p.filename) for p in back] == [
        (p.title, p.start_ms, p.end_ms, p.filename) for p in found
    ]
    assert read_playlist(tmp_path / "unsplit.mp3") == ()
