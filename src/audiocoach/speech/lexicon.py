"""Pronunciation: what is sent to the engine, not what is written.

The shipped lexicon (``data/pronounce.yaml``) has entries for every engine (``all``) and
per engine; a routine's ``pronounce:`` goes on top. A lexicon maps a written form to a
spoken form and replaces whole words only. A written form in lower case matches any
case ("glute", "Glute"); one with capitals matches exactly ("RDL"). Only the text sent to
the engine changes: cue sheets, chapters and plans keep the written form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

import yaml


@cache
def shipped() -> dict[str, dict[str, str]]:
    """The shipped lexicon: section ('all' or an engine) -> written -> spoken."""
    text = resources.files("audiocoach").joinpath("data/pronounce.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(k): {str(w): str(s) for w, s in (v or {}).items()} for k, v in data.items()}


class Lexicon:
    """Written form -> spoken form, applied to whole words."""

    def __init__(self, entries: Mapping[str, str]):
        self.entries = dict(entries)
        parts = []
        for written in sorted(self.entries, key=len, reverse=True):
            body = re.escape(written)
            parts.append(f"(?i:{body})" if written == written.lower() else body)
        self._pattern = re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])") if parts else None
        self._lower = {w.lower(): s for w, s in self.entries.items() if w == w.lower()}

    @classmethod
    def for_engine(cls, engine: str, extra: Iterable[tuple[str, str]] = ()) -> Lexicon:
        """The shipped entries for ``engine`` with ``extra`` (a routine's) on top."""
        book = shipped()
        merged = {**book.get("all", {}), **book.get(engine, {}), **dict(extra)}
        return cls(merged)

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._spoken, text)

    def _spoken(self, m: re.Match[str]) -> str:
        word = m.group(0)
        return self.entries.get(word) or self._lower[word.lower()]
