"""Structure-aware fuzzing of the loader: only audiocoach's own error may come out, quickly.

Each example starts from a shipped routine or program, mutates its structure (values
replaced by extreme numbers, hostile durations, tempos, templates and long text; keys
dropped, added or repeated; lists multiplied), dumps it to YAML and then adds YAML-level
noise (random tags on keys and values, anchors and aliases, control characters, deep
brackets, truncation). The result is loaded (a program with every session of every week)
and, when accepted, compiled. Anything but an AudiocoachError fails the test, and so does
an example that takes too long or asks for more than 1 GiB more memory.

Examples: 2,000 under CI (``CI=true``, the ``fuzz-ci`` profile), 150 otherwise
(``fuzz-dev``); ``AUDIOCOACH_FUZZ_EXAMPLES`` overrides both.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compile.compiler import compile_routine
from audiocoach.errors import AudiocoachError
from audiocoach.load.routine import loads
from audiocoach.program.programs import loads_program, sessions

ROUTINES = Path(__file__).resolve().parent.parent / "routines"
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted(ROUTINES.glob("*.yaml"))}
SEED_DATA = {name: yaml.safe_load(text) for name, text in SEEDS.items()}

_CI = os.environ.get("CI", "").lower() == "true"
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("fuzz-ci", max_examples=2000, deadline=None, suppress_health_check=_SLOW, derandomize=False)
settings.register_profile("fuzz-dev", max_examples=150, deadline=None, suppress_health_check=_SLOW)
_PROFILE = settings.get_profile("fuzz-ci" if _CI else "fuzz-dev")
if os.environ.get("AUDIOCOACH_FUZZ_EXAMPLES"):
    _PROFILE = settings(_PROFILE, max_examples=int(os.environ["AUDIOCOACH_FUZZ_EXAMPLES"]))

#: Per example: wall time (an alarm stops a runaway example) and address space it may add
#: (beyond that an allocation fails with MemoryError, which fails the test).
MAX_SECONDS = 10.0
MAX_EXTRA_ADDRESS_SPACE = 1 << 30


class Runaway(Exception):
    """An example ran past MAX_SECONDS (never an AudiocoachError, so the test fails)."""


@contextlib.contextmanager
def bounded():
    """Run the body with a wall-clock alarm and a cap on the address space it may add."""

    def alarm(signum, frame):
        raise Runaway(f"still running after {MAX_SECONDS} s")

    vm_kb = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmSize:")
    )
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (vm_kb * 1024 + MAX_EXTRA_ADDRESS_SPACE, hard))
    signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


EXTREME_NUMBERS = [
    0,
    -1,
    1,
    2,
    7,
    99,
    100,
    101,
    200,
    201,
    450,
    451,
    10**6,
    10**9,
    2**31,
    2**63,
    10**12,
    -(2**63),
    0.5,
    -0.0,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
]
HOSTILE_TEXT = [
    "",
    " ",
    "99999h",
    "9999h",
    "2024-13-01",
    "1000000000",
    "1-1000000000",
    "999999999-1000000000",
    "99999999999-0-1-0",
    "60-0-60-0",
    "X-X-X-X",
    "0-0-0-0",
    "45-90s",
    "90-45s",
    "+99999h",
    "-99999h",
    "+1",
    "1:30",
    "1m30s",
    "5000ms",
    "{title:>2000000000}",
    "{set!r}",
    "{set.__class__}",
    "{0}",
    "{",
    "}",
    "{{}}",
    "../../etc/passwd",
    "/dev/zero",
    "~/music",
    "nothing.mp3",
    "bird-dog",
    "hip-thrust",
    "thursday",
    "x" * 600,
    "word " * 2000,
    "\u202e",
    "\ud7ff",
    "é" * 100,
    "null",
    "true",
    "- a",
    ": b",
    "#",
    "&a",
    "*a",
    "!x",
]
KEYS = [
    "title",
    "description",
    "defaults",
    "blocks",
    "name",
    "exercises",
    "exercise",
    "sets",
    "reps",
    "hold",
    "tempo",
    "rest",
    "rest_after",
    "note",
    "per_side",
    "rounds",
    "every",
    "time",
    "work",
    "transition",
    "remaining_every",
    "lead_in",
    "switch",
    "explosive",
    "rate",
    "voice",
    "verbosity",
    "music",
    "level",
    "duck",
    "file",
    "phrases",
    "intro",
    "set",
    "weeks",
    "days",
    "day",
    "routine",
    "progression",
    "range",
    "from_week",
    "deload",
    "circuit",
    "superset",
    "emom",
    "amrap",
    "tabata",
    "intervals",
    "unknown_key",
]
TAGS = [
    "!!binary",
    "!custom",
    "!!python/name:os.system",
    "!!python/object/apply:os.system",
    "!!int",
    "!!float",
    "!!bool",
    "!!timestamp",
    "!!str",
    "!!null",
    "!!omap",
    "!!set",
    "!!map",
    "!!seq",
    "!",
    "!!merge",
]
NOISE_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\ufeff", "\ufffe", "\r", "\u2028"]


def leaf_values() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(EXTREME_NUMBERS),
        st.sampled_from(HOSTILE_TEXT),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.text(max_size=40),
        st.booleans(),
        st.none(),
        st.builds(list),  # a fresh object each time: a mutation must not leak into later examples
        st.builds(dict),
        st.lists(st.sampled_from(HOSTILE_TEXT + ["bird-dog"]), max_size=4),
        st.dictionaries(st.sampled_from(KEYS), st.sampled_from(EXTREME_NUMBERS + HOSTILE_TEXT), max_size=3),
    )


def _containers(node, out):
    if isinstance(node, dict):
        out.append(node)
        for v in node.values():
            _containers(v, out)
    elif isinstance(node, list):
        out.append(node)
        for v in node:
            _containers(v, out)
    return out


def mutate(data, draw) -> object:
    """Apply 1-6 structural mutations to a copy of ``data``."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 6))):
        nodes = _containers(data, [])
        if not nodes:
            return draw(leaf_values())
        node = draw(st.sampled_from(nodes))
        action = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "multiply", "swap"]))
        if isinstance(node, dict):
            keys = list(node)
            if action == "add" or not keys:
                node[draw(st.sampled_from(KEYS))] = draw(leaf_values())
            elif action == "drop":
                node.pop(draw(st.sampled_from(keys)))
            elif action == "swap" and len(keys) > 1:
                a, b = draw(st.sampled_from(keys)), draw(st.sampled_from(keys))
                node[a], node[b] = node[b], node[a]
            else:
                node[draw(st.sampled_from(keys))] = draw(leaf_values())
        else:
            if action == "multiply" and node:
                node.extend(copy.deepcopy(node) * draw(st.sampled_from([1, 3, 30, 200])))
            elif action == "drop" and node:
                node.pop(draw(st.integers(0, len(node) - 1)))
            elif action == "add" or not node:
                node.append(draw(leaf_values()))
            else:
                node[draw(st.integers(0, len(node) - 1))] = draw(leaf_values())
    return data


def noise(text: str, draw) -> str:
    """YAML-level noise: tags, anchors and aliases, control characters, brackets, truncation."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        line = lines[i]
        kind = draw(st.sampled_from(["tag-value", "tag-key", "anchor", "char", "deep", "truncate", "bomb", "dup"]))
        if kind == "tag-value" and ": " in line:
            key, _, value = line.partition(": ")
            lines[i] = f"{key}: {draw(st.sampled_from(TAGS))} {value}"
        elif kind == "tag-key" and ":" in line:
            stripped = line.lstrip(" -")
            lines[i] = line[: len(line) - len(stripped)] + f"{draw(st.sampled_from(TAGS))} {stripped}"
        elif kind == "anchor" and ": " in line:
            key, _, value = line.partition(": ")
            lines[i] = (
                f"{key}: {draw(st.sampled_from(['&a ', '*a', '&b *a', '*zz', '&a [*a]']))}{value if value else ''}"
            )
        elif kind == "char":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(NOISE_CHARS)) + line[at:]
        elif kind == "deep" and ": " in line:
            depth = draw(st.sampled_from([10, 40, 500, 5000]))
            key, _, _ = line.partition(": ")
            lines[i] = f"{key}: " + "[" * depth + "]" * depth
        elif kind == "truncate":
            lines = lines[: i + 1]
            lines[-1] = line[: draw(st.integers(0, len(line)))]
        elif kind == "bomb":
            lines.insert(0, "x0: &a0 [y, y, y, y, y, y, y, y, y, y]")
            for k in range(1, 7):
                lines.insert(k, f"x{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
        elif kind == "dup" and line.strip():
            lines.insert(i, line)
    return "\n".join(lines)


def _load(name: str, text: str) -> None:
    if "days" in SEED_DATA[name]:
        program = loads_program(text, name, folder=ROUTINES)
        for session in sessions(program, strict=True):
            if session.routine is not None:
                compile_routine(session.routine)
    else:
        routine = loads(text, name, base_dir=ROUTINES)
        compile_routine(routine)


@pytest.mark.fuzz
@_PROFILE
@given(st.data())
def test_only_audiocoach_errors_escape_in_bounded_time_and_memory(data):
    name = data.draw(st.sampled_from(sorted(SEEDS)), label="seed")
    if data.draw(st.booleans(), label="structural"):
        mutated = mutate(SEED_DATA[name], data.draw)
        text = yaml.safe_dump(mutated, sort_keys=False, allow_unicode=True, width=10**6)
    else:
        text = SEEDS[name]
    text = noise(text, data.draw)
    started = time.monotonic()
    try:
        with bounded():
            _load(name, text)
    except AudiocoachError as exc:
        assert str(exc), "an error without a message"
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s for one example"


def test_the_seeds_load_unmutated():
    """The fuzzer's starting points are valid: a mutation is what makes an example bad."""
    for name, text in SEEDS.items():
        _load(name, text)


@pytest.mark.parametrize(
    "env, examples",
    [({"CI": "true"}, 2000), ({"CI": ""}, 150), ({"CI": "true", "AUDIOCOACH_FUZZ_EXAMPLES": "7"}, 7)],
)
def test_the_fuzzer_runs_2000_examples_under_ci(env, examples):
    # What the fuzz test itself is decorated with, in a fresh interpreter with that environment
    # (the profile is chosen at import): under CI it runs at least 2,000 examples.
    code = (
        "import test_fuzz as t\n"
        "print(t.test_only_audiocoach_errors_escape_in_bounded_time_and_memory"
        "._hypothesis_internal_use_settings.max_examples)"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "AUDIOCOACH_FUZZ_EXAMPLES")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, **env},
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(done.stdout) == examples
