"""Reading YAML as nodes that know where they were written.

:class:`Reader` walks PyYAML's node tree (``yaml.compose`` with the safe loader), not the
constructed objects, so every value keeps its file:line:col; it records problems instead
of raising, so a file's problems are all reported at once. Shared by the routine loader
and the program loader.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .errors import Problem, RoutineError, SourceLocation
from .units import parse_duration_ms


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
        if isinstance(node, yaml.ScalarNode):
            return self._constructor.construct_object(node, deep=True)
        return NotScalar(node)

    def mapping(
        self, node: yaml.Node, path: str, allowed: Iterable[str], what: str,
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
            sub = join_path(path, str(key))
            if not isinstance(key, str):
                self.error(key_node, sub, f"{key!r} is not a valid key (keys are words)")
                continue
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(key_node, sub, f"duplicate key '{key}' (first given on line {first}); remove one")
                continue
            if key not in allowed and explain is not None and explain(key):
                self.error(key_node, sub, str(explain(key)))
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                self.error(key_node, sub, f"unknown key '{key}' in {what} ({hint})")
                continue
            out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, path: str, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list of {what}, found {kind_of(node)}")
            return None
        if not node.value:
            self.error(node, path, f"the list of {what} is empty; add at least one")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, path: str, what: str) -> str | None:
        value = self.scalar(node)
        if isinstance(value, NotScalar) or value is None or isinstance(value, (bool, dict, list)):
            self.error(node, path, f"expected {what} (text), found {kind_of(node)}")
            return None
        text = str(value).strip()
        if not text:
            self.error(node, path, f"is empty; write {what} here or remove the key")
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
    return f"{node.value!r}"


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise ValueError(f"{value!r} is not one of: {', '.join(options)}")

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
    return repr(value)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not true or false")


def positive_duration(value: Any) -> int:
    ms = parse_duration_ms(value)
    if ms <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    return ms




def parse_yaml(text: str, filename: str) -> yaml.Node | None:
    """Compose ``text``; malformed YAML becomes a RoutineError at its line and column."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "is not valid YAML"
        opened = exc.context_mark.line + 1 if exc.context_mark else None
        if "'\\t'" in message or "\t" in message:
            message = "a tab character; YAML is indented with spaces, replace the tab"
        # PyYAML's own wording names parser states; say what the lifter must change instead.
        elif "expected <block end>" in message and message.endswith(("start>'", "'?'", "'-'")):
            message = "this line is not lined up with the lines above it; indent the keys of one mapping, and the items of one list, to the same column"
        elif message == "mapping values are not allowed here":
            message = "unexpected ':'; put quotes around text that contains ': ', or line this key up with the keys above it"
        elif opened and "quoted scalar" in (exc.context or ""):
            message = f"the quote opened on line {opened} is never closed; add the closing quote"
        elif opened and (exc.context or "").endswith(("flow sequence", "flow mapping")):
            message = f"the bracket opened on line {opened} is never closed, or a comma is missing"
        elif exc.context:
            message = f"{exc.context}, {message}"
        where = SourceLocation(filename, mark.line + 1, mark.column + 1) if mark else None
        raise RoutineError([Problem(where, f"invalid YAML: {message}")]) from None


def read_source(path: str | Path, name: str, what: str) -> str:
    """The text of a YAML file; an unreadable file is a RoutineError naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutineError([Problem(None, f"{name}: cannot read the {what} ({exc})")]) from None
