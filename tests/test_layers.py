"""The house's shape: no import cycle in src/, and loading a routine pulls in no audio stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_src() -> None:
    # Every import counts here, even one inside a function or under TYPE_CHECKING: a lazy import
    # hides a cycle from the interpreter, not from a reader.
    graph = grimp.build_graph("audiocoach", exclude_type_checking_imports=False)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # The package __init__ names its lazy public API (under TYPE_CHECKING); that is a table of
    # contents, not a dependency, so its outgoing arrows are left out.
    edges["audiocoach"] = set()
    assert _cycles(edges) == []


def test_loading_and_compiling_a_routine_imports_no_audio_stack() -> None:
    code = (
        "import sys\n"
        "from audiocoach.load.routine import load_routine\n"
        "from audiocoach.compile.compiler import compile_routine, estimate_ms\n"
        "for path in sys.argv[1:]:\n"
        "    compile_routine(load_routine(path), measure=estimate_ms)\n"
        "heavy = ('numpy', 'pydub', 'soxr', 'click', 'mutagen', 'dask', 'pyttsx3')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    # Every shipped routine (a program, with days: at the top, is many routines: not this test's).
    routines = sorted(str(p) for p in (ROOT / "routines").glob("*.yaml") if "\ndays:" not in p.read_text())
    assert routines
    done = subprocess.run([sys.executable, "-c", code, *routines], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_routine_naming_an_engine_loads_without_the_speech_stack(tmp_path: Path) -> None:
    routine = tmp_path / "r.yaml"
    routine.write_text(
        "title: T\ndefaults: {engine: festival}\nblocks:\n  - name: A\n    exercises:\n      - {name: Squat, sets: 1, reps: 5}\n"
    )
    code = (
        "import sys\nfrom audiocoach.load.routine import load_routine\n"
        "assert load_routine(sys.argv[1]).settings.engine == 'festival'\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('audiocoach.speech') or m == 'numpy')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(routine)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_loader_knows_the_engines_the_speech_stage_has() -> None:
    from audiocoach import engines, speech

    assert set(engines.ENGINE_NAMES) == set(speech.BACKENDS)
