"""Every default and every bound, in one place; other modules import the names.

Defaults are what a build uses when neither the routine nor the command line says
otherwise. Bounds are the largest (and smallest) values the loader accepts: each one
keeps a single number from asking for unbounded work, and the session limits
(:data:`MAX_SESSION_MS`, :data:`MAX_SESSION_EVENTS`) bound the session as a whole before
any speech is synthesised. This module imports nothing from the package.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- encoding

#: MP3 (and other lossy formats') bitrate.
BITRATE = "64k"
#: Accepted bitrates, in kbit/s.
BITRATE_MIN_K, BITRATE_MAX_K = 8, 320
#: Integrated loudness a build is levelled to (EBU R128 for speech podcasts: -16 LUFS).
LOUDNESS_LUFS = -16.0
#: Accepted loudness targets.
LOUDNESS_MIN_LUFS, LOUDNESS_MAX_LUFS = -30.0, -8.0
#: True-peak ceiling of the limiter.
CEILING_DBTP = -1.0

# --------------------------------------------------------------------------- speech

#: Words per minute.
RATE = 170
RATE_MIN, RATE_MAX = 80, 450

# --------------------------------------------------------------------------- music

#: Music level relative to the voice, in dB.
MUSIC_LEVEL_DB = -12.0
MUSIC_LEVEL_MIN_DB, MUSIC_LEVEL_MAX_DB = -60.0, 0.0
#: How far the music dips while the coach speaks, in dB.
MUSIC_DUCK_DB = 10.0
MUSIC_DUCK_MIN_DB, MUSIC_DUCK_MAX_DB = 0.0, 60.0

# --------------------------------------------------------------------------- routine

#: The tempo of an inline exercise when neither it nor the routine names one.
TEMPO = "2-0-1-0"
REST = "60s"
REST_AFTER = "90s"
#: The counted lead-in before the first rep, the pause to switch sides, and the length of an
#: explosive (X) tempo phase, unless the routine's ``defaults:`` say otherwise.
LEAD_IN_MS = 3000
SWITCH_MS = 5000
EXPLOSIVE_MS = 500
#: How often a long hold or interval says the time left ("Thirty seconds left.").
HOLD_REMAINING_EVERY_MS = 30_000

# --------------------------------------------------------------------------- groups

#: A superset moves straight on; a circuit walks to its next station.
SUPERSET_TRANSITION = "0s"
CIRCUIT_TRANSITION = "10s"
#: An EMOM's interval, and how often an AMRAP says the time left.
EMOM_EVERY_MS = 60_000
AMRAP_REMAINING_EVERY_MS = 60_000
#: A tabata: eight rounds of 20 s work and 10 s rest.
TABATA_ROUNDS = 8
TABATA_WORK_MS = 20_000
TABATA_REST = "10s"

# --------------------------------------------------------------------------- bounds

#: A session is at most this long (4 hours), checked at load from what the routine asks for.
MAX_SESSION_MS = 4 * 3_600_000
#: ... and asks for at most this many timed cues (spoken or tone), counted at load from the
#: top of every range (a real four-hour session compiles to well under half of this).
MAX_SESSION_EVENTS = 50_000
MAX_SETS = 100
MAX_ROUNDS = 200
MAX_REPS = 100
#: One tempo phase, in seconds.
MAX_TEMPO_PHASE_S = 60
#: A hold, a rest, an interval's work, an EMOM's interval, a transition.
MAX_STEP_MS = 30 * 60_000
#: An AMRAP's time cap.
MAX_AMRAP_MS = 2 * 3_600_000
MAX_LEAD_IN_MS = 60_000
MAX_SWITCH_MS = 5 * 60_000
MAX_BLOCKS = 100
#: Exercises in one block, or in one group.
MAX_ITEMS = 100
#: Characters of one piece of spoken text (a title, a note, a cue, a phrase template).
MAX_TEXT_CHARS = 500
#: Characters of a voice's id or name.
MAX_VOICE_CHARS = 100
#: Characters of the description (it is spoken in the intro).
MAX_DESCRIPTION_CHARS = 2000
#: Nesting of YAML collections.
MAX_YAML_DEPTH = 32
#: YAML nodes in one document, aliases counted each time they are used.
MAX_YAML_NODES = 100_000
#: Digits of an integer in YAML.
MAX_INT_DIGITS = 12
#: Size of one routine or program file.
MAX_FILE_BYTES = 1_000_000
MAX_WEEKS = 52
MAX_DAYS = 14
MAX_RULES = 100

# --------------------------------------------------------------------------- warnings

#: A session speaking more different phrases than this is warned about: a cold build
#: synthesizes each one first (the posterior-chain session speaks about 100).
MANY_DISTINCT_PHRASES = 400

#: File suffixes a music folder's playlist picks up (ffmpeg decodes many more when named directly).
AUDIO_SUFFIXES = frozenset(
    [".mp3", ".m4a", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".flac", ".wav", ".aif", ".aiff", ".wma", ".webm", ".mka"]
)
