"""Every file of one build, written whole or not at all.

:class:`OutputSet` hands out temporary files beside the final ones (``.NAME-XXXXXXXX.part``
in the same folder, so the rename is atomic) and renames them into place together in
:meth:`OutputSet.commit`, under a lock on the folder: two builds to one output leave one
build's audio *and* that build's sidecars, never a mix. Until then the final files are
untouched; on any failure or interruption the temporary files are removed.

A build killed outright (``kill -9``, a power cut) cannot clean up after itself, so each
temporary file is held under an exclusive ``flock`` while it is written. The next build to
the same output removes the temporary files nobody holds: those of dead builds, never
those of a build still running.

A full disk, a read-only folder or a missing permission becomes :class:`OutputError`,
naming the file and what to do, with nothing left behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from audiocoach.errors import EncodeError, OutputError
from audiocoach.export.artifacts import Artifacts

__all__ = [
    "OutputSet",
    "check_output",
    "interrupts_deferred",
    "output_problem",
    "remove_stale",
    "slug",
    "write_text_atomic",
]

PART_SUFFIX = ".part"
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or write elsewhere with -o",
    errno.EDQUOT: "the disk quota is used up: free some space, or write elsewhere with -o",
    errno.EROFS: "the folder is on a read-only file system: write elsewhere with -o",
    errno.EACCES: "no permission to write there: write elsewhere with -o, or change the folder's permissions",
    errno.EPERM: "no permission to write there: write elsewhere with -o, or change the folder's permissions",
}


#: Kernel file systems: a file there is not a place to keep a session.
_KERNEL_DIRS = ("/proc", "/sys")


def output_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be an output file (a folder, a named pipe, a device, a kernel
    file), with what to do instead; None when it can.

    Every output is written under a temporary name and renamed into place, so a FIFO or a
    device would be silently replaced by a plain file, and /proc or /sys hold no files.
    """
    raw = os.fspath(path)
    try:
        mode = os.stat(raw).st_mode
    except OSError:
        mode = 0  # not there yet: the usual case
    if stat.S_ISDIR(mode):
        return f"it is a folder; name a file inside it, e.g. {os.path.join(raw, 'session.mp3')}"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), and audiocoach writes whole files renamed into place; write to a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        return "it is a device or socket, not a file; write to a file"
    for kernel in _KERNEL_DIRS:
        if any(p == kernel or p.startswith(kernel + "/") for p in (os.path.abspath(raw), os.path.realpath(raw))):
            return f"{kernel} is the kernel's, it holds no ordinary files; write to a file elsewhere"
    return None


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputError` when ``path`` cannot be an output file (see :func:`output_problem`)."""
    problem = output_problem(path)
    if problem is not None:
        raise OutputError(f"cannot write {os.fspath(path)}: {problem}. Nothing was written.")


def slug(text: str) -> str:
    """``text`` as a file-name part: lower case, runs of anything else but a-z0-9 as one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _stale_pattern(name: str) -> re.Pattern[str]:
    # mkstemp adds 8 characters from [a-z0-9_]; exactly that, so "a.mp3" never matches "a-b.mp3"'s files.
    return re.compile(rf"^\.{re.escape(name)}-[a-z0-9_]{{8}}{re.escape(PART_SUFFIX)}$")


def _umask_mode(fd: int) -> None:
    # mkstemp creates 0600 files; a finished file gets the usual mode for this user.
    mask = os.umask(0)
    os.umask(mask)
    os.fchmod(fd, 0o666 & ~mask)


@contextlib.contextmanager
def interrupts_deferred():
    """Hold Ctrl-C and SIGTERM until the block ends (main thread; elsewhere a no-op).

    Creating a temp file and registering it, or renaming a build's files into place, must
    not be cut in two: a file nobody would remove, or new audio beside old sidecars.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[signal.Signals] = []
    previous: dict[signal.Signals, signal._HANDLER] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda signum, frame: caught.append(signal.Signals(signum)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL and caught[0] == signal.SIGTERM:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                raise KeyboardInterrupt


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """An exclusive lock on ``folder`` itself (no lock file to leave behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale(folder: Path, names: Iterable[str]) -> list[Path]:
    """Remove temporary files of ``names`` in ``folder`` that no live build holds; return them."""
    patterns = [_stale_pattern(n) for n in names]
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not any(p.match(entry.name) for p in patterns):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a running build holds it
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


class OutputSet:
    """Temporary files for the outputs of one build, renamed into place together.

    Example::

        with OutputSet(out) as outputs:
            tmp = outputs.temp(out)          # write the audio here
            with outputs.open_text(out.with_suffix(".vtt")) as f:
                f.write(cue_sheet)
            outputs.commit()                  # every file appears, or none
    """

    def __init__(self, output: str | os.PathLike[str]):
        self.output = Path(output)
        self.folder = self.output.parent
        self._temps: dict[Path, tuple[Path, int]] = {}  # final -> (temp, held fd)
        self._committed = False

    def __enter__(self) -> OutputSet:
        check_output(self.output)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _folder_lock(self.folder):
                # Everything a killed build to this output may have left: audio, sidecars, ffmpeg's metadata.
                files = Artifacts(self.output)
                remove_stale(
                    self.folder,
                    [self.output.name, self.output.stem, files.timeline.name, files.cues.name, files.ffmeta.name],
                )
        except OSError as exc:
            raise self._error(exc, self.folder) from None
        return self

    def temp(self, final: str | os.PathLike[str], *, keep: bool = False) -> Path:
        """A temporary file in ``final``'s folder, held until commit; ``final`` is written from it.

        ``keep`` names a helper file (ffmpeg's metadata input) removed at the end instead.
        """
        final = Path(final)
        try:
            with interrupts_deferred(), _folder_lock(self.folder):
                remove_stale(self.folder, [final.name, final.stem])  # .NAME-x.part, and .STEM-x.part of older builds
                fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}-", suffix=PART_SUFFIX)
                key = final if not keep else Path(name)
                self._temps[key] = (Path(name), fd)  # registered at once: __exit__ removes it
                fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            raise self._error(exc, final) from None
        _umask_mode(fd)
        return Path(name)

    def write_text(self, final: str | os.PathLike[str], text: str | Iterable[str]) -> None:
        """Write a text output (whole, or in pieces) to its temporary file."""
        tmp = self.temp(final)
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.writelines([text] if isinstance(text, str) else text)
        except OSError as exc:
            raise self._error(exc, Path(final)) from None

    def commit(self) -> None:
        """Rename every temporary file into place, under the folder's lock."""
        finals = [(final, tmp) for final, (tmp, _) in self._temps.items() if not final.name.endswith(PART_SUFFIX)]
        try:
            with interrupts_deferred(), _folder_lock(self.folder):
                for final, tmp in finals:
                    os.replace(tmp, final)
        except OSError as exc:
            raise self._error(exc, self.output) from None
        self._committed = True

    def __exit__(self, kind, exc, tb) -> None:
        for final, (tmp, fd) in self._temps.items():
            if not self._committed or final.name.endswith(PART_SUFFIX):
                with contextlib.suppress(OSError):
                    tmp.unlink()
            with contextlib.suppress(OSError):
                os.close(fd)
        self._temps.clear()
        cause = _os_error(exc)
        if cause is not None:
            raise self._error(cause, self.output) from None
        if isinstance(exc, EncodeError) and "No space left on device" in exc.stderr:
            raise self._error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), self.output) from None

    def _error(self, exc: OSError, path: Path) -> OutputError:
        hint = _HINTS.get(exc.errno or 0, "")
        reason = exc.strerror or str(exc)
        return OutputError(f"cannot write {path}: {reason}{'; ' + hint if hint else ''}. Nothing was written.")


def _os_error(exc: BaseException | None) -> OSError | None:
    """The OSError behind ``exc`` (mutagen wraps it in its own error), if any."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write one text file (text, or text in pieces) under a temporary name, then rename it."""
    with OutputSet(path) as outputs:
        outputs.write_text(path, text)
        outputs.commit()
