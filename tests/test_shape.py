"""The house's sizes (STYLE.md): no module over 400 lines, no function over 60, so each reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "audiocoach"
MAX_MODULE_LINES = 400
#: A function's code, its docstring not counted (a long Args/Returns block is welcome).
MAX_FUNCTION_LINES = 60


def _function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    lines = (node.end_lineno or node.lineno) - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= (first.end_lineno or first.lineno) - first.lineno + 1
    return lines


def _too_long(text: str, name: str) -> list[str]:
    out = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        out.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _function_lines(node) > MAX_FUNCTION_LINES:
            out.append(f"{name}:{node.lineno}: {node.name} is {_function_lines(node)} lines")
    return out


def test_the_checker_sees_a_long_function_and_a_long_module() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(59))
    assert _too_long(f'def f():\n    """Doc."""\n{body}    y = 0\n', "m.py") == ["m.py:1: f is 61 lines"]
    assert _too_long(f'def f():\n    """Doc\n\n    more.\n    """\n{body}', "m.py") == []  # 60 lines and a docstring
    assert _too_long("x = 1\n" * 401, "m.py") == ["m.py: 401 lines"]


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += _too_long(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert found == []
