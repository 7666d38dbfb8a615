"""Batch: a program's sessions in parallel, incremental, failures isolated, interrupt-safe."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import audiocoach.batch.jobs as batch
from audiocoach import RenderOptions, build_program
from audiocoach.batch.folders import claim_folder, input_hash, read_manifest, write_manifest
from audiocoach.batch.jobs import write_playlist
from audiocoach.cli import cli
from audiocoach.program.programs import load_program, sessions
from helpers import decode, engine_params, need_engine

ROUTINE_A = """\
title: Tiny A
defaults:
  rest: 16s
  rest_after: 16s
blocks:
  - name: Main
    exercises:
      - exercise: romanian-deadlift
        sets: 1
        reps: 2-3
"""

ROUTINE_B = """\
title: Tiny B
defaults:
  rest: 16s
blocks:
  - name: Main
    exercises:
      - exercise: hip-thrust
        sets: 1
        reps: 2
"""

PROGRAM = """\
title: Tiny program
weeks: 2
days:
  - day: Monday
    routine: a.yaml
  - day: Friday
    routine: b.yaml
progression:
  - reps: +1
  - tempo: 2-0-1-0
    weeks: 2
    exercises: [hip-thrust]
"""

KEYS = ["week-01/1-monday-a", "week-01/2-friday-b", "week-02/1-monday-a", "week-02/2-friday-b"]


def make_program(folder: Path, program: str = PROGRAM, b: str = ROUTINE_B) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.yaml").write_text(ROUTINE_A)
    (folder / "b.yaml").write_text(b)
    (folder / "p.yaml").write_text(program)
    return folder / "p.yaml"


def statuses(result) -> dict[str, str]:
    return {s.key: s.status for s in result.sessions}


def decoded_ms(path: Path) -> int:
    # Decoding the whole file proves it is complete; ffprobe's container duration would
    # also count the encoder's padding (about 60-80 ms at 22.05 kHz), so count samples.
    return round(decode(path).size * 1000 / 22050)


# ---------------------------------------------------------------- no engine


def test_input_hash_follows_what_is_heard():
    program = load_program(Path(__file__).resolve().parent.parent / "routines" / "posterior-chain-6-weeks.yaml")
    week1, week2 = sessions(program, weeks=[1, 2])[0::2]
    opts = RenderOptions()
    meta = {"week": "1"}
    h = input_hash(week1.routine, opts, meta)
    assert h == input_hash(week1.routine, RenderOptions(cache_dir="/elsewhere"), meta)
    assert h != input_hash(week2.routine, opts, meta)
    assert h != input_hash(week1.routine, RenderOptions(bitrate="96k"), meta)
    assert h != input_hash(week1.routine, opts, {"week": "2"})


def test_manifest_round_trip_and_garbage(tmp_path):
    assert read_manifest(tmp_path) == {}
    write_manifest(tmp_path, {"week-01/1-x": {"hash": "abc", "duration_ms": 5}})
    assert read_manifest(tmp_path) == {"week-01/1-x": {"hash": "abc", "duration_ms": 5}}
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) == {}
    assert list(tmp_path.glob(".*.part")) == []


def test_playlist_lists_ready_sessions_with_lengths(tmp_path):
    program = load_program(make_program(tmp_path / "src"))
    (tmp_path / "week-01").mkdir()
    mp3 = tmp_path / "week-01" / "1-monday-a.mp3"
    mp3.write_bytes(b"x")
    done = batch.SessionResult("week-01/1-monday-a", 1, "Monday", "Week 1, Monday: Tiny A", mp3, "built", 61_499)
    failed = batch.SessionResult(
        "week-01/2-friday-b",
        1,
        "Friday",
        "Week 1, Friday: Tiny B",
        tmp_path / "week-01" / "2-friday-b.mp3",
        "failed",
        error="boom",
    )
    path = write_playlist(tmp_path, program, 1, [done, failed])
    assert path.read_text() == (
        "#EXTM3U\n#PLAYLIST:Tiny program: week 1\n#EXTINF:61,Week 1, Monday: Tiny A\nweek-01/1-monday-a.mp3\n"
    )


def test_bad_program_is_an_error_before_any_work(tmp_path):
    (tmp_path / "p.yaml").write_text("title: P\nweeks: 0\ndays: []\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", str(tmp_path / "p.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "p.yaml:2:8: weeks: 0 is not a valid number of weeks" in result.stderr
    assert not (tmp_path / "out").exists()


def test_weeks_option_outside_the_program(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(make_program(tmp_path)), "--weeks", "2-5"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --weeks 2-5: '2-5': week 5 is outside this program (weeks 1 to 2)\n"


# ---------------------------------------------------------------- real renders


@pytest.fixture(scope="module")
def built(tmp_path_factory, phrase_cache):
    """The tiny program rendered once; tests copy it before changing anything."""
    if problem := __import__("conftest").engines_missing():
        pytest.skip(problem)
    root = tmp_path_factory.mktemp("batch")
    program = make_program(root / "src")
    result = build_program(program, root / "out", jobs=2, options=RenderOptions(cache_dir=str(phrase_cache)))
    return root, result


def copy_of(built, tmp_path) -> tuple[Path, Path]:
    root, _ = built
    shutil.copytree(root / "src", tmp_path / "src")
    shutil.copytree(root / "out", tmp_path / "out")
    return tmp_path / "src" / "p.yaml", tmp_path / "out"


@pytest.mark.engine
def test_first_run_writes_sessions_and_playlists(built):
    root, result = built
    folder = root / "out" / "p"
    assert statuses(result) == dict.fromkeys(KEYS, "built")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.mp3")) == [k + ".mp3" for k in KEYS]
    assert [p.name for p in result.playlists] == ["week-01.m3u", "week-02.m3u"]
    manifest = read_manifest(folder)
    for s in result.sessions:
        timeline = json.loads(s.output.with_suffix(".json").read_text())
        assert s.duration_ms == timeline["duration_ms"] == manifest[s.key]["duration_ms"]
        assert timeline["meta"]["program"] == "Tiny program" and timeline["meta"]["week"] == str(s.week)
    lines = (folder / "week-02.m3u").read_text().splitlines()
    assert lines[2] == f"#EXTINF:{round(result.sessions[2].duration_ms / 1000)},Week 2, Monday: Tiny A"
    assert lines[3] == "week-02/1-monday-a.mp3"
    assert list(folder.rglob("*.part")) == []


@pytest.mark.engine
def test_second_run_rebuilds_nothing_and_starts_no_engine(built, tmp_path, phrase_cache, monkeypatch):
    program, out = copy_of(built, tmp_path)

    def no_render(*args, **kwargs):
        raise AssertionError("nothing should be rendered")

    monkeypatch.setattr(batch, "_run", no_render)
    monkeypatch.setattr(batch, "check_voices", no_render)  # the only way batch itself starts the engine
    start = time.monotonic()
    result = build_program(program, out, options=RenderOptions(cache_dir=str(phrase_cache)))
    assert time.monotonic() - start < 2
    assert statuses(result) == dict.fromkeys(KEYS, "unchanged")
    assert [s.duration_ms for s in result.sessions] == [s.duration_ms for s in built[1].sessions]


@pytest.mark.engine
def test_changing_one_rule_rebuilds_only_what_it_changes(built, tmp_path, phrase_cache):
    program, out = copy_of(built, tmp_path)
    program.write_text(PROGRAM.replace("tempo: 2-0-1-0", "tempo: 3-0-1-0"))
    before = {k: (out / "p" / f"{k}.mp3").stat().st_mtime_ns for k in KEYS}
    result = build_program(program, out, jobs=2, options=RenderOptions(cache_dir=str(phrase_cache)))
    assert statuses(result) == {**dict.fromkeys(KEYS, "unchanged"), "week-02/2-friday-b": "built"}
    after = {k: (out / "p" / f"{k}.mp3").stat().st_mtime_ns for k in KEYS}
    assert [k for k in KEYS if before[k] != after[k]] == ["week-02/2-friday-b"]
    # a deleted file is rebuilt even though its inputs did not change
    (out / "p" / "week-01" / "1-monday-a.mp3").unlink()
    again = build_program(program, out, options=RenderOptions(cache_dir=str(phrase_cache)))
    assert [s.key for s in again.built] == ["week-01/1-monday-a"]


@pytest.mark.engine
def test_weeks_selection(tmp_path, phrase_cache):
    program = make_program(tmp_path / "src")
    result = build_program(
        program, tmp_path / "out", weeks=[2], jobs=1, options=RenderOptions(cache_dir=str(phrase_cache), sidecars=False)
    )
    assert [s.key for s in result.sessions] == KEYS[2:]
    folder = tmp_path / "out" / "p"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "program.txt", "week-02", "week-02.m3u"]
    assert sorted(p.name for p in (folder / "week-02").iterdir()) == ["1-monday-a.mp3", "2-friday-b.mp3"]


@pytest.mark.engine
def test_a_broken_routine_fails_alone(tmp_path, phrase_cache):
    program = make_program(
        tmp_path / "src",
        b="title: Broken\nblocks:\n  - name: M\n    exercises:\n      - exercise: hip-thurst\n        reps: 2\n",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["batch", str(program), "-o", str(tmp_path / "out"), "--jobs", "2", "--no-sidecars"],
        env={"AUDIOCOACH_CACHE": str(phrase_cache)},
    )
    assert result.exit_code == 1
    folder = tmp_path / "out" / "p"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.mp3")) == [
        "week-01/1-monday-a.mp3",
        "week-02/1-monday-a.mp3",
    ]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Session", "Length", "Status", "File"]
    assert lines[1].startswith("Week 1, Monday: Tiny A") and " built " in lines[1]
    assert lines[2].startswith("Week 1, Friday") and " failed " in lines[2]
    assert lines[5] == "2 built, 0 unchanged, 2 failed; playlists: week-01.m3u, week-02.m3u"
    assert "failed: week-01/2-friday-b: " in result.stderr and "b.yaml:5:19" in result.stderr
    assert result.stderr.endswith("Error: 2 of 4 sessions failed: week-01/2-friday-b, week-02/2-friday-b\n")
    assert (folder / "week-01.m3u").read_text().count("#EXTINF") == 1


@pytest.mark.engine
def test_a_session_failing_while_rendering_fails_alone(tmp_path, phrase_cache):
    program = make_program(tmp_path / "src")
    # A folder where one session's MP3 must go: that render fails at the very end, for real.
    blocker = tmp_path / "out" / "p" / "week-01" / "1-monday-a.mp3"
    blocker.mkdir(parents=True)
    result = build_program(
        program, tmp_path / "out", weeks=[1], jobs=2, options=RenderOptions(cache_dir=str(phrase_cache))
    )
    assert statuses(result) == {"week-01/1-monday-a": "failed", "week-01/2-friday-b": "built"}
    failed = result.failed[0]
    assert failed.key == "week-01/1-monday-a" and "1-monday-a.mp3" in failed.error
    assert sorted(read_manifest(tmp_path / "out" / "p")) == ["week-01/2-friday-b"]
    assert (tmp_path / "out" / "p" / "week-01" / "2-friday-b.mp3").is_file()


@pytest.mark.engine
def test_a_bad_voice_stops_before_the_first_session(tmp_path, phrase_cache):
    program = make_program(tmp_path / "src")
    with pytest.raises(batch.AudiocoachError) as info:
        build_program(
            program,
            tmp_path / "out",
            weeks=[1],
            jobs=2,
            options=RenderOptions(engine="pyttsx3", cache_dir=str(phrase_cache), voice="no-such-voice-xyz"),
        )
    # The examples are the engine's English voices (which ones depends on the espeak-ng installed).
    assert re.fullmatch(
        r"--voice no-such-voice-xyz: unknown voice 'no-such-voice-xyz' for the pyttsx3 engine "
        r"\(run 'audiocoach voices --engine pyttsx3' to list them, e\.g\. [^()]*\ben\b[^()]*\)",
        str(info.value),
    ), str(info.value)
    assert list((tmp_path / "out").rglob("*.mp3")) == []


def test_a_loader_crash_fails_only_its_own_sessions(tmp_path, monkeypatch):
    """Any exception while loading one day's routine (not only a RoutineError) is named in
    that day's sessions; the program and the other days go on."""
    import audiocoach.program.programs as program_module

    real = program_module.load_day

    def crashing(day):
        if day.name == "Friday":
            raise KeyError("boom")
        return real(day)

    monkeypatch.setattr(program_module, "load_day", crashing)
    program = load_program(make_program(tmp_path / "src"))
    found = sessions(program, strict=False)
    assert [s.routine is None for s in found] == [False, True, False, True]
    assert found[1].error.endswith(f"loading {tmp_path / 'src' / 'b.yaml'} failed: KeyError: 'boom'")
    assert found[0].routine.title == "Week 1, Monday: Tiny A"


@pytest.mark.engine
def test_a_loader_crash_in_a_batch_is_named_and_the_rest_render(tmp_path, phrase_cache, monkeypatch):
    import audiocoach.program.programs as program_module

    real = program_module.load_day
    monkeypatch.setattr(
        program_module,
        "load_day",
        lambda day: (_ for _ in ()).throw(KeyError("boom")) if day.name == "Friday" else real(day),
    )
    result = build_program(
        make_program(tmp_path / "src"),
        tmp_path / "out",
        weeks=[1],
        jobs=2,
        options=RenderOptions(cache_dir=str(phrase_cache)),
    )
    assert statuses(result) == {"week-01/1-monday-a": "built", "week-01/2-friday-b": "failed"}
    assert "KeyError: 'boom'" in result.failed[0].error
    assert (tmp_path / "out" / "p" / "week-01" / "1-monday-a.mp3").is_file()


@pytest.mark.engine
def test_stale_sessions_reported_then_pruned(built, tmp_path, phrase_cache):
    program, out = copy_of(built, tmp_path)
    program.write_text(PROGRAM.replace("weeks: 2", "weeks: 1").replace("    weeks: 2\n", "    weeks: 1\n"))
    opts = RenderOptions(cache_dir=str(phrase_cache))
    result = build_program(program, out, options=opts)
    folder = out / "p"
    stale = sorted(p.relative_to(folder).as_posix() for p in result.stale)
    # Two sessions x (.mp3, .json, .vtt, .plan.json), and the week's playlist.
    assert (
        "week-02/1-monday-a.mp3" in stale
        and "week-02/1-monday-a.plan.json" in stale
        and "week-02.m3u" in stale
        and len(stale) == 9
    )
    assert (folder / "week-02" / "1-monday-a.mp3").exists()
    pruned = build_program(program, out, options=opts, prune=True)
    assert pruned.pruned and len(pruned.stale) == 9
    assert not (folder / "week-02").exists() and not (folder / "week-02.m3u").exists()
    assert sorted(read_manifest(folder)) == KEYS[:1] + KEYS[1:2]


# ---------------------------------------------------------------- interrupt


INTERRUPT_PROGRAM = PROGRAM.replace("weeks: 2\n", "weeks: 4\n")


@pytest.mark.engine
def test_interrupted_batch_leaves_no_partial_file(tmp_path, phrase_cache):
    program = make_program(tmp_path / "src", program=INTERRUPT_PROGRAM)
    out = tmp_path / "out"
    env = {**os.environ, "AUDIOCOACH_CACHE": str(phrase_cache)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "batch", str(program), "-o", str(out), "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        # Wait until a worker is writing an MP3, then press Ctrl-C (the whole process group).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(out.rglob(".*.part")):
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail("the batch did not stop within 20 s of Ctrl-C")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr.decode()
    assert b"Interrupted" in stderr
    folder = out / "p"
    assert [p for p in folder.rglob("*") if p.name.endswith(".part") or p.name.startswith(".")] == []
    mp3s = list(folder.rglob("*.mp3"))
    assert len(mp3s) < 8  # it really was stopped mid-run
    for mp3 in mp3s:
        expected = json.loads(mp3.with_suffix(".json").read_text())["duration_ms"]
        assert abs(decoded_ms(mp3) - expected) <= 60, mp3
    # what was finished is in the manifest, and the next run only renders the rest
    manifest = read_manifest(folder)
    assert set(manifest) <= {p.relative_to(folder).with_suffix("").as_posix() for p in mp3s}


def test_two_programs_with_the_same_file_name_get_their_own_folders(tmp_path):
    """Folders are owned by their program file: a second 'p.yaml' elsewhere cannot share
    (or prune) the first one's files; the same file keeps its folder, even moved with it."""
    first = load_program(make_program(tmp_path / "one"))
    second = load_program(make_program(tmp_path / "two"))
    out = tmp_path / "out"
    assert batch.program_folder(out, first) == out / "p"
    claim_folder(out / "p", first)
    assert (out / "p" / "program.txt").read_text() == "../one/p.yaml\n"
    assert batch.program_folder(out, first) == out / "p"
    keyed = batch.program_folder(out, second)
    assert keyed.parent == out and keyed.name.startswith("p-") and len(keyed.name) == len("p-") + 8
    claim_folder(keyed, second)
    assert batch.program_folder(out, second) == keyed
    assert batch.program_folder(out, first) == out / "p"
    shutil.copytree(tmp_path / "one", tmp_path / "moved" / "one")
    shutil.copytree(out, tmp_path / "moved" / "out")
    assert (
        batch.program_folder(tmp_path / "moved" / "out", load_program(tmp_path / "moved" / "one" / "p.yaml"))
        == tmp_path / "moved" / "out" / "p"
    )


#: The fit warnings the tight session may get: the rest is too short in every voice; a
#: slower voice also cannot fit "Last rep." into a 5 s rep (Festival, Pico, Flite).
REST_WARNING = re.compile(
    r"^week-01/1-monday-a: .*a\.yaml:11:9: warning: The rest before Hip thrust is 3 s, too short to announce it .*"
    r"\. Make rest_after on Romanian deadlift at least \d+ s, or use verbosity minimal$"
)
TEMPO_WARNING = re.compile(
    r"^week-01/1-monday-a: .*a\.yaml:8:9: warning: At tempo 3-1-1-0, a rep of Romanian deadlift lasts 5 s, "
    r"too quick to say 'Last rep\.': .* Slow the tempo, or use count: reps or count: metronome for Romanian deadlift$"
)


@pytest.mark.parametrize("engine", engine_params())
def test_batch_reports_each_sessions_fit_warnings_in_a_lifters_words(engine, tmp_path, phrase_cache):
    need_engine(engine)
    tight = ROUTINE_A.replace("rest_after: 16s", "rest_after: 3s") + (
        "      - exercise: hip-thrust\n        sets: 1\n        reps: 2\n"
    )
    program = make_program(tmp_path / "src", PROGRAM.replace("weeks: 2", "weeks: 1"))
    (tmp_path / "src" / "a.yaml").write_text(tight)
    result = CliRunner().invoke(
        cli,
        ["batch", str(program), "-o", str(tmp_path / "out"), "--engine", engine],
        env={"AUDIOCOACH_CACHE": str(phrase_cache)},
    )
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if ": warning: " in line]
    # Each warning names its session and says what to change; which ones a session gets
    # depends on how long the voice speaks, so each is checked, not how many there are.
    assert sum(bool(REST_WARNING.match(line)) for line in warned) == 1, result.stderr
    assert all(REST_WARNING.match(line) or TEMPO_WARNING.match(line) for line in warned), result.stderr
