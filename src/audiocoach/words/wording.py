"""What the coach says, in words: the one place that turns routine facts into phrases.

The expander decides *when* something is said; this module decides *what*: the values
filled into each phrase key (names, doses, tempo in words, durations), which variant of a
key comes next (so a rest does not always sound the same), how each phase of a rep is
called for this movement, and how a set begins ("Set two of four.", "Last set.").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import NamedTuple

from audiocoach.model import Entry, Exercise, Group, Item, Load, Tempo
from audiocoach.timeline import ANNOUNCE, ENCOURAGE
from audiocoach.words.effort import spoken_effort, spoken_warmup
from audiocoach.words.language import ENGLISH, Language, get_language
from audiocoach.words.phrases import Phrasebook, default_phrasebook

#: Phase -> the phrase key giving its word when the library names none for the movement.
PHASE_WORD_KEYS = {
    "eccentric": "phase_eccentric",
    "concentric": "phase_concentric",
    "bottom": "phase_pause",
    "top": "phase_pause",
}
_PAUSES = ("bottom", "top")


class Line(NamedTuple):
    """One thing to say: its cue role, priority and wordings (longest first)."""

    role: str
    priority: int
    variants: tuple[str, ...]


class Words:
    """Phrases filled in for one session; remembers which variant each key used last."""

    def __init__(self, book: Phrasebook):
        self.book = book
        self._turn: Counter[str] = Counter()

    def say(self, key: str, **values: object) -> tuple[str, ...]:
        """The wordings of ``key`` (its first variant)."""
        return self.book.variants(key, 0, **values)

    def rotate(self, key: str, **values: object) -> tuple[str, ...]:
        """The next variant of ``key``: a key with several variants never repeats back to back."""
        turn = self._turn[key]
        self._turn[key] += 1
        return self.book.variants(key, turn=turn, **values)

    # ------------------------------------------------------------------ values

    def phase_word(self, exercise: Exercise, phase: str) -> str:
        """What the coach calls this phase of this movement ("lower", "lift", "reach")."""
        words = dict(exercise.phase_words)
        return words.get(phase) or self.say(PHASE_WORD_KEYS[phase])[0]

    def tempo_words(self, entry: Entry) -> str:
        """'Lower for three seconds, a one-second hold, then drive' (phases in the lifter's order),
        in the words the reps are counted with (:func:`plain_for_alternatives`)."""
        return tempo_words(entry.tempo, plain_for_alternatives(entry).exercise, self.phase_word, self.book.language)

    def entry_values(self, entry: Entry, sets: int | None = None) -> dict[str, str]:
        lang = self.book.language
        if entry.reps is not None:
            reps = lang.number(entry.reps.low)
            if entry.reps.high != entry.reps.low:
                reps = lang.word("reps_range", low=reps, high=lang.number(entry.reps.high))
            tempo = self.tempo_words(entry)
        else:
            reps = lang.duration(entry.hold_ms or 0)
            tempo = ""
        dose = lang.count("sets", entry.sets if sets is None else sets)
        if entry.warmup_sets:
            dose = lang.word("warmup_and_work", warmup=lang.count("warmup_sets", entry.warmup_sets), work=dose)
        return {
            "name": entry.exercise.name,
            "short_name": entry.exercise.short_name,
            "sets": dose,
            "reps": reps,
            "side": _side_words(entry, lang),
            "tempo": tempo[:1].upper() + tempo[1:] + "." if tempo else "",
        }

    def group_values(self, group: Group) -> dict[str, str]:
        book = self.book
        if group.kind == "amrap":
            dose = book.duration(group.work_ms)
        elif group.kind == "intervals":
            dose = self.say(
                "dose_intervals",
                rounds=book.number(group.rounds),
                work=book.duration(group.work_ms),
                rest=book.duration(group.rest.low_ms),
            )[0]
        else:
            dose = self.say("dose_rounds", rounds=book.number(group.rounds))[0]
        then = book.language.word("names_then")
        if group.kind == "intervals":
            names = then.join(m.exercise.name for m in group.members)
        else:
            names = then.join(
                f"{m.exercise.name}, {self.entry_values(m)['reps']}{self.entry_values(m)['side']}"
                for m in group.members
            )
        first = group.members[0].exercise.name
        return {"label": spoken_label(group, self.book), "dose": dose, "names": names, "first": first}

    # ------------------------------------------------------------------ set starts

    def set_lead(self, entry: Entry, set_no: int, side: int, *, warmup: bool = False) -> list[Line]:
        """What the lead-in of a set says, in order. The one place a set's start is worded.

        ``set_no`` counts work sets (warm-up sets are not numbered).
        """
        if side == 2:
            key = "other_direction" if entry.exercise.sides == "per_direction" else "other_side"
            return [Line("other_side", ANNOUNCE, self.say(key))]
        if warmup:  # its weight was said before it (warmup_target): the lead-in only names it
            return [Line("warmup_set", ANNOUNCE, self.say("warmup_set"))]
        if entry.sets == 1:  # a single hold or stretch is not a set to "make count"
            key = "one_set" if entry.reps is not None else "into_position"
            variants = self.say(key)
            if key == "one_set" and not (entry.exercise.loaded or entry.load):
                variants = variants[-1:]  # a bodyweight or band drill is practice, not a set to "make count"
            return [Line(key, ANNOUNCE, variants)]
        number = self.book.number
        sets = number(entry.sets)
        if set_no == 1:
            return [Line("get_ready", ANNOUNCE, self.say("get_ready", set=number(1), sets=sets))]
        if set_no == entry.sets:
            return [
                Line("last_set", ANNOUNCE, self.say("last_set")),
                Line("encourage_last", ENCOURAGE, self.say("encourage_last")),
            ]
        return [Line("set", ANNOUNCE, self.say("set", set=number(set_no), sets=sets))]

    def round_lead(self, round_no: int, rounds: int) -> Line:
        if round_no == rounds and rounds > 1:
            return Line("last_round", ANNOUNCE, self.say("last_round"))
        number = self.book.number
        return Line("round", ANNOUNCE, self.say("round", round=number(round_no), rounds=number(rounds)))

    def next_round(self, round_no: int, rounds: int) -> Line:
        if round_no == rounds:
            return Line("next_last_round", ANNOUNCE, self.say("next_last_round"))
        number = self.book.number
        return Line("next_round", ANNOUNCE, self.say("next_round", round=number(round_no), rounds=number(rounds)))

    def target(self, entry: Entry, set_no: int) -> str:
        """The set's load and effort in words ("sixty kilos, leave two in the tank"), or ''."""
        return ", ".join(w for w in spoken_effort(entry, set_no, self.book) if w)

    def set_target(self, entry: Entry, set_no: int) -> Line | None:
        """'Set one: sixty kilos, leave two in the tank.' (said when the exercise is announced)."""
        target = self.target(entry, set_no)
        if not target:
            return None
        return Line("set_load", ANNOUNCE, self.say("set_load", set=self.book.number(set_no), target=target))

    def warmup_target(
        self, entry: Entry, index: int, ramp: tuple[int, Load | None], *, next_: bool = False
    ) -> Line | None:
        """'Warm-up set one: twenty-five kilos.' as the exercise is announced, or 'Next, warm-up
        set two: forty-five kilos.' in the rest before it (``next_``), so the bar is ready; None
        for a lift with no weight to name."""
        target = spoken_warmup(entry, ramp, self.book)
        if not target:
            return None
        key = "next_warmup_set" if next_ else "warmup_set_target" if entry.warmup_sets > 1 else "warmup_set_load"
        return Line(key, ANNOUNCE, self.say(key, set=self.book.number(index), target=target))

    def next_set(self, entry: Entry, set_no: int) -> Line:
        """Said in the rest before a work set: which set, and its load and effort if any.

        The rest has the time to say "Next, set two: sixty kilos, leave two in the tank.";
        the set's three-second lead-in then only needs "Set two of four."
        """
        target = self.target(entry, set_no)
        last = set_no == entry.sets
        if target:
            if last:
                return Line("next_last_set_load", ANNOUNCE, self.say("next_last_set_load", target=target))
            return Line(
                "next_set_load", ANNOUNCE, self.say("next_set_load", set=self.book.number(set_no), target=target)
            )
        if last:
            return Line("next_last_set", ANNOUNCE, self.say("next_last_set"))
        number = self.book.number
        return Line("next_set", ANNOUNCE, self.say("next_set", set=number(set_no), sets=number(entry.sets)))


def _counts(lang: Language) -> dict[str, int]:
    """The numbers a note may count the lowering in, spelled out in ``lang`` or in digits."""
    return {lang.number(n): n for n in range(1, 11)} | {str(n): n for n in range(1, 11)}


def form_cues(entry: Entry) -> tuple[tuple[Exercise, str], ...]:
    """The form cues of ``entry``, in turn, each with the exercise it is for: with
    alternatives, each exercise's own cues by turns (a ball curl keeps its hips up; the
    machine curl's "Keep your hips pressed down" is not for it)."""
    lists = [[(ex, cue) for cue in ex.cues] for ex in (entry.exercise, *entry.alternatives)]
    longest = max(len(cues) for cues in lists)
    return tuple(cues[i] for i in range(longest) for cues in lists if i < len(cues))


def plain_for_alternatives(entry: Entry) -> Entry:
    """An entry whose alternatives move differently (a kickback or a cable pull-through) is
    worded with plain phase words ("up", "down"), in its count and its tempo sentence alike:
    "kick" means nothing to the lifter pulling a rope."""
    if all(a.pattern == entry.exercise.pattern for a in entry.alternatives):
        return entry
    return replace(entry, exercise=replace(entry.exercise, phase_words=()))


def note_for_tempo(note: str, entry: Entry, lang: Language | None = None) -> str | None:
    """``note`` as it can be said at the entry's tempo: unchanged when it agrees; when it counts
    one other number of seconds for the lowering ("Count a slow three on every descent" at
    4-0-1-0, after ``--tempo`` or a program's tempo rule), reworded to this tempo ("Count a
    slow four ..."); None when it cannot be (several counts): then it is not said. ``lang``
    (English by default) gives the numbers."""
    lang = lang or get_language(ENGLISH)
    if not contradicts_tempo(note, entry, lang):
        return note
    numbers = _counts(lang)
    words = [w.strip(".,;:!?()").lower() for w in note.replace("-", " ").split()]
    counts = {w for w in words if w in numbers}
    seconds = round(entry.tempo.eccentric_ms / 1000)
    if len(counts) != 1 or not 1 <= seconds <= 10:
        return None
    (count,) = counts
    said = lang.number(seconds) if not count.isdigit() else str(seconds)

    def same_case(m: re.Match[str]) -> str:
        return said.capitalize() if m[0][:1].isupper() else said

    return re.sub(rf"\b{re.escape(count)}\b", same_case, note, flags=re.IGNORECASE)


def contradicts_tempo(note: str, entry: Entry, lang: Language | None = None) -> bool:
    """Whether ``note`` counts the lowering in seconds the entry's tempo does not have
    ("Count a slow three on every descent" at 4-0-1-0: a program week or an override changed
    the tempo the note was written for). Such a note is not said. ``lang`` (English by
    default) gives the words for the lowering and the numbers."""
    lang = lang or get_language(ENGLISH)
    numbers = _counts(lang)
    words = [w.strip(".,;:!?()").lower() for w in note.replace("-", " ").split()]
    if entry.reps is None or not any(w in lang.descent_words for w in words):
        return False
    counts = {numbers[w] for w in words if w in numbers}
    return bool(counts) and round(entry.tempo.eccentric_ms / 1000) not in counts


def _side_words(entry: Entry, lang: Language) -> str:
    """' per side', ' per direction' (a lateral walk), ' per leg, alternating' (walking lunges)."""
    if entry.alternating:
        return lang.word("alternating")
    if entry.per_side:
        return lang.word("per_direction" if entry.exercise.sides == "per_direction" else "per_side")
    return ""


def spoken_label(group: Group, book: Phrasebook | None = None) -> str:
    """A group's name as said aloud: EMOM is 'Every minute on the minute', not a word."""
    book = book or default_phrasebook()
    if group.kind == "emom":
        if group.interval_ms == 60_000:
            return book.variants("label_emom")[0]
        return book.variants("label_emom_every", 0, duration=book.duration(group.interval_ms))[0]
    if group.kind == "amrap":
        return book.variants("label_amrap")[0]
    if group.kind in LABELLED:
        return book.language.label(group.kind)
    return group.label


#: The group kinds whose name each language writes in its own words (EMOM and AMRAP are letters).
LABELLED = ("superset", "circuit", "intervals")


def chapter_title(item: Item, lang: Language) -> str:
    """A chapter's title in ``lang``: 'Hip thrust - 4 x 10-12', 'Zirkel: A + B - 2 Runden'."""
    if isinstance(item, Group):
        label = lang.label(item.kind) if item.kind in LABELLED else item.label
        names = " + ".join(m.exercise.name for m in item.members)
        dose = lang.label("rounds", n=item.rounds) if item.kind in ("superset", "circuit") else item.dose
        return f"{label}: {names} - {dose}"
    name = lang.label("or").join([item.exercise.name, *(a.name for a in item.alternatives)])
    work = f"{item.reps}" if item.reps is not None else f"{(item.hold_ms or 0) // 1000}s"
    return f"{name} - {item.sets} x {work}{_side_words(item, lang)}"


def tempo_words(tempo: Tempo, exercise: Exercise, word, lang: Language | None = None) -> str:
    """The tempo as a coach says it, in the order the lifter moves.

    ``word(exercise, phase)`` names each phase. Moving phases: "lower for three seconds",
    "drive" (one second or explosive); pauses: "a one-second hold". The last part gets "then".
    """
    lang = lang or get_language(ENGLISH)
    explosive = _explosive_phases(tempo)
    parts: list[str] = []
    for phase, ms in tempo.phases(exercise.start):
        name = word(exercise, phase)
        secs = round(ms / 1000)
        if phase in _PAUSES:
            secs = max(secs, 1)
            parts.append(lang.word("tempo_pause", secs, seconds=lang.count("second", secs), name=name))
        elif phase in explosive:
            parts.append(lang.word("tempo_fast", name=name))
        elif secs <= 1:
            parts.append(name)
        else:
            parts.append(lang.word("tempo_move", name=name, seconds=lang.count("second", secs)))
    if len(parts) > 1:
        parts[-1] = lang.word("tempo_then", part=parts[-1])
    return ", ".join(parts)


def _explosive_phases(tempo: Tempo) -> set[str]:
    marks = tempo.text.split("-") if tempo.text else []
    names = ("eccentric", "bottom", "concentric", "top")
    return {n for n, m in zip(names, marks) if m.upper() == "X"}


def block_as_noun(name: str, heading: bool, lower: bool = True) -> str:
    """A block's name inside a sentence: "Cool-down" -> "cool-down" ("On to the cool-down."),
    a name with capitals inside ("RDL block") as written; as a heading (the intro), as written."""
    if heading or not lower or any(c.isupper() for c in name[1:]):
        return name
    return name[:1].lower() + name[1:]


def block_repeats_item(block_name: str, item: Item, book: Phrasebook) -> bool:
    """A block named like its first item ("Superset") would be announced twice in a row."""
    name = block_name.strip().lower()
    if isinstance(item, Group):
        return name in (item.label.lower(), spoken_label(item, book).lower())
    return name in (item.exercise.name.lower(), item.exercise.short_name.lower())
