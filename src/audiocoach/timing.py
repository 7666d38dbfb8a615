"""How long things take: the timing rules of the model, shared by every stage that sizes a session.

The compiler's expansion (:mod:`audiocoach.compile.expand`), the loader's checks (an EMOM
member must fit its interval, :mod:`audiocoach.load.bounds`) and the speech stage's first
guess of a clip's length all ask these functions, so a check can never disagree with what
is compiled. Pure functions of the model; imports nothing but the contracts.
"""

from __future__ import annotations

from audiocoach.model import Entry, RepRangeMode, Rest, RestPolicy

__all__ = ["REST_STEP_MS", "TEN_SECONDS_MS", "emom_work_ms", "estimate_clip_ms", "pick_rest", "work_length_ms"]

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


def work_length_ms(entry: Entry, lead_in_ms: int, rep_range: RepRangeMode) -> int:
    """A set's work window: the lead-in plus reps x steps x tempo (two steps a rep when the legs
    alternate), or plus the hold."""
    if entry.reps is not None:
        return lead_in_ms + entry.reps.counted(rep_range) * entry.steps * entry.tempo.rep_ms
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
