"""-o naming something that is not a place for a file (a named pipe, a device, /proc, a
folder): one clear error each, exit 1, the thing named left as it was, nothing written."""

from __future__ import annotations

import os
import stat

import pytest

from audiocoach.cli import cli
from audiocoach.errors import OutputError
from audiocoach.export.outputs import OutputSet, output_problem
from conftest import ROUTINES


def _build(runner, output):
    return runner.invoke(
        cli, ["build", str(ROUTINES / "tabata-swings.yaml"), "-o", str(output), "--engine", "espeak-ng"]
    )


def test_a_named_pipe_is_refused_and_left_a_pipe(runner, tmp_path):
    fifo = tmp_path / "player.mp3"
    os.mkfifo(fifo)
    result = _build(runner, fifo)
    assert result.exit_code == 1, result.output
    assert f"Error: cannot write {fifo}: it is a named pipe (FIFO)" in result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["player.mp3"]


@pytest.mark.parametrize(
    "output, says",
    [
        ("/dev/null", "it is a device or socket, not a file"),
        ("/proc/x.mp3", "/proc is the kernel's, it holds no ordinary files"),
        ("/proc/self/fd/1", "cannot write /proc/self/fd/1: "),  # no .mp3 added behind the user's back
        ("/sys/x.mp3", "/sys is the kernel's"),
    ],
)
def test_devices_and_kernel_files_are_refused(runner, output, says):
    result = _build(runner, output)
    assert result.exit_code == 1, result.output
    assert says in result.output and "Nothing was written." in result.output
    assert ".mp3.mp3" not in result.output and "/proc/self/fd/1.mp3" not in result.output


def test_a_folder_is_refused_with_exit_1_not_a_usage_error(runner, tmp_path):
    result = _build(runner, tmp_path)
    assert result.exit_code == 1, result.output
    assert f"Error: cannot write {tmp_path}: it is a folder; name a file inside it, e.g. {tmp_path}/session.mp3" in (
        result.output
    )


def test_the_library_refuses_them_too(tmp_path):
    os.mkfifo(tmp_path / "f.mp3")
    with pytest.raises(OutputError, match="named pipe"):
        with OutputSet(tmp_path / "f.mp3"):
            pass
    assert output_problem(tmp_path / "new.mp3") is None
    assert output_problem("/dev/shm/x.mp3") is None  # tmpfs is an ordinary place for files
