"""Compile: model -> timeline of timed events, as declared passes."""
