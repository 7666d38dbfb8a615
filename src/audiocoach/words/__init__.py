"""Words: the phrasebook and every spoken line."""
