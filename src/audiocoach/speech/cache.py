"""On-disk phrase cache: one file of raw 16-bit samples per phrase.

Keyed by (engine, engine version, voice, rate, sample rate, text). Entries are written to a
temporary file in the same folder and renamed into place, so concurrent builds never see a
half-written entry; an unreadable entry counts as a miss and is written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

CACHE_ENV = "AUDIOCOACH_CACHE"


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "audiocoach"


class PhraseCache:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    @staticmethod
    def key(engine: str, version: str, voice: str | None, rate: int, sample_rate: int, text: str) -> str:
        blob = json.dumps([engine, version, voice, rate, sample_rate, text], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pcm"

    def get(self, key: str) -> np.ndarray | None:
        try:
            data = self.path(key).read_bytes()
        except OSError:
            return None
        if not data or len(data) % 2:
            return None
        return np.frombuffer(data, dtype="<i2")

    def put(self, key: str, samples: np.ndarray) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pcm")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(samples.astype("<i2", copy=False).tobytes())
            os.replace(tmp, target)
        except BaseException:
            with _suppress():
                os.remove(tmp)
            raise


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)
