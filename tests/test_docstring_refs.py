"""Every ``audiocoach.x.y`` a docstring or comment in src/ names exists: after the package
moved into stage folders, eight of them still named flat modules (``audiocoach.expand``,
``audiocoach.outputs``, ``audiocoach.onset``...)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
REF = re.compile(r"\baudiocoach(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?![/\w])")  # not a format name ("audiocoach.pieces/1")


def resolves(ref: str) -> bool:
    parts = ref.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_dotted_name_in_src_exists():
    broken = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("import ", "from ")) or "getLogger" in line:
                continue
            for ref in REF.findall(line):
                if not resolves(ref.rstrip(".")):
                    broken.append(f"{path.relative_to(SRC)}:{number}: {ref}")
    assert broken == []


def test_the_check_tells_a_moved_name():
    assert resolves("audiocoach.compile.expand.Expander")
    assert not resolves("audiocoach.expand.Expander")
