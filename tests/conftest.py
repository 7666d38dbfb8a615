"""Shared fixtures. Engine tests use the real speech engine and ffmpeg.

On a machine without them an engine test skips, except under CI (CI=true), where the
skip is turned into a failure: CI must prove the real path works. Only a test marked
``optional_engine`` (an engine the README does not install, outside
``audiocoach.engines.BASE_ENGINES``) may skip under CI.

``AUDIOCOACH_ENGINES`` narrows the engines the tool (and so every test) sees as installed;
.ci/run sets it to BASE_ENGINES for its first pass, so the run is a fresh machine's.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from audiocoach.errors import AudiocoachError
from audiocoach.speech import ENGINES_ENV, engine_missing, installed_engines, visible_engines

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = ROOT / "routines"
SHIPPED_ROUTINES = sorted(ROUTINES.glob("*.yaml"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def engines_missing() -> str | None:
    problem = engine_missing()
    if problem:
        return problem
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        return "ffmpeg/ffprobe are missing (apt-get install ffmpeg)"
    return None


def pytest_configure(config) -> None:
    try:
        visible_engines()  # an unknown name in AUDIOCOACH_ENGINES stops the run at once
    except AudiocoachError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config) -> str:
    narrowed = f" ({ENGINES_ENV}={os.environ[ENGINES_ENV]})" if os.environ.get(ENGINES_ENV, "").strip() else ""
    return f"speech engines installed and visible: {', '.join(installed_engines()) or 'none'}{narrowed}"


@pytest.fixture(scope="session")
def phrase_cache(tmp_path_factory) -> Path:
    """One phrase cache for the whole run, so each phrase is synthesized once."""
    return tmp_path_factory.mktemp("phrase-cache")


@pytest.fixture
def engines() -> None:
    """Request this (or mark the test 'engine') to need espeak-ng + ffmpeg."""
    problem = engines_missing()
    if problem:
        if _in_ci():
            pytest.fail(f"engine test cannot run under CI: {problem}")
        pytest.skip(problem)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("engine") and "engines" not in item.fixturenames:
            item.fixturenames.append("engines")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # optional_engine: an engine the README does not install (voices from contrib/non-free).
    if (
        report.skipped
        and _in_ci()
        and item.get_closest_marker("engine")
        and not item.get_closest_marker("optional_engine")
    ):
        report.outcome = "failed"
        report.longrepr = f"engine test skipped under CI=true: {report.longrepr}"


@pytest.fixture
def runner():
    """click's CliRunner, for the CLI tests."""
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture
def cli_env(phrase_cache) -> dict[str, str]:
    """Environment for CliRunner: the shared phrase cache."""
    return {"AUDIOCOACH_CACHE": str(phrase_cache)}


def write(tmp_path: Path, text: str, name: str = "routine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


sys.path.insert(0, str(Path(__file__).parent))
