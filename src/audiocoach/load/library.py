"""The exercise library shipped as package data (``data/exercises.yaml``), and its words in
other languages (``data/exercises.<code>.yaml``: names, form cues, phase words, setup)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import yaml

from audiocoach.defaults import EXPLOSIVE_MS
from audiocoach.load.units import check_tempo, parse_duration_ms
from audiocoach.model import Exercise
from audiocoach.words.phrases import confusable

_FIELDS = (
    "name",
    "short_name",
    "muscles",
    "cues",
    "tempo",
    "start",
    "per_side",
    "timed",
    "aliases",
    "phase_words",
    "pattern",
    "equipment",
    "explosive",
    "finish",
    "breathe",
    "setup",
    "sides",
)
SIDES = ("per_side", "alternating", "per_direction")
#: How long a lifter needs from the last rep of one exercise to the first rep of one done
#: with this equipment, its station set up beforehand: put the weight down, walk over, get
#: into position (sit against the bench and roll the bar over the hips; grip and unrack).
CHANGEOVER_MS: dict[str, int] = {
    "barbell": 15_000,
    "machine": 10_000,
    "cable": 10_000,
    "bench": 10_000,
    "ball": 10_000,
    "dumbbell": 5000,
    "kettlebell": 5000,
    "band": 5000,
    "mat": 5000,
    "bodyweight": 3000,
}
#: Equipment with a station to set up before a round (load a bar, pin a machine, set a cable).
STATIONS: tuple[str, ...] = ("barbell", "machine", "cable")
_PHASES = ("eccentric", "bottom", "concentric", "top")


@dataclass(frozen=True)
class Library:
    """Exercises by id, with aliases resolved."""

    exercises: Mapping[str, Exercise]

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def get(self, key: str) -> Exercise | None:
        """The exercise an id, alias or name means, written any way people write it:
        ``hip-thrust``, ``hip thrust``, ``Hip Thrust``, ``Romanian deadlift``, ``RDL``."""
        wanted = normalise_name(key)
        found = self.exercises.get(wanted)
        if found is not None:
            return found
        for ex in self.exercises.values():
            if wanted in ex.aliases or wanted == normalise_name(ex.name):
                return ex
        for ex in self.exercises.values():  # "hip thrusts", "Romanian deadlifts"
            if wanted.endswith("s") and self.exercises.get(wanted[:-1]) is ex:
                return ex
        return None

    def suggest(self, key: str) -> str | None:
        names = list(self.exercises) + [a for ex in self for a in ex.aliases]
        close = difflib.get_close_matches(normalise_name(key), names, n=1, cutoff=0.6)
        return close[0] if close else None

    def search(self, words: str | None = None, muscle: str | None = None) -> list[Exercise]:
        """Exercises whose id, name, movement pattern, aliases, muscles or cues hold every word of ``words``
        and that work ``muscle`` (``glutes`` also finds ``glute medius``), in library order."""
        out = []
        for ex in self:
            text = " ".join((ex.id, ex.name, ex.pattern, *ex.aliases, *ex.muscles, *ex.cues)).lower().replace("-", " ")
            if words and not all(w in text for w in words.lower().replace("-", " ").split()):
                continue
            if muscle and not any(_stem(muscle) in m.lower() for m in ex.muscles):
                continue
            out.append(ex)
        return out


def normalise_name(text: str) -> str:
    """``" Hip  Thrust "`` -> ``hip-thrust``: the id spelling of a name written in words."""
    return re.sub(r"[\s_\-]+", "-", re.sub(r"['’.]", "", text.strip().lower())).strip("-")


def _stem(word: str) -> str:
    word = word.strip().lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def parse_library(data: object, origin: str) -> Library:
    """Build a library from parsed YAML; raises ValueError naming the bad entry."""
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: the library must be a mapping of exercise ids")
    out: dict[str, Exercise] = {}
    for ex_id, raw in data.items():
        if not isinstance(raw, dict):
            raise ValueError(f"{origin}: {ex_id}: expected a mapping of fields, found {raw!r}")
        if set(raw) - set(_FIELDS):
            raise ValueError(f"{origin}: {ex_id}: unexpected fields {sorted(set(raw) - set(_FIELDS))}")
        try:
            out[ex_id] = Exercise(
                id=ex_id,
                name=str(raw["name"]),
                short_name=str(raw.get("short_name") or raw["name"]),
                muscles=tuple(raw.get("muscles", ())),
                cues=tuple(str(c) for c in raw.get("cues", ())),
                tempo=check_tempo(raw["tempo"]) if raw.get("tempo") else None,
                start=raw.get("start", "eccentric"),
                per_side=bool(raw.get("per_side", False)),
                timed=bool(raw.get("timed", False)),
                aliases=tuple(raw.get("aliases", ())),
                phase_words=_phase_words(raw.get("phase_words") or {}),
                pattern=str(raw.get("pattern") or ""),
                equipment=_equipment(raw.get("equipment", "bodyweight")),
                explosive_ms=_explosive_ms(raw.get("explosive")),
                finish=str(raw.get("finish") or ""),
                breathe=str(raw.get("breathe") or ""),
                setup=_setup(raw.get("setup", ())),
                sides=_sides(raw.get("sides", "per_side")),
            )
        except KeyError as exc:
            raise ValueError(f"{origin}: {ex_id}: missing field {exc}") from None
        except ValueError as exc:
            raise ValueError(f"{origin}: {ex_id}: {exc}") from None
        if out[ex_id].start not in ("eccentric", "concentric"):
            raise ValueError(f"{origin}: {ex_id}: start must be eccentric or concentric")
    return Library(out)


#: Setup steps said in a row (the coach never gives more than two instructions in a row).
MAX_SETUP_STEPS = 2


def _setup(raw: object) -> tuple[str, ...]:
    steps = tuple(str(x) for x in raw) if isinstance(raw, (list, tuple)) else (str(raw),)
    if len(steps) > MAX_SETUP_STEPS:
        raise ValueError(
            f"{len(steps)} setup steps; a lifter takes in at most {MAX_SETUP_STEPS} in a row, so merge or cut them"
        )
    return steps


def _explosive_ms(raw: object) -> int:
    """``700ms`` -> 700 (an X phase of this movement); none -> 0 (the routine's)."""
    if not raw:
        return 0
    text = str(raw).strip()
    return int(text[:-2]) if text.endswith("ms") else parse_duration_ms(text)


#: An X phase when neither the routine nor the library says how long (one home: the defaults).
DEFAULT_EXPLOSIVE_MS = EXPLOSIVE_MS


def explosive_ms(exercise: Exercise, setting_ms: int) -> int:
    """An X phase of ``exercise``: the routine's ``explosive`` if it sets one, else the
    movement's own (a full swing's hike takes 0.7 s), else 500 ms."""
    return setting_ms or exercise.explosive_ms or DEFAULT_EXPLOSIVE_MS


def _sides(raw: object) -> str:
    if raw not in SIDES:
        raise ValueError(f"sides must be one of {', '.join(SIDES)}, found {raw!r}")
    return str(raw)


def _equipment(raw: object) -> str:
    if raw not in CHANGEOVER_MS:
        raise ValueError(f"equipment must be one of {', '.join(CHANGEOVER_MS)}, found {raw!r}")
    return str(raw)


def changeover_ms(exercise: Exercise) -> int:
    """How long a changeover to ``exercise`` takes, from its equipment."""
    return CHANGEOVER_MS.get(exercise.equipment, CHANGEOVER_MS["bodyweight"])


def _phase_words(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict) or set(raw) - set(_PHASES):
        raise ValueError(f"phase_words must map some of {', '.join(_PHASES)} to words, found {raw!r}")
    for phase in _PHASES:
        heard = confusable(str(raw.get(phase, "")))
        if heard:
            raise ValueError(
                f"phase_words.{phase}: {raw[phase]!r} can be heard as a side or a number ({heard!r}); "
                "pick another word (e.g. 'up' for 'lift')"
            )
    return tuple((phase, str(raw[phase])) for phase in _PHASES if phase in raw)


_DEFAULT: Library | None = None


def default_library() -> Library:
    """The shipped library (parsed once; it is immutable)."""
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("audiocoach").joinpath("data/exercises.yaml").read_text("utf-8")
        _DEFAULT = parse_library(yaml.safe_load(text), "exercises.yaml")
    return _DEFAULT


#: What a language's exercise file may say of an exercise: its words, never its timing.
TRANSLATED = ("name", "short_name", "cues", "phase_words", "finish", "breathe", "setup")


def parse_translation(library: Library, data: object, origin: str) -> Library:
    """``library`` with each exercise's words replaced by those ``data`` gives for its id.

    An exercise ``data`` leaves out keeps its English words. Raises ValueError naming the
    file and the entry: an id the library lacks, or a field that is not words."""
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: expected a mapping of exercise ids to their words")
    out = dict(library.exercises)
    for ex_id, raw in data.items():
        if ex_id not in out:
            raise ValueError(f"{origin}: {ex_id}: not an exercise of exercises.yaml")
        if not isinstance(raw, dict) or set(raw) - set(TRANSLATED):
            raise ValueError(f"{origin}: {ex_id}: translate only {', '.join(TRANSLATED)}")
        ex = out[ex_id]
        name = str(raw.get("name", ex.name))
        out[ex_id] = replace(
            ex,
            name=name,
            short_name=str(raw.get("short_name") or name),
            cues=tuple(str(c) for c in raw.get("cues", ex.cues)),
            phase_words=tuple((p, str(w)) for p, w in (raw.get("phase_words") or dict(ex.phase_words)).items()),
            finish=str(raw.get("finish", ex.finish)),
            breathe=str(raw.get("breathe", ex.breathe)),
            setup=tuple(str(x) for x in raw.get("setup", ex.setup)),
            aliases=(*ex.aliases, normalise_name(ex.name)),
        )
    return Library(out)


@cache
def default_library_in(code: str) -> Library:
    """The shipped library in language ``code``: English (``en``) or with ``exercises.<code>.yaml``'s words."""
    path = resources.files("audiocoach").joinpath(f"data/exercises.{code}.yaml")
    if code == "en" or not path.is_file():
        return default_library()
    return parse_translation(default_library(), yaml.safe_load(path.read_text("utf-8")), path.name)
