"""The tones a session plays: what they are (pure data, shared by compiler and mixer).

Soft by design: fundamentals at or below 1 kHz, a little of the octave for presence,
short fades so nothing clicks. The mixer renders them with pydub's generators.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    name: str
    freq_hz: float
    length_ms: int
    fade_ms: int
    #: Second note (a falling two-note chime) or None.
    second_hz: float | None = None
    #: Level relative to the voice, in dB (negative = quieter).
    gain_db: float = -3.0


TONES: dict[str, Tone] = {
    "go": Tone("go", 880.0, 250, 20),
    "stop": Tone("stop", 660.0, 400, 30, second_hz=523.25),
    "end": Tone("end", 440.0, 1200, 120, second_hz=329.63),
    "tick": Tone("tick", 1000.0, 50, 8, gain_db=-9.0),
    "tick_accent": Tone("tick_accent", 700.0, 90, 10, gain_db=-5.0),
}
