"""Export: samples -> audio files, tags, chapters, cue sheets, split pieces, the session plan.

May import the contracts and audio (loudness, ffmpeg); sees the timeline, never load,
words or compile (checked by lint-imports).
"""
