"""hibari's two halves kept apart: reading (text -> phonemes) and speaking (phonemes -> samples).

hibari reads with a pronouncing lexicon and a tagger that, loaded, take about 100 MB of
Python objects; its acoustic model (ONNX) takes about 30 MB and does nearly all the work.
A pool worker forked after the lexicons were loaded copies most of those pages as it
touches them (reference counts), so a cold build with two workers once peaked at 330 MB.
Here a cold build reads every missing phrase up front in short-lived forked processes
(:func:`read_all`, about 8 ms a phrase) that exit before any worker starts, and the
workers only speak: the lexicons are never alive beside the mixer or the workers.

Speaking from phonemes is what ``Hibari.__call__`` does after its own reading (one
generator seeded once, one model run per sentence, the parts joined), so a clip is the
same samples either way (tests/test_hibari_reader.py).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from audiocoach.speech.base import log
from audiocoach.speech.onnx import quiet_onnxruntime

#: Phonemes per sentence of a text read up front, by (voice, text); filled by :func:`read_all`.
_read: dict[tuple[str, str], list[str]] = {}


def reader_for(voice: str) -> Any:
    """A fresh hibari reader for ``voice`` (its lexicons loaded): ``phonemize(text)`` -> sentences."""
    quiet_onnxruntime()
    from hibari import Hibari
    from hibari.g2p import G2P
    from hibari.voices import VOICES

    class Reader:
        split_sentences = staticmethod(Hibari.split_sentences)
        phonemize = Hibari.phonemize

        def __init__(self) -> None:
            self.g2p = G2P(british=VOICES[voice]["british"])

    return Reader()


def _read_in_child(voice: str, texts: list[str], conn: Any) -> None:
    try:
        reader = reader_for(voice)
        found: dict[str, list[str]] = {}
        for text in texts:
            try:
                found[text] = reader.phonemize(text)
            except (ValueError, KeyError, RuntimeError):
                pass  # spoken in process later, where the error is reported
        conn.send(found)
    finally:
        conn.close()


#: Readers at once, each with its own lexicons (about 120 MB): measured on the
#: posterior-chain session, two halved the reading but peaked at 277 MB, over the 250 MB
#: the workers take next; one keeps the reading under the workers' peak.
READERS = 1


def read_all(voice: str, texts: list[str], meanwhile: Callable[[], object] | None = None) -> int:
    """Read ``texts`` into phonemes in short-lived forked processes; returns how many were read.

    ``meanwhile`` runs here while they read (loading the acoustic model: the reading and
    the loading then share the two cores). Without fork (or when a child fails) those
    texts are not read, and each is read in process when spoken, as before.
    """
    todo = [t for t in dict.fromkeys(texts) if (voice, t) not in _read]
    if not todo or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        return 0
    ctx = multiprocessing.get_context("fork")
    readers = max(1, min(READERS, os.cpu_count() or 1, len(todo) // 16))
    started = []
    for i in range(readers):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_read_in_child, args=(voice, todo[i::readers], child), daemon=True)
        proc.start()
        child.close()
        started.append((proc, parent))
    found: dict[str, list[str]] = {}
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        for proc, parent in started:
            try:
                found.update(parent.recv())
            except EOFError:
                pass
            finally:
                parent.close()
                proc.join()
    log.debug("hibari read %d of %d phrases in %d child processes", len(found), len(todo), readers)
    for text, sentences in found.items():
        _read[(voice, text)] = sentences
    return len(found)


def read_before(voice: str, text: str) -> list[str] | None:
    """The phonemes :func:`read_all` found for ``text`` (None: not read up front)."""
    return _read.get((voice, text))


def forget() -> None:
    """Drop every phrase read up front."""
    _read.clear()


def speak(model: Any, sentences: list[str], speed: float, seed: int) -> np.ndarray:
    """``model(text, speed, seed)`` for a text already read into ``sentences`` (float32)."""
    rng = np.random.default_rng(seed)
    parts = [model.from_ids(model.ids(ps), speed, rng) for ps in sentences]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
