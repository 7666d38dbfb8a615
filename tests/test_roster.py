"""A roster: one program for several athletes, checked before anything renders; rendered
by the local pool and by a Dask cluster with identical bytes; incremental per athlete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach import RenderOptions, build_program
from audiocoach.batch.folders import read_manifest
from audiocoach.cli import cli
from audiocoach.errors import RoutineError
from audiocoach.program.programs import load_program
from audiocoach.program.roster import load_roster
from test_batch import make_program

ROSTER = """\
athletes:
  - name: Ana
    tempo: 3010
    loads: {Romanian deadlift: 60 kg}
  - name: Ben Okafor
    rest: {hip thrust: 20 sec}
    rate: 190
    verbosity: minimal
  - name: Cleo
    tempo: {hip-thrust: 2-0-1-1}
    weeks: 1
"""
ATHLETES = ("ana", "ben-okafor", "cleo")
SESSIONS = ("week-01/1-monday-a", "week-01/2-friday-b")


# ----------------------------------------------------------------------------- checking


def test_roster_values_are_read_with_their_overrides(tmp_path):
    program = load_program(make_program(tmp_path / "src"))
    (tmp_path / "athletes.yaml").write_text(ROSTER)
    roster = load_roster(tmp_path / "athletes.yaml", program, ("romanian-deadlift", "hip-thrust"))
    ana, ben, cleo = roster.athletes
    assert [a.folder for a in roster.athletes] == list(ATHLETES)
    assert [o.flag for o in ana.overrides] == ["--tempo 3-0-1-0"]
    assert ana.loads == (("romanian-deadlift", "60 kg"),)
    assert [o.flag for o in ben.overrides] == ["--rest hip-thrust=20s", "--rate 190", "--verbosity minimal"]
    assert ben.rate == 190 and ben.voice is None
    assert cleo.weeks == (1,)


def test_every_bad_value_is_named_at_its_line_and_column(tmp_path):
    program = load_program(make_program(tmp_path / "src"))
    path = tmp_path / "athletes.yaml"
    path.write_text(
        "athletes:\n"
        "  - name: Ana\n"
        "    tempo: 3-1-x\n"
        "    loads: {bench press: 80 kg}\n"
        "  - rest: 60s\n"
        "  - name: Ben\n"
        "    weeks: 3-9\n"
        "    rate: 20\n"
        "    colour: red\n"
        "  - name: Cleo\n"
        "  - name: cleo\n"
    )
    with pytest.raises(RoutineError) as info:
        load_roster(path, program, ("romanian-deadlift", "hip-thrust"))
    name = str(path)
    assert str(info.value).splitlines() == [
        f"{name}:3:12: athletes[0].tempo: '3-1-x' is not a tempo (expected four phases such as 3-1-1-0; X = explosive)",
        f"{name}:4:13: athletes[0].loads.bench press: 'bench press' is not an exercise in any routine of this program (ids: romanian-deadlift, hip-thrust)",
        f"{name}:5:5: athletes[1].name: missing 'name'; every athlete needs one (it names their folder)",
        f"{name}:7:12: athletes[2].weeks: " + program_weeks_error(),
        f"{name}:8:11: athletes[2].rate: '20' is not a speech rate (expected words per minute from 80 to 450)",
        f"{name}:9:5: athletes[2].colour: unknown key 'colour' in an athlete (valid keys: name, tempo, rest, rest_after, voice, rate, verbosity, loads, weeks, swap)",
        f"{name}:11:5: athletes[4].name: 'cleo' has the same folder name as athlete 4 ('cleo'); give each athlete a different name",
    ]


def program_weeks_error() -> str:
    from audiocoach.program.progression import parse_weeks

    try:
        parse_weeks("3-9", 2)
    except ValueError as exc:
        return str(exc)
    raise AssertionError("3-9 should not fit a 2-week program")


def test_a_bad_roster_stops_the_batch_before_any_render(tmp_path):
    program = make_program(tmp_path / "src")
    (tmp_path / "athletes.yaml").write_text("athletes:\n  - name: Ana\n    rest: forever\n")
    result = CliRunner().invoke(
        cli, ["batch", str(program), "-o", str(tmp_path / "out"), "--roster", str(tmp_path / "athletes.yaml")]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'athletes.yaml'}:3:11: athletes[0].rest: 'forever' is not a duration "
        "(expected a duration such as 45s, 1m30s, 1:30 or 90)\n"
    )
    assert list(tmp_path.joinpath("out").rglob("*.mp3")) == []


@pytest.mark.engine
def test_an_unknown_voice_in_the_roster_is_named_before_any_render(tmp_path, phrase_cache):
    program = make_program(tmp_path / "src")
    (tmp_path / "athletes.yaml").write_text("athletes:\n  - name: Ana\n  - name: Ben\n    voice: klingon-xx\n")
    with pytest.raises(RoutineError) as info:
        build_program(
            program,
            tmp_path / "out",
            options=RenderOptions(engine="pyttsx3", cache_dir=str(phrase_cache)),
            roster=tmp_path / "athletes.yaml",
        )
    prefix = f"{tmp_path / 'athletes.yaml'}:4:12: athletes[1].voice: unknown voice 'klingon-xx' for the pyttsx3 engine"
    assert str(info.value).startswith(
        prefix + " (run 'audiocoach voices --engine pyttsx3' to list them, e.g. gmw/en"
    ), str(info.value)
    assert list(tmp_path.joinpath("out").rglob("*.mp3")) == []


# ----------------------------------------------------------------------------- rendering


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The roster rendered by --jobs 2 (through the CLI), for week 1: 3 athletes x 2 sessions."""
    from conftest import engines_missing

    if engines_missing():
        pytest.skip(engines_missing())
    root = tmp_path_factory.mktemp("roster")
    program = make_program(root / "src")
    (root / "athletes.yaml").write_text(ROSTER)
    cache = tmp_path_factory.getbasetemp() / "phrase-cache-roster"
    args = [
        "batch",
        str(program),
        "-o",
        str(root / "local"),
        "--roster",
        str(root / "athletes.yaml"),
        "--weeks",
        "1",
        "--cache-dir",
        str(cache),
    ]
    # The phrase cache filled once, as the README's cluster workflow does before shipping it.
    warm = CliRunner().invoke(
        cli, [*[str(root / "warm") if a == str(root / "local") else a for a in args], "--jobs", "1"]
    )
    assert warm.exit_code == 0, warm.output
    result = CliRunner().invoke(cli, [*args, "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return root, program, cache, args, result


@pytest.mark.engine
def test_roster_writes_a_folder_per_athlete_and_a_summary(rendered):
    root, _, _, _, result = rendered
    folder = root / "local" / "p"
    for athlete in ATHLETES:
        mp3s = sorted(p.relative_to(folder / athlete).as_posix() for p in (folder / athlete).rglob("*.mp3"))
        assert mp3s == [f"{s}.mp3" for s in SESSIONS]
        assert sorted(read_manifest(folder / athlete)) == list(SESSIONS)
        assert (folder / athlete / "week-01.m3u").read_text().splitlines()[1].endswith("week 1")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Athlete", "Session", "Length", "Status", "File"]
    assert [line.split("  ")[0].strip() for line in lines[1:7]] == [
        "Ana",
        "Ana",
        "Ben Okafor",
        "Ben Okafor",
        "Cleo",
        "Cleo",
    ]
    assert all(" built " in line for line in lines[1:7])
    assert lines[7].startswith(
        "6 built, 0 unchanged, 0 failed; playlists: ana/week-01.m3u, ben-okafor/week-01.m3u, cleo/week-01.m3u"
    )


@pytest.mark.engine
def test_each_athlete_hears_their_own_settings(rendered):
    root = rendered[0]
    folder = root / "local" / "p"

    def timeline(athlete: str, key: str) -> dict:
        return json.loads((folder / athlete / f"{key}.json").read_text())

    ana = timeline("ana", SESSIONS[0])
    assert ana["meta"]["athlete"] == "Ana"
    assert "--tempo 3-0-1-0" in ana["meta"]["overrides"]
    assert any("Your load: 60 kg." in e["text"] for e in ana["events"] if e["kind"] == "speech")
    assert not any("Your load" in e["text"] for e in timeline("cleo", SESSIONS[0])["events"])
    assert (
        timeline("ben-okafor", SESSIONS[1])["meta"]["overrides"]
        == "--rest hip-thrust=20s --rate 190 --verbosity minimal"
    )
    assert "hip-thrust=2-0-1-1" in timeline("cleo", SESSIONS[1])["meta"]["overrides"]


@pytest.mark.engine
def test_a_dask_cluster_renders_identical_bytes(rendered, tmp_path):
    from distributed import LocalCluster

    root, _, _, args, _ = rendered
    out = root / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(
            cli, [*[str(out) if a == str(root / "local") else a for a in args], "--cluster", cluster.scheduler_address]
        )
    assert result.exit_code == 0, result.output
    local, remote = files_of(root / "local"), files_of(out)
    assert sorted(local) == sorted(remote)
    assert len([k for k in local if k.endswith(".mp3")]) == 6
    different = [k for k in local if local[k] != remote[k]]
    assert different == []


@pytest.mark.engine
def test_changing_one_athlete_rebuilds_only_theirs(rendered, tmp_path):
    import shutil

    root, program, cache, args, _ = rendered
    shutil.copytree(root / "local", tmp_path / "local")
    shutil.copytree(root / "src", tmp_path / "src")  # moved together: the folders stay the program's
    (tmp_path / "athletes.yaml").write_text(ROSTER.replace("rate: 190", "rate: 200"))
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "local").rglob("*.mp3")}
    result = build_program(
        tmp_path / "src" / "p.yaml",
        tmp_path / "local",
        weeks=[1],
        jobs=2,
        options=RenderOptions(cache_dir=str(cache)),
        roster=tmp_path / "athletes.yaml",
    )
    statuses = {s.key: s.status for s in result.sessions}
    assert statuses == {
        **{f"{a}/{k}": "unchanged" for a in ("ana", "cleo") for k in SESSIONS},
        **{f"ben-okafor/{k}": "built" for k in SESSIONS},
    }
    changed = sorted(
        p.relative_to(tmp_path / "local").as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t
    )
    assert changed == [f"p/ben-okafor/{k}.mp3" for k in SESSIONS]


def test_unreachable_cluster_is_a_clear_error(tmp_path):
    program = make_program(tmp_path / "src")
    result = CliRunner().invoke(
        cli, ["batch", str(program), "-o", str(tmp_path / "out"), "--cluster", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:1 (")
    assert result.stderr.rstrip().endswith(
        "start one with 'dask scheduler' and workers with 'dask worker SCHEDULER --nthreads 1'"
    )


def test_a_cluster_whose_workers_run_threads_is_refused_before_any_render(tmp_path):
    from distributed import LocalCluster

    program = make_program(tmp_path / "src")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(
            cli, ["batch", str(program), "-o", str(tmp_path / "out"), "--cluster", cluster.scheduler_address]
        )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Dask worker tcp://127.0.0.1:")
    assert result.stderr.endswith(
        " runs 2 threads; start workers with '--nthreads 1' (the speech engine's callback is process-wide, "
        "so one process can speak one session at a time)\n"
    )
    assert list((tmp_path / "out").rglob("*.mp3")) == []
