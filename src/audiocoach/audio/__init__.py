"""Audio: timeline + clips -> samples (the mixer, loudness and true peak, background music, ffmpeg).

May import the contracts (errors, defaults, timeline, tones) and nothing else of audiocoach:
it sees the timeline, never load, words or compile (checked by lint-imports). With export,
the only stage that runs ffmpeg or pydub.
"""
