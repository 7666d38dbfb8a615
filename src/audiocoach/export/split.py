"""One session as many files: one per set or hold, one per rest, and an M3U8 listing them.

``build --split sets`` (and ``batch --split sets``) writes ``<session>.sets/`` beside the
session's file. The pieces are cut from the very samples the one-file session is encoded
from, at the timeline's segment boundaries (``ms_to_samples`` of each boundary), so played
back to back they are the session. No sound of the timeline crosses a segment boundary, so
no cue is cut in two.

Which segments make a piece (:func:`pieces`): the intro; each set or hold (a per-side
set keeps both sides and the "switch sides" window between them; a transition between
circuit stations joins the station it leads to); each rest, in two: its open part and its
final countdown ("Ten seconds", or "three" in a short rest, through "one"), so a player
can hold the lifter in the open part (silence before the countdown) or skip to the
countdown, and the countdown still plays in full before the go tone; the closing words.

Beside the M3U8, ``<stem>.pieces.json`` says which piece is which (kind, exercise, set N
of M, reps, tempo, load, whether it is a countdown): what the player page reads.

The pieces are encoded while the one-file session is: :func:`split_stream` passes the
mixer's chunks through to the session's encoder and hands a copy to a thread that
encodes the pieces one after another, so the session is mixed once. The folder appears
only when every piece is written (written under a temporary name, then renamed).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from audiocoach.export.encode import export_audio
from audiocoach.export.outputs import slug, write_text_atomic
from audiocoach.export.stream import get_format
from audiocoach.export.tags import Tags
from audiocoach.model import Entry, Group, Routine
from audiocoach.timeline import Event, Timeline, ms_to_samples

#: The ways a session can be split (``--split``).
SPLIT_MODES = ("sets",)
FOLDER_SUFFIX = ".sets"
MANIFEST_SUFFIX = ".pieces.json"
MANIFEST_FORMAT = "audiocoach.pieces/1"
#: The cues of a rest's final countdown (see audiocoach.compile.expand.Expander.rest_frame).
COUNTDOWN_ROLES = ("ten_seconds", "countdown")
_QUEUE_CHUNKS = 4  # chunks in flight between the mixer and the pieces' encoder


@dataclass(frozen=True)
class Piece:
    """One file of a split session: a stretch of the timeline, with its title."""

    kind: str  # "intro", "set", "hold", "round", "rest", "countdown", "outro"
    title: str
    start_ms: int
    end_ms: int
    filename: str = ""
    #: The exercise a set, hold or round is of (for a rest or countdown: the one it leads to).
    exercise: str = ""
    item: int | None = None  # the routine item's index
    set: int | None = None  # set N ...
    sets: int | None = None  # ... of M
    reps: str = ""  # "8-10", or "30s" for a hold
    tempo: str = ""
    load: str = ""
    #: Where the set's go tone sounds, from the piece's start (None: no go tone in it).
    go_ms: int | None = None

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


def _work_name(routine: Routine, seg: Event) -> tuple[str, str]:
    """(exercise name, "set"/"hold"/"round") for a work segment."""
    item = routine.items[seg.exercise or 0]
    if isinstance(item, Group):
        if seg.member is None:  # an AMRAP's single window
            return item.display_name, "round"
        member = item.members[seg.member]
        timed_rounds = item.kind in ("intervals", "emom")  # a Tabata's work interval is a round, not a hold
        return member.exercise.name, "round" if member.reps is not None or timed_rounds else "hold"
    return item.exercise.name, "set" if item.reps is not None else "hold"


def _entry(routine: Routine, seg: Event) -> Entry | None:
    item = routine.items[seg.exercise or 0]
    if isinstance(item, Group):
        return None if seg.member is None else item.members[seg.member]
    return item


def _work_details(routine: Routine, seg: Event) -> dict:
    """What the lifter reads during a set: reps (or hold), tempo, load."""
    e = _entry(routine, seg)
    if e is None:
        return {}
    reps = str(e.reps) if e.reps is not None else f"{(e.hold_ms or 0) // 1000}s"
    side = " per side" if e.per_side else ""
    return {
        "reps": reps + side,
        "tempo": e.tempo.text if e.reps is not None else "",
        "load": str(e.load) if e.load is not None else "",
    }


def countdown_start(timeline: Timeline, start_ms: int, end_ms: int) -> int | None:
    """Where the final countdown of the rest ``start_ms..end_ms`` begins, or None.

    The first countdown cue in the rest; None when there is none, or when a sound
    crosses that instant (then the rest stays one piece: nothing audible is cut).
    """
    sounds = timeline.sounds
    cues = [e.start_ms for e in sounds if start_ms < e.start_ms < end_ms and e.role in COUNTDOWN_ROLES]
    if not cues:
        return None
    at = min(cues)
    if any(e.start_ms < at < e.end_ms for e in sounds):
        return None
    return at


def _runs(timeline: Timeline) -> list[tuple[tuple, list[Event]]]:
    """Consecutive segments grouped into the runs that become pieces."""
    segs = list(timeline.of_kind("segment"))
    keys: list[tuple] = []
    for i, s in enumerate(segs):
        if s.role in ("work", "switch", "setup"):
            # A switch belongs to the work it leads into (the second side, the next station),
            # and so does the time to get into position before the first set.
            nxt = next((t for t in segs[i:] if t.role == "work"), s)
            keys.append(("work", nxt.exercise, nxt.member, nxt.set))
        else:
            keys.append((s.role, i))
    runs: list[tuple[tuple, list[Event]]] = []
    for key, s in zip(keys, segs):
        if runs and runs[-1][0] == key:
            runs[-1][1].append(s)
        else:
            runs.append((key, [s]))
    return runs


def _work_piece(routine: Routine, timeline: Timeline, segs: list[Event], k: int, n: int) -> Piece:
    work = next(s for s in segs if s.role == "work")
    name, what = _work_name(routine, work)
    title = f"{name}: {what} {k} of {n}" if n > 1 else name
    start = segs[0].start_ms
    go = [e.start_ms for e in timeline.sounds if e.role == "go" and start <= e.start_ms < segs[-1].end_ms]
    return Piece(
        "hold" if what == "hold" else "set",
        title,
        start,
        segs[-1].end_ms,
        f"{name} {what} {k}",
        exercise=name,
        item=work.exercise,
        set=k,
        sets=n,
        go_ms=min(go) - start if go else None,
        **_work_details(routine, work),
    )


def _rest_pieces(timeline: Timeline, start: int, end: int) -> list[Piece]:
    """A rest's open part and its countdown (one piece when it has no countdown)."""
    at = countdown_start(timeline, start, end)
    if at is None:
        return [Piece("rest", "Rest", start, end, "rest")]
    return [Piece("rest", "Rest", start, at, "rest"), Piece("countdown", "Countdown", at, end, "countdown")]


def _name_rests(out: list[Piece]) -> list[Piece]:
    """A rest says how long it is and what it leads to, as the coach does."""
    named = list(out)
    for i, p in enumerate(out):
        if p.kind not in ("rest", "countdown"):
            continue
        j = next((j for j in range(i + 1, len(out)) if out[j].kind != "countdown"), len(out))
        nxt = out[j] if j < len(out) and out[j].kind in ("set", "hold") else None
        if p.kind == "rest":
            whole = (out[j - 1].end_ms if j - 1 > i else p.end_ms) - p.start_ms
            title = f"Rest {round(whole / 1000)} s" + (f", then {nxt.title}" if nxt else "")
        else:
            title = f"Countdown to {nxt.title}" if nxt else "Countdown"
        named[i] = replace(p, title=title)
        if nxt is not None:
            named[i] = replace(named[i], exercise=nxt.exercise, item=nxt.item, set=nxt.set, sets=nxt.sets)
    return named


def pieces(timeline: Timeline, routine: Routine, ext: str = ".mp3") -> tuple[Piece, ...]:
    """The pieces of a session, in order; together they tile the timeline exactly."""
    runs = _runs(timeline)
    totals: dict[tuple, int] = {}
    for key, _segs in runs:
        if key[0] == "work":
            totals[key[1:3]] = totals.get(key[1:3], 0) + 1
    seen: dict[tuple, int] = {}
    out: list[Piece] = []
    for key, segs in runs:
        start, end, role = segs[0].start_ms, segs[-1].end_ms, key[0]
        if role == "work":
            k = seen[key[1:3]] = seen.get(key[1:3], 0) + 1
            out.append(_work_piece(routine, timeline, segs, k, totals[key[1:3]]))
        elif role == "rest":
            out.extend(_rest_pieces(timeline, start, end))
        else:
            title = "Intro" if role == "intro" else "Finish" if role == "outro" else role.capitalize()
            out.append(Piece(role, title, start, end, title))
    out = _name_rests(out)
    width = max(2, len(str(len(out))))
    return tuple(replace(p, filename=f"{i + 1:0{width}d}-{slug(p.filename)}{ext}") for i, p in enumerate(out))


def manifest_text(title: str, found: tuple[Piece, ...]) -> str:
    """The pieces as JSON (``<stem>.pieces.json``): which piece is which, and its times."""
    data = {
        "format": MANIFEST_FORMAT,
        "title": title,
        "pieces": [{**asdict(p), "length_ms": p.length_ms} for p in found],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def read_manifest(output: Path) -> tuple[Piece, ...]:
    """The pieces ``<stem>.pieces.json`` lists for ``output`` (empty when it is missing or not ours)."""
    try:
        data = json.loads((split_folder(output) / f"{output.stem}{MANIFEST_SUFFIX}").read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT:
            return ()
        return tuple(Piece(**{k: v for k, v in p.items() if k != "length_ms"}) for p in data["pieces"])
    except (OSError, ValueError, TypeError, KeyError):
        return ()


def split_folder(output: Path) -> Path:
    """Where the pieces of ``output`` go: ``<stem>.sets/`` beside it."""
    return output.with_name(output.stem + FOLDER_SUFFIX)


def playlist_text(title: str, found: tuple[Piece, ...]) -> str:
    """An M3U8 playlist of the pieces with their true lengths (seconds, to the millisecond)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{title}"]
    for p in found:
        lines += [f"#EXTINF:{p.length_ms / 1000:.3f},{p.title}", p.filename]
    return "\n".join(lines) + "\n"


def read_playlist(output: Path) -> tuple[Piece, ...]:
    """The pieces listed in ``output``'s split playlist (empty when it was not split).

    Only titles, lengths and file names are known from the playlist; the pieces' times are
    their running sums.
    """
    playlist = split_folder(output) / f"{output.stem}.m3u8"
    try:
        lines = playlist.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    found, at, pending = [], 0, None
    for line in lines:
        if line.startswith("#EXTINF:"):
            length, _, title = line[len("#EXTINF:") :].partition(",")
            pending = (round(float(length) * 1000), title)
        elif line and not line.startswith("#") and pending:
            found.append(Piece("", pending[1], at, at + pending[0], line))
            at, pending = at + pending[0], None
    return tuple(found)


class _Reader:
    """Hands out the samples that arrive on a queue, piece by piece."""

    def __init__(self, q: queue.Queue[np.ndarray | None], stop: threading.Event):
        self.q, self.stop = q, stop
        self.rest = np.zeros(0, dtype=np.int16)

    def take(self, n: int) -> Iterator[np.ndarray]:
        while n > 0:
            if self.rest.size == 0:
                got = self.q.get()
                if got is None or self.stop.is_set():
                    raise RuntimeError("the session ended before its last piece")
                self.rest = got
            part, self.rest = self.rest[:n], self.rest[n:]
            n -= part.size
            yield part


def split_stream(
    chunks: Iterator[np.ndarray],
    timeline: Timeline,
    routine: Routine,
    output: Path,
    *,
    fmt: str,
    bitrate: str,
    tags: Tags,
) -> Iterator[np.ndarray]:
    """Pass ``chunks`` through unchanged, writing the session's pieces from them on the way.

    The pieces land in :func:`split_folder` (``output``'s stem + ``.sets``) with a
    ``<stem>.m3u8`` playlist, once the last chunk has passed and every piece is encoded.
    """
    found = pieces(timeline, routine, get_format(fmt).ext)
    rate = timeline.audio_rate
    target = split_folder(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    q: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
    stop = threading.Event()
    failed: list[BaseException] = []

    def encode() -> None:
        reader = _Reader(q, stop)
        try:
            for i, p in enumerate(found):
                n = ms_to_samples(p.end_ms, rate) - ms_to_samples(p.start_ms, rate)
                piece_tags = Tags(
                    title=p.title, artist=tags.artist, album=tags.title, extra={"piece": f"{i + 1}/{len(found)}"}
                )
                export_audio(reader.take(n), work / p.filename, rate=rate, fmt=fmt, bitrate=bitrate, tags=piece_tags)
        except BaseException as exc:
            failed.append(exc)
            stop.set()

    def put(item: np.ndarray | None) -> None:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise failed[0] if failed else RuntimeError("the pieces' encoder stopped")

    thread = threading.Thread(target=encode, name="audiocoach-split", daemon=True)
    thread.start()
    try:
        for chunk in chunks:
            put(chunk)
            yield chunk
        put(None)
        thread.join()
        if failed:
            raise failed[0]
        write_text_atomic(work / f"{output.stem}.m3u8", playlist_text(tags.title, found))
        write_text_atomic(work / f"{output.stem}{MANIFEST_SUFFIX}", manifest_text(tags.title, found))
        _swap(work, target)
    except BaseException:
        _abandon(stop, q, thread, work)
        raise


def _abandon(stop: threading.Event, q: queue.Queue[np.ndarray | None], thread: threading.Thread, work: Path) -> None:
    """Stop the pieces' encoder and remove what it wrote (a failed or interrupted build keeps nothing)."""
    stop.set()
    while thread.is_alive():  # unblock the encoder so it can see the stop
        try:
            q.put_nowait(None)
        except queue.Full:
            pass
        thread.join(timeout=0.2)
    shutil.rmtree(work, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` in place of ``target`` (a previous split, if any)."""
    mask = os.umask(0)
    os.umask(mask)
    new.chmod(0o777 & ~mask)  # mkdtemp made it 0700
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-old-"))
        target.rename(old / target.name)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)
