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

How many workers: no more than the cores, the phrases (four each at least) and what free
memory holds (``MemAvailable`` shared out at the engine's ``MEMORY_MB`` plus a worker's
own :data:`WORKER_MB`: two ``festival --pipe`` take about 800 MB). For an engine whose
workers share a model (``Backend.SHARED_MODEL``: hibari), where processes fork (Linux),
the pool runs in a child of the build: the model is loaded there, shared by the workers
it forks, and gone with it; the build reads the clips from the cache, as a warm build
does, and mixes and encodes in the memory a warm build takes. A worker dies with the build: killed outright, the pool
process and its workers get SIGTERM from the kernel and close their engine (which the
kernel kills too) before they go.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from audiocoach.errors import SpeechError
from audiocoach.procs import die_with_parent
from audiocoach.speech import Synthesizer, SynthSpec, get_backend
from audiocoach.speech.procs import mem_available_mb
from audiocoach.timing import CLIP_BASE_MS, CLIP_PER_CHAR_MS
from audiocoach.tones import TONES

log = logging.getLogger("audiocoach.speech.pool")

#: Fewer missing phrases than this are synthesized in the build's own engine: starting
#: worker processes (and their engines: festival takes about 0.5 s) would cost more.
MIN_PARALLEL_PHRASES = 8
#: Estimated length of a phrase not synthesized yet: ms per character, plus a fixed part
#: (the compiler's own estimate, about 15 characters a second).
_ESTIMATES = ((CLIP_PER_CHAR_MS, CLIP_BASE_MS),)

#: Memory (MB) a worker process takes besides its engine (a forked Python with numpy).
WORKER_MB = 60
#: The share of available memory the workers of one build may take together.
MEMORY_SHARE = 0.5

Measure = Callable[[str, str], int]
Compile = Callable[[Measure], object]
T = TypeVar("T")


@dataclass(frozen=True)
class SynthesisProgress:
    """How far a pool has got: phrases done of ``total`` in ``elapsed_ms``, on ``workers``."""

    done: int
    total: int
    elapsed_ms: int
    workers: int

    @property
    def phrases_per_s(self) -> float:
        return self.done * 1000 / self.elapsed_ms if self.elapsed_ms > 0 else 0.0


#: progress(SynthesisProgress): called once when the pool starts and after each phrase.
SynthesisCallback = Callable[[SynthesisProgress], None]

_worker: Synthesizer | None = None


def choose_workers(phrases: int, engine_mb: int, cores: int | None = None, available_mb: int | None = None) -> int:
    """How many worker processes synthesize ``phrases``: bounded by cores, phrases and memory.

    ``available_mb`` None: read from /proc/meminfo (when unknown, memory does not bound).
    """
    cores = cores or os.cpu_count() or 1
    by_phrases = phrases // (MIN_PARALLEL_PHRASES // 2) or 1
    available_mb = mem_available_mb() if available_mb is None else available_mb
    by_memory = cores if available_mb is None else int(available_mb * MEMORY_SHARE) // (engine_mb + WORKER_MB)
    return max(1, min(cores, by_phrases, by_memory))


def _start_worker(spec: SynthSpec, parent: int) -> None:
    global _worker
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which stops the pool
    die_with_parent(signal.SIGTERM, parent)
    _worker = Synthesizer.from_spec(spec)
    # A worker ends without the parent's clean-up; the finalizer closes its engine.
    multiprocessing.util.Finalize(_worker, _worker.close, exitpriority=10)


def _stop_worker(signum, frame) -> None:
    # The build died (or stopped the pool): close the engine, then go at once, whatever
    # closing it mid-phrase raises (the engine itself dies with this process anyway).
    try:
        if _worker is not None:
            _worker.close()
    except BaseException:  # noqa: S110  (leaving is all that is left to do)
        pass
    finally:
        os._exit(1)


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


def synthesize_all(
    synth: Synthesizer,
    texts: Iterable[str],
    workers: int | None = None,
    progress: SynthesisCallback | None = None,
) -> int:
    """Synthesize ``texts`` on worker processes (one engine each) into ``synth``.

    ``workers``: at most this many (None: one per core); fewer when free memory holds
    fewer engines (see :func:`choose_workers`). Each clip is handed to ``synth`` (cached,
    counted as synthesized); ``progress`` hears after each. Returns how many were
    synthesized in the pool; with too few texts or one worker, none (``synth`` makes them
    when asked, as usual).
    """
    todo = list(dict.fromkeys(texts))
    if workers == 1 or len(todo) < MIN_PARALLEL_PHRASES:
        return 0
    engine_mb = get_backend(synth.engine_name).MEMORY_MB
    workers = choose_workers(len(todo), engine_mb, cores=workers)
    if workers < 2:
        return 0
    log.info(
        "synthesizing %d phrases on %d worker processes (%s MB available, about %d MB each)",
        len(todo),
        workers,
        mem_available_mb() or "?",
        engine_mb + WORKER_MB,
    )
    started = time.monotonic()

    def report(done: int) -> None:
        if progress is not None:
            progress(SynthesisProgress(done, len(todo), int((time.monotonic() - started) * 1000), workers))

    report(0)
    method = _start_method()
    if method == "fork" and get_backend(synth.engine_name).SHARED_MODEL:
        _pool_in_child(synth, todo, workers, report)
    else:
        _run_pool(synth, todo, workers, method, report)
    return len(todo)


def _run_pool(synth: Synthesizer, todo: list[str], workers: int, method: str, report: Callable[[int], None]) -> None:
    """Synthesize ``todo`` on ``workers`` processes into ``synth`` (its cache and its clips)."""
    if method == "fork":
        synth.prepare(todo)  # a model loaded once here is shared by every forked worker
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(synth.spec(), os.getpid()),
    ) as pool:
        try:
            for done, (text, samples) in enumerate(pool.map(_synthesize, todo, chunksize=1), 1):
                synth.adopt(text, samples)
                report(done)
        except BaseException:
            # Interrupted or failed: stop the workers now (SIGTERM: each closes its engine).
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
            raise


def _pool_in_child(synth: Synthesizer, todo: list[str], workers: int, report: Callable[[int], None]) -> None:
    """:func:`_run_pool` in a forked child that exits when the clips are in the cache.

    What the engine loads for its workers (hibari's model, ...) is loaded in that child and
    shared by the workers it forks; it all goes with the child, and the build, which never
    loaded it, mixes and encodes in the memory a warm build takes. The build then reads the
    clips from the cache, as a warm build does.
    """
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_pool_child, args=(synth, todo, workers, send, os.getpid()), daemon=False)
    child.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                child.join()
                raise SpeechError(f"the synthesis process ended early (exit code {child.exitcode})") from None
            if message[0] == "done":
                report(message[1])
            elif message[0] == "error":
                raise message[1]
            else:
                break
    except BaseException:
        child.terminate()  # its workers get SIGTERM as it dies and close their engines
        raise
    finally:
        receive.close()
        child.join()
    synth.cached_elsewhere(todo)


def _pool_child(synth: Synthesizer, todo: list[str], workers: int, send, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which stops this
    die_with_parent(signal.SIGTERM, parent)
    try:
        _run_pool(synth, todo, workers, "fork", lambda done: send.send(("done", done)))
        send.send(("end",))
    except BaseException as exc:  # handed to the build, which raises it
        try:
            send.send(("error", exc))
        except Exception:
            send.send(("error", SpeechError(f"synthesis failed: {exc}")))
    finally:
        send.close()


class _NotCached(Exception):
    pass


def compile_with_pool(
    synth: Synthesizer,
    compile_with: Callable[[Measure], T],
    workers: int | None = None,
    progress: SynthesisCallback | None = None,
) -> T:
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
    synthesize_all(synth, missing_phrases(synth, compile_with), workers, progress)
    return compile_with(synth.measure)
