"""Where a batch's sessions run: a local process pool, or a Dask distributed cluster.

Both sit behind one small interface, :class:`Executor`: ``submit`` a picklable function
and its argument, iterate ``as_completed`` over what was submitted, ``stop`` now (Ctrl-C),
``close`` when done. The batch never touches a pool's internals.

- :class:`LocalExecutor`: ``spawn`` worker processes (a fresh interpreter each: no
  inherited engine or thread state). Each worker reports its pid through a queue when it
  starts, so ``stop`` can send SIGTERM to exactly the pool's own workers; a rendering
  worker unwinds on it and removes its temporary files.
- :class:`DaskExecutor`: the same jobs on a ``distributed`` scheduler (``tcp://HOST:8786``).
  Every worker must run one thread per process: the speech engine's callback is
  process-wide, so two sessions in two threads of one process would mix their speech.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as _local_as_completed
from typing import Any, Protocol

from audiocoach.errors import AudiocoachError

#: How long a stopped worker gets to unwind (remove its temp files) before SIGKILL.
STOP_GRACE_S = 10.0


class Executor(Protocol):
    """Runs session jobs somewhere; the batch only sees these four methods."""

    workers: int

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        """Start ``fn(arg)``; returns a future with ``result()``."""

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        """The futures, each as soon as it is done."""

    def stop(self) -> None:
        """Stop everything now (Ctrl-C): nothing queued starts, running work is ended."""

    def close(self) -> None:
        """Orderly shutdown after every future is done."""


# --------------------------------------------------------------------------- local


_busy = False  # per worker process: is a job running right now?


def _on_terminate(signum: int, frame: Any) -> None:
    # Working: unwind like Ctrl-C, so temporary files and child processes are cleaned up.
    if _busy:
        raise KeyboardInterrupt
    os._exit(1)


def _worker_init(pids: Any) -> None:
    # Ctrl-C in a terminal reaches every process of the group; only the parent decides
    # what to do about it (it then stops the workers with SIGTERM).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    pids.put(os.getpid())


def _tracked(call: tuple[Callable[[Any], Any], Any]) -> Any:
    global _busy
    fn, arg = call
    _busy = True
    try:
        return fn(arg)
    finally:
        _busy = False


class LocalExecutor:
    """A pool of ``workers`` spawned processes on this machine."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        ctx = multiprocessing.get_context("spawn")
        self._pids_queue = ctx.SimpleQueue()
        self._pids: set[int] = set()
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_worker_init, initargs=(self._pids_queue,)
        )

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self._pool.submit(_tracked, (fn, arg))

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return _local_as_completed(list(futures))

    def _collect_pids(self) -> None:
        while not self._pids_queue.empty():
            try:
                self._pids.add(self._pids_queue.get())
            except (EOFError, OSError, queue.Empty):
                break

    def stop(self) -> None:
        self._collect_pids()
        for pid in self._pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while any(_alive(p) for p in self._pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self._pids:
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for the pool to reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


# --------------------------------------------------------------------------- dask


def _refuses(address: str, timeout_s: float = 2.0) -> None:
    """Raise ConnectionRefusedError at once when nothing listens at a ``tcp://HOST:PORT`` address.

    dask's Client retries a refused connection until its whole timeout has passed (10 s for
    a scheduler that is not running); one plain connect tells a refusal at once. Anything
    else (a slow or far host, another scheme) is left to the Client and its timeout.
    """
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme != "tcp" or not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except ConnectionRefusedError:
        raise
    except OSError:
        return  # unreachable for now, or slow: the Client's own timeout decides


class DaskExecutor:
    """The scheduler at ``address`` (``tcp://HOST:8786``), or a ``distributed`` cluster object.

    Raises:
        AudiocoachError: the scheduler cannot be reached, has no workers, or a worker runs
            more than one thread (start workers with ``--nthreads 1``).
    """

    def __init__(self, address: Any, *, timeout_s: float = 10.0):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a declared dependency
            raise AudiocoachError(
                "--cluster needs dask's distributed package: pip install 'dask[distributed]'"
            ) from None
        try:
            if isinstance(address, str):
                _refuses(address)
            self._client = Client(address, timeout=f"{timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise AudiocoachError(
                f"cannot reach the Dask scheduler at {address} ({exc}); start one with 'dask scheduler' "
                "and workers with 'dask worker SCHEDULER --nthreads 1'"
            ) from None
        try:
            self.workers = self._check_workers(address)
        except BaseException:
            self._client.close()
            raise
        self._futures: list[Any] = []

    def _check_workers(self, address: Any) -> int:
        info = self._client.scheduler_info()
        workers = info.get("workers", {})
        if not workers:
            raise AudiocoachError(
                f"the Dask scheduler at {address} has no workers; start some with 'dask worker {address} --nthreads 1'"
            )
        threaded = sorted(w for w, d in workers.items() if d.get("nthreads", 1) != 1)
        if threaded:
            raise AudiocoachError(
                f"Dask worker {threaded[0]} runs {workers[threaded[0]]['nthreads']} threads"
                + (f" (and {len(threaded) - 1} more)" if len(threaded) > 1 else "")
                + "; start workers with '--nthreads 1' (the speech engine's callback is process-wide, "
                "so one process can speak one session at a time)"
            )
        return len(workers)

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        # pure=False: two sessions with equal jobs are still two renders (different outputs).
        future = self._client.submit(fn, arg, pure=False)
        self._futures.append(future)
        return future

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        return iter(as_completed(list(futures), loop=self._client.loop))

    def stop(self) -> None:
        # A running task cannot be interrupted on a worker; it finishes and writes a whole
        # file (temp then rename). Nothing queued starts.
        self._client.cancel(self._futures)
        self._client.close()

    def close(self) -> None:
        self._client.close()


def make_executor(jobs: int | None, cluster: Any = None, todo: int = 1) -> Executor:
    """A :class:`DaskExecutor` on ``cluster`` when given, else a :class:`LocalExecutor` of
    ``jobs`` processes (the number of cores by default, never more than ``todo``)."""
    if cluster is not None:
        return DaskExecutor(cluster)
    return LocalExecutor(max(1, min(jobs or os.cpu_count() or 1, todo)))
