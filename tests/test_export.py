"""Export: chapters (ID3 CHAP/CTOC, read back by mutagen and ffprobe) aligned with the
audio, the WebVTT and JSON sidecars, --no-sidecars, and the other formats."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.export.encode import export_audio
from audiocoach.export.stream import FORMATS, encode_command, format_for_path
from audiocoach.export.tags import Chapter, Tags, ffmetadata
from audiocoach.timeline import Timeline, ms_to_samples
from helpers import SHORT_ROUTINE, decode, offset_in_mix

MP3_FRAME_MS = 1152 * 1000 / 22050  # one MPEG-2 layer III frame at 22.05 kHz


def _ffprobe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


# --------------------------------------------------------------------------- no engine


def test_ffmetadata_escapes_and_lists_chapters():
    text = ffmetadata(Tags("A=b; #c\\d", comment="two\nlines"), [Chapter(0, 1500, "One; two")])
    assert text.splitlines()[:3] == [";FFMETADATA1", "title=A\\=b\\; \\#c\\\\d", "artist=audiocoach"]
    assert "comment=two\\\nlines" in text
    assert text.endswith("[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=One\\; two\n")


def test_format_from_suffix_and_commands():
    assert format_for_path("x/y.M4A") == "m4a"
    assert format_for_path("x/y.ogg") == "ogg"
    assert format_for_path("x/y") == "mp3"
    assert encode_command(22050, "64k", "o", "wav")[-5:] == ["-c:a", "pcm_s16le", "-f", "wav", "o"]
    assert "-map_chapters" in encode_command(22050, "64k", "o", "m4a", metadata="m.txt")


# --------------------------------------------------------------------------- the real thing


@pytest.fixture(scope="module")
def full(phrase_cache):
    from audiocoach.speech import engine_missing

    if engine_missing():
        pytest.skip(engine_missing())
    from rendered import posterior_chain

    return posterior_chain(str(phrase_cache))


@pytest.mark.engine
def test_one_chapter_per_exercise_read_back_by_mutagen_and_ffprobe(full):
    from mutagen.id3 import ID3

    from audiocoach.load.routine import load_routine
    from rendered import POSTERIOR_CHAIN

    want = full.timeline.of_kind("chapter")
    exercises = [c for c in want if c.role == "exercise"]
    # One chapter per exercise (a circuit or superset is one exercise slot holding
    # several): every entry is named, in order, by exactly one chapter.
    named = [
        next(i for i, c in enumerate(exercises) if e.exercise.name in c.text)
        for e in load_routine(POSTERIOR_CHAIN).entries
    ]
    assert named == sorted(named) and set(named) == set(range(len(exercises)))

    id3 = ID3(full.output)
    chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == [c.text for c in want]
    for got, event in zip(chaps, want):
        assert abs(got.start_time - event.start_ms) <= MP3_FRAME_MS
        assert abs(got.end_time - event.end_ms) <= MP3_FRAME_MS
    (toc,) = id3.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in sorted(id3.getall("CHAP"), key=lambda c: c.start_time)]

    probed = _ffprobe(full.output)["chapters"]
    assert [c["tags"]["title"] for c in probed] == [c.text for c in want]
    for got, event in zip(probed, want):
        assert abs(float(got["start_time"]) * 1000 - event.start_ms) <= MP3_FRAME_MS


@pytest.mark.engine
def test_chapter_times_line_up_with_the_audio_heard(full, phrase_cache):
    """The decoder's sample 0 is the timeline's (the LAME header carries the encoder delay):
    the first cue of each chapter is found in the decoded audio exactly where it was put."""
    from audiocoach.load.routine import load_routine
    from audiocoach.render import RenderOptions, synthesizer_for
    from rendered import POSTERIOR_CHAIN

    tl = full.timeline
    pcm = decode(full.output, tl.sample_rate).astype(np.float64)
    assert pcm.size == ms_to_samples(tl.duration_ms, tl.sample_rate)
    speech = tl.of_kind("speech")
    with synthesizer_for(load_routine(POSTERIOR_CHAIN), RenderOptions(cache_dir=str(phrase_cache))) as synth:
        for chapter in tl.of_kind("chapter")[:6]:
            cue = next(e for e in speech if e.start_ms >= chapter.start_ms)
            # One second of the clip: a shorter head (mostly the engine's quiet onset, which
            # the limiter leaves as it is) lets the raw correlation peak a few ms off.
            clip = synth.clip(cue.text).astype(np.float64)[: tl.sample_rate]
            # (normalised: a raw dot product put a female voice's intro at 0 5 ms late)
            off = offset_in_mix(pcm, clip, ms_to_samples(cue.start_ms, tl.sample_rate))
            assert abs(off) <= 2, (cue.text, off)


_CUE_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"


def parse_webvtt(text: str) -> list[tuple[int, int, str]]:
    """A strict WebVTT reader: header, NOTE blocks, cues with optional ids; times in ms."""

    def ms(m: tuple[str, ...]) -> int:
        h, mi, s, f = map(int, m)
        return ((h * 60 + mi) * 60 + s) * 1000 + f

    assert not text.startswith("\ufeff")
    blocks = text.split("\n\n")
    assert blocks[0].split("\n")[0] == "WEBVTT", "missing header"
    assert all("-->" not in line for line in blocks[0].split("\n")), "cue in the header block"
    cues = []
    for block in blocks[1:]:
        lines = [line for line in block.split("\n")]
        if lines == [""] or not block.strip():
            continue
        if lines[0].startswith("NOTE"):
            assert all("-->" not in line for line in lines)
            continue
        if "-->" not in lines[0]:
            assert lines[0].strip() and "-->" not in lines[0]
            lines = lines[1:]
        m = re.fullmatch(_CUE_TIME + " --> " + _CUE_TIME, lines[0])
        assert m, f"bad timing line {lines[0]!r}"
        start, end = ms(m.groups()[:4]), ms(m.groups()[4:])
        assert start <= end
        payload = [line for line in lines[1:] if line != ""]
        assert payload and all("-->" not in p for p in payload), block
        cues.append((start, end, "\n".join(payload)))
    return cues


@pytest.mark.engine
def test_sidecars_webvtt_and_json(full, phrase_cache):
    vtt = full.output.with_suffix(".vtt")
    cues = parse_webvtt(vtt.read_text(encoding="utf-8"))
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)
    assert cues == [(e.start_ms, e.end_ms, e.text) for e in full.timeline.of_kind("speech")]

    from rendered import POSTERIOR_CHAIN

    sidecar = full.output.with_suffix(".json").read_text(encoding="utf-8")
    assert Timeline.from_json(sidecar) == full.timeline
    runner = CliRunner()
    planned = runner.invoke(cli, ["plan", str(POSTERIOR_CHAIN), "--json", "--cache-dir", str(phrase_cache)])
    assert planned.exit_code == 0, planned.output
    assert json.loads(sidecar) == json.loads(planned.stdout)


@pytest.mark.engine
def test_no_sidecars_and_other_formats(tmp_path, phrase_cache):
    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    runner = CliRunner()
    base = ["build", str(src), "--cache-dir", str(phrase_cache)]
    res = runner.invoke(cli, base + ["-o", str(tmp_path / "a.mp3"), "--no-sidecars"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp3", "short.yaml"]

    tl = None
    reference = None
    for fmt in ("wav", "m4a", "ogg"):
        res = runner.invoke(cli, base + ["-o", str(tmp_path / f"b.{fmt}")])  # format from the suffix
        assert res.exit_code == 0, res.output
        out = tmp_path / f"b.{fmt}"
        tl = Timeline.from_json(out.with_suffix(".json").read_text(encoding="utf-8"))
        probed = _ffprobe(out)
        tags = {
            k.lower(): v
            for k, v in {**probed["format"].get("tags", {}), **probed["streams"][0].get("tags", {})}.items()
        }
        assert tags["title"] == "Short test", fmt
        chapters = tl.of_kind("chapter")
        pcm = decode(out, tl.sample_rate)
        if fmt == "wav":
            assert probed["chapters"] == []
            assert pcm.size == ms_to_samples(tl.duration_ms, tl.sample_rate)
            reference = pcm.astype(np.float64)
            continue
        assert [c["tags"]["title"] for c in probed["chapters"]] == [c.text for c in chapters], fmt
        for got, event in zip(probed["chapters"], chapters):
            assert abs(float(got["start_time"]) * 1000 - event.start_ms) <= 1, fmt
        # The codec's priming is compensated (edit list, pre-skip): no shift against the
        # lossless render; only the last frame may be padded.
        assert 0 <= pcm.size - reference.size <= 1024, fmt
        head = reference[: 3 * 22050]
        corr = np.correlate(pcm[: head.size + 200].astype(np.float64), head, mode="valid")
        assert int(np.argmax(corr)) == 0, fmt
    res = runner.invoke(cli, base + ["-o", str(tmp_path / "c.bin"), "--format", "wav", "--no-sidecars"])
    assert res.exit_code == 0 and (tmp_path / "c.bin").read_bytes()[:4] == b"RIFF"
    assert set(FORMATS) == {"mp3", "m4a", "ogg", "wav"}


def test_export_audio_writes_nothing_on_failure(tmp_path):
    def boom():
        yield np.zeros(100, dtype=np.int16)
        raise RuntimeError("mixer failed")

    with pytest.raises(RuntimeError):
        export_audio(boom(), tmp_path / "x.m4a", rate=22050, fmt="m4a", tags=Tags("t"))
    assert list(tmp_path.iterdir()) == []
