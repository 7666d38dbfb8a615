"""One reader for every YAML document audiocoach loads: routines and programs.

:func:`load_document` reads a file (bounded in size, UTF-8), :func:`parse_yaml` turns its
text into PyYAML's node tree, and the kind on top (a routine, a program) builds its model
from the nodes with a :class:`~audiocoach.load.yamlsource.Reader`. Every failure at the YAML
level is a :class:`RoutineError` at file:line:col, never a traceback and never unbounded
work: control characters, tags other than the plain ones, values a tag cannot hold,
nesting deeper than :data:`MAX_YAML_DEPTH`, aliases that expand past
:data:`MAX_YAML_NODES` values, integers longer than :data:`MAX_INT_DIGITS` digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import yaml

from audiocoach.defaults import MAX_FILE_BYTES, MAX_INT_DIGITS, MAX_YAML_DEPTH, MAX_YAML_NODES
from audiocoach.errors import Problem, RoutineError, SourceLocation, short
from audiocoach.load.yamlsource import Reader

__all__ = ["load_document", "loads_document", "parse_yaml", "read_source"]

T = TypeVar("T")

_Y = "tag:yaml.org,2002:"
#: Tags a value may be given explicitly (``!!str 10``); every other tag is refused.
PLAIN_TAGS = frozenset(_Y + t for t in ("str", "int", "float", "bool", "null"))
_COLLECTION_TAGS = frozenset((_Y + "map", _Y + "seq"))
# What YAML 1.1 (PyYAML's reader) refuses in a file, and what no routine needs: C0 and C1
# control characters other than tab and line breaks, surrogates, non-characters.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_INT_BODY = re.compile(r"^[-+]?(?:0[xob])?([0-9a-fA-F_:]+)$")


def read_source(path: str | Path, name: str, what: str) -> str:
    """The text of a YAML file; unreadable, too large or not UTF-8 is a RoutineError naming it.

    The file's contents never appear in the message: ``path`` may name any file.
    """
    p = Path(path)
    try:
        if p.exists() and not p.is_file():
            raise RoutineError([Problem(None, f"{name}: cannot read the {what}: it is not a regular file")])
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RoutineError([Problem(None, f"{name}: cannot read the {what} ({reason})")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(
            [
                Problem(
                    None,
                    f"{name}: the {what} is larger than {MAX_FILE_BYTES // 1000} kB; a {what} file is a few kB of text",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        where = SourceLocation(name, line, col)
        raise RoutineError([Problem(where, f"the {what} is not UTF-8 text here; save it as UTF-8")]) from None


def load_document(
    path: str | Path,
    build: Callable[[Reader, yaml.Node], T | None],
    *,
    what: str,
    needs: str,
    display_name: str | None = None,
) -> T:
    """Read ``path`` and build a model from it with ``build`` (see :func:`loads_document`)."""
    name = display_name or str(path)
    return loads_document(read_source(path, name, what), name, build, what=what, needs=needs)


def loads_document(
    text: str, filename: str, build: Callable[[Reader, yaml.Node], T | None], *, what: str, needs: str
) -> T:
    """Parse ``text`` and build a model with ``build(reader, root)``; raise every problem at once.

    Args:
        what: the kind of document, for messages ("routine").
        needs: what its top level needs, for the empty-file message ("a title and blocks").
    """
    root = parse_yaml(text, filename)
    if root is None:
        raise RoutineError([Problem(SourceLocation(filename, 1, 1), f"the file is empty; a {what} needs {needs}")])
    if not isinstance(root, yaml.MappingNode):
        found = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        mark = root.start_mark
        where = SourceLocation(filename, mark.line + 1, mark.column + 1)
        # Not the value: the file may be anything at all (a program's day can name any path).
        raise RoutineError([Problem(where, f"expected a {what} (a mapping of keys), found {found}")])
    reader = Reader(filename)
    model = build(reader, root)
    if reader.problems or model is None:
        raise RoutineError(reader.problems or [Problem(SourceLocation(filename, 1, 1), f"not a valid {what}")])
    return model


def parse_yaml(text: str, filename: str) -> yaml.Node | None:
    """Compose ``text`` into nodes, refusing anything unsafe or unbounded, at its line and column."""
    if len(text) > MAX_FILE_BYTES:
        raise RoutineError(
            [
                Problem(
                    SourceLocation(filename, 1, 1),
                    f"the document is larger than {MAX_FILE_BYTES // 1000} kB; a routine or program is a few kB of text",
                )
            ]
        )
    _check_characters(text, filename)
    try:
        _check_events(text, filename)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise RoutineError([_syntax_problem(exc, filename)]) from None
    except yaml.YAMLError as exc:  # ReaderError and the like carry no mark
        raise RoutineError([Problem(SourceLocation(filename, 1, 1), f"invalid YAML ({type(exc).__name__})")]) from None
    if root is not None:
        problems = _check_scalars(root, filename)
        if problems:
            raise RoutineError(problems)
    return root


def _check_characters(text: str, filename: str) -> None:
    bad = _BAD_CHARS.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    code = f"U+{ord(bad.group()):04X}"
    raise RoutineError(
        [
            Problem(
                SourceLocation(filename, line, col), f"a control character ({code}) that YAML does not allow; delete it"
            )
        ]
    )


class _Mark(Protocol):
    """A place in the YAML text (PyYAML's pure-Python and libyaml marks both have these)."""

    line: int
    column: int


def _at(mark: _Mark | None, filename: str, message: str) -> RoutineError:
    # PyYAML's parser marks every event it emits; a missing mark still names the file.
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return RoutineError([Problem(SourceLocation(filename, line, column), message)])


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def _check_scalar_tag(ev: yaml.ScalarEvent, filename: str) -> None:
    if ev.tag not in (None, "!") and ev.tag not in PLAIN_TAGS:
        raise _at(
            ev.start_mark,
            filename,
            f"the tag {_tag_name(ev.tag)} is not supported; remove it (plain values only: text, numbers, true/false)",
        )


def _check_events(text: str, filename: str) -> None:
    """Tags, depth and alias expansion, on the event stream (no recursion, no expansion)."""
    stack: list[list] = []  # [size, deepest child, anchor]
    sizes: dict[str, tuple[int, int]] = {}
    total = 0
    for ev in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent)):
            if isinstance(ev, yaml.ScalarEvent):
                _check_scalar_tag(ev, filename)
                size, depth = 1, 0
            elif any(frame[2] == ev.anchor for frame in stack):
                raise _at(
                    ev.start_mark,
                    filename,
                    f"the alias *{ev.anchor} refers to the list or mapping it is inside; write the value out",
                )
            else:
                size, depth = sizes.get(ev.anchor, (1, 0)) if ev.anchor else (1, 0)
            if ev.anchor and isinstance(ev, yaml.ScalarEvent):
                sizes[ev.anchor] = (1, 0)
        elif isinstance(ev, yaml.CollectionStartEvent):
            if ev.tag not in (None, "!") and ev.tag not in _COLLECTION_TAGS:
                kind = "mapping" if isinstance(ev, yaml.MappingStartEvent) else "list"
                raise _at(
                    ev.start_mark, filename, f"the tag {_tag_name(ev.tag)} on a {kind} is not supported; remove it"
                )
            stack.append([1, 0, ev.anchor])
            total += 1
            if len(stack) > MAX_YAML_DEPTH:
                raise _at(
                    ev.start_mark, filename, f"nested more than {MAX_YAML_DEPTH} levels deep; a routine needs a handful"
                )
            continue
        elif isinstance(ev, yaml.CollectionEndEvent):
            size, depth, anchor = stack.pop()
            depth += 1
            if anchor:
                sizes[anchor] = (size, depth)
        else:
            continue
        if not isinstance(ev, yaml.CollectionEndEvent):
            total += size
        if stack:
            stack[-1][0] += size
            stack[-1][1] = max(stack[-1][1], depth)
            if len(stack) + depth > MAX_YAML_DEPTH:
                raise _at(
                    ev.start_mark,
                    filename,
                    f"nested more than {MAX_YAML_DEPTH} levels deep (aliases included); a routine needs a handful",
                )
        if total > MAX_YAML_NODES:
            raise _at(
                ev.start_mark,
                filename,
                f"the document expands to more than {MAX_YAML_NODES:,} values (each use of an alias counts in full); write less, or use fewer aliases",
            )


def _check_scalars(root: yaml.Node, filename: str) -> list[Problem]:
    """Every scalar can be constructed: bounded integers, tags that fit their values."""
    constructor = yaml.SafeLoader("")
    problems: list[Problem] = []
    seen: set[int] = set()
    todo: list[tuple[yaml.Node, str]] = [(root, "")]
    while todo:
        node, path = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else "?"
                todo.append((k, path))
                todo.append((v, f"{path}.{key}" if path else str(key)))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))
        elif isinstance(node, yaml.ScalarNode):
            message = _scalar_problem(constructor, node)
            if message:
                mark = node.start_mark
                problems.append(Problem(SourceLocation(filename, mark.line + 1, mark.column + 1, path), message))
    return problems


def _scalar_problem(constructor: yaml.SafeLoader, node: yaml.ScalarNode) -> str | None:
    tag = node.tag
    if tag == _Y + "merge":
        return "merge keys (<<) are not supported; write the keys out in full"
    if tag == _Y + "timestamp" or tag == _Y + "str":
        return None  # a date is read as the text it was written as
    if tag not in PLAIN_TAGS:
        return f"the tag {_tag_name(tag)} is not supported; remove it"
    if tag == _Y + "int":
        body = _INT_BODY.match(node.value.strip())
        digits = len(body.group(1).replace("_", "")) if body else 0
        if digits > MAX_INT_DIGITS:
            return f"a number with {digits} digits is far too large; no value in a routine needs more than {MAX_INT_DIGITS}"
    try:
        constructor.construct_object(node, deep=True)
    except Exception:  # PyYAML's constructors raise ValueError, KeyError, IndexError (an empty !!float)...
        return f"{short(node.value)} is not a valid {_tag_name(tag)} value; remove the tag or fix the value"
    return None


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "is not valid YAML"
    opened = exc.context_mark.line + 1 if exc.context_mark else None
    if "'\\t'" in message or "\t" in message:
        message = "a tab character; YAML is indented with spaces, replace the tab"
    # PyYAML's own wording names parser states; say what the lifter must change instead.
    elif "expected <block end>" in message and message.endswith(("start>'", "'?'", "'-'")):
        message = "this line is not lined up with the lines above it; indent the keys of one mapping, and the items of one list, to the same column"
    elif message == "mapping values are not allowed here":
        message = (
            "unexpected ':'; put quotes around text that contains ': ', or line this key up with the keys above it"
        )
    elif opened and "quoted scalar" in (exc.context or ""):
        message = f"the quote opened on line {opened} is never closed; add the closing quote"
    elif opened and (exc.context or "").endswith(("flow sequence", "flow mapping")):
        message = f"the bracket opened on line {opened} is never closed, or a comma is missing"
    elif exc.context:
        message = f"{exc.context}, {message}"
    where = SourceLocation(filename, mark.line + 1, mark.column + 1) if mark else None
    return Problem(where, f"invalid YAML: {message}")
