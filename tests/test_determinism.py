"""A clip depends only on (engine, engine version, voice, rate, text).

For every installed backend: the same phrase after different predecessors, and in a
fresh process, gives identical samples. Clips are rendered without the cache.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from audiocoach.speech import Synthesizer
from helpers import engine_params, need_engine

PHRASE = "Rest, one minute."
BEFORE = ("Romanian deadlift, four sets of eight to ten.", "Go!", "thirteen up", PHRASE)

FRESH = """
import hashlib, sys
from audiocoach.speech import Synthesizer
with Synthesizer(engine=sys.argv[1], cache_dir=sys.argv[2]) as s:
    print(hashlib.sha256(s.render(sys.argv[3]).tobytes()).hexdigest())
"""


def digest(samples) -> str:
    return hashlib.sha256(samples.tobytes()).hexdigest()


@pytest.mark.parametrize("name", engine_params())
def test_same_phrase_same_samples(name, tmp_path):
    need_engine(name)
    with Synthesizer(engine=name, cache_dir=tmp_path) as synth:
        seen = set()
        for before in BEFORE:
            synth.render(before)
            seen.add(digest(synth.render(PHRASE)))
    assert len(seen) == 1, f"{name}: {len(seen)} different clips for one phrase"
    fresh = subprocess.run(
        [sys.executable, "-c", FRESH, name, str(tmp_path), PHRASE], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert fresh == seen.pop()
