"""pyttsx3's helper process (the zygote that forks one engine child per request): after a
request whose engine died or hung, the backend ends that helper and the next request starts a
fresh one, since every fork of a helper whose engine state is stuck may hang alike."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.speech.pyttsx3_backend import Pyttsx3Backend
from helpers import need_engine


@pytest.mark.engine
def test_a_dropped_helper_is_ended_and_the_next_request_starts_a_fresh_one():
    need_engine("pyttsx3")
    backend = Pyttsx3Backend()
    try:
        first, _ = backend.synthesize("one", None, 170)
        old = backend._zygote
        assert old is not None and old.poll() is None
        backend._drop_zygote()
        assert old.poll() is not None  # ended and reaped, not left behind
        again, _ = backend.synthesize("one", None, 170)
        assert backend._zygote is not None and backend._zygote.pid != old.pid
        assert np.array_equal(first, again)  # the fresh helper speaks the same clip
    finally:
        backend.close()
