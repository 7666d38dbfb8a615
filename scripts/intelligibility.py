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

The recogniser is not a lifter in a gym; what counts is the ranking it gives, which sets
``engine: auto``'s order (audiocoach.speech.AUTO_ORDER). Example:

    .venv/bin/python scripts/intelligibility.py
    .venv/bin/python scripts/intelligibility.py --engine festival --engine espeak-ng --show-misses
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


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("-", " "))


def phrases_of(routine_path: Path) -> list[str]:
    timeline = compile_routine(load_routine(routine_path))
    seen: dict[str, None] = {}
    for e in timeline.events:
        if e.kind == "speech":
            seen.setdefault(e.text, None)
    return list(seen)


def transcribe(decoder, samples: np.ndarray, rate: int) -> str:
    x = resample(samples, rate, RECOGNISER_RATE)
    pad = np.zeros(RECOGNISER_RATE * PAD_MS // 1000, dtype=np.int16)
    decoder.start_utt()
    decoder.process_raw(np.concatenate([pad, x, pad]).tobytes(), full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def score(reference: str, heard: str) -> int:
    ref, got = words(reference), words(heard)
    return sum(b.size for b in difflib.SequenceMatcher(a=ref, b=got, autojunk=False).get_matching_blocks())


def measure(
    engine: str, voice: str | None, phrases: list[str], decoder, lexicon: bool, show: bool
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
    total_words = right_words = right_phrases = 0
    for p, clip in zip(phrases, clips):
        heard = transcribe(decoder, clip, synth.sample_rate)
        n, ok = len(words(p)), score(p, heard)
        total_words += n
        right_words += ok
        right_phrases += words(heard) == words(p)
        if show and ok < n:
            print(f"    {p!r} -> {heard!r}")
    return {
        "engine": engine,
        "voice": described["voice"],
        "words": right_words,
        "total_words": total_words,
        "phrases": right_phrases,
        "total_phrases": len(phrases),
        "phrases_per_s": len(phrases) / seconds,
    }


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
    print(f"{'engine':<10} {'voice':<24} {'words right':>15} {'phrases right':>14} {'phrases/s':>10}")
    for spec in wanted:
        engine, _, voice = spec.partition(":")
        if engine_missing(engine):
            print(f"{engine:<10} not installed: {engine_missing(engine)}")
            continue
        r = measure(engine, voice or None, phrases, decoder, not args.no_lexicon, args.show_misses)
        pct = 100 * r["words"] / r["total_words"]
        print(
            f"{r['engine']:<10} {r['voice']:<24} {r['words']:>4}/{r['total_words']} {pct:4.1f}% {r['phrases']:>7}/{r['total_phrases']} {r['phrases_per_s']:>10.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
