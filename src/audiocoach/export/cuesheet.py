"""Sidecar cue sheets: every spoken cue as WebVTT, for players and for reading along."""

from __future__ import annotations

from audiocoach.timeline import Timeline


def vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(timeline: Timeline) -> str:
    """A WebVTT document with one cue per speech event, in time order."""
    lines = ["WEBVTT", f"NOTE {timeline.title} - {timeline.duration_ms} ms", ""]
    for i, e in enumerate(timeline.of_kind("speech"), 1):
        text = e.text.replace("-->", "->")
        lines += [str(i), f"{vtt_time(e.start_ms)} --> {vtt_time(e.end_ms)}", text, ""]
    return "\n".join(lines)
