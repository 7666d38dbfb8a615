"""The docs check can fail: scripts/check_docs.py (run first by scripts/test.sh) fails on a
broken link in a docs page, a missing anchor and a broken README link, and passes on the docs
as they are. The old check ran ``mkdocs build --strict --quiet``, whose quiet log level hid
every warning from strict mode, so a page linking to a missing page passed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_docs.py"


def _docs_copy(tmp_path: Path) -> Path:
    """The parts of the repository the docs check reads, in a folder of their own."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", copy / "docs")
    for name in ("README.md", "mkdocs.yml", "LICENSE"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), "--root", str(root)], capture_output=True, text=True, timeout=120, check=False
    )


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_docs_as_they_are_pass():
    done = _check(ROOT)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("page", "link", "said"),
    [
        # the link issue 28 found: a page linking to itself by its repository path
        ("docs/bench.md", "[docs/bench.md](docs/bench.md)", "docs/bench.md"),
        ("docs/yaml.md", "[the phrases](phrases.md)", "phrases.md"),
        ("docs/cli.md", "[build](cli.md#no-such-heading)", "no-such-heading"),
        ("README.md", "[Voices](docs/voice.md)", "docs/voice.md"),
        ("README.md", "[Voices](docs/voices.md#no-such-heading)", "no-such-heading"),
    ],
)
def test_a_broken_link_fails_the_check_and_is_named(tmp_path, page, link, said):
    root = _docs_copy(tmp_path)
    assert _check(root).returncode == 0
    _append(root / page, f"\nSee {link}.\n")
    done = _check(root)
    assert done.returncode == 1
    assert said in done.stderr


def test_a_mkdocs_warning_alone_fails_the_check(tmp_path):
    """A warning only mkdocs knows of (a page left out of the nav) fails it too."""
    root = _docs_copy(tmp_path)
    (root / "docs" / "orphan.md").write_text("# Not in the nav\n", encoding="utf-8")
    done = _check(root)
    assert done.returncode == 1
    assert "WARNING" in done.stderr and "orphan.md" in done.stderr


def test_scripts_test_sh_stops_on_a_broken_doc_link(tmp_path):
    """The README's test command itself fails on a broken link, before any test runs."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", ".git", "output", "*.mp3", "__pycache__"))
    # An environment of its own that runs this one's Python, stamped as installed for the copy's
    # pyproject.toml, so test.sh's set-up finds it ready and never reinstalls into the real one.
    (root / ".venv" / "bin").mkdir(parents=True)
    python = root / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    digest = hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()[:16]
    (root / ".venv" / ".audiocoach-installed").write_text(f"{digest} dev\n", encoding="utf-8")
    _append(root / "docs" / "bench.md", "\nSee [docs/bench.md](docs/bench.md).\n")
    done = subprocess.run(
        ["bash", str(root / "scripts" / "test.sh"), "--collect-only", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "docs/bench.md" in done.stderr
    assert "tests collected" not in done.stdout
