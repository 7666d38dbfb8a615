"""One import-free engine table (issue 30, point 5): every list of engines derives from
audiocoach.engines, and a backend is imported only when its engine is asked for."""

from __future__ import annotations

import subprocess
import sys

from audiocoach import engines, scripts, speech


def test_every_row_names_a_backend_whose_name_is_the_row_s():
    for row in engines.ENGINES:
        assert row.name == speech.BACKENDS[row.name].NAME
    assert sorted(speech.BACKENDS) == sorted(engines.ENGINE_NAMES)


def test_auto_order_base_set_choices_and_scripts_come_from_the_table():
    assert speech.AUTO_ORDER is engines.AUTO_ORDER
    assert engines.AUTO_ORDER[0] == "hibari" == speech.DEFAULT_VOICE_ENGINE
    assert engines.BASE_ENGINES == ("hibari", "espeak-ng", "pyttsx3", "piper")  # .ci/run's pass 1
    assert ("auto", *sorted(r.name for r in engines.ENGINES)) == engines.ENGINE_CHOICES
    assert {r.name: r.scripts for r in engines.ENGINES} == scripts.ENGINE_SCRIPTS


def test_naming_one_engine_imports_no_other_backend():
    """Only the asked engine's backend module, and the default voice's (the session rate is its
    native rate); neither imports its engine's library until it speaks."""
    code = (
        "import sys; from audiocoach.speech import get_backend; get_backend('espeak-ng'); "
        "print(sorted(m for m in sys.modules if m.endswith('_backend')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['audiocoach.speech.espeak_backend', 'audiocoach.speech.hibari_backend']"


def test_the_table_imports_nothing():
    code = "import sys; import audiocoach.engines; print(sorted(m for m in sys.modules if m.startswith('audiocoach')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['audiocoach', 'audiocoach.engines']"
