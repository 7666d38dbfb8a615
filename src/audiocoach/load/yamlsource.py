"""Reading YAML as nodes that know where they were written.

:class:`Reader` walks PyYAML's node tree (``yaml.compose`` with the safe loader), not the
constructed objects, so every value keeps its file:line:col; it records problems instead
of raising, so a file's problems are all reported at once. Shared by the routine loader
and the program loader; :mod:`audiocoach.load.document` parses the text into nodes.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import yaml

from audiocoach.defaults import MAX_ITEMS, MAX_TEXT_CHARS
from audiocoach.errors import Problem, SourceLocation, short
from audiocoach.load.units import parse_duration_ms


class Reader:
    """Reads one YAML node tree, recording problems against file:line:col."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def loc(self, node: yaml.Node, path: str) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.filename, mark.line + 1, mark.column + 1, path)

    def error(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.loc(node, path), message))

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return NotScalar(node)
        if node.tag.endswith(":timestamp"):
            return node.value  # a date is the text it was written as
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:  # parse_yaml refuses these first
            return node.value

    def mapping(
        self,
        node: yaml.Node,
        path: str,
        allowed: Iterable[str],
        what: str,
        explain: Callable[[str], str | None] | None = None,
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Key -> (key node, value node); reports non-mappings, duplicates, unknown keys
        (``explain(key)``, when given, may say more about an unknown key than a close match)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"expected {what} (a mapping of keys), found {kind_of(node)}")
            return None
        allowed = tuple(allowed)
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str) or len(key) > 60:
                shown = kind_of(key_node) if isinstance(key, NotScalar) else short(key, 40)
                where = join_path(path, str(key)) if len(shown) < 40 else path
                self.error(key_node, where, f"{shown} is not a valid key (keys are words)")
                continue
            sub = join_path(path, key)
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(key_node, sub, f"duplicate key '{key}' (first given on line {first}); remove one")
                continue
            if key not in allowed and explain is not None and explain(key):
                self.error(key_node, sub, str(explain(key)))
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else _valid_keys(allowed)
                self.error(key_node, sub, f"unknown key '{key}' in {what} ({hint})")
                continue
            out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, path: str, what: str, most: int = MAX_ITEMS) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list of {what}, found {kind_of(node)}")
            return None
        if not node.value:
            self.error(node, path, f"the list of {what} is empty; add at least one")
            return None
        if len(node.value) > most:
            self.error(node, path, f"{len(node.value)} {what} is too many (at most {most}); split the session")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, path: str, what: str, most: int = MAX_TEXT_CHARS) -> str | None:
        value = self.scalar(node)
        if isinstance(value, NotScalar) or value is None or isinstance(value, (bool, dict, list)):
            self.error(node, path, f"expected {what} (text), found {kind_of(node)}")
            return None
        text = str(value).strip()
        if not text:
            self.error(node, path, f"is empty; write {what} here or remove the key")
            return None
        if len(text) > most:
            self.error(
                node,
                path,
                f"{short(text, 40)} is too long for {what} ({len(text):,} characters, at most {most:,}); shorten it",
            )
            return None
        return text

    def convert(self, node: yaml.Node, path: str, parse: Callable[[Any], Any]) -> Any:
        value = self.scalar(node)
        if isinstance(value, NotScalar):
            self.error(node, path, f"expected a single value, found {kind_of(node)}")
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.error(node, path, str(exc))
            return None


class NotScalar:
    def __init__(self, node: yaml.Node):
        self.node = node


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return short(node.value)


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise ValueError(f"{short(value)} is not one of: {', '.join(options)}")

    return parse


def positive_int(what: str, low: int = 1, high: int = 10_000) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{yaml_text(value)} is not a valid {what} (expected a whole number from {low} to {high})")
        return value

    return parse


def yaml_text(value: Any) -> str:
    """A value as the routine wrote it: true rather than Python's True."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return short(value)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{short(value)} is not true or false")


def duration(what: str, high_ms: int, low_ms: int = 1) -> Callable[[Any], int]:
    """A parser of durations from ``low_ms`` to ``high_ms`` (the bound keeps the work bounded)."""

    def parse(value: Any) -> int:
        ms = parse_duration_ms(value)
        if ms < low_ms:
            raise ValueError(
                f"{short(value)} must be longer than zero"
                if low_ms <= 1
                else f"{short(value)} is too short for {what} (at least {spoken_ms(low_ms)})"
            )
        if ms > high_ms:
            raise ValueError(f"{short(value)} is too long for {what} (at most {spoken_ms(high_ms)})")
        return ms

    return parse


def spoken_ms(ms: int) -> str:
    """120000 -> '2m', 3600000 -> '1h', 90000 -> '1m30s'."""
    h, rest = divmod(ms // 1000, 3600)
    m, s = divmod(rest, 60)
    return "".join(f"{n}{u}" for n, u in ((h, "h"), (m, "m"), (s, "s")) if n) or "0s"


#: A list of valid keys longer than this is not spelled out in an error (it would be cut).
MAX_LISTED_KEYS_CHARS = 600


def _valid_keys(allowed: Sequence[str]) -> str:
    """The valid keys for an unknown one: listed, or (the phrasebook's 60 and more) where to read them."""
    listed = ", ".join(allowed)
    if len(listed) <= MAX_LISTED_KEYS_CHARS:
        return "valid keys: " + listed
    return f"{len(allowed)} keys are valid, from '{allowed[0]}' to '{allowed[-1]}': docs/yaml.md lists them"
