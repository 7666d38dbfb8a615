#!/usr/bin/env python3
"""Which LAME quality level? Speed against what each one does to speech, measured.

Every distinct phrase of a session (default: routines/posterior-chain.yaml, engine
festival) is laid end to end with half a second of silence between, at the session rate.
That track is encoded at the target bitrate with each ``-compression_level`` (LAME's
``-q``: 0 slowest ... 9 fastest; ffmpeg's default is LAME's 3), decoded (gapless, so every
phrase is where it was), and compared with the source:

  cpu s          encoder CPU time (user + system of the ffmpeg child: the machine may be busy)
  SNR dB         signal to coding-noise ratio over the whole track
  LSD dB         log-spectral distance, 100 Hz .. 6 kHz, frames with speech (lower is closer)
  words right    pocketsphinx (offline recogniser) transcribing each decoded phrase, scored
                 against the words meant (as scripts/intelligibility.py does)

    .venv/bin/python scripts/encoder_quality.py                    # needs: pip install pocketsphinx
    .venv/bin/python scripts/encoder_quality.py --levels 3 5 7 --engine espeak-ng
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from audiocoach.load.routine import load_routine  # noqa: E402
from audiocoach.render import RenderOptions, synthesizer_for  # noqa: E402
from intelligibility import phrases_of, score, transcribe, words  # noqa: E402

GAP_S = 0.5


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def roundtrip(pcm: Path, rate: int, bitrate: str, level: int | None, folder: Path) -> tuple[np.ndarray, float]:
    """The track encoded at ``level`` (None: ffmpeg's default) and decoded; encoder CPU seconds."""
    mp3 = folder / f"q{level}.mp3"
    extra = [] if level is None else ["-compression_level", str(level)]
    before = _cpu()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", str(pcm)]
        + ["-c:a", "libmp3lame", "-b:a", bitrate, *extra, str(mp3)],
        check=True,
    )
    seconds = _cpu() - before
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "s16le", "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype="<i2"), seconds


def lsd(a: np.ndarray, b: np.ndarray, rate: int, n: int = 512) -> float:
    """Mean log-spectral distance (dB) between 100 Hz and 6 kHz over frames with speech."""
    k = min(a.size, b.size) // n
    win = np.hanning(n)
    spec_a = np.abs(np.fft.rfft(a[: k * n].reshape(k, n) * win, axis=1)) ** 2
    spec_b = np.abs(np.fft.rfft(b[: k * n].reshape(k, n) * win, axis=1)) ** 2
    freqs = np.fft.rfftfreq(n, 1 / rate)
    band = (freqs >= 100) & (freqs <= 6000)
    spec_a, spec_b = spec_a[:, band], spec_b[:, band]
    energy = spec_a.sum(axis=1)
    speech = energy > energy.max() * 1e-4
    floor = spec_a[speech].max() * 1e-7  # 70 dB under the loudest bin: below it, no difference counts
    ratio = 10 * np.log10((spec_a[speech] + floor) / (spec_b[speech] + floor))
    return float(np.sqrt(np.mean(ratio**2, axis=1)).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routine", default=str(ROOT / "routines" / "posterior-chain.yaml"))
    parser.add_argument("--engine", default="festival")
    parser.add_argument("--bitrate", default="64k")
    parser.add_argument("--levels", type=int, nargs="*", default=[2, 3, 5, 7, 9])
    parser.add_argument("--cache-dir", help="phrase cache (default: a temporary one)")
    args = parser.parse_args(argv)
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="FATAL")
    routine = load_routine(args.routine)
    phrases = phrases_of(Path(args.routine))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        options = RenderOptions(engine=args.engine, cache_dir=args.cache_dir or str(folder / "cache"))
        with synthesizer_for(routine, options) as synth:
            clips = [synth.clip(p) for p in phrases]
            rate = synth.sample_rate
        gap = np.zeros(int(rate * GAP_S), dtype=np.int16)
        starts = np.cumsum([0] + [c.size + gap.size for c in clips])
        track = np.concatenate([np.concatenate([c, gap]) for c in clips])
        pcm = folder / "track.pcm"
        track.astype("<i2").tofile(pcm)
        total_words = sum(len(words(p)) for p in phrases)
        print(f"{len(phrases)} phrases, {track.size / rate:.0f} s at {rate} Hz, {args.engine}, {args.bitrate}")
        print(f"{'level':>7} {'cpu s':>7} {'SNR dB':>7} {'LSD dB':>7} {'words right':>12}")
        for level in [None, *args.levels]:
            decoded, seconds = roundtrip(pcm, rate, args.bitrate, level, folder)
            x, y = track.astype(np.float64), decoded.astype(np.float64)
            snr = 10 * np.log10((x**2).sum() / ((x - y) ** 2).sum())
            right = sum(
                score(p, transcribe(decoder, decoded[s : s + c.size], rate)) for p, c, s in zip(phrases, clips, starts)
            )
            name = "default" if level is None else str(level)
            print(
                f"{name:>7} {seconds:7.2f} {snr:7.2f} {lsd(x, y, rate):7.3f} {right:5d}/{total_words}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
