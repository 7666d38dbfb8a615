"""The intermediate representation between compiling and mixing: timed events.

A :class:`Timeline` is what ``audiocoach plan --json`` prints and what the mixer plays. All
times are integer milliseconds from the start of the session; converting them to samples
is ``ms * rate // 1000`` everywhere (see :func:`ms_to_samples`), so every stage agrees to
the sample.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FORMAT = "audiocoach.timeline/1"

#: Event kinds. ``segment`` spans a window of the session (work, rest, switch, intro,
#: outro); ``chapter`` spans one exercise; ``speech`` and ``tone`` are the sounds.
KINDS = ("speech", "tone", "segment", "chapter")


#: Cue priorities, most important first: a line of lower priority is dropped first when
#: speech does not fit (the words stage tags its lines with them, the compiler's fit obeys).
BEAT = 0
ANNOUNCE = 1
FORM = 2
ENCOURAGE = 3
PRIORITY_NAMES = {BEAT: "beat", ANNOUNCE: "announcement", FORM: "form cue", ENCOURAGE: "encouragement"}


def ms_to_samples(ms: int, rate: int) -> int:
    return ms * rate // 1000


@dataclass(frozen=True, slots=True)
class Event:
    start_ms: int
    end_ms: int
    kind: str
    text: str
    role: str = ""
    priority: int = 0
    block: int | None = None
    exercise: int | None = None
    set: int | None = None
    side: int | None = None
    rep: int | None = None
    member: int | None = None
    #: A segment's name as a lifter would say it ("Superset, Romanian deadlift, round 1"),
    #: so readers of the timeline (the golden scripts) need not rebuild it from chapter titles.
    label: str | None = None

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def is_sound(self) -> bool:
        return self.kind in ("speech", "tone")


@dataclass(frozen=True)
class Change:
    """A visible decision of the scheduler: a cue shortened or dropped to fit its slot."""

    action: str  # "shortened" | "dropped"
    role: str
    text: str
    replacement: str | None
    where: str
    reason: str
    count: int = 1
    #: The same in a lifter's words, with the fix (see audiocoach.compile.advice).
    advice: str = ""
    #: The fix as ``TARGET.KEY=VALUE`` (see audiocoach.compile.advice.apply_fix); "" when
    #: the fix is not a routine setting (a faster speech rate, a shorter voice).
    fix: str = ""

    def __str__(self) -> str:
        if self.advice:
            times = f" ({self.count} times in this session)" if self.count > 1 else ""
            return f"{self.where}: warning: {self.advice}{times}"
        times = f" ({self.count}x)" if self.count > 1 else ""
        if self.action == "shortened":
            what = f"shortened {self.role} cue {self.text!r} to {self.replacement!r}{times}"
        else:
            what = f"dropped {self.role} cue {self.text!r}{times}"
        return f"{self.where}: warning: {what}: {self.reason}"


@dataclass(frozen=True)
class Timeline:
    title: str
    duration_ms: int
    events: tuple[Event, ...]
    changes: tuple[Change, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The rate of the audio this timeline was compiled for: the synthesizer's session rate
    #: (:data:`audiocoach.speech.SESSION_RATE` unless told), given by the render stage to the
    #: compiler. None for a timeline compiled for no audio (clip lengths estimated).
    sample_rate: int | None = None

    @property
    def audio_rate(self) -> int:
        """The sample rate to play this timeline at; a timeline compiled for no audio has none."""
        if self.sample_rate is None:
            raise ValueError("this timeline was compiled without a voice; render it through audiocoach.render.build")
        return self.sample_rate

    @property
    def sounds(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.is_sound)

    def of_kind(self, kind: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == kind)

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        return {**self.to_dict_head(), "events": [_event_dict(e) for e in self.events]}

    def to_json(self) -> str:
        return "".join(self.iter_json())

    def iter_json(self) -> Iterator[str]:
        """The JSON text of :meth:`to_dict` (indent 1) in pieces, one event at a time.

        Byte-for-byte what ``json.dumps(self.to_dict(), indent=1)`` gives, without
        holding every event as a dict and the whole text at once (a 3-hour timeline has
        thousands of events; the sidecar writer streams these pieces to the file).
        """
        head = json.dumps(self.to_dict_head(), indent=1, ensure_ascii=False)
        yield head[: -len("\n}")] + ",\n"  # the head's fields, then the events
        if not self.events:
            yield ' "events": []\n}'
            return
        yield ' "events": [\n'
        last = len(self.events) - 1
        for i, e in enumerate(self.events):
            item = json.dumps(_event_dict(e), indent=1, ensure_ascii=False)
            yield "  " + item.replace("\n", "\n  ") + (",\n" if i < last else "\n")
        yield " ]\n}"

    def to_dict_head(self) -> dict[str, Any]:
        """Every field of :meth:`to_dict` but the events."""
        return {
            "format": FORMAT,
            "title": self.title,
            "duration_ms": self.duration_ms,
            "sample_rate": self.sample_rate,
            "meta": self.meta,
            "changes": [asdict(c) for c in self.changes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timeline:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an audiocoach timeline (format {data.get('format')!r}, expected {FORMAT!r})")
        return cls(
            title=data["title"],
            duration_ms=int(data["duration_ms"]),
            sample_rate=int(data["sample_rate"]) if data.get("sample_rate") is not None else None,
            meta=dict(data.get("meta", {})),
            changes=tuple(Change(**c) for c in data.get("changes", ())),
            events=tuple(Event(**e) for e in data["events"]),
        )

    @classmethod
    def from_json(cls, text: str) -> Timeline:
        return cls.from_dict(json.loads(text))


_EVENT_FIELDS = tuple(f.name for f in fields(Event))


def _event_dict(e: Event) -> dict[str, Any]:
    # Fields that do not apply (None) are left out to keep the JSON readable.
    return {k: v for k in _EVENT_FIELDS if (v := getattr(e, k)) is not None}


def overlaps(events: Iterable[Event]) -> list[tuple[Event, Event]]:
    """Pairs of consecutive sounds that overlap (empty for a valid timeline)."""
    sounds = sorted((e for e in events if e.is_sound), key=lambda e: (e.start_ms, e.end_ms))
    return [(a, b) for a, b in zip(sounds, sounds[1:]) if b.start_ms < a.end_ms]
