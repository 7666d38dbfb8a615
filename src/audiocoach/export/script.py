"""A timeline as a script a person can read: what the coach says, segment by segment.

Each segment gets a heading (what it is, its length, where it sits in the session) and
each sound a line with its time *relative to that segment*, so a change to one sentence
moves nothing else in the script. Tones are shown in brackets, second ticks folded into
the line before them (``. .`` per tick) so a rep reads as one line of speech::

    == 0:20.5  work  Romanian deadlift, set 2, 18 s
      +0.0  [go]
      +0.3  Set two of four.
      +3.0  one, lower . .
"""

from __future__ import annotations

from audiocoach.timeline import Event, Timeline


def _clock(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest / 1000:04.1f}"


def _heading(seg: Event) -> str:
    what = seg.label or ""
    length = f"{seg.length_ms / 1000:g} s"
    return f"== {_clock(seg.start_ms)}  {seg.role}  {what + ', ' if what else ''}{length}".rstrip()


def script(timeline: Timeline) -> str:
    """The timeline as readable text, one block per segment (times relative to it)."""
    sounds = sorted(timeline.sounds, key=lambda e: e.start_ms)
    lines = [f"# {timeline.title}: {_clock(timeline.duration_ms)}"]
    i = 0
    for seg in timeline.of_kind("segment"):
        lines.append("")
        lines.append(_heading(seg))
        while i < len(sounds) and sounds[i].start_ms < seg.end_ms:
            e = sounds[i]
            i += 1
            if e.kind == "tone" and e.text == "tick" and lines[-1].startswith("  +"):
                lines[-1] += " ."
                continue
            text = e.text if e.kind == "speech" else f"[{e.text}]"
            lines.append(f"  +{(e.start_ms - seg.start_ms) / 1000:.1f}  {text}")
    return "\n".join(lines) + "\n"
