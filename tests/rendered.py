"""The shipped posterior-chain routine rendered once per test run (about 10 s).

Shared by the chapter, cue-sheet and loudness tests; a cached function rather than a
fixture so that several test modules get the very same render.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from audiocoach.render import BuildResult, RenderOptions, build

ROOT = Path(__file__).resolve().parent.parent
POSTERIOR_CHAIN = ROOT / "routines" / "posterior-chain.yaml"


@functools.cache
def posterior_chain(cache_dir: str) -> BuildResult:
    folder = Path(tempfile.mkdtemp(prefix="audiocoach-render-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return build(POSTERIOR_CHAIN, folder / "posterior-chain.mp3", options=RenderOptions(cache_dir=cache_dir))
