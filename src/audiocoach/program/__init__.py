"""Program: programs (days x weeks), progression rules and deloads, rosters -> many sessions.

Composes load, compile (through render) and words; imports neither batch nor cli.
"""
