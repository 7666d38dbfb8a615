"""A routine's ``defaults:`` and ``phrases:``: session settings and the coach's own wording.

Read with the shared :class:`~audiocoach.load.yamlsource.Reader`; every number bounded (see
:mod:`audiocoach.defaults`), every phrase template plain placeholders only: a format spec
(``{set:>2000000000}``) or a conversion (``{title!r}``) is refused here, at load.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from audiocoach.defaults import (
    MAX_LEAD_IN_MS,
    MAX_STEP_MS,
    MAX_SWITCH_MS,
    MAX_VOICE_CHARS,
    RATE_MAX,
    RATE_MIN,
    REST,
    REST_AFTER,
)
from audiocoach.engines import ENGINE_CHOICES
from audiocoach.errors import Problem, SourceLocation, short
from audiocoach.load.units import check_tempo, parse_duration_ms, parse_rest
from audiocoach.load.yamlsource import Reader, choice, duration, positive_int, yaml_text
from audiocoach.model import COUNT_MODES, REP_RANGE_MODES, REST_POLICIES, VERBOSITIES, Rest, Settings
from audiocoach.words.language import ENGLISH, LanguageError, language_code
from audiocoach.words.phrases import PLACEHOLDERS, check_template

__all__ = [
    "DEFAULT_KEYS",
    "Defaults",
    "read_defaults",
    "read_language",
    "read_phrases",
    "read_pronounce",
    "template_problem",
]

DEFAULT_KEYS = (
    "tempo",
    "rest",
    "rest_after",
    "voice",
    "rate",
    "verbosity",
    "rep_range",
    "rest_policy",
    "count",
    "lead_in",
    "switch",
    "explosive",
    "remaining_every",
    "engine",
)


@dataclass
class Defaults:
    tempo: str | None = None
    rest: Rest = field(default_factory=lambda: parse_rest(REST))
    rest_after: Rest = field(default_factory=lambda: parse_rest(REST_AFTER))


def read_defaults(r: Reader, pair: tuple[yaml.Node, yaml.Node] | None) -> tuple[Settings, Defaults]:
    settings = Settings()
    defaults = Defaults()
    if pair is None:
        return settings, defaults
    fields = r.mapping(pair[1], "defaults", DEFAULT_KEYS, "defaults")
    if not fields:
        return settings, defaults
    parsers: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "voice": ("voice", _voice),
        "engine": ("engine", _engine_name),
        "rate": ("rate", positive_int("speech rate in words per minute", RATE_MIN, RATE_MAX)),
        "verbosity": ("verbosity", choice(VERBOSITIES)),
        "rep_range": ("rep_range", choice(REP_RANGE_MODES)),
        "rest_policy": ("rest_policy", choice(REST_POLICIES)),
        "count": ("count", choice(COUNT_MODES)),
        "lead_in": ("lead_in_ms", _lead_in),
        "switch": ("switch_ms", duration("a switch between sides", MAX_SWITCH_MS)),
        "explosive": ("explosive_ms", _explosive),
        "remaining_every": ("remaining_every_ms", duration("a time-left cadence", MAX_STEP_MS)),
    }
    changes: dict[str, Any] = {}
    for key, (_, node) in fields.items():
        path = f"defaults.{key}"
        if key == "tempo":
            defaults.tempo = r.convert(node, path, check_tempo)
        elif key in ("rest", "rest_after"):
            value = r.convert(node, path, parse_rest)
            if value is not None:
                setattr(defaults, key, value)
        else:
            attr, parse = parsers[key]
            value = r.convert(node, path, parse)
            if value is not None:
                changes[attr] = value
    return replace(settings, **changes), defaults


def _voice(value: Any) -> str:
    text = str(value).strip()
    if not text or len(text) > MAX_VOICE_CHARS:
        raise ValueError(
            f"{short(text)} is not a voice (a voice id, language or name such as en-us; see 'audiocoach voices')"
        )
    return text


def _engine_name(value: Any) -> str:
    name = str(value).strip()
    if name not in ENGINE_CHOICES:
        raise ValueError(f"{short(name)} is not a speech engine (valid: {', '.join(ENGINE_CHOICES)})")
    return name


def _lead_in(value: Any) -> int:
    ms = parse_duration_ms(value)
    if ms < 1000:
        raise ValueError(
            f"{yaml_text(value)} is too short for a lead-in (at least 1s: the go tone and the set's name need it)"
        )
    if ms > MAX_LEAD_IN_MS:
        raise ValueError(f"{yaml_text(value)} is too long for a lead-in (at most {MAX_LEAD_IN_MS // 1000}s)")
    return ms


def _explosive(value: Any) -> int:
    if (
        isinstance(value, str)
        and value.strip().endswith("ms")
        and value.strip()[:-2].isdigit()
        and len(value.strip()) < 9
    ):
        ms = int(value.strip()[:-2])
    else:
        ms = parse_duration_ms(value)
    if not 200 <= ms <= 2000:
        raise ValueError(f"{yaml_text(value)} is not a usable explosive phase (expected 200ms to 2s, e.g. 500ms)")
    return ms


def read_phrases(
    r: Reader, pair: tuple[yaml.Node, yaml.Node] | None
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, SourceLocation], ...]]:
    if pair is None:
        return (), ()
    fields = r.mapping(pair[1], "phrases", tuple(PLACEHOLDERS), "phrases")
    if not fields:
        return (), ()
    out: list[tuple[str, tuple[str, ...]]] = []
    locs: list[tuple[str, SourceLocation]] = []
    for key, (_, node) in fields.items():
        path = f"phrases.{key}"
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        templates: list[str] = []
        for j, item in enumerate(items):
            sub = f"{path}[{j}]" if isinstance(node, yaml.SequenceNode) else path
            text = r.text(item, sub, "a phrase")
            if text is None:
                continue
            problem = template_problem(key, text)
            if problem:
                r.error(item, sub, problem)
                continue
            templates.append(text)
        if templates:
            out.append((key, tuple(templates)))
            locs.append((key, r.loc(node, path)))
    return tuple(out), tuple(locs)


def template_problem(key: str, text: str) -> str | None:
    """What is wrong with a phrase template: placeholders only, no format specs or conversions."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        return f"{short(text)} is not a valid template ({exc})"
    for _, name, spec, conversion in fields:
        if name is not None and (spec or conversion):
            extra = f"!{conversion}" if conversion else f":{spec}"
            return f"{{{name}{short(extra, 20)[1:-1]}}} in a phrase: write placeholders plainly, as {{{name}}} (no format specs or conversions)"
    return check_template(key, text)


def read_pronounce(r: Reader, pair: tuple[yaml.Node, yaml.Node] | None) -> tuple[tuple[str, str], ...]:
    """``pronounce:``: written form -> how the engine should say it."""
    if pair is None:
        return ()
    node = pair[1]
    if not isinstance(node, yaml.MappingNode):
        r.error(node, "pronounce", "expected a mapping of written form: spoken form, e.g. RDL: R D L")
        return ()
    out: dict[str, str] = {}
    for key_node, value_node in node.value:
        written = r.text(key_node, "pronounce", "a written form")
        if written is None:
            continue
        spoken = r.text(value_node, f"pronounce.{written}", "how to say it")
        if spoken is not None:
            out[written] = spoken
    return tuple(out.items())


def read_language(r: Reader, pair: tuple[yaml.Node, yaml.Node] | None, given: str | None = None) -> str:
    """``language:``, a BCP 47 tag (``de``, ``es-ES``); ``given`` (``--language``) wins over it.

    A tag no phrasebook answers is an error at the key (or, from the command line, at the
    routine) listing the languages available; the routine is then read as English."""
    node = pair[1] if pair else None
    text = given if given is not None else (r.text(node, "language", "a language tag") if node is not None else None)
    if text is None:
        return ENGLISH
    try:
        language_code(text)
    except LanguageError as exc:
        if given is None and node is not None:
            r.error(node, "language", str(exc))
        else:
            r.problems.append(Problem(SourceLocation(r.filename, 1, 1, "--language"), str(exc)))
        return ENGLISH
    parts = text.strip().replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
