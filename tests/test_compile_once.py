"""A build expands the session once (issue 30): the speech pool fits the expanded session again
with other clip lengths, rest advice builds one trial rest from where the session stood, and
the intro alone is fitted again for its "about N minutes"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from audiocoach import load_routine
from audiocoach.compile import expand
from audiocoach.compile.compiler import compile_routine, estimate_ms
from audiocoach.render import RenderOptions, plan, synthesizer_for
from helpers import need_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_inputs import many_items_routine  # noqa: E402


@pytest.fixture
def expansions(monkeypatch):
    """How many times the session is expanded (Expander.run) while the test runs."""
    runs = []
    real = expand.Expander.run

    def counted(self):
        runs.append(1)
        return real(self)

    monkeypatch.setattr(expand.Expander, "run", counted)
    return runs


def test_a_compile_with_advice_on_every_rest_expands_once(tmp_path, expansions):
    src = tmp_path / "many.yaml"
    # 20 s: a changeover also holds the next set's lead-in, so the bench's 25 s now say it all.
    src.write_text(many_items_routine(30).replace("25s", "20s"), encoding="utf-8")
    timeline = compile_routine(load_routine(src), estimate_ms)
    assert sum(1 for c in timeline.changes if c.advice) >= 29  # every 20 s changeover is advised
    assert len(expansions) == 1


def test_the_intro_says_the_session_s_length_after_one_expansion(expansions):
    routine = load_routine(ROOT / "routines" / "posterior-chain.yaml")
    timeline = compile_routine(routine, estimate_ms)
    minutes = round(timeline.duration_ms / 60_000)
    # an hour, the two ramp-up sets before the Romanian deadlift, and the 3 s pause after the
    # bottom of every range set (8-10, 10-12, 12-15)
    assert minutes == 64
    intro = next(e for e in timeline.events if e.kind == "speech")
    assert "About sixty-four minutes" in intro.text
    assert len(expansions) == 1


@pytest.mark.engine
def test_a_cold_pooled_plan_and_a_warm_one_each_expand_once(tmp_path, expansions):
    """Cold: the pool fits with cached lengths, then estimates (to find the phrases), then real
    lengths; warm: once. Each is one expansion (espeak-ng, the fastest voice the README installs)."""
    need_engine("espeak-ng")
    routine = load_routine(ROOT / "routines" / "circuit-glute-activation.yaml")
    options = RenderOptions(engine="espeak-ng", cache_dir=str(tmp_path / "cache"))
    with synthesizer_for(routine, options) as synth:
        cold = plan(routine, synth, workers=2)
        assert synth.synthesized > 20  # the pool ran
    assert len(expansions) == 1
    with synthesizer_for(routine, options) as synth:
        warm = plan(routine, synth, workers=2)
        assert synth.synthesized == 0
    assert len(expansions) == 2
    assert warm.events == cold.events


@pytest.mark.parametrize("verbosity", ["standard", "coach"])
@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (ROOT / "routines").glob("*.yaml") if "blocks:" in p.read_text())
)
def test_a_trial_rest_at_the_session_s_own_length_is_the_session_s_rest(name, verbosity):
    """The checkpoint holds all the state a change-over depends on (form cues in turn,
    rests counted, setups heard, rotating encouragement, where 'Halfway' goes): built again at
    its own length, every change-over is cue for cue what the session built."""
    from audiocoach.compile.advice import is_changeover
    from audiocoach.compile.compiler import expand_session
    from audiocoach.load.overrides import apply_overrides, parse_override

    routine = apply_overrides(
        load_routine(ROOT / "routines" / f"{name}.yaml"), [parse_override("verbosity", verbosity)]
    )
    session = expand_session(routine)
    assert session.expander is not None
    changeovers = [s for s in session.segments if is_changeover(s) and s.context.get("exercise", 0) > 0]
    # one change-over between each two items: a routine of one circuit or superset has none
    assert len(changeovers) == len(session.expander.spots()) - 1
    for seg in changeovers:
        trial = session.expander.trial_changeover(seg.context["exercise"] - 1, seg.length_ms - seg.lead_ms)
        assert trial.cues == seg.cues, (seg.where, [c.role for c in seg.cues], [c.role for c in trial.cues])
