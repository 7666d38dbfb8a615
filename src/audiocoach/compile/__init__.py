"""Compile: model -> timeline of timed events, as a tuple of pure passes.

Owns the expansion of a routine into segments, the structures (superset, circuit, EMOM,
AMRAP, intervals), counting, cue fitting and the fit warnings. May import the contracts,
timing, words and load (never speech, audio or export): compiling makes no sound and
writes no files.
"""
