"""How long things take: the timing rules of the model, shared by every stage that sizes a session.

The compiler's expansion (:mod:`audiocoach.compile.expand`), the loader's checks (an EMOM
member must fit its interval, :mod:`audiocoach.load.bounds`) and the speech stage's first
guess of a clip's length all ask these functions, so a check can never disagree with what
is compiled. Pure functions of the model; imports nothing but the contracts.
"""

from __future__ import annotations

from audiocoach.model import Entry, RepRangeMode, Rest, RestPolicy

__all__ = [
    "RANGE_PAUSE_MS",
    "REST_STEP_MS",
    "TEN_SECONDS_MS",
    "emom_work_ms",
    "estimate_clip_ms",
    "pick_rest",
    "range_pause_ms",
    "work_length_ms",
]

#: A rest picked from the middle of a range lands on a multiple of this.
REST_STEP_MS = 5000
#: "Ten seconds.": said this long before the end of a long rest, hold or time cap; a rest's
#: announcements end by then, and the time left is not said inside it.
TEN_SECONDS_MS = 10_000
#: A clip's length before it is synthesised: a fixed onset and tail plus this much per character.
CLIP_BASE_MS = 120
CLIP_PER_CHAR_MS = 62


def estimate_clip_ms(text: str, per_char_ms: int = CLIP_PER_CHAR_MS) -> int:
    """How long ``text`` takes to say, before any engine has said it (about 160 words a minute
    of English; each language gives its own ``per_char_ms``, :mod:`audiocoach.words.language`)."""
    return CLIP_BASE_MS + per_char_ms * len(text)


#: In a rep range counted as a range, the pause after the bottom of the range ("Two more if
#: you have them."): a lifter who stops there racks the weight, one who goes on starts the
#: next rep on its count.
RANGE_PAUSE_MS = 3000


def range_pause_ms(entry: Entry, rep_range: RepRangeMode) -> int:
    """The pause between the required and the optional reps of a set: RANGE_PAUSE_MS for a
    range (8-10) counted as one, else none."""
    ranged = entry.reps is not None and entry.reps.high > entry.reps.low and rep_range == "range"
    return RANGE_PAUSE_MS if ranged else 0


def work_length_ms(entry: Entry, lead_in_ms: int, rep_range: RepRangeMode) -> int:
    """A set's work window: the lead-in plus reps x steps x tempo (two steps a rep when the legs
    alternate), plus a range's pause before its optional reps; or plus the hold."""
    if entry.reps is not None:
        reps_ms = entry.reps.counted(rep_range) * entry.steps * entry.tempo.rep_ms
        return lead_in_ms + reps_ms + range_pause_ms(entry, rep_range)
    return lead_in_ms + (entry.hold_ms or 0)


def emom_work_ms(member: Entry, lead_ms: int, rep_range: RepRangeMode, switch_ms: int) -> int:
    """Time one EMOM interval's work takes (both sides and the switch for per-side work)."""
    one = work_length_ms(member, lead_ms, rep_range)
    return 2 * one + switch_ms if member.per_side else one


def pick_rest(rest: Rest, policy: RestPolicy) -> int:
    """The rest to take: the policy's end of the range, or its middle on whole seconds (a rest
    announced as "sixty-seven seconds" lasts exactly that), on whole 5 s when the range holds it."""
    if policy == "min":
        return rest.low_ms
    if policy == "max":
        return rest.high_ms
    ms = (rest.low_ms + rest.high_ms) // 2 // 1000 * 1000
    if rest.low_ms == rest.high_ms:
        return ms
    rounded = round(ms / REST_STEP_MS) * REST_STEP_MS
    return rounded if rest.low_ms <= rounded <= rest.high_ms else ms
