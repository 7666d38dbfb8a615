"""The interface every speech engine implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


class Backend:
    """A speech engine. Subclasses set NAME and implement the methods below."""

    NAME: ClassVar[str] = ""
    #: Native sample rate of the engine's output.
    SAMPLE_RATE: ClassVar[int] = 22050

    @classmethod
    def missing(cls) -> str | None:
        """None when the engine can run here, else what to install (a sentence)."""
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def voices(self) -> list[VoiceInfo]:
        raise NotImplementedError

    def resolve_voice(self, voice: str | None) -> str | None:
        """The engine's id for ``voice`` (an id, a language code or a name); raise ValueError."""
        raise NotImplementedError

    def synthesize(self, text: str, voice: str | None, rate: int) -> np.ndarray:
        """Mono int16 samples at SAMPLE_RATE, untrimmed."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the engine (safe to call twice)."""
