"""Background music under the voice: streamed, looped, levelled and ducked by the timeline.

The music never exists as one array. Each source (a file, or a folder played as a
playlist) is decoded by an ffmpeg process into mono s16le at the session's rate and read
chunk by chunk, in step with the mixer; at the end of the last file it starts again from
the first, so any session length is covered. Every file is levelled on its own (its
integrated loudness, measured in one streaming pass first) to ``level_db`` below the
voice's target.

Ducking uses the timeline, not a sidechain guess: the timeline knows exactly when every
clip plays, so the gain curve is fully down (``duck_db`` lower) from the first to the last
sample of every speech and tone event, ramps down over ``attack_ms`` before it and back up
over ``release_ms`` after it. Rest segments can play another source and/or at another
level (``rest_source``, ``rest_level_db``), crossfaded at the rest's edges; a source that is
not heard does not advance. The music fades in briefly at the start and out at the end.
"""

from __future__ import annotations

import bisect
import logging
import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiocoach.audio.ffmpeg import ffmpeg_path
from audiocoach.audio.loudness import blocks_from_subblocks, gated_loudness, k_weighted_power
from audiocoach.defaults import AUDIO_SUFFIXES, MUSIC_DUCK_DB, MUSIC_LEVEL_DB
from audiocoach.errors import AudiocoachError, EncodeError
from audiocoach.timeline import Timeline, ms_to_samples

log = logging.getLogger("audiocoach.audio.music")

_READ_SAMPLES = 220_500  # ten seconds at 22.05 kHz, for the loudness pass
#: Files up to this many samples (about 3 minutes, 8 MB) are kept after the loudness pass
#: and looped from memory; longer ones are decoded again as they play.
KEEP_SAMPLES = 1 << 22


@dataclass(frozen=True)
class MusicOptions:
    """Background music for a session (levels in dB relative to the voice's loudness).

    Args:
        source: an audio file, or a folder whose audio files play in name order.
        rest_source: what plays during rests instead (None: ``source``).
        level_db: the music's loudness relative to the voice (negative: quieter).
        rest_level_db: the level during rests (None: ``level_db``).
        duck_db: how much further the music goes down while speech or a tone plays.
        attack_ms: ramp down before each sound.
        release_ms: ramp back up after it.
        fade_in_ms, fade_out_ms: at the start and end of the session.
        crossfade_ms: between the main and rest music at a rest's edges.
    """

    source: str
    rest_source: str | None = None
    level_db: float = MUSIC_LEVEL_DB
    rest_level_db: float | None = None
    duck_db: float = MUSIC_DUCK_DB
    attack_ms: int = 80
    release_ms: int = 300
    fade_in_ms: int = 500
    fade_out_ms: int = 5000
    crossfade_ms: int = 1000


def playlist(source: str | Path) -> list[Path]:
    """The files ``source`` plays: itself, or a folder's audio files in name order."""
    path = Path(source).expanduser()
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES and not p.name.startswith(".")
        )
        if not files:
            raise AudiocoachError(
                f"{path}: no audio files in this music folder (looked for {', '.join(sorted(AUDIO_SUFFIXES))})"
            )
        return files
    if not path.is_file():
        raise AudiocoachError(f"{path}: music file not found")
    return [path]


class _Decoder:
    """One file decoded by ffmpeg to mono int16 at ``rate``, read in pieces."""

    def __init__(self, path: Path, rate: int):
        self.path = path
        self.cmd = [
            ffmpeg_path(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(path),
            "-vn",
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "pipe:1",
        ]
        log.debug("run %s", " ".join(self.cmd))
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err)

    def read(self, n: int) -> np.ndarray:
        """Up to ``n`` samples; fewer only at the end of the file."""
        assert self.proc.stdout is not None
        want, parts, got = 2 * n, [], 0
        while got < want:
            data = self.proc.stdout.read(want - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        raw = b"".join(parts)
        if got < want:
            self.finish()
        return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")

    def finish(self) -> None:
        """Wait for ffmpeg; a failed decode is an error naming the file."""
        rc = self.proc.wait()
        if rc != 0:
            self._err.seek(0)
            raise EncodeError(
                self.cmd, rc, f"cannot decode music {self.path}: " + self._err.read().decode("utf-8", "replace")
            )

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._err.close()


class _Held:
    """A file already decoded into memory, read like a :class:`_Decoder`."""

    def __init__(self, samples: np.ndarray):
        self.samples = samples
        self.pos = 0

    def read(self, n: int) -> np.ndarray:
        piece = self.samples[self.pos : self.pos + n]
        self.pos += piece.size
        return piece

    def close(self) -> None:
        pass


def measure_loudness(path: Path, rate: int, keep: int = 0) -> tuple[float, np.ndarray | None]:
    """Integrated loudness (LUFS) of a file, streamed: 10 s pieces, 100 ms sub-block sums.

    Also returns the decoded samples when there are at most ``keep`` of them (else None).
    """
    dec = _Decoder(path, rate)
    sub_len = rate // 10
    subs: list[np.ndarray] = []
    kept: list[np.ndarray] | None = [] if keep > 0 else None
    count = 0
    carry = np.zeros(0)
    try:
        while True:
            piece = dec.read(_READ_SAMPLES)
            count += piece.size
            if kept is not None:
                kept = kept + [piece] if count <= keep else None
            if piece.size:
                power = np.concatenate((carry, k_weighted_power(piece, rate)))
                whole = power.size // sub_len * sub_len
                subs.append(power[:whole].reshape(-1, sub_len).sum(axis=1))
                carry = power[whole:]
            if piece.size < _READ_SAMPLES:
                break
    finally:
        dec.close()
    samples = np.concatenate(kept) if kept else None
    sub = np.concatenate(subs) if subs else np.zeros(0)
    if sub.size == 0:
        return -math.inf, samples
    return gated_loudness(blocks_from_subblocks(sub, sub_len)), samples


class _Stream:
    """A playlist as an endless stream of float samples, each file at 0 LU (its own gain)."""

    def __init__(self, source: str, rate: int):
        self.rate = rate
        self.files = playlist(source)
        self._gains: dict[Path, float] = {}
        self._held: dict[Path, np.ndarray] = {}
        budget = KEEP_SAMPLES
        for f in self.files:
            lufs, samples = measure_loudness(f, rate, keep=budget)
            if not math.isfinite(lufs):
                raise AudiocoachError(f"{f}: music file is silent or holds no audio")
            self._gains[f] = 10 ** (-lufs / 20) / 32768.0
            if samples is not None:  # short enough: loop it from memory, no decoder
                self._held[f] = samples
                budget -= samples.size
        self._index = 0
        self._dec: _Decoder | _Held | None = None
        self._empty_run = 0

    def read(self, n: int) -> np.ndarray:
        out = np.empty(n, dtype=np.float32)
        filled = 0
        while filled < n:
            f = self.files[self._index]
            if self._dec is None:
                self._dec = _Held(self._held[f]) if f in self._held else _Decoder(f, self.rate)
            got = self._dec.read(n - filled)
            out[filled : filled + got.size] = got * self._gains[f]
            filled += got.size
            # Files that give nothing, one after the other all round the playlist: stop.
            self._empty_run = self._empty_run + 1 if got.size == 0 else 0
            if self._empty_run > len(self.files):
                raise AudiocoachError(f"music {self.files[0]}: no audio could be decoded")
            if filled < n:  # this file ended: the next one, or the first again
                self._dec.close()
                self._dec = None
                self._index = (self._index + 1) % len(self.files)
        return out

    def close(self) -> None:
        if self._dec is not None:
            self._dec.close()
            self._dec = None


class MusicBed:
    """The music track of one session, rendered chunk by chunk in step with the mixer.

    Args:
        options: what to play and how loud.
        timeline: the session (its sounds duck the music, its rests switch source/level).
        voice_lufs: the voice's loudness target; music levels are relative to it.

    Use as a context manager (it runs ffmpeg decoders) and call :meth:`render` with
    consecutive ranges.
    """

    def __init__(self, options: MusicOptions, timeline: Timeline, voice_lufs: float):
        self.options = options
        self.rate = rate = timeline.audio_rate
        self.total = ms_to_samples(timeline.duration_ms, rate)
        sounds = sorted(timeline.sounds, key=lambda e: e.start_ms)
        self._starts = np.array([ms_to_samples(e.start_ms, rate) for e in sounds], dtype=np.int64)
        self._ends = np.array([ms_to_samples(e.end_ms, rate) for e in sounds], dtype=np.int64)
        # Ends are not sorted if sounds nest; the running max keeps the search valid.
        self._reach = np.maximum.accumulate(self._ends) if self._ends.size else self._ends
        rests = [e for e in timeline.of_kind("segment") if e.role == "rest"]
        self._rests = [
            (ms_to_samples(e.start_ms, rate), ms_to_samples(e.end_ms, rate))
            for e in sorted(rests, key=lambda e: e.start_ms)
        ]
        self._rest_starts = [r[0] for r in self._rests]
        self._attack = max(1, ms_to_samples(options.attack_ms, rate))
        self._release = max(1, ms_to_samples(options.release_ms, rate))
        self._main_gain = 10 ** ((voice_lufs + options.level_db) / 20)
        rest_level = options.level_db if options.rest_level_db is None else options.rest_level_db
        self._rest_gain = 10 ** ((voice_lufs + rest_level) / 20)
        self._main = _Stream(options.source, rate)
        self._rest: _Stream | None = None
        try:
            if options.rest_source is not None:
                self._rest = _Stream(options.rest_source, rate)
        except BaseException:
            self._main.close()
            raise
        self._pos = 0

    # ------------------------------------------------------------------ curves

    def duck_depth(self, pos: int, n: int) -> np.ndarray:
        """0..1 per sample of ``[pos, pos + n)``: 1 while a sound plays, ramps around it."""
        depth = np.zeros(n, dtype=np.float32)
        if self._starts.size == 0:
            return depth
        end = pos + n
        first = int(np.searchsorted(self._reach + self._release, pos, side="right"))
        last = int(np.searchsorted(self._starts - self._attack, end, side="left"))
        for s, e in zip(self._starts[first:last].tolist(), self._ends[first:last].tolist()):
            lo, hi = max(pos, s - self._attack), min(end, e + self._release)
            if lo >= hi:
                continue
            t = np.arange(lo, hi, dtype=np.float64)
            up = (t - (s - self._attack)) / self._attack
            down = 1.0 - (t - e) / self._release
            shape = np.clip(np.minimum(up, down), 0.0, 1.0)
            shape[(t >= s) & (t < e)] = 1.0
            np.maximum(depth[lo - pos : hi - pos], shape, out=depth[lo - pos : hi - pos])
        return depth

    def rest_weight(self, pos: int, n: int) -> np.ndarray:
        """0..1 per sample: how much of the rest music (or rest level) plays."""
        weight = np.zeros(n, dtype=np.float32)
        end = pos + n
        i = max(0, bisect.bisect_right(self._rest_starts, pos) - 1)
        while i < len(self._rests) and self._rests[i][0] < end:
            s, e = self._rests[i]
            i += 1
            lo, hi = max(pos, s), min(end, e)
            if lo >= hi:
                continue
            fade = max(1, min(ms_to_samples(self.options.crossfade_ms, self.rate), (e - s) // 4))
            t = np.arange(lo, hi, dtype=np.float64)
            weight[lo - pos : hi - pos] = np.clip(np.minimum((t - s) / fade, (e - t) / fade), 0.0, 1.0)
        return weight

    def fades(self, pos: int, n: int) -> np.ndarray | float:
        fade_in = max(1, ms_to_samples(self.options.fade_in_ms, self.rate))
        fade_out = max(1, ms_to_samples(self.options.fade_out_ms, self.rate))
        if pos >= fade_in and pos + n <= self.total - fade_out:
            return 1.0
        t = np.arange(pos, pos + n, dtype=np.float32)
        return np.clip(np.minimum(t / fade_in, (self.total - t) / fade_out), 0.0, 1.0)

    # ------------------------------------------------------------------ audio

    def render(self, pos: int, n: int) -> np.ndarray:
        """The music for samples ``[pos, pos + n)`` as float32 (int16 scale).

        Gains are interpolated in amplitude (linear ramps): the duck is exactly
        ``duck_db`` down while a sound plays, and the work is a few float32 array
        operations per chunk.
        """
        if pos != self._pos:
            raise ValueError(f"music is rendered in order: expected sample {self._pos}, got {pos}")
        self._pos = pos + n
        floor = 10 ** (-self.options.duck_db / 20)
        duck = (1.0 - (1.0 - floor) * self.duck_depth(pos, n)).astype(np.float32)
        duck *= self.fades(pos, n)
        w = self.rest_weight(pos, n).astype(np.float32)
        if self._rest is None:
            # One source; only the level changes during rests.
            gain = self._main_gain + (self._rest_gain - self._main_gain) * w
            out = self._main.read(n) * gain
        else:
            out = np.zeros(n, dtype=np.float32)
            main_on, rest_on = w < 1.0, w > 0.0
            if main_on.any():
                out[main_on] += self._main.read(int(main_on.sum())) * (self._main_gain * (1 - w[main_on]))
            if rest_on.any():
                out[rest_on] += self._rest.read(int(rest_on.sum())) * (self._rest_gain * w[rest_on])
        out *= duck
        out *= 32768.0
        return out.astype(np.float32, copy=False)

    def close(self) -> None:
        self._main.close()
        if self._rest is not None:
            self._rest.close()

    def __enter__(self) -> MusicBed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
