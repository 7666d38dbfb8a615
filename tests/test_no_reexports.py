"""No re-export shims: a name is imported from the module that defines it.

A module that imports a name only so that others can import it from there (``# noqa:
F401 (re-exported)``) hides where the name lives and keeps modules carved to a line
count alive as shims (issue 30, point 4). The package's own lazy public API
(``audiocoach/__init__.py``) is the one place meant to hand names on."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PUBLIC_API = {"audiocoach"}


def _module_file(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def _imported_only(module: str) -> dict[str, str]:
    """Names ``module`` binds at top level by importing them from another audiocoach module."""
    path = _module_file(module)
    if path is None:
        return {}
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("audiocoach"):
            for alias in node.names:
                found[alias.asname or alias.name] = node.module or ""
    return found


def reexports_used() -> list[str]:
    """Every ``from M import x`` in src/, tests/ and scripts/ where M only imported x."""
    hits = []
    for path in sorted([*SRC.rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                continue
            if not node.module.startswith("audiocoach.") or node.module in PUBLIC_API:
                continue
            through = _imported_only(node.module)
            for alias in node.names:
                if alias.name in through and _module_file(f"{node.module}.{alias.name}") is None:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    hits.append(f"{where}: {alias.name} from {node.module} (defined in {through[alias.name]})")
    return hits


def test_the_check_sees_a_re_export(tmp_path, monkeypatch):
    pkg = tmp_path / "audiocoach"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "real.py").write_text("X = 1\n")
    (pkg / "a" / "shim.py").write_text("from audiocoach.a.real import X\n")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    assert _imported_only("audiocoach.a.shim") == {"X": "audiocoach.a.real"}


def test_no_name_is_imported_through_a_module_that_only_imports_it():
    assert reexports_used() == []


def test_no_noqa_f401_re_export_comments_are_left():
    left = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SRC.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "noqa: F401" in line and "re-export" in line
    ]
    assert left == []
