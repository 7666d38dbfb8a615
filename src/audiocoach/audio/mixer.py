"""Timeline + clips -> audio, in chunks, sample-accurate, in time linear in the length.

Each sound event is copied into the chunk(s) it overlaps at ``ms_to_samples(start_ms, rate)``,
so a clip lands at exactly the sample the timeline says, whatever the chunk size; the
track is never built by repeated ``overlay``/``+=`` (each of which copies the whole
track). Memory is one chunk plus the unique clips: every chunk is mixed into the same
preallocated float buffer, and each clip is levelled once however often it plays.
Background music (:class:`audiocoach.audio.music.MusicBed`), when given, is added per chunk
before the final clip to int16.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pydub import AudioSegment
from pydub.generators import Sine

from audiocoach.audio.loudness import Leveler
from audiocoach.timeline import Event, Timeline, ms_to_samples
from audiocoach.tones import TONES, Tone

#: Default chunk: ten seconds at 22.05 kHz.
DEFAULT_CHUNK_SAMPLES = 220_500
#: Tones are made at this level, then levelled like the voice.
TONE_LEVEL_DBFS = -6.0

ClipSource = Callable[[str], np.ndarray]
Progress = Callable[[int, int], None]


class Bed(Protocol):
    """Something played under the clips (music): float samples for consecutive ranges."""

    def render(self, pos: int, n: int) -> np.ndarray: ...


def _return_free_memory() -> None:
    """Give freed heap pages back to the OS (glibc's malloc_trim; elsewhere a no-op).

    numpy's freed buffers stay in the C heap, so without this the process keeps its
    settling-time size for the rest of the build."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def render_tone(tone: Tone, rate: int, level_dbfs: float) -> np.ndarray:
    """A soft tone made with pydub's generators: sine, optional second note, fades."""
    notes = [tone.freq_hz] if tone.second_hz is None else [tone.freq_hz, tone.second_hz]
    part_ms = tone.length_ms // len(notes)
    seg = AudioSegment.empty().set_frame_rate(rate)
    for i, freq in enumerate(notes):
        ms = part_ms if i < len(notes) - 1 else tone.length_ms - part_ms * (len(notes) - 1)
        note = Sine(freq, sample_rate=rate, bit_depth=16).to_audio_segment(
            duration=ms, volume=level_dbfs + tone.gain_db
        )
        note = note.fade_in(min(tone.fade_ms, ms // 3)).fade_out(min(tone.fade_ms, ms // 3))
        seg = seg.append(note, crossfade=0)
    samples = np.array(seg.get_array_of_samples(), dtype=np.int16)
    want = ms_to_samples(tone.length_ms, rate)
    if samples.size < want:
        samples = np.pad(samples, (0, want - samples.size))
    return samples[:want]


@dataclass
class _Placed:
    start: int
    samples: np.ndarray

    @property
    def end(self) -> int:
        return self.start + self.samples.size


class Mixer:
    """Plays a timeline into chunks of int16 samples.

    Args:
        timeline: what to play.
        clip: ``clip(text) -> samples`` for speech events.
        leveler: levels every clip and the program to a loudness target; None plays the
            clips as they are.
        bed: played under the clips (see :class:`audiocoach.audio.music.MusicBed`).
    """

    def __init__(
        self,
        timeline: Timeline,
        clip: ClipSource,
        *,
        leveler: Leveler | None = None,
        bed: Bed | None = None,
        threads: int | None = None,
    ):
        self.threads = threads or max(1, min(4, os.cpu_count() or 1))
        self.timeline = timeline
        self.bed = bed
        self.rate = timeline.audio_rate
        self.total = ms_to_samples(timeline.duration_ms, self.rate)
        self._clip = clip
        self._raw_tones: dict[str, np.ndarray] = {}
        self._ready: dict[tuple[str, str], np.ndarray] = {}
        self.leveler = leveler
        self.correction_db = 0.0
        if leveler is not None:
            self.correction_db = self._settle_loudness(leveler)
            # Every clip as it will be played, then let go of the analysis and hand the
            # freed heap back before the encoder (and any music decoder) starts: the
            # peak memory of the whole process tree is what the budget counts.
            leveler.forget_analysis()
            _return_free_memory()

    def _settle_loudness(self, leveler: Leveler) -> float:
        """The program gain that brings the mix to the target, and every clip levelled with it.

        Computed from the clip placements (no mixing) and each clip's analysis, which the
        leveller finds in its store on a warm build. What is left to compute (analyses
        and limited clips of a cold build) runs on a few threads: numpy's FFTs release
        the GIL, and the encoder has not started yet.
        """
        placements: dict[str, list[int]] = {}
        clips: dict[str, tuple[np.ndarray, float]] = {}
        first: dict[str, Event] = {}
        for e in self.timeline.sounds:
            name, raw, offset = self._raw(e)
            clips[name] = (raw, offset)
            first.setdefault(name, e)
            placements.setdefault(name, []).append(ms_to_samples(e.start_ms, self.rate))
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            list(pool.map(lambda name: leveler.analyse(name, clips[name][0]), clips))
            correction = leveler.settle(clips, placements, self.total)
            self.correction_db = correction
            list(pool.map(lambda e: self._samples(e), first.values()))
        return correction

    def _raw(self, e: Event) -> tuple[str, np.ndarray, float]:
        """(cache key, unlevelled samples, level offset in dB) of an event's sound."""
        if e.kind == "tone":
            if e.text not in self._raw_tones:
                self._raw_tones[e.text] = self._tone(TONES[e.text])
            return f"tone:{e.text}", self._raw_tones[e.text], TONES[e.text].gain_db
        return f"speech:{e.text}", self._clip(e.text), 0.0

    def _tone(self, tone: Tone) -> np.ndarray:
        """A tone's samples, from the leveller's store when it has one (pydub's generators are slow)."""
        store = self.leveler.store if self.leveler is not None else None
        if store is None:
            return render_tone(tone, self.rate, TONE_LEVEL_DBFS)
        key = hashlib.blake2b(f"tone|{tone!r}|{self.rate}|{TONE_LEVEL_DBFS}".encode(), digest_size=20).hexdigest()
        found = store.get(key)
        if found is not None and found.size == ms_to_samples(tone.length_ms, self.rate):
            return found
        samples = render_tone(tone, self.rate, TONE_LEVEL_DBFS)
        store.put(key, samples)
        return samples

    def _samples(self, e: Event) -> np.ndarray:
        key = (e.kind, e.text)
        ready = self._ready.get(key)
        if ready is None:
            name, raw, offset = self._raw(e)
            if self.leveler is None:
                ready = raw
            else:
                ready = self.leveler.final(name, raw, self.correction_db, offset)
            self._ready[key] = ready
        return ready

    def _placed(self, start: int = 0) -> Iterator[_Placed]:
        for e in sorted(self.timeline.sounds, key=lambda e: e.start_ms):
            at = ms_to_samples(e.start_ms, self.rate)
            room = ms_to_samples(e.end_ms, self.rate) - at
            if at + room <= start:
                continue  # over before the range starts
            yield _Placed(at, self._samples(e)[:room])

    def chunks(
        self,
        chunk_samples: int = DEFAULT_CHUNK_SAMPLES,
        progress: Progress | None = None,
        gain_db: float = 0.0,
        *,
        start: int = 0,
        end: int | None = None,
    ) -> Iterator[np.ndarray]:
        """The track as consecutive int16 arrays of ``chunk_samples`` (the last may be shorter).

        ``gain_db`` scales the whole track (the exporter's true-peak correction); it can be
        asked for again, as often as needed. ``start`` and ``end`` (samples) play one
        stretch of it, exactly as the whole track has it there (the parallel encoder plays
        its pieces on threads of their own); music plays from the start only.
        """
        if chunk_samples <= 0:
            raise ValueError("chunk_samples must be positive")
        stop = self.total if end is None else min(end, self.total)
        if start and self.bed is not None:
            raise ValueError("music plays in order: a mix with music cannot start mid-track")
        pending = self._placed(start)
        live: list[_Placed] = []
        upcoming = next(pending, None)
        whole = np.zeros(min(chunk_samples, max(stop - start, 1)), dtype=np.float32)
        pos = start
        while pos < stop:
            end_ = min(pos + chunk_samples, stop)
            buf = whole[: end_ - pos]
            buf.fill(0.0)
            while upcoming is not None and upcoming.start < end_:
                live.append(upcoming)
                upcoming = next(pending, None)
            for p in live:
                lo, hi = max(p.start, pos), min(p.end, end_)
                if lo < hi:
                    buf[lo - pos : hi - pos] += p.samples[lo - p.start : hi - p.start]
            live = [p for p in live if p.end > end_]
            if self.bed is not None:
                buf += self.bed.render(pos, end_ - pos)
            if gain_db:
                buf *= np.float32(10 ** (gain_db / 20))
            if self.bed is not None or gain_db:
                np.rint(buf, out=buf)
            yield self._finish(buf)
            pos = end_
            if progress is not None:
                progress(pos, self.total)

    @staticmethod
    def _finish(buf: np.ndarray) -> np.ndarray:
        np.clip(buf, -32768, 32767, out=buf)
        return buf.astype(np.int16)


def mix(timeline: Timeline, clip: ClipSource, **kwargs) -> np.ndarray:
    """The whole track in one array (for tests and short sessions)."""
    mixer = Mixer(timeline, clip, **kwargs)
    parts = list(mixer.chunks())
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
