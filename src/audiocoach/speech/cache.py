"""On-disk phrase cache: one checked file per phrase (and one per clip's loudness analysis).

Keyed by (engine, engine version, voice, rate, sample rate, text). Every entry starts with
a header that gives its layout version, what it holds, the length of its payload and a
BLAKE2b checksum of it: a truncated file, random bytes or a plausible header followed by
garbage are all caught, reported with a warning, removed, and the phrase is synthesized
again. Entries are written to a temporary file in the same folder and renamed into place,
so concurrent builds never see a half-written entry.

A cache that cannot be written (a read-only folder, a full disk) is not an error: the
build goes on uncached, with one warning.

Layout version 2 (this one) keeps its entries under ``v2/``: the headerless entries of
version 1 (``<root>/<xx>/<key>.pcm``) are never read as samples.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger("audiocoach.speech.cache")

CACHE_ENV = "AUDIOCOACH_CACHE"
LAYOUT_VERSION = 2
MAGIC = b"ACPC"
#: magic, layout version, kind (b"S" samples, b"A" analysis), payload bytes, checksum.
_HEADER = struct.Struct("<4sBcxxQ16s")
HEADER_SIZE = _HEADER.size
#: No entry is larger (about 3 minutes of 48 kHz speech); a header claiming more is garbage.
MAX_PAYLOAD = 64 * 1024 * 1024


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "audiocoach"


class CorruptEntry(ValueError):
    """A cache entry whose header or checksum does not hold."""


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).digest()


def pack_entry(kind: bytes, payload: bytes) -> bytes:
    """Header + payload, as written to disk."""
    return _HEADER.pack(MAGIC, LAYOUT_VERSION, kind, len(payload), _checksum(payload)) + payload


def unpack_entry(data: bytes, kind: bytes) -> bytes:
    """The payload of an entry, or :class:`CorruptEntry` saying what is wrong with it."""
    if len(data) < HEADER_SIZE:
        raise CorruptEntry(f"{len(data)} bytes, shorter than its header")
    magic, version, found_kind, length, digest = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise CorruptEntry("no entry header (not written by this version)")
    if version != LAYOUT_VERSION or found_kind != kind:
        raise CorruptEntry(f"layout {version}/{found_kind!r}, expected {LAYOUT_VERSION}/{kind!r}")
    payload = data[HEADER_SIZE:]
    if length > MAX_PAYLOAD or len(payload) != length:
        raise CorruptEntry(f"header says {length} bytes, file holds {len(payload)}")
    if _checksum(payload) != digest:
        raise CorruptEntry("checksum mismatch")
    return payload


class PhraseCache:
    """Phrase clips (int16 samples) and per-clip analysis (JSON + arrays), checked on read.

    Args:
        root: the cache folder (created when first written).
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        #: False once a write failed: the rest of the build runs uncached.
        self.writable = True
        self.corrupt = 0

    @staticmethod
    def key(engine: str, version: str, voice: str | None, rate: int, sample_rate: int, text: str) -> str:
        blob = json.dumps([LAYOUT_VERSION, engine, version, voice, rate, sample_rate, text], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path(self, key: str, suffix: str = ".pcm") -> Path:
        return self.root / f"v{LAYOUT_VERSION}" / key[:2] / f"{key}{suffix}"

    # ------------------------------------------------------------------ samples

    def get(self, key: str) -> np.ndarray | None:
        """The clip stored under ``key``; None when absent or corrupt (a corrupt one is removed)."""
        payload = self._read(key, b"S", ".pcm")
        if payload is None:
            return None
        if len(payload) % 2:
            self._drop(key, ".pcm", "an odd number of bytes for 16-bit samples")
            return None
        return np.frombuffer(payload, dtype="<i2")

    def put(self, key: str, samples: np.ndarray) -> None:
        self._write(key, b"S", ".pcm", samples.astype("<i2", copy=False).tobytes())

    # ------------------------------------------------------------------ analysis

    def get_analysis(self, key: str) -> tuple[dict, dict[str, np.ndarray]] | None:
        """(facts, named float32 arrays) stored beside a clip by :meth:`put_analysis`."""
        payload = self._read(key, b"A", ".lvl")
        if payload is None:
            return None
        try:
            (head_len,) = struct.unpack_from("<I", payload)
            head = json.loads(payload[4 : 4 + head_len].decode("utf-8"))
            arrays, at = {}, 4 + head_len
            for name, size in head["arrays"]:
                arrays[name] = np.frombuffer(payload, dtype="<f4", count=size, offset=at)
                at += 4 * size
            if at != len(payload):
                raise ValueError("trailing bytes")
            return head["facts"], arrays
        except (ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError) as exc:
            self._drop(key, ".lvl", f"unreadable analysis ({exc})")
            return None

    def put_analysis(self, key: str, facts: dict, arrays: dict[str, np.ndarray]) -> None:
        parts = {name: np.ascontiguousarray(a, dtype="<f4") for name, a in arrays.items()}
        head = json.dumps({"facts": facts, "arrays": [[n, int(a.size)] for n, a in parts.items()]}).encode("utf-8")
        payload = b"".join([struct.pack("<I", len(head)), head, *(a.tobytes() for a in parts.values())])
        self._write(key, b"A", ".lvl", payload)

    # ------------------------------------------------------------------ files

    def _read(self, key: str, kind: bytes, suffix: str) -> bytes | None:
        try:
            data = self.path(key, suffix).read_bytes()
        except OSError:
            return None
        try:
            return unpack_entry(data, kind)
        except CorruptEntry as exc:
            self._drop(key, suffix, str(exc))
            return None

    def _drop(self, key: str, suffix: str, why: str) -> None:
        self.corrupt += 1
        path = self.path(key, suffix)
        log.warning("phrase cache entry %s is corrupt (%s): making it again", path, why)
        try:
            path.unlink()
        except OSError:
            pass

    def _write(self, key: str, kind: bytes, suffix: str, payload: bytes) -> None:
        if not self.writable:
            return
        target = self.path(key, suffix)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
            with os.fdopen(fd, "wb") as f:
                f.write(pack_entry(kind, payload))
            os.replace(tmp, target)
            tmp = None
        except OSError as exc:
            self.writable = False
            log.warning(
                "phrase cache %s cannot be written (%s): building without the cache; "
                "free some space or set %s to a writable folder",
                self.root,
                exc.strerror or exc,
                CACHE_ENV,
            )
        finally:
            if tmp is not None:
                try:
                    os.remove(tmp)
                except OSError:
                    pass
