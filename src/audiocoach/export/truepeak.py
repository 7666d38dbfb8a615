"""The true peak of what was encoded: the encoded stream decoded by a second ffmpeg and metered.

:func:`audiocoach.export.stream.encode_stream` tees the encoder's output into a
:class:`MeterReader` while it writes; :func:`measure_true_peak` meters a finished file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from audiocoach.audio.ffmpeg import ffmpeg_path
from audiocoach.audio.peaks import TruePeakMeter
from audiocoach.defaults import CEILING_DBTP
from audiocoach.errors import EncodeError

__all__ = ["MeterReader", "measure_true_peak", "reap"]

log = logging.getLogger("audiocoach.export.encode")


def reap(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _decode_command(inputs: list[str]) -> list[str]:
    return [
        ffmpeg_path(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        *inputs,
        "-f",
        "f32le",
        "-ac",
        "1",
        "pipe:1",
    ]


class MeterReader:
    """A second ffmpeg decoding an encoded stream to float samples, read into a meter on a thread."""

    def __init__(self, stdin, meter: TruePeakMeter, inputs: list[str]):
        self.cmd = _decode_command(inputs)
        log.debug("run %s", " ".join(self.cmd))
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=self._err)
        self.meter = meter
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="true-peak", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.proc.stdout is not None
        rest = b""
        try:
            while data := self.proc.stdout.read(1 << 18):
                data = rest + data
                whole = len(data) // 4 * 4
                rest = data[whole:]
                self.meter.feed(np.frombuffer(data[:whole], dtype="<f4"))
        except BaseException as exc:  # reported by join()
            self.failure = exc

    def join(self) -> None:
        """Wait for the decoder; raise when it or the meter failed."""
        self._thread.join()
        rc = self.proc.wait()
        self.meter.finish()
        if self.failure is not None:
            raise self.failure
        if rc != 0:
            self._err.seek(0)
            raise EncodeError(self.cmd, rc, self._err.read().decode("utf-8", "replace"))

    def stop(self) -> None:
        reap(self.proc)
        self._thread.join()
        self._err.close()


def measure_true_peak(path: Path, ceiling_dbtp: float = CEILING_DBTP) -> float:
    """True peak (dBTP) of an audio file, decoded by ffmpeg and 4x oversampled."""
    meter = TruePeakMeter(ceiling_dbtp)
    reader = MeterReader(subprocess.DEVNULL, meter, ["-i", "file:" + os.path.abspath(path)])
    try:
        reader.join()
    finally:
        reader.stop()
    return meter.peak_db
