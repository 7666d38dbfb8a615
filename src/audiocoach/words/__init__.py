"""Words: the phrasebook (data/phrases.yaml) and every spoken line, number and duration words.

Serves compile and load (which checks a routine's phrases); imports only the contracts.
"""
