"""The docs stay true: every command and option is in the CLI reference (docs/cli.md), every
YAML key and phrase key in the YAML reference (docs/yaml.md), the two commands in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiocoach.cli import cli
from audiocoach.load.groups import GROUP_KEYS
from audiocoach.load.music import MUSIC_KEYS
from audiocoach.load.routine import ENTRY_KEYS, ROUTINE_KEYS
from audiocoach.load.settings import DEFAULT_KEYS
from audiocoach.words.phrases import PLACEHOLDERS, default_phrasebook

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
YAML_DOC = (ROOT / "docs" / "yaml.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented_and_has_an_example(name):
    assert re.search(rf"^## `audiocoach {name}\b", CLI_DOC, re.M), f"docs/cli.md has no section for '{name}'"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_is_in_the_cli_reference(name):
    for param in cli.commands[name].params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in CLI_DOC or f" {opt}" in CLI_DOC, f"{name} {opt} is not in docs/cli.md"


def test_quick_start_has_the_two_commands_and_ci_uses_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "./scripts/demo.sh" in quick and "./scripts/test.sh" in quick
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_yaml_reference_covers_every_key():
    for key in DEFAULT_KEYS + ENTRY_KEYS:
        assert f"`{key}`" in YAML_DOC, f"YAML key '{key}' is not documented"
    writing = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
    for key in ROUTINE_KEYS + MUSIC_KEYS:
        assert f"\n{key}:" in writing or f"  {key}:" in writing, f"top-level key '{key}' has no example"
    for kind, keys in GROUP_KEYS.items():
        assert f"| `{kind}` |" in YAML_DOC, f"structure '{kind}' is not documented"
        for key in keys:
            assert f"`{key}`" in YAML_DOC, f"{kind} key '{key}' is not documented"


def test_phrase_table_matches_the_shipped_phrases():
    book = default_phrasebook()
    for key, placeholders in PLACEHOLDERS.items():
        ph = ", ".join("{" + p + "}" for p in sorted(placeholders)) or "-"
        row = f"| `{key}` | {ph} | {book.templates[key][0]} |"
        assert row in YAML_DOC, f"docs/yaml.md phrase row out of date: {row}"
