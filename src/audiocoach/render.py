"""The whole pipeline for one session: load -> compile -> synthesize -> mix -> export.

This is the library entry point the CLI calls; it takes plain values and a progress
callback, never a click object.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from audiocoach.audio.loudness import Leveler
from audiocoach.audio.mixer import Mixer
from audiocoach.audio.music import MusicBed, MusicOptions
from audiocoach.compile.compiler import compile_expanded, expand_session
from audiocoach.compile.speechcheck import speech_warnings
from audiocoach.defaults import BITRATE, CEILING_DBTP, LOUDNESS_LUFS, MUSIC_DUCK_DB, MUSIC_LEVEL_DB
from audiocoach.errors import AudiocoachError
from audiocoach.export.encode import export_audio
from audiocoach.export.stream import DEFAULT_FORMAT, get_format
from audiocoach.export.tags import Chapter, Tags
from audiocoach.load.bounds import check_session
from audiocoach.load.routine import load_routine
from audiocoach.load.speaker import choose_speaker
from audiocoach.model import Routine
from audiocoach.speech import Synthesizer
from audiocoach.speech.onset import clip_onsets
from audiocoach.speech.pool import SynthesisCallback, compile_with_pool
from audiocoach.timeline import Timeline

if TYPE_CHECKING:
    from audiocoach.export.parallel import Pieces

#: progress(stage, done, total): stage is "speech" or "mix".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """How to speak and encode (None: the routine's own setting)."""

    #: A speech engine name or "auto" (None: the routine's, else auto).
    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    bitrate: str = BITRATE
    cache_dir: str | None = None
    sidecars: bool = True
    loudness_lufs: float = LOUDNESS_LUFS
    #: "mp3", "m4a", "ogg" or "wav" (see audiocoach.export.stream.FORMATS).
    format: str = DEFAULT_FORMAT
    #: Background music under the voice (None: none).
    music: MusicOptions | None = None
    #: Threads for loudness levelling and processes for synthesizing missing phrases (None:
    #: one per core). A batch running N sessions at once gives each cores / N, so the
    #: sessions do not fight over the cores.
    threads: int | None = None
    #: "sets": also write one file per set, hold and rest (see audiocoach.export.split).
    split: str | None = None


@dataclass(frozen=True)
class BuildResult:
    output: Path
    timeline: Timeline
    synthesized: int
    cache_hits: int
    sidecars: tuple[Path, ...] = ()
    #: True peak of the encoded file (dBTP), measured after encoding, and the encodes it took.
    true_peak_dbtp: float | None = None
    encodes: int = 1


#: What lossy codecs add to the true peak (MP3 at 64 kbps measured 0.4 dB on espeak-ng
#: at 22.05 kHz, 1.2 dB on Festival's HTS voice at 32 kHz): the limiter aims this much
#: lower, so the check after encoding seldom has to encode again.
CODEC_OVERSHOOT_DB = 1.4


def pre_encode_ceiling(fmt: str) -> float:
    """The true-peak ceiling the limiter aims for before encoding to ``fmt``."""
    return CEILING_DBTP - (0.0 if fmt == "wav" else CODEC_OVERSHOOT_DB)


def synthesizer_for(routine: Routine, options: RenderOptions) -> Synthesizer:
    speaker = choose_speaker(
        routine.settings,
        engine=options.engine,
        voice=options.voice,
        rate_wpm=options.rate,
        language=routine.language_code,
    )
    return Synthesizer(
        engine=speaker.engine,
        voice=speaker.voice,
        rate=speaker.rate_wpm,
        cache_dir=options.cache_dir,
        pronounce=routine.pronounce,
    )


def plan(
    routine: Routine,
    synth: Synthesizer,
    meta: Mapping[str, object] | None = None,
    *,
    workers: int | None = None,
    synthesis: SynthesisCallback | None = None,
) -> Timeline:
    """Compile ``routine`` with the real length of every clip ``synth`` will play.

    ``meta`` (e.g. the overrides applied, a program's week and day) is recorded in the
    timeline, and so in the MP3's tags. Phrases missing from the cache are synthesized
    first, on ``workers`` processes (None: one per core, as many as free memory holds; 1:
    one at a time, as asked); ``synthesis`` hears how far that has got (phrases/s).
    """
    check_session(routine)  # overrides can lengthen a routine: bounded again before any speech
    meta = {"source": routine.source, **synth.describe(), **_language_meta(routine), **(meta or {})}
    # Beats land on their attack, not their first sample. While the pool looks for the
    # missing phrases (estimated lengths), a phrase not synthesized yet has no attack to
    # measure: 0 there, so that pass never synthesizes one at a time.
    attack = clip_onsets(synth.clip, synth.sample_rate, synth.cache, synth.cache_key)

    def ready_attack(kind: str, text: str) -> int:
        return attack(kind, text) if kind != "speech" or synth.has(text) else 0

    session = expand_session(routine)  # once: the pool fits it again, never expands it again

    def compile_with(measure):
        onset = attack if measure == synth.measure else ready_attack
        # Clips come at the synthesizer's session rate; the mix is made at the same rate.
        return compile_expanded(session, measure, meta=meta, onset=onset, sample_rate=synth.sample_rate)

    timeline = compile_with_pool(synth, compile_with, workers, synthesis)
    warnings = speech_warnings(routine, timeline, synth.engine_name, synth.voice)
    if warnings:
        timeline = dataclasses.replace(timeline, changes=timeline.changes + warnings)
    return timeline


def resolve_music(
    routine: Routine,
    *,
    music: str | None = None,
    music_rest: str | None = None,
    level_db: float | None = None,
    rest_level_db: float | None = None,
    duck_db: float | None = None,
) -> MusicOptions | None:
    """The music for a build: the routine's ``music:``, with what the command line gives on top.

    A file given on the command line replaces the routine's; levels given replace the
    routine's levels. None when neither names any music.
    """
    base = routine.music
    source = music or (base.source if base else None)
    if source is None:
        if music_rest:
            raise AudiocoachError(
                "--music-rest needs music for the rest of the session (--music or 'music:' in the routine)"
            )
        return None
    rest_source = music_rest or (base.rest_source if base and not music else None)

    def pick(given: float | None, from_routine: float | None, default: float) -> float:
        if given is not None:
            return given
        return from_routine if from_routine is not None else default

    return MusicOptions(
        source,
        rest_source,
        level_db=pick(level_db, base.level_db if base else None, MUSIC_LEVEL_DB),
        rest_level_db=rest_level_db if rest_level_db is not None else (base.rest_level_db if base else None),
        duck_db=pick(duck_db, base.duck_db if base else None, MUSIC_DUCK_DB),
    )


def default_output(source: str | Path, folder: str | Path = "output", fmt: str = DEFAULT_FORMAT) -> Path:
    return Path(folder) / f"{Path(source).stem}{get_format(fmt).ext}"


def _player(
    timeline: Timeline,
    synth: Synthesizer,
    options: RenderOptions,
    stack: contextlib.ExitStack,
    progress: Progress | None,
) -> tuple[Callable[[float], Iterator[np.ndarray]], Pieces | None]:
    """``play(gain_db)``: the session mixed (over its music), chunk by chunk, at ``gain_db``;
    and the same mix as pieces for a parallel MP3 encode (None without silences to cut at:
    music under the speech, or a split session)."""

    def music_bed() -> MusicBed | None:
        if options.music is None:
            return None
        return stack.enter_context(MusicBed(options.music, timeline, options.loudness_lufs))

    leveler = Leveler(
        timeline.audio_rate,
        options.loudness_lufs,
        ceiling_dbtp=pre_encode_ceiling(options.format),
        store=synth.cache,
    )
    bed = music_bed()
    mixer = Mixer(timeline, synth.clip, leveler=leveler, bed=bed, threads=options.threads)
    mix_progress = (lambda done, total: progress("mix", done, total)) if progress else None
    passes = 0

    def play(gain_db: float) -> Iterator[np.ndarray]:
        # The exporter asks again (quieter) when the encoded true peak is over the
        # ceiling; music streams in order, so a new pass gets a fresh bed.
        nonlocal passes, bed
        if passes and bed is not None:
            bed.close()
            bed = mixer.bed = music_bed()
        passes += 1
        return mixer.chunks(progress=mix_progress, gain_db=gain_db)

    pieces = None if options.split or bed is not None else _pieces(mixer, options.threads, mix_progress)
    return play, pieces


def _language_meta(routine: Routine) -> dict[str, str]:
    """The session's language in the timeline (and the MP3's tags) when it is not English:
    the feed and the pages read it from there."""
    return {} if routine.language == "en" else {"language": routine.language}


def build(
    source: str | Path,
    output: str | Path | None = None,
    *,
    options: RenderOptions = RenderOptions(),
    routine: Routine | None = None,
    progress: Progress | None = None,
    meta: Mapping[str, object] | None = None,
    synthesis: SynthesisCallback | None = None,
) -> BuildResult:
    """Render a routine file to an MP3 (and its sidecars).

    Args:
        source: the routine's YAML file.
        output: the MP3 to write (``output/<stem>.mp3`` by default).
        options: voice, rate, bitrate, cache folder, sidecars.
        routine: an already loaded (and possibly overridden) routine; loaded from
            ``source`` when None.
        progress: called as ``progress(stage, done, total)``.
        meta: extra facts for the timeline and the MP3's TXXX tags (overrides, week, ...).
        synthesis: hears how far the synthesis of missing phrases has got (see :func:`plan`).

    Returns:
        A :class:`BuildResult` with the file written and the timeline played.
    """
    routine = routine or load_routine(source)
    out = Path(output) if output is not None else default_output(source, fmt=options.format)
    with synthesizer_for(routine, options) as synth, contextlib.ExitStack() as stack:
        timeline = plan(routine, synth, meta, workers=options.threads, synthesis=synthesis)

        play, pieces = _player(timeline, synth, options, stack, progress)
        tags = _tags(routine, timeline)
        chapters = [Chapter(e.start_ms, e.end_ms, e.text) for e in timeline.of_kind("chapter")]
        chunks = play
        if options.split:
            from audiocoach.export.split import split_stream

            def split_play(gain_db: float):
                return split_stream(
                    play(gain_db), timeline, routine, out, fmt=options.format, bitrate=options.bitrate, tags=tags
                )

            chunks = split_play
        sidecars = _sidecars(out, timeline, routine) if options.sidecars else {}
        peaks: list[float] = []
        export_audio(
            chunks,
            out,
            rate=timeline.audio_rate,
            fmt=options.format,
            bitrate=options.bitrate,
            tags=tags,
            chapters=chapters,
            sidecars=sidecars,  # renamed into place together with the audio
            peaks=peaks,
            pieces=pieces,
        )
        return BuildResult(
            out,
            timeline,
            synth.synthesized,
            synth.cache_hits,
            tuple(sidecars),
            peaks[-1] if peaks else None,
            len(peaks),
        )


def _pieces(mixer: Mixer, threads: int | None, progress: Callable[[int, int], None] | None) -> Pieces | None:
    """The mix as pieces for the parallel MP3 encode (None: one core, or too short to pay)."""
    from audiocoach.export.parallel import MIN_PARALLEL_MS, Pieces, silences

    workers = threads or os.cpu_count() or 1
    if workers < 2 or mixer.timeline.duration_ms < MIN_PARALLEL_MS:
        return None
    done = [0]
    lock = threading.Lock()

    def play(gain_db: float, start: int, end: int):
        # Pieces play on threads at once and overlap by their pre-roll: progress counts
        # samples played, capped at the track's length.
        for chunk in mixer.chunks(gain_db=gain_db, start=start, end=end):
            if progress is not None:
                with lock:
                    done[0] = min(mixer.total, done[0] + chunk.size)
                    progress(done[0], mixer.total)
            yield chunk

    return Pieces(mixer.total, silences(mixer.timeline, mixer.rate), play, workers)


def _tags(routine: Routine, timeline: Timeline) -> Tags:
    return Tags(
        title=routine.title,
        album=routine.title,
        comment=routine.description or "",
        extra={k: str(v) for k, v in timeline.meta.items() if k != "source"},
    )


def _sidecars(out: Path, timeline: Timeline, routine: Routine) -> dict[Path, str | Iterable[str]]:
    """The files written beside the audio: the timeline, the cue sheet and the session's plan."""
    from audiocoach.export.artifacts import Artifacts
    from audiocoach.export.cuesheet import webvtt
    from audiocoach.export.sessionplan import session_plan

    files = Artifacts(out)
    return {
        files.timeline: timeline.iter_json(),
        files.cues: webvtt(timeline),
        files.plan: json.dumps(session_plan(routine).to_dict(), indent=1, ensure_ascii=False) + "\n",
    }
