#!/usr/bin/env python3
"""How well is each installed speech engine understood? An offline recogniser listens.

Synthesizes every distinct phrase of a session (default: routines/posterior-chain.yaml)
with each installed engine, transcribes each clip on its own with pocketsphinx (an
independent offline recogniser; its en-US acoustic model and language model ship inside
the wheel: `.venv/bin/pip install pocketsphinx`, or `pip install -e '.[measure]'`), and
scores it against the words the coach meant to say:

  words right    reference words found, in order, in the transcript (difflib alignment)
  phrases right  transcripts equal to the reference (lower case, punctuation dropped)
  phrases/s      synthesis speed (one engine process, one core, cold cache)

With ``--snr 15`` each clip is also transcribed with speech-shaped noise mixed in at
+15 dB SNR (a gym, a little below what earbuds face): Gaussian noise shaped to the
long-term average spectrum of the engine's own clips, at a level 15 dB below the clip's
RMS, from a fixed seed (the same noise for every run).

The recogniser is not a lifter in a gym; what counts is the ranking it gives, which sets
``engine: auto``'s order (audiocoach.engines.AUTO_ORDER). Example:

    .venv/bin/python scripts/intelligibility.py
    .venv/bin/python scripts/intelligibility.py --engine festival --engine espeak-ng --show-misses
    .venv/bin/python scripts/intelligibility.py --engine hibari --engine piper --snr 15
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from audiocoach.compile.compiler import compile_routine  # noqa: E402
from audiocoach.load.routine import load_routine  # noqa: E402
from audiocoach.speech import Synthesizer, engine_missing, installed_engines, resample  # noqa: E402

RECOGNISER_RATE = 16000
PAD_MS = 300
NOISE_SEED = 15
#: Frame of the long-term average spectrum the noise is shaped to (32 ms at 16 kHz).
LTAS_FRAME = 512


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("-", " "))


def phrases_of(routine_path: Path) -> list[str]:
    timeline = compile_routine(load_routine(routine_path))
    seen: dict[str, None] = {}
    for e in timeline.events:
        if e.kind == "speech":
            seen.setdefault(e.text, None)
    return list(seen)


def ltas(clips: list[np.ndarray]) -> np.ndarray:
    """Long-term average magnitude spectrum of ``clips`` (at the recogniser rate)."""
    power = np.zeros(LTAS_FRAME // 2 + 1)
    frames = 0
    for x in clips:
        x = x.astype(np.float64)
        for i in range(0, x.size - LTAS_FRAME + 1, LTAS_FRAME // 2):
            power += np.abs(np.fft.rfft(x[i : i + LTAS_FRAME] * np.hanning(LTAS_FRAME))) ** 2
            frames += 1
    return np.sqrt(power / max(frames, 1))


def add_noise(x: np.ndarray, shape: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``x`` (int16) with noise of spectrum ``shape`` mixed in ``snr_db`` below its RMS."""
    n = x.size + 2 * RECOGNISER_RATE * PAD_MS // 1000
    spectrum = np.fft.rfft(rng.standard_normal(n))
    gains = np.interp(np.linspace(0, 1, spectrum.size), np.linspace(0, 1, shape.size), shape)
    noise = np.fft.irfft(spectrum * gains, n)
    speech_rms = np.sqrt(np.mean(x.astype(np.float64) ** 2))
    noise *= speech_rms / np.sqrt(np.mean(noise**2)) / 10 ** (snr_db / 20)
    pad = np.zeros(RECOGNISER_RATE * PAD_MS // 1000)
    mixed = np.concatenate([pad, x.astype(np.float64), pad]) + noise
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16)


def transcribe(decoder, x: np.ndarray) -> str:
    """What the recogniser hears in ``x`` (int16 at the recogniser rate, padded with silence)."""
    pad = np.zeros(RECOGNISER_RATE * PAD_MS // 1000, dtype=np.int16)
    decoder.start_utt()
    decoder.process_raw(np.concatenate([pad, x, pad]).astype(np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def score(reference: str, heard: str) -> int:
    ref, got = words(reference), words(heard)
    return sum(b.size for b in difflib.SequenceMatcher(a=ref, b=got, autojunk=False).get_matching_blocks())


def measure(
    engine: str, voice: str | None, phrases: list[str], decoder, lexicon: bool, show: bool, snr: float | None = None
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as cache, Synthesizer(engine=engine, voice=voice, cache_dir=cache) as synth:
        if not lexicon:
            synth.lexicon = type(synth.lexicon)({})
        synth.render("Warm up.")  # start the engine outside the timing
        clips, started = [], time.perf_counter()
        for p in phrases:
            clips.append(synth.render(p))
        seconds = time.perf_counter() - started
        described = synth.describe()
    heard16 = [resample(c, synth.sample_rate, RECOGNISER_RATE) for c in clips]
    result: dict[str, object] = {
        "engine": engine,
        "voice": described["voice"],
        "total_words": sum(len(words(p)) for p in phrases),
        "total_phrases": len(phrases),
        "phrases_per_s": len(phrases) / seconds,
    }
    result["words"], result["phrases"] = scored(decoder, phrases, heard16, show)
    if snr is not None:
        shape, rng = ltas(heard16), np.random.default_rng(NOISE_SEED)
        noisy = [add_noise(x, shape, snr, rng) for x in heard16]
        result["noisy_words"], result["noisy_phrases"] = scored(decoder, phrases, noisy, show)
    return result


def scored(decoder, phrases: list[str], clips: list[np.ndarray], show: bool) -> tuple[int, int]:
    """(words right, phrases right) of ``clips`` (at the recogniser rate) against ``phrases``."""
    right_words = right_phrases = 0
    for p, x in zip(phrases, clips):
        heard = transcribe(decoder, x)
        ok = score(p, heard)
        right_words += ok
        right_phrases += words(heard) == words(p)
        if show and ok < len(words(p)):
            print(f"    {p!r} -> {heard!r}")
    return right_words, right_phrases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("routine", nargs="?", default=str(ROOT / "routines" / "posterior-chain.yaml"))
    parser.add_argument(
        "--engine", action="append", help="engine[:voice] to measure (repeatable; default: every installed engine)"
    )
    parser.add_argument(
        "--no-lexicon", action="store_true", help="send the written text, without the pronunciation lexicon"
    )
    parser.add_argument("--show-misses", action="store_true", help="print each phrase not fully understood")
    parser.add_argument(
        "--snr", type=float, metavar="DB", help="also score with speech-shaped noise at this SNR (e.g. 15)"
    )
    args = parser.parse_args(argv)
    try:
        from pocketsphinx import Decoder
    except ImportError:
        print("pocketsphinx is needed: .venv/bin/pip install pocketsphinx", file=sys.stderr)
        return 2
    decoder = Decoder(samprate=RECOGNISER_RATE, logfn="/dev/null")
    phrases = phrases_of(Path(args.routine))
    wanted = args.engine or installed_engines()
    print(
        f"{len(phrases)} distinct phrases, {sum(len(words(p)) for p in phrases)} words; lexicon {'off' if args.no_lexicon else 'on'}"
    )
    noisy = f" {'in noise: words':>18} {'phrases':>8}" if args.snr is not None else ""
    print(f"{'engine':<10} {'voice':<24} {'words right':>15} {'phrases right':>14} {'phrases/s':>10}{noisy}")
    for spec in wanted:
        engine, _, voice = spec.partition(":")
        if engine_missing(engine):
            print(f"{engine:<10} not installed: {engine_missing(engine)}")
            continue
        r = measure(engine, voice or None, phrases, decoder, not args.no_lexicon, args.show_misses, args.snr)
        pct = 100 * r["words"] / r["total_words"]
        line = (
            f"{r['engine']:<10} {r['voice']:<24} {r['words']:>4}/{r['total_words']} {pct:4.1f}%"
            f" {r['phrases']:>7}/{r['total_phrases']} {r['phrases_per_s']:>10.1f}"
        )
        if args.snr is not None:
            pct = 100 * r["noisy_words"] / r["total_words"]
            line += (
                f" {r['noisy_words']:>8}/{r['total_words']} {pct:4.1f}% {r['noisy_phrases']:>4}/{r['total_phrases']}"
            )
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
