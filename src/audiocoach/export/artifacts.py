"""Every file a build writes beside its audio, named in one place.

``name.mp3`` comes with ``name.json`` (the timeline), ``name.vtt`` (the cue sheet) and
``name.plan.json`` (the session's plan, for the feed and the program page); ``publish``
adds ``name.chapters.json``; ffmpeg's metadata file ``name.ffmeta`` lives only while a
format that takes it is encoded. Every reader and writer of these (render, the output set's
clean-up, batch's manifests and prune, the feed) asks :class:`Artifacts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TIMELINE_SUFFIX = ".json"
CUES_SUFFIX = ".vtt"
PLAN_SUFFIX = ".plan.json"
CHAPTERS_SUFFIX = ".chapters.json"
FFMETA_SUFFIX = ".ffmeta"
#: The sidecars a build writes (``--no-sidecars`` leaves out the timeline and cue sheet).
SIDECAR_SUFFIXES = (TIMELINE_SUFFIX, CUES_SUFFIX, PLAN_SUFFIX)


@dataclass(frozen=True)
class Artifacts:
    """The files of one build whose audio is ``audio``."""

    audio: Path

    def _beside(self, suffix: str) -> Path:
        return self.audio.with_name(self.audio.stem + suffix)

    @property
    def timeline(self) -> Path:
        return self._beside(TIMELINE_SUFFIX)

    @property
    def cues(self) -> Path:
        return self._beside(CUES_SUFFIX)

    @property
    def plan(self) -> Path:
        return self._beside(PLAN_SUFFIX)

    @property
    def chapters(self) -> Path:
        return self._beside(CHAPTERS_SUFFIX)

    @property
    def ffmeta(self) -> Path:
        return self._beside(FFMETA_SUFFIX)
