"""A cold build (its phrases spoken by the synthesis pool in another process) writes the same
bytes as the warm build that follows it: MP3, timeline, cue sheet and plan. Real speech with
hibari (voice heart, the default) and the machine's ffmpeg."""

from __future__ import annotations

import pytest

from audiocoach.render import RenderOptions, build
from helpers import SHORT_ROUTINE

pytestmark = pytest.mark.engine


def test_a_cold_build_and_a_warm_one_write_the_same_bytes(tmp_path):
    src = tmp_path / "short.yaml"
    src.write_text(SHORT_ROUTINE, encoding="utf-8")
    options = RenderOptions(engine="hibari", cache_dir=str(tmp_path / "cache"), threads=2)
    cold = build(src, tmp_path / "cold" / "short.mp3", options=options)
    warm = build(src, tmp_path / "warm" / "short.mp3", options=options)
    assert cold.synthesized >= 8 and cold.cache_hits == 0  # the pool spoke them
    # warm speaks nothing; it reads what it needs from the cache the cold build filled (the
    # cold build also spoke wordings the fit tried and did not keep)
    assert warm.synthesized == 0 and 0 < warm.cache_hits <= cold.synthesized
    files = sorted(p.name for p in (tmp_path / "cold").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "warm").iterdir())
    assert any(name.endswith(".mp3") for name in files) and len(files) >= 4
    for name in files:
        assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes(), name
    assert cold.timeline == warm.timeline
