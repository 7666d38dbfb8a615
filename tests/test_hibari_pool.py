"""A cold build's hibari pool: the phrases are read into phonemes in a short-lived child, the
workers only speak them, and the build's own process never loads the lexicons or the model;
every clip is the one hibari makes from the text in one call (voice heart)."""

from __future__ import annotations

import numpy as np
import pytest

from audiocoach.speech import Synthesizer, hibari_reader
from audiocoach.speech import hibari_backend as hb
from audiocoach.speech.pool import synthesize_all

pytestmark = pytest.mark.engine

TEXTS = [
    "Romanian deadlift. Three sets of eight.",
    "Hinge at the hips, soft knees. Keep the bar close!",
    "Rest ninety seconds.",
    "Next up: hip thrust, three sets of ten, per side.",
    "AMRAP: as many rounds as possible.",
    "one, up",
    "Ten seconds.",
    "Two minutes; breathe.",
    "Set 2 of 3 at 60 kg.",
]


def _one_call(tmp_path) -> dict[str, np.ndarray]:
    with Synthesizer(engine="hibari", cache_dir=tmp_path / "one") as synth:
        return {t: synth.render(t) for t in TEXTS}


def test_speaking_what_was_read_up_front_is_the_clip_of_one_call(tmp_path):
    want = _one_call(tmp_path)
    with Synthesizer(engine="hibari", cache_dir=tmp_path / "read") as synth:
        assert hibari_reader.read_all("heart", [synth.spoken(t) for t in TEXTS]) == len(TEXTS)
        try:
            for text in TEXTS:
                assert hibari_reader.read_before("heart", synth.spoken(text)) is not None
                assert np.array_equal(synth.render(text), want[text]), text
        finally:
            hibari_reader.forget()


def test_the_pool_leaves_no_lexicon_or_model_in_the_build(tmp_path):
    want = _one_call(tmp_path)
    hb.release_models()  # this test process may have loaded one for an earlier test
    with Synthesizer(engine="hibari", cache_dir=tmp_path / "pool") as synth:
        assert synthesize_all(synth, TEXTS, workers=2) == len(TEXTS)
        # Read and spoken in other processes: nothing of hibari's stayed in this one.
        assert hb._models == {} and hibari_reader._read == {}
        for text in TEXTS:
            assert np.array_equal(synth.clip(text), want[text]), text
        assert synth.synthesized == len(TEXTS) and synth.cache_hits == 0
