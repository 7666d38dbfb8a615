"""Load: YAML -> validated model, every problem at file:line:col, all raised at once.

Owns the YAML reader, the routine and its groups, defaults, phrases, music, units, loads
and efforts, the exercise library, command-line overrides and the session bound. May import
the contracts, timing and words (to check phrase placeholders); never compile, speech,
audio or export, so loading a routine imports no audio stack.
"""
