"""Synthesize the missing phrases of a cold build in parallel, one engine per worker process.

The compiler asks ``measure(kind, text)`` one phrase at a time, and what it asks next can
depend on the length of what it measured before (a shorter wording where a cue does not
fit, the session's length in the intro). So the phrases are found up front: the routine
is compiled with estimated lengths for the phrases not in the cache, and what is missing
is synthesized by a pool of worker processes, each with its own engine. The real compile
then finds (nearly) every phrase ready; one the estimate did not reveal (a shorter
wording chosen because the real clip is longer than estimated) is synthesized there, as
before. On the posterior-chain routine the estimate finds 97 of the 98 phrases and no
phrase that is not needed; a second pass with long estimates would find the 98th but
also 20 wordings never played. A warm build compiles once: its first compile meets no
missing phrase. The timeline is the one a serial build makes: it is always compiled
with the real lengths, and a clip depends only on (engine, version, voice, rate, text).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

import numpy as np

from audiocoach.speech import Synthesizer, SynthSpec
from audiocoach.tones import TONES

log = logging.getLogger("audiocoach.speech.pool")

#: Fewer missing phrases than this are synthesized in the build's own engine: starting
#: worker processes (and their engines: festival takes about 0.5 s) would cost more.
MIN_PARALLEL_PHRASES = 8
#: Estimated length of a phrase not synthesized yet: ms per character, plus a fixed part
#: (the compiler's own estimate, about 15 characters a second).
_ESTIMATES = ((62, 120),)

Measure = Callable[[str, str], int]
Compile = Callable[[Measure], object]
T = TypeVar("T")

_worker: Synthesizer | None = None


def _start_worker(spec: SynthSpec) -> None:
    global _worker
    _worker = Synthesizer.from_spec(spec)


def _synthesize(text: str) -> tuple[str, np.ndarray]:
    assert _worker is not None
    return text, _worker.render(text)


def _start_method() -> str:
    # fork starts a worker in milliseconds and needs no importable __main__ (a script
    # calling build() without a main guard); the worker makes its own engine and never
    # touches the parent's, and exits without running the parent's clean-up.
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def missing_phrases(synth: Synthesizer, compile_with: Compile) -> list[str]:
    """The phrases a compile will ask for that are not in ``synth``'s cache, in first-asked order.

    ``compile_with(measure)`` compiles the routine with the given measure (its result is
    ignored). Cached phrases are measured for real (and so kept ready in ``synth``).
    """
    missing: dict[str, None] = {}
    known: dict[str, int] = {}

    def estimating(per_char: int, fixed: int) -> Measure:
        def measure(kind: str, text: str) -> int:
            if kind == "tone":
                return TONES[text].length_ms
            if text in known:
                return known[text]
            if text not in missing:
                if synth.cache.get(synth.cache_key(text)) is None:
                    missing[text] = None
                else:
                    known[text] = synth.measure(kind, text)
                    return known[text]
            return fixed + per_char * len(text)

        return measure

    for per_char, fixed in _ESTIMATES:
        compile_with(estimating(per_char, fixed))
    return list(missing)


def synthesize_all(synth: Synthesizer, texts: Iterable[str], workers: int | None = None) -> int:
    """Synthesize ``texts`` on ``workers`` processes (one engine each) into ``synth``.

    Each clip is handed to ``synth`` (cached, counted as synthesized). Returns how many
    were synthesized in the pool; with too few texts or one worker, none (``synth``
    makes them when asked, as usual).
    """
    todo = list(dict.fromkeys(texts))
    workers = min(workers or os.cpu_count() or 1, len(todo) // (MIN_PARALLEL_PHRASES // 2) or 1)
    if workers < 2 or len(todo) < MIN_PARALLEL_PHRASES:
        return 0
    log.info("synthesizing %d phrases on %d worker processes", len(todo), workers)
    method = _start_method()
    if method == "fork":
        synth.prepare()  # a model loaded once here is shared by every forked worker
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_start_worker, initargs=(synth.spec(),)
    ) as pool:
        for text, samples in pool.map(_synthesize, todo, chunksize=1):
            synth.adopt(text, samples)
    return len(todo)


class _NotCached(Exception):
    pass


def compile_with_pool(synth: Synthesizer, compile_with: Callable[[Measure], T], workers: int | None = None) -> T:
    """``compile_with(synth.measure)``, with the phrases missing from the cache synthesized first, in parallel.

    A warm build compiles once: the first compile stops at the first phrase not in the
    cache, and only then are the phrases found (by estimate) and synthesized on workers.
    """
    if workers == 1:
        return compile_with(synth.measure)
    checked: set[str] = set()

    def cached_only(kind: str, text: str) -> int:
        if kind != "tone" and text not in checked:
            if synth.cache.get(synth.cache_key(text)) is None:
                raise _NotCached(text)
            checked.add(text)
        return synth.measure(kind, text)

    try:
        return compile_with(cached_only)
    except _NotCached:
        pass
    synthesize_all(synth, missing_phrases(synth, compile_with), workers)
    return compile_with(synth.measure)
